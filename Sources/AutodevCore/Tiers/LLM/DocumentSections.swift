/// A Markdown document cut at its headings, each section marked as an interface (what code
/// must call or serve: signatures, API tables, schemas) or prose.
///
/// The prompt spends its budget by relevance: a contract section naming the function the
/// author's tests call outranks the plan's rationale, and what does not fit is cut a whole
/// section at a time, lowest-ranked first — never in equal slices (issue 19 saw equal 4 KB
/// slices drop exactly the contract).
struct DocumentSections {
    struct Section: Equatable {
        /// The heading line (`## Contract`), empty for the text before the first heading.
        var heading: String
        var text: String
        var isInterface: Bool
    }

    var sections: [Section]

    /// Splits at heading lines outside fenced code blocks. A document that is not Markdown (an
    /// OpenAPI file in `contracts/`) is one section.
    init(_ text: String, markdown: Bool, allInterface: Bool = false) {
        guard markdown else {
            sections = text.isEmpty ? [] : [Section(heading: "", text: text, isInterface: true)]
            return
        }
        var sections: [Section] = []
        var heading = ""
        var current = ""
        var fence: Substring?
        func flush() {
            if !current.isEmpty || !heading.isEmpty {
                sections.append(Section(heading: heading, text: current,
                                        isInterface: allInterface || Self.isInterface(heading: heading, text: current)))
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.drop(while: { $0 == open.first }).allSatisfy(\.isWhitespace) { fence = nil }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix { $0 == trimmed.first }
            } else if line.hasPrefix("#"), line.drop(while: { $0 == "#" }).first == " ", line.prefix(while: { $0 == "#" }).count <= 6 {
                flush()
                heading = String(line)
                current = ""
            }
            current += line + "\n"
        }
        if !text.isEmpty, !text.hasSuffix("\n"), current.hasSuffix("\n") { current.removeLast() }
        flush()
        self.sections = sections
    }

    private static let interfaceWords = ["contract", "interface", "api", "signature", "schema", "endpoint", "data model", "entities",
                                         "entity", "function", "method", "command", "cli", "public", "protocol", "types"]

    /// A section is an interface when its heading says so, when a fenced block in it declares
    /// something (`def add_item(store, name)`, `func`, `class`, `interface`, an arrow type), or
    /// when a table in it lists calls (`add_item(store, name)`) or HTTP routes.
    static func isInterface(heading: String, text: String) -> Bool {
        let title = heading.drop { $0 == "#" || $0 == " " }.lowercased()
        if !title.isEmpty, interfaceWords.contains(where: { word in
            RepositoryMap.words(in: title).contains(word) || (word.contains(" ") && title.contains(word))
        }) {
            return true
        }
        var fenced = false
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fenced.toggle()
                continue
            }
            if fenced, declares(trimmed) { return true }
            if !fenced, trimmed.hasPrefix("|"), routeOrCall(trimmed) { return true }
        }
        return false
    }

    private static let declarers = ["def ", "async def ", "class ", "func ", "fn ", "pub fn ", "function ", "export ", "interface ",
                                    "type ", "struct ", "enum ", "protocol ", "trait ", "public ", "fun ", "message ", "service ",
                                    "rpc ", "CREATE TABLE", "paths:", "openapi:"]

    static func declares(_ line: Substring) -> Bool {
        declarers.contains { line.hasPrefix($0) } || line.contains(") ->") || line.contains("): ") && line.contains("(") || routeOrCall(line)
    }

    private static let methods = ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "]

    /// `GET /orders`, or an identifier directly followed by `(`.
    static func routeOrCall(_ line: Substring) -> Bool {
        if methods.contains(where: { method in line.contains(method + "/") || line.contains("`" + method) }) { return true }
        var previous: Character = " "
        var run = 0
        for character in line {
            if character == "(", run >= 2, previous != " " { return true }
            if character.isLetter || character.isNumber || character == "_" { run += 1 } else { run = 0 }
            previous = character
        }
        return false
    }
}
