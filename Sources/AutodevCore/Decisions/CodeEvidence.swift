internal import AutodevGit

/// What the code on one side of a range says about what a requirement cites: where a path it
/// names is (anywhere in the tree — a sub-project root, a bare file name), whether a name it
/// gives is in the code, and whether what a deletion names is gone.
///
/// Issue 21 read 22 requirements proposed as work that the code already held: a link
/// `app/models/x.py` to `backend/app/models/x.py`, a bare `memory_store.py`. And the reverse: a
/// task adding `count_completed()` to an existing file read as done because the file exists.
/// A file that cannot be read (binary, larger than `maxFileBytes`, gone from the object store)
/// is no evidence either way; it never stops the decision.
final class CodeEvidence {
    /// Larger files are not read for names: generated or vendored code says nothing of a task.
    static let maxFileBytes = 1 << 20
    /// At most this many code files are read to find where a name is defined.
    static let filesIndexed = RepositoryMap.filesIndexed

    /// Where a cited path is.
    enum Resolution: Equatable {
        /// At the path as written.
        case exact(String)
        /// The only file whose path ends with it (or the nearest to the spec among several).
        case found(String)
        /// Several files end with it: no evidence.
        case ambiguous([String])
        case missing

        var path: String? {
            switch self {
            case .exact(let path), .found(let path): path
            case .ambiguous, .missing: nil
            }
        }
    }

    let snapshot: Snapshot
    let classifier: Classifier
    private var lookupIndex: CodeLookup?
    private var contents: [String: [UInt8]?] = [:]
    private var definitionIndex: [String: String]?
    /// Said once per run when the definition index could not cover every code file.
    private(set) var notes: [String] = []

    init(snapshot: Snapshot, classifier: Classifier) {
        self.snapshot = snapshot
        self.classifier = classifier
    }

    private var lookup: CodeLookup {
        if let known = lookupIndex { return known }
        let made = CodeLookup(paths: snapshot.files(under: "").map(\.path), secrets: SecretGuard())
        lookupIndex = made
        return made
    }

    // MARK: Paths

    /// Where `link` is: as written, else the one file whose path ends with it. Among several,
    /// the one sharing the most leading folders with `spec` when it alone does (a sub-project's
    /// spec citing its own `app/models/x.py`); otherwise none of them is evidence. Folders are
    /// taken as written; a spec document found by its name (`quickstart.md`) is no code.
    func resolve(_ link: String, near spec: String) -> Resolution {
        if snapshot.exists(link) { return .exact(link) }
        guard !link.hasSuffix("/") else { return .missing }
        let matches = lookup.matches(link).filter { classifier.classify($0)?.category != .specs }
        guard matches.count > 1 else { return matches.first.map(Resolution.found) ?? .missing }
        let folders = spec.split(separator: "/").dropLast()
        let shared = matches.map { path in zip(path.split(separator: "/").dropLast(), folders).prefix { $0 == $1 }.count }
        if let best = shared.max(), best > 0, shared.filter({ $0 == best }).count == 1,
           let index = shared.firstIndex(of: best) {
            return .found(matches[index])
        }
        return .ambiguous(matches.sorted())
    }

    /// Every file whose path ends with `link` (spec files included).
    func matches(_ link: String) -> [String] { lookup.matches(link) }

    /// Whether nothing answers to `link` any more: no file or folder at it and, for a file
    /// name, no file anywhere whose path ends with it.
    func isGone(_ link: String) -> Bool {
        if snapshot.exists(link) { return false }
        return link.hasSuffix("/") || lookup.matches(link).isEmpty
    }

    // MARK: Names

    /// A file's bytes, or nil when it is no evidence: missing, a folder, binary, too large or
    /// unreadable.
    func text(of path: String) -> [UInt8]? {
        if let known = contents[path] { return known }
        let bytes = load(path)
        contents[path] = .some(bytes)
        return bytes
    }

    private func load(_ path: String) -> [UInt8]? {
        guard let side = snapshot.side(of: path), side.mode.isRegular,
              let size = try? snapshot.repository.size(of: side), size <= Self.maxFileBytes,
              let bytes = try? snapshot.repository.content(of: side), !bytes.prefix(8000).contains(0) else { return nil }
        return bytes
    }

    /// Whether `symbol` occurs as a whole word in the file at `path`; nil when the file is no
    /// evidence. In a file the task names, a use counts as much as a definition (`Call
    /// validate_task_id in cli.py`).
    func mentions(_ symbol: String, in path: String) -> Bool? {
        guard let bytes = text(of: path) else { return nil }
        return Self.containsWord(bytes, Array(symbol.utf8))
    }

    /// Where `symbol` is defined at this side: a code file whose declarations (top-level or
    /// nested: the repository map's scan, with methods) include it, or one named after it
    /// (`memory_store` → `memory_store.py`). Nil when none is.
    func definition(of symbol: String) -> String? {
        if let path = lookup.files(namedAfter: symbol).first { return path }
        return definitions()[symbol]
    }

    private func definitions() -> [String: String] {
        if let known = definitionIndex { return known }
        var names: [String: String] = [:]
        var scanned = 0
        for path in lookup.paths {
            guard let language = RepositoryMap.Language(path: path), classifier.classify(path)?.category == .code else { continue }
            scanned += 1
            if scanned > Self.filesIndexed {
                notes.append("more than \(Self.filesIndexed) code files: names a task gives were looked for in the first \(Self.filesIndexed) only")
                break
            }
            // Read once for the index, not kept: only the files a task names are.
            guard let bytes = load(path) else { continue }
            for symbol in RepositoryMap.symbols(in: bytes[...], language: language, nested: true) {
                if names[symbol] == nil { names[symbol] = path }
                if let dot = symbol.lastIndex(of: "."), names[String(symbol[symbol.index(after: dot)...])] == nil {
                    names[String(symbol[symbol.index(after: dot)...])] = path
                }
            }
        }
        definitionIndex = names
        return names
    }

    /// Whether `word` occurs in `bytes` with no identifier byte (letter, digit, `_`, `$`) on
    /// either side.
    static func containsWord(_ bytes: [UInt8], _ word: [UInt8]) -> Bool {
        guard let first = word.first, bytes.count >= word.count else { return false }
        func isIdentifier(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
        }
        var index = 0
        let last = bytes.count - word.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + word.count)].elementsEqual(word),
               index == 0 || !isIdentifier(bytes[index - 1]),
               index + word.count == bytes.count || !isIdentifier(bytes[index + word.count]) {
                return true
            }
            index += 1
        }
        return false
    }
}
