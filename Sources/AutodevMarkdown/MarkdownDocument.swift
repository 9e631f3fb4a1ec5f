internal import CCmark

/// A Markdown document parsed by cmark-gfm (CommonMark with GitHub's tables and task lists).
///
/// Parsing never fails: CommonMark gives every byte sequence a meaning. Invalid UTF-8 is
/// replaced with U+FFFD, and nesting deeper than `maximumDepth` is flattened into the deepest
/// allowed container so that no walk over the result can exhaust the stack.
public struct MarkdownDocument: Sendable, Equatable {
    public var blocks: [MarkdownBlock]

    public static let maximumDepth = 48

    public init(blocks: [MarkdownBlock]) {
        self.blocks = blocks
    }

    public init(parsing bytes: [UInt8]) {
        _ = extensionsRegistered
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else {
            self.blocks = []
            return
        }
        defer { cmark_parser_free(parser) }
        for name in ["table", "tasklist"] {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { cmark_parser_feed(parser, base, chars.count) }
            }
        }
        guard let root = cmark_parser_finish(parser) else {
            self.blocks = []
            return
        }
        defer { cmark_node_free(root) }
        self.blocks = Self.convert(root, source: UnderscoreSource(bytes))
    }

    public init(parsing text: String) {
        self.init(parsing: Array(text.utf8))
    }

    /// Builds the Swift tree with cmark's iterator: no recursion, whatever the nesting.
    private static func convert(_ root: OpaquePointer, source: UnderscoreSource) -> [MarkdownBlock] {
        guard let iterator = cmark_iter_new(root) else { return [] }
        defer { cmark_iter_free(iterator) }
        // stack[0] is the document; the last element is the block being filled.
        var stack: [MarkdownBlock] = [MarkdownBlock(kind: .other, line: 1)]
        // For each cmark block node entered: whether it got its own entry on `stack`.
        var pushed: [Bool] = []
        var linkDepth = 0
        // For each emphasis entered: the underscores it gives back to the text on exit.
        var emphasisClosers: [String] = []

        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let isBlock = (type.rawValue & UInt32(CMARK_NODE_TYPE_MASK)) == UInt32(CMARK_NODE_TYPE_BLOCK)

            if isBlock {
                if type == CMARK_NODE_DOCUMENT { continue }
                let line = Int(cmark_node_get_start_line(node))
                let hasChildren = !(type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_THEMATIC_BREAK)
                if event == CMARK_EVENT_ENTER {
                    let block = makeBlock(node, type: type, line: line)
                    if !hasChildren {
                        stack[stack.count - 1].children.append(block)
                    } else if stack.count > maximumDepth {
                        pushed.append(false)  // flattened: its content goes to the current container
                    } else {
                        stack.append(block)
                        pushed.append(true)
                    }
                } else if event == CMARK_EVENT_EXIT, hasChildren {
                    if pushed.popLast() == true, stack.count > 1 {
                        var finished = stack.removeLast()
                        finished.text = collapse(finished.text)
                        stack[stack.count - 1].children.append(finished)
                    }
                }
                continue
            }

            // Inline content: reduced to plain text in the innermost block.
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                if event == CMARK_EVENT_ENTER {
                    linkDepth += 1
                    if let url = cmark_node_get_url(node).flatMap({ String(validatingCString: $0) }), !url.isEmpty {
                        stack[stack.count - 1].destinations.append(url)
                    }
                } else {
                    linkDepth -= 1
                }
                continue
            }
            if type == CMARK_NODE_EMPH || type == CMARK_NODE_STRONG {
                if event == CMARK_EVENT_ENTER {
                    let kept = source.literalUnderscores(of: node, strong: type == CMARK_NODE_STRONG)
                    stack[stack.count - 1].text += kept
                    emphasisClosers.append(kept)
                } else {
                    stack[stack.count - 1].text += emphasisClosers.popLast() ?? ""
                }
                continue
            }
            guard event == CMARK_EVENT_ENTER else { continue }
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_HTML_INLINE {
                if let literal = cmark_node_get_literal(node).flatMap({ String(validatingCString: $0) }) {
                    stack[stack.count - 1].text += literal
                    if type == CMARK_NODE_CODE { stack[stack.count - 1].codeSpans.append(literal) }
                }
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                stack[stack.count - 1].text += " "
            }
        }
        while stack.count > 1 {
            let finished = stack.removeLast()
            stack[stack.count - 1].children.append(finished)
        }
        return stack[0].children
    }

    private static func makeBlock(_ node: OpaquePointer, type: cmark_node_type, line: Int) -> MarkdownBlock {
        switch type {
        case CMARK_NODE_HEADING:
            return MarkdownBlock(kind: .heading(level: Int(cmark_node_get_heading_level(node))), line: line)
        case CMARK_NODE_PARAGRAPH:
            return MarkdownBlock(kind: .paragraph, line: line)
        case CMARK_NODE_LIST:
            return MarkdownBlock(kind: .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST), line: line)
        case CMARK_NODE_ITEM:
            var task: MarkdownBlock.TaskState?
            if typeString(node) == "tasklist" {
                task = cmark_gfm_extensions_get_tasklist_item_checked(node) ? .done : .open
            }
            return MarkdownBlock(kind: .item(task: task), line: line)
        case CMARK_NODE_CODE_BLOCK:
            let info = cmark_node_get_fence_info(node).flatMap { String(validatingCString: $0) } ?? ""
            let literal = cmark_node_get_literal(node).flatMap { String(validatingCString: $0) } ?? ""
            return MarkdownBlock(kind: .codeBlock(info: info), text: literal, line: line)
        case CMARK_NODE_HTML_BLOCK:
            let literal = cmark_node_get_literal(node).flatMap { String(validatingCString: $0) } ?? ""
            return MarkdownBlock(kind: .htmlBlock, text: literal, line: line)
        case CMARK_NODE_BLOCK_QUOTE:
            return MarkdownBlock(kind: .blockQuote, line: line)
        case CMARK_NODE_THEMATIC_BREAK:
            return MarkdownBlock(kind: .thematicBreak, line: line)
        default:
            switch typeString(node) {
            case "table": return MarkdownBlock(kind: .table, line: line)
            case "table_row", "table_header":
                return MarkdownBlock(kind: .tableRow(header: cmark_gfm_extensions_get_table_row_is_header(node) != 0), line: line)
            case "table_cell": return MarkdownBlock(kind: .tableCell, line: line)
            default: return MarkdownBlock(kind: .other, line: line)
            }
        }
    }

    private static func typeString(_ node: OpaquePointer) -> String {
        cmark_node_get_type_string(node).flatMap { String(validatingCString: $0) } ?? ""
    }

    /// Runs of ASCII whitespace become one space; the ends are trimmed. Works on UTF-8 bytes:
    /// this runs over every line of every spec. Inlinable: called from another module, the
    /// generic function read each byte through a witness table (17,000 instructions for a
    /// title).
    @inlinable
    public static func collapse(_ text: some StringProtocol) -> String {
        // Text already collapsed (one space between words, none at the ends: most titles and
        // lines) is itself, without a copy through an array of bytes.
        var collapsed = true
        var afterSpace = true
        for byte in text.utf8 {
            if byte == 0x20 {
                if afterSpace { collapsed = false; break }
                afterSpace = true
            } else if byte >= 0x09 && byte <= 0x0D {
                collapsed = false
                break
            } else {
                afterSpace = false
            }
        }
        if collapsed && !afterSpace { return String(Substring(text)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                pendingSpace = !bytes.isEmpty
            } else {
                if pendingSpace { bytes.append(0x20) }
                pendingSpace = false
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Underscores CommonMark reads as emphasis but a spec means as a name: `src/models/__init__.py`
/// parses as "src/models/" + strong("init") + ".py", and `snake__case__name` likewise, so the
/// plain text said "src/models/init.py" — a path that does not exist, shown to a model as one to
/// create. An emphasis written with underscores keeps them when it touches a word or a path on
/// either side (`/__init__`, `__init__.py`) or, for `__x__`, when it holds a lower-case
/// identifier (`the __init__ method`); `__Note__` and `_this_ one` stay emphasis, and `*`/`**`
/// emphasis is never kept. The delimiters are read from the source at cmark's inline positions;
/// when the bytes there are not underscores (a position cmark reports off), nothing is kept.
private struct UnderscoreSource {
    let bytes: [UInt8]
    /// Byte offset of the start of each line (line 1 at index 0); only counted for a document
    /// that holds an underscore at all.
    private let lineStarts: [Int]
    private let hasUnderscore: Bool

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        hasUnderscore = bytes.contains(0x5F)
        var starts = [0]
        if hasUnderscore {
            for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        }
        self.lineStarts = starts
    }

    private func offset(line: Int32, column: Int32) -> Int? {
        let line = Int(line), column = Int(column)
        guard line >= 1, line <= lineStarts.count, column >= 1 else { return nil }
        let offset = lineStarts[line - 1] + column - 1
        return offset < bytes.count ? offset : nil
    }

    private static func isWordOrPath(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F || byte == 0x2F || byte >= 0x80
    }

    /// "_" or "__" when this emphasis's underscores belong to a name, else "".
    func literalUnderscores(of node: OpaquePointer, strong: Bool) -> String {
        guard hasUnderscore,
              let start = offset(line: cmark_node_get_start_line(node), column: cmark_node_get_start_column(node)),
              let end = offset(line: cmark_node_get_end_line(node), column: cmark_node_get_end_column(node))
        else { return "" }
        let width = strong ? 2 : 1
        guard end - start + 1 > 2 * width,
              (0..<width).allSatisfy({ bytes[start + $0] == 0x5F && bytes[end - $0] == 0x5F })
        else { return "" }
        let delimiter = strong ? "__" : "_"
        let before: UInt8? = start > 0 ? bytes[start - 1] : nil
        let after: UInt8? = end + 1 < bytes.count ? bytes[end + 1] : nil
        if let before, Self.isWordOrPath(before) || before == 0x2E || before == 0x2D { return delimiter }
        if let after {
            if Self.isWordOrPath(after) { return delimiter }
            // `.py`, `-cli`: a dot or hyphen that goes on into a word.
            if after == 0x2E || after == 0x2D, end + 2 < bytes.count, Self.isWordOrPath(bytes[end + 2]) { return delimiter }
        }
        if strong {
            let inner = bytes[(start + width)...(end - width)]
            let identifier = inner.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            if identifier { return delimiter }
        }
        return ""
    }
}

/// cmark-gfm's extensions register themselves once per process; Swift runs this global's
/// initializer exactly once, thread-safely.
private let extensionsRegistered: Void = cmark_gfm_core_extensions_ensure_registered()
