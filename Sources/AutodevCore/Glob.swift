/// A path pattern with gitignore-like rules, compiled once and matched many times.
///
/// - A pattern without `/` matches the file name at any depth (`*.md`, `Package.swift`).
/// - A pattern with `/` matches the whole repository-relative path (`specs/**`, `docs/*.md`);
///   a leading `/` is allowed and ignored.
/// - `*` matches within one path segment, `?` one character, `[abc]`/`[a-z]`/`[!a]` a class,
///   `**` any number of segments (including none), `{a,b}` alternatives.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let alternatives: [Compiled]

    public var description: String { pattern }

    public init(_ pattern: String) throws(GlobError) {
        self.pattern = pattern
        var compiled: [Compiled] = []
        for expanded in try Glob.expandBraces(Array(pattern.utf8), pattern: pattern) {
            compiled.append(try Compiled(expanded))
        }
        alternatives = compiled
    }

    /// Whether the repository-relative `path` matches.
    public func matches(_ path: String) -> Bool {
        matches(MatchPath(path))
    }

    func matches(_ path: MatchPath) -> Bool {
        for alternative in alternatives where alternative.matches(path) {
            return true
        }
        return false
    }

    /// Keys under which a path index may file this pattern: a path can only match if it has
    /// one of these keys (nil: the pattern must be tried on every path).
    var indexKeys: [MatchPath.Key]? {
        var keys: [MatchPath.Key] = []
        for alternative in alternatives {
            guard let key = alternative.indexKey else { return nil }
            keys.append(key)
        }
        return keys
    }

    public static func == (lhs: Glob, rhs: Glob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// `a{b,c}d` → `abd`, `acd` (nested braces too), on the pattern's bytes: braces and commas
    /// are ASCII, so they never occur inside a multi-byte character.
    static func expandBraces(_ bytes: [UInt8], pattern: String) throws(GlobError) -> [[UInt8]] {
        let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}"), comma = UInt8(ascii: ",")
        guard let open = bytes.firstIndex(of: openBrace) else {
            if bytes.contains(closeBrace) { throw GlobError(pattern: pattern, problem: "'}' without '{'") }
            return [bytes]
        }
        var depth = 0
        var close: Int?
        var commas: [Int] = []
        for index in open..<bytes.count {
            switch bytes[index] {
            case openBrace: depth += 1
            case closeBrace:
                depth -= 1
                if depth == 0 { close = index }
            case comma where depth == 1: commas.append(index)
            default: break
            }
            if close != nil { break }
        }
        guard let close else { throw GlobError(pattern: pattern, problem: "'{' without '}'") }
        let head = bytes[..<open], tail = bytes[(close + 1)...]
        let bounds = [open] + commas + [close]
        var result: [[UInt8]] = []
        for k in 0..<(bounds.count - 1) {
            let option = bytes[(bounds[k] + 1)..<bounds[k + 1]]
            result.append(contentsOf: try expandBraces(Array(head) + option + tail, pattern: pattern))
        }
        return result
    }
}

public struct GlobError: Error, Sendable, Equatable {
    public let pattern: String
    public let problem: String
}

/// One brace-free pattern.
private struct Compiled: Sendable {
    let anchored: Bool
    let segments: [Segment]

    /// One brace-free alternative, as bytes.
    init(_ bytes: [UInt8]) throws(GlobError) {
        let slash = UInt8(ascii: "/")
        var text = bytes
        if text.first == slash { text.removeFirst() }
        if text.last == slash { text += [UInt8(ascii: "*"), UInt8(ascii: "*")] }
        let raw = String(decoding: bytes, as: UTF8.self)
        guard !text.isEmpty else { throw GlobError(pattern: raw, problem: "empty pattern") }
        anchored = text.contains(slash)
        var segments: [Segment] = []
        for part in text.split(separator: slash, omittingEmptySubsequences: true) {
            let segment = try Segment(Array(part), pattern: raw)
            if case .anyDepth = segment, case .anyDepth? = segments.last { continue }
            segments.append(segment)
        }
        self.segments = segments
    }

    func matches(_ path: MatchPath) -> Bool {
        if !anchored {
            return segments[0].matches(path.basename)
        }
        return Compiled.match(segments[...], path.parts[...])
    }

    var indexKey: MatchPath.Key? {
        let last = anchored ? segments.last : segments.first
        switch last {
        case .literal(let bytes)?: return .basename(bytes)
        case .suffix(let bytes)?:
            if let dot = bytes.lastIndex(of: UInt8(ascii: ".")) { return .extension(bytes[dot...]) }
        default: break
        }
        if anchored, case .literal(let bytes)? = segments.first { return .firstComponent(bytes) }
        // `**/node_modules/**`: a matching path has that name as one of its components.
        for segment in segments {
            if case .literal(let bytes) = segment { return .component(bytes) }
        }
        return nil
    }

    private static func match(_ segments: ArraySlice<Segment>, _ parts: ArraySlice<ArraySlice<UInt8>>) -> Bool {
        guard let first = segments.first else { return parts.isEmpty }
        if case .anyDepth = first {
            let rest = segments.dropFirst()
            if rest.isEmpty { return true }
            var remaining = parts
            while true {
                if match(rest, remaining) { return true }
                if remaining.isEmpty { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let part = parts.first, first.matches(part) else { return false }
        return match(segments.dropFirst(), parts.dropFirst())
    }
}

private enum Segment: Sendable {
    case anyDepth
    case literal([UInt8])
    case suffix([UInt8])            // *abc
    case prefix([UInt8])            // abc*
    case wildcard([Token])

    enum Token: Sendable {
        case byte(UInt8)
        case any                     // ?
        case star                    // *
        case set(negated: Bool, ranges: [ClosedRange<UInt8>])
    }

    init(_ bytes: [UInt8], pattern: String) throws(GlobError) {
        if bytes.count == 2, bytes[0] == UInt8(ascii: "*"), bytes[1] == UInt8(ascii: "*") { self = .anyDepth; return }
        var tokens: [Token] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "*"):
                if case .star? = tokens.last {} else { tokens.append(.star) }
                index += 1
            case UInt8(ascii: "?"):
                tokens.append(.any)
                index += 1
            case UInt8(ascii: "["):
                var cursor = index + 1
                var negated = false
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "!") || bytes[cursor] == UInt8(ascii: "^") {
                    negated = true
                    cursor += 1
                }
                var ranges: [ClosedRange<UInt8>] = []
                var first = true
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "]") || first {
                    first = false
                    let low = bytes[cursor]
                    if cursor + 2 < bytes.count, bytes[cursor + 1] == UInt8(ascii: "-"), bytes[cursor + 2] != UInt8(ascii: "]") {
                        let high = bytes[cursor + 2]
                        guard low <= high else { throw GlobError(pattern: pattern, problem: "reversed range in [...]") }
                        ranges.append(low...high)
                        cursor += 3
                    } else {
                        ranges.append(low...low)
                        cursor += 1
                    }
                }
                guard cursor < bytes.count else { throw GlobError(pattern: pattern, problem: "'[' without ']'") }
                tokens.append(.set(negated: negated, ranges: ranges))
                index = cursor + 1
            case UInt8(ascii: "\\") where index + 1 < bytes.count:
                tokens.append(.byte(bytes[index + 1]))
                index += 2
            default:
                tokens.append(.byte(byte))
                index += 1
            }
        }
        let literalBytes: [UInt8] = tokens.compactMap { if case .byte(let b) = $0 { return b } else { return nil } }
        let stars = tokens.indices.filter { if case .star = tokens[$0] { return true } else { return false } }
        let others = tokens.count - literalBytes.count - stars.count
        if others == 0 && stars.isEmpty {
            self = .literal(literalBytes)
        } else if others == 0 && stars == [0] {
            self = .suffix(literalBytes)
        } else if others == 0 && stars == [tokens.count - 1] {
            self = .prefix(literalBytes)
        } else {
            self = .wildcard(tokens)
        }
    }

    func matches(_ text: ArraySlice<UInt8>) -> Bool {
        switch self {
        case .anyDepth: return true
        case .literal(let bytes): return text.elementsEqual(bytes)
        case .suffix(let bytes): return text.count >= bytes.count && text.suffix(bytes.count).elementsEqual(bytes)
        case .prefix(let bytes): return text.count >= bytes.count && text.prefix(bytes.count).elementsEqual(bytes)
        case .wildcard(let tokens): return Segment.wildcardMatch(tokens[...], text)
        }
    }

    private static func wildcardMatch(_ tokens: ArraySlice<Token>, _ text: ArraySlice<UInt8>) -> Bool {
        var t = tokens.startIndex, s = text.startIndex
        var starT: Int?, starS = 0
        while s < text.endIndex {
            if t < tokens.endIndex {
                switch tokens[t] {
                case .star:
                    starT = t
                    starS = s
                    t += 1
                    continue
                case .any:
                    t += 1; s += 1
                    continue
                case .byte(let b) where b == text[s]:
                    t += 1; s += 1
                    continue
                case .set(let negated, let ranges) where ranges.contains { $0.contains(text[s]) } != negated:
                    t += 1; s += 1
                    continue
                default:
                    break
                }
            }
            guard let star = starT else { return false }
            t = star + 1
            starS += 1
            s = starS
        }
        while t < tokens.endIndex, case .star = tokens[t] { t += 1 }
        return t == tokens.endIndex
    }
}

/// A path split once for matching against many patterns.
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

        static func basename<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Key { Key(1, bytes) }
        /// The extension including its dot.
        static func `extension`<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Key { Key(2, bytes) }
        static func firstComponent<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Key { Key(3, bytes) }
        /// Any component, the file name included.
        static func component<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Key { Key(4, bytes) }
    }

    let bytes: [UInt8]
    let parts: [ArraySlice<UInt8>]
    var basename: ArraySlice<UInt8> { parts[parts.count - 1] }

    init(_ path: String) {
        bytes = Array(path.utf8)
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") {
            parts.append(bytes[start..<index])
            start = index + 1
        }
        parts.append(bytes[start...])
        self.parts = parts
    }

    var keys: [Key] {
        var keys: [Key] = [.basename(basename)]
        keys.reserveCapacity(parts.count + 3)
        if let dot = basename.lastIndex(of: UInt8(ascii: ".")) { keys.append(.extension(basename[dot...])) }
        if parts.count > 1 { keys.append(.firstComponent(parts[0])) }
        for part in parts { keys.append(.component(part)) }
        return keys
    }
}
