/// Steps of a section whose heading says it holds the bookkeeping after the code: committing,
/// pushing, propagating, cleaning up, releasing, closing out (`## M6 — Commit + propagate (Gate 5)`,
/// `## M5 — Docs, hard rule, gates, commit`, `## Fase 5: Commit y limpieza`, `## 提交与清理`,
/// `## Abschluss und Commit`). Their items ("Single commit `feat(x): …`. Push", "Commits: one per
/// milestone", "`tool` memory store (high)") are process, not code.
///
/// Where the shape comes from: issue 21's fourth fresh replay, read again on the merged main (a
/// Go OpenSpec project closing each change with a commit-and-propagate milestone whose steps
/// were proposed as code five times). Structure decides: the heading is a list of parts (split
/// at `,` `+` `&` `/` `and` `y` `und` `和` `、` …) and its last part is made of nothing but
/// bookkeeping words (a small lexicon: English, Spanish, French, German, Chinese, Japanese),
/// so `## Release pipeline` or `## Cleanup of the parser` stay features. A step there that names
/// code (a code path, a symbol) or opens with a verb that writes, changes, deletes or moves
/// code stays work.
extension NotCodeWork {
    /// Words that name a bookkeeping step by themselves (a heading part made of only these).
    static let bookkeepingWords: Set<String> = [
        "commit", "commits", "push", "propagate", "propagation", "housekeeping", "bookkeeping", "closeout", "wrap-up",
        "handoff", "hand-off", "release", "propagar", "propagación", "cierre", "clôture", "abschluss", "übergabe",
        // Russian (Cyrillic reads as words): commit, push.
        "закоммитить", "коммит", "коммиты", "запушить", "пуш",
    ]
    /// Cleaning up is often code (dead code removed): it makes a bookkeeping section only beside
    /// one of the words above (`Commit y limpieza`, `Cleanup and push`).
    static let cleanupWords: Set<String> = ["cleanup", "limpieza", "nettoyage", "aufräumen", "bereinigung"]
    /// Words that may surround them (`final commit`, `Commit and push`, `commit de los cambios`).
    static let bookkeepingFiller: Set<String> = [
        "the", "final", "changes", "all", "de", "los", "las", "del", "la", "cambios", "des", "les", "finale", "der", "die",
        "das", "änderungen", "phase", "fase", "step", "paso", "étape", "schritt", "изменения", "все", "отправить",
    ]
    /// CJK bookkeeping words (`提交`, commit; `推送`, push; `收尾`, wrap up), and cleaning up (`清理`).
    static let bookkeepingCJK = ["提交", "推送", "收尾", "发布", "發布", "コミット", "プッシュ", "リリース", "커밋", "푸시"]
    static let cleanupCJK = ["清理", "後片付け", "クリーンアップ"]
    /// CJK filler between them (`提交与推送`, `提交并清理`).
    static let bookkeepingCJKFiller = ["并", "並", "代码", "代碼", "变更", "變更", "最终", "最終", "更改", "改动", "所有", "的",
                                       // Japanese particles and verb endings, Korean nouns and endings.
                                       "変更", "を", "して", "する", "し", "すべて", "변경", "사항", "및", "하기", "모든"]

    /// Whether a heading is a bookkeeping section: its last part (after outline ids like `M6 —`
    /// and parentheticals like `(Gate 5)`) is nothing but bookkeeping words.
    static func isBookkeepingSection(_ heading: String) -> Bool {
        var text = DoneMark.split(heading).rest.lowercased()
        for (two, one) in [("clean up", "cleanup"), ("clean-up", "cleanup"), ("close out", "closeout"), ("close-out", "closeout"),
                           ("wrap up", "wrap-up")] {
            text = text.replacing(two, with: one)
        }
        // `(Gate 5)`, `（可选）`: what a parenthesis adds does not change the section's kind.
        for (open, close) in [("(", ")"), ("\u{FF08}", "\u{FF09}")] {
            while let start = text.firstIndex(of: Character(open)),
                  let end = text[start...].firstIndex(of: Character(close)) {
                text.replaceSubrange(start...end, with: " ")
            }
        }
        var parts = [text]
        for separator in [",", "+", "&", "/", "、", "，", ";", " and ", " y ", " und ", " et ", "和", "与", "與", "及", " — ", " – ", ": ", "："] {
            parts = parts.flatMap { $0.split(separator: separator, omittingEmptySubsequences: false).map(String.init) }
        }
        let strong = parts.contains(where: { isBookkeepingPart($0, cleanup: false) })
        guard let last = parts.last(where: { $0.contains(where: \.isLetter) }) else { return false }
        return isBookkeepingPart(last, cleanup: strong)
    }

    /// A heading part made of bookkeeping words and filler only, with at least one bookkeeping
    /// word (a cleanup word counts when `cleanup` is true).
    static func isBookkeepingPart(_ part: String, cleanup: Bool) -> Bool {
        let words = latinWords(part).split(separator: " ").map(String.init)
            .filter { word in word.contains(where: \.isLetter) && !(word.count <= 3 && word.contains(where: \.isNumber)) }
        let key = bookkeepingWords.union(cleanup ? cleanupWords : [])
        if words.isEmpty || part.unicodeScalars.contains(where: { $0.value >= 0x2E80 }) {
            // A CJK part: bookkeeping words and filler only.
            var rest = part.filter { !$0.isWhitespace && !$0.isNumber && !$0.isPunctuation && !$0.isSymbol }
            guard !rest.isEmpty else { return false }
            let keyCJK = bookkeepingCJK + (cleanup ? cleanupCJK : [])
            var found = false
            for word in (keyCJK + bookkeepingCJKFiller).sorted(by: { $0.count > $1.count }) where rest.contains(word) {
                if keyCJK.contains(word) { found = true }
                rest = rest.replacing(word, with: "")
            }
            return found && rest.isEmpty
        }
        guard words.contains(where: key.contains) else { return false }
        return words.allSatisfy { key.contains($0) || bookkeepingFiller.contains($0) }
    }

    /// A task under a bookkeeping section (at any depth) that names no code and does not open
    /// with a verb that writes or changes code.
    static func bookkeepingSectionReason(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task, let heading = requirement.headings.last(where: isBookkeepingSection) else { return nil }
        if namesCode(title: requirement.title, paths: requirement.paths, codeSpans: requirement.codeSpans) { return nil }
        if writesCode(withoutOutlineID(Self.phrase(requirement.title))) { return nil }
        return "\(Kind.process.rawValue): an item of its section “\(SecretGuard.cut(heading, to: 80))”, bookkeeping after the code"
    }
}

extension NotCodeWork {
    // MARK: Rehearsals and reports on the work

    /// Words that make a change temporary, and words that undo it (`introduce a temporary bad
    /// import, confirm the failure, revert`, `cambio temporal … revertir`, `临时 … 回滚`).
    static let temporaryWords = ["temporary", "temporarily", "temporal", "temporales", "temporalmente", "temporaire", "temporär",
                                 "vorübergehend", "临时", "臨時", "暂时", "暫時", "一時的"]
    static let undoWords = ["revert", "reverts", "undo", "roll back", "rollback", "revertir", "deshacer", "annuler", "rétablir",
                            "zurücksetzen", "rückgängig", "回滚", "回滾", "还原", "還原", "撤销", "撤銷", "元に戻"]
    /// Words for a spec's success criteria, and nouns of a report (`comparison report`, `informe`, `报告`).
    static let successCriteriaWords = ["success criteria", "criterios de éxito", "critères de succès", "erfolgskriterien", "成功标准",
                                       "成功標準", "成功基準"]
    static let reportWords = ["report", "summary", "informe", "resumen", "rapport", "bilan", "bericht", "zusammenfassung", "报告",
                              "報告", "总结", "總結", "レポート"]

    /// A task that names no code and leaves none: a rehearsal that introduces a temporary change
    /// and reverts it (`Optional rollback drill: add a temporary bad import, confirm CI fails,
    /// revert`), or a report on the spec's own success criteria (`Write the comparison report:
    /// confirm SC-001 to SC-003 hold`). Structure first (no code named, the spec's `SC-` ids);
    /// the words only say what the task leaves behind.
    static func leavesNoCode(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task else { return nil }
        let title = fullTitle(requirement)
        guard !namesCode(title: title, paths: requirement.paths, codeSpans: requirement.codeSpans) else { return nil }
        let lower = title.lowercased()
        let checks = verifyWords + ["check", "observe", "ensure", "comprobar", "observar", "检查", "檢查", "观察", "觀察", "beobachten"]
        let latin = " " + latinWords(lower) + " "
        func has(_ word: String) -> Bool { contains(latin, lower, word) || (word.contains(" ") && latin.contains(" \(word) ")) }
        // Change, observe, undo: a temporary change first, a check, then the undo (`Revert the
        // temporary workaround` opens with the undo: it removes code, it is work).
        func first(_ words: [String]) -> String.Index? {
            words.compactMap { word in has(word) ? lower.firstRange(of: word)?.lowerBound : nil }.min()
        }
        // The undo that closes it (`Rollback drill: …, revert`): its last undo word.
        func last(_ words: [String]) -> String.Index? {
            words.compactMap { word in has(word) ? lower.ranges(of: word).last?.lowerBound : nil }.max()
        }
        if let temporary = first(temporaryWords), let undo = last(undoWords), temporary < undo,
           let check = first(checks), check > temporary, check < undo {
            return "\(Kind.checks.rawValue): a rehearsal, its change is temporary and reverted, it leaves no code"
        }
        let citesCriteria = successCriteriaWords.contains(where: has)
            || lower.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).contains { token in
                token.hasPrefix("sc-") && token.count > 3 && token.dropFirst(3).allSatisfy(\.isNumber)
            }
        // It checks the criteria (`confirm SC-001 … met`): `Monthly sales report (meets SC-004)` is a feature.
        let checksCriteria = (checks + validateWords + ["确认", "確認", "验证", "驗證"]).contains(where: has)
        if citesCriteria, checksCriteria, let word = reportWords.first(where: has) {
            return "\(Kind.documentation.rawValue): a \(word) on the spec's success criteria, for people, naming no code"
        }
        return nil
    }
}
