/// `contains` and `range(of:)` on text with the same answers as the standard library's
/// (which compares Characters, canonically equivalent ones equal), at the cost of a byte search
/// for the common answer "not there".
///
/// The standard library's substring search costs about a microsecond per call on a short title
/// (grapheme breaking, Unicode properties): parsing one five-line spec asked it some 30 times,
/// and that was a third of a sync's CPU in `stress-test --patterns-only`. A needle made only of
/// "byte-exact" scalars (below) can match only where its UTF-8 bytes stand in the text, so
/// when a byte search does not find them the answer is no; when it finds them in ASCII text (where
/// every byte is a Character, "\r\n" apart) it is yes; anything else is asked of the standard
/// library, so no answer differs.
enum ByteSearch {
    /// Scalars that no other scalar or sequence is canonically equivalent to: ASCII but the three
    /// that singletons decompose to (U+037E → `;`, U+1FEF → `` ` ``, U+212A → `K`), and the
    /// brackets, dashes and CJK words the spec readers look for (checked against every Unicode scalar's
    /// canonical decomposition in `ByteSearchTests`). A needle of other scalars is searched
    /// the standard library's way.
    static let exactNonASCII: Set<UInt32> = [0x2013, 0x2014, 0xFF08, 0xFF09, 0x3010, 0x3011, 0x53EF, 0x9009, 0x505A]

    /// Whether a match of `needle` among Characters implies its bytes in the text.
    static func isByteExact(_ needle: some StringProtocol) -> Bool {
        guard !needle.isEmpty else { return false }
        for scalar in needle.unicodeScalars {
            if scalar.isASCII {
                if scalar == ";" || scalar == "`" || scalar == "K" { return false }
            } else if !exactNonASCII.contains(scalar.value) {
                return false
            }
        }
        return true
    }

    /// `text.contains(needle)`, the standard library's answer.
    static func contains(_ text: some StringProtocol, _ needle: String) -> Bool {
        guard isByteExact(needle) else { return text.contains(needle) }
        switch bytesFind(text, needle) {
        case .absent:
            return false
        case .presentInASCII where needle.utf8.first != 10 && needle.utf8.last != 13:
            // In ASCII text only "\r\n" is a Character of two bytes: a match that neither
            // starts with "\n" nor ends with "\r" cannot split one.
            return true
        case .presentInASCII, .present, .unknown:
            return text.contains(needle)
        }
    }

    /// `text.firstRange(of: needle)`, the standard library's answer: by bytes when the needle is
    /// byte-exact and the text ASCII (where the first byte match is the first Character match,
    /// the needle neither starting with "\n" nor ending with "\r"), nil at once when its bytes
    /// are not there. The standard library's generic search was a fifth of
    /// `NotCodeWork.requirementReason` (a requirement's modal verb, looked for once each).
    static func firstRange(of needle: String, in text: String) -> Range<String.Index>? {
        guard isByteExact(needle), needle.utf8.first != 10, needle.utf8.last != 13 else { return text.firstRange(of: needle) }
        enum Hit { case absent, at(Int), ask }
        var needle = needle
        let hit: Hit = needle.withUTF8 { pattern in
            text.utf8.withContiguousStorageIfAvailable { haystack -> Hit in
                guard let found = Self.offset(haystack, of: pattern) else { return .absent }
                return haystack.allSatisfy { $0 < 0x80 } ? .at(found) : .ask
            } ?? .ask
        }
        switch hit {
        case .absent:
            return nil
        case .at(let found):
            let start = text.utf8.index(text.utf8.startIndex, offsetBy: found)
            return start..<text.utf8.index(start, offsetBy: needle.utf8.count)
        case .ask:
            return text.firstRange(of: needle)
        }
    }

    /// Where `pattern` (not empty) first occurs in `haystack`, in bytes.
    static func offset(_ haystack: UnsafeBufferPointer<UInt8>, of pattern: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !pattern.isEmpty, pattern.count <= haystack.count else { return nil }
        let first = pattern[0]
        var start = 0
        let last = haystack.count - pattern.count
        outer: while start <= last {
            if haystack[start] == first {
                var offset = 1
                while offset < pattern.count {
                    if haystack[start + offset] != pattern[offset] { start += 1; continue outer }
                    offset += 1
                }
                return start
            }
            start += 1
        }
        return nil
    }

    enum Found { case absent, presentInASCII, present, unknown }

    /// Whether `needle`'s UTF-8 is in `text`'s, and whether `text` is ASCII where it is.
    static func bytesFind(_ text: some StringProtocol, _ needle: String) -> Found {
        var needle = needle
        let found: Found? = needle.withUTF8 { pattern in
            text.utf8.withContiguousStorageIfAvailable { haystack -> Found in
                guard bytes(haystack, contain: pattern) else { return .absent }
                return haystack.allSatisfy { $0 < 0x80 } ? .presentInASCII : .present
            }
        }
        return found ?? .unknown
    }

    /// Whether `pattern` (not empty) occurs in `haystack`: short texts and needles, a plain scan.
    static func bytes(_ haystack: UnsafeBufferPointer<UInt8>, contain pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        offset(haystack, of: pattern) != nil
    }

    /// The last range of `needle` in `text` (a search from each match's start onwards, as
    /// `DoneMark` did), nil at once when the bytes are not there.
    static func lastRange(of needle: String, in text: Substring) -> Range<Substring.Index>? {
        if isByteExact(needle), bytesFind(text, needle) == .absent { return nil }
        var found: Range<Substring.Index>?
        var start = text.startIndex
        while let range = text[start...].firstRange(of: needle) {
            found = range
            start = text.index(after: range.lowerBound)
        }
        return found
    }
}
