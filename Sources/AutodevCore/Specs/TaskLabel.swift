/// The label a task is written with: a Spec Kit id (`T004`), or a word for "task" and its
/// number in the languages specs are written in (`Task 3`, `Tarea 4.4`, `任务 2`, `Aufgabe 1`).
/// Written as a heading (`#### T004: Modify VRF Callback`, `### ✅ Tarea 4.4: …`) it makes the
/// heading a task; in any title it is a prefix that must not hide the verb after it.
struct TaskLabel {
    /// What the task is cited by: `T004`, `TASK-001`, or `Task 3` for a word and a number.
    var key: String
    /// The title after the label and its separator.
    var rest: Substring

    /// Words for a task (English, Spanish, Portuguese, French, German, Chinese, Japanese).
    static let words = [
        "subtask", "sub-task", "task", "subtarea", "tarea", "tarefa", "tâche", "tache", "teilaufgabe", "aufgabe",
        "子任务", "任务", "任務", "タスク",
    ]
    /// Words for a numbered step of a task; a prefix like a task label, but no task of its own.
    static let stepWords = ["step", "paso", "étape", "etape", "schritt", "passo", "步骤", "第"]

    /// The task label at the start of `text`, if any.
    static func parse(_ text: Substring) -> TaskLabel? {
        // `T004-test:` — a Spec Kit id with a word suffix (a test task written before T004).
        if text.first == "T" {
            let digits = text.dropFirst().prefix { $0.isASCII && $0.isNumber }
            var after = text.dropFirst(1 + digits.count)
            if !digits.isEmpty, after.first == "-" {
                let word = after.dropFirst().prefix { $0.isASCII && $0.isLowercase }
                after = after.dropFirst(1 + word.count)
                if !word.isEmpty, let next = after.first, next == ":" || next.isWhitespace {
                    return TaskLabel(key: "T\(digits)-\(word)", rest: TextScan.trimSeparators(after))
                }
            }
        }
        if let (id, rest) = TextScan.leadingID(text) {
            let letters = id.prefix { $0.isLetter }
            if (letters == "T" && id.dropFirst().allSatisfy(\.isNumber)) || words.contains(letters.lowercased()) {
                return TaskLabel(key: id, rest: rest)
            }
            return nil
        }
        guard let (number, rest) = numbered(text, after: words) else { return nil }
        return TaskLabel(key: "Task \(number)", rest: rest)
    }

    /// `Task 3: x`, `Tarea 4.4 - x`, `任务2：x`, `Task #3 x` → the number and `x`.
    static func numbered(_ text: Substring, after words: [String]) -> (String, Substring)? {
        let lower = text.lowercased()
        guard let word = words.first(where: { lower.hasPrefix($0) }) else { return nil }
        var rest = text.dropFirst(word.count)
        let latin = word.unicodeScalars.first.map { $0.value < 0x2E80 } ?? true
        if latin, let next = rest.first, next.isLetter { return nil }  // `Tasks`, `Taskbar`
        while rest.first == " " || rest.first == "#" { rest = rest.dropFirst() }
        let digits = rest.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
        guard digits.first?.isNumber == true else { return nil }
        rest = rest.dropFirst(digits.count)
        if word == "第" {
            // 第3步 / 第 3 项: the counter word after the number.
            guard let counter = rest.first, "步项條条".contains(counter) else { return nil }
            rest = rest.dropFirst()
        }
        if let next = rest.first, !(next.isWhitespace || ":：-–—.)|、,，".contains(next)) { return nil }
        var number = Substring(digits)
        while number.last == "." { number = number.dropLast() }
        while let first = rest.first, first.isWhitespace || ":：-–—.)|、,，".contains(first) { rest = rest.dropFirst() }
        return (String(number), rest)
    }

    /// The words of a task title that say what it does, without what precedes them: done marks,
    /// `[P]`/`[US1]` tags, `Task 12:`/`Tarea 3:`/`任务 2：`/`T004`/`1.1`/`Step 2:` labels.
    /// `Task 12: Manual End-to-End Testing` → `Manual End-to-End Testing`.
    static func verbPhrase(_ title: String) -> Substring {
        var text = Substring(DoneMark.split(title).rest)
        var changed = true
        while changed && !text.isEmpty {
            changed = false
            let before = text.count
            while let first = text.first, first.isWhitespace || "*_#>".contains(first) { text = text.dropFirst() }
            if text.first == "[", let close = text.firstIndex(of: "]"), text.distance(from: text.startIndex, to: close) <= 24 {
                text = text[text.index(after: close)...]
            } else if let label = parse(text) {
                text = label.rest
            } else if let (_, rest) = numbered(text, after: stepWords) {
                text = rest
            } else if let (_, rest) = TextScan.leadingID(text) {
                text = rest
            } else if let (_, rest) = TextScan.leadingNumber(text) {
                text = rest
            }
            changed = text.count != before
        }
        return text
    }
}
