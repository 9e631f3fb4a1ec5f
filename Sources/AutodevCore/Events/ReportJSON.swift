internal import AutodevGit

/// The `diff-events --json` object written directly: the same bytes JSONEncoder gives with
/// sorted keys and unescaped slashes, at a fraction of the cost on ranges of thousands of
/// changes and decisions.
public enum ReportJSON {
    public static func encode(_ report: DiffEventsReport) -> String {
        String(decoding: bytes(report), as: UTF8.self)
    }

    /// The same JSON as UTF-8 bytes, ready to write.
    public static func bytes(_ report: DiffEventsReport) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 * (report.changes.count + report.events.count) + 128)
        out.append(contentsOf: "{".utf8)
        if let actions = report.actions {
            out.append(contentsOf: "\"actions\":{".utf8)
            for (index, key) in actions.keys.sorted().enumerated() {
                if index > 0 { out.append(0x2C) }
                string(key, into: &out)
                out.append(contentsOf: ":\(actions[key]!)".utf8)
            }
            out.append(contentsOf: "},".utf8)
        }
        out.append(contentsOf: "\"changes\":[".utf8)
        for (index, change) in report.changes.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: change.binary ? "{\"binary\":true".utf8 : "{\"binary\":false".utf8)
            out.append(contentsOf: ",\"event\":".utf8)
            if let event = change.event { string(event.rawValue, into: &out) } else { out.append(contentsOf: "null".utf8) }
            out.append(contentsOf: ",\"ignoredBy\":".utf8)
            if let ignored = change.ignoredBy { string(ignored, into: &out) } else { out.append(contentsOf: "null".utf8) }
            if let old = change.oldPath {
                out.append(contentsOf: ",\"oldPath\":".utf8)
                string(old, into: &out)
            }
            out.append(contentsOf: ",\"path\":".utf8)
            string(change.path, into: &out)
            if let similarity = change.similarity { out.append(contentsOf: ",\"similarity\":\(similarity)".utf8) }
            out.append(contentsOf: ",\"status\":".utf8)
            string(change.status.rawValue, into: &out)
            out.append(0x7D)
        }
        out.append(contentsOf: "],".utf8)
        if let decisions = report.decisions {
            out.append(contentsOf: "\"decisions\":[".utf8)
            for (index, decision) in decisions.enumerated() {
                if index > 0 { out.append(0x2C) }
                out.append(contentsOf: "{\"action\":".utf8)
                string(decision.action.rawValue, into: &out)
                out.append(contentsOf: ",\"eventId\":".utf8)
                string(decision.eventId, into: &out)
                out.append(contentsOf: ",\"links\":[".utf8)
                for (linkIndex, link) in decision.links.enumerated() {
                    if linkIndex > 0 { out.append(0x2C) }
                    string(link, into: &out)
                }
                out.append(contentsOf: "],\"reason\":".utf8)
                string(decision.reason, into: &out)
                out.append(contentsOf: ",\"requirement\":".utf8)
                if let requirement = decision.requirement {
                    out.append(contentsOf: "{\"change\":".utf8)
                    string(requirement.change.rawValue, into: &out)
                    out.append(contentsOf: ",\"format\":".utf8)
                    string(requirement.format.rawValue, into: &out)
                    out.append(contentsOf: ",\"key\":".utf8)
                    string(requirement.key, into: &out)
                    if let previous = requirement.previousKey {
                        out.append(contentsOf: ",\"previousKey\":".utf8)
                        string(previous, into: &out)
                    }
                    out.append(contentsOf: ",\"spec\":".utf8)
                    string(requirement.spec, into: &out)
                    out.append(contentsOf: ",\"textHash\":".utf8)
                    string(requirement.textHash, into: &out)
                    out.append(contentsOf: ",\"title\":".utf8)
                    string(requirement.title, into: &out)
                    out.append(0x7D)
                } else {
                    out.append(contentsOf: "null".utf8)
                }
                out.append(contentsOf: ",\"rule\":".utf8)
                string(decision.rule, into: &out)
                if let doubt = decision.doubt {
                    out.append(contentsOf: ",\"unsure\":".utf8)
                    string(doubt.question, into: &out)
                }
                out.append(0x7D)
            }
            out.append(contentsOf: "],".utf8)
        }
        out.append(contentsOf: "\"events\":[".utf8)
        for (index, event) in report.events.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: "{\"detail\":".utf8)
            string(event.detail, into: &out)
            out.append(contentsOf: ",\"id\":".utf8)
            string(event.id, into: &out)
            out.append(contentsOf: ",\"kind\":".utf8)
            string(event.kind.rawValue, into: &out)
            out.append(contentsOf: ",\"path\":".utf8)
            string(event.path, into: &out)
            out.append(contentsOf: ",\"priority\":\(event.priority)}".utf8)
        }
        out.append(contentsOf: "],".utf8)
        if let needingWork = report.needingWork { out.append(contentsOf: "\"needingWork\":\(needingWork),".utf8) }
        out.append(contentsOf: "\"notes\":[".utf8)
        for (index, note) in report.notes.enumerated() {
            if index > 0 { out.append(0x2C) }
            string(note, into: &out)
        }
        out.append(contentsOf: "],\"range\":{\"from\":".utf8)
        if let from = report.range.from { string(from, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: ",\"to\":".utf8)
        if let to = report.range.to { string(to, into: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: "}}".utf8)
        return out
    }

    /// A JSON string: quotes, backslashes and control characters escaped as JSONEncoder does.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(0x22)
        // Most strings (paths, ids) need no escaping: copy them whole.
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(0x22)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x08: out.append(0x5C); out.append(0x62)
            case 0x0C: out.append(0x5C); out.append(0x66)
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }
}
