internal import AutodevMarkdown

/// Kiro: how `SpecParser` reads this format (split out of SpecParser.swift, unchanged).
extension SpecParser {

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
            task.headings = section.map { sections[$0].path } ?? []
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
}
