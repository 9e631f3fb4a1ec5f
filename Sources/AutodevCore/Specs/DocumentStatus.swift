internal import AutodevMarkdown

/// What a spec says about its own progress: `Status: Done` in a story, `status: complete` in
/// front matter, `**Status**: COMPLETED` in a PRP, `**Estado:** Completado`, `状态：已完成`.
/// Progress is evidence, not a requirement.
enum DocumentStatus {
    /// Whether a status value says the work is finished: it starts with a finished word
    /// (`StatusWords`, in any of its languages) and gives no percentage short of 100 %
    /// (`Backend Complete (100%), Frontend 70%` is not).
    static func isFinished(_ value: String) -> Bool {
        guard StatusWords.state(of: value, whole: false) == true else { return false }
        var digits = ""
        for character in value {
            if character.isNumber { digits.append(character); continue }
            if character == "%", let number = Int(digits), number < 100 { return false }
            digits = ""
        }
        return true
    }

    /// Words of a Spec Kit header status that speak of the code rather than of the document:
    /// Spec Kit writes `**Status**: Draft` into every new spec, and a spec marked `Complete` is
    /// a finished *document*; `Implemented` or `Shipped` says the code exists.
    static let codeStatusWords: [String] = [
        "implemented", "shipped", "merged", "released", "delivered", "deployed", "in production", "live",
        "implementado", "implementada", "desplegado", "entregado", "implémenté", "livré", "déployé",
        "implementiert", "ausgeliefert", "已实现", "已上线", "已发布", "已合并", "已交付",
    ]

    /// Whether a Spec Kit header status speaks of the code (see `codeStatusWords`).
    static func speaksOfCode(_ value: String) -> Bool {
        var text = Substring(value.lowercased())
        while let first = text.first, !first.isLetter { text = text.dropFirst() }
        return codeStatusWords.contains { text.hasPrefix($0) }
    }

    /// The status a Markdown spec declares: front matter `status:`, a `Status:` line (bold or
    /// not, in any of `StatusWords.labels`) before the first section ends, or the first line
    /// under a `## Status` heading.
    static func declared(frontMatter: FrontMatter?, outline: SpecOutline) -> String? {
        if let value = frontMatter?.scalars["status"], !value.isEmpty { return value }
        for section in outline.sections where mayBeLabel(section.title) && StatusWords.labels.contains(SpecText.headingKey(section.title)) {
            if let first = section.blocks.first(where: { $0.kind == .paragraph }) {
                let line = first.text.split(separator: "\n").first.map(String.init) ?? first.text
                return TextScan.collapse(line.trimmingCharacters(in: "*_ "))
            }
        }
        let early = outline.preamble + (outline.sections.prefix(2).flatMap(\.blocks))
        for block in early where block.kind == .paragraph {
            // `**Status:** Done` among other fields (`**Epic:** 11 … **Status:** Done`).
            if let value = StatusWords.labelledValue(in: block.text) { return String(value) }
        }
        // `## Status: Complete` as a heading.
        if let value = headingStatus(outline) { return value }
        return nil
    }

    /// Whether `SpecText.headingKey(title)` could be a status label: that key is the title
    /// lower-cased with whitespace, an outline number and colons taken off, so a label (which
    /// holds no whitespace) stands in the lower-cased title. A pre-check: the key is made (two
    /// passes of whitespace collapsing) only for a title that passes it.
    static func mayBeLabel(_ title: String) -> Bool {
        let lower = title.lowercased()
        let ascii = lower.utf8.allSatisfy { $0 < 0x80 }
        return StatusWords.labels.contains { label in
            // A label beyond ASCII is not in ASCII text.
            if ascii && !label.utf8.allSatisfy({ $0 < 0x80 }) { return false }
            return ByteSearch.contains(lower, label)
        }
    }

    /// A BMAD story's status written as a field of its information list (`## Story Information`
    /// then `- **Status:** Complete`), when nothing above declares one: a replay of a public BMAD
    /// history read the open boxes of such a finished story as new work.
    static func declaredInList(_ outline: SpecOutline) -> String? {
        let early = outline.preamble + (outline.sections.prefix(2).flatMap(\.blocks))
        for (item, depth) in SpecText.items(early) where depth == 0 {
            if let value = StatusWords.labelledValue(in: SpecText.firstParagraph(of: item)) { return String(value) }
        }
        return nil
    }

    private static func headingStatus(_ outline: SpecOutline) -> String? {
        for section in outline.sections {
            let title = section.title.filter { $0 != "*" }.lowercased()
            guard StatusWords.labels.contains(where: { title.hasPrefix($0) }) else { continue }
            if let value = StatusWords.labelledValue(in: section.title) { return String(value) }
        }
        return nil
    }
}
