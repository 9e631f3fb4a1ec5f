/// A small Mustache renderer for templates that write code: variables, sections, inverted
/// sections, comments and dotted names. Values are written as they are — no HTML escaping,
/// since the output is source code, not HTML (`{{{x}}}` and `{{&x}}` are accepted too).
/// Partials, lambdas and delimiter changes are not supported and are reported as errors.
public struct MustacheTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(String)
        case section(String, inverted: Bool, [Node])
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    let nodes: [Node]

    public init(_ source: String) throws(ParseError) {
        var stack: [(name: String, inverted: Bool, line: Int, nodes: [Node])] = [("", false, 1, [])]
        var rest = Substring(source)
        var line = 1
        func append(_ node: Node) { stack[stack.count - 1].nodes.append(node) }
        while let open = rest.firstRange(of: "{{") {
            let text = rest[..<open.lowerBound]
            if !text.isEmpty { append(.text(String(text))) }
            line += text.filter { $0 == "\n" }.count
            var after = rest[open.upperBound...]
            let triple = after.first == "{"
            if triple { after = after.dropFirst() }
            guard let close = after.firstRange(of: triple ? "}}}" : "}}") else {
                throw ParseError(line: line, problem: "a tag opened with {{ is never closed")
            }
            let tag = after[..<close.lowerBound]
            line += tag.filter { $0 == "\n" }.count
            rest = after[close.upperBound...]
            let trimmed = String(tag).trimmingCharacters(in: " \t\n")
            guard let sigil = trimmed.first else { throw ParseError(line: line, problem: "an empty tag {{}}") }
            let name = String(trimmed.dropFirst()).trimmingCharacters(in: " \t\n")
            switch triple ? "&" : sigil {
            case "!":
                continue
            case "#", "^":
                guard !name.isEmpty else { throw ParseError(line: line, problem: "a section without a name") }
                stack.append((name, sigil == "^", line, []))
            case "/":
                guard stack.count > 1 else { throw ParseError(line: line, problem: "{{/\(name)}} closes a section that was never opened") }
                let section = stack.removeLast()
                guard section.name == name else {
                    throw ParseError(line: line, problem: "{{/\(name)}} closes {{#\(section.name)}} opened on line \(section.line)")
                }
                append(.section(name, inverted: section.inverted, section.nodes))
            case ">", "=", "$", "<":
                throw ParseError(line: line, problem: "{{\(sigil)…}} (partials, delimiters, inheritance) is not supported")
            case "&":
                let variable = triple ? trimmed : name
                guard !variable.isEmpty else { throw ParseError(line: line, problem: "a variable without a name") }
                append(.variable(variable))
            default:
                append(.variable(trimmed))
            }
        }
        if !rest.isEmpty { append(.text(String(rest))) }
        guard stack.count == 1 else {
            let open = stack.last!
            throw ParseError(line: open.line, problem: "{{#\(open.name)}} is never closed")
        }
        nodes = stack[0].nodes
    }

    /// Values: String, Int, Bool, [Any] (lists), [String: Any] (objects).
    public func render(_ context: [String: any Sendable]) -> String {
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
                let truthy = isTruthy(value)
                if inverted {
                    if !truthy { render(children, contexts: contexts, into: &out) }
                } else if let list = value as? [any Sendable] {
                    for element in list { render(children, contexts: contexts + [element], into: &out) }
                } else if truthy, let value {
                    render(children, contexts: contexts + [value], into: &out)
                }
            }
        }
    }

    private static func lookup(_ name: String, in contexts: [any Sendable]) -> (any Sendable)? {
        if name == "." { return contexts.last }
        let parts = name.split(separator: ".").map(String.init)
        for context in contexts.reversed() {
            guard let object = context as? [String: any Sendable], var value = object[parts[0]] else { continue }
            for part in parts.dropFirst() {
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
        case let bool as Bool: bool ? "true" : "false"
        default: ""
        }
    }
}
