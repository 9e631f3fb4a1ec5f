internal import AutodevMarkdown

/// GitHub Spec Kit (and kitty-specs): how `SpecParser` reads this format (split out of SpecParser.swift, unchanged).
extension SpecParser {

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
                task.headings = section.map { sections[$0].path } ?? []
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
}
