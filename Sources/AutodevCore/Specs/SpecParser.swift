internal import AutodevMarkdown

/// Reads the requirements of one Markdown spec in the shape of its format.
struct SpecParser {
    let path: String
    let name: String
    let format: SpecFormat
    let outline: SpecOutline

    var sections: [SpecOutline.Section] { outline.sections }
    var allBlocks: [MarkdownBlock] { outline.preamble + sections.flatMap(\.blocks) }

    // MARK: Building requirements

    func make(key: String, ids: [String] = [], kind: Requirement.Kind, title: String, text: String,
                      raw: String, line: Int, paths: [String] = [], destinations: [String] = [],
                      refs: [String] = [], parent: String? = nil, progress: String = "",
                      delta: Requirement.Delta? = nil, criteria: [String]? = nil) -> Requirement {
        let linked = paths + TextScan.pathMentions(title + "\n" + raw) + destinations.compactMap { destination in
            destination.contains(":") || destination.hasPrefix("#") ? nil : TextScan.pathToken(Substring(destination))
        }
        var requirement = Requirement(key: key, ids: ids, kind: kind, title: title, text: text, format: format, spec: path,
                                      line: line, paths: SpecText.unique(linked), refs: SpecText.unique(refs), parent: parent,
                                      needsClarification: SpecText.needsClarification(title + "\n" + raw),
                                      progress: progress, delta: delta)
        requirement.criteria = criteria ?? [title]
        return requirement
    }

    func destinations(_ blocks: [MarkdownBlock]) -> [String] {
        var result: [String] = []
        var stack = blocks
        while let block = stack.popLast() {
            result.append(contentsOf: block.destinations)
            stack.append(contentsOf: block.children)
        }
        return result
    }

    /// The blocks of a list item after its label, without nested items that are tasks of their own.
    private func ownBlocks(_ item: MarkdownBlock) -> [MarkdownBlock] {
        var children = item.children
        if let first = children.firstIndex(where: { $0.kind == .paragraph }) { children.remove(at: first) }
        return children.map { child in
            guard case .list = child.kind else { return child }
            var copy = child
            copy.children = child.children.filter { SpecText.checkbox(of: $0).0 == nil }
            return copy
        }
    }

    /// `mark`: a done or open mark written into the item's text (`- ✅ T001 …`), which counts
    /// where a checkbox would.
    private func itemRequirement(key: String, ids: [String] = [], kind: Requirement.Kind, label: Substring,
                                 item: MarkdownBlock, refs: [String] = [], parent: String? = nil,
                                 includeNested: Bool = false, mark: Bool? = nil) -> Requirement {
        let rest = includeNested ? Array(item.children.drop { $0.kind != .paragraph }.dropFirst()) : ownBlocks(item)
        let title = TextScan.collapse(label)
        let body = SpecText.normalized(rest)
        let text = body.isEmpty ? title : title + "\n" + body
        let box = SpecText.checkbox(of: item).0
        var progress = includeNested ? SpecText.progress([item]) : (box.map { String($0.state) } ?? "")
        if mark == true && !includeNested { progress = "x" } else if let mark, box == nil { progress = mark ? "x" : " " }
        var requirement = make(key: key, ids: ids, kind: kind, title: SecretGuard.cut(title, to: 120), text: text,
                               raw: SpecText.raw(rest), line: item.line, destinations: destinations([item]),
                               refs: refs, parent: parent, progress: progress)
        let first = item.children.first { $0.kind == .paragraph }
        requirement.codeSpans = (first?.codeSpans ?? []) + SpecText.codeSpans(rest)
        requirement.optional = box?.optional == true || Self.markedOptional(title)
        return requirement
    }

    // MARK: GitHub Spec Kit (and kitty-specs)

    static func storyNumber(_ lowercasedTitle: String) -> String? {
        guard lowercasedTitle.hasPrefix("user story ") else { return nil }
        let rest = lowercasedTitle.dropFirst("user story ".count)
        let digits = rest.prefix { $0.isNumber }
        return digits.isEmpty ? nil : String(digits)
    }

    func specKit() -> [Requirement] {
        var result: [Requirement] = []
        // In tasks.md a story heading groups the story's tasks; the story is spec.md's.
        let isTasks = name.lowercased() == "tasks.md"
        var index = 0
        while index < sections.count && !isTasks {
            let section = sections[index]
            let lower = section.title.lowercased()
            if let number = Self.storyNumber(lower) {
                let range = outline.subtree(index)
                let blocks = outline.blocks(range)
                result.append(make(key: "US\(number)", ids: ["US\(number)", "User Story \(number)"], kind: .story,
                                   title: storyTitle(section.title), text: SpecText.normalized(blocks),
                                   raw: SpecText.raw(blocks), line: section.line, destinations: destinations(blocks),
                                   progress: SpecText.progress(blocks), criteria: SpecText.criteria(blocks)))
                index = range.upperBound
                continue
            }
            if lower == "primary user story" {
                var indices = Array(outline.subtree(index))
                let next = indices.last! + 1
                if next < sections.count, sections[next].level == section.level,
                   sections[next].title.lowercased().hasPrefix("acceptance scenarios") {
                    indices.append(contentsOf: outline.subtree(next))
                }
                let blocks = outline.blocks(indices)
                result.append(make(key: "Primary User Story", kind: .story, title: section.title,
                                   text: SpecText.normalized(blocks), raw: SpecText.raw(blocks), line: section.line,
                                   destinations: destinations(blocks), progress: SpecText.progress(blocks),
                                   criteria: SpecText.criteria(blocks)))
                index = indices.last! + 1
                continue
            }
            index += 1
        }
        // Tasks written as headings define their ids first; the items below them are criteria.
        let headings = headingTasks()
        result.append(contentsOf: headings.requirements)
        var defined = Set(headings.requirements.map(\.key))
        // An id is defined once; a later line that starts with it (a note, a status line) refers
        // to it. Where tasks have checkboxes, only checkbox items are tasks; where they are
        // headings, no list item is.
        let items = sectionItems()
        let checkboxTasks = items.contains { item in
            let (box, label) = SpecText.checkbox(of: item.item)
            return box != nil && TextScan.leadingID(Substring(DoneMark.split(label).rest)).map { isTaskID($0.id) } == true
        }
        for (item, _, section) in items {
            let (box, label) = SpecText.checkbox(of: item)
            let (mark, unmarked) = DoneMark.split(label)
            guard let (id, rest) = TextScan.leadingID(Substring(unmarked)) else { continue }
            if isTaskID(id) {
                if box == nil && (checkboxTasks || !headings.requirements.isEmpty) { continue }
                // A criterion of a heading task; a bullet that lists ids (`T004, T005 can run in
                // parallel`); an item of a parallel-work, dependency or summary section.
                if headings.owns(section) || Self.mentionsOnly(rest) { continue }
                if isTasks, let section, isAboutTasks(section) { continue }
            }
            // Only requirement, criterion and task ids define something: `WP01` names a work
            // package, `A-2`/`G-2`/`NG-3` assumptions, goals and non-goals, `S6353`/`B608` a
            // linter's rules.
            guard isTaskID(id) || Self.definingPrefixes.contains(String(id.prefix { $0.isLetter })) else { continue }
            guard defined.insert(id).inserted else { continue }
            if isTaskID(id) {
                var description = rest
                var refs: [String] = []
                while description.first == "[", let close = description.firstIndex(of: "]") {
                    let tag = description[description.index(after: description.startIndex)..<close]
                    if tag != "P" && tag != "p" { refs.append(String(tag)) }
                    description = TextScan.trimSeparators(description[description.index(after: close)...])
                }
                if let section, let story = enclosingStory(section), !refs.contains(where: { $0.hasPrefix("US") }) {
                    refs.append(story)
                }
                var task = itemRequirement(key: id, kind: .task, label: description, item: item, refs: refs, mark: mark)
                task.section = section.map { sections[$0].title }
                result.append(task)
            } else {
                result.append(itemRequirement(key: id, kind: Self.specKitKind(id), label: rest, item: item, includeNested: true))
            }
        }
        // kitty-specs: | FR-001 | text | status |. In tasks.md a table maps requirements to work
        // packages (`| FR-018 | WP06 |`): references, not definitions.
        var stack = name.lowercased() == "tasks.md" ? [] : Array(allBlocks.reversed())
        var rows: [MarkdownBlock] = []
        while let block = stack.popLast() {
            if block.kind == .tableRow(header: false) { rows.append(block) }
            stack.append(contentsOf: block.children.reversed())
        }
        for block in rows {
            let cells = block.children.map(\.text)
            guard cells.count >= 2, let (id, rest) = TextScan.leadingID(Substring(cells[0])), rest.isEmpty, !isTaskID(id),
                  Self.definingPrefixes.contains(String(id.prefix { $0.isLetter })), defined.insert(id).inserted else { continue }
            let text = TextScan.collapse(cells[1])
            result.append(make(key: id, kind: Self.specKitKind(id), title: SecretGuard.cut(text, to: 120), text: text, raw: text,
                               line: block.line, progress: cells.count > 2 ? cells[2...].joined(separator: "|") : ""))
        }
        return result.sorted { $0.line < $1.line }
    }

    /// `SC-001`/`AC-1` success and acceptance criteria, `NFR-001` quality attributes, `C-001`
    /// constraints and `KDD-1`/`ADR-2`/`D1` design decisions measure or bound the feature's work;
    /// `FR-001` and the rest are requirements.
    /// The id prefixes of Spec Kit and kitty-specs that define a requirement or a criterion.
    static let definingPrefixes: Set<String> = [
        "FR", "NFR", "REQ", "R", "BR", "UR", "SR", "QR", "SC", "AC", "C", "KDD", "ADR", "DEC", "D",
    ]

    static func specKitKind(_ id: String) -> Requirement.Kind {
        let letters = id.prefix { $0.isLetter }
        return ["SC", "AC", "NFR", "C", "KDD", "ADR", "DEC", "D"].contains(letters) ? .criterion : .requirement
    }

    private func isTaskID(_ id: String) -> Bool {
        id.count > 1 && id.first == "T" && id.dropFirst().allSatisfy(\.isNumber)
    }

    /// `User Story 1 - Sign in (Priority: P1)` → `Sign in`.
    private func storyTitle(_ title: String) -> String {
        var text = Substring(title)
        if let dash = text.firstIndex(where: { "-–—:".contains($0) }) {
            text = TextScan.trimSeparators(text[text.index(after: dash)...])
        }
        if let paren = text.firstRange(of: "(Priority") { text = text[..<paren.lowerBound] }
        return TextScan.collapse(text)
    }

    // MARK: Kiro

    /// The word a Kiro requirement heading starts with, in the languages specs are written in.
    static let requirementWords = ["requirement ", "requisito ", "requerimiento ", "exigence ", "anforderung ", "需求 "]

    /// `Requirement 1`, `Requirement 1: Title`, `Requisito 6: Título`, `Requirement R6.1`,
    /// `R6.1 Title`, `DR4: Title` → the id.
    static func kiroRequirementID(_ title: String) -> String? {
        let lower = title.lowercased()
        if let word = requirementWords.first(where: { lower.hasPrefix($0) }) {
            let rest = TextScan.trimSeparators(title.dropFirst(word.count))
            let token = rest.prefix { !$0.isWhitespace && $0 != ":" && $0 != "-" && $0 != "–" && $0 != "—" }
            guard !token.isEmpty, token.contains(where: \.isNumber) else { return nil }
            return String(token.hasSuffix(".") ? token.dropLast() : token)
        }
        if let (id, _) = TextScan.leadingID(Substring(title)) { return id }
        return nil
    }

    func kiro() -> [Requirement] {
        if name.lowercased() == "tasks.md" { return checkboxTasks() }
        var result: [Requirement] = []
        var index = 0
        while index < sections.count {
            let section = sections[index]
            guard section.level >= 2, let id = Self.kiroRequirementID(section.title) else {
                index += 1
                continue
            }
            let range = outline.subtree(index)
            let blocks = outline.blocks(range)
            var ids = [id, "Requirement \(id)"]
            if id.first == "R", id.dropFirst().first?.isNumber == true { ids.append(String(id.dropFirst())) }
            // Numbered acceptance criteria are N.1, N.2, ... unless they carry their own ids.
            var criterion = 0
            for (item, depth) in SpecText.items(blocks) where depth == 0 {
                criterion += 1
                let label = Substring(SpecText.firstParagraph(of: item))
                if let (number, _) = TextScan.leadingNumber(label), number.contains(".") {
                    ids.append(number)
                } else if let (explicit, _) = TextScan.leadingID(label), explicit.contains(".") {
                    ids.append(explicit)
                } else {
                    ids.append("\(id).\(criterion)")
                }
            }
            var title = Substring(section.title)
            if let word = Self.requirementWords.first(where: { title.lowercased().hasPrefix($0) }) { title = title.dropFirst(word.count) }
            title = TextScan.trimSeparators(title)
            if title.hasPrefix(id) { title = TextScan.trimSeparators(title.dropFirst(id.count)) }
            result.append(make(key: "Requirement \(id)", ids: SpecText.unique(ids), kind: .requirement,
                               title: title.isEmpty ? "Requirement \(id)" : String(title),
                               text: SpecText.normalized(blocks), raw: SpecText.raw(blocks), line: section.line,
                               destinations: destinations(blocks), progress: SpecText.progress(blocks),
                               criteria: SpecText.criteria(blocks)))
            index = range.upperBound
        }
        return result
    }

    /// Checkbox tasks (Kiro and OpenSpec `tasks.md`): `- [ ] 1.1 Title`, `- [-] 2. Title`,
    /// `- [ ]* 3.2 Optional`, named tasks; `_Requirements: 1.1, 2_` lines become references.
    func checkboxTasks() -> [Requirement] {
        // Tasks written as headings (`### ✅ Tarea 4.4: …`): the checkboxes below them are
        // their criteria (`**Criterios:**`), not tasks.
        let headings = headingTasks()
        var result = headings.requirements
        // The numbered tasks enclosing the current item, by depth: an unnumbered checkbox nested
        // under `- [ ] 2.3 …` is a step of 2.3 (its parent), not a second piece of the same work.
        var enclosing: [(depth: Int, key: String)] = []
        for (item, depth, section) in sectionItems() {
            let (box, label) = SpecText.checkbox(of: item)
            guard box != nil, !headings.owns(section) else { continue }
            while let last = enclosing.last, last.depth >= depth { enclosing.removeLast() }
            let (mark, unmarked) = DoneMark.split(label)
            var key: String
            var parent: String?
            var title = Substring(unmarked)
            if let (number, rest) = TextScan.leadingNumber(title) {
                key = "Task \(number)"
                title = rest
            } else if let label = TaskLabel.parse(title) {
                key = label.key.hasPrefix("Task ") ? label.key : "Task \(label.key)"
                title = label.rest
            } else if let (id, rest) = TextScan.leadingID(title) {
                key = "Task \(id)"
                title = rest
            } else {
                // Redacted before it is lower-cased and cut (either could hide a key from the patterns).
                key = "Task: " + String(SpecText.headingKey(SecretGuard.patterns.redact(unmarked).text).prefix(60))
                parent = enclosing.last?.key
            }
            if !key.hasPrefix("Task: ") { enclosing.append((depth, key)) }
            var refs: [String] = []
            let own = [label] + ownBlocks(item).map(\.allText)
            for line in own.joined(separator: "\n").split(separator: "\n") {
                refs.append(contentsOf: Self.citedRequirements(line))
            }
            if let cut = title.firstRange(of: "_Requirements") ?? title.firstRange(of: "Requirements:")
                ?? title.firstRange(of: "_Requisitos") ?? title.firstRange(of: "Requisitos:") {
                title = TextScan.trimSeparators(title[..<cut.lowerBound])
            }
            var task = itemRequirement(key: key, kind: .task, label: title, item: item, refs: refs, parent: parent, mark: mark)
            task.section = section.map { sections[$0].title }
            result.append(task)
        }
        // A heading that repeats a checkbox task's number (`### Task 4: …` over a detailed
        // `- [ ] 4. …`) restates it: the checkbox is the task.
        let listed = Set(result.dropFirst(headings.requirements.count).map(\.key))
        result.removeAll { heading in headings.requirements.contains { $0.line == heading.line } && listed.contains(heading.key) }
        return result.sorted { $0.line < $1.line }
    }

    /// The words a Kiro task cites its requirements with, in the languages specs are written in
    /// (`_Requisitos: 6.1_` in a Spanish spec, `_需求: 2.3_`): a small list, and a citation
    /// links only to ids the feature's requirements have.
    static let citationMarkers = ["requirements:", "validates:", "requisitos:", "requerimientos:", "requisitos：", "exigences :",
                                  "exigences:", "anforderungen:", "需求:", "需求：", "要件:", "要件："]

    /// `_Requirements: 1.1, 1.2_`, `Requirements: R6.1`, `**Validates: Requirements 2.3**`,
    /// `_Requisitos: 6.1_` → the cited ids; a range `1.1–1.7` (en dash or hyphen) stands for
    /// every criterion in it.
    static func citedRequirements(_ line: Substring) -> [String] {
        let lower = line.lowercased()
        guard let marker = citationMarkers.lazy.compactMap({ lower.firstRange(of: $0) }).first else { return [] }
        let offset = lower.distance(from: lower.startIndex, to: marker.upperBound)
        let rest = line.dropFirst(offset)
        var result: [String] = []
        for token in rest.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            let trimmed = token.trimmingCharacters(in: "_*`.;()[]")
            guard !trimmed.isEmpty, trimmed.contains(where: \.isNumber) else { continue }
            result.append(contentsOf: expandRange(trimmed))
        }
        return result
    }

    /// `1.1–1.4` → 1.1, 1.2, 1.3, 1.4; anything else as it is.
    static func expandRange(_ token: String) -> [String] {
        guard let dash = token.firstIndex(where: { $0 == "–" || $0 == "-" || $0 == "—" }) else { return [token] }
        let first = String(token[..<dash]), last = String(token[token.index(after: dash)...])
        guard let firstDot = first.lastIndex(of: "."), let lastDot = last.lastIndex(of: "."),
              first[..<firstDot] == last[..<lastDot],
              let from = Int(first[first.index(after: firstDot)...]), let to = Int(last[last.index(after: lastDot)...]),
              from <= to, to - from < 100 else { return [token] }
        let prefix = first[...firstDot]
        return (from...to).map { "\(prefix)\($0)" }
    }

    // MARK: OpenSpec

    func openSpec() -> [Requirement] {
        if name.lowercased() == "tasks.md" { return checkboxTasks() }
        var result: [Requirement] = []
        var delta: Requirement.Delta?
        var renamedSection = false
        var index = 0
        while index < sections.count {
            let section = sections[index]
            let lower = section.title.lowercased()
            if section.level <= 2 {
                renamedSection = false
                if lower.hasSuffix("requirements") {
                    if lower.hasPrefix("added") { delta = .added }
                    else if lower.hasPrefix("modified") { delta = .modified }
                    else if lower.hasPrefix("removed") { delta = .removed }
                    else if lower.hasPrefix("renamed") { delta = nil; renamedSection = true }
                    else { delta = nil }
                } else {
                    delta = nil
                }
            }
            if renamedSection {
                result.append(contentsOf: renames(in: section))
                index += 1
                continue
            }
            guard lower.hasPrefix("requirement:") else {
                index += 1
                continue
            }
            let requirementName = TextScan.collapse(section.title.dropFirst("requirement:".count))
            let range = outline.subtree(index)
            let blocks = outline.blocks(range)
            result.append(make(key: requirementName, kind: .requirement, title: requirementName,
                               text: SpecText.normalized(blocks), raw: SpecText.raw(blocks), line: section.line,
                               destinations: destinations(blocks), progress: SpecText.progress(blocks), delta: delta,
                               criteria: SpecText.criteria(blocks)))
            index = range.upperBound
        }
        return result
    }

    /// `- FROM: ### Requirement: Old` / `- TO: ### Requirement: New` pairs.
    private func renames(in section: SpecOutline.Section) -> [Requirement] {
        var result: [Requirement] = []
        var from: String?
        for line in SpecText.raw(section.blocks).split(separator: "\n") {
            let text = TextScan.collapse(line)
            let upper = text.uppercased()
            guard let colon = text.firstIndex(of: ":") else { continue }
            var value = Substring(text[text.index(after: colon)...])
            if let marker = value.firstRange(of: "Requirement:") { value = value[marker.upperBound...] }
            let requirementName = TextScan.collapse(value.trimmingCharacters(in: "`#* "))
            if upper.hasPrefix("FROM") {
                from = requirementName
            } else if upper.hasPrefix("TO"), let old = from {
                result.append(make(key: requirementName, kind: .requirement, title: requirementName, text: "",
                                   raw: "", line: section.line, delta: .renamed(from: old)))
                from = nil
            }
        }
        return result
    }

    // MARK: BMAD

    /// `Story 1.2: Title`, `Story 3 - Title` → `1.2`, `3`.
    static func bmadStoryID(_ title: String) -> String? {
        bmadStory(title)?.id
    }

    /// `Story 1.2: Title`, `Story 3 - Title`, `Story 6.1A: Title`, `Story 7.2-FX: Title`,
    /// `Story 16.3a Title` → the id and the title after it.
    static func bmadStory(_ title: String) -> (id: String, rest: Substring)? {
        guard title.lowercased().hasPrefix("story ") else { return nil }
        let rest = title.dropFirst("story ".count).drop { $0 == " " }
        if let (number, after) = TextScan.leadingNumber(rest) { return (number, after) }
        // A letter suffix: digits and dots, then letters, optionally after a hyphen.
        let token = rest.prefix { !$0.isWhitespace && $0 != ":" }
        var scalars = Substring(token)
        while scalars.last == "." { scalars = scalars.dropLast() }
        let numeric = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = scalars.dropFirst(numeric.count)
        let letters = suffix.hasPrefix("-") ? suffix.dropFirst() : suffix
        guard numeric.first?.isNumber == true, !letters.isEmpty, letters.count <= 4,
              letters.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return (String(scalars), TextScan.trimSeparators(rest.dropFirst(token.count)))
    }

    private static let bmadProgressSections = [
        "status", "dev notes", "dev agent record", "change log", "qa results", "testing", "file list",
        "debug log", "completion notes", "agent model", "tasks", "subtasks", "references", "project structure notes",
    ]

    func bmad() -> [Requirement] {
        var result: [Requirement] = []
        var index = 0
        while index < sections.count {
            let section = sections[index]
            guard let id = Self.bmadStoryID(section.title) else {
                index += 1
                continue
            }
            let key = "Story \(id)"
            let range = outline.subtree(index)
            var content: [Int] = [index]
            var files: [String] = []
            var tasks: [Requirement] = []
            var inner = range.lowerBound + 1
            while inner < range.upperBound {
                let title = sections[inner].title.lowercased()
                if Self.bmadProgressSections.contains(where: { title.hasPrefix($0) }) {
                    inner = outline.subtree(inner).upperBound
                } else {
                    content.append(inner)
                    inner += 1
                }
            }
            for inner in range.dropFirst() {
                let title = sections[inner].title.lowercased()
                if title.contains("file list") {
                    files.append(contentsOf: TextScan.pathMentions(SpecText.raw(sections[inner].blocks)))
                } else if title.hasPrefix("tasks") {
                    var position = 0
                    for (item, depth) in SpecText.items(sections[inner].blocks) where depth == 0 {
                        let (box, label) = SpecText.checkbox(of: item)
                        guard box != nil else { continue }
                        position += 1
                        var taskName = "Task \(position)"
                        if label.lowercased().hasPrefix("task "), let (number, _) = TextScan.leadingNumber(label.dropFirst(5)) {
                            taskName = "Task \(number)"
                        }
                        tasks.append(itemRequirement(key: "\(key) \(taskName)", kind: .task, label: Substring(label),
                                                     item: item, refs: [key], parent: key, includeNested: true))
                    }
                }
            }
            let blocks = outline.blocks(content)
            let title = Self.bmadStory(section.title)?.rest ?? Substring(section.title)
            result.append(make(key: key, ids: [key, id], kind: .story, title: TextScan.collapse(title),
                               text: SpecText.normalized(blocks), raw: SpecText.raw(blocks), line: section.line,
                               paths: files, destinations: destinations(blocks), criteria: SpecText.criteria(blocks)))
            result.append(contentsOf: tasks)
            index = range.upperBound
        }
        return result
    }

    // MARK: PRP

    func prp() -> [Requirement] {
        let blocks = outline.blocks(sections.indices)
        let all = outline.preamble + (sections.isEmpty ? [] : [MarkdownBlock(kind: .heading(level: sections[0].level),
                                                                             text: sections[0].title, line: sections[0].line)]) + blocks
        let heading = sections.first { $0.level == 1 }?.title
        let stem = String(name.split(separator: ".").first ?? Substring(name))
        let key = heading.map { TextScan.collapse($0) } ?? stem
        let raw = SpecText.raw(all)
        return [make(key: key, ids: [key, stem], kind: .requirement, title: key, text: SpecText.normalized(all),
                     raw: "", line: 1, paths: Self.actionTargets(raw), destinations: destinations(all),
                     progress: SpecText.progress(all))]
    }

    /// `CREATE src/a.py`, `MODIFY src/b.py:` → the paths (PRP implementation tasks).
    static func actionTargets(_ text: String) -> [String] {
        let verbs: Set<Substring> = ["CREATE", "MODIFY", "UPDATE", "ADD", "EDIT", "DELETE", "MOVE", "REPLACE"]
        var result: [String] = []
        var previousWasVerb = false
        for token in text.split(whereSeparator: { $0.isWhitespace || $0 == "`" }) {
            if previousWasVerb, let path = TextScan.pathToken(token) { result.append(path) }
            previousWasVerb = verbs.contains(token.hasSuffix(":") ? token.dropLast() : token)
        }
        return result
    }

    // MARK: Plain Markdown

    func plain() -> [Requirement] {
        var result: [Requirement] = []
        let preambleText = SpecText.normalized(outline.preamble)
        if !preambleText.isEmpty {
            result.append(make(key: "(preamble)", kind: .section, title: name, text: preambleText,
                               raw: SpecText.raw(outline.preamble), line: outline.preamble.first?.line ?? 1,
                               destinations: destinations(outline.preamble), progress: SpecText.progress(outline.preamble)))
        }
        // A boilerplate section (Introduction, Glossary, References, …) and everything under it
        // is no requirement; a criteria section (Acceptance Criteria, Scenarios) belongs to the
        // section above it.
        var skipBelow: Int?
        var owner: [Int: Int] = [:]  // section index → index in result of the requirement it joins
        var ownerAtLevel: [(level: Int, result: Int)] = []
        for (index, section) in sections.enumerated() {
            if let level = skipBelow {
                if section.level > level { continue }
                skipBelow = nil
            }
            while let last = ownerAtLevel.last, last.level >= section.level { ownerAtLevel.removeLast() }
            let heading = SpecText.headingKey(section.title)
            if Self.boilerplateHeadings.contains(heading) {
                skipBelow = section.level
                continue
            }
            let text = SpecText.normalized(section.blocks)
            if Self.criteriaHeadings.contains(heading), let parent = ownerAtLevel.last {
                owner[index] = parent.result
                if !text.isEmpty {
                    var joined = result[parent.result]
                    joined.text += "\n" + text
                    joined.criteria = (joined.criteria == [joined.title] ? [] : joined.criteria) + SpecText.criteria(section.blocks)
                    joined.progress += SpecText.progress(section.blocks)
                    result[parent.result] = joined
                }
                skipBelow = section.level
                continue
            }
            guard !text.isEmpty else {
                continue
            }
            // A done mark in a heading (`### ✅ Login page`) is progress, not part of its name; a
            // heading written as a task (`### Task 3: …`, `### Tarea 4.4: …`) is a task.
            let key = section.path.map { SpecText.headingKey(DoneMark.split($0).rest) }.joined(separator: " > ")
            let (done, unmarked) = DoneMark.split(section.title)
            let isTask = TaskLabel.parse(Substring(unmarked)) != nil
            var progress = SpecText.progress(section.blocks)
            if isTask, let done { progress = done ? "x" : " " }
            var requirement = make(key: key, kind: isTask ? .task : .section, title: unmarked, text: text,
                                   raw: SpecText.raw(section.blocks), line: section.line,
                                   destinations: destinations(section.blocks), progress: progress)
            requirement.codeSpans = section.codeSpans + SpecText.codeSpans(section.blocks)
            if done == true && !isTask { requirement.finished = "its heading is marked done (\(section.title.prefix(40)))" }
            result.append(requirement)
            ownerAtLevel.append((section.level, result.count - 1))
        }
        return result
    }

    /// Section headings that hold no requirement, whatever the document (English and Chinese).
    static let boilerplateHeadings: Set<String> = [
        "introduction", "overview", "summary", "executive summary", "background", "context", "motivation", "purpose",
        "scope", "glossary", "terminology", "definitions", "terms", "references", "see also", "related documents",
        "related", "links", "resources", "conclusion", "conclusions", "change log", "changelog", "revision history",
        "history", "changes", "table of contents", "contents", "toc", "appendix", "notes", "open questions",
        "questions", "assumptions", "out of scope", "non-goals", "status", "metadata", "authors", "license",
        "acknowledgements", "acknowledgments", "faq", "next steps", "risks", "dependencies", "timeline",
        "简介", "概述", "介绍", "背景", "术语表", "术语", "名词解释", "参考", "参考资料", "参考文献", "结论", "总结",
        "变更日志", "变更记录", "修订历史", "目录", "附录", "备注", "待定问题",
    ]

    /// Section headings whose items are the criteria of the section above.
    static let criteriaHeadings: Set<String> = [
        "acceptance criteria", "acceptance", "criteria", "scenarios", "scenario", "examples", "edge cases",
        "验收标准", "验收条件", "场景",
    ]
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
