/// A path pattern that means what the same line means in a `.gitignore`, compiled once and
/// matched many times.
///
/// - A pattern without a slash (a trailing one aside) matches a file or folder name at any
///   depth (`*.md`, `node_modules`); one with a slash matches the path from the repository
///   root (`docs/*.md`, `/SPEC.md`: a leading slash only anchors).
/// - A pattern that matches a folder takes in everything inside it; a trailing `/` matches
///   folders only (`build/` is the folder `build` at any depth, never a file named `build`).
/// - `*` and `?` stay within one name, `[a-z]`, `[!a]`, `[[:upper:]]` are classes, `\` escapes;
///   `**/x`, `x/**` and `a/**/b` span any number of folders; a malformed class matches nothing.
/// - Trailing spaces are dropped unless escaped (`\ `); a leading `!` negates the pattern in a
///   ``GlobList``; `\!` and `\#` stand for a name starting with `!` or `#`.
/// - autodev's extension: `{a,b}` gives alternatives (nested too); a brace without a partner,
///   escaped (`\{`) or in a group without a comma is a literal one (git has no braces).
///
/// autodev matches the paths of files (blobs): "a folder matches" means one of the path's
/// leading components, as a folder, matches.
struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// Whether the pattern starts with `!`: in a ``GlobList`` a path it matches is taken out again.
    public let isNegated: Bool
    /// The brace alternatives (one without braces), over `pool`.
    let alternatives: [GlobLine]
    let pool: [UInt8]

    public var description: String { pattern }

    /// Compiles `pattern`; throws only for text that, as a line of a `.gitignore`, is no pattern
    /// at all (blank, a comment, a lone `!` or `/`) or that holds a NUL byte.
    public init(_ pattern: String) throws(GlobError) {
        self.pattern = pattern
        var bytes = Array(pattern.utf8)
        func refuse(_ problem: String) -> GlobError { GlobError(pattern: pattern, problem: problem) }
        if bytes.contains(0) { throw refuse("it holds a NUL byte") }
        Glob.trimTrailingSpaces(&bytes)
        if bytes.isEmpty { throw refuse("it is empty (or only spaces), which matches nothing") }
        if bytes[0] == UInt8(ascii: "#") {
            throw refuse("a line starting with '#' is a comment in a .gitignore and matches nothing; write '\\#' for a name that starts with '#'")
        }
        isNegated = bytes[0] == UInt8(ascii: "!")
        if isNegated { bytes.removeFirst() }
        if bytes.isEmpty || bytes == [UInt8(ascii: "/")] {
            throw refuse("'\(pattern)' has no pattern after '\(isNegated ? "!" : "/")', which matches nothing")
        }
        var pool: [UInt8] = []
        alternatives = Glob.expandBraces(bytes).map { GlobLine($0, pool: &pool) }
        self.pool = pool
    }

    /// Whether the pattern (a `!` aside) matches the file `path` or one of its leading folders,
    /// as the only line of a `.gitignore` would.
    public func matches(_ path: String) -> Bool {
        let matchPath = MatchPath(path)
        return matchPath.withBuffers { bytes, ends in
            pool.withUnsafeBufferPointer { pool in
                for level in 0..<ends.count where Glob.matches(alternatives, pool, bytes, ends, level: level) { return true }
                return false
            }
        }
    }

    /// Whether one of `lines` matches the path at `level` (its first `level + 1` components: a
    /// folder when `level` is not the last).
    @inline(__always) static func matches<Lines: RandomAccessCollection<GlobLine>>(
        _ lines: Lines, _ pool: UnsafeBufferPointer<UInt8>, _ path: UnsafeBufferPointer<UInt8>,
        _ ends: UnsafeBufferPointer<Int>, level: Int) -> Bool {
        for line in lines where line.matches(pool, path, ends, level: level) { return true }
        return false
    }

    /// Keys under which a path index may file this pattern: a path can only match (at any
    /// level) if it has one of these keys. Nil: the pattern must be tried on every path; empty:
    /// it matches nothing.
    var indexKeys: [MatchPath.Key]? {
        var keys: [MatchPath.Key] = []
        for alternative in alternatives where !alternative.matchesNothing {
            guard let key = alternative.indexKey else { return nil }
            keys.append(key)
        }
        return keys
    }

    /// Whether every key of ``indexKeys`` belongs to the component the pattern matches, so
    /// that a path need only be tried at the levels whose component has one of them.
    var keysAreOwnComponents: Bool {
        alternatives.allSatisfy { $0.matchesNothing || $0.keyIsOwnComponent }
    }

    public static func == (lhs: Glob, rhs: Glob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// git's `trim_trailing_spaces`: drops trailing spaces unless the first of them is escaped.
    static func trimTrailingSpaces(_ bytes: inout [UInt8]) {
        var lastSpace: Int?
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "):
                if lastSpace == nil { lastSpace = index }
            case UInt8(ascii: "\\"):
                index += 1
                if index == bytes.count { return }
                lastSpace = nil
            default:
                lastSpace = nil
            }
            index += 1
        }
        if let lastSpace { bytes.removeSubrange(lastSpace...) }
    }

    /// `a{b,c}d` → `abd`, `acd` (nested braces too), on the pattern's bytes: braces and commas
    /// are ASCII, so they never occur inside a multi-byte character. Escaped braces and commas
    /// (`\{`), a brace without its partner and a group without a comma stay as they are.
    static func expandBraces(_ bytes: [UInt8]) -> [[UInt8]] {
        let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}"), comma = UInt8(ascii: ","), backslash = UInt8(ascii: "\\")
        var searchFrom = 0
        while true {
            var open: Int?
            var index = searchFrom
            while index < bytes.count {
                if bytes[index] == backslash { index += 2; continue }
                if bytes[index] == openBrace { open = index; break }
                index += 1
            }
            guard let open else { return [bytes] }
            var depth = 0
            var close: Int?
            var commas: [Int] = []
            index = open
            while index < bytes.count {
                switch bytes[index] {
                case backslash: index += 1
                case openBrace: depth += 1
                case closeBrace:
                    depth -= 1
                    if depth == 0 { close = index }
                case comma where depth == 1: commas.append(index)
                default: break
                }
                if close != nil { break }
                index += 1
            }
            guard let close, !commas.isEmpty else {
                // Not a group: this brace is a literal; look for a group after it.
                searchFrom = open + 1
                continue
            }
            let head = bytes[..<open], tail = bytes[(close + 1)...]
            let bounds = [open] + commas + [close]
            var result: [[UInt8]] = []
            for k in 0..<(bounds.count - 1) {
                let option = bytes[(bounds[k] + 1)..<bounds[k + 1]]
                result.append(contentsOf: expandBraces(Array(head) + option + tail))
            }
            return result
        }
    }
}

struct GlobError: Error, Sendable, Equatable {
    public let pattern: String
    public let problem: String
}

/// One brace-free gitignore pattern, its `!` already taken off: git's `parse_path_pattern`,
/// then `match_basename` or `match_pathname`. Plain integers over a byte pool (the glob's, or
/// the classifier's for all its globs), so that matching touches no reference counts.
struct GlobLine: Sendable {
    enum Form: UInt8, Sendable {
        /// Can never match: a malformed `[...]`, a trailing `\`, or an empty pattern.
        case nothing
        /// No slash, no wildcard: the name itself.
        case name
        /// `*literal`: the name ends with the pattern after its `*`.
        case nameSuffix
        /// No slash: git's wildmatch on the name, without `WM_PATHNAME`; a matching name starts
        /// with the pattern's first `literalPrefix` bytes and ends with the tail.
        case nameGlob
        /// A slash: the path from the root (leading `/` removed), whose first `literalPrefix`
        /// bytes hold no wildcard, with `WM_PATHNAME`.
        case path
        /// `**/name/**`: what is inside a folder of that name, at any depth.
        case insideFolder
    }

    var form: Form
    /// A trailing `/`: folders only.
    var foldersOnly: Bool
    /// The pattern's bytes in the pool.
    var start: Int, count: Int
    var literalPrefix: Int
    /// `nameGlob` and `path`: the literal bytes that end the pattern after its last wildcard,
    /// escapes resolved, in the pool (none when it has no wildcard).
    var tailStart: Int, tailCount: Int
    var indexKey: MatchPath.Key?
    /// Whether the pattern can only match at a level whose own component has `indexKey` (a
    /// name pattern), so the other levels need no trying.
    var keyIsOwnComponent: Bool

    var matchesNothing: Bool { form == .nothing }

    /// Compiles `raw`, appending its bytes to `pool`.
    init(_ raw: [UInt8], pool: inout [UInt8]) {
        let slash = UInt8(ascii: "/")
        var body = raw[...]
        foldersOnly = body.last == slash
        if foldersOnly { body = body.dropLast() }
        var hasSlash = body.contains(slash)
        if hasSlash, body.first == slash { body = body.dropFirst() }
        let anyDepth: [UInt8] = Array("**/".utf8)
        if body.starts(with: anyDepth) {
            let rest = body.dropFirst(3)
            if !rest.contains(slash) && !GlobLine.hasDoubleStar(rest) {
                // `**/name` is `name`: `**/` spans the folders above, the rest cannot cross a slash.
                body = rest
                hasSlash = false
            } else if rest.count > 3, rest.suffix(3).elementsEqual("/**".utf8),
                      !rest.dropLast(3).contains(where: { $0 == slash || Wildmatch.isSpecial($0) }) {
                let name = Array(rest.dropLast(3))
                form = .insideFolder
                start = pool.count
                count = name.count
                pool += name
                literalPrefix = name.count
                tailStart = pool.count
                tailCount = 0
                indexKey = .component(name)
                keyIsOwnComponent = false
                return
            }
        }
        let bytes = Array(body)
        let scan = PatternScan(bytes)
        literalPrefix = bytes.firstIndex(where: Wildmatch.isSpecial) ?? bytes.count
        start = pool.count
        count = bytes.count
        pool += bytes
        tailStart = pool.count
        tailCount = 0
        keyIsOwnComponent = !hasSlash
        if scan.malformed || bytes.isEmpty {
            form = .nothing
            indexKey = nil
        } else if !hasSlash {
            if literalPrefix == bytes.count {
                form = .name
                indexKey = .component(bytes)
            } else {
                if bytes[0] == UInt8(ascii: "*") && !bytes.dropFirst().contains(where: Wildmatch.isSpecial) {
                    form = .nameSuffix
                } else {
                    form = .nameGlob
                    tailCount = scan.tail.count
                    pool += scan.tail
                }
                indexKey = scan.tailExtension.map { .extension($0) }
                if indexKey == nil && literalPrefix > 0 { indexKey = .componentStart(bytes[0]) }
            }
        } else {
            form = .path
            tailCount = scan.tail.count
            pool += scan.tail
            if let firstSlash = bytes[..<literalPrefix].firstIndex(of: slash) {
                indexKey = .firstComponent(bytes[..<firstSlash])
            } else if let segment = scan.longestLiteralSegment {
                indexKey = .component(segment)
            } else {
                indexKey = scan.tailExtension.map { .extension($0) }
            }
        }
    }

    private static func hasDoubleStar(_ bytes: ArraySlice<UInt8>) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: "*") && $1 == UInt8(ascii: "*") }
    }

    /// The same line over another pool, its bytes at `offset` there.
    func moved(by offset: Int) -> GlobLine {
        var line = self
        line.start += offset
        line.tailStart += offset
        return line
    }

    /// Whether the line matches `path` (its bytes and component ends) at `level`.
    @inline(__always) func matches(_ pool: UnsafeBufferPointer<UInt8>, _ path: UnsafeBufferPointer<UInt8>,
                                   _ ends: UnsafeBufferPointer<Int>, level: Int) -> Bool {
        if foldersOnly && level == ends.count - 1 { return false }
        let end = ends[level]
        switch form {
        case .nothing:
            return false
        case .name:
            let from = level == 0 ? 0 : ends[level - 1] + 1
            return end - from == count && GlobLine.equal(pool, start, path, from, count)
        case .nameSuffix:
            let from = level == 0 ? 0 : ends[level - 1] + 1
            let suffix = count - 1
            return end - from >= suffix && GlobLine.equal(pool, start + 1, path, end - suffix, suffix)
        case .nameGlob:
            let from = level == 0 ? 0 : ends[level - 1] + 1
            // Cheap tests first: most names fail on their first or last bytes.
            guard end - from >= literalPrefix + tailCount,
                  GlobLine.equal(pool, start, path, from, literalPrefix),
                  GlobLine.equal(pool, tailStart, path, end - tailCount, tailCount) else { return false }
            return Wildmatch.matches(UnsafeBufferPointer(rebasing: pool[start..<(start + count)]),
                                     UnsafeBufferPointer(rebasing: path[from..<end]), pathname: false)
        case .insideFolder:
            var from = 0
            for folder in 0..<level {
                if ends[folder] - from == count && GlobLine.equal(pool, start, path, from, count) { return true }
                from = ends[folder] + 1
            }
            return false
        case .path:
            guard literalPrefix > 0 else {
                guard end >= tailCount, GlobLine.equal(pool, tailStart, path, end - tailCount, tailCount) else { return false }
                return Wildmatch.matches(UnsafeBufferPointer(rebasing: pool[start..<(start + count)]),
                                         UnsafeBufferPointer(rebasing: path[0..<end]), pathname: true)
            }
            // The literal end of the pattern (no slash in it) must end the path, which rules out
            // most folders at once.
            guard end >= literalPrefix + tailCount,
                  GlobLine.equal(pool, tailStart, path, end - tailCount, tailCount),
                  GlobLine.equal(pool, start, path, 0, literalPrefix) else { return false }
            if literalPrefix == count { return end == literalPrefix }
            // As git's match_pathname: one byte of the prefix stays, so that wildmatch knows
            // where a folder name starts (`foo**/bar` does not match `foobar`).
            let kept = literalPrefix - 1
            return Wildmatch.matches(UnsafeBufferPointer(rebasing: pool[(start + kept)..<(start + count)]),
                                     UnsafeBufferPointer(rebasing: path[kept..<end]), pathname: true)
        }
    }

    @inline(__always) private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int,
                                                _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int, _ count: Int) -> Bool {
        var i = 0
        while i < count {
            if a[aStart + i] != b[bStart + i] { return false }
            i += 1
        }
        return true
    }
}

/// What a pattern's tokens say before any path is seen: whether a `[...]` is malformed (git
/// then never matches), its literal folder names, and the literal end of its last name.
private struct PatternScan {
    var malformed = false
    var longestLiteralSegment: [UInt8]?
    /// From the last `.` of the literal bytes that end the pattern, when they hold one: a name
    /// the pattern matches ends with them, so its extension is this.
    var tailExtension: [UInt8]?
    /// The literal bytes that end the pattern (after its last wildcard), escapes resolved;
    /// empty when it has no wildcard (its literal prefix then says it all).
    var tail: [UInt8] = []
    var hasWildcard = false

    init(_ bytes: [UInt8]) {
        let slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\"), dot = UInt8(ascii: ".")
        var segment: [UInt8] = [], segmentIsLiteral = true
        func endSegment() {
            if segmentIsLiteral, !segment.isEmpty, segment.count > (longestLiteralSegment?.count ?? 0) {
                longestLiteralSegment = segment
            }
            segment = []
            segmentIsLiteral = true
        }
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case backslash:
                i += 1
                guard i < bytes.count else { malformed = true; return }  // a trailing `\` matches nothing
                if bytes[i] == slash {
                    endSegment()
                    tail = []
                } else {
                    segment.append(bytes[i])
                    tail.append(bytes[i])
                }
            case slash:
                endSegment()
                tail = []
            case UInt8(ascii: "*"), UInt8(ascii: "?"):
                segmentIsLiteral = false
                hasWildcard = true
                tail = []
            case UInt8(ascii: "["):
                guard let end = PatternScan.bracketEnd(bytes, at: i) else { malformed = true; return }
                i = end
                segmentIsLiteral = false
                hasWildcard = true
                tail = []
            default:
                segment.append(bytes[i])
                tail.append(bytes[i])
            }
            i += 1
        }
        endSegment()
        if let lastDot = tail.lastIndex(of: dot) { tailExtension = Array(tail[lastDot...]) }
        if !hasWildcard { tail = [] }
    }

    /// The index of the `]` that closes the class opened at `open`, read as git's wildmatch reads
    /// it; nil when the class is malformed (no closing `]`, an unknown `[:name:]`).
    static func bracketEnd(_ bytes: [UInt8], at open: Int) -> Int? {
        func at(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }
        let close = UInt8(ascii: "]"), backslash = UInt8(ascii: "\\")
        var i = open + 1
        var c = at(i)
        if c == UInt8(ascii: "!") || c == UInt8(ascii: "^") { i += 1; c = at(i) }
        var previous: UInt8 = 0
        repeat {
            if c == 0 { return nil }
            if c == backslash {
                i += 1
                c = at(i)
                if c == 0 { return nil }
            } else if c == UInt8(ascii: "-") && previous != 0 && at(i + 1) != 0 && at(i + 1) != close {
                i += 1
                c = at(i)
                if c == backslash {
                    i += 1
                    if at(i) == 0 { return nil }
                }
                c = 0
            } else if c == UInt8(ascii: "[") && at(i + 1) == UInt8(ascii: ":") {
                i += 2
                let nameStart = i
                while at(i) != 0 && at(i) != close { i += 1 }
                if at(i) == 0 { return nil }
                let nameLength = i - nameStart - 1
                if nameLength < 0 || bytes[i - 1] != UInt8(ascii: ":") {
                    i = nameStart - 2
                    c = UInt8(ascii: "[")
                } else {
                    let known = bytes.withUnsafeBufferPointer { CharacterClass.named($0, nameStart, nameLength) }
                    if known == nil { return nil }
                    c = 0
                }
            }
            previous = c
            i += 1
            c = at(i)
        } while c != close
        return i
    }
}

/// A path split once for matching against many patterns: level `k` is the path's first `k + 1`
/// components (a folder, or the file itself at the last level).
struct MatchPath {
    /// Where an index files a pattern, as a hash of the kind and the bytes: a collision only
    /// makes a pattern be tried on a path it cannot match, never the reverse.
    struct Key: Hashable, Sendable {
        let hash: UInt64

        private init<Bytes: Collection<UInt8>>(_ kind: UInt8, _ bytes: Bytes) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind)
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            self.hash = hash
        }

        /// The first component of a path that has more than one.
        static func firstComponent<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Key { Key(3, bytes) }
        /// Any component, folder or file name.
        static func component<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Key { Key(4, bytes) }
        /// The extension, from its last dot, of any component.
        static func `extension`<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Key { Key(5, bytes) }
        /// The first byte of any component.
        static func componentStart(_ byte: UInt8) -> Key { Key(6, CollectionOfOne(byte)) }
    }

    let bytes: [UInt8]
    /// Where each component ends (exclusive).
    let ends: [Int]
    var count: Int { ends.count }

    init(_ path: String) {
        bytes = Array(path.utf8)
        var ends: [Int] = []
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") { ends.append(index) }
        ends.append(bytes.count)
        self.ends = ends
    }

    func withBuffers<T>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) -> T) -> T {
        bytes.withUnsafeBufferPointer { bytes in ends.withUnsafeBufferPointer { ends in body(bytes, ends) } }
    }

    /// Calls `body` with every key the path has and the level it comes from (nil: the path as a
    /// whole).
    @inline(__always) func forEachKey(_ body: (Key, Int?) -> Void) {
        if ends.count > 1 { body(.firstComponent(bytes[0..<ends[0]]), nil) }
        for level in 0..<ends.count {
            let part = bytes[(level == 0 ? 0 : ends[level - 1] + 1)..<ends[level]]
            body(.component(part), level)
            if let first = part.first { body(.componentStart(first), level) }
            if let dot = part.lastIndex(of: UInt8(ascii: ".")) { body(.extension(part[dot...]), level) }
        }
    }
}
