internal import AutodevGit

/// A Go test lives in its code's package and imports nothing of it: `workflow_cmd_test.go`
/// calls `workflowCmd.Args` and `rootCmd.Commands()` of `workflow.go` and `root.go` beside it.
/// Issue 21's replay of an unseen Go project proposed 16 tests of a coverage commit ("add
/// comprehensive test suite for CLI commands") as code to write: their file names map to no
/// code file and Go has no import to read.
extension Explainer {
    /// Up to this many bytes of a test or a sibling file are read.
    static let goScanBytes = 256 * 1024

    /// The sibling code file of a new `_test.go` that defines what it uses, when every function
    /// it calls (or type it builds, `Name{`) is a builtin, its own, or defined by the package's
    /// code beside it, and it uses at least one of the package's names. Nil for a test that calls
    /// a name nothing defines yet (written before its code) or uses none of the package's names.
    mutating func goPackageCode(testedBy test: String) -> String? {
        guard test.hasSuffix("_test.go"), let side = after.side(of: test),
              let bytes = try? repository.content(of: side) else { return nil }
        let folder = Self.folder(of: test)
        var defined: [String: String] = [:]
        for (path, sibling) in after.files(under: folder) where Self.folder(of: path) == folder
            && path.hasSuffix(".go") && !path.hasSuffix("_test.go") {
            guard let code = try? repository.content(of: sibling) else { continue }
            for name in Self.goDefinitions(String(decoding: code.prefix(Self.goScanBytes), as: UTF8.self)) where defined[name] == nil {
                defined[name] = path
            }
        }
        guard !defined.isEmpty else { return nil }
        let text = String(decoding: bytes.prefix(Self.goScanBytes), as: UTF8.self)
        let own = Set(Self.goDefinitions(text))
        let (calls, dotted) = Self.goReferences(text)
        let unknown = calls.subtracting(own).subtracting(Self.goBuiltins).filter { defined[$0] == nil }
        guard unknown.isEmpty else { return nil }
        let used = calls.union(dotted).subtracting(own).compactMap { defined[$0] }
        return used.sorted().first
    }

    static let goBuiltins: Set<String> = [
        "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min", "new", "panic",
        "print", "println", "real", "recover", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
        "uint32", "uint64", "uintptr", "float32", "float64", "byte", "rune", "bool", "error", "any", "complex64", "complex128",
        "func", "if", "for", "switch", "return", "go", "defer", "select", "range", "map", "chan", "struct", "interface", "case",
    ]

    /// Package-level names a Go file declares: `func Name`, `func (r *T) Name`, `type Name`,
    /// `var Name`, `const Name`, and the names of `var (` / `const (` blocks.
    static func goDefinitions(_ text: String) -> [String] {
        var names: [String] = []
        var block = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = Substring(raw)
            if block {
                if line.hasPrefix(")") { block = false; continue }
                if line.hasPrefix("\t"), let name = leadingIdentifier(line.drop { $0 == "\t" }) { names.append(name) }
                continue
            }
            for keyword in ["var (", "const ("] where line.hasPrefix(keyword) { block = true }
            if block { continue }
            for keyword in ["func ", "type ", "var ", "const "] where line.hasPrefix(keyword) {
                var rest = line.dropFirst(keyword.count)
                if keyword == "func ", rest.hasPrefix("("), let close = rest.firstIndex(of: ")") {
                    rest = rest[rest.index(after: close)...].drop { $0 == " " }
                }
                if let name = leadingIdentifier(rest) { names.append(name) }
            }
            // `name := …` at the start of a line inside a function defines a local of the test.
            let trimmed = line.drop { $0 == "\t" || $0 == " " }
            if let name = leadingIdentifier(trimmed), trimmed.dropFirst(name.count).drop(while: { $0 == " " }).hasPrefix(":=") {
                names.append(name)
            }
        }
        return names
    }

    /// The bare names a Go file calls or builds (`Name(`, `Name{`) and those it reads a member
    /// of (`name.Field`), not counting members (`x.Name(`), comments or strings.
    static func goReferences(_ text: String) -> (calls: Set<String>, dotted: Set<String>) {
        var calls = Set<String>()
        var dotted = Set<String>()
        for raw in text.split(separator: "\n") {
            var line = Substring(raw)
            if let comment = line.firstRange(of: "//") { line = line[..<comment.lowerBound] }
            var previous: Character = " "
            var inString: Character?
            var index = line.startIndex
            while index < line.endIndex {
                let character = line[index]
                if let quote = inString {
                    if character == quote { inString = nil }
                    previous = character
                    index = line.index(after: index)
                    continue
                }
                if character == "\"" || character == "`" {
                    inString = character
                    previous = character
                    index = line.index(after: index)
                    continue
                }
                if character.isLetter || character == "_", !(previous.isLetter || previous.isNumber || previous == "_") {
                    let end = line[index...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? line.endIndex
                    let name = String(line[index..<end])
                    if previous != ".", end < line.endIndex {
                        switch line[end] {
                        case "(", "{": calls.insert(name)
                        case ".": dotted.insert(name)
                        default: break
                        }
                    }
                    previous = line[line.index(before: end)]
                    index = end
                    continue
                }
                previous = character
                index = line.index(after: index)
            }
        }
        return (calls, dotted)
    }

    private static func leadingIdentifier(_ text: Substring) -> String? {
        let name = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard let first = name.first, first.isLetter || first == "_", name != "_" else { return nil }
        return String(name)
    }
}
