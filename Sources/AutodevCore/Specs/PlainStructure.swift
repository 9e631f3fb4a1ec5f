internal import AutodevMarkdown

/// What a plain Markdown section's structure says it is, whatever its heading's words. A replay
/// of an unseen Rust project whose specs are plain Markdown (`specs/<feature>/requirements.md`
/// with a `**Issues**: #15` / `**Status**:` header and a `## Change History` table) proposed 227
/// pieces of work in one commit that renamed `**Issue**` to `**Issues**`, rewrote a
/// `**Related Spec**` path and added a dated history table to each document: 20 of 20 sampled
/// work items of that project were wrong, 12 of them of these two shapes.
enum PlainStructure {
    /// Blocks that are only labelled fields — `Issues: #15 Date: 2026-02-13 Status: Approved`
    /// (emphasis is gone from block text), one or several to a paragraph, each value short —
    /// with nothing else but rules and comments: a document header, not a requirement. A
    /// paragraph that opens with a label and goes on into a sentence ("Note: the service must
    /// retry …") has a long value and is not a field.
    static func isFieldHeader(_ blocks: [MarkdownBlock]) -> Bool {
        var fields = 0
        for block in blocks {
            switch block.kind {
            case .thematicBreak, .htmlBlock:
                continue
            case .paragraph:
                guard let count = fieldCount(block.text) else { return false }
                fields += count
            default:
                return false
            }
        }
        return fields > 0
    }

    /// The number of `Label: value` fields a paragraph's text is made of, or nil when it is
    /// anything else. A label is one to three words starting with a letter (any script), a
    /// colon (ASCII or full-width) after it; a lone field's value is at most 80 characters,
    /// one among several at most 200.
    static func fieldCount(_ text: String) -> Int? {
        // CJK text puts no space after a full-width colon (`状态：已批准`).
        let words = text.replacing("：", with: "： ").split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first, isLabelEnd(first) || startsLabel(words, at: 0) != nil else { return nil }
        var count = 0
        var valueLength = 0
        var longest = 0
        var index = 0
        while index < words.count {
            // A value has at least one word: right after a label, the next word is its value
            // (`Status: Approved Author: …` is Status = Approved, then Author).
            if count == 0 || valueLength > 0, let next = startsLabel(words, at: index) {
                count += 1
                valueLength = 0
                index = next
                continue
            }
            if count == 0 { return nil }
            valueLength += words[index].count + 1
            longest = max(longest, valueLength)
            if valueLength > 200 { return nil }
            index += 1
        }
        // A lone label before a long value is a sentence ("Note: the service must …"); among
        // other fields a value may run longer (a `Related Spec:` with two paths and a remark).
        if count == 1 && longest > 80 { return nil }
        return count > 0 && valueLength > 0 ? count : nil
    }

    /// The `Label: value` fields of a paragraph that opens with a label, labels lower-cased
    /// without their colon, in order; empty for a paragraph that does not. A task written as a
    /// heading carries its plan this way (`**File(s)**: … **Type**: Verify **Acceptance**:`, the
    /// last label's value being the list below it).
    static func fields(_ text: String) -> [(label: String, value: String)] {
        let words = text.replacing("：", with: "： ").split(whereSeparator: \.isWhitespace).map(String.init)
        guard startsLabel(words, at: 0) != nil else { return [] }
        var result: [(label: String, value: String)] = []
        var index = 0
        while index < words.count {
            if result.isEmpty || !result[result.count - 1].value.isEmpty, let next = startsLabel(words, at: index) {
                var label = words[index..<next].joined(separator: " ").lowercased()
                while let last = label.last, last == ":" || last == "：" { label.removeLast() }
                result.append((label, ""))
                index = next
                continue
            }
            let value = result[result.count - 1].value
            result[result.count - 1].value = value.isEmpty ? words[index] : value + " " + words[index]
            index += 1
        }
        return result
    }

    /// Where the value starts when `words[index…]` opens a label of one to three words ending in
    /// a colon (`Issues:`, `Related Spec:`, `状态：`), or nil.
    private static func startsLabel(_ words: [String], at index: Int) -> Int? {
        for length in 1...3 where index + length <= words.count {
            let label = words[index..<(index + length)]
            guard let head = label.first?.first, head.isLetter, head.isUppercase || !head.isCased else { return nil }
            if label.dropLast().contains(where: { $0.contains(":") || $0.contains("：") }) { return nil }
            if isLabelEnd(label.last!) { return index + length }
            if !label.last!.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" || $0 == "(" || $0 == ")" }) { return nil }
        }
        return nil
    }

    /// A word that ends a label: letters or digits, then one colon.
    private static func isLabelEnd(_ word: String) -> Bool {
        guard let last = word.last, last == ":" || last == "：" else { return false }
        let body = word.dropLast()
        return !body.isEmpty && body.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" || $0 == "(" || $0 == ")" }
    }

    /// Blocks that are only tables (and rules) whose every body row carries a date
    /// (`2026-02-13`, `2026/2/13`, `13.02.2026`): a log of what happened when — a change
    /// history, a release record — not a requirement, in any language its headings are in.
    static func isDatedLog(_ blocks: [MarkdownBlock]) -> Bool {
        var rows = 0
        for block in blocks {
            switch block.kind {
            case .thematicBreak, .htmlBlock:
                continue
            case .table:
                for row in block.children {
                    guard case .tableRow(let header) = row.kind, !header else { continue }
                    guard row.children.contains(where: { isDate($0.text) }) else { return false }
                    rows += 1
                }
            default:
                return false
            }
        }
        return rows > 0
    }

    /// `2026-02-13`, `2026/2/13`, `2026.02.13`, `13.02.2026`, `13/02/2026` (a cell's whole text).
    static func isDate(_ text: String) -> Bool {
        let cell = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let parts = cell.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.count == 3, parts.allSatisfy({ part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        let lengths = parts.map { $0.count }
        return (lengths[0] == 4 && lengths[1] <= 2 && lengths[2] <= 2) || (lengths[2] == 4 && lengths[0] <= 2 && lengths[1] <= 2)
    }
}
