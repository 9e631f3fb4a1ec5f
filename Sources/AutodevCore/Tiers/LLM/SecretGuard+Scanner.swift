import Foundation

/// One left-to-right pass over a text's bytes that finds the secrets `SecretGuard` redacts and
/// the generic values it reports. Each rule starts with a fixed prefix, so a byte switch picks
/// the few rules worth trying at a position.
struct SecretScanner {
    struct Match: Equatable {
        var start: Int
        var end: Int
        var kind: SecretKind
    }

    let bytes: [UInt8]
    private(set) var matches: [Match] = []
    private(set) var suspects: [SuspectedSecret] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    private static let genericNames: [[UInt8]] = ["password", "passwd", "secret", "token", "api_key", "apikey", "api-key",
                                                  "access_key", "private_key", "credential"].map { Array($0.utf8) }

    mutating func run() {
        let count = bytes.count
        var index = 0
        var line = 1
        var lastSuspectLine = 0
        while index < count {
            let byte = bytes[index]
            if byte == 10 {
                line += 1
                index += 1
                continue
            }
            let boundary = index == 0 || !Self.isWord(bytes[index - 1])
            var found: Match?
            switch byte {
            case UInt8(ascii: "A"):
                if boundary { found = awsAccessKey(index) ?? googleKey(index) }
            case UInt8(ascii: "g"):
                if boundary { found = github(index) ?? gitlab(index) }
            case UInt8(ascii: "s"):
                if boundary { found = anthropic(index) ?? openai(index) ?? stripe(index, first: "s") }
            case UInt8(ascii: "r"):
                if boundary { found = stripe(index, first: "r") }
            case UInt8(ascii: "x"):
                if boundary { found = slackToken(index) }
            case UInt8(ascii: "h"):
                found = slackWebhook(index)
            case UInt8(ascii: "n"):
                if boundary { found = prefixed(index, "npm_", minimum: 36, kind: .npmToken, allowed: Self.isAlnum) }
            case UInt8(ascii: "e"):
                if boundary { found = jwt(index) }
            case UInt8(ascii: "-"):
                found = privateKey(index)
            default:
                break
            }
            if found == nil, byte | 0x20 == UInt8(ascii: "a"), has(index, "aws", caseless: true), index == 0 || !Self.isLetter(bytes[index - 1]) {
                found = awsSecret(after: index)
            }
            if let match = found {
                matches.append(match)
                for position in index..<match.end where bytes[position] == 10 { line += 1 }
                index = match.end
                continue
            }
            if line != lastSuspectLine, Self.isLetter(byte), let name = genericName(index) {
                if suspectValue(after: index + name.count) {
                    suspects.append(SuspectedSecret(line: line, name: identifier(around: index)))
                    lastSuspectLine = line
                }
            }
            index += 1
        }
    }

    // MARK: Rules

    private func awsAccessKey(_ start: Int) -> Match? {
        for prefix in ["AKIA", "ASIA", "ABIA", "ACCA"] where has(start, prefix) {
            return exact(start, prefixLength: 4, length: 16, kind: .awsAccessKey) { Self.isUpper($0) || ($0 >= 50 && $0 <= 55) }
        }
        if has(start, "A3T"), start + 3 < bytes.count, Self.isUpper(bytes[start + 3]) || Self.isDigit(bytes[start + 3]) {
            return exact(start, prefixLength: 4, length: 16, kind: .awsAccessKey) { Self.isUpper($0) || ($0 >= 50 && $0 <= 55) }
        }
        return nil
    }

    private func googleKey(_ start: Int) -> Match? {
        guard has(start, "AIza") else { return nil }
        return exact(start, prefixLength: 4, length: 35, kind: .googleAPIKey, allowed: Self.isURLSafe)
    }

    private func github(_ start: Int) -> Match? {
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] where has(start, prefix) {
            return prefixed(start, prefix, minimum: 36, kind: .githubToken, allowed: Self.isAlnum)
        }
        return prefixed(start, "github_pat_", minimum: 80, kind: .githubToken, allowed: Self.isWord)
    }

    private func gitlab(_ start: Int) -> Match? {
        prefixed(start, "glpat-", minimum: 20, kind: .gitlabToken, allowed: Self.isURLSafe)
    }

    private func anthropic(_ start: Int) -> Match? {
        prefixed(start, "sk-ant-", minimum: 32, kind: .anthropicKey, allowed: Self.isURLSafe)
    }

    /// `sk-…` and `sk-proj-…`: 32 or more URL-safe characters mixing upper case, lower case and
    /// digits (so a CSS class or a slug is not taken for a key).
    private func openai(_ start: Int) -> Match? {
        guard has(start, "sk-") else { return nil }
        var end = start + 3
        var upper = false, lower = false, digit = false
        while end < bytes.count, Self.isURLSafe(bytes[end]) {
            let byte = bytes[end]
            if Self.isUpper(byte) { upper = true } else if Self.isDigit(byte) { digit = true } else if Self.isLetter(byte) { lower = true }
            end += 1
        }
        guard end - start - 3 >= 32, upper, lower, digit else { return nil }
        return Match(start: start, end: end, kind: .openaiKey)
    }

    private func stripe(_ start: Int, first: Character) -> Match? {
        for mode in ["live", "test", "prod"] {
            let prefix = "\(first)k_\(mode)_"
            if has(start, prefix) { return prefixed(start, prefix, minimum: 10, kind: .stripeKey, allowed: Self.isAlnum) }
        }
        return nil
    }

    private func slackToken(_ start: Int) -> Match? {
        if has(start, "xapp-") { return prefixed(start, "xapp-", minimum: 10, kind: .slackToken, allowed: Self.isAlnumDash) }
        guard has(start, "xox"), start + 4 < bytes.count, "baprse".utf8.contains(bytes[start + 3]), bytes[start + 4] == UInt8(ascii: "-") else {
            return nil
        }
        return prefixed(start, String(decoding: bytes[start..<(start + 5)], as: UTF8.self), minimum: 10, kind: .slackToken,
                        allowed: Self.isAlnumDash)
    }

    private func slackWebhook(_ start: Int) -> Match? {
        guard has(start, "hooks.slack.com/") else { return nil }
        var cursor = start + 16
        guard let kind = ["services/", "workflows/", "triggers/"].first(where: { has(cursor, $0) }) else { return nil }
        cursor += kind.utf8.count
        let tail = cursor
        while cursor < bytes.count, Self.isAlnum(bytes[cursor]) || "+/_-".utf8.contains(bytes[cursor]) { cursor += 1 }
        guard cursor - tail >= 20 else { return nil }
        var from = start
        if start >= 8, has(start - 8, "https://") { from = start - 8 } else if start >= 7, has(start - 7, "http://") { from = start - 7 }
        return Match(start: from, end: cursor, kind: .slackWebhook)
    }

    /// Three base64url parts, the first two JSON objects (`eyJ`); the signature may be absent.
    private func jwt(_ start: Int) -> Match? {
        guard has(start, "eyJ") else { return nil }
        var cursor = start
        let header = run(from: cursor, Self.isURLSafe)
        guard header - cursor >= 20, header < bytes.count, bytes[header] == UInt8(ascii: "."), has(header + 1, "eyJ") else { return nil }
        cursor = header + 1
        let payload = run(from: cursor, Self.isURLSafe)
        guard payload - cursor >= 20 else { return nil }
        var end = payload
        if payload < bytes.count, bytes[payload] == UInt8(ascii: ".") {
            let signature = run(from: payload + 1, Self.isURLSafe)
            if signature - payload - 1 >= 10 {
                end = signature
                while end < bytes.count, end < signature + 2, bytes[end] == UInt8(ascii: "=") { end += 1 }
            }
        }
        return Match(start: start, end: end, kind: .jwt)
    }

    /// `-----BEGIN … PRIVATE KEY-----` through its `-----END … PRIVATE KEY-----` line (or the
    /// end of the text, when the block is cut).
    private func privateKey(_ start: Int) -> Match? {
        guard has(start, "-----BEGIN") else { return nil }
        var lineEnd = start
        while lineEnd < bytes.count, bytes[lineEnd] != 10, lineEnd - start < 80 { lineEnd += 1 }
        guard (start..<lineEnd).contains(where: { has($0, "PRIVATE KEY-----") }) else { return nil }
        var cursor = lineEnd
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "-"), has(cursor, "-----END") {
                var end = cursor + 8
                while end < bytes.count, bytes[end] != 10 {
                    if has(end, "KEY-----") { return Match(start: start, end: end + 8, kind: .privateKey) }
                    end += 1
                }
            }
            cursor += 1
        }
        return Match(start: start, end: bytes.count, kind: .privateKey)
    }

    /// A 40-character secret access key assigned on a line that names AWS and a secret
    /// (`aws_secret_access_key = …`, `AWS_SECRET_ACCESS_KEY: …`).
    private func awsSecret(after start: Int) -> Match? {
        var lineEnd = start
        while lineEnd < bytes.count, bytes[lineEnd] != 10 { lineEnd += 1 }
        var cursor = start + 3
        var sawSecret = false
        while cursor < lineEnd {
            let byte = bytes[cursor]
            if byte | 0x20 == UInt8(ascii: "s"), has(cursor, "secret", caseless: true) { sawSecret = true }
            if sawSecret, byte == UInt8(ascii: "=") || byte == UInt8(ascii: ":") { break }
            cursor += 1
        }
        guard sawSecret, cursor < lineEnd else { return nil }
        while cursor < lineEnd, " \t=:>\"'".utf8.contains(bytes[cursor]) { cursor += 1 }
        let end = run(from: cursor) { Self.isAlnum($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "+") }
        guard end - cursor == 40 else { return nil }
        return Match(start: cursor, end: end, kind: .awsSecretKey)
    }

    // MARK: Generic values

    private func genericName(_ start: Int) -> [UInt8]? {
        let previous = start == 0 ? 0 : bytes[start - 1]
        let camelHump = Self.isUpper(bytes[start]) && previous >= 97 && previous <= 122
        guard start == 0 || !Self.isLetter(previous) || camelHump else { return nil }
        for name in Self.genericNames where has(start, name, caseless: true) { return name }
        return nil
    }

    /// After a secret-sounding name: the rest of the identifier, an assignment, then a literal
    /// of 12 to 200 characters with ≥ 3.5 bits of entropy per character, letters and digits or
    /// symbols, no spaces, that is not code (`$VAR`, `env(…)`, `{{ … }}`).
    private func suspectValue(after nameEnd: Int) -> Bool {
        var cursor = run(from: nameEnd) { Self.isWord($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        cursor = run(from: cursor) { $0 == 32 || $0 == 9 || $0 == 34 || $0 == 39 || $0 == 93 }
        guard cursor < bytes.count else { return false }
        if bytes[cursor] == UInt8(ascii: ":") {
            cursor += 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") { cursor += 1 }
        } else if bytes[cursor] == UInt8(ascii: "=") {
            cursor += 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") { return false }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ">") { cursor += 1 }
        } else {
            return false
        }
        cursor = run(from: cursor) { $0 == 32 || $0 == 9 }
        // A type annotation (`let apiToken: String = "…"`): the value follows its `=`.
        let type = run(from: cursor) { Self.isWord($0) || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "!") }
        if type > cursor {
            let equals = run(from: type) { $0 == 32 || $0 == 9 }
            if equals < bytes.count, bytes[equals] == UInt8(ascii: "="), equals + 1 < bytes.count, bytes[equals + 1] != UInt8(ascii: "=") {
                cursor = run(from: equals + 1) { $0 == 32 || $0 == 9 }
            }
        }
        guard cursor < bytes.count else { return false }
        var end: Int
        var quoted = false
        if bytes[cursor] == 34 || bytes[cursor] == 39 {
            let quote = bytes[cursor]
            cursor += 1
            end = run(from: cursor) { $0 != quote && $0 != 10 }
            guard end < bytes.count, bytes[end] == quote else { return false }
            quoted = true
        } else {
            end = run(from: cursor) { $0 > 32 && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ")") && $0 != UInt8(ascii: "}") }
        }
        let value = bytes[cursor..<end]
        guard (12...200).contains(value.count), let first = value.first, !"$({%<[".utf8.contains(first),
              !value.contains(32), !value.contains(UInt8(ascii: "(")) else { return false }
        // A bare value with brackets, quotes or member access (`os.environ["X"]`) is code.
        if !quoted, value.contains(where: { "[]\"'".utf8.contains($0) }) || (value.contains(UInt8(ascii: ".")) && !value.contains(where: Self.isDigit)) {
            return false
        }
        let letters = value.contains(where: Self.isLetter)
        let others = value.contains(where: { !Self.isLetter($0) })
        return letters && others && Self.entropy(value) >= 3.5
    }

    /// The identifier the generic name sits in (`DB_PASSWORD` for `PASSWORD`), for the report.
    private func identifier(around index: Int) -> String {
        var start = index
        while start > 0, Self.isWord(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
        let end = run(from: index) { Self.isWord($0) || $0 == UInt8(ascii: "-") }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func entropy(_ value: ArraySlice<UInt8>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in value { counts[Int(byte)] += 1 }
        let total = Double(value.count)
        var bits = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            bits -= p * log2(p)
        }
        return bits
    }

    // MARK: Helpers

    private func has(_ start: Int, _ literal: String, caseless: Bool = false) -> Bool {
        has(start, Array(literal.utf8), caseless: caseless)
    }

    private func has(_ start: Int, _ literal: [UInt8], caseless: Bool = false) -> Bool {
        guard start >= 0, start + literal.count <= bytes.count else { return false }
        for offset in 0..<literal.count {
            var byte = bytes[start + offset]
            if caseless, Self.isUpper(byte) { byte |= 0x20 }
            if byte != literal[offset] { return false }
        }
        return true
    }

    private func run(from start: Int, _ allowed: (UInt8) -> Bool) -> Int {
        var end = start
        while end < bytes.count, allowed(bytes[end]) { end += 1 }
        return end
    }

    /// The prefix, then at least `minimum` allowed bytes (all of the run is taken).
    private func prefixed(_ start: Int, _ prefix: String, minimum: Int, kind: SecretKind, allowed: (UInt8) -> Bool) -> Match? {
        guard has(start, prefix) else { return nil }
        let tail = start + prefix.utf8.count
        let end = run(from: tail, allowed)
        return end - tail >= minimum ? Match(start: start, end: end, kind: kind) : nil
    }

    /// The prefix, then exactly `length` allowed bytes, then no further allowed byte.
    private func exact(_ start: Int, prefixLength: Int, length: Int, kind: SecretKind, allowed: (UInt8) -> Bool) -> Match? {
        let tail = start + prefixLength
        let end = run(from: tail, allowed)
        guard end - tail == length, end == bytes.count || !Self.isAlnum(bytes[end]) else { return nil }
        return Match(start: start, end: end, kind: kind)
    }

    static func isUpper(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
    static func isAlnum(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
    static func isWord(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == 95 }
    static func isURLSafe(_ byte: UInt8) -> Bool { isWord(byte) || byte == 45 }
    static func isAlnumDash(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == 45 }
}
