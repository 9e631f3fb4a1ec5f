/// One block of a Markdown document, as CommonMark (with GitHub's tables and task lists) sees it.
///
/// Leaf blocks carry their inline content as plain text: emphasis, code spans and links are
/// reduced to their text, line breaks to a space. Code and HTML blocks carry their literal text.
public struct MarkdownBlock: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case heading(level: Int)
        case paragraph
        case list(ordered: Bool)
        /// A list item; `task` is set for GitHub task-list items (`- [ ]`, `- [x]`).
        case item(task: TaskState?)
        case codeBlock(info: String)
        case htmlBlock
        case table
        case tableRow(header: Bool)
        case tableCell
        case blockQuote
        case thematicBreak
        case other
    }

    public enum TaskState: Sendable, Equatable {
        case open, done
    }

    public var kind: Kind
    /// Inline text of a heading, paragraph or table cell; the literal of a code or HTML block.
    public var text: String
    /// Link destinations found in the inline content, in order.
    public var destinations: [String]
    /// The literals of its code spans (`` `parse()` ``), in order: what a spec marks as code.
    public var codeSpans: [String] = []
    /// 1-based line where the block starts.
    public var line: Int
    public var children: [MarkdownBlock]

    public init(kind: Kind, text: String = "", destinations: [String] = [], line: Int, children: [MarkdownBlock] = []) {
        self.kind = kind
        self.text = text
        self.destinations = destinations
        self.line = line
        self.children = children
    }

    /// The plain text of this block and everything inside it, blocks separated by newlines.
    public var allText: String {
        var parts: [String] = []
        var stack: [MarkdownBlock] = [self]
        // Depth-first, in document order, without recursion.
        while let block = stack.popLast() {
            if !block.text.isEmpty { parts.append(block.text) }
            stack.append(contentsOf: block.children.reversed())
        }
        return parts.joined(separator: "\n")
    }
}
