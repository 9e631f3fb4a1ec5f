/// A Mustache renderer for templates that write code, following the official spec
/// (github.com/mustache/spec: comments, interpolation, sections, inverted sections and
/// delimiter changes; the test suite runs every case of those files).
///
/// Documented choices:
/// - Values are written as they are — no HTML escaping, since the output is source code, not
///   HTML; `{{x}}`, `{{{x}}}` and `{{&x}}` are the same.
/// - Partials (`{{>x}}`), inheritance (`{{<x}}`, `{{$x}}`) and lambdas are not supported;
///   the first two are parse errors naming the line.
/// - Falsey: a missing value, `false`, an empty list and the empty string.
///
/// A tag alone on its line (a section, inverted section, closing tag, comment or delimiter
/// change, with only spaces or tabs around it) is removed together with its line, so
/// templates can put their control tags on lines of their own without leaving blank lines.
struct MustacheTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable([String])
        case section([String], inverted: Bool, [Node])
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    let nodes: [Node]

    public init(_ source: String) throws(ParseError) {
        var parser = Parser(bytes: Array(source.utf8))
        nodes = try parser.parse()
    }

    /// Renders with `context` as the whole context. Values: String, Int, Double, Bool,
    /// `[any Sendable]` (lists) and `[String: any Sendable]` (objects); anything else renders
    /// as empty text and is truthy.
    public func render(_ context: any Sendable) -> String {
        var out = ""
        Self.render(nodes, contexts: [context], into: &out)
        return out
    }

    private static func render(_ nodes: [Node], contexts: [any Sendable], into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                out += text
            case .variable(let name):
                if let value = lookup(name, in: contexts) { out += string(value) }
            case .section(let name, let inverted, let children):
                let value = lookup(name, in: contexts)
                if inverted {
                    if !isTruthy(value) { render(children, contexts: contexts, into: &out) }
                } else if let list = value as? [any Sendable] {
                    for element in list { render(children, contexts: contexts + [element], into: &out) }
                } else if isTruthy(value), let value {
                    render(children, contexts: contexts + [value], into: &out)
                }
            }
        }
    }

    /// `.` is the innermost context; `a.b.c` finds `a` in the innermost context that has it,
    /// then `b` and `c` inside it only (a broken chain is a miss, not a search further out).
    private static func lookup(_ name: [String], in contexts: [any Sendable]) -> (any Sendable)? {
        guard let first = name.first else { return contexts.last }
        for context in contexts.reversed() {
            guard let object = context as? [String: any Sendable], var value = object[first] else { continue }
            for part in name.dropFirst() {
                guard let next = (value as? [String: any Sendable])?[part] else { return nil }
                value = next
            }
            return value
        }
        return nil
    }

    private static func isTruthy(_ value: (any Sendable)?) -> Bool {
        switch value {
        case nil: false
        case let bool as Bool: bool
        case let list as [any Sendable]: !list.isEmpty
        case let text as String: !text.isEmpty
        default: true
        }
    }

    private static func string(_ value: any Sendable) -> String {
        switch value {
        case let text as String: text
        case let number as Int: String(number)
        case let number as Double: decimal(number)
        case let bool as Bool: bool ? "true" : "false"
        default: ""
        }
    }

    /// `1.21` → `1.21`, `2.0` → `2` (as JSON and JavaScript write numbers).
    static func decimal(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return String(number)
    }
}

extension MustacheTemplate {
    /// Turns template bytes into nodes: one pass over the bytes, with the delimiters in force,
    /// deciding for each control tag whether it stands alone on its line.
    struct Parser {
        let bytes: [UInt8]
        var open: [UInt8] = Array("{{".utf8)
        var close: [UInt8] = Array("}}".utf8)

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        private struct Frame {
            var name: [String]
            var text: String
            var inverted: Bool
            var offset: Int
            var nodes: [Node] = []
        }

        mutating func parse() throws(ParseError) -> [Node] {
            var stack = [Frame(name: [], text: "", inverted: false, offset: 0)]
            var cursor = 0
            func append(_ node: Node) { stack[stack.count - 1].nodes.append(node) }
            func appendText(_ range: Range<Int>) {
                if !range.isEmpty { append(.text(String(decoding: bytes[range], as: UTF8.self))) }
            }
            while let tagStart = find(open, from: cursor) {
                var contentStart = tagStart + open.count
                // The triple mustache `{{{x}}}` (with any delimiters: open, `{`, name, `}`, close).
                let triple = byte(at: contentStart) == UInt8(ascii: "{")
                if triple { contentStart += 1 }
                let closer = triple ? [UInt8(ascii: "}")] + close : close
                guard let contentEnd = find(closer, from: contentStart) else {
                    throw ParseError(line: line(at: tagStart), problem: "a tag opened with \(text(open)) is never closed with \(text(closer))")
                }
                let tagEnd = contentEnd + closer.count
                var content = trimmed(contentStart..<contentEnd)
                let sigil: UInt8? = triple ? UInt8(ascii: "&") : content.first.flatMap { Self.sigils.contains(bytes[$0]) ? bytes[$0] : nil }
                if sigil != nil, !triple { content = trimmed(content.lowerBound + 1..<content.upperBound) }

                // A control tag alone on its line takes the line with it.
                var textEnd = tagStart
                var next = tagEnd
                if let sigil, sigil != UInt8(ascii: "&"), let (lineStart, lineEnd) = standalone(tagStart..<tagEnd) {
                    textEnd = lineStart
                    next = lineEnd
                }
                appendText(cursor..<textEnd)
                cursor = next

                switch sigil {
                case UInt8(ascii: "!"):
                    continue
                case UInt8(ascii: "#"), UInt8(ascii: "^"):
                    guard stack.count <= Self.maxDepth else {
                        throw ParseError(line: line(at: tagStart),
                                         problem: "sections nest deeper than \(Self.maxDepth) levels (this one is at depth \(stack.count)); a template needs a few")
                    }
                    let name = try self.name(content, at: tagStart, what: "a section")
                    stack.append(Frame(name: name, text: text(content), inverted: sigil == UInt8(ascii: "^"), offset: tagStart))
                case UInt8(ascii: "/"):
                    let name = text(content)
                    guard stack.count > 1 else {
                        throw ParseError(line: line(at: tagStart), problem: "\(text(open))/\(name)\(text(close)) closes a section that was never opened")
                    }
                    let section = stack.removeLast()
                    guard section.text == name else {
                        throw ParseError(line: line(at: tagStart),
                                         problem: "\(text(open))/\(name)\(text(close)) closes \(text(open))#\(section.text)\(text(close)) opened on line \(line(at: section.offset))")
                    }
                    append(.section(section.name, inverted: section.inverted, section.nodes))
                case UInt8(ascii: "="):
                    try setDelimiters(content, at: tagStart)
                case UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "$"):
                    throw ParseError(line: line(at: tagStart),
                                     problem: "\(text(open))\(Character(Unicode.Scalar(sigil!)))…\(text(close)) (partials, inheritance) is not supported")
                default:
                    append(.variable(try self.name(content, at: tagStart, what: "a variable")))
                }
            }
            appendText(cursor..<bytes.count)
            guard stack.count == 1, let root = stack.first else {
                let section = stack[stack.count - 1]
                throw ParseError(line: line(at: section.offset), problem: "\(text(open))#\(section.text)\(text(close)) is never closed")
            }
            return root.nodes
        }

        /// Sections may nest this deep. Rendering and freeing the node tree recurse once per
        /// level: a template nested 50,000 deep overflowed the stack (SIGSEGV on every sync).
        static let maxDepth = 100

        private static let sigils: Set<UInt8> = Set("!#^/=&><$".utf8)

        /// The name of a variable or section, split at dots; `.` alone is the current context.
        private func name(_ range: Range<Int>, at offset: Int, what: String) throws(ParseError) -> [String] {
            let name = text(range)
            guard !name.isEmpty else { throw ParseError(line: line(at: offset), problem: "\(what) without a name") }
            if name == "." { return [] }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !parts.contains(where: \.isEmpty), !parts.contains(where: { $0.contains(where: \.isWhitespace) }) else {
                throw ParseError(line: line(at: offset), problem: "'\(name)' is not a name (letters, digits and single dots: a.b.c)")
            }
            return parts
        }

        /// `{{=<% %>=}}`: the new opening and closing delimiters, separated by spaces.
        private mutating func setDelimiters(_ range: Range<Int>, at offset: Int) throws(ParseError) {
            guard range.count >= 1, bytes[range.upperBound - 1] == UInt8(ascii: "=") else {
                throw ParseError(line: line(at: offset), problem: "a delimiter change is written {{=<% %>=}}")
            }
            let inner = bytes[range.lowerBound..<range.upperBound - 1]
            let parts = inner.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            guard parts.count == 2, !parts.contains(where: { $0.contains(UInt8(ascii: "=")) }) else {
                throw ParseError(line: line(at: offset), problem: "a delimiter change is written {{=<% %>=}}: two delimiters without '=' or spaces")
            }
            open = Array(parts[0])
            close = Array(parts[1])
        }

        /// When the tag is alone on its line (only spaces and tabs around it), the line's start
        /// and the start of the next line (or the end of the template).
        private func standalone(_ tag: Range<Int>) -> (Int, Int)? {
            var start = tag.lowerBound
            while start > 0, isBlank(bytes[start - 1]) { start -= 1 }
            guard start == 0 || bytes[start - 1] == UInt8(ascii: "\n") else { return nil }
            var end = tag.upperBound
            while end < bytes.count, isBlank(bytes[end]) { end += 1 }
            if end == bytes.count { return (start, end) }
            if bytes[end] == UInt8(ascii: "\n") { return (start, end + 1) }
            if bytes[end] == UInt8(ascii: "\r"), byte(at: end + 1) == UInt8(ascii: "\n") { return (start, end + 2) }
            return nil
        }

        private func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

        private func byte(at offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

        private func find(_ needle: [UInt8], from start: Int) -> Int? {
            guard let first = needle.first, needle.count <= bytes.count else { return nil }
            var index = start
            let last = bytes.count - needle.count
            while index <= last {
                if bytes[index] == first {
                    var matched = true
                    for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                        matched = false
                        break
                    }
                    if matched { return index }
                }
                index += 1
            }
            return nil
        }

        private func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound
            var upper = range.upperBound
            func space(_ byte: UInt8) -> Bool { isBlank(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }
            while lower < upper, space(bytes[lower]) { lower += 1 }
            while upper > lower, space(bytes[upper - 1]) { upper -= 1 }
            return lower..<upper
        }

        private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

        private func line(at offset: Int) -> Int {
            1 + bytes[..<min(offset, bytes.count)].lazy.filter { $0 == UInt8(ascii: "\n") }.count
        }
    }
}
