/// The frame the decision caches share (`.auto-dev/cache/spec-index`, `spec-trees`): a header
/// line `<name> <version> <entries> <checksum of the rest>`, then the body, lines ending in
/// `\n`. A file of another name or version, or whose checksum does not match, reads as nothing.
enum CacheFileFrame {
    /// `body` behind its header line.
    static func encode(name: String, version: Int, entries: Int, body: [UInt8]) -> [UInt8] {
        var file = Array("\(name) \(version) \(entries) ".utf8)
        appendHex(SpecIndex.hash(body), to: &file)
        file.append(0x0A)
        return file + body
    }

    /// The entry count the header gives and the body it vouches for; nil when the file is not
    /// `name` at `version`, its checksum does not match, or its last line is not ended.
    static func decode(_ bytes: [UInt8], name: String, version: Int) -> (entries: Int, body: ArraySlice<UInt8>)? {
        guard let end = bytes.firstIndex(of: 0x0A) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).split(separator: " ")
        guard head.count == 4, head[0] == name, head[1] == String(version), let count = Int(head[2]),
              let checksum = UInt64(head[3], radix: 16) else { return nil }
        let body = bytes[(end + 1)...]
        guard SpecIndex.hash(body) == checksum, body.last == 0x0A || body.isEmpty else { return nil }
        return (count, body)
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `value` as 16 lower-case hex digits.
    static func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) { bytes.append(digits[Int((value >> UInt64(shift)) & 0xF)]) }
    }
}
