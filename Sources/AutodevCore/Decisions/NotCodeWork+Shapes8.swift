/// Shapes of issue 21's later fresh rounds, read from structure first with a small lexicon
/// beside it: a task made of nothing but bookkeeping words (`Commit and push the changes`,
/// `提交并推送更改`, `変更をコミットしてプッシュする`), a checkpoint under a modifier (`Final
/// Checkpoint - Ensure all tests pass`, `Punto de control final`, `最终检查点`), the material of a
/// manual test (a test file or script created in a phase about testing by hand; a manual smoke
/// test naming the test file it runs), and a conditional step whose main clause, after its
/// condition, skips or notes (`If CI is not available, skip the job and note the limitation
/// in the README`).
///
/// Where the words come from: the examples of the rounds that found the shapes (Chinese, Spanish,
/// English), written again by hand in Japanese, Korean, Russian, French and German. Each list
/// decides only beside a structural sign: the whole title made of those words, the head before
/// the title's dash, the section's heading, the clause after a condition.
extension NotCodeWork {
    // MARK: Bookkeeping titles

    /// Why a task's whole title is a bookkeeping step (`Commit and push the changes`, `提交并推送更改`,
    /// `변경 사항 커밋 및 푸시`): every part of it is bookkeeping words and filler, and it names no code.
    static func bookkeepingTitle(title: String, paths: [String], codeSpans: [String]) -> String? {
        guard !namesCode(title: title, paths: paths, codeSpans: codeSpans) else { return nil }
        let phrase = withoutOutlineID(Self.phrase(title))
        guard phrase.contains(where: \.isLetter), isBookkeepingPhrase(phrase) else { return nil }
        return "\(Kind.process.rawValue): its title is a bookkeeping step (“\(SecretGuard.cut(phrase, to: 60))”), after the code"
    }

    /// Conjunctions that join bookkeeping words in a title (`Commit and push`, `Закоммитить и …`).
    static let bookkeepingJoins: Set<String> = ["and", "then", "y", "luego", "und", "dann", "et", "puis", "и", "e"]

    /// A phrase made of nothing but bookkeeping words, their filler and conjunctions, with at
    /// least one bookkeeping word (`Commit and push the changes`; not `Tests and commit`).
    static func isBookkeepingPhrase(_ text: String) -> Bool {
        var lower = text.lowercased()
        for (two, one) in [("clean up", "cleanup"), ("clean-up", "cleanup"), ("wrap up", "wrap-up")] { lower = lower.replacing(two, with: one) }
        if lower.unicodeScalars.contains(where: { $0.value >= 0x2E80 }) {
            var joined = lower
            for join in ["和", "与", "與", "及", "、", "，", ","] { joined = joined.replacing(join, with: "") }
            return isBookkeepingPart(joined, cleanup: true) && bookkeepingCJK.contains(where: joined.contains)
        }
        let words = latinWords(lower).split(separator: " ").map(String.init)
        guard words.contains(where: bookkeepingWords.contains) else { return false }
        return words.allSatisfy { bookkeepingWords.contains($0) || cleanupWords.contains($0) || bookkeepingFiller.contains($0) || bookkeepingJoins.contains($0) }
    }

    // MARK: Checkpoints

    /// Names of a checkpoint, and the words that may qualify it (`final`, `último`, `最终`).
    static let checkpointNouns = ["checkpoint", "check point", "punto de control", "point de contrôle", "kontrollpunkt", "ponto de controle",
                                  "контрольная точка", "检查点", "檢查點", "チェックポイント", "체크포인트"]
    static let checkpointModifiers: Set<String> = ["final", "last", "intermediate", "finale", "finaler", "letzter", "último", "última",
                                                   "finales", "финальная", "итоговая", "последняя", "phase", "fase"]
    static let checkpointModifiersCJK = ["最终", "最終", "最后", "最後", "の", "最后的", "阶段", "段階", "최종"]

    /// A title whose head — before its dash or colon, or the whole title — is a checkpoint and at
    /// most its modifiers and number (`Final Checkpoint - Ensure all tests pass`, `Checkpoint 2`,
    /// `Punto de control final`, `最终检查点 - 确保所有测试通过`). `Add checkpoint persistence`
    /// has a verb and a noun of its own: a feature.
    static func checkpointHead(_ phrase: String) -> String? {
        var head = Substring(phrase)
        for separator in [" - ", " – ", " — ", ":", "：", "—"] {
            if let range = head.firstRange(of: separator) { head = head[..<range.lowerBound] }
        }
        let text = head.lowercased().trimmingSpaces()
        for noun in checkpointNouns {
            guard let range = text.firstRange(of: noun) else { continue }
            let rest = text[..<range.lowerBound] + " " + text[range.upperBound...]
            if isCJK(noun) {
                var left = rest.filter { !$0.isWhitespace && !$0.isNumber && !$0.isPunctuation }
                for word in checkpointModifiersCJK.sorted(by: { $0.count > $1.count }) { left = left.replacing(word, with: "") }
                if left.isEmpty { return noun }
                continue
            }
            // Latin or Cyrillic: whole words only (`checkpoints` is another word).
            let before = text[..<range.lowerBound].last, after = text[range.upperBound...].first
            guard before.map({ !$0.isLetter }) ?? true, after.map({ !$0.isLetter }) ?? true else { continue }
            let words = latinWords(String(rest)).split(separator: " ").map(String.init)
            if words.allSatisfy({ checkpointModifiers.contains($0) || $0.allSatisfy(\.isNumber) }) { return noun }
        }
        return nil
    }

    // MARK: Manual test material

    /// Words that say a title is about testing (any kind): a manual test's file or script.
    static let manualTestWords = ["test", "tests", "testing", "smoke", "prueba", "pruebas", "essai", "essais", "teste", "testes", "тест", "тесты",
                            "测试", "測試", "テスト", "테스트", "冒烟", "スモーク"]

    /// Whether a path is what a test run reads rather than the code under test: a test file by
    /// its place or name, or a script.
    static func isTestMaterial(_ path: String) -> Bool {
        if Explainer.looksLikeTest(path) { return true }
        let lower = path.lowercased()
        let ext = TextScan.extensionOf(Substring(SpecDocument.baseName(lower)))
        return ["sh", "bash", "zsh", "ps1", "bat", "cmd"].contains(ext ?? "")
            || lower.split(separator: "/").dropLast().contains { $0 == "scripts" || $0 == "fixtures" || $0 == "manual" }
    }

    /// Why a task is part of a manual test: it sits under a heading about testing by hand
    /// (`## Phase 7: Manual Testing`, `## Fase 8: Pruebas manuales`, `## 阶段 9：手动测试`) and
    /// prepares that test's material (its title is about testing, everything it names is a test
    /// file or a script, and it asks for no other change); or its own title opens with testing by
    /// hand and what it names are test files it runs (`Manual smoke test: run tests/smoke.spec.ts
    /// by hand`).
    static func manualTestMaterial(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task else { return nil }
        let title = requirement.title
        let phrase = withoutOutlineID(Self.phrase(title))
        let latin = " " + latinWords(phrase) + " "
        let named = (requirement.paths + TextScan.pathMentions(title)).filter { !isDocument($0) }
        let spans = requirement.codeSpans.filter { title.contains($0) && isSymbol($0) && TextScan.pathToken(Substring($0)) == nil }
        guard spans.isEmpty, !bareSymbol(in: title), named.allSatisfy(isTestMaterial) else { return nil }
        let testing = manualTestWords.contains { contains(latin, phrase, $0) || phrase.contains($0) && isCJK($0) }
        // Its own title: testing by hand, and the test files its title names are what it runs
        // (`Manual smoke test: run tests/smoke.spec.ts by hand`). Paths of its steps do not count:
        // `Manual Pattern Labeling Workflow` over `Create labeling script scripts/label.py` builds a tool.
        let titleNamed = TextScan.pathMentions(title).filter { !isDocument($0) }
        if !titleNamed.isEmpty, titleNamed.allSatisfy(Explainer.looksLikeTest),
           manualTesting(latin, phrase) || headMatch(latin, phrase)?.0 == .manualTesting,
           !changeVerbs.filter({ !TaskIntent.creating.contains($0) }).contains(where: { contains(latin, phrase, $0) }) {
            return "\(Kind.manualTesting.rawValue): it runs \(titleNamed.prefix(2).joined(separator: ", ")) by hand"
        }
        guard testing, let heading = requirement.headings.last(where: { heading in
            let text = Self.phrase(heading)
            return manualTesting(" " + latinWords(text) + " ", text)
        }) else { return nil }
        // A fix or change it asks for is code work, wherever it sits (`Fix … if the smoke check fails`).
        let creates = TaskIntent.of(phrase)?.intent == .create
        guard creates || !writesCode(phrase) else { return nil }
        return "\(Kind.manualTesting.rawValue): material of the manual test of its section “\(SecretGuard.cut(heading, to: 80))”"
    }

    // MARK: Conditional steps

    /// Words that open a condition, after which a comma ends it (`If …,`, `Si …,`, `Если …,`).
    static let conditionWords = ["if", "when", "unless", "si", "cuando", "quand", "lorsque", "wenn", "falls", "se", "если", "когда"]
    static let conditionCJK = ["如果", "假如", "若", "如", "倘若", "要是", "만약"]
    /// Endings of a Japanese or Korean condition before its comma (`…場合は、`, `…なら、`, `…경우`).
    static let conditionEndings = ["場合は", "場合", "なら", "ならば", "ときは", "時は", "경우에는", "경우", "면"]
    /// Verbs of a main clause that leaves the code as it is: skip it, note it, ask about it.
    static let processVerbs = ["skip", "omit", "note", "mention", "record", "document", "defer", "postpone", "leave", "flag", "report",
                               "ask", "omitir", "saltar", "anotar", "documentar", "registrar", "dejar", "posponer", "mencionar",
                               "ignorer", "passer", "noter", "documenter", "reporter", "mentionner", "überspringen", "notieren",
                               "dokumentieren", "vermerken", "пропустить", "отметить", "записать", "задокументировать", "указать",
                               "跳过", "略过", "跳過", "记录", "記錄", "注明", "说明", "說明", "标注", "推迟", "スキップ", "記載", "記録",
                               "メモ", "건너뛰", "기록"]

    /// Nouns of a step of the plan itself (`skip the job`, `omitir la tarea`, `跳过该任务`).
    static let stepNouns = ["step", "task", "job", "paso", "tarea", "trabajo", "étape", "tâche", "schritt", "aufgabe", "шаг", "задачу",
                            "задача", "步骤", "任务", "任務", "步驟", "ジョブ", "タスク", "ステップ", "작업", "단계"]
    static let documentNounsCJK = ["文档", "文件中", "说明", "ドキュメント", "문서"]

    /// The main clause of a conditional title (`If CI is not available, skip …` → `skip …`), or nil.
    static func mainClause(_ phrase: String) -> String? {
        let latin = " " + latinWords(phrase) + " "
        let opens = conditionWords.contains { latin.hasPrefix(" " + $0 + " ") } || conditionCJK.contains { phrase.hasPrefix($0) }
        for comma in [",", "，", "、"] {
            guard let range = phrase.firstRange(of: comma) else { continue }
            let clause = phrase[..<range.lowerBound].trimmingSpaces()
            let conditional = opens || conditionEndings.contains { clause.hasSuffix($0) }
            guard conditional else { continue }
            let main = phrase[range.upperBound...].trimmingSpaces()
            return main.isEmpty ? nil : main
        }
        return nil
    }

    /// A conditional step whose main clause skips, notes or documents and names no code: what
    /// a person does when the condition holds (`If CI is not available, skip the job and note the
    /// limitation in the README`, `如果 CI 不可用，跳过该任务并在 README 中记录限制`).
    static func conditionalProcess(title: String, codeSpans: [String]) -> String? {
        guard let main = mainClause(Self.phrase(title)) else { return nil }
        let spans = codeSpans.filter { main.contains($0.lowercased()) }
        guard !namesCode(title: main, paths: TextScan.pathMentions(main), codeSpans: spans) else { return nil }
        let latin = " " + latinWords(main) + " "
        guard let verb = processVerbs.first(where: { isCJK($0) ? main.contains($0) : latin.hasPrefix(" " + $0 + " ") }) else { return nil }
        // A main clause that also writes code (`skip the cache and load from disk`) is code work.
        let words = latin.split(separator: " ").map(String.init)
        if (TaskIntent.creating + codeVerbs).contains(where: { v in isCJK(v) ? main.contains(v) : words.contains(v) }) { return nil }
        // What it skips or notes is the step itself or goes into a document (`skip the job`, `note
        // it in the README`); `If the upload is empty, skip it and record a warning` is code behaviour.
        let documented = TextScan.pathMentions(main).contains(where: isDocument) || words.contains("readme")
            || objectMatch(latin, main)?.0 == .documentation || documentNounsCJK.contains(where: main.contains)
        guard documented || stepNouns.contains(where: { isCJK($0) ? main.contains($0) : words.contains($0) }) else { return nil }
        return "\(Kind.process.rawValue): a step for when its condition holds, and what it does then is to “\(verb)”"
    }
}

extension Explainer {
    /// A changed or renamed requirement whose heading now says it did not change (`Export
    /// Settings (Unchanged)`, `导出设置（不变）`) and whose text, reworded, cites the same paths and
    /// code names as before: the note and what it cites. Nil when it cites other paths or names
    /// (`… move to src/settings/export.py`): the rewrite asks something new of the code.
    static func markedUnchanged(_ change: RequirementChange) -> String? {
        guard change.kind == .changed || change.kind == .renamed, let old = change.before, let new = change.after,
              let note = SpecDiff.HeadingNote.unchangedNote(new.key) else { return nil }
        let names = { (requirement: Requirement) in Set(requirement.codeSpans.map { TextScan.collapse($0) }.filter { !$0.isEmpty }) }
        guard Set(old.paths) == Set(new.paths), names(old) == names(new) else { return nil }
        let cited = (new.paths + names(new).sorted()).prefix(3)
        return cited.isEmpty ? note : "\(note); the same \(cited.joined(separator: ", "))"
    }
}

extension Explainer {
    /// Verbs by which a task extends another (`Extend T204 with \`--include\``, `Ampliar T204 con …`, `扩展 T204，增加 …`).
    static let extendVerbs = ["extend", "extends", "ampliar", "extender", "étendre", "erweitern", "estender", "расширить", "扩展", "擴展",
                              "拡張", "확장"]

    /// An added task that extends another task of its document by that task's id (`Extend T204
    /// with \`--include\``): the same code work as that task. What it names (an option, a
    /// symbol) is looked for in the files the extended task cites: all there, it is done
    /// (`implementedBy`); any missing, it is work, and the reason says what is missing where.
    /// Nil for any other task, for one naming nothing to look for, or when the extended task
    /// cites no file that exists.
    mutating func extensionEvidence(of task: Requirement, facts: inout DecisionFacts) {
        guard task.kind == .task, let document = changedDocuments[sideKey(after, task.spec)] else { return }
        let phrase = TaskLabel.verbPhrase(task.title)
        let lower = phrase.lowercased()
        let words = lower.split(whereSeparator: { $0 == " " }).map(String.init)
        guard Self.extendVerbs.contains(where: { NotCodeWork.isCJK($0) ? lower.hasPrefix($0) : words.first == $0 }) else { return }
        let tokens = phrase.split(whereSeparator: { " ,，、:：;()（）".contains($0) }).map(String.init)
        guard let extended = document.requirements.first(where: { other in
            other.kind == .task && other.key != task.key && tokens.contains { $0 == other.key || other.ids.contains($0) }
        }) else { return }
        // What it adds: options and code names in backticks, and bare options (`--include`).
        var names = task.codeSpans.filter { span in
            (span.hasPrefix("-") && !span.contains(" ")) || (NotCodeWork.isSymbol(span) && TextScan.pathToken(Substring(span)) == nil)
        }
        names += tokens.filter { $0.hasPrefix("--") && $0.count > 2 && !names.contains($0) }
        guard !names.isEmpty else { return }
        let files = resolved(extended.paths, of: extended).existing.filter { !$0.hasSuffix("/") }
        let code = evidence(after: true)
        let readable = files.filter { code.text(of: $0) != nil }
        guard !readable.isEmpty else { return }
        let missing = names.filter { name in
            !readable.contains { file in
                guard let bytes = code.text(of: file) else { return false }
                if name.hasPrefix("-") {
                    let bare = String(name.drop { $0 == "-" })
                    return [name, "\"\(bare)\"", "'\(bare)'"].contains { CodeEvidence.containsWord(bytes, Array($0.utf8)) }
                }
                return CodeEvidence.containsWord(bytes, Array(name.utf8))
            }
        }
        let place = Self.listed(readable)
        if missing.isEmpty {
            facts.implementedBy = "it extends \(extended.key), and what it adds (\(Self.quoted(names))) is in \(place), \(extended.key)'s code"
        } else {
            facts.missingSymbols = "it extends \(extended.key), and \(Self.quoted(missing)) \(missing.count == 1 ? "is" : "are") not in \(place), \(extended.key)'s code, yet"
        }
    }
}
