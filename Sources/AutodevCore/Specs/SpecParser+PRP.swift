internal import AutodevMarkdown

/// PRP: how `SpecParser` reads this format (split out of SpecParser.swift, unchanged).
extension SpecParser {

    func prp() -> [Requirement] {
        let blocks = outline.blocks(sections.indices)
        let all = outline.preamble + (sections.isEmpty ? [] : [MarkdownBlock(kind: .heading(level: sections[0].level),
                                                                             text: sections[0].title, line: sections[0].line)]) + blocks
        let heading = sections.first { $0.level == 1 }?.title
        let stem = String(name.split(separator: ".").first ?? Substring(name))
        let key = heading.map { TextScan.collapse($0) } ?? stem
        let raw = SpecText.raw(all)
        return [make(key: key, ids: [key, stem], kind: .requirement, title: key, text: SpecText.normalized(all),
                     raw: "", line: 1, paths: Self.actionTargets(raw), destinations: destinations(all),
                     progress: SpecText.progress(all))]
    }

    /// `CREATE src/a.py`, `MODIFY src/b.py:` → the paths (PRP implementation tasks).
    static func actionTargets(_ text: String) -> [String] {
        let verbs: Set<Substring> = ["CREATE", "MODIFY", "UPDATE", "ADD", "EDIT", "DELETE", "MOVE", "REPLACE"]
        var result: [String] = []
        var previousWasVerb = false
        for token in text.split(whereSeparator: { $0.isWhitespace || $0 == "`" }) {
            if previousWasVerb, let path = TextScan.pathToken(token) { result.append(path) }
            previousWasVerb = verbs.contains(token.hasSuffix(":") ? token.dropLast() : token)
        }
        return result
    }
}
