/// Two shapes read from where a task's predicate sits rather than from its first word:
///
/// - **A check whose verb comes last.** Japanese and Korean put the predicate at the end
///   (`…が混入しないことを確認する`, confirm that … does not slip in; `… を spec と照合する`,
///   cross-check … against the spec; `OpenSpec validation を実行する`, run the validation;
///   `…를 검증한다`), and so does a German infinitive task (`Vorhandene Tests gegen die
///   Spezifikation abgleichen`). The English form, a check verb first (`Verify …`, `Run …`), is
///   already a check whatever it names; this is the same rule for the verb-final languages: the
///   final predicate is a check, and no change is asked before it (`…を追加し、…を確認する`,
///   add … and confirm, stays code).
/// - **A limit on the change's scope.** A task whose predicate is negated and whose verb is a
///   change (`Avoid adding rebalance in this change`, `Keep X standalone; do not add Y`, `Ensure
///   the change does not modify Rust source`, `…は追加しない`, `不要な変更を入れない`, `No añadir
///   …`, `不要引入…`, `Keine neue API hinzufügen`) bounds the work of the other tasks; it asks for
///   nothing to be written. A negated behaviour (`Do not retry on 4xx`) is a feature and stays
///   code: only change verbs count, and after `Ensure` only a subject that is the change itself.
///
/// Where the shapes come from: issue 21's sixth fresh replay (a Rust OpenSpec project whose
/// tasks are written in Japanese and English; 24 of its first 107 proposed tasks were such
/// checks and scope limits). Written again by hand in English, Japanese, Korean, Spanish,
/// Chinese and German for the tests (`FreshRound14Tests`).
extension NotCodeWork {
    // MARK: Checks whose verb comes last

    /// Final predicates that check or run (Japanese, Korean). A bare Japanese noun ending
    /// (`…の動作確認`, `…検証`) is `japaneseCheckEnding`'s, read after the structure.
    static let finalChecksCJK = [
        "確認する", "確認します", "検証する", "検証します", "照合する", "照合します", "突き合わせる", "点検する",
        "実行する", "実行します", "洗い出す", "洗い出します", "調査する", "調べる",
        "확인한다", "확인합니다", "확인하기", "확인", "검증한다", "검증합니다", "검증", "실행한다", "실행합니다", "점검한다",
    ]
    /// Final infinitives that check or run (German tasks are written verb-last).
    static let finalChecksLatin: Set<String> = ["prüfen", "überprüfen", "abgleichen", "verifizieren", "kontrollieren", "ausführen"]
    /// Change stems (Japanese, Korean) that ask for a change when a conjunctive or final verb
    /// form follows them (`追加し、`, `追加して`, `수정하고`), not when negated (`追加しない`).
    static let changeStemsCJK = ["実装", "追加", "作成", "修正", "変更", "削除", "更新", "導入", "対応", "구현", "추가", "작성", "수정", "변경", "삭제"]

    /// The final check of a verb-final task that asks for no change before it, or nil.
    static func verbFinalCheck(title: String, phrase: String) -> String? {
        let text = phrase.trimmingSpaces()
        if let word = finalChecksCJK.first(where: { text.hasSuffix($0) }) {
            let body = text.dropLast(word.count)
            guard !body.isEmpty else { return nil }
            for stem in changeStemsCJK {
                var rest = Substring(body)
                while let range = rest.firstRange(of: stem) {
                    let after = rest[range.upperBound...]
                    if ["し、", "して", "する", "します", "し,", "하고", "한 뒤", "한다", "하여", "해서"].contains(where: { after.hasPrefix($0) }) {
                        return nil
                    }
                    rest = after
                }
            }
            return word
        }
        let words = latinWords(text).split(separator: " ").map(String.init)
        if let last = words.last, finalChecksLatin.contains(last), words.count >= 2,
           !words.dropLast().contains(where: { changeVerbs.contains($0) || germanChanges.contains($0) }) {
            return last
        }
        return nil
    }

    /// Words of a heading about tests or coverage (Latin: whole words; CJK: anywhere).
    static let testingHeadingWords = ["test", "tests", "testing", "coverage", "prueba", "pruebas", "cobertura", "couverture",
                                      "abdeckung", "テスト", "カバレッジ", "테스트", "커버리지", "测试", "測試", "覆盖", "覆蓋"]

    /// Whether a section heading is about tests or coverage (`## 2. Contract tests`, `## 3. 契約カバレッジ`).
    static func testingHeading(_ section: String) -> Bool {
        let lower = section.lowercased()
        let words = " " + latinWords(lower) + " "
        return testingHeadingWords.contains { word in
            isCJK(word) ? lower.contains(word) : words.contains(" " + word + " ")
        }
    }

    /// Whether a task checks the change's own scope (`…がこの change に入っていないことを確認する`).
    static func checksOwnScope(_ title: String) -> Bool {
        let lower = title.lowercased()
        return ["この change", "本 change", "このchange", "本change", "この変更", "本変更", "この feature", "this change", "이 변경"]
            .contains(where: lower.contains)
    }

    /// Whether the text under a task's title (its steps) asks for a change in a verb-final
    /// language: a change stem with a verb form after it (`…を追加する`, `…を公開する`, `…を追加し、`)
    /// or "make it so that" (`…されるようにする`).
    static func stepsBuild(_ requirement: Requirement) -> Bool {
        var body = Substring(requirement.text)
        if let range = body.firstRange(of: requirement.title) { body = body[range.upperBound...] }
        guard !body.isEmpty else { return false }
        if ["ようにする", "ようにします", "도록 한다", "도록 합니다"].contains(where: { body.contains($0) }) { return true }
        for stem in changeStemsCJK + ["公開", "定義", "公开"] {
            var rest = body
            while let range = rest.firstRange(of: stem) {
                let after = rest[range.upperBound...]
                if ["する", "します", "し、", "して", "하고", "한다", "합니다"].contains(where: { after.hasPrefix($0) }) { return true }
                rest = after
            }
        }
        return false
    }

    /// German change infinitives (a verb-last task that names one of them asks for a change).
    static let germanChanges: Set<String> = ["hinzufügen", "ändern", "anpassen", "beheben", "implementieren", "erstellen", "entfernen",
                                             "korrigieren", "ergänzen", "umbauen", "einführen"]

    // MARK: Limits on the change's scope

    /// Verbs (and their -ing forms) that change code: negated, they limit the change.
    static let scopeChangeVerbs: Set<String> = [
        "add", "adding", "introduce", "introducing", "modify", "modifying", "change", "changing", "touch", "touching",
        "create", "creating", "implement", "implementing", "expose", "exposing", "mix", "mixing", "include", "including",
        "añadir", "agregar", "introducir", "modificar", "cambiar", "tocar", "crear", "implementar", "incluir",
        "ajouter", "introduire", "modifier", "changer", "toucher", "créer", "implémenter", "inclure",
        "hinzufügen", "einführen", "ändern", "anfassen", "erstellen", "implementieren", "aufnehmen",
    ]
    /// Openings that negate the task's verb (`Avoid adding`, `Do not add`, `No añadir`, `Ne pas
    /// ajouter`, `Keine … hinzufügen`).
    static let negatedOpenings = ["avoid", "do not", "don t", "dont", "never", "evitar", "no", "nunca", "éviter", "eviter", "ne pas",
                                  "ne jamais", "keine", "kein", "nicht", "niemals"]
    /// Negations inside a sentence (`…; do not add …`, `… does not modify …`), as `latinWords`
    /// spells them (an apostrophe becomes a space: `don t`).
    static let negations = ["do not", "does not", "don t", "doesn t", "never", "will not", "won t", "must not", "should not"]
    /// Subjects that are the change itself (`Ensure the change does not …`).
    static let selfScope: Set<String> = ["change", "changes", "clarification", "this", "pr", "patch", "diff", "refactor", "refactoring",
                                         "cambio", "changement", "änderung"]
    /// Chinese negated openings and change verbs (`不要引入…`, `避免修改…`).
    static let negatedOpeningsCJK = ["不要", "避免", "禁止", "不得", "不应", "勿", "不"]
    static let changeVerbsCJK = ["添加", "新增", "增加", "引入", "修改", "改动", "更改", "变更", "实现", "暴露", "加入"]
    /// Japanese and Korean negated final predicates of a change (`追加しない`, `変更しない`,
    /// `入れない`, `추가하지 않는다`).
    static let negatedFinalsCJK = [
        "追加しない", "変更しない", "導入しない", "混入させない", "入れない", "加えない", "含めない", "触らない", "作成しない",
        "実装しない", "公開しない", "増やさない", "追加しないこと", "変更しないこと", "入れないこと", "含めないこと",
        "추가하지 않는다", "변경하지 않는다", "수정하지 않는다", "도입하지 않는다", "추가하지 않음", "변경하지 않음",
    ]

    /// Why a task only limits the change's scope, or nil.
    static func scopeLimit(title: String, latin: String, phrase: String) -> String? {
        let text = phrase.trimmingSpaces()
        if let word = negatedFinalsCJK.first(where: { text.hasSuffix($0) }) { return word }
        if let opening = negatedOpeningsCJK.first(where: { text.hasPrefix($0) }),
           let verb = changeVerbsCJK.first(where: { text.dropFirst(opening.count).prefix(8).contains($0) }) {
            return opening + verb
        }
        let words = latin.split(separator: " ").map(String.init)
        // `Avoid adding …`, `Do not add …`, `No añadir …`: the change verb within two words of the
        // negation; a German task puts it last (`Keine neue API hinzufügen`).
        if let opening = negatedOpenings.first(where: { startsWith(latin, phrase, $0) }) {
            let count = opening.split(separator: " ").count
            let next = words.dropFirst(count).prefix(2)
            if let verb = next.first(where: scopeChangeVerbs.contains) { return "\(opening) \(verb)" }
            if ["keine", "kein", "nicht", "niemals"].contains(opening), let last = words.last, scopeChangeVerbs.contains(last) {
                return "\(opening) … \(last)"
            }
            return nil
        }
        // `Keep X standalone; do not add Y`: a clause that negates a change after a keep.
        if ["keep", "leave", "preserve", "mantener", "conservar", "garder", "conserver", "beibehalten"].contains(where: { startsWith(latin, phrase, $0) }),
           let (negation, verb) = negatedChange(latin) {
            return "\(negation) \(verb)"
        }
        // `Ensure the change does not modify …`: only when the subject is the change itself.
        if startsWith(latin, phrase, "ensure") || startsWith(latin, phrase, "make sure"),
           let (negation, verb) = negatedChange(latin),
           let cut = latin.firstRange(of: " " + negation + " "),
           latin[..<cut.lowerBound].split(separator: " ").contains(where: { selfScope.contains(String($0)) }) {
            return "\(negation) \(verb)"
        }
        return nil
    }

    /// A negation followed by a change verb within two words (`does not modify`, `do not add`).
    private static func negatedChange(_ latin: String) -> (String, String)? {
        for negation in negations {
            var rest = Substring(latin)
            while let range = rest.firstRange(of: " " + negation + " ") {
                let after = rest[range.upperBound...].split(separator: " ").prefix(2).map(String.init)
                if let verb = after.first(where: scopeChangeVerbs.contains) { return (negation, verb) }
                rest = rest[range.upperBound...]
            }
        }
        return nil
    }
}
