/// Steps that are not code work by where they sit or how they end: the items of a section that
/// is only a check (`## Verification Tasks`, `## Validación`, `## 验收测试`), a statement about
/// existing code that ends on "keep it" (`… \`showLicensePage()\` - keep it`, `…，保持不变`), and a
/// step labelled as a spike (`Spike: try \`reqwest_retry\``, `スパイク：…`).
///
/// Where the shapes come from: the third round of replays of repositories nobody here had tuned
/// for (issue 21, /work/measure21/new2: an OpenSpec repository's `## Verification Tasks` with
/// `### V.5 User Profile Verification` below it, its "This uses … - keep it" line, a Kiro
/// spike's steps). Each word list decides only beside the structure: a heading made of nothing
/// but a check noun, a clause after the statement's last separator, a label before a colon.
extension NotCodeWork {
    // MARK: Verification sections

    /// Nouns that make a heading a check section when nothing but filler words surrounds them.
    static let checkSectionNouns: Set<String> = [
        "verification", "verifications", "validation", "validations", "acceptance", "verificación", "validación",
        "verificacion", "validacion", "aceptación", "aceptacion", "verificação", "validação", "aceitação", "vérification",
        "vérifications", "recette", "verifizierung", "validierung", "überprüfung", "abnahme", "abnahmetests", "abnahmetest",
        "検証", "受け入れテスト", "受入テスト", "動作確認", "受け入れ検証", "验证", "验收", "验收测试", "驗證", "驗收", "驗收測試",
        "검증", "인수테스트",
        // `## Quality Assurance` over a story's checks (`Emergency fallback testing with …`): a
        // replay of a public BMAD history proposed them as code work.
        "qa", "assurance", "aseguramiento", "qualitätssicherung", "质量保证", "質量保證", "品質保証", "품질보증",
        // `M3 — Verify (Gates 2-4)`, `H6 — Gate`: a plan's verify step and its quality gates (a
        // fourth fresh replay proposed their `go test ./...` green and advisor passes as code).
        "verify", "verificar", "vérifier", "prüfen", "gate", "gates",
    ]
    /// Words that may surround a check noun in such a heading (`Final Verification Tasks`,
    /// `Phase 7: Acceptance Testing`, `Pruebas de aceptación`, `Manuelle Abnahme`).
    static let checkSectionFiller: Set<String> = [
        "tasks", "task", "steps", "step", "checks", "check", "checklist", "final", "manual", "and", "testing", "tests", "test",
        "qa", "phase", "stage", "user", "end-to-end", "e2e", "post-implementation", "fase", "etapa", "tareas", "tarea",
        "pasos", "pruebas", "prueba", "de", "y", "manuales", "testes", "tarefas", "e", "étape", "tâches", "étapes", "et",
        "finale", "manuelle", "aufgaben", "schritte", "und",
        // `Polish & Validation`, `Pulido y validación`: the last phase of a plan, its checks.
        "polish", "cleanup", "pulido", "limpieza", "finitions", "nettoyage", "feinschliff", "aufräumen",
        "quality", "calidad", "la", "qualité",
    ]
    /// "By hand" and "test", side by side in either order, in a heading (`Manual Test`, `Prueba
    /// manual`, `Tests manuels`, `Manueller Test`).
    static let manualWords: Set<String> = ["manual", "manuales", "manuel", "manuels", "manuelle", "manuelles", "manueller", "manuell"]
    static let testWords = ["test", "prueba", "testing"]
    /// CJK words after a check noun that leave the heading a check (`验证任务`, `検証タスク`).
    static let checkSectionSuffixes = ["任务", "任務", "阶段", "階段", "步骤", "步驟", "清单", "清單", "タスク", "手順", "フェーズ", "작업", "단계"]

    /// Whether a heading is only a check: a check noun and filler words, with outline numbers
    /// and ids (`V.1`, `7.`, `Phase 4:`) left out. `Email verification` and `User Story 2 -
    /// Setup wizard verification` name a feature: they are not.
    static func isCheckSection(_ heading: String) -> Bool {
        let words = latinWords(DoneMark.split(heading).rest.lowercased()).split(separator: " ").map(String.init)
            .filter { word in word.contains(where: \.isLetter) && !(word.count <= 2 && word.contains(where: \.isNumber)) && word.count > 1 }
        // A heading that says its steps are tested by hand, whatever else it names
        // (`Phase 7: External Consumer Validation (Optional Manual Test)`, `Pruebas manuales`).
        for (first, second) in zip(words, words.dropFirst()) {
            let pair = [first, second]
            if pair.contains(where: manualWords.contains) && pair.contains(where: { word in testWords.contains { word.hasPrefix($0) } }) { return true }
        }
        var noun = false
        for word in words {
            if checkSectionNouns.contains(word) { noun = true; continue }
            if let suffix = checkSectionSuffixes.first(where: { word.hasSuffix($0) }),
               checkSectionNouns.contains(String(word.dropLast(suffix.count))) {
                noun = true
                continue
            }
            if !checkSectionFiller.contains(word) { return false }
        }
        return noun
    }

    /// A task under a check section (at any depth below it) that does not open with a verb that
    /// writes or changes code: a check a person runs (`Test shuffle with a long playlist`,
    /// `Player bar: No repeat icon`, `登录后首页显示用户名`). `Add a widget test for …` stays work.
    static func verificationSectionReason(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task, let heading = requirement.headings.first(where: isCheckSection) else { return nil }
        if writesCode(withoutOutlineID(Self.phrase(requirement.title))) { return nil }
        return "\(Kind.checks.rawValue): an item of its section “\(SecretGuard.cut(heading, to: 80))”, a check, not code"
    }

    /// A phrase without a leading outline id (`V.1.2 Add …` → `Add …`, `A3 …`).
    static func withoutOutlineID(_ phrase: String) -> String {
        guard let space = phrase.firstIndex(of: " ") else { return phrase }
        let head = phrase[..<space].filter { $0 != ":" && $0 != ")" }
        let letters = head.prefix { $0.isLetter }
        var rest = head.dropFirst(letters.count)
        if !letters.isEmpty, rest.first == "." { rest = rest.dropFirst() }
        guard letters.count <= 1, !rest.isEmpty, rest.first!.isNumber, rest.allSatisfy({ $0.isNumber || $0 == "." }) else { return phrase }
        return String(phrase[space...].drop(while: \.isWhitespace))
    }

    /// Whether a phrase asks for code to be written or changed: a Latin verb the lexicons know
    /// opening it, or a CJK one anywhere in it (`\`pair_device\` の単体テストを追加する`).
    static func writesCode(_ phrase: String) -> Bool {
        let latin = " " + latinWords(phrase) + " "
        if TaskIntent.of(phrase) != nil || codeVerbs.contains(where: { startsWith(latin, phrase, $0) })
            || changeVerbs.contains(where: { startsWith(latin, phrase, $0) }) {
            return true
        }
        let cjkVerbs = (TaskIntent.creating + TaskIntent.deleting + TaskIntent.moving + changeVerbs + codeVerbs)
            .filter { $0.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false }
        return cjkVerbs.contains(where: phrase.contains)
    }

    // MARK: Trailing keep

    /// Stems of a keep verb at the start of a closing clause (`keep it`, `mantenerlo`, `à conserver`).
    static let keepStems = ["keep", "leave", "retain", "preserve", "manten", "mantén", "conserv", "preserv", "mant", "garder",
                            "beibehalt", "behalt", "lassen"]
    /// Words a closing keep clause may hold besides its verb (`keep it as is`, `se mantiene igual`,
    /// `à conserver tel quel`, `so lassen`).
    static let keepClauseWords: Set<String> = [
        "it", "this", "that", "them", "as", "is", "as-is", "unchanged", "intact", "untouched", "for", "now", "alone", "lo",
        "la", "los", "las", "igual", "así", "se", "sin", "cambios", "tal", "cual", "está", "à", "a", "tel", "telle", "quel",
        "quelle", "tels", "quels", "en", "l", "état", "so", "wie", "es", "ist", "unverändert", "o", "como", "sem",
        "alterações",
    ]
    /// A closing CJK clause that keeps what is there (`保持不变`, `そのまま`, `維持`).
    static let keepClausesCJK = ["保持不变", "保持不變", "保留", "保持", "不变", "不變", "维持不变", "維持不變", "无需修改", "無需修改",
                                 "そのまま", "そのまま維持", "そのまま残す", "維持", "変更なし", "유지"]

    /// A statement about what the code does that ends on a keep clause after its last separator
    /// (`This uses the platform \`showLicenceSheet()\` - keep it`, `… ya usa \`SettingsTile\` —
    /// mantenerlo`, `…组件，保持不变`): a constraint over existing code. A title that opens with a
    /// verb that changes code (`Add the banner — keep it dismissible`) or keeps something within
    /// a bound (`keep it under 50 MB`) is work.
    static func trailingKeep(_ title: String) -> String? {
        let separators: [String] = [" - ", " — ", " – ", "—", ", ", "; ", " : ", ": ", "，", "；", "：", "、"]
        var best: Range<String.Index>?
        for separator in separators {
            if let range = title.ranges(of: separator).last, best.map({ range.lowerBound > $0.lowerBound }) ?? true {
                best = range
            }
        }
        guard let cut = best else { return nil }
        let before = String(title[..<cut.lowerBound]), clause = title[cut.upperBound...]
        var trimmed = clause.lowercased()
        while let last = trimmed.last, ".。!！)）".contains(last) || last.isWhitespace { trimmed.removeLast() }
        trimmed = String(trimmed.drop(while: \.isWhitespace))
        let kept: String?
        if keepClausesCJK.contains(trimmed) {
            kept = trimmed
        } else {
            let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "'" || $0 == "’" }).map(String.init)
            let verbAt = words.firstIndex { word in keepStems.contains { word.hasPrefix($0) } }
            guard let verbAt, words.count <= 5, words[..<verbAt].allSatisfy({ ["à", "a", "se", "to"].contains($0) }),
                  words[(verbAt + 1)...].allSatisfy(keepClauseWords.contains) else { return nil }
            kept = words[verbAt]
        }
        // A statement that names a code file says where a change goes (`In \`login.spec.ts\` trim …;
        // keep it`), not only what exists.
        guard let kept, !before.isEmpty, !TextScan.pathMentions(before).contains(where: { !isDocument($0) }) else { return nil }
        let phrase = Self.phrase(before)
        let latin = " " + latinWords(phrase) + " "
        if TaskIntent.of(phrase) != nil || codeVerbs.contains(where: { startsWith(latin, phrase, $0) })
            || changeVerbs.contains(where: { startsWith(latin, phrase, $0) }) || asksForChange(" x" + latin, phrase) {
            return nil
        }
        return kept
    }

    /// The whole title: a title is cut at 120 characters, and the first line of the text holds
    /// it uncut (a cut `…; preserve` read as a closing keep clause in a replay).
    static func fullTitle(_ requirement: Requirement) -> String {
        let first = requirement.text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return first.count > requirement.title.count && first.hasPrefix(requirement.title) ? first : requirement.title
    }

    // MARK: Spike labels

    /// Labels before a colon that make a step a spike, in the languages specs are written in.
    static let spikeLabels: Set<String> = [
        "spike", "poc", "proof of concept", "proof-of-concept", "prueba de concepto", "prova de conceito",
        "preuve de concept", "machbarkeitsstudie", "スパイク", "技術検証", "技术预研", "预研", "技術預研", "스파이크",
    ]

    /// `Spike: try \`reqwest_retry\``, `Prueba de concepto: probar …`, `スパイク：…`: research before
    /// building, whatever library or name it tries.
    static func spikeLabel(_ title: String) -> String? {
        guard let colon = title.firstIndex(where: { $0 == ":" || $0 == "\u{FF1A}" }) else { return nil }
        let label = TextScan.collapse(title[..<colon].lowercased().filter { $0 != "*" && $0 != "_" })
        return spikeLabels.contains(label) ? label : nil
    }

    /// `Find the password recovery link (around line ~150)`, `Buscar el botón (línea 88)`: a
    /// locator whose line is in its closing parentheses, asking for no change before them.
    static func lineInParentheses(_ lower: String) -> Bool {
        guard lower.hasSuffix(")"), let open = lower.lastIndex(of: "(") else { return false }
        let inner = lower[lower.index(after: open)..<lower.index(before: lower.endIndex)].split(separator: " ").map(String.init)
        guard let at = inner.firstIndex(where: lineWords.contains), at + 1 < inner.count,
              inner[at + 1].contains(where: \.isNumber) else { return false }
        let before = String(lower[..<open])
        return !asksForChange(" " + latinWords(before) + " ", before)
    }

    /// Why a task is not code work by its section, its closing clause or its label; nil otherwise.
    static func structuralReason(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task else { return nil }
        let title = fullTitle(requirement)
        // A title cut at 120 characters cuts its command line too (`Label: \`grep -r "a\\|b" . --include=…`).
        if title != requirement.title, let why = commandStep(title: title, paths: requirement.paths, codeSpans: requirement.codeSpans) {
            return why
        }
        if let label = spikeLabel(title) { return "\(Kind.planning.rawValue): a spike (“\(label):”), research before building" }
        if let why = verificationSectionReason(requirement) ?? taskFieldReason(requirement) ?? bookkeepingSectionReason(requirement) {
            return why
        }
        if let why = leavesNoCode(requirement) { return why }
        if let why = manualTestMaterial(requirement) { return why }
        if let word = deliverableEnding(requirement) {
            return "\(Kind.documentation.rawValue): its deliverable is “\(word)”, for people, and it names no code"
        }
        if let verb = trailingKeep(title) {
            return "a constraint (“\(verb)”): it describes what the code does and asks to keep it"
        }
        return nil
    }
}

extension NotCodeWork {
    // MARK: Deliverables for people

    /// Nouns of what an assessment or a certification hands to people, in the languages specs are
    /// written in: the head of a task's title that says its result is a document, not code.
    /// Measured on a replay of a public BMAD history ("Final Operational Readiness Assessment and
    /// Certification", "MVP Readiness Assessment", "Operator Training Manual" queued as code);
    /// `analysis` and `report` were left out: they are often features (`Sales report`).
    static let deliverables: Set<String> = [
        "assessment", "assessments", "certification", "manual", "checklist", "evaluación", "certificación",
        "évaluation", "manuel", "bewertung", "zertifizierung", "handbuch", "checkliste",
    ]
    static let deliverablesCJK = ["评估", "評估", "认证", "認證", "手册", "手冊", "检查清单", "評価", "認定", "マニュアル", "手順書"]

    /// A task titled by its deliverable (`Basic Readiness Assessment`, `Manual del operador`,
    /// `上线评估`): a noun phrase no verb opens, ending on a deliverable noun, with no code named
    /// anywhere in it (title, steps, code spans). `Implement the checklist component` opens with a
    /// verb, and a task whose steps name `src/x.py` names code: both stay work.
    static func deliverableEnding(_ requirement: Requirement) -> String? {
        guard !namesCode(title: requirement.title, paths: requirement.paths, codeSpans: requirement.codeSpans),
              !bareSymbol(in: requirement.text) else { return nil }
        let phrase = Self.phrase(requirement.title)
        let latin = " " + latinWords(phrase) + " "
        guard TaskIntent.of(phrase) == nil, !codeVerbs.contains(where: { startsWith(latin, phrase, $0) }),
              !changeVerbs.contains(where: { startsWith(latin, phrase, $0) }) else { return nil }
        if let cjk = deliverablesCJK.first(where: { phrase.hasSuffix($0) }) { return cjk }
        let words = latin.split(separator: " ").map(String.init)
        // `Manual del operador`, `Manuel d'exploitation`: a Romance head comes first.
        if let first = words.first, ["manual", "manuel", "evaluación", "évaluation", "certificación"].contains(first), words.count > 1,
           ["del", "de", "d", "des", "du", "para", "pour"].contains(words[1]) {
            return first
        }
        guard let last = words.last, deliverables.contains(last) else { return nil }
        return last
    }
}
