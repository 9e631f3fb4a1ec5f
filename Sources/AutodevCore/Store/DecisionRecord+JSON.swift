/// A decision log line written directly: the same bytes `StateStore.encode(_:pretty: false)`
/// (JSONEncoder, sorted keys, unescaped slashes) gives, without an encoder and its boxes per
/// record. One JSONEncoder a decision was 5 % of a stress-test sync's CPU (1,000 decisions a
/// run). `DecisionLogJSONTests` compares both writings.
extension DecisionRecord {
    /// Appends the record's JSON object to `out`; false (nothing appended) for a record with
    /// model calls, which the encoder writes (their records are few: one a piece of model work).
    func appendJSON(to out: inout [UInt8]) -> Bool {
        guard calls == nil else { return false }
        // Keys in JSONEncoder's sorted order; an optional that is nil is left out, as the
        // synthesized `encode(to:)` does.
        out.append(contentsOf: "{\"action\":".utf8)
        ReportJSON.string(action.rawValue, into: &out)
        out.append(contentsOf: ",\"eventId\":".utf8)
        ReportJSON.string(eventId, into: &out)
        out.append(contentsOf: ",\"files\":[".utf8)
        for (index, file) in files.enumerated() {
            if index > 0 { out.append(0x2C) }
            ReportJSON.string(file, into: &out)
        }
        out.append(contentsOf: "],\"outcome\":".utf8)
        ReportJSON.string(outcome, into: &out)
        out.append(contentsOf: ",\"reason\":".utf8)
        ReportJSON.string(reason, into: &out)
        if let requirement {
            out.append(contentsOf: ",\"requirement\":".utf8)
            ReportJSON.string(requirement, into: &out)
        }
        out.append(contentsOf: ",\"rule\":".utf8)
        ReportJSON.string(rule, into: &out)
        out.append(contentsOf: ",\"run\":".utf8)
        ReportJSON.string(run, into: &out)
        if let spec {
            out.append(contentsOf: ",\"spec\":".utf8)
            ReportJSON.string(spec, into: &out)
        }
        if let textHash {
            out.append(contentsOf: ",\"textHash\":".utf8)
            ReportJSON.string(textHash, into: &out)
        }
        if let tier {
            out.append(contentsOf: ",\"tier\":".utf8)
            ReportJSON.string(tier, into: &out)
        }
        if let work {
            out.append(contentsOf: ",\"work\":".utf8)
            ReportJSON.string(work, into: &out)
        }
        out.append(0x7D)
        return true
    }
}
