import AutodevGit

/// Deleted code that a requirement links to: part of `Explainer` (split out of Explainer.swift, unchanged).
extension Explainer {

    /// The paths linked by the requirements of the specs, at the end of the range, that name one
    /// of `gone` (a spec that does not contain a deleted file's name cannot link to it, so it is
    /// not parsed: a rename in a large repository does not read every spec).
    mutating func linkIndex(naming gone: Set<String>) -> [String: [Requirement]] {
        var index: [String: [Requirement]] = [:]
        let needles = Set(gone.map { Array(SpecDocument.baseName($0).utf8) })
        var read = 0
        // Only Markdown specs name paths (a non-Markdown spec is one requirement without links),
        // so the cheap suffix test comes before the globs.
        for (path, side) in after.files(under: "")
        where SpecDocument.isMarkdown(SpecDocument.baseName(path)) && classifier.classify(path)?.category == .specs {
            read += 1
            if shouldStop() { break }
            if read > Self.specIndexLimit {
                notes.append("more than \(Self.specIndexLimit) spec files: links of the rest were not checked for deleted paths")
                break
            }
            guard let bytes = try? repository.content(of: side),
                  needles.contains(where: { Self.contains(bytes, $0) }) else { continue }
            for requirement in document(path: path, side: side, content: bytes).requirements {
                for link in links(of: requirement, in: after) {
                    index[link, default: []].append(requirement)
                }
            }
        }
        return index
    }

    /// Whether `needle` occurs in `haystack`, byte for byte.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
