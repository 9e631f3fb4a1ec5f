internal import AutodevMarkdown

/// What a spec says about its own progress: `Status: Done` in a story, `status: complete` in
/// front matter, `**Status**: COMPLETED` in a PRP. Progress is evidence, not a requirement.
enum DocumentStatus {
    /// Words that open a status line of finished work. "Ready for review" and "review" count:
    /// the code exists and waits for a person, so generating it again would duplicate it.
    private static let finishedWords = [
        "done", "complete", "completed", "implemented", "closed", "merged", "shipped", "released",
        "delivered", "finished", "accepted", "ready for review", "in review", "review", "qa", "verified",
    ]

    /// Whether a status value says the work is finished: it starts with one of the words above
    /// and gives no percentage short of 100 % (`Backend Complete (100%), Frontend 70%` is not).
    static func isFinished(_ value: String) -> Bool {
        var text = Substring(value.lowercased())
        while let first = text.first, !(first.isLetter) { text = text.dropFirst() }
        guard finishedWords.contains(where: { word in
            text.hasPrefix(word) && (text.count == word.count || !text[text.index(text.startIndex, offsetBy: word.count)].isLetter)
        }) else { return false }
        var digits = ""
        for character in text {
            if character.isNumber { digits.append(character); continue }
            if character == "%", let number = Int(digits), number < 100 { return false }
            digits = ""
        }
        return true
    }

    /// The status a Markdown spec declares: front matter `status:`, a `Status:` line (bold or
    /// not) before the first section ends, or the first line under a `## Status` heading.
    static func declared(frontMatter: FrontMatter?, outline: SpecOutline) -> String? {
        if let value = frontMatter?.scalars["status"], !value.isEmpty { return value }
        for section in outline.sections where SpecText.headingKey(section.title) == "status" {
            if let first = section.blocks.first(where: { $0.kind == .paragraph }) {
                let line = first.text.split(separator: "\n").first.map(String.init) ?? first.text
                return TextScan.collapse(line.trimmingCharacters(in: "*_ "))
            }
        }
        let early = outline.preamble + (outline.sections.prefix(2).flatMap(\.blocks))
        for block in early where block.kind == .paragraph {
            // `**Status:** Done` among other fields (`**Epic:** 11 … **Status:** Done`).
            let plain = TextScan.collapse(block.text.filter { $0 != "*" && $0 != "_" })
            let lower = plain.lowercased()
            guard let found = lower.firstRange(of: "status:"),
                  found.lowerBound == lower.startIndex || lower[lower.index(before: found.lowerBound)].isWhitespace else { continue }
            let offset = lower.distance(from: lower.startIndex, to: found.upperBound)
            return TextScan.collapse(plain.dropFirst(offset))
        }
        if let colon = outline.sections.first(where: { $0.title.lowercased().hasPrefix("status:") }) {
            return TextScan.collapse(colon.title.dropFirst("status:".count))
        }
        return nil
    }
}
