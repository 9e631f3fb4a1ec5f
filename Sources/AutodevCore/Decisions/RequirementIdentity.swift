/// What makes two requirements the same requirement: their content, not their number.
///
/// A spec renumbers (FR-011 → FR-038 → FR-041), a feature copies the requirements of the one
/// before it, a cross-reference inside the text follows the renumbering ("see FR-011" → "see
/// FR-038"), a person fixes case or punctuation: none of that is new work. The content key is
/// the text with case, whitespace, punctuation, markup and requirement ids taken out; equal
/// keys, the same requirement. Numbers that are not ids ("30 days") stay: they are content.
///
/// Nearly equal texts (a word edited) are the same requirement *changed*: it keeps its history
/// (its old key, its links, its implementation) and its change is work. `nearThreshold` is the
/// Jaccard similarity of word-pair shingles (CJK text one word per character) above which two
/// texts are paired as one requirement; it was measured on the pairs in
/// `RequirementIdentityTests` and `TriageHTTPTests` (English, Spanish, Chinese): one edited word
/// in a requirement of 10–20 words scores 0.67–0.85, a rewording of two or three words
/// 0.53–0.56, two requirements of one spec written from one template ("System MUST allow users
/// to …") 0.21–0.38. From `unsureThreshold` up, an edited requirement decided as work carries a
/// doubt that a configured provider may settle (triage).
enum RequirementIdentity {
    public static let nearThreshold = 0.6
    public static let unsureThreshold = 0.45

    /// The normalized text: lower-cased, ids, markup, punctuation and extra space removed.
    /// Empty for a requirement with no text (its key is then all it has).
    public static func contentKey(_ text: String) -> String {
        words(text).joined(separator: " ")
    }

    /// The words of `text` as identity reads them: lower-cased runs of letters and digits;
    /// each CJK character a word of its own (those scripts put no space between words); ids
    /// (`FR-011`, `T004`, `US1`, `REQ-2.1`: letters and digits together) dropped.
    public static func words(_ text: String) -> [String] {
        // Nearly all spec text is ASCII: read its bytes (the same words, `RequirementIdentityTests`
        // compares both readings), not Characters, which cost most of a sync's deciding.
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? asciiWords(bytes) : nil
        }
        if let ascii, let ascii { return ascii }
        return characterWords(text)
    }

    /// `words` read Character by Character: any text.
    static func characterWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            if !isID(current) { words.append(current) }
            current = ""
        }
        var previous: Character?
        for character in text.lowercased() {
            defer { previous = character }
            if isCJK(character) {
                flush()
                words.append(String(character))
            } else if character.isLetter || character.isNumber {
                current.append(character)
            } else if (character == "-" || character == "." || character == "_"), !current.isEmpty,
                      previous.map({ $0.isLetter || $0.isNumber }) == true {
                // Inside an id (`FR-011`, `REQ-2.1`): kept together so the whole id is dropped.
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        // Separators left at the end of a word (`done.`) or inside a plain word (`per-user`).
        return words.flatMap { word -> [String] in
            let parts = word.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "_" }).map(String.init)
            return parts.filter { !$0.isEmpty }
        }
    }

    /// `words` of ASCII text, read byte by byte. In ASCII each byte is a Character ("\r\n"
    /// apart, which separates words either way), letters are A–Z and a–z, numbers 0–9, and a
    /// word is a run of the text, lower-cased.
    static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var words: [String] = []
        func isLetterOrDigit(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
        }
        func isSeparator(_ byte: UInt8) -> Bool { byte == 0x2D || byte == 0x2E || byte == 0x5F }  // - . _
        var start = -1
        var token: [UInt8] = []
        func flush(_ end: Int) {
            guard start >= 0 else { return }
            token.removeAll(keepingCapacity: true)
            for index in start..<end {
                let byte = bytes[index]
                token.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            }
            start = -1
            if isASCIIID(token) { return }
            // Separators left at the end of a word (`done.`) or inside a plain word (`per-user`).
            var partStart = 0
            for index in 0...token.count where index == token.count || isSeparator(token[index]) {
                if index > partStart { words.append(String(decoding: token[partStart..<index], as: UTF8.self)) }
                partStart = index + 1
            }
        }
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if isLetterOrDigit(byte) {
                if start < 0 { start = index }
            } else if isSeparator(byte), start >= 0, isLetterOrDigit(bytes[index - 1]) {
                // Inside an id (`FR-011`, `REQ-2.1`): kept together so the whole id is dropped.
                continue
            } else {
                flush(index)
            }
        }
        flush(bytes.count)
        return words
    }

    /// `isID` of a lower-cased ASCII token.
    static func isASCIIID(_ token: [UInt8]) -> Bool {
        var letters = 0
        while letters < token.count, token[letters] >= 0x61, token[letters] <= 0x7A { letters += 1 }
        guard letters > 0, letters <= 5, idPrefixes.contains(String(decoding: token[0..<letters], as: UTF8.self)) else { return false }
        var rest = letters
        while rest < token.count, token[rest] == 0x2D || token[rest] == 0x5F { rest += 1 }
        guard rest < token.count, token[rest] >= 0x30, token[rest] <= 0x39 else { return false }
        return token[rest...].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }
    }

    /// A requirement id as specs cite each other: a known prefix and a number (`fr-011`,
    /// `t004`, `us1`, `req-2.1`, `wp06`). Other letter-digit words (`sha256`, `oauth2`, `ipv6`)
    /// are content: a change from `sha256` to `sha512` is a change.
    static func isID(_ token: String) -> Bool {
        let letters = token.prefix { $0.isLetter }
        guard idPrefixes.contains(String(letters)) else { return false }
        let rest = token.dropFirst(letters.count).drop { $0 == "-" || $0 == "_" }
        return rest.first?.isNumber == true && rest.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" }
    }

    /// SpecParser's defining prefixes, task, story and work-package ids, lower-cased.
    static let idPrefixes: Set<String> = [
        "fr", "nfr", "req", "r", "br", "ur", "sr", "qr", "sc", "ac", "c", "kdd", "adr", "dec", "d",
        "t", "us", "wp", "task", "story", "uc", "tc",
    ]

    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FFFF: return true
        default: return false
        }
    }

    /// Jaccard similarity of the word-pair shingles of two texts (1 for equal content keys).
    public static func similarity(_ a: String, _ b: String) -> Double {
        similarity(words(a), words(b))
    }

    static func similarity(_ a: [String], _ b: [String]) -> Double {
        if a == b { return 1 }
        return Similarity.jaccard(Similarity.shingles(a), Similarity.shingles(b))
    }

    /// Up to three of the longest distinct words identity reads in the text (`words`: ids such
    /// as `FR-011` dropped, so a renumbered copy holds the same ones; ASCII words only, at most
    /// 12 characters of each), to look for in a file's bytes (ASCII lowercased) before parsing
    /// it: a file that holds a copy of the text holds every one of them. A text with no such word
    /// (CJK) falls back to its longest run of letters. Empty when nothing of three characters or
    /// more is there. One word was not enough: the longest word of ordinary spec prose
    /// ("system", "requirement") is in nearly every spec, so every untouched spec was parsed on
    /// every run.
    static func needles(_ text: String) -> [[UInt8]] {
        let ascii = Set(words(text).filter { $0.count >= 3 && $0.allSatisfy(\.isASCII) }.map { $0.prefix(12) })
        let longest = ascii.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }.prefix(3)
        if !longest.isEmpty { return longest.map { Array($0.utf8) } }
        var best: Substring = ""
        for word in text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) where word.count > best.count {
            best = word
        }
        guard best.count >= 3 else { return [] }
        return [Array(best.prefix(12).utf8).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }]
    }
}

extension Requirement {
    /// Its text as identity reads it (`RequirementIdentity.contentKey`); empty when it has no
    /// text of its own (a title alone, "Overview", identifies nothing).
    public var contentKey: String {
        RequirementIdentity.contentKey(text)
    }
}
