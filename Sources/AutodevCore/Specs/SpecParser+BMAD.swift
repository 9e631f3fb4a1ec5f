internal import AutodevMarkdown

/// BMAD: how `SpecParser` reads this format (split out of SpecParser.swift, unchanged).
extension SpecParser {

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
}
