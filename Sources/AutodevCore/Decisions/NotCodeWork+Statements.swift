/// Work that is not code, read from how a line is built rather than from its opening verb alone:
/// a requirement whose action is to document (`System MUST document the timeout setting`), a
/// check that says what must hold (`Validate all commands are documented`) or which earlier
/// task to run (`… (run test T011)`), and a review of whole folders (`Review existing codebase
/// structure (internal/cli/, internal/config/)`).
///
/// Where the shapes come from: issue 21's fresh replay of a public Go Spec Kit project (its
/// documentation feature's tasks and its timeout feature's FR-010), written again by hand in
/// English, Spanish, Chinese, French and German for the tests (`FreshShapes2Tests`). The words
/// are few and decide only beside the structure: the modal verb of a requirement, a clause
/// after the check verb, a parenthesis that runs a task id, paths that are all folders.
extension NotCodeWork {
    // MARK: Requirements whose action is documentation

    /// Modal verbs that open a requirement's action (Latin: whole words; CJK: anywhere).
    static let modals = ["must", "shall", "should", "debe", "deberá", "deben", "deberán", "doit", "doivent", "muss", "müssen",
                         "必须", "必需", "应当", "應當", "必須", "须"]
    /// Verbs of documenting after a modal (`记录` is left out: `系统必须记录日志` logs in code).
    static let documentVerbs = ["document", "documentar", "documenter", "dokumentieren", "编写文档", "撰写文档", "提供文档", "編寫文件",
                                "撰寫文件", "提供文件"]

    /// Why a requirement (not a task) asks for documentation rather than code: its action after
    /// the modal verb is to document, or its subject is a document (`The README MUST explain …`),
    /// and it names no code. Nil for anything else.
    static func requirementReason(_ requirement: Requirement) -> String? {
        guard requirement.kind == .requirement || requirement.kind == .story else { return nil }
        let title = requirement.title
        if namesCode(title: title, paths: TextScan.pathMentions(title), codeSpans: requirement.codeSpans.filter { title.contains($0) }) {
            return nil
        }
        let lower = title.lowercased()
        let asciiTitle = lower.utf8.allSatisfy { $0 < 0x80 }
        // The same for every modal: made once, when the first Latin one is looked for.
        var latinLower: String?
        for modal in modals {
            let before: Substring
            let after: Substring
            if isCJKWord(modal) {
                // A CJK modal is not in ASCII text (nearly every title): no search.
                guard !asciiTitle, let range = lower.firstRange(of: modal) else { continue }
                before = lower[..<range.lowerBound]
                after = lower[range.upperBound...]
            } else {
                let words = latinLower ?? " " + latinWords(lower) + " "
                latinLower = words
                guard let range = ByteSearch.firstRange(of: " " + modal + " ", in: words) else { continue }
                before = words[..<range.lowerBound]
                after = words[range.upperBound...]
            }
            let action = String(after.drop { $0 == " " })
            if let verb = documentVerbs.first(where: { isCJKWord($0) ? action.hasPrefix($0) : (" " + action + " ").hasPrefix(" " + $0 + " ") }) {
                return "\(Kind.documentation.rawValue): what it requires is to “\(verb)”, not code"
            }
            let subject = " " + latinWords(String(before)) + " "
            if let (kind, word) = objectMatch(subject, String(before).trimmingSpaces()), kind == .documentation,
               subject.split(separator: " ").count <= 4 {
                return "\(Kind.documentation.rawValue): its subject is “\(word)”"
            }
            return nil
        }
        return nil
    }

    // MARK: Checks by their clause

    /// Check verbs that are code work by themselves (`Validate email addresses`) and a check when
    /// a clause follows them (`Validate all commands are documented`, `Validar que la guía
    /// tiene menos de 500 líneas`).
    static let validateWords = ["validate", "validar", "valider", "validieren"]
    /// Words that open or carry the clause after such a verb: "that", and the copulas.
    static let clauseWords: Set<String> = ["that", "is", "are", "que", "es", "son", "está", "están", "tiene", "tienen", "est", "sont",
                                           "dass", "ist", "sind"]

    /// A check written as "validate that it holds": a validate verb, then a clause (`that`, `is`,
    /// `are`, `es`, `sont`…) rather than only an object, no change asked and no code named
    /// (`Validate that \`order_id\` is set in create_order()` is validation code). Or one whose
    /// parenthesis runs an earlier task's test (`(run test T011)`, `（运行测试 T011）`).
    static func clauseCheck(title: String, latin: String, phrase: String, codeSpans: [String]) -> String? {
        if let run = runsTaskInParentheses(title), !writesCode(phrase) {
            return "\(Kind.checks.rawValue) (“\(run)”): it runs a check an earlier task wrote and asks for no change to code"
        }
        guard let verb = validateWords.first(where: { startsWith(latin, phrase, $0) }), !asksForChange(latin, phrase),
              !namesCode(title: title, paths: TextScan.pathMentions(title), codeSpans: codeSpans.filter { title.contains($0) }) else { return nil }
        let rest = latin.split(separator: " ").dropFirst().map(String.init)
        guard rest.contains(where: clauseWords.contains) else { return nil }
        return "\(Kind.checks.rawValue) (“\(verb)”): it checks that something holds and asks for no change to code"
    }

    /// The words of a parenthesis that runs a task by its id: `(run test T011)`, `(run tests
    /// T005-T007)`, `(ejecutar la prueba T011)`, `（运行测试 T011）`.
    static func runsTaskInParentheses(_ title: String) -> String? {
        for (open, close) in [("(", ")"), ("\u{FF08}", "\u{FF09}")] {
            var rest = Substring(title)
            while let start = rest.firstRange(of: open) {
                guard let end = rest[start.upperBound...].firstRange(of: close) else { break }
                let inside = String(rest[start.upperBound..<end.lowerBound]).lowercased()
                rest = rest[end.upperBound...]
                let words = " " + latinWords(inside) + " "
                guard let run = runWords.first(where: { startsWith(words, inside.trimmingSpaces(), $0) }) else { continue }
                let ids: [Substring] = words.split(separator: " ").filter { (word: Substring) in
                    word.count >= 2 && word.first == "t" && word.dropFirst().prefix { $0.isNumber }.count >= 2
                }
                if !ids.isEmpty { return "\(run) \(ids.map { String($0).uppercased() }.joined(separator: ", "))" }
            }
        }
        return nil
    }

    // MARK: Reviews of folders

    /// A review that names only folders (`Review existing codebase structure (internal/cli/,
    /// internal/config/)`, `Revisar la estructura de src/ y lib/`, `审查 src/ 目录结构`) and asks
    /// for no change: reading the code, not editing it. A review that names a file stays unsure.
    static func folderReview(title: String, latin: String, phrase: String) -> String? {
        guard let (kind, word) = headMatch(latin, phrase), kind == .review, !asksForChange(latin, phrase) else { return nil }
        let paths = TextScan.pathMentions(title)
        guard !paths.isEmpty, paths.allSatisfy({ $0.hasSuffix("/") }), !bareSymbol(in: title) else { return nil }
        return "\(kind.rawValue) (“\(word)”): it reads the folders \(paths.prefix(3).joined(separator: ", ")) and asks for no change"
    }

    private static func isCJKWord(_ word: String) -> Bool {
        word.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false
    }
}
