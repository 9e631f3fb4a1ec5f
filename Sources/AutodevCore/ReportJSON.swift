internal import AutodevGit

/// The `diff-events --json` object written directly: the same bytes JSONEncoder gives with
/// sorted keys and unescaped slashes, at a fraction of the cost on ranges of thousands of
/// changes and decisions.
public enum ReportJSON {
    public static func encode(_ report: DiffEventsReport) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256 * (report.changes.count + report.events.count) + 128)
        out += Array("{".utf8)
        if let actions = report.actions {
            out += Array("\"actions\":{".utf8)
            for (index, key) in actions.keys.sorted().enumerated() {
                if index > 0 { out.append(0x2C) }
                string(key, into: &out)
                out += Array(":\(actions[key]!)".utf8)
            }
            out += Array("},".utf8)
        }
        out += Array("\"changes\":[".utf8)
        for (index, change) in report.changes.enumerated() {
            if index > 0 { out.append(0x2C) }
            out += Array("{\"binary\":".utf8) + Array((change.binary ? "true" : "false").utf8)
            out += Array(",\"event\":".utf8)
            if let event = change.event { string(event.rawValue, into: &out) } else { out += Array("null".utf8) }
            out += Array(",\"ignoredBy\":".utf8)
            if let ignored = change.ignoredBy { string(ignored, into: &out) } else { out += Array("null".utf8) }
            if let old = change.oldPath {
                out += Array(",\"oldPath\":".utf8)
                string(old, into: &out)
            }
            out += Array(",\"path\":".utf8)
            string(change.path, into: &out)
            if let similarity = change.similarity { out += Array(",\"similarity\":\(similarity)".utf8) }
            out += Array(",\"status\":".utf8)
            string(change.status.rawValue, into: &out)
            out.append(0x7D)
        }
        out += Array("],".utf8)
        if let decisions = report.decisions {
            out += Array("\"decisions\":[".utf8)
            for (index, decision) in decisions.enumerated() {
                if index > 0 { out.append(0x2C) }
                out += Array("{\"action\":".utf8)
                string(decision.action.rawValue, into: &out)
                out += Array(",\"eventId\":".utf8)
                string(decision.eventId, into: &out)
                out += Array(",\"links\":[".utf8)
                for (linkIndex, link) in decision.links.enumerated() {
                    if linkIndex > 0 { out.append(0x2C) }
                    string(link, into: &out)
                }
                out += Array("],\"reason\":".utf8)
                string(decision.reason, into: &out)
                out += Array(",\"requirement\":".utf8)
                if let requirement = decision.requirement {
                    out += Array("{\"change\":".utf8)
                    string(requirement.change.rawValue, into: &out)
                    out += Array(",\"format\":".utf8)
                    string(requirement.format.rawValue, into: &out)
                    out += Array(",\"key\":".utf8)
                    string(requirement.key, into: &out)
                    if let previous = requirement.previousKey {
                        out += Array(",\"previousKey\":".utf8)
                        string(previous, into: &out)
                    }
                    out += Array(",\"spec\":".utf8)
                    string(requirement.spec, into: &out)
                    out += Array(",\"textHash\":".utf8)
                    string(requirement.textHash, into: &out)
                    out += Array(",\"title\":".utf8)
                    string(requirement.title, into: &out)
                    out.append(0x7D)
                } else {
                    out += Array("null".utf8)
                }
                out += Array(",\"rule\":".utf8)
                string(decision.rule, into: &out)
                out.append(0x7D)
            }
            out += Array("],".utf8)
        }
        out += Array("\"events\":[".utf8)
        for (index, event) in report.events.enumerated() {
            if index > 0 { out.append(0x2C) }
            out += Array("{\"detail\":".utf8)
            string(event.detail, into: &out)
            out += Array(",\"id\":".utf8)
            string(event.id, into: &out)
            out += Array(",\"kind\":".utf8)
            string(event.kind.rawValue, into: &out)
            out += Array(",\"path\":".utf8)
            string(event.path, into: &out)
            out += Array(",\"priority\":\(event.priority)}".utf8)
        }
        out += Array("],".utf8)
        if let needingWork = report.needingWork { out += Array("\"needingWork\":\(needingWork),".utf8) }
        out += Array("\"notes\":[".utf8)
        for (index, note) in report.notes.enumerated() {
            if index > 0 { out.append(0x2C) }
            string(note, into: &out)
        }
        out += Array("],\"range\":{\"from\":".utf8)
        if let from = report.range.from { string(from, into: &out) } else { out += Array("null".utf8) }
        out += Array(",\"to\":".utf8)
        if let to = report.range.to { string(to, into: &out) } else { out += Array("null".utf8) }
        out += Array("}}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string: quotes, backslashes and control characters escaped as JSONEncoder does.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }
}
