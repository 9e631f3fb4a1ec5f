/// git's `wildmatch`: shell-style matching of `*`, `?`, `[...]` and `\`, with `**` spanning
/// folders when `pathname` is set (git's `WM_PATHNAME`, which gitignore uses for patterns that
/// contain a slash). Case-sensitive, as git is with `core.ignoreCase` false.
///
/// The structure follows git's `wildmatch.c` (`dowild`) step for step, including its two abort
/// results: they are not only shortcuts (they keep `*a*a*a…` from backtracking exponentially) but
/// decide some results too, so matching them is the only way to agree with git on every pattern.
/// Character classes are git's locale-independent ASCII ones (`sane-ctype.h`): `[:space:]` is
/// space, tab, newline and carriage return; no byte above 127 is in any class.
enum Wildmatch {
    enum Outcome { case match, noMatch, abortAll, abortToStarStar }

    /// Whether `text` matches all of `pattern`.
    static func matches(_ pattern: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>, pathname: Bool) -> Bool {
        run(pattern, from: 0, text, from: 0, pathname: pathname) == .match
    }

    static func matches(_ pattern: [UInt8], _ text: [UInt8], pathname: Bool) -> Bool {
        pattern.withUnsafeBufferPointer { p in text.withUnsafeBufferPointer { t in matches(p, t, pathname: pathname) } }
    }

    private static let star = UInt8(ascii: "*"), question = UInt8(ascii: "?"), open = UInt8(ascii: "[")
    private static let close = UInt8(ascii: "]"), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/")
    private static let dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":"), bang = UInt8(ascii: "!"), caret = UInt8(ascii: "^")

    /// `*`, `?`, `[` and `\`: the bytes git's `is_glob_special` names.
    @inline(__always) static func isSpecial(_ byte: UInt8) -> Bool {
        byte == star || byte == question || byte == open || byte == backslash
    }

    /// `dowild`: `start` is where this call's pattern begins (a `**` is only special at the
    /// start of the pattern a call was given, or after a `/`).
    private static func run(_ pattern: UnsafeBufferPointer<UInt8>, from start: Int,
                            _ text: UnsafeBufferPointer<UInt8>, from textStart: Int, pathname: Bool) -> Outcome {
        // git's strings end with NUL; neither a path nor a compiled pattern holds one.
        @inline(__always) func p(_ i: Int) -> UInt8 { i < pattern.count ? pattern[i] : 0 }
        @inline(__always) func t(_ i: Int) -> UInt8 { i < text.count ? text[i] : 0 }
        func slashIndex(from i: Int) -> Int? {
            var j = i
            while j < text.count { if text[j] == slash { return j }; j += 1 }
            return nil
        }
        var pi = start, ti = textStart
        while pi < pattern.count {
            var pCh = pattern[pi]
            var tCh = t(ti)
            if tCh == 0 && pCh != star { return .abortAll }
            switch pCh {
            case question:
                if pathname && tCh == slash { return .noMatch }
            case star:
                let matchSlash: Bool
                pi += 1
                if p(pi) == star {
                    let second = pi
                    repeat { pi += 1 } while p(pi) == star
                    if !pathname {
                        matchSlash = true
                    } else if (second - start < 2 || pattern[second - 2] == slash)
                                && (p(pi) == 0 || p(pi) == slash || (p(pi) == backslash && p(pi + 1) == slash)) {
                        // `**/` may match no folder at all: try the rest right here first.
                        if p(pi) == slash && run(pattern, from: pi + 1, text, from: ti, pathname: pathname) == .match {
                            return .match
                        }
                        matchSlash = true
                    } else {
                        matchSlash = false
                    }
                } else {
                    matchSlash = !pathname
                }
                if pi >= pattern.count {
                    // A trailing `**` matches everything; a trailing `*` only what has no more slashes.
                    if !matchSlash && slashIndex(from: ti) != nil { return .abortToStarStar }
                    return .match
                }
                if !matchSlash && pattern[pi] == slash {
                    // One `*` followed by a slash: the rest of this folder name.
                    guard let next = slashIndex(from: ti) else { return .abortAll }
                    ti = next
                    break
                }
                while true {
                    if tCh == 0 { break }
                    // A literal after the star: skip ahead to where it occurs.
                    if !isSpecial(pattern[pi]) {
                        pCh = pattern[pi]
                        while true {
                            tCh = t(ti)
                            if tCh == 0 || (!matchSlash && tCh == slash) || tCh == pCh { break }
                            ti += 1
                        }
                        if tCh != pCh { return matchSlash ? .abortAll : .abortToStarStar }
                    }
                    let outcome = run(pattern, from: pi, text, from: ti, pathname: pathname)
                    if outcome != .noMatch {
                        if !matchSlash || outcome != .abortToStarStar { return outcome }
                    } else if !matchSlash && tCh == slash {
                        return .abortToStarStar
                    }
                    ti += 1
                    tCh = t(ti)
                }
                return .abortAll
            case open:
                pi += 1
                pCh = p(pi)
                if pCh == caret { pCh = bang }
                let negated = pCh == bang
                if negated { pi += 1; pCh = p(pi) }
                var previous: UInt8 = 0
                var matched = false
                repeat {
                    if pCh == 0 { return .abortAll }
                    if pCh == backslash {
                        pi += 1
                        pCh = p(pi)
                        if pCh == 0 { return .abortAll }
                        if tCh == pCh { matched = true }
                    } else if pCh == dash && previous != 0 && p(pi + 1) != 0 && p(pi + 1) != close {
                        pi += 1
                        pCh = p(pi)
                        if pCh == backslash {
                            pi += 1
                            pCh = p(pi)
                            if pCh == 0 { return .abortAll }
                        }
                        if tCh <= pCh && tCh >= previous { matched = true }
                        pCh = 0  // a range cannot start another range
                    } else if pCh == open && p(pi + 1) == colon {
                        pi += 2
                        let nameStart = pi
                        while p(pi) != 0 && p(pi) != close { pi += 1 }
                        pCh = p(pi)
                        if pCh == 0 { return .abortAll }
                        let nameLength = pi - nameStart - 1
                        if nameLength < 0 || pattern[pi - 1] != colon {
                            // No `:]`: the `[` is an ordinary member.
                            pi = nameStart - 2
                            pCh = open
                            if tCh == pCh { matched = true }
                        } else {
                            guard let named = CharacterClass.named(pattern, nameStart, nameLength) else { return .abortAll }
                            if named.contains(tCh) { matched = true }
                            pCh = 0
                        }
                    } else if tCh == pCh {
                        matched = true
                    }
                    previous = pCh
                    pi += 1
                    pCh = p(pi)
                } while pCh != close
                if matched == negated || (pathname && tCh == slash) { return .noMatch }
            case backslash:
                pi += 1
                if t(ti) != p(pi) { return .noMatch }
            default:
                if tCh != pCh { return .noMatch }
            }
            pi += 1
            ti += 1
        }
        return ti < text.count ? .noMatch : .match
    }
}

/// A POSIX character class as git defines it for ASCII, locale-independent.
enum CharacterClass: String, CaseIterable {
    case alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, upper, xdigit

    /// The class named by `pattern[start..<start + length]`, or nil for an unknown name.
    static func named(_ pattern: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> CharacterClass? {
        guard length >= 5 && length <= 6 else { return nil }
        return CharacterClass(rawValue: String(decoding: pattern[start..<(start + length)], as: UTF8.self))
    }

    func contains(_ c: UInt8) -> Bool {
        let upper = c >= 0x41 && c <= 0x5a, lower = c >= 0x61 && c <= 0x7a, digit = c >= 0x30 && c <= 0x39
        let graph = c >= 0x21 && c <= 0x7e
        switch self {
        case .alnum: return upper || lower || digit
        case .alpha: return upper || lower
        case .blank: return c == 0x20 || c == 0x09
        case .cntrl: return c < 0x20 || c == 0x7f
        case .digit: return digit
        case .graph: return graph
        case .lower: return lower
        case .print: return c >= 0x20 && c <= 0x7e
        case .punct: return graph && !(upper || lower || digit)
        case .space: return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d
        case .upper: return upper
        case .xdigit: return digit || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
        }
    }
}
