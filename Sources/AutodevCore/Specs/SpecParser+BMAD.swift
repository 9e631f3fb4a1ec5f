internal import AutodevMarkdown

/// BMAD: how `SpecParser` reads this format.
///
/// A story's tasks are read wherever they sit in the story — under `Tasks / Subtasks` and its
/// sub-headings (`### Phase 1: …`), under headings of the author's own (`## 📋 ACTIVE TODO
/// TASKS`, `#### Day 3-4: …`, `## Tareas`, `## 任务`) — and in any wrapper the author puts around
/// the box: `- [ ] …`, `- **[ ]** **[48a]** …`, a paragraph `**`[ ]`** **`[TASK-1.4.10]`** …`
/// whose body is the list after it, `[x] [TASK-8.13] …`, `[✅]`, or a done or open glyph
/// before a bracketed label (`**✅ [TASK-1.4.1]** …`, `- ✅ **[1a]** …`). A tick is then a
/// tick (progress), and the story's own requirement is its text outside its tasks: a replay of a
/// public BMAD history (tasks written that way outside a `Tasks` heading) read each story as
/// one requirement, and every tick, progress log and verdict became "requirement changed".
/// Checkboxes under the story's acceptance criteria are criteria, and those in its record
/// sections (Dev Agent Record, Change Log, QA Results, …) are history: neither are tasks.
extension SpecParser {

    /// `Story 1.2: Title`, `Story 3 - Title` → `1.2`, `3`.
    static func bmadStoryID(_ title: String) -> String? {
        bmadStory(title)?.id
    }

    /// `Story 1.2: Title`, `Story 3 - Title`, `Story 6.1A: Title`, `Story 7.2-FX: Title`,
    /// `Story 16.3a Title` → the id and the title after it. Epics named by letters count too
    /// (`Story AT.2: Title`, `Story AR.2-TDD: Title`, `Story I1: Title`): a public BMAD history
    /// named 246 of its 252 stories so, and every one was read as context, its tasks unseen.
    static func bmadStory(_ title: String) -> (id: String, rest: Substring)? {
        guard title.lowercased().hasPrefix("story ") else { return nil }
        let rest = title.dropFirst("story ".count).drop { $0 == " " }
        if let (number, after) = TextScan.leadingNumber(rest) { return (number, after) }
        // A letter suffix: digits and dots, then letters, optionally after a hyphen.
        let token = rest.prefix { !$0.isWhitespace && $0 != ":" }
        var scalars = Substring(token)
        while scalars.last == "." { scalars = scalars.dropLast() }
        if let id = letteredStoryID(scalars) { return (id, TextScan.trimSeparators(rest.dropFirst(token.count))) }
        let numeric = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = scalars.dropFirst(numeric.count)
        let letters = suffix.hasPrefix("-") ? suffix.dropFirst() : suffix
        guard numeric.first?.isNumber == true, !letters.isEmpty, letters.count <= 4,
              letters.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return (String(scalars), TextScan.trimSeparators(rest.dropFirst(token.count)))
    }

    /// An epic's letters (one to three), an optional dot, its story number, and an optional suffix
    /// of up to four letters after a hyphen: `AT.2`, `AR.2-TDD`, `I1`, `K.10`; not a word
    /// (`Map`, `Update`) nor letters without a number (`AT.`).
    private static func letteredStoryID(_ token: Substring) -> String? {
        let letters = token.prefix { $0.isASCII && $0.isLetter }
        guard (1...3).contains(letters.count) else { return nil }
        var after = token.dropFirst(letters.count)
        if after.first == "." { after = after.dropFirst() }
        let number = after.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard number.first?.isNumber == true, number.last?.isNumber == true else { return nil }
        let suffix = after.dropFirst(number.count)
        if !suffix.isEmpty {
            let word = suffix.dropFirst()
            guard suffix.first == "-", (1...4).contains(word.count), word.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        }
        return String(token)
    }

    private static let bmadProgressSections = [
        "status", "dev notes", "dev agent record", "change log", "qa results", "testing", "file list",
        "debug log", "completion notes", "agent model", "tasks", "subtasks", "references", "project structure notes",
    ]

    /// Headings of a story's acceptance criteria (a prefix of the heading, lower case): what the
    /// story asks of the code, beside its tasks (`Explainer.storyCoveredByTasks`).
    static let bmadCriteriaHeadings = Array(criteriaHeadings) + [
        // A definition of done or a checklist: conditions the work meets, checked by people.
        "definition of done", "dod", "checklist", "quality checklist", "done checklist", "success criteria",
        // What closes the story (`## Completion Criteria`: "4-week post-deployment monitoring
        // complete", "Configuration deployed to production"): outcomes checked, not tasks.
        "completion criteria", "exit criteria", "done criteria", "criterios de finalización", "criterios de cierre",
        "critères d'achèvement", "critères de fin", "abschlusskriterien", "完成条件", "完了条件", "完了基準", "结项标准",
        "definición de hecho", "definición de terminado", "lista de verificación", "criterios de éxito",
        "définition de terminé", "définition de fini", "liste de contrôle", "critères de succès",
        "完成定义", "完成标准", "检查清单", "成功标准",
        "criterios de aceptación", "criterios de aceptacion", "critères d'acceptation", "criteres d'acceptation",
        "critères d’acceptation", "akzeptanzkriterien", "critérios de aceitação", "受け入れ基準", "受入基準", "驗收標準", "验收准则",
    ]

    /// A heading's title as the section lists compare it: lower case, without the emoji or
    /// marks written before the words (`📝 Dev Agent Record`, `✅ Acceptance Criteria`).
    private static func bmadSectionTitle(_ title: String) -> String {
        String(DoneMark.split(title).rest.lowercased().drop { !($0.isLetter || $0.isNumber) })
    }

    func bmad() -> [Requirement] {
        var result: [Requirement] = []
        // Tasks written as headings (`### Task 1: …`, `#### Task 8.11: … ✅`): the heading is the
        // task, and the boxes below it are its steps, not tasks of their own.
        let headings = headingTasks()
        let headingTaskAt = Dictionary(headings.requirements.map { ($0.line, $0) }, uniquingKeysWith: { a, _ in a })
        var index = 0
        while index < sections.count {
            let section = sections[index]
            guard let id = Self.bmadStoryID(section.title) else {
                index += 1
                continue
            }
            let key = "Story \(id)"
            let range = outline.subtree(index)
            // Sections of the story's record (history, not requirement, never tasks), of its
            // `Tasks` heading (tasks only), and of its criteria (criteria only, never tasks).
            var record = Set<Int>(), taskHeading = Set<Int>(), criteria = Set<Int>()
            var inner = range.lowerBound + 1
            while inner < range.upperBound {
                let title = Self.bmadSectionTitle(sections[inner].title)
                let subtree = outline.subtree(inner)
                if title.hasPrefix("tasks") || title.hasPrefix("subtasks") {
                    taskHeading.formUnion(subtree)
                    inner = subtree.upperBound
                } else if Self.bmadProgressSections.contains(where: { title.hasPrefix($0) }) {
                    record.formUnion(subtree)
                    inner = subtree.upperBound
                } else {
                    if Self.bmadCriteriaHeadings.contains(where: SpecText.headingKey(title).hasPrefix) { criteria.formUnion(subtree) }
                    inner += 1
                }
            }
            var files: [String] = []
            var tasks: [Requirement] = []
            var content: [MarkdownBlock] = []
            var position = 0
            var criteriaBlocks: [MarkdownBlock] = []
            for inner in range {
                let blocks = Self.bmadMarked(sections[inner].blocks)
                if inner != range.lowerBound, !taskHeading.contains(inner), !record.contains(inner), headings.owner[inner] == nil {
                    content.append(MarkdownBlock(kind: .heading(level: sections[inner].level), text: sections[inner].title,
                                                 line: sections[inner].line))
                }
                if inner != range.lowerBound, Self.bmadSectionTitle(sections[inner].title).contains("file list") {
                    files.append(contentsOf: TextScan.pathMentions(SpecText.raw(sections[inner].blocks)))
                }
                if record.contains(inner) { continue }
                if let owner = headings.owner[inner] {
                    if owner == inner, var task = headingTaskAt[sections[inner].line] {
                        task.key = "\(key) \(task.key)"
                        task.ids = [task.key]
                        task.parent = key
                        task.refs = SpecText.unique(task.refs + [key])
                        tasks.append(task)
                    }
                    continue
                }
                if criteria.contains(inner) {
                    content.append(contentsOf: blocks)
                    criteriaBlocks.append(contentsOf: blocks)
                    continue
                }
                let (found, rest) = Self.bmadTasks(blocks)
                if !taskHeading.contains(inner) { content.append(contentsOf: rest) }
                let owners = Self.bmadOwners(blocks)
                for task in found {
                    let item = Self.withoutProgressFields(task)
                    let (_, label) = SpecText.checkbox(of: item)
                    position += 1
                    let named = Self.bmadTaskName(label)
                    // A bracketed id (`[TASK-8.13] Fix …`) is the task's name, not its words.
                    let words = named != nil && label.first == "[" ? label.drop { $0 != "]" }.dropFirst().drop { $0 == " " } : Substring(label)
                    var requirement = itemRequirement(key: "\(key) \(named ?? "Task \(position)")", kind: .task, label: words,
                                                      item: item, refs: [key], parent: key, includeNested: true)
                    // A status its author wrote after an open box (`… (AC: 5) - DONE`, `… ✅`) finishes it.
                    if DoneMark.split(words).done == true { requirement.progress = String(repeating: "x", count: max(1, requirement.progress.count)) }
                    // Where it sits says what kind of work it is when its words do not: the
                    // story's sub-heading (`### Operational Documentation`, `## Quality
                    // Assurance`), or the unboxed `[TASK-…]` paragraph whose subtask list holds it
                    // (`[TASK-4.6.6] Generate Safety Compliance Documentation`).
                    requirement.headings = sections[inner].path
                    if let owner = owners[task.line] {
                        requirement.section = owner
                    } else if inner != range.lowerBound, !taskHeading.contains(inner) {
                        requirement.section = sections[inner].title
                    }
                    tasks.append(requirement)
                }
            }
            let title = Self.bmadStory(section.title)?.rest ?? Substring(section.title)
            result.append(make(key: key, ids: [key, id], kind: .story, title: TextScan.collapse(title),
                               text: SpecText.normalized(content), raw: SpecText.raw(content), line: section.line,
                               paths: files, destinations: destinations(content),
                               criteria: criteria.isEmpty ? nil : SpecText.criteria(criteriaBlocks)))
            result.append(contentsOf: tasks)
            index = range.upperBound
        }
        return result
    }

    /// A task without its progress fields: list items whose value is only a measure
    /// (`- **Progress:** `40%``, `- Completed: 2026-03-02T10:00Z | Duration: 30m`), and the same
    /// in brackets in its first line (`[Progress: 64%]`). They move with every step of the work
    /// and are progress, not what the task asks for.
    static func withoutProgressFields(_ item: MarkdownBlock) -> MarkdownBlock {
        var copy = item
        var first = true
        copy.children = item.children.compactMap { child in
            if child.kind == .paragraph, first {
                first = false
                var label = child
                label.text = withoutBracketedMeasures(child.text)
                return label
            }
            guard case .list = child.kind else { return child }
            var list = child
            list.children = withoutDoneStamps(child.children.filter { !isProgressField(SpecText.firstParagraph(of: $0)) })
            return list.children.isEmpty ? nil : list
        }
        return copy
    }

    /// The unboxed task paragraphs of a section (`**`[TASK-4.6.6]`** **Generate … Documentation**`,
    /// no box of its own) by the line of each boxed item in the lists right after it (its
    /// `- **Subtasks:**`): those items are its steps, and its title is their section. A replay of
    /// a public BMAD history proposed such a documentation task's "MVP Readiness Assessment" and
    /// "Basic Risk Analysis" steps as code work.
    static func bmadOwners(_ blocks: [MarkdownBlock]) -> [Int: String] {
        var owners: [Int: String] = [:]
        var index = 0
        while index < blocks.count {
            let block = blocks[index]
            index += 1
            guard block.kind == .paragraph, SpecText.stripCheckboxText(block.text) == block.text,
                  bmadTaskName(block.text) != nil, let close = block.text.firstIndex(of: "]") else { continue }
            let title = withoutBracketedTags(String(block.text[block.text.index(after: close)...]))
            guard !title.isEmpty else { continue }
            while index < blocks.count, blocks[index].kind.isTaskBody {
                func note(_ item: MarkdownBlock) {
                    if SpecText.checkbox(of: item).0 != nil { owners[item.line] = title }
                    for child in item.children { note(child) }
                }
                note(blocks[index])
                index += 1
            }
        }
        return owners
    }

    /// `Generate the report [Priority: P2] [Concurrency: …]` → `Generate the report`.
    static func withoutBracketedTags(_ text: String) -> String {
        var rest = Substring(TextScan.collapse(text))
        while rest.last == "]", let open = rest.lastIndex(of: "["), open != rest.startIndex {
            rest = rest[..<open]
            while rest.last == " " { rest = rest.dropLast() }
        }
        return String(rest)
    }

    /// A ticked step's done stamp after its words: `[x] Add the filter ✅ *2025-08-20 12:45*`,
    /// `[x] … ✔`. Ticking a step and stamping it are progress: the task holding it keeps its
    /// words (a replay of a public BMAD history read a task whose steps got ticked and stamped as
    /// "requirement changed; update its implementation").
    static func withoutDoneStamp(_ text: String) -> String {
        guard text.hasPrefix("[x]"),
              let glyph = text.lastIndex(where: { $0.unicodeScalars.first.map(DoneMark.doneGlyphs.contains) ?? false }),
              glyph > text.index(text.startIndex, offsetBy: 3) else { return text }
        let after = text[text.index(after: glyph)...].filter { $0 != "\u{FE0F}" }
        guard after.allSatisfy(\.isWhitespace) || isMeasure(Substring(after)) else { return text }
        return TextScan.collapse(text[..<glyph])
    }

    /// The steps below a task with their done stamps left out, at any depth.
    static func withoutDoneStamps(_ blocks: [MarkdownBlock]) -> [MarkdownBlock] {
        blocks.map { block in
            var copy = block
            if block.kind == .paragraph { copy.text = withoutDoneStamp(block.text) }
            copy.children = withoutDoneStamps(block.children)
            return copy
        }
    }

    /// `Progress: 40%`, `Completed: 2026-03-02T10:00:00Z | Duration: 30m`: a label, then only
    /// numbers, units, dates and separators.
    static func isProgressField(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), text.distance(from: text.startIndex, to: colon) <= 24 else { return false }
        let label = text[..<colon]
        guard !label.isEmpty, label.allSatisfy({ $0.isLetter || $0 == " " }) else { return false }
        return isMeasure(text[text.index(after: colon)...])
    }

    /// Only digits, units and separators, with at least one digit: `40%`, `30m`, `2026-03-02T10:00Z | Duration: 30m`.
    private static func isMeasure(_ value: Substring) -> Bool {
        var digits = 0
        var word = ""
        var words: [String] = []
        for character in value {
            if character.isNumber { digits += 1 }
            if character.isLetter { word.append(character) } else if !word.isEmpty { words.append(word); word = "" }
        }
        if !word.isEmpty { words.append(word) }
        // Unit letters (`30m`, `2h`, `T10:00Z`) and the labels of further measures on the line.
        let units: Set<String> = ["t", "z", "h", "m", "s", "d", "ms", "min", "mins", "utc"]
        return digits > 0 && words.allSatisfy { units.contains($0.lowercased()) || value.contains($0 + ":") }
    }

    /// `Fix the tests [Priority: P0] [Progress: 64%]` → `Fix the tests [Priority: P0]`.
    static func withoutBracketedMeasures(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "]") else { break }
            let inner = rest[rest.index(after: open)..<close]
            if !isProgressField(String(inner)) { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return TextScan.collapse(result)
    }

    /// `Task 3: …` → `Task 3`; `[TASK-1.4.10-WATERFALL] …` → `Task 1.4.10-WATERFALL`; nil for
    /// a label without its own number (the task is then numbered by its place in the story).
    static func bmadTaskName(_ label: String) -> String? {
        let text = Substring(label)
        if label.lowercased().hasPrefix("task "), let (number, _) = TextScan.leadingNumber(text.dropFirst(5)) {
            return "Task \(number)"
        }
        guard text.first == "[", let close = text.firstIndex(of: "]") else { return nil }
        let inner = text[text.index(after: text.startIndex)..<close]
        guard inner.lowercased().hasPrefix("task"), inner.count <= 60 else { return nil }
        let number = inner.dropFirst(4).drop { $0 == "-" || $0 == "_" || $0 == " " || $0 == ":" }
        guard number.first?.isNumber == true, !number.contains(where: \.isWhitespace) else { return nil }
        return "Task \(number)"
    }

    /// The mark that opens a task's text, with the bold and code wrappers already gone from it
    /// (cmark keeps the text, not the markup): a box `[ ]`/`[x]`/`[-]`/`[~]`, a box holding a
    /// glyph (`[✅]`, `[⏳]`), or a done or open glyph before a bracketed label (`✅ [TASK-1.4.1]`,
    /// `✅ [1a]`). The box's state (`x` done, ` ` open, `-`/`~` Kiro's) and the text after the mark.
    static func bmadMark(_ text: String) -> (state: Character, rest: Substring)? {
        let rest = Substring(text).drop { $0 == " " }
        guard let first = rest.first else { return nil }
        if first == "[", rest.count >= 3 {
            let mark = rest[rest.index(after: rest.startIndex)]
            guard rest[rest.index(rest.startIndex, offsetBy: 2)] == "]" else { return nil }
            if " xX-~".contains(mark) { return (mark == "X" ? "x" : mark, rest.dropFirst(3)) }
            if let done = glyphState(mark) { return (done ? "x" : " ", rest.dropFirst(3)) }
            return nil
        }
        guard let done = glyphState(first) else { return nil }
        let after = rest.dropFirst().drop { $0 == " " }
        // A glyph alone opens many a status line (`✅ Already in .gitignore`); before a bracketed
        // label (a task's id) it marks a task.
        guard after.first == "[", let close = after.firstIndex(of: "]"), after.distance(from: after.startIndex, to: close) > 1,
              after.distance(from: after.startIndex, to: close) <= 60 else { return nil }
        return (done ? "x" : " ", after)
    }

    private static func glyphState(_ character: Character) -> Bool? {
        guard let scalar = character.unicodeScalars.first else { return nil }
        if DoneMark.doneGlyphs.contains(scalar) { return true }
        if DoneMark.openGlyphs.contains(scalar) { return false }
        return nil
    }

    /// The blocks with every list item's and paragraph's opening mark written as the box
    /// `SpecText.checkbox` reads (`[x] …`, `[ ] …`), so progress, ticks and normalized text
    /// treat `**[x]**`, `[✅]` and `✅ [1a]` as they treat `- [x]`.
    static func bmadMarked(_ blocks: [MarkdownBlock]) -> [MarkdownBlock] {
        blocks.map { block in
            var copy = block
            if block.kind == .paragraph, SpecText.stripCheckboxText(block.text) == block.text,
               let (state, rest) = bmadMark(block.text) {
                copy.text = "[\(state)] " + TextScan.collapse(rest)
            }
            if !block.children.isEmpty { copy.children = bmadMarked(block.children) }
            return copy
        }
    }

    /// The tasks among a section's blocks (marks already read by `bmadMarked`) and the blocks
    /// left without them. A task is a list item with a box and no boxed item above it (its boxed
    /// items are its subtasks), or a paragraph that opens with a box, whose body is the lists and
    /// code after it up to the next paragraph (`**`[ ]`** **`[TASK-…]`** …` then `- **Files:** …`).
    static func bmadTasks(_ blocks: [MarkdownBlock]) -> (tasks: [MarkdownBlock], rest: [MarkdownBlock]) {
        var tasks: [MarkdownBlock] = []
        var rest: [MarkdownBlock] = []
        var index = 0
        while index < blocks.count {
            let block = blocks[index]
            if block.kind == .paragraph, SpecText.stripCheckboxText(block.text) != block.text {
                var body: [MarkdownBlock] = []
                index += 1
                while index < blocks.count, blocks[index].kind.isTaskBody {
                    body.append(blocks[index])
                    index += 1
                }
                tasks.append(MarkdownBlock(kind: .item(task: nil), line: block.line, children: [block] + body))
                continue
            }
            // `Ensure these tests cover:` over a boxed list: one test task, its boxes its points.
            if block.kind == .paragraph, index + 1 < blocks.count, case .list = blocks[index + 1].kind,
               let task = testCoverageTask(MarkdownBlock(kind: .item(task: nil), line: block.line, children: [block, blocks[index + 1]])) {
                tasks.append(task)
                index += 2
                continue
            }
            if case .list = block.kind {
                var kept = block
                kept.children = []
                for item in block.children {
                    let (found, left) = listTasks(item)
                    tasks.append(contentsOf: found)
                    if let left { kept.children.append(left) }
                }
                if !kept.children.isEmpty { rest.append(kept) }
            } else {
                rest.append(block)
            }
            index += 1
        }
        return (tasks, rest)
    }

    /// A list item that is a task (with its subtasks), or the tasks nested in one that is not
    /// (`- **Subtasks:**` over boxed items) and the item without them.
    private static func listTasks(_ item: MarkdownBlock) -> (tasks: [MarkdownBlock], left: MarkdownBlock?) {
        if SpecText.checkbox(of: item).0 != nil { return ([item], nil) }
        if let task = testCoverageTask(item) { return ([task], nil) }
        var left = item
        left.children = []
        var tasks: [MarkdownBlock] = []
        for child in item.children {
            guard case .list = child.kind else {
                left.children.append(child)
                continue
            }
            var kept = child
            kept.children = []
            for nested in child.children {
                let (found, rest) = listTasks(nested)
                tasks.append(contentsOf: found)
                if let rest { kept.children.append(rest) }
            }
            if !kept.children.isEmpty { left.children.append(kept) }
        }
        return (tasks, left)
    }
}

private extension MarkdownBlock.Kind {
    /// What follows a paragraph task as its body: its attribute and subtask lists, its code.
    var isTaskBody: Bool {
        switch self {
        case .list, .codeBlock: true
        default: false
        }
    }
}

extension SpecParser {
    /// Words of a label over what a test task covers, in the languages stories are written in:
    /// a test word and a cover word (`Ensure these tests cover:`, `Tests should cover:`, `Test
    /// Coverage`, `Las pruebas deben cubrir:`, `Couverture des tests`, `Testabdeckung`, `测试应覆盖：`).
    static let coverageTestStems = ["test", "prueba", "teste", "essai", "тест", "测试", "測試", "テスト", "테스트"]
    static let coverageCoverStems = ["cover", "cubr", "cubra", "cobertura", "couvr", "couverture", "abdeck", "cobr", "покры", "覆盖", "覆蓋",
                                     "カバー", "カバレッジ", "커버"]

    /// Whether a list item's own text is such a label: short, with a test word and a cover word,
    /// ending on a colon or being a bare title (`**Test Coverage**`).
    static func isTestCoverageLabel(_ text: String) -> Bool {
        let lower = String(text.lowercased().filter { !"*_`".contains($0) }.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        guard !lower.isEmpty, lower.count <= 60 else { return false }
        let colon = lower.hasSuffix(":") || lower.hasSuffix("：")
        let words = lower.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        guard colon || words.count <= 3 else { return false }
        let cjk = { (stem: String) in stem.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false }
        func has(_ stems: [String]) -> Bool {
            stems.contains { stem in cjk(stem) ? lower.contains(stem) : words.contains { $0.hasPrefix(stem) || ($0.count > stem.count + 3 && $0.contains(stem)) } }
        }
        return has(coverageTestStems) && has(coverageCoverStems)
    }

    /// An unboxed item whose text is a test-coverage label over boxed points: one task, ticked when
    /// every point is (a replay of a public BMAD history read each point as a task of its own).
    static func testCoverageTask(_ item: MarkdownBlock) -> MarkdownBlock? {
        guard isTestCoverageLabel(SpecText.firstParagraph(of: item)) else { return nil }
        var boxes: [MarkdownBlock] = []
        func collect(_ block: MarkdownBlock) {
            for child in block.children {
                if case .item = child.kind, SpecText.checkbox(of: child).0 != nil { boxes.append(child) }
                collect(child)
            }
        }
        for child in item.children {
            if case .list = child.kind { collect(child) }
        }
        guard !boxes.isEmpty else { return nil }
        var task = item
        task.kind = .item(task: boxes.allSatisfy { SpecText.checkbox(of: $0).0?.state == "x" } ? .done : .open)
        return task
    }
}
