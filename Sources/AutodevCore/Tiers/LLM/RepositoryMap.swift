/// A repository map for a prompt: source files' paths with their top-level symbols, ranked by
/// relevance to the work (linked paths, files in the same folders, words shared with the
/// requirement), found with simple per-language line scans.
struct RepositoryMap {
    /// What makes a file relevant to the work.
    struct Relevance {
        var linked: Set<String> = []
        var folders: Set<String> = []
        var words: Set<String> = []
    }

    struct Entry: Equatable {
        var path: String
        var symbols: [String]
        var score: Int

        var line: String { symbols.isEmpty ? path : path + ": " + symbols.joined(separator: ", ") }
    }

    /// Source files by extension; the languages the symbol scan knows.
    enum Language {
        case swift, python, javascript, go, rust, jvm, c

        init?(path: String) {
            guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
            switch path[path.index(after: dot)...].lowercased() {
            case "swift": self = .swift
            case "py", "pyi": self = .python
            case "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts": self = .javascript
            case "go": self = .go
            case "rs": self = .rust
            case "java", "kt", "kts", "scala": self = .jvm
            case "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "hxx", "m", "mm": self = .c
            default: return nil
            }
        }
    }

    /// Folders whose files are not the project's own code.
    static let skippedFolders: Set<String> = ["node_modules", "vendor", ".build", "build", "dist", "Pods", "target",
                                              "third_party", ".git", ".auto-dev", "__pycache__", ".venv", "venv"]

    /// At most this many files are read for their symbols (the best-ranked by path).
    static let filesScanned = 400
    static let symbolsPerFile = 12

    /// Ranked entries, best first (ties by path), secret paths left out.
    static func entries(source: any PromptSource, relevance: Relevance, secrets: SecretGuard) -> [Entry] {
        var candidates: [Entry] = []
        for path in source.paths() where Language(path: path) != nil && !secrets.isSecretPath(path) {
            if path.split(separator: "/").dropLast().contains(where: { skippedFolders.contains(String($0)) }) { continue }
            candidates.append(Entry(path: path, symbols: [], score: pathScore(path, relevance)))
        }
        candidates.sort(by: ranked)
        for index in candidates.indices.prefix(filesScanned) {
            guard let language = Language(path: candidates[index].path),
                  let symbols = source.memoized(candidates[index].path, { Self.symbols(in: $0.prefix(256 * 1024), language: language) })
            else { continue }
            candidates[index].symbols = Array(symbols.prefix(symbolsPerFile))
            candidates[index].score += 5 * Set(symbols.flatMap(words(in:))).intersection(relevance.words).count
        }
        candidates.sort(by: ranked)
        return candidates
    }

    /// At most this many files are read to find where identifiers are defined.
    static let filesIndexed = 4000

    /// Top-level symbols to the files that define them, over the project's source files (the
    /// same scan and memo as the map's). `Store.Get` is also indexed as `Get`.
    static func definitions(source: any PromptSource, secrets: SecretGuard) -> [String: [String]] {
        // Pairs grouped once: appending to arrays inside a dictionary copies them in debug builds
        // (measured: 21 s for 4,000 files of an 18,000-file repository).
        var pairs: [(name: String, path: String)] = []
        var scanned = 0
        // The secret check last: its globs cost more than the rest (43 s for 18,000 paths in a
        // debug build), and only source files reach it.
        for path in source.paths() where scanned < filesIndexed {
            guard let language = Language(path: path),
                  !path.split(separator: "/").dropLast().contains(where: { skippedFolders.contains(String($0)) }),
                  !secrets.isSecretPath(path) else { continue }
            scanned += 1
            guard let symbols = source.memoized(path, { Self.symbols(in: $0.prefix(256 * 1024), language: language) }) else { continue }
            for symbol in symbols {
                var names = [symbol]
                if let dot = symbol.lastIndex(of: "."), !symbol.hasPrefix("impl ") { names.append(String(symbol[symbol.index(after: dot)...])) }
                for name in Set(names) { pairs.append((name, path)) }
            }
        }
        return Dictionary(grouping: pairs, by: \.name).mapValues { Array(Set($0.map(\.path))).sorted() }
    }

    private static func ranked(_ a: Entry, _ b: Entry) -> Bool {
        a.score != b.score ? a.score > b.score : a.path < b.path
    }

    static func pathScore(_ path: String, _ relevance: Relevance) -> Int {
        var score = 0
        if relevance.linked.contains(path) { score += 1000 }
        if relevance.folders.contains(folder(of: path)) { score += 100 }
        score += 10 * Set(words(in: path)).intersection(relevance.words).count
        return score
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private static let stopWords: Set<String> = ["the", "and", "for", "with", "that", "this", "from", "must", "should", "shall",
                                                 "will", "when", "then", "given", "system", "user", "are", "not", "can", "its",
                                                 "has", "have", "into", "each", "all", "any", "new", "use", "used"]

    /// Lower-cased words of three or more letters, camelCase and snake_case split
    /// (`hashPassword_v2` → hash, password), stop words left out.
    static func words(in text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var previousLower = false
        func flush() {
            if current.count >= 3 {
                let word = String(current)
                if !stopWords.contains(word) { words.append(word) }
            }
            current = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            let upper: Bool
            let lowered: Unicode.Scalar
            if scalar.isASCII {
                let value = scalar.value
                guard (value | 0x20) >= 97, (value | 0x20) <= 122 else {
                    flush()
                    previousLower = false
                    continue
                }
                upper = value < 97
                lowered = Unicode.Scalar(UInt8(value | 0x20))
            } else if scalar.properties.isAlphabetic {
                upper = scalar.properties.isUppercase
                lowered = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
            } else {
                flush()
                previousLower = false
                continue
            }
            if upper, previousLower { flush() }
            current.append(lowered)
            previousLower = !upper
        }
        flush()
        return words
    }

    // MARK: Symbols

    private static let modifiers: [Language: Set<String>] = [
        .swift: ["public", "private", "fileprivate", "internal", "open", "package", "final", "static", "nonisolated", "indirect",
                 "mutating", "convenience", "override", "required", "dynamic", "lazy", "weak", "unowned", "isolated", "consuming"],
        .python: ["async"],
        .javascript: ["export", "default", "async", "declare", "abstract", "function*"],
        .go: [],
        .rust: ["pub", "pub(crate)", "pub(super)", "async", "unsafe", "extern", "default"],
        .jvm: ["public", "private", "protected", "internal", "abstract", "final", "static", "sealed", "open", "data", "inline",
               "value", "annotation", "suspend", "override", "expect", "actual", "case", "implicit", "lateinit", "const"],
        .c: ["static", "inline", "extern", "const", "unsigned", "signed", "volatile", "template"],
    ]

    private static let keywords: [Language: Set<String>] = [
        .swift: ["func", "class", "struct", "enum", "protocol", "actor", "extension", "typealias", "let", "var", "macro"],
        .python: ["def", "class"],
        .javascript: ["function", "class", "interface", "type", "enum", "const", "let", "var", "namespace"],
        .go: ["func", "type", "var", "const"],
        .rust: ["fn", "struct", "enum", "trait", "type", "mod", "const", "static", "union", "impl"],
        .jvm: ["class", "interface", "enum", "record", "object", "fun", "val", "var", "typealias", "trait", "def"],
        .c: ["struct", "class", "enum", "union", "namespace", "typedef"],
    ]

    /// Top-level declarations: lines that start at column 0 with (modifiers and) a declaring
    /// keyword; for C and C++ also function definitions and `#define`s. `nested` reads indented
    /// lines too, and method headers without a keyword (`countCompleted() {`,
    /// `public int countCompleted() {`): where a method is defined, for the decision step's
    /// check that a task's named symbol exists.
    static func symbols(in bytes: ArraySlice<UInt8>, language: Language, nested: Bool = false) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var symbols: [String] = []
        var seen: Set<String> = []
        for var line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if nested { line = line.drop { $0 == " " || $0 == "\t" } }
            guard let first = line.first, !first.isWhitespace, first != "}", first != "/", first != "*" else { continue }
            guard let symbol = symbol(line, language: language) ?? (nested ? methodHeader(line) : nil),
                  !symbol.isEmpty, seen.insert(symbol).inserted else { continue }
            symbols.append(symbol)
        }
        return symbols
    }

    private static let controlWords: Set<String> = ["if", "for", "while", "switch", "catch", "return", "else", "new", "await",
                                                    "do", "try", "using", "with", "foreach", "elif", "until", "unless", "throw"]

    /// `countCompleted() {`, `public int countCompleted(Store s) {`, `get count(): number {`: a
    /// method header with no declaring keyword (JavaScript, Java, C#, C++ members): the name
    /// before the first `(`, when only words precede it and the line opens a block.
    static func methodHeader(_ line: Substring) -> String? {
        var trimmed = line
        while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed = trimmed.dropLast() }
        guard trimmed.last == "{", let open = trimmed.firstIndex(of: "(") else { return nil }
        let words = trimmed[..<open].split(separator: " ")
        guard let name = words.last, let first = words.first, !controlWords.contains(String(first)),
              words.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || "_$<>[]?,".contains($0) } }),
              name.first.map({ $0.isLetter || $0 == "_" || $0 == "$" }) == true else { return nil }
        let identifier = identifier(name)
        return identifier == String(name) ? identifier : nil
    }

    private static func symbol(_ line: Substring, language: Language) -> String? {
        var tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
        let mods = modifiers[language] ?? []
        while let token = tokens.first {
            if token.hasPrefix("@") || mods.contains(String(token)) || token.hasPrefix("pub(") || token.hasPrefix("private(") {
                tokens = tokens.dropFirst()
            } else if (token == "enum" || token == "async"), tokens.dropFirst().first.map({ ["class", "def", "fn", "fun"].contains(String($0)) }) == true {
                tokens = tokens.dropFirst()
            } else {
                break
            }
        }
        guard let keyword = tokens.first else { return nil }
        let rest = tokens.dropFirst()
        if language == .c {
            if keyword.hasPrefix("#") || keyword.hasPrefix("__") { return nil }
            // `struct point *make_point(int x)`: a function returning a struct.
            if let open = line.firstIndex(of: "("), !line[..<open].contains("{"), !line.hasSuffix(";"), !line[..<open].contains("=") {
                let before = line[..<open].split(whereSeparator: { $0 == " " || $0 == "*" || $0 == "&" }).last
                if let before, tokens.count > 1 || before != keyword {
                    let name = identifier(before)
                    return name.isEmpty || name.hasPrefix("__") || ["if", "while", "for", "return", "switch"].contains(name) ? nil : name
                }
            }
        }
        if keywords[language]?.contains(String(keyword)) == true {
            guard var name = rest.first else { return nil }
            if language == .go, keyword == "func", name.hasPrefix("(") {
                // A method: `func (s *Store) Get(` → Store.Get.
                guard let open = line.firstIndex(of: "("), let close = line.firstIndex(of: ")"), open < close else { return nil }
                let receiver = line[line.index(after: open)..<close].split(separator: " ").last.map { identifier($0.drop(while: { $0 == "*" || $0 == "&" })) } ?? ""
                let after = line[line.index(after: close)...].drop(while: { $0 == " " })
                return receiver + "." + identifier(after)
            }
            if language == .rust, keyword == "impl" {
                let body = line.dropFirst(line.distance(from: line.startIndex, to: keyword.startIndex) + 4)
                return "impl " + body.prefix(while: { $0 != "{" }).strippedOfBlanks
            }
            if language == .c, keyword == "typedef" {
                let body = line.prefix(while: { $0 != ";" && $0 != "{" })
                guard let last = body.split(separator: " ").last else { return nil }
                name = last
            }
            return identifier(name)
        }
        return nil
    }

    /// The identifier at the start of `token` (letters, digits, `_`, `$`, and `.` for
    /// extensions of nested types).
    private static func identifier(_ token: Substring) -> String {
        String(token.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "." }))
    }
}
