@testable import AutodevCore
import AutodevTestSupport
import Testing

/// `ByteSearch` answers as the standard library does (Characters compared, canonically
/// equivalent ones equal): the spec readers' decisions must not move with it.
@Suite struct ByteSearchTests {
    /// The needles the spec readers give it.
    static let needles = ["(optional)", "[optional]", "(opcional)", "(optionnel)", "(facultatif)", "(可选)", "（可选）", "(选做)", "（选做）",
                          "template", "backup", "/openspec/changes/archive/", " - ", " – ", " — "]

    /// Texts where bytes and Characters disagree: a combining mark on the match's last letter,
    /// "\r\n" (one Character), singletons that decompose to ASCII (Kelvin sign, Greek question
    /// mark), precomposed and decomposed letters, full-width brackets.
    static let texts = [
        "", "optional", "Add login (optional)", "Add login (Optional)".lowercased(), "Add login (optional\u{301})",
        "x(optional)y", "task [optional] here", "登录（可选）", "登录(可选)", "(选做) 登录", "（选做\u{301}）",
        "specs/templates/spec-template.md", "template\u{301}", "my-backup-2", "backup", "docs/openspec/changes/archive/x.md",
        "Task 3 - Done", "Task 3 – Done", "Task 3 — Completed", "a - b - c", "a -\u{301} b", "\r\n - x", "x - \r\n",
        "\u{212A}elvin - x", "semi\u{037E} - x", "caf\u{E9} - (optional)", "cafe\u{301} - (optional)", "  -  ",
    ]

    @Test func containsAnswersAsTheStandardLibrary() {
        var random = SeededRandom(seed: 23)
        var texts = Self.texts
        // Random texts from the needles' own pieces and the troublesome scalars.
        let pieces = ["(", ")", "[", "]", "（", "）", "optional", "opcional", "template", "backup", " ", "-", "–", "—", "\r", "\n", "\r\n",
                      "\u{301}", "\u{212A}", "\u{037E}", "可选", "选做", "é", "e", "/openspec/changes/archive/", "a", "K"]
        for _ in 0..<3_000 {
            texts.append((0..<Int.random(in: 1...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
        }
        var differences: [String] = []
        for text in texts {
            for needle in Self.needles where ByteSearch.contains(text, needle) != text.contains(needle) {
                differences.append("\(text.debugDescription) ∋ \(needle.debugDescription)")
            }
            for needle in Self.needles {
                let substring = Substring(text)
                if ByteSearch.contains(substring.dropFirst(), needle) != substring.dropFirst().contains(needle) {
                    differences.append("\(text.debugDescription).dropFirst() ∋ \(needle.debugDescription)")
                }
                if ByteSearch.lastRange(of: needle, in: substring) != Self.lastRange(of: needle, in: substring) {
                    differences.append("last \(needle.debugDescription) in \(text.debugDescription)")
                }
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        // Needles it cannot answer by bytes go to the standard library.
        #expect(!ByteSearch.isByteExact("\u{212A}") && !ByteSearch.isByteExact("a;b") && !ByteSearch.isByteExact("成"))
        #expect(ByteSearch.contains("\u{212A}", "\u{212A}") && !ByteSearch.contains("K", "\u{212A}") == !"K".contains("\u{212A}"))
    }

    /// The soundness of the byte check: no scalar but itself is equal (as a Swift String, so
    /// canonically equivalent) to a scalar `isByteExact` accepts. Every scalar is looked up.
    @Test func noOtherScalarEqualsAByteExactOne() {
        var exact: Set<String> = []
        for value in UInt32(0)..<0x80 {
            let scalar = Unicode.Scalar(value)!
            if ByteSearch.isByteExact(String(scalar)) { exact.insert(String(scalar)) }
        }
        for value in ByteSearch.exactNonASCII { exact.insert(String(Unicode.Scalar(value)!)) }
        #expect(exact.count == 0x80 - 3 + ByteSearch.exactNonASCII.count)  // all ASCII but ; ` K
        // The lookup finds an equivalent of another scalar: the Kelvin sign is the letter K.
        #expect(Set(["K"]).contains("\u{212A}") && Set(["成"]).contains("\u{2F8B2}"))
        var equal: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            if let member = exact.firstIndex(of: text), exact[member].unicodeScalars.first != scalar {
                equal.append("U+\(String(value, radix: 16, uppercase: true)) = \(exact[member].debugDescription)")
            }
        }
        #expect(equal.isEmpty, "\(equal)")
    }

    /// `DoneMark`'s search from each match onwards, as it was.
    static func lastRange(of needle: String, in text: Substring) -> Range<Substring.Index>? {
        var found: Range<Substring.Index>?
        var start = text.startIndex
        while let range = text[start...].firstRange(of: needle) {
            found = range
            start = text.index(after: range.lowerBound)
        }
        return found
    }
}
