extension SecretGuard {
    /// The patterns alone, for text cut before any provider is known (spec titles).
    static let patterns = SecretGuard()

    /// Output of code autodev did not write (a validation command's, a generator's) as it may be
    /// logged or shown to a model: known values in every form and secret patterns replaced.
    public func scrub(_ output: [UInt8]) -> [UInt8] {
        guard !output.isEmpty else { return output }
        let text = String(decoding: output, as: UTF8.self)
        let redacted = redact(text)
        return redacted.total == 0 ? output : Array(redacted.text.utf8)
    }

    /// `text` at most `limit` characters long, redacted *before* it is cut: cut first, a key
    /// at the end keeps a prefix too short for any pattern to recognise (a requirement title
    /// cut at 120 characters sent a key's first 19).
    static func cut(_ text: String, to limit: Int) -> String {
        String(patterns.redact(text).text.prefix(limit))
    }
}
