internal import AutodevMarkdown

/// Tasks written as headings (`#### T004: Modify VRF Callback`, `### Task 3: …`, `### ✅ Tarea
/// 4.4: …`, `## 任务 2：…`): the heading is the task, and the list items below it — checkboxes
/// under `**Criterios:**` included — are its criteria, not tasks of their own.
extension SpecParser {
    /// Heading tasks and, per section index, the heading task it belongs to (the innermost
    /// enclosing one). A heading with numbered or id-labelled checkbox tasks below it groups
    /// them (as OpenSpec's `## 1. Export` does) and is no task itself.
    struct HeadingTasks {
        var requirements: [Requirement] = []
        var owner: [Int: Int] = [:]

        func owns(_ section: Int?) -> Bool {
            section.map { owner[$0] != nil } ?? false
        }
    }

    func headingTasks() -> HeadingTasks {
        var candidates: [Int: (label: TaskLabel, done: Bool?, title: String)] = [:]
        for (index, section) in sections.enumerated() {
            let (outer, unmarked) = DoneMark.split(section.title)
            // `## Major Tasks Overview` > `### Task 4: …` summarizes the list below it.
            guard let label = TaskLabel.parse(Substring(unmarked)), !isAboutTasks(index, above: true) else { continue }
            let (inner, title) = DoneMark.split(label.rest)
            let done: Bool? = switch (outer, inner) {
            case (nil, nil): nil
            case (let mark?, nil), (nil, let mark?): mark
            case (let a?, let b?): a && b
            }
            candidates[index] = (label, done, title)
        }
        guard !candidates.isEmpty else { return HeadingTasks() }
        // A heading over numbered checkbox tasks groups them. Structure, not one line: at least
        // half of its top-level checkboxes carry a number or label, so one criterion that starts
        // with a count (`- [ ] 4 cards con iconos correctos` under `### ✅ Tarea 4.3`) leaves the
        // heading the task and its checkboxes its criteria.
        for index in candidates.keys.sorted() {
            let blocks = outline.blocks(outline.subtree(index))
            var boxes = 0, numbered = 0
            for item in SpecText.items(blocks) where item.depth == 0 {
                let (box, label) = SpecText.checkbox(of: item.item)
                guard box != nil else { continue }
                boxes += 1
                let unmarked = Substring(DoneMark.split(label).rest)
                if TextScan.leadingNumber(unmarked) != nil || TaskLabel.parse(unmarked) != nil { numbered += 1 }
            }
            if numbered > 0 && numbered * 2 >= boxes { candidates[index] = nil }
        }
        var result = HeadingTasks()
        var stack: [(level: Int, task: Int?)] = []
        for (index, section) in sections.enumerated() {
            while let last = stack.last, last.level >= section.level { stack.removeLast() }
            let task = candidates[index] != nil ? index : stack.last?.task
            stack.append((section.level, task))
            if let task { result.owner[index] = task }
        }
        for index in candidates.keys.sorted() {
            let (label, done, title) = candidates[index]!
            let body = sections.indices.filter { result.owner[$0] == index }
            result.requirements.append(headingTask(index, label: label, done: done, title: title, body: body))
        }
        return result
    }

    private func headingTask(_ index: Int, label: TaskLabel, done: Bool?, title: String, body: [Int]) -> Requirement {
        let section = sections[index]
        let blocks = outline.blocks(body)
        var refs: [String] = []
        var rest = Substring(title)
        while rest.first == "[", let close = rest.firstIndex(of: "]") {
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            if tag != "P" && tag != "p" { refs.append(String(tag)) }
            rest = TextScan.trimSeparators(rest[rest.index(after: close)...])
        }
        let raw = SpecText.raw(blocks)
        for line in raw.split(separator: "\n") { refs.append(contentsOf: Self.citedRequirements(line)) }
        if let story = enclosingStory(index) { refs.append(story) }
        let cleanTitle = TextScan.collapse(rest)
        let normalized = SpecText.normalized(blocks)
        var requirement = make(key: label.key, kind: .task, title: SecretGuard.cut(cleanTitle, to: 120),
                               text: normalized.isEmpty ? cleanTitle : cleanTitle + "\n" + normalized,
                               raw: raw, line: section.line, destinations: destinations(blocks), refs: refs,
                               progress: headingProgress(done: done, section: section, blocks: blocks),
                               criteria: SpecText.criteria(blocks))
        requirement.codeSpans = section.codeSpans + SpecText.codeSpans(blocks)
        requirement.optional = Self.markedOptional(cleanTitle)
        requirement.headings = Array(section.path.dropLast())
        return requirement
    }

    /// A heading task's progress: its own mark (`✅`, `(Done)`), else a status line of its own
    /// section (`**Status:** ✓ COMPLETE`, `**Estado:** DONE`, `状态：已完成`), else the marks
    /// and checkboxes of its criteria; empty (open) when nothing says.
    private func headingProgress(done: Bool?, section: SpecOutline.Section, blocks: [MarkdownBlock]) -> String {
        if let done { return done ? "x" : " " }
        var lines: [String] = []
        for block in section.blocks {
            if block.kind == .paragraph { lines.append(block.text) }
            for (item, depth) in SpecText.items([block]) where depth == 0 { lines.append(SpecText.firstParagraph(of: item)) }
        }
        for line in lines {
            if let value = StatusWords.labelledValue(in: line), let state = StatusWords.state(of: value, whole: false) {
                return state ? "x" : " "
            }
        }
        var states = ""
        for (item, _) in SpecText.items(blocks) {
            let (box, label) = SpecText.checkbox(of: item)
            if let box {
                states.append(DoneMark.split(label).done == true ? "x" : box.state)
            } else if let mark = DoneMark.split(label).done {
                states.append(mark ? "x" : " ")
            }
        }
        return states
    }

    /// `US1` for a section under a heading that names a user story (`## Phase 3: User Story 1 -
    /// Sign in`, `### Historia de usuario 2`, `## 用户故事 3`): the story its tasks work on.
    func enclosingStory(_ index: Int) -> String? {
        for title in sections[index].path.reversed() {
            let lower = title.lowercased()
            for marker in ["user story", "historia de usuario", "histoire utilisateur", "用户故事"] {
                guard let found = lower.firstRange(of: marker) else { continue }
                let digits = lower[found.upperBound...].drop { $0 == " " }.prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty { return "US\(digits)" }
            }
        }
        return nil
    }

    /// Headings whose list items talk about tasks without being tasks: parallel opportunities,
    /// dependencies and execution order, summaries.
    static let aboutTasksHeadings = [
        "parallel", "dependenc", "execution order", "execution strategy", "summary", "overview", "paralel",
        "dependencia", "orden de ejecución", "resumen", "visión general", "并行", "依赖", "执行顺序", "总结", "概览",
        "parallèle", "dépendance", "résumé", "aperçu", "abhängigkeit", "reihenfolge", "zusammenfassung", "übersicht",
    ]

    /// Whether the section's own heading (with `above`, the heading just above it) is one of
    /// those. Only the nearest heading: a document titled `… for Parallel Development` is not
    /// about parallel work.
    func isAboutTasks(_ index: Int, above: Bool = false) -> Bool {
        let path = sections[index].path
        guard let title = above ? path.dropLast().last : path.last else { return false }
        let lower = title.lowercased()
        return Self.aboutTasksHeadings.contains { lower.contains($0) }
    }

    /// A list item whose id is followed by another task id (`T004, T005… can run in parallel`,
    /// `T010 and T011`, `T004 → T005`): it mentions tasks, it is not one.
    static func mentionsOnly(_ rest: Substring) -> Bool {
        var text = rest
        func trim() {
            while let first = text.first, first.isWhitespace || ",&/→>~、，+-–—".contains(first) { text = text.dropFirst() }
        }
        trim()
        for joiner in ["and ", "to ", "y ", "et ", "und ", "bis ", "和", "与", "至", "到"] where text.lowercased().hasPrefix(joiner) {
            text = text.dropFirst(joiner.count)
            trim()
        }
        guard text.first == "T" else { return false }
        let digits = text.dropFirst().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return false }
        let after = text.dropFirst(1 + digits.count).first
        return after.map { !($0.isLetter || $0.isNumber) } ?? true
    }

    /// List items with the section they sit in (nil for the preamble), in document order.
    func sectionItems() -> [(item: MarkdownBlock, depth: Int, section: Int?)] {
        var result = SpecText.items(outline.preamble).map { ($0.item, $0.depth, Int?.none) }
        for (index, section) in sections.enumerated() {
            result.append(contentsOf: SpecText.items(section.blocks).map { ($0.item, $0.depth, Optional(index)) })
        }
        return result
    }

    /// A task title marked optional in words (`(optional)`, `(opcional)`, `（可选）`).
    static func markedOptional(_ title: String) -> Bool {
        let lower = title.lowercased()
        // Each bracketed mark opens with "(", "[" or "（" (whose UTF-8 starts with 0xEF): a title
        // without one of those bytes can only open with a mark.
        guard lower.utf8.contains(where: { $0 == 0x28 || $0 == 0x5B || $0 == 0xEF }) else {
            return lower.hasPrefix("optional:") || lower.hasPrefix("opcional:")
        }
        return ["(optional)", "[optional]", "(opcional)", "(optionnel)", "(facultatif)", "(optional)", "(可选)", "（可选）", "(选做)", "（选做）"]
            .contains { ByteSearch.contains(lower, $0) } || lower.hasPrefix("optional:") || lower.hasPrefix("opcional:")
    }
}
