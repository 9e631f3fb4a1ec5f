/// Whether a task is work for a person or for the project's checks rather than code: testing by
/// hand, documentation, review, release, process, planning or writing specs — in whatever
/// language the task is written.
///
/// Structure decides first: a task that names a code artifact (a code path, a symbol in
/// backticks, `name()`, `snake_case`) is code work whatever its words say; a task whose only
/// target in its title is a document (`README.md`, `docs/api.md`) is not. Only then a small
/// lexicon reads the task's verb phrase (after `Task 12:`, `Tarea 3:`, `任务 2：`, `T004`,
/// tags and done marks), never alone against a named artifact.
///
/// Where the words come from: the English verbs measured on the development corpora (`Run`,
/// `Verify`, `Confirm`, `Rebase`, `Manual…`), the examples of the unseen-repository trial
/// (issue 21: "Manual End-to-End Testing", "Validación manual", "Documentar", "记录", "审计",
/// "spec details"), the task vocabulary of the formats' templates (Spec Kit's "Polish &
/// cross-cutting", BMAD's "Manual testing", Kiro's "Update documentation"), and their usual
/// Spanish, Chinese, French and German forms, written by hand. Words that are also common
/// feature nouns were left out or narrowed after measuring (`notify`, `schedule`, `push`,
/// `demo`, `draft`, `communicate`, a bare `merge` or `release`; `investigate` and `release` as
/// an object, and Kiro's `Checkpoint` / `Final validation` tasks added, after a replay over a
/// public Kiro repository's 2,000 tasks). The measured table is in
/// `NotCodeWorkTests` (precision and recall, held-out items apart).
enum NotCodeWork {
    /// What kind of work that is not code.
    enum Kind: String {
        case manualTesting = "testing by hand"
        case checks = "running the project's checks"
        case documentation = "documentation"
        case review = "review or audit"
        case release = "release or deployment"
        case process = "process or coordination"
        case planning = "planning or writing specs"
    }

    /// Phrases that open a task title that writes no code (Latin: a whole-word prefix; CJK: a prefix).
    static let heads: [(Kind, [String])] = [
        (.manualTesting, [
            "manual", "manually", "smoke test", "smoke-test", "exploratory test", "exploratory testing", "user acceptance",
            "uat", "dogfood", "validación manual", "prueba manual", "pruebas manuales", "verificación manual",
            "probar manualmente", "手动", "手工", "人工", "冒烟测试", "manuell", "test manuel", "tests manuels",
        ]),
        (.checks, [
            "run", "rerun", "re-run", "search for", "verify", "confirm", "checkpoint", "final validation", "final verification",
            "final check", "validación final", "punto de control", "检查点", "最终验证", "ejecutar", "verificar", "confirmar", "comprobar", "运行",
            "执行", "确认", "ausführen", "überprüfen", "prüfen", "bestätigen", "exécuter", "lancer", "vérifier", "confirmer",
        ]),
        (.documentation, [
            "document", "documentar", "documenter", "dokumentieren", "记录", "编写文档", "撰写文档", "更新文档", "补充文档",
            "写文档",
        ]),
        (.review, [
            "review", "self-review", "self review", "audit", "proofread", "code review", "revisar", "auditar", "审查", "审核", "评审", "审计", "复查",
            "relire", "auditer", "revoir",
        ]),
        (.release, [
            "publish", "deploy", "ship", "announce", "release v", "release version", "release to", "cut a release",
            "tag the release", "tag a release", "bump the version", "bump version", "publicar", "desplegar", "发布", "部署",
            "上线", "veröffentlichen", "ausrollen", "publier", "déployer",
        ]),
        (.process, [
            "rebase", "merge the pr", "merge pr", "merge the branch", "merge branch", "merge into", "merge to main",
            "coordinate", "discuss", "sign off", "sign-off", "get approval", "open a pr", "open pr", "create a pr",
            "create pr", "push to", "push the branch", "coordinar", "acordar", "solicitar aprobación", "沟通", "协调",
            "讨论", "koordinieren", "abstimmen", "coordonner",
        ]),
        (.planning, [
            "plan", "write spec", "write the spec", "write a spec", "brainstorm", "research", "estimate",
            "planificar", "planear", "redactar", "investigar", "规划", "调研", "planen", "recherchieren", "planifier",
            "rédiger",
        ]),
        // Chinese "verify" and "check the whole" (a replay of a public OpenSpec repository in
        // Chinese proposed `验证迁移可正常应用并加载模块`, verify the migration applies, as code).
        (.checks, ["验证", "校验", "回归测试"]),
        // A spike is research before building (`Spike: close every open question`).
        (.planning, ["spike", "proof of concept"]),
    ]

    /// Nouns whose thing is a document or a process step: a task whose object they head edits
    /// no code (`Add pagination/footer spec details`, `Actualizar la documentación de la API`,
    /// `更新部署文档`).
    static let objects: [(Kind, [String])] = [
        (.documentation, [
            "documentation", "docs", "doc", "readme", "changelog", "user guide", "guide", "tutorial", "runbook",
            "playbook", "release notes", "wiki", "faq", "documentación", "guía", "manual de usuario", "notas de la versión",
            "léame", "spécification", "notes de version", "dokumentation", "doku", "anleitung", "handbuch", "文档", "说明",
            "指南", "手册", "变更日志", "发布说明",
        ]),
        (.planning, [
            "spec", "specs", "specification", "specifications", "plan", "roadmap", "especificación", "especificaciones",
            "spezifikation", "规范", "需求", "规格", "计划",
        ]),
    ]

    /// Words after a Latin noun that leave it the head of its phrase (`spec details`, `docs for
    /// the API`, `documentación de la API`).
    static let linkWords: Set<String> = [
        "for", "of", "to", "with", "and", "on", "in", "about", "details", "detail", "section", "sections", "entry",
        "entries", "page", "pages", "text", "wording", "content", "notes", "file", "files", "update", "updates",
        "examples", "example", "de", "del", "para", "con", "y", "en", "sobre", "la", "el", "du", "des", "pour", "avec",
        "et", "sur", "für", "zu", "und", "mit", "von", "über", "zum", "zur",
    ]
    /// What may follow `spec`/`specs` for it to be a document: Ruby's `spec for User` is a test.
    static let specLinkWords: Set<String> = ["details", "detail", "section", "sections", "text", "wording", "document", "doc", "file"]

    /// Verbs that make the task code whatever its object (`Implement the requirements doc parser`).
    static let codeVerbs = [
        "implement", "develop", "code", "program", "implementar", "desarrollar", "programar", "implémenter", "développer",
        "implementieren", "entwickeln", "实现", "开发", "编码",
    ]
    /// Words that say a document in the title is a reference, not the thing edited.
    static let referenceWords = [
        "per", "see", "described", "according", "following", "based", "from", "as in", "según", "ver", "conforme",
        "selon", "voir", "gemäß", "siehe", "laut", "参见", "参考", "根据", "按照", "依据",
    ]

    /// Why a task is not code work, or nil when it is (or may be) code.
    public static func reason(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task else { return nil }
        return reason(title: requirement.title, paths: requirement.paths, codeSpans: requirement.codeSpans)
    }

    static func reason(title: String, paths: [String], codeSpans: [String]) -> String? {
        // 1. Structure: a named code artifact makes it code work.
        if paths.contains(where: { !isDocument($0) }) { return nil }
        if codeSpans.contains(where: isSymbol) || bareSymbol(in: title) { return nil }
        let phrase = Self.phrase(title)
        let latin = " " + Self.latinWords(phrase) + " "
        // 2. Structure: the document it names is what it edits.
        let titleDocuments = TextScan.pathMentions(title).filter(isDocument)
        if let document = titleDocuments.first, !referenceWords.contains(where: { contains(latin, phrase, $0) }),
           !codeVerbs.contains(where: { startsWith(latin, phrase, $0) }) {
            return "its target is a document (\(document)), not code"
        }
        // 3. The lexicon, beside the structure.
        if let (kind, word) = headMatch(latin, phrase) {
            return "\(kind.rawValue) (“\(word)”)"
        }
        if manualTesting(latin, phrase) { return "\(Kind.manualTesting.rawValue) (“manual”)" }
        // A short label before a colon names the kind of step (`Security review: Verify …`,
        // `Performance review: Measure …`): its last word, then the words after it, are read
        // as the title's head (a replay of a public Spec Kit repository proposed such review
        // steps as code work).
        if let (label, rest) = leadingLabel(phrase) {
            if let last = label.split(separator: " ").last.map(String.init), let (kind, word) = headMatch(" \(last) ", last) {
                return "\(kind.rawValue) (“\(word)”)"
            }
            if let (kind, word) = headMatch(" " + latinWords(rest) + " ", rest) { return "\(kind.rawValue) (“\(word)”)" }
        }
        // A test named after a document (`Write property test for the docs index`) is code.
        let testing = ["test", "tests", "prueba", "pruebas", "测试", "tester", "testen"].contains { contains(latin, phrase, $0) }
        if !testing, !codeVerbs.contains(where: { startsWith(latin, phrase, $0) }), let (kind, word) = objectMatch(latin, phrase) {
            return "\(kind.rawValue): its object is “\(word)”"
        }
        // A title that ends on a document noun writes that document, whatever its verb:
        // "Implement validation configuration documentation" (a replay of a public Kiro
        // repository read twelve such tasks as code work). "Implement the docs parser" ends
        // on "parser" and stays code.
        if !testing, let word = documentEnding(latin) { return "\(Kind.documentation.rawValue): it ends on “\(word)”" }
        return nil
    }

    /// A label of one to three Latin words before a colon at the start of a phrase, and what
    /// follows it: `security review: verify x` → (`security review`, `verify x`).
    static func leadingLabel(_ phrase: String) -> (String, String)? {
        guard let colon = phrase.firstIndex(where: { $0 == ":" || $0 == "\u{FF1A}" }) else { return nil }
        let label = phrase[..<colon]
        let words = label.split(separator: " ")
        guard (1...3).contains(words.count), words.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "-" } }) else { return nil }
        let rest = String(phrase[phrase.index(after: colon)...].drop(while: \.isWhitespace))
        guard !rest.isEmpty else { return nil }
        return (String(label), rest)
    }

    /// The document noun a Latin title ends on (`… documentation`, `… user guide`), if any.
    static func documentEnding(_ latin: String) -> String? {
        let words = latin.split(separator: " ").map(String.init)
        guard let last = words.last else { return nil }
        let endings = ["documentation", "docs", "guide", "guides", "tutorial", "runbook", "playbook", "readme", "documentación",
                       "documentação", "guía", "dokumentation"]
        return endings.contains(last) ? last : nil
    }

    // MARK: Structure

    /// A path to a document rather than code: Markdown, text and office files, README-like names.
    static func isDocument(_ path: String) -> Bool {
        let name = SpecDocument.baseName(path)
        if let ext = TextScan.extensionOf(Substring(name))?.lowercased() {
            // Build and dependency files that happen to be text: CMakeLists.txt, requirements.txt.
            let lower = name.lowercased()
            if ext == "txt", lower == "cmakelists.txt" || lower.hasPrefix("requirements") || lower.hasPrefix("constraints") {
                return false
            }
            return ["md", "mdx", "markdown", "rst", "adoc", "asciidoc", "txt", "org", "rtf", "pdf", "docx"].contains(ext)
        }
        if ["README", "CHANGELOG", "LICENSE", "CONTRIBUTING", "AUTHORS", "NOTICE"].contains(name.uppercased()) { return true }
        let first = path.split(separator: "/").first.map { $0.lowercased() } ?? ""
        return path.hasSuffix("/") && ["docs", "doc", "documentation", "specs", ".kiro", "openspec", "kitty-specs"].contains(first)
    }

    /// A code span that names code: a path or file of code, `name()`, `snake_case`, `a.b`,
    /// `Type::member`, `camelCase`/`PascalCase`, an HTTP route. A command (`npm test`), a flag,
    /// a plain word (`pytest`) or a document is not.
    static func isSymbol(_ span: String) -> Bool {
        let text = TextScan.collapse(span)
        guard !text.isEmpty else { return false }
        for method in ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "] where text.hasPrefix(method) { return true }
        guard !text.contains(" "), !text.hasPrefix("-") else { return false }
        if let path = TextScan.pathToken(Substring(text)) { return !isDocument(path) }
        if text.contains("(") || text.contains("::") { return true }
        let letters = text.filter(\.isLetter)
        guard !letters.isEmpty else { return false }
        if text.contains("_"), text.first != "_", text.contains(where: \.isLowercase) { return true }
        if text.contains("."), text.split(separator: ".").allSatisfy({ !$0.isEmpty && $0.first!.isLetter }) { return true }
        // camelCase or PascalCase: a lower-case letter followed by an upper-case one.
        var previousLower = false
        for character in text {
            if character.isUppercase && previousLower { return true }
            previousLower = character.isLowercase
        }
        return false
    }

    /// A symbol written without backticks: `count_completed()`, `Store::load`, `parse_args`.
    static func bareSymbol(in title: String) -> Bool {
        title.split(whereSeparator: { $0.isWhitespace || ",;\"'".contains($0) }).contains { token in
            let word = token.trimmingCharacters(in: ".:!?")
            guard word.contains(where: \.isLetter) else { return false }
            if word.hasSuffix("()") || word.contains("::") { return true }
            // `GRPC_TRANSPORT`, `KYTHIRA_STRICT`: a build option or an environment variable is
            // configuration a check runs with, not code to write.
            guard word.contains("_"), word.first != "_", word.last != "_", word.contains(where: \.isLowercase) else { return false }
            return word.split(separator: "_").count >= 2 && word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        }
    }

    // MARK: Lexicon

    /// The verb phrase, lower-cased, without trailing parentheticals (`(AC: All)`, `（可选）`).
    static func phrase(_ title: String) -> String {
        var text = Substring(TaskLabel.verbPhrase(title)).lowercased()[...]
        var changed = true
        while changed {
            changed = false
            while let last = text.last, last.isWhitespace || ".。:：".contains(last) { text = text.dropLast() }
            for (open, close) in [("(", ")"), ("\u{FF08}", "\u{FF09}"), ("[", "]")] where text.last == Character(close) {
                if let start = text.lastIndex(of: Character(open)), start != text.startIndex {
                    text = text[..<start]
                    changed = true
                }
            }
        }
        return String(text)
    }

    /// Letters, digits and inner hyphens as words separated by single spaces.
    static func latinWords(_ phrase: String) -> String {
        let mapped = phrase.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : " " }
        return String(mapped).split(separator: " ").joined(separator: " ")
    }

    private static func isCJK(_ word: String) -> Bool {
        word.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false
    }

    private static func startsWith(_ latin: String, _ phrase: String, _ word: String) -> Bool {
        isCJK(word) ? phrase.hasPrefix(word) : latin.hasPrefix(" " + word + " ")
    }

    private static func contains(_ latin: String, _ phrase: String, _ word: String) -> Bool {
        isCJK(word) ? phrase.contains(word) : latin.contains(" " + word + " ")
    }

    static func headMatch(_ latin: String, _ phrase: String) -> (Kind, String)? {
        for (kind, words) in heads {
            for word in words where startsWith(latin, phrase, word) {
                // `记录` is to log in code as well: `记录错误日志` writes a logger call.
                if word == "记录" && (phrase.contains("日志") || phrase.contains("log")) { continue }
                // `验证码` is a verification code, a feature (`验证码登录`, log in with a code).
                if (word == "验证" || word == "校验") && phrase.dropFirst(word.count).hasPrefix("码") { continue }
                return (kind, word)
            }
        }
        return nil
    }

    /// A word for "by hand" with a word for testing or checking, anywhere in the phrase:
    /// `Test the export manually`, `Pruebas de login a mano`, `登录流程人工验证`.
    static func manualTesting(_ latin: String, _ phrase: String) -> Bool {
        let byHand = ["manually", "manualmente", "manual", "manuales", "manuell", "manuelle", "manuellen", "manuellement", "by hand", "a mano", "à la main"]
        let testing = ["test", "prueb", "prob", "valid", "verif", "check", "comprob", "qa", "e2e", "end-to-end", "smoke", "prüf",
                       "vérif", "essai"]
        if byHand.contains(where: { latin.contains(" " + $0 + " ") }) {
            let words = latin.split(separator: " ")
            if words.contains(where: { word in testing.contains { word.hasPrefix($0) } }) { return true }
        }
        return ["手动", "手工", "人工"].contains(where: phrase.contains) && ["测试", "验证", "检查", "测"].contains(where: phrase.contains)
    }

    static func objectMatch(_ latin: String, _ phrase: String) -> (Kind, String)? {
        let words = latin.split(separator: " ").map(String.init)
        var trimmedPhrase = Substring(phrase)
        while let last = trimmedPhrase.last, !(last.isLetter || last.isNumber) { trimmedPhrase = trimmedPhrase.dropLast() }
        for (kind, nouns) in objects {
            for noun in nouns {
                if isCJK(noun) {
                    if trimmedPhrase.hasSuffix(noun) { return (kind, noun) }
                    continue
                }
                let parts = noun.split(separator: " ").map(String.init)
                guard parts.count <= words.count else { continue }
                for start in 0...(words.count - parts.count) where Array(words[start..<(start + parts.count)]) == parts {
                    let next = start + parts.count < words.count ? words[start + parts.count] : nil
                    let allowed = noun.hasPrefix("spec") && !noun.hasPrefix("speci") ? specLinkWords : linkWords
                    if next == nil || allowed.contains(next!) { return (kind, noun) }
                }
            }
        }
        return nil
    }
}
