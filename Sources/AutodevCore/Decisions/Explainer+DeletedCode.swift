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
        // Through the index of trees (`SpecTreeIndex`) when the run keeps one.
        let snapshot = after
        snapshot.forEachMarkdownFile(index: specIndex?.trees) { path, side in
            guard classifier.classify(path)?.category == .specs else { return true }
            read += 1
            if shouldStop() { return false }
            if read > Self.specIndexLimit {
                notes.append("more than \(Self.specIndexLimit) spec files: links of the rest were not checked for deleted paths")
                return false
            }
            guard let bytes = try? repository.content(of: side),
                  needles.contains(where: { Self.contains(bytes, $0) }) else { return true }
            for deleted in Self.deletionsAsked(in: bytes, of: gone) {
                requestedDeletions[deleted, default: []].insert(Self.folder(of: path))
            }
            for requirement in document(path: path, side: side, content: bytes).requirements {
                for link in links(of: requirement, in: after) {
                    index[link, default: []].append(requirement)
                }
            }
            return true
        }
        return index
    }

    /// Words on a line that name a path and ask for its deletion (`| x.py | Delete file |`,
    /// `├── x.py  # DELETE`, `删除 x.py`); the verbs of `TaskIntent.deleting` and their past forms.
    static let deletionWords = TaskIntent.deleting + ["deleted", "removed", "deletion", "eliminado", "supprimé", "entfernt", "gelöscht", "삭제"]

    /// The paths of `gone` that a line of the spec file names (by path or file name) together
    /// with a deletion word: the spec asked for their deletion.
    static func deletionsAsked(in bytes: [UInt8], of gone: Set<String>) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var asked: [String] = []
        for path in gone {
            let name = SpecDocument.baseName(path)
            for line in text.split(separator: "\n") where line.contains(name) {
                let lower = line.lowercased()
                let words = Set(lower.split(whereSeparator: { !$0.isLetter }).map(String.init))
                let deletes = deletionWords.contains { word in
                    word.unicodeScalars.first.map { $0.value >= 0x2E80 } == true ? lower.contains(word) : words.contains(word)
                }
                if deletes { asked.append(path); break }
            }
        }
        return asked
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
