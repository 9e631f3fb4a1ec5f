/// The words a spec uses to say how far work is, in the languages specs are written in.
///
/// Where the words come from: the statuses of the formats' own templates (BMAD's Draft,
/// Approved, InProgress, Review, Ready for Done, Done; Spec Kit's Draft; PRP's COMPLETED), the
/// statuses met in the development corpora, and their usual translations in Spanish, French,
/// German and Chinese, written by hand. A status is evidence about progress only; it never
/// makes a requirement.
enum StatusWords {
    /// Values that open a status of finished work. "Ready for review" and "review" count: the
    /// code exists and waits for a person, so generating it again would duplicate it.
    static let finished: [String] = [
        "done", "complete", "completed", "implemented", "closed", "merged", "shipped", "released", "delivered",
        "finished", "accepted", "ready for review", "ready for done", "in review", "review", "qa", "verified", "resolved",
        "deployed", "in production",
        "hecho", "hecha", "completado", "completada", "completo", "terminado", "terminada", "finalizado", "finalizada",
        "implementado", "implementada", "cerrado", "cerrada", "entregado", "resuelto", "en revisión", "listo para revisión",
        "terminé", "terminée", "fait", "faite", "complété", "complétée", "implémenté", "livré", "fini", "finie",
        "erledigt", "fertig", "abgeschlossen", "implementiert", "umgesetzt", "geliefert",
        "已完成", "完成", "已实现", "已交付", "已合并", "已发布", "已上线", "已关闭", "已解决", "完了",
    ]

    /// Values that say the work is not finished (checked first: `not started`, `未完成`).
    static let open: [String] = [
        "todo", "to do", "to-do", "pending", "in progress", "in-progress", "inprogress", "wip", "not started", "not done",
        "open", "draft", "planned", "blocked", "backlog", "incomplete", "partial", "partially", "ready for development",
        "pendiente", "en progreso", "en curso", "por hacer", "sin empezar", "borrador", "bloqueado", "incompleto", "no iniciado",
        "à faire", "en cours", "non commencé", "brouillon", "bloqué",
        "offen", "in arbeit", "ausstehend", "entwurf", "blockiert", "geplant",
        "未完成", "进行中", "待办", "待处理", "未开始", "草稿", "阻塞", "计划中", "部分完成",
    ]

    /// Values that say the work has not begun: BMAD's Draft and Approved (approved to start), a
    /// plan's To Do. A story saying so was not implemented by a commit that edits it beside other
    /// code: a public BMAD history's squash added ten Draft stories beside unrelated fixes.
    static let notStarted: [String] = [
        "draft", "approved", "todo", "to do", "to-do", "not started", "planned", "backlog", "ready for development", "ready for dev",
        "borrador", "aprobado", "aprobada", "por hacer", "sin empezar", "no iniciado",
        "brouillon", "approuvé", "approuvée", "à faire", "non commencé", "entwurf", "genehmigt", "geplant",
        "草稿", "未开始", "待办", "计划中", "已批准",
        // Ready for development (BMAD 6's `ready-for-dev`), in the words a story's author writes.
        "ready-for-dev", "lista para desarrollo", "listo para desarrollo", "prête pour le développement",
        "prêt pour le développement", "bereit zur entwicklung", "待开发", "待開發",
    ]
    /// Values that say not begun only when they are the whole status: `Ready` (a public BMAD
    /// history's stories were `Ready` until picked up, `Ready for Review` once written; a squash
    /// that added nine `Ready` stories beside a fix read them as implemented).
    static let notStartedWhole: [String] = ["ready", "ready to start", "ready to develop"]

    /// Whether a status value starts with a not-started word (`notStarted`), on a word boundary.
    static func saysNotStarted(_ value: some StringProtocol) -> Bool {
        let text = normalized(value, whole: false)
        if notStartedWhole.contains(where: { opens(normalized(value, whole: true), with: $0, whole: true) }) { return true }
        return notStarted.contains { opens(text, with: $0, whole: false) }
    }

    /// Labels of a status line (`Status: Done`, `**Estado:** Completado`, `状态：已完成`).
    static let labels: [String] = ["status", "estado", "statut", "stato", "状态", "狀態", "状況"]

    /// Whether a status value says finished (true) or not finished (false); nil when it says
    /// neither. With `whole`, the value must be only the status (a title's `(Done)`); without,
    /// it need only start with one (`Done — merged in #12`).
    static func state(of value: some StringProtocol, whole: Bool) -> Bool? {
        let text = normalized(value, whole: whole)
        if open.contains(where: { opens(text, with: $0, whole: whole) }) { return false }
        if finished.contains(where: { opens(text, with: $0, whole: whole) }) { return true }
        return nil
    }

    /// `value` lowercased, from its first letter (and, with `whole`, to its last).
    private static func normalized(_ value: some StringProtocol, whole: Bool) -> Substring {
        var text = Substring(value.lowercased())
        while let first = text.first, !first.isLetter { text = text.dropFirst() }
        if whole {
            while let last = text.last, !last.isLetter { text = text.dropLast() }
        }
        return text
    }

    /// Whether normalized `text` is `word` (`whole`) or starts with it on a word boundary.
    private static func opens(_ text: Substring, with word: String, whole: Bool) -> Bool {
        guard text.hasPrefix(word) else { return false }
        if whole { return text.count == word.count }
        guard text.count > word.count else { return true }
        // A CJK status needs no word boundary (`已完成，待合并`); a Latin one does (`reviewer`).
        if word.unicodeScalars.first.map({ $0.value >= 0x2E80 }) == true { return true }
        return !text[text.index(text.startIndex, offsetBy: word.count)].isLetter
    }

    /// The value after a status label at the start of `text` or after whitespace, with `:` or
    /// `：` after the label: `Status: Done`, `- **Estado:** Completado`, `状态：已完成`.
    static func labelledValue(in text: String) -> Substring? {
        // No value without ":" or "：" (U+FF1A, whose UTF-8 starts with 0xEF) after the label:
        // a line without either byte is passed without lower-casing it.
        guard text.utf8.contains(where: { $0 == 0x3A || $0 == 0xEF }) else { return nil }
        let plain = text.filter { $0 != "*" && $0 != "_" }
        let lower = plain.lowercased()
        guard lower.count == plain.count else { return nil }
        for label in labels {
            var searchStart = lower.startIndex
            while let found = lower[searchStart...].firstRange(of: label) {
                searchStart = found.upperBound
                if found.lowerBound != lower.startIndex {
                    let before = lower[lower.index(before: found.lowerBound)]
                    guard before.isWhitespace || "-•|".contains(before) else { continue }
                }
                var after = found.upperBound
                while after < lower.endIndex, lower[after] == " " { after = lower.index(after: after) }
                guard after < lower.endIndex, lower[after] == ":" || lower[after] == "\u{FF1A}" else { continue }
                let offset = lower.distance(from: lower.startIndex, to: after) + 1
                return Substring(TextScan.collapse(plain.dropFirst(offset)))
            }
        }
        return nil
    }
}
