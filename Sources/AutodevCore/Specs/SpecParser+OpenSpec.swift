internal import AutodevMarkdown

/// OpenSpec: how `SpecParser` reads this format (split out of SpecParser.swift, unchanged).
extension SpecParser {

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
}
