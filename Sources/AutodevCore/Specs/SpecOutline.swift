internal import AutodevMarkdown

/// A Markdown document cut into sections by its headings, with the helpers every spec format
/// shares: normalized text, checkbox states, list items.
struct SpecOutline {
    struct Section {
        var title: String
        var level: Int
        var line: Int
        /// Titles of the enclosing headings and this one.
        var path: [String]
        /// The blocks after the heading, up to the next heading of any level.
        var blocks: [MarkdownBlock]
        /// The code spans of the heading's own text.
        var codeSpans: [String] = []
    }

    var preamble: [MarkdownBlock] = []
    var sections: [Section] = []

    init(_ document: MarkdownDocument) {
        var stack: [(level: Int, title: String)] = []
        for block in document.blocks {
            if case .heading(let level) = block.kind {
                while let last = stack.last, last.level >= level { stack.removeLast() }
                stack.append((level, block.text))
                sections.append(Section(title: block.text, level: level, line: block.line,
                                        path: stack.map(\.title), blocks: [], codeSpans: block.codeSpans))
            } else if sections.isEmpty {
                preamble.append(block)
            } else {
                sections[sections.count - 1].blocks.append(block)
            }
        }
    }

    /// The indices of section `index` and of every section nested below it.
    func subtree(_ index: Int) -> Range<Int> {
        var end = index + 1
        while end < sections.count, sections[end].level > sections[index].level { end += 1 }
        return index..<end
    }

    /// The blocks of some sections, nested headings included as heading blocks.
    func blocks(_ indices: some Sequence<Int>) -> [MarkdownBlock] {
        var result: [MarkdownBlock] = []
        var first = true
        for index in indices {
            let section = sections[index]
            if !first {
                result.append(MarkdownBlock(kind: .heading(level: section.level), text: section.title, line: section.line))
            }
            first = false
            result.append(contentsOf: section.blocks)
        }
        return result
    }
}

/// A checkbox at the start of a list item: GitHub's `[ ]`/`[x]`, or Kiro's `[-]` (in
/// progress) and `[~]` (queued), optionally followed by `*` (an optional task).
struct Checkbox {
    var state: Character
    var optional: Bool
}

enum SpecText {
    /// The checkbox of a list item, from cmark's task state or the text, and the label after it.
    static func checkbox(of item: MarkdownBlock) -> (Checkbox?, String) {
        let label = firstParagraph(of: item)
        var rest = Substring(label)
        var state: Character?
        if case .item(let task?) = item.kind {
            state = task == .done ? "x" : " "
        } else if rest.count >= 3, rest.first == "[", rest[rest.index(rest.startIndex, offsetBy: 2)] == "]" {
            let mark = rest[rest.index(after: rest.startIndex)]
            if " xX-~".contains(mark) {
                state = mark == "X" ? "x" : mark
                rest = rest.dropFirst(3)
            }
        }
        guard let state else { return (nil, label) }
        var optional = false
        if rest.first == "*" {
            optional = true
            rest = rest.dropFirst()
        }
        return (Checkbox(state: state, optional: optional), TextScan.collapse(rest))
    }

    static func firstParagraph(of item: MarkdownBlock) -> String {
        item.children.first { $0.kind == .paragraph }?.text ?? ""
    }

    /// Normalized text: one line per block, whitespace collapsed, checkbox markers and list
    /// numbers gone (cmark does not keep numbers), HTML comments and blocks left out.
    static func normalized(_ blocks: [MarkdownBlock]) -> String {
        var lines: [String] = []
        var stack: [(MarkdownBlock, Bool)] = blocks.reversed().map { ($0, false) }
        while let (block, firstInItem) = stack.popLast() {
            switch block.kind {
            case .htmlBlock, .thematicBreak:
                continue
            case .codeBlock:
                let text = TextScan.collapse(block.text)
                if !text.isEmpty { lines.append(text) }
            case .tableRow:
                lines.append(block.children.map(\.text).joined(separator: " | "))
            case .item:
                let children = block.children
                for (offset, child) in children.enumerated().reversed() {
                    stack.append((child, offset == 0))
                }
            default:
                var text = block.text
                if firstInItem { text = stripCheckboxText(text) }
                if !text.isEmpty { lines.append(text) }
                stack.append(contentsOf: block.children.reversed().map { ($0, false) })
            }
        }
        return lines.joined(separator: "\n")
    }

    static func stripCheckboxText(_ text: String) -> String {
        var rest = Substring(text)
        if rest.count >= 3, rest.first == "[", rest[rest.index(rest.startIndex, offsetBy: 2)] == "]",
           " xX-~".contains(rest[rest.index(after: rest.startIndex)]) {
            rest = rest.dropFirst(3)
            if rest.first == "*" { rest = rest.dropFirst() }
            return TextScan.collapse(rest)
        }
        return text
    }

    /// The checkbox states of every list item in the blocks, in document order.
    /// A checkbox on a reference line (`- [ ] Source: docs/architecture.md#auth`) is no work
    /// left: it is not counted.
    static func progress(_ blocks: [MarkdownBlock]) -> String {
        var states = ""
        var stack = Array(blocks.reversed())
        while let block = stack.popLast() {
            if case .item = block.kind {
                let (box, label) = checkbox(of: block)
                if let box, !isReference(label) { states.append(box.state) }
            }
            stack.append(contentsOf: block.children.reversed())
        }
        return states
    }

    /// Labels of a line that cites where something comes from rather than asking for work.
    static let referenceLabels = [
        "source", "sources", "ref", "refs", "reference", "references", "see", "fuente", "fuentes", "referencia",
        "referencias", "ver", "voir", "quelle", "siehe", "来源", "参考", "参见", "出处",
    ]

    /// `Source: docs/x.md`, `[Source: architecture/auth.md]`, `参考：设计文档`.
    static func isReference(_ label: String) -> Bool {
        var text = Substring(label.lowercased())
        while let first = text.first, first == "[" || first == "(" || first == "*" || first == "_" || first == " " { text = text.dropFirst() }
        return referenceLabels.contains { word in
            guard text.hasPrefix(word) else { return false }
            var rest = text.dropFirst(word.count)
            while rest.first == " " || rest.first == "*" || rest.first == "_" { rest = rest.dropFirst() }
            return rest.first == ":" || rest.first == "\u{FF1A}"
        }
    }

    /// Every list item in the blocks, outermost first, in document order, with its depth in
    /// lists of items.
    static func items(_ blocks: [MarkdownBlock]) -> [(item: MarkdownBlock, depth: Int)] {
        var result: [(MarkdownBlock, Int)] = []
        var stack: [(MarkdownBlock, Int)] = blocks.reversed().map { ($0, 0) }
        while let (block, depth) = stack.popLast() {
            var childDepth = depth
            if case .item = block.kind {
                result.append((block, depth))
                childDepth = depth + 1
            }
            stack.append(contentsOf: block.children.reversed().map { ($0, childDepth) })
        }
        return result
    }

    /// The code spans of everything in the blocks, in document order.
    static func codeSpans(_ blocks: [MarkdownBlock]) -> [String] {
        var result: [String] = []
        var stack = Array(blocks.reversed())
        while let block = stack.popLast() {
            result.append(contentsOf: block.codeSpans)
            stack.append(contentsOf: block.children.reversed())
        }
        return result
    }

    /// The plain text of everything in the blocks (for path and marker scans).
    static func raw(_ blocks: [MarkdownBlock]) -> String {
        blocks.map(\.allText).joined(separator: "\n")
    }

    /// The labels of the outermost list items: a requirement's criteria or scenarios.
    static func criteria(_ blocks: [MarkdownBlock]) -> [String] {
        items(blocks).filter { $0.depth == 0 }.map { checkbox(of: $0.item).1 }.filter { !$0.isEmpty }
    }

    static func needsClarification(_ text: String) -> Bool {
        TextScan.containsIgnoringCase(text, "NEEDS CLARIFICATION")
    }

    /// A heading normalized for use as a key: lower case, whitespace collapsed, a leading
    /// outline number (`3.`, `2.1`) and a trailing colon dropped.
    static func headingKey(_ title: String) -> String {
        var text = Substring(TextScan.collapse(title.lowercased()))
        if let (_, rest) = TextScan.leadingNumber(text), !rest.isEmpty { text = rest }
        while text.last == ":" { text = text.dropLast() }
        return TextScan.collapse(text)
    }

    static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }
}
