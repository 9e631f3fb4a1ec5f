/// YAML front matter at the top of a Markdown spec (`---` … `---`): metadata, never prose.
/// Work-package files keep their links there (`subtasks: [T008]`, `requirement_refs: [FR-015]`),
/// stories and PRPs their `status:`. Only what autodev uses is read: top-level scalars and
/// lists of scalars; anything else is skipped.
struct FrontMatter: Equatable {
    var scalars: [String: String] = [:]
    var lists: [String: [String]] = [:]

    /// The front matter of `bytes` and the bytes with it blanked out (each of its lines kept as
    /// an empty line, so line numbers still point into the file). nil when the file has none.
    static func split(_ bytes: [UInt8]) -> (FrontMatter, [UInt8])? {
        guard bytes.starts(with: Array("---".utf8)) else { return nil }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var end: Int?
        for index in bytes.indices where bytes[index] == 0x0A {
            let line = bytes[start..<index]
            let trimmed = String(decoding: line, as: UTF8.self).trimmingCharacters(in: " \r\t")
            if lines.isEmpty {
                guard trimmed == "---" else { return nil }
            } else if trimmed == "---" || trimmed == "..." {
                end = index + 1
                break
            }
            lines.append(line)
            start = index + 1
            if lines.count > 2_000 { return nil }
        }
        guard let end else { return nil }
        var matter = FrontMatter()
        var listKey: String?
        for raw in lines.dropFirst() {
            let line = String(decoding: raw, as: UTF8.self)
            let content = line.trimmingCharacters(in: " \r\t")
            if content.isEmpty || content.hasPrefix("#") { continue }
            let indented = line.first == " " || line.first == "\t"
            if content.hasPrefix("- "), let key = listKey {
                let value = unquote(String(content.dropFirst(2)))
                if !value.contains(": ") { matter.lists[key, default: []].append(value) }
                continue
            }
            if indented { continue }
            listKey = nil
            guard let colon = content.firstIndex(of: ":") else { continue }
            let key = String(content[..<colon]).trimmingCharacters(in: " ").lowercased()
            let value = String(content[content.index(after: colon)...]).trimmingCharacters(in: " ")
            if value.isEmpty {
                listKey = key
            } else if value.hasPrefix("[") && value.hasSuffix("]") {
                matter.lists[key] = value.dropFirst().dropLast().split(separator: ",").map { unquote(String($0)) }.filter { !$0.isEmpty }
            } else {
                matter.scalars[key] = unquote(value)
            }
        }
        var blanked = bytes
        for index in 0..<end where blanked[index] != 0x0A { blanked[index] = 0x20 }
        return (matter, blanked)
    }

    private static func unquote(_ text: String) -> String {
        var value = text.trimmingCharacters(in: " \r\t")
        if let hash = value.firstRange(of: " #") { value = String(value[..<hash.lowerBound]) }
        return value.trimmingCharacters(in: "\"' ")
    }
}
