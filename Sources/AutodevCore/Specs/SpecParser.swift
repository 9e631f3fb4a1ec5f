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
    func ownBlocks(_ item: MarkdownBlock) -> [MarkdownBlock] {
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
    func itemRequirement(key: String, ids: [String] = [], kind: Requirement.Kind, label: Substring,
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
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
