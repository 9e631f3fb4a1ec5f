/// Finds the repository's files that a piece of work is about: files its text names (paths in
/// backticks or plain, bare file names, resolved in any sub-project) and files that define the
/// identifiers it mentions (`OrderStore`, `add_item`, `app.store.order_store`), or are named
/// after them.
///
/// Issue 19 measured prompts for new requirements that held no existing source at all, so the
/// model rewrote modules it could not see. This is the lookup a person does first: grep the
/// names.
struct CodeLookup {
    /// One file found, and why (for the prompt's note).
    struct Found: Equatable {
        var path: String
        var reason: String
    }

    let paths: [String]
    private let byName: [String: [String]]
    private let byStem: [String: [String]]
    private let secrets: SecretGuard

    /// A name matching more files than this says nothing (`__init__.py`, `index.ts`).
    static let maxMatches = 3

    init(paths: [String], secrets: SecretGuard) {
        // Grouped once: appending to arrays inside a dictionary copies them in debug builds.
        // Secret paths are left out where a name resolves (few), not here (every path).
        let kept = paths.filter { path in
            !path.split(separator: "/").dropLast().contains(where: { RepositoryMap.skippedFolders.contains(String($0)) })
        }
        self.paths = kept
        byName = Dictionary(grouping: kept, by: { Self.name(of: $0) })
        byStem = Dictionary(grouping: kept.filter { RepositoryMap.Language(path: $0) != nil }, by: { Self.normalized(Self.stem(Self.name(of: $0))) })
        self.secrets = secrets
    }

    private static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    // MARK: Names of files

    /// File extensions a plain (unquoted) word must end with to be taken for a path.
    static let fileExtensions: Set<String> = [
        "py", "pyi", "swift", "ts", "tsx", "js", "jsx", "mjs", "cjs", "go", "rs", "java", "kt", "kts", "scala", "rb", "php", "cs",
        "c", "h", "cc", "cpp", "hpp", "m", "mm", "toml", "json", "yaml", "yml", "cfg", "ini", "sql", "sh", "html", "css", "scss",
        "vue", "svelte", "ex", "exs", "lua", "dart", "proto", "gradle", "xml", "lock", "mod", "txt",
    ]

    /// Paths and file names written in `text`: backticked spans that look like a path or a file
    /// name, and plain words ending in a known extension; in order of first mention.
    static func namedFiles(in text: String) -> [String] {
        var names: [String] = []
        var seen: Set<String> = []
        func add(_ raw: Substring, quoted: Bool) {
            var name = raw.trimmingCharacters(in: " \t\"'()[]{}<>,;:!?*")
            while name.hasSuffix(".") { name.removeLast() }
            if name.hasPrefix("./") { name.removeFirst(2) }
            if name.hasPrefix("/") || name.contains("://") || name.contains("..") || name.contains(" ") || name.isEmpty { return }
            guard name.utf8.count <= 200, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-./@+".contains($0) }) else { return }
            let last = name.split(separator: "/").last.map(String.init) ?? name
            let ext = last.contains(".") ? String(last[last.index(after: last.lastIndex(of: ".")!)...]).lowercased() : ""
            let known = fileExtensions.contains(ext) || (quoted && (ext == "md" || ["Makefile", "Dockerfile", "Gemfile", "Package.swift"].contains(last)))
            guard known, !last.hasPrefix("."), last.first.map({ !$0.isNumber }) == true else { return }
            if seen.insert(name).inserted { names.append(name) }
        }
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "`", let close = text[text.index(after: index)...].firstIndex(of: "`") {
                add(text[text.index(after: index)..<close], quoted: true)
                index = text.index(after: close)
                continue
            }
            index = text.index(after: index)
        }
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "`" || $0 == "|" }) where word.contains(".") {
            add(word, quoted: false)
        }
        return names
    }

    /// The repository's files for a name: the path itself, else the files whose path ends with
    /// it (`app/models/x.py` at `backend/app/models/x.py`, `models.py` at any depth) — when at
    /// most `maxMatches` do.
    func resolve(_ name: String) -> [String] {
        let candidates = matches(name).filter { !secrets.isSecretPath($0) }
        if candidates.contains(name) { return [name] }
        return candidates.count <= Self.maxMatches ? candidates : []
    }

    /// Every file at `name` or whose path ends with `/name`, however many: the decision step
    /// takes a name as evidence only when one file answers to it.
    func matches(_ name: String) -> [String] {
        let last = String(name.split(separator: "/").last ?? "")
        let candidates = byName[last] ?? []
        if candidates.contains(name) { return [name] }
        return candidates.filter { $0.hasSuffix("/" + name) }
    }

    /// Files named in `text`, resolved; `reason` says where the name was read.
    func files(namedIn text: String, reason: String) -> [Found] {
        var found: [Found] = []
        for name in Self.namedFiles(in: text) {
            for path in resolve(name) where !found.contains(where: { $0.path == path }) {
                found.append(Found(path: path, reason: "`\(name)` is named \(reason)"))
            }
        }
        return found
    }

    // MARK: Identifiers

    private static let declaringWords: Set<String> = ["def", "class", "func", "fn", "function", "interface", "struct", "type", "async",
                                                      "let", "const", "var", "enum", "protocol", "trait", "pub"]

    /// Identifiers in `text` worth looking up: backticked spans (their leading identifier or
    /// dotted module name), CamelCase and snake_case words, dotted module names. Plain English
    /// words are not: "store" would match half a repository.
    static func identifiers(in text: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        func add(_ word: String) {
            guard word.utf8.count >= 3, word.first.map({ $0.isLetter || $0 == "_" }) == true, seen.insert(word).inserted else { return }
            out.append(word)
        }
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "`", let close = text[text.index(after: index)...].firstIndex(of: "`") {
                let words = text[text.index(after: index)..<close].split(separator: " ")
                // `def add_item(store, name)`: the name after the keyword.
                var head = words.first ?? ""
                if Self.declaringWords.contains(String(head)), words.count > 1 { head = words[1] }
                let name = String(head.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
                let ext = name.split(separator: ".").last.map { String($0).lowercased() } ?? ""
                // A plain lower-case word (`pack validate`, `store`) names too much to look up,
                // unless it is called (`validate(`).
                let called = head.dropFirst(name.count).first == "("
                let plain = name.lowercased() == name && !name.contains("_") && !name.contains(".")
                if !name.hasSuffix("."), !(name.contains(".") && fileExtensions.contains(ext)), !plain || called { add(name) }
                index = text.index(after: close)
                continue
            }
            index = text.index(after: index)
        }
        for word in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }) {
            var word = String(word)
            while word.hasSuffix(".") { word.removeLast() }
            let letters = word.filter(\.isLetter)
            let camel = zip(word, word.dropFirst()).contains { $0.isLowercase && $1.isUppercase }
            let snake = word.contains("_") && letters.count >= 3 && !word.hasPrefix("_") && word.lowercased() == word
            let module = word.contains(".") && word.split(separator: ".").count >= 2
                && word.split(separator: ".").allSatisfy({ $0.first?.isLetter == true && $0 == $0.lowercased() })
                && !fileExtensions.contains(String(word.split(separator: ".").last ?? "").lowercased())
            if camel || snake || module { add(word) }
        }
        return out
    }

    /// Files that define an identifier (a top-level symbol of that name, found with the
    /// repository map's scan), hold a module of that dotted name, or are named after it
    /// (`OrderStore` → `order_store.py`, `OrderStore.swift`, `order-store.ts`).
    func files(defining identifiers: [String], definitions: [String: [String]]) -> [Found] {
        var found: [Found] = []
        func add(_ paths: [String], _ reason: String) {
            let paths = paths.filter { !secrets.isSecretPath($0) }
            guard paths.count <= Self.maxMatches else { return }
            for path in paths where !found.contains(where: { $0.path == path }) { found.append(Found(path: path, reason: reason)) }
        }
        for identifier in identifiers {
            if identifier.contains(".") {
                // A module: `app.store.order_store` → app/store/order_store.py or …/__init__.py.
                let path = identifier.replacing(".", with: "/")
                let files = ["py", "ts", "js", "rs", "go"].flatMap { resolve(path + "." + $0) } + resolve(path + "/__init__.py")
                add(files, "module `\(identifier)` is there")
                if let last = identifier.split(separator: ".").last, let paths = definitions[String(last)] {
                    add(paths, "defines `\(last)`")
                }
                continue
            }
            if let paths = definitions[identifier] { add(paths, "defines `\(identifier)`") }
            if let paths = byStem[Self.normalized(identifier)] { add(paths, "is named after `\(identifier)`") }
        }
        return found
    }

    /// Source files named after an identifier (`memory_store` → `memory_store.py`,
    /// `OrderStore` → `OrderStore.swift`, `order-store.ts`).
    func files(namedAfter identifier: String) -> [String] {
        byStem[Self.normalized(identifier)] ?? []
    }

    /// Folders named after an identifier (`OrderStore` → `order_store/`), for the map's ranking.
    func folders(namedAfter identifiers: [String]) -> [String] {
        let wanted = Set(identifiers.map(Self.normalized))
        guard !wanted.isEmpty else { return [] }
        var out: Set<String> = []
        for path in paths {
            var folder = ""
            for part in path.split(separator: "/").dropLast() {
                folder += folder.isEmpty ? String(part) : "/" + part
                if wanted.contains(Self.normalized(String(part))) { out.insert(folder) }
            }
        }
        return out.sorted()
    }

    /// Lower-cased, without `_`, `-` and `.`: `OrderStore`, `order_store` and `order-store` meet.
    static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "_" && $0 != "-" && $0 != "." })
    }

    static func stem(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
