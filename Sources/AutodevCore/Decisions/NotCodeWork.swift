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
        case scope = "a limit on the change's scope"
    }

    /// Phrases that open a task title that writes no code (Latin: a whole-word prefix; CJK: a prefix).
    static let heads: [(Kind, [String])] = [
        (.manualTesting, [
            "manual", "manually", "smoke test", "smoke-test", "exploratory test", "exploratory testing", "user acceptance",
            "uat", "dogfood", "validación manual", "prueba manual", "pruebas manuales", "verificación manual",
            "probar manualmente", "手动", "手工", "人工", "冒烟测试", "手動", "煙霧測試", "manuell", "test manuel", "tests manuels",
        ]),
        (.checks, [
            "run", "rerun", "re-run", "search for", "verify", "confirm", "checkpoint", "final validation", "final verification",
            "final check", "validación final", "punto de control", "检查点", "最终验证", "ejecutar", "verificar", "confirmar", "comprobar", "运行",
            "执行", "确认", "執行", "運行", "確認", "ausführen", "überprüfen", "prüfen", "bestätigen", "exécuter", "lancer", "vérifier", "confirmer",
        ]),
        (.documentation, [
            "document", "documentar", "documenter", "dokumentieren", "记录", "编写文档", "撰写文档", "更新文档", "补充文档",
            "写文档", "記錄", "編寫文件", "撰寫文件", "更新文件", "補充文件",
        ]),
        (.review, [
            "review", "self-review", "self review", "audit", "proofread", "code review", "revisar", "auditar", "审查", "审核", "评审", "审计", "复查", "審查", "審核", "審計", "複查",
            "relire", "auditer", "revoir",
        ]),
        (.release, [
            "publish", "deploy", "ship", "announce", "release v", "release version", "release to", "cut a release",
            "tag the release", "tag a release", "bump the version", "bump version", "publicar", "desplegar", "发布", "部署",
            "上线", "發布", "發佈", "上線", "set up monitoring", "configure monitoring", "configurar monitoreo",
            "configurar alertas", "配置监控", "設定監控", "veröffentlichen", "ausrollen", "publier", "déployer",
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
            "指南", "手册", "变更日志", "发布说明", "文件說明", "說明", "使用說明", "手冊", "變更日誌",
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
        guard requirement.kind == .task else { return requirementReason(requirement) }
        // Under a heading about tests or coverage, confirming a behaviour is writing its test
        // (`## 3. 契約カバレッジ` over `…を保持することを確認する`), unless it checks the change's
        // own scope (`…がこの change に入っていないことを確認する`).
        // Steps under the title that build something (a Kiro task's bullets: `…が反映されるようにする`,
        // `…を最小限公開する`) make it code work whatever its title's final verb.
        let verbFinal = (!(requirement.section.map(testingHeading) ?? false) || checksOwnScope(requirement.title))
            && !stepsBuild(requirement)
        if let own = reason(title: requirement.title, paths: requirement.paths, codeSpans: requirement.codeSpans, verbFinal: verbFinal) {
            return own
        }
        if let structural = structuralReason(requirement) { return structural }
        guard let section = requirement.section else { return nil }
        return sectionReason(title: requirement.title, paths: requirement.paths, codeSpans: requirement.codeSpans, section: section)
    }

    /// Why the rules cannot tell whether a task they call code work is code, or nil when the
    /// evidence is clear. Unsure means: nothing in it points at code (no code file, no symbol)
    /// and no verb the lexicon knows opens it ("Responsive layout on phones", "Monitoring y
    /// alertas"); or the lexicon and the structure disagree (words of a person's task beside
    /// a named code file: "Review src/auth.ts with the security team"). With a provider
    /// configured, triage asks about these; without one, the rules' decision stands.
    public static func unsure(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task, reason(requirement) == nil else { return nil }
        let title = requirement.title
        let phrase = Self.phrase(title)
        let latin = " " + Self.latinWords(phrase) + " "
        let named = namesCode(title: title, paths: requirement.paths, codeSpans: requirement.codeSpans)
        let lexicon = headMatch(latin, phrase).map(\.1) ?? objectMatch(latin, phrase).map(\.1)
            ?? (manualTesting(latin, phrase) ? "manual" : nil) ?? personTesting(title: title, latin: latin, phrase: phrase)
        if named, let word = lexicon { return "its words (“\(word)”) say a person's task, but it names code" }
        if named { return nil }
        let verb = TaskIntent.of(phrase) != nil || codeVerbs.contains(where: { startsWith(latin, phrase, $0) })
            || changeVerbs.contains(where: { startsWith(latin, phrase, $0) })
        return verb ? nil : "it names no code file or symbol, and no verb the rules know opens it"
    }

    /// Structure: a task that names no code artifact, under a heading whose own target is a
    /// document (`## 1. Update Root README.md`, `## 2. Update CLI README`, `## 文档`) or that is
    /// a review or a manual-testing step by itself (`## 6. Review`), is that kind of work: its
    /// words ("Fix installation command (around line 59)") edit the section's document. A task
    /// with a code verb (`Implement …`) or a named file or symbol stays code work.
    static func sectionReason(title: String, paths: [String], codeSpans: [String], section: String) -> String? {
        if namesCode(title: title, paths: paths, codeSpans: codeSpans) { return nil }
        let phrase = Self.phrase(title)
        let latin = " " + Self.latinWords(phrase) + " "
        if codeVerbs.contains(where: { startsWith(latin, phrase, $0) }) { return nil }
        let heading = Self.phrase(section)
        let headingLatin = " " + Self.latinWords(heading) + " "
        let headingPaths = TextScan.pathMentions(section)
        if headingPaths.contains(where: { !isDocument($0) }) { return nil }
        if let document = headingPaths.first(where: isDocument) {
            return "\(Kind.documentation.rawValue): its section “\(section)” edits \(document)"
        }
        if codeVerbs.contains(where: { startsWith(headingLatin, heading, $0) }) { return nil }
        if let (kind, word) = objectMatch(headingLatin, heading), kind == .documentation {
            return "\(kind.rawValue): its section “\(section)” is about “\(word)”"
        }
        if let word = documentEnding(headingLatin) { return "\(Kind.documentation.rawValue): its section “\(section)” ends on “\(word)”" }
        // `## 1. Specification`: its tasks write the change's specs (`更新 runtime delta spec`).
        if let word = gateCheckpoint(heading) { return "\(Kind.checks.rawValue): its section “\(section)” is a quality gate (“\(word) N”)" }
        if let word = specHeading(headingLatin, heading) { return "\(Kind.planning.rawValue): its section “\(section)” is “\(word)”" }
        // A heading that is only the step's name: `Review`, `Manual testing`, `人工验证`.
        if manualTesting(headingLatin, heading) { return "\(Kind.manualTesting.rawValue): its section is “\(section)”" }
        if let (kind, word) = headMatch(headingLatin, heading), kind == .review || kind == .manualTesting,
           headingLatin.trimmingCharacters(in: " ") == word || heading == word {
            return "\(kind.rawValue): its section is “\(section)”"
        }
        return nil
    }

    /// A code path, a code symbol in backticks or a bare one (`count_completed()`) in the task.
    static func namesCode(title: String, paths: [String], codeSpans: [String]) -> Bool {
        paths.contains(where: { !isDocument($0) }) || codeSpans.contains(where: isSymbol) || bareSymbol(in: title)
    }

    static func reason(title: String, paths: [String], codeSpans: [String], verbFinal: Bool = true) -> String? {
        let phrase = Self.phrase(title)
        let latin = " " + Self.latinWords(phrase) + " "
        // 0. Running a command or checking code that exists is not changing code, whatever it
        // names (`Run all tests (uv run pytest tests/)`, `Verify the handler in src/api.ts
        // returns 404`, `驗證 OwnerModel 已實作 (app/Models/OwnerModel.php)`), unless it also
        // asks for a change (`Verify … and fix`, `確認…並修正`).
        if let (word, running) = checkOpening(latin, phrase), running || !asksForChange(latin, phrase) {
            return "\(Kind.checks.rawValue) (“\(word)”): it \(running ? "runs a command" : "checks what exists") and asks for no change to code"
        }
        // The same check with its verb last (`…ことを確認する`, `…를 검증한다`, `… abgleichen`), and
        // a negated change that only bounds the change (`Avoid adding …`, `…は追加しない`):
        // NotCodeWork+VerbFinal.swift.
        if verbFinal, let word = verbFinalCheck(title: title, phrase: phrase) {
            return "\(Kind.checks.rawValue) (“\(word)”): its final verb checks or runs, and it asks for no change to code"
        }
        if let words = scopeLimit(title: title, latin: latin, phrase: phrase) {
            return "\(Kind.scope.rawValue) (“\(words)”): it bounds the other tasks' work and asks for nothing to be written"
        }
        // A command line to run, or a step that works in /tmp (NotCodeWork+Commands.swift).
        if let why = commandStep(title: title, paths: paths, codeSpans: codeSpans) { return why }
        // A check by its clause or by the earlier task it runs, and a review of whole folders
        // (NotCodeWork+Statements.swift).
        if let why = clauseCheck(title: title, latin: latin, phrase: phrase, codeSpans: codeSpans) ?? folderReview(title: title, latin: latin, phrase: phrase) {
            return why
        }
        // A step given to a person by a tag (`[operator] Provision the account`) or a field of
        // its heading's task (`Location: lib/x.dart`): structure, whatever it names.
        if let tag = personTag(title) { return "a step for a person (tagged “\(tag)”)" }
        // A Spec Kit quality gate (`Gate 3 browser smoke for PR A`) and a step that only locates
        // code (`Find lines ~153-158`): a checkpoint and a pointer, whatever they name.
        if let word = gateCheckpoint(phrase) { return "\(Kind.checks.rawValue): a quality gate (“\(word) N”), a checkpoint, not code" }
        // `Final Checkpoint - Ensure all tests pass`, `Punto de control final`, `最终检查点`.
        if let noun = checkpointHead(phrase) { return "\(Kind.checks.rawValue): a checkpoint (“\(noun)”), where the work is checked, not code" }
        // A title made of bookkeeping words only (`Commit and push the changes`, `提交并推送更改`).
        if let why = bookkeepingTitle(title: title, paths: paths, codeSpans: codeSpans) { return why }
        // A step for when a condition holds that skips or notes (`If CI is not available, skip …`).
        if let why = conditionalProcess(title: title, codeSpans: codeSpans) { return why }
        if let verb = locatorStep(title) { return "a step that only locates code (“\(verb) … line”), part of its parent task" }
        if let label = field(phrase) ?? fieldLabelOnly(title: title, phrase: phrase) {
            return "a field of its section (“\(label):”), not a step"
        }
        // A deletion on a developer's machine (`删除本地开发数据库（modulus.db）`).
        if let word = environmentStep(title: title, latin: latin, phrase: phrase) {
            return "a step in a developer's environment (“\(word)”), not code"
        }
        // A spike, research or a check against live services decides on what its title names:
        // the code spans of its steps below it are the steps' (`0. Spike: close every open cell`).
        let titleSpans = codeSpans.filter { title.contains($0) }
        if !namesCode(title: title, paths: TextScan.pathMentions(title), codeSpans: titleSpans) {
            if let (kind, word) = headMatch(latin, phrase), kind == .planning { return "\(kind.rawValue) (“\(word)”)" }
            if let word = liveCheck(latin, phrase) { return "\(Kind.checks.rawValue) against live services (“\(word)”)" }
        }
        // 1. Structure: a named code artifact makes it code work.
        if namesCode(title: title, paths: paths, codeSpans: codeSpans) { return nil }
        if writesSpecDelta(latin) { return "\(Kind.planning.rawValue): it writes a spec delta" }
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
        // `Update release notes: add an entry for …`, `Actualizar las notas de la versión: …`,
        // `更新发布说明：…`: the label's object is the document edited.
        if let colon = phrase.firstIndex(where: { $0 == ":" || $0 == "\u{FF1A}" }) {
            let label = String(phrase[..<colon])
            let labelLatin = " " + latinWords(label) + " "
            if (1...6).contains(label.split(separator: " ").count), label.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" }),
               !codeVerbs.contains(where: { startsWith(labelLatin, label, $0) }),
               let (kind, word) = objectMatch(labelLatin, label), kind == .documentation {
                return "\(kind.rawValue): its label's object is “\(word)”"
            }
        }
        if let word = personTesting(title: title, latin: latin, phrase: phrase) {
            return "\(Kind.manualTesting.rawValue): \(word) testing is done by a person with tools, not code the spec asks for"
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
        if !testing, let word = planningEnding(latin, phrase) { return "\(Kind.planning.rawValue): it ends on “\(word)”" }
        if let word = japaneseCheckEnding(phrase) { return "\(Kind.checks.rawValue): it ends on “\(word)”" }
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

    // MARK: Checks

    /// Words that open running a command: running it is the whole task.
    static let runWords = ["run", "rerun", "re-run", "ejecutar", "correr", "运行", "执行", "執行", "運行", "ausführen", "exécuter",
                           "lancer"]
    /// Words that open checking what exists: verification of code that is there.
    static let verifyWords = ["verify", "confirm", "check that", "check whether", "check if", "double-check", "cross-check",
                              "verificar", "comprobar", "confirmar", "确认", "確認", "überprüfen", "prüfen", "bestätigen",
                              "vérifier", "confirmer", "contrôler"]
    /// Chinese verbs that check or validate: code work (`验证用户输入`) unless the task says
    /// what it checks is already there (`已`, `包含`, `存在`, `是否`, `符合`, `一致`).
    static let cjkVerify = ["验证", "驗證", "核对", "核對", "检查", "檢查", "检验", "檢驗"]
    static let cjkAlready = ["已", "包含", "存在", "是否", "符合", "一致", "正确", "正確"]
    /// What a Chinese check that names no code looks for: that it is there (`cjkAlready`) or that
    /// it works (`可`, `能`, `正常`, `成功`: `验证导入后数据可正常读取`).
    static let cjkOutcome = cjkAlready + ["可", "能", "正常", "成功"]

    /// The check a title opens with, and whether it runs a command (true) or checks code (false).
    static func checkOpening(_ latin: String, _ phrase: String) -> (String, Bool)? {
        if let word = runWords.first(where: { startsWith(latin, phrase, $0) }) { return (word, true) }
        if let word = verifyWords.first(where: { startsWith(latin, phrase, $0) }) { return (word, false) }
        if let word = cjkVerify.first(where: { phrase.hasPrefix($0) }), cjkAlready.contains(where: { phrase.dropFirst(word.count).contains($0) }) {
            return (word, false)
        }
        // `Check preset counts match the preset files`: a comparison, not a change.
        if startsWith(latin, phrase, "check"), latin.contains(" match ") || latin.contains(" matches ") {
            return ("check", false)
        }
        return nil
    }

    /// Verbs that ask for a change after a check (`… and fix`, `… y corregir`, `…並修正`).
    static let changeVerbs = ["fix", "update", "add", "implement", "change", "modify", "correct", "refactor", "remove", "create",
                              "write", "adjust", "repair", "corregir", "arreglar", "actualizar", "añadir", "agregar", "implementar",
                              "ajustar", "corriger", "ajouter", "modifier", "beheben", "korrigieren", "anpassen", "hinzufügen",
                              "修正", "修复", "修復", "修改", "更新", "添加", "新增", "实现", "實作", "實現", "补充", "補充", "调整", "調整"]

    static func asksForChange(_ latin: String, _ phrase: String) -> Bool {
        // `已實作` is "already implemented": a state, not a request.
        var rest = phrase
        for done in ["已實作", "已实现", "已實現", "已完成", "已修正", "已修复", "已更新", "已新增", "已添加"] {
            rest = rest.replacing(done, with: " ")
        }
        let words = latin.split(separator: " ").dropFirst()
        return changeVerbs.contains { verb in
            isCJK(verb) ? rest.contains(verb) : words.contains { $0 == verb }
        }
    }

    /// What people test with tools rather than write as code: load, performance, browser,
    /// accessibility testing (`Realizar pruebas de carga`, `瀏覽器相容性測試`, `Performance test:
    /// verify <500ms`). A task that creates such a test (`Add load tests for the API`) is code.
    static func personTesting(title: String, latin: String, phrase: String) -> String? {
        if let intent = TaskIntent.of(String(phrase)), intent.intent == .create { return nil }
        let kinds = ["load", "performance", "browser", "cross-browser", "compatibility", "accessibility", "a11y", "usability",
                     "stress", "carga", "rendimiento", "accesibilidad", "compatibilidad", "usabilidad", "estrés", "charge",
                     "accessibilité", "compatibilité", "last", "leistung", "barrierefreiheit", "kompatibilität",
                     // Tests in the field (with the hardware, outdoors): a person's campaign.
                     "field", "campo", "terrain", "feld"]
        let testing = ["test", "tests", "testing", "prueba", "pruebas", "essai", "essais"]
        let words = latin.split(separator: " ").map(String.init)
        if words.contains(where: testing.contains), let kind = words.first(where: kinds.contains) { return kind }
        let cjkKinds = ["性能", "效能", "负载", "負載", "压力", "壓力", "浏览器", "瀏覽器", "兼容性", "相容性", "无障碍", "無障礙", "可用性",
                        "现场", "現場", "实地", "實地", "外场", "外場"]
        if phrase.contains("测试") || phrase.contains("測試"), let kind = cjkKinds.first(where: phrase.contains) { return kind }
        return nil
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
        // Each way a token can be a symbol needs a "(", a ":" or a "_" in it: a title with none
        // (most requirements' sentences) is not split into tokens at all.
        guard title.utf8.contains(where: { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "_") }) else {
            return false
        }
        return title.split(whereSeparator: { $0.isWhitespace || ",;\"'".contains($0) }).contains { token in
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
        // ASCII by bytes: its letters and digits are the Characters `isLetter`/`isNumber`
        // answer yes for (its only cluster of two scalars, "\r\n", is neither). Character by
        // Character this was 6 % of a stress test's sync.
        if phrase.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(phrase.utf8.count)
            var gap = false
            for byte in phrase.utf8 {
                let kept = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
                guard kept else { gap = true; continue }
                if gap && !out.isEmpty { out.append(0x20) }
                gap = false
                out.append(byte)
            }
            return String(decoding: out, as: UTF8.self)
        }
        let mapped = phrase.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : " " }
        return String(mapped).split(separator: " ").joined(separator: " ")
    }

    /// Whether a lexicon word is written in a CJK script (matched inside the phrase, not by words).
    static func isCJK(_ word: String) -> Bool {
        word.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false
    }

    static func startsWith(_ latin: String, _ phrase: String, _ word: String) -> Bool {
        isCJK(word) ? phrase.hasPrefix(word) : latin.hasPrefix(" " + word + " ")
    }

    static func contains(_ latin: String, _ phrase: String, _ word: String) -> Bool {
        isCJK(word) ? phrase.contains(word) : latin.contains(" " + word + " ")
    }

    static func headMatch(_ latin: String, _ phrase: String) -> (Kind, String)? {
        for (kind, words) in heads {
            for word in words where startsWith(latin, phrase, word) {
                // `记录` is to log in code as well: `记录错误日志` writes a logger call.
                if word == "记录" && (phrase.contains("日志") || phrase.contains("log")) { continue }
                // `验证码` is a verification code, a feature (`验证码登录`, log in with a code).
                if (word == "验证" || word == "校验") && phrase.dropFirst(word.count).hasPrefix("码") { continue }
                // A check says what outcome it looks for (`验证导入后数据可正常读取`, verify the data
                // reads normally after the import); without one, `验证用户输入` (validate user input)
                // is a feature to build.
                if word == "验证" || word == "校验" {
                    let rest = phrase.dropFirst(word.count)
                    guard cjkOutcome.contains(where: { rest.contains($0) }) else { continue }
                }
                return (kind, word)
            }
        }
        return nil
    }

    /// A word for "by hand" with a word for testing or checking, anywhere in the phrase:
    /// `Test the export manually`, `Pruebas de login a mano`, `登录流程人工验证`.
    static func manualTesting(_ latin: String, _ phrase: String) -> Bool {
        let byHand = ["manually", "manualmente", "manual", "manuales", "manuell", "manuelle", "manuellen", "manuellement", "by hand", "a mano", "à la main",
                      "вручную", "ручное", "ручная", "ручной", "ручную"]
        let testing = ["test", "prueb", "prob", "valid", "verif", "check", "comprob", "qa", "e2e", "end-to-end", "smoke", "prüf",
                       "vérif", "essai", "провер", "тест"]
        if byHand.contains(where: { latin.contains(" " + $0 + " ") }) {
            let words = latin.split(separator: " ")
            if words.contains(where: { word in testing.contains { word.hasPrefix($0) } }) { return true }
        }
        // `動作確認` (checking by hand that it works) is a manual test by itself in Japanese.
        if phrase.contains("動作確認") { return true }
        return ["手动", "手工", "人工", "手動", "수동"].contains(where: phrase.contains)
            && ["测试", "验证", "检查", "测", "測試", "驗證", "檢查", "測", "テスト", "検証", "確認", "테스트", "검증"].contains(where: phrase.contains)
    }

    /// `objects` with each noun's words split once (nil: a CJK noun, matched at the phrase's
    /// end): split again for every noun at every call, they were most of `objectMatch`'s time.
    static let objectNouns: [(Kind, [(noun: String, parts: [String]?)])] = objects.map { kind, nouns in
        (kind, nouns.map { noun in (noun, isCJK(noun) ? nil : noun.split(separator: " ").map(String.init)) })
    }

    static func objectMatch(_ latin: String, _ phrase: String) -> (Kind, String)? {
        let words = latin.split(separator: " ").map(String.init)
        // A noun's words match only where its first word is one of these: nouns whose first
        // word is not are passed with one lookup (each was a scan of the words).
        let present = Set(words)
        var trimmedPhrase = Substring(phrase)
        while let last = trimmedPhrase.last, !(last.isLetter || last.isNumber) { trimmedPhrase = trimmedPhrase.dropLast() }
        // A CJK noun (beyond ASCII) is no suffix of an ASCII phrase.
        let asciiPhrase = trimmedPhrase.utf8.allSatisfy { $0 < 0x80 }
        for (kind, nouns) in objectNouns {
            for (noun, parts) in nouns {
                guard let parts else {
                    if !asciiPhrase, trimmedPhrase.hasSuffix(noun) { return (kind, noun) }
                    continue
                }
                if let head = parts.first, !present.contains(head) { continue }
                guard parts.count <= words.count else { continue }
                for start in 0...(words.count - parts.count) where words[start..<(start + parts.count)].elementsEqual(parts) {
                    let next = start + parts.count < words.count ? words[start + parts.count] : nil
                    let allowed = noun.hasPrefix("spec") && !noun.hasPrefix("speci") ? specLinkWords : linkWords
                    if next == nil || allowed.contains(next!) { return (kind, noun) }
                }
            }
        }
        return nil
    }
}
