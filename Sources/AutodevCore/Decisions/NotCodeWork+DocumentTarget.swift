/// A task whose verb edits a document it names, where the code it names sits in parentheses as
/// what that document describes: "Add Retry Management description to architecture.md
/// (internal/retry/ package, persistent state)", "Document the state_dir option in reference.md
/// (name, type, default)", "Add cross-references from quickstart.md to reference.md",
/// "Documentar el módulo de pagos en guia.md (src/pagos/)". Issue 21's replay of an unseen Go
/// Spec Kit project proposed about 15 such tasks of a documentation feature as code work: the
/// parenthesised package path read as a named code artifact, and "from" as a reference word.
extension NotCodeWork {
    /// Prepositions before the document a task writes into, in the languages the lexicon knows.
    static let targetWords = ["to", "in", "into", "en", "a", "al", "dans", "zu", "nach", "im", "em", "no", "na"]
    static let targetMarks = ["到", "至", "中", "に", "へ"]
    /// Verbs that write about what they name: the names after them are the document's subject.
    static let documentingVerbs = ["document", "documentar", "documenter", "dokumentieren", "describe", "describir", "décrire", "beschreiben"]

    /// Why the task's target is a document, or nil. Outside its parentheses it names documents
    /// only (at least one) and no code symbol, does not open with a code verb, is not about tests,
    /// and the document is what it writes into: preceded by a target word (`to`, `in`, `en`, `到`)
    /// or with no reference word (`per`, `see`, `según`) anywhere outside the parentheses.
    static func documentTarget(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task else { return nil }
        let outside = withoutParentheses(requirement.title)
        let paths = TextScan.pathMentions(outside)
        guard let document = paths.last(where: isDocument), !paths.contains(where: { !isDocument($0) }) else { return nil }
        let phrase = Self.phrase(outside)
        let latin = " " + Self.latinWords(phrase) + " "
        let lower = outside.lowercased()
        // Any document it names after a target word ("from a.md to b.md and c.md": b.md) or
        // before a target mark (`README.md に`, `指南.md 中`).
        let written = paths.filter(isDocument).contains { path in
            // The path as written, else its name (`to the README.md`).
            guard let found = lower.firstRange(of: path.lowercased()) ?? lower.firstRange(of: SpecDocument.baseName(path).lowercased())
            else { return false }
            var before = lower[..<found.lowerBound]
            while let last = before.last, last == " " || last == "`" || last == "*" { before = before.dropLast() }
            let word = before.split(separator: " ").last.map(String.init) ?? ""
            let after = lower[found.upperBound...].drop { $0 == " " || $0 == "`" || $0 == "*" }
            return targetWords.contains(word) || targetMarks.contains { before.hasSuffix($0) }
                || targetMarks.contains { after.hasPrefix($0) }
        }
        // "Document the `state_dir` option in reference.md", "`README.md` に `think_mode` の一覧
        // を追記する": a name is what the document it writes into describes.
        let describing = documentingVerbs.contains { startsWith(latin, phrase, $0) }
        let spans = requirement.codeSpans.filter { outside.contains($0) && !isDocument($0) }
        guard describing || written || (!spans.contains(where: isSymbol) && !bareSymbol(in: outside)) else { return nil }
        guard !codeVerbs.contains(where: { startsWith(latin, phrase, $0) }),
              !["test", "tests", "prueba", "pruebas", "测试", "tester", "testen", "テスト"].contains(where: { contains(latin, phrase, $0) })
        else { return nil }
        guard written || !referenceWords.contains(where: { contains(latin, phrase, $0) }) else { return nil }
        return "its target is a document (\(document)); the code it names is what that document describes"
    }

    /// The text outside round brackets (ASCII and full-width), nested ones included.
    static func withoutParentheses(_ text: String) -> String {
        var depth = 0
        var out = ""
        for character in text {
            switch character {
            case "(", "\u{FF08}": depth += 1
            case ")", "\u{FF09}": depth = max(0, depth - 1)
            default: if depth == 0 { out.append(character) }
            }
        }
        return out
    }
}
