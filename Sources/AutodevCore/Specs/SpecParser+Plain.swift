internal import AutodevMarkdown

/// Plain Markdown: how `SpecParser` reads this format (split out of SpecParser.swift, unchanged).
extension SpecParser {

    func plain() -> [Requirement] {
        var result: [Requirement] = []
        let preambleText = SpecText.normalized(outline.preamble)
        if !preambleText.isEmpty && !PlainStructure.isFieldHeader(outline.preamble) {
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
        var header: Int?  // index in result of a title section that holds only fields
        for (index, section) in sections.enumerated() {
            if let level = skipBelow {
                if section.level > level { continue }
                skipBelow = nil
            }
            while let last = ownerAtLevel.last, last.level >= section.level { ownerAtLevel.removeLast() }
            let heading = SpecText.headingKey(section.title)
            if Self.boilerplateHeadings.contains(heading) || PlainStructure.isDatedLog(section.blocks) {
                skipBelow = section.level
                continue
            }
            // The document's title over its fields (`**Issues**: #15`, `**Status**: Approved`):
            // the header of the document, no requirement text; it stays the owner of criteria
            // sections right under it, and is dropped below unless some join it.
            let fieldHeader = index == 0 && PlainStructure.isFieldHeader(section.blocks)
            if fieldHeader { header = result.count }
            let text = fieldHeader ? "" : SpecText.normalized(section.blocks)
            if Self.criteriaHeadings.contains(heading), let parent = ownerAtLevel.last {
                owner[index] = parent.result
                if !text.isEmpty {
                    var joined = result[parent.result]
                    joined.text = joined.text.isEmpty ? text : joined.text + "\n" + text
                    joined.criteria = (joined.criteria == [joined.title] ? [] : joined.criteria) + SpecText.criteria(section.blocks)
                    joined.progress += SpecText.progress(section.blocks)
                    result[parent.result] = joined
                }
                skipBelow = section.level
                continue
            }
            guard !text.isEmpty || fieldHeader else {
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
                                   raw: fieldHeader ? "" : SpecText.raw(section.blocks), line: section.line,
                                   destinations: fieldHeader ? [] : destinations(section.blocks), progress: progress)
            requirement.codeSpans = section.codeSpans + (fieldHeader ? [] : SpecText.codeSpans(section.blocks))
            if done == true && !isTask { requirement.finished = "its heading is marked done (\(section.title.prefix(40)))" }
            result.append(requirement)
            ownerAtLevel.append((section.level, result.count - 1))
        }
        if let header, result[header].text.isEmpty { result.remove(at: header) }
        return result
    }

    /// Section headings that hold no requirement, whatever the document (English and Chinese).
    static let boilerplateHeadings: Set<String> = [
        "introduction", "overview", "summary", "executive summary", "background", "context", "motivation", "purpose",
        "scope", "glossary", "terminology", "definitions", "terms", "references", "see also", "related documents",
        "related", "links", "resources", "conclusion", "conclusions", "change log", "changelog", "revision history",
        "change history", "version history", "historial de cambios", "historique des modifications", "änderungshistorie",
        "变更历史", "修改记录", "更新履歴", "変更履歴",
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
