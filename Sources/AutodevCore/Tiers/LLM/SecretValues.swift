/// The secret values autodev itself holds — each provider's key (from the variable its
/// `api_key_env` names) and any other variable of its environment with a secret's name
/// (`*_API_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, …) — and the forms in which code that read
/// one could print it: as is, base64 (standard and URL-safe, at each of the three alignments a
/// value can have inside a longer encoded text), hex (both cases) and URL-encoded.
///
/// Patterns (`SecretScanner`) find keys of known shapes; this finds *these* keys whatever their
/// shape, and also a value cut short (a title truncated in the middle of a key): any run of at
/// least `minimumMatch` bytes of a form is replaced.
struct SecretValues: Sendable, Equatable {
    /// Shorter values are not scrubbed: replacing every `k` or `test` would destroy the text and
    /// protect nothing (such a value is not a secret worth the name).
    public static let minimumLength = 8
    /// A value's prefix this long is treated as the value (12 bytes of a key are enough to look
    /// it up; shorter runs of a common key prefix like `sk-proj-` are everywhere).
    public static let minimumMatch = 16

    /// Every form of every value, longest first.
    public let needles: [[UInt8]]
    /// How many secret values these forms come from.
    public let count: Int
    /// First-two-byte filter over `needles`: most positions of a text start no needle.
    private let starts: [Bool]

    public static let none = SecretValues(values: [])

    /// The values, each turned into its encoded forms.
    public init(values: [String]) {
        var forms: Set<[UInt8]> = []
        var distinct: Set<String> = []
        for value in values where value.utf8.count >= Self.minimumLength {
            guard distinct.insert(value).inserted else { continue }
            for form in Self.forms(of: Array(value.utf8)) where form.count >= min(Self.minimumMatch, value.utf8.count) {
                forms.insert(form)
            }
        }
        needles = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        count = distinct.count
        var starts = [Bool](repeating: false, count: 65_536)
        for needle in needles where needle.count >= 2 { starts[Int(needle[0]) << 8 | Int(needle[1])] = true }
        self.starts = starts
    }

    /// The values autodev knows in `environment`: every provider's key and every variable whose
    /// name says it holds a secret.
    public init(providers: [ProviderConfig], environment: [String: String]) {
        var values: [String] = []
        for provider in providers {
            if let name = provider.apiKeyEnv, let value = environment[name] { values.append(value) }
        }
        // A path is not a secret, whatever its variable is called (`SSH_KEY=/root/.ssh/id_rsa`):
        // taken as one, it would scrub `/usr/bin` from every output.
        for (name, value) in environment where SecretNames.isSecret(name) && !value.hasPrefix("/") && !value.hasPrefix("~") {
            values.append(value)
        }
        self.init(values: values)
    }

    public static func == (lhs: SecretValues, rhs: SecretValues) -> Bool { lhs.needles == rhs.needles }

    /// Whether `text` holds one of the values (in any form).
    public func occurs(in text: String) -> Bool {
        !matches(Array(text.utf8)).isEmpty
    }

    /// The byte ranges of `bytes` to replace, in order, not overlapping.
    func matches(_ bytes: [UInt8]) -> [Range<Int>] {
        guard !needles.isEmpty, bytes.count >= 2 else { return [] }
        var found: [Range<Int>] = []
        var index = 0
        let count = bytes.count
        while index + 1 < count {
            guard starts[Int(bytes[index]) << 8 | Int(bytes[index + 1])] else {
                index += 1
                continue
            }
            var best = 0
            for needle in needles where needle[0] == bytes[index] && needle[1] == bytes[index + 1] {
                var length = 0
                while length < needle.count, index + length < count, bytes[index + length] == needle[length] { length += 1 }
                if length >= min(Self.minimumMatch, needle.count), length > best { best = length }
            }
            if best > 0 {
                found.append(index..<(index + best))
                index += best
            } else {
                index += 1
            }
        }
        return found
    }

    /// `text` with every run of a known value replaced by `replacement`, and how many there were.
    public func scrub(_ text: String, replacement: String = "[REDACTED \(SecretKind.knownValue.rawValue)]") -> (text: String, count: Int) {
        let bytes = Array(text.utf8)
        let found = matches(bytes)
        guard !found.isEmpty else { return (text, 0) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        for range in found {
            out += bytes[copied..<range.lowerBound]
            out += replacement.utf8
            copied = range.upperBound
        }
        out += bytes[copied...]
        return (String(decoding: out, as: UTF8.self), found.count)
    }

    // MARK: Forms

    static func forms(of value: [UInt8]) -> [[UInt8]] {
        var forms: [[UInt8]] = [value]
        forms.append(Array(hex(value, upper: false).utf8))
        forms.append(Array(hex(value, upper: true).utf8))
        // RFC 3986 encoders keep `-._~`; others (Foundation's `.alphanumerics`) escape them too.
        for encoded in [percentEncoded(value, keeping: Array("-._~".utf8)), percentEncoded(value, keeping: [])] where encoded != value {
            forms.append(encoded)
            forms.append(Array(String(decoding: encoded, as: UTF8.self).lowercasedPercentEscapes().utf8))
        }
        for alignment in 0..<3 {
            let standard = base64Core(value, alignment: alignment, alphabet: standardAlphabet)
            forms.append(standard)
            let safe = base64Core(value, alignment: alignment, alphabet: urlSafeAlphabet)
            if safe != standard { forms.append(safe) }
        }
        return forms.filter { !$0.isEmpty }
    }

    static func hex(_ bytes: [UInt8], upper: Bool) -> String {
        let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Everything but letters, digits and `keeping` as `%XX`.
    static func percentEncoded(_ bytes: [UInt8], keeping: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte)
            default:
                if keeping.contains(byte) { out.append(byte) } else { out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
            }
        }
        return out
    }

    static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlSafeAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The base64 characters that depend on the value alone when it starts `alignment` bytes
    /// into a 3-byte group: whatever precedes or follows it in the encoded text, these appear.
    static func base64Core(_ value: [UInt8], alignment: Int, alphabet: [UInt8]) -> [UInt8] {
        let padded = [UInt8](repeating: 0, count: alignment) + value
        let firstBit = alignment * 8, endBit = padded.count * 8
        var out: [UInt8] = []
        var bit = 0
        while bit + 6 <= endBit {
            if bit >= firstBit {
                var sextet = 0
                for offset in 0..<6 {
                    let position = bit + offset
                    let set = (padded[position / 8] >> (7 - UInt8(position % 8))) & 1
                    sextet = sextet << 1 | Int(set)
                }
                out.append(alphabet[sextet])
            }
            bit += 6
        }
        return out
    }
}

extension String {
    /// `%2F` → `%2f`: some encoders write lower-case escapes.
    func lowercasedPercentEscapes() -> String {
        var out = ""
        var pending = 0
        for character in self {
            if character == "%" {
                pending = 2
                out.append(character)
            } else if pending > 0 {
                pending -= 1
                out += character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
