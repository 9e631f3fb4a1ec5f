@testable import AutodevCore
import AutodevMarkdown
import AutodevTestSupport
import Testing

/// The readers that went from Characters to bytes for ASCII text (path components, spec lines,
/// a modal's range, a key's words, an unmarked title, a collapsed line) answer as the
/// standard library's Character reading does, or as the code they replaced did: decisions must
/// not move with them.
@Suite struct ByteReadersTests {
    /// Texts where bytes and Characters disagree: a combining mark after a separator, "\r\n"
    /// (one Character), non-ASCII letters, empty parts, separators at the ends.
    static let texts = [
        "", "/", "//", "a", "specs/001-export/spec.md", "/specs//001-export/", "specs/b0-3/17-feature/spec.md",
        "docs/\u{301}x/y.md", "docs/é/spec.md", "docs/e\u{301}/spec.md", "规格/功能/spec.md", "a\r\nb/c", "a/b\r\n",
        "line one\nline two", "\n", "\n\n", "a\r\nb\nc", "a\n\u{301}b", "a\nb\n", "System MUST handle case 1 of the export",
        " system must handle legacy case 3 of the export ", "the system shall export", "must", " must\u{301} ", "x  must  y",
        "Feature 12", "  **Task 3**  ", "[x] Task 3", "Task 3 (Done)", "Task 3 - Done", "Task 3 -Done", "Login ✅",
        "\t tabbed\t", "__init__", "a\u{0B}b", "ＦＲ－００１ must", "K\u{212A}", "a -\u{301} b",
    ]

    /// Random texts from the separators' own pieces and the troublesome scalars.
    static func randomTexts(_ count: Int, seed: UInt64) -> [String] {
        var random = SeededRandom(seed: seed)
        let pieces = ["/", "\n", "\r", "\r\n", " ", "  ", "\t", "-", " - ", "[", "]", "(", ")", "*", "_", "\u{301}", "é", "规",
                      "must", "shall", "MUST", "x", "spec.md", "Done", "✅", "\u{212A}", "a", "FR-001"]
        return texts + (0..<count).map { _ in
            (0..<Int.random(in: 1...9, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
    }

    @Test func pathComponentsAndBaseNameSplitAsTheStandardLibrary() {
        var differences: [String] = []
        for path in Self.randomTexts(3_000, seed: 151) {
            let split = path.split(separator: "/").map(String.init)
            if SpecDocument.pathComponents(path) != split { differences.append("components of \(path.debugDescription)") }
            if SpecDocument.baseName(path) != (split.last ?? path) { differences.append("base name of \(path.debugDescription)") }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        // A combining mark after "/" is one Character with it: no separator there.
        #expect(SpecDocument.pathComponents("docs/\u{301}x/y.md") == ["docs/\u{301}x", "y.md"])
        #expect(SpecDocument.pathComponents("specs/001-x/spec.md") == ["specs", "001-x", "spec.md"])
    }

    @Test func specLinesSplitAsTheStandardLibrary() {
        var differences: [String] = []
        for text in Self.randomTexts(3_000, seed: 152) {
            let lines = Explainer.splitLines(text).map(String.init)
            if lines != text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                differences.append(text.debugDescription)
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        // "\r\n" is one Character, no "\n": not a line break to the split it replaces.
        #expect(Explainer.splitLines("a\r\nb\nc").map(String.init) == ["a\r\nb", "c"])
    }

    @Test func firstRangeAnswersAsTheStandardLibrary() {
        let needles = [" must ", " shall ", " debe ", " muss ", "must", " - ", "\n", "a\r", "\u{212A}", "规"]
        var differences: [String] = []
        for text in Self.randomTexts(3_000, seed: 153) {
            for needle in needles where ByteSearch.firstRange(of: needle, in: text) != text.firstRange(of: needle) {
                differences.append("\(needle.debugDescription) in \(text.debugDescription)")
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        let words = " system must handle case 1 "
        #expect(ByteSearch.firstRange(of: " must ", in: words).map { String(words[$0.upperBound...]) } == "handle case 1 ")
    }

    @Test func wordCountAnswersAsASplitAtSpaces() {
        var differences: [String] = []
        for key in Self.randomTexts(3_000, seed: 154) {
            for minimum in 0...7 where Explainer.wordCount(key, atLeast: minimum) != (key.split(separator: " ").count >= minimum) {
                differences.append("\(key.debugDescription) ≥ \(minimum)")
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        #expect(Explainer.wordCount("system must handle the export", atLeast: 5))
        #expect(!Explainer.wordCount("system  must   handle export ", atLeast: 5))
    }

    @Test func doneMarkSplitsAsTheCharacterLoop() {
        var differences: [String] = []
        for text in Self.randomTexts(5_000, seed: 155) {
            let fast = DoneMark.split(text), slow = Self.characterSplit(text)
            if fast.done != slow.done || fast.rest != slow.rest { differences.append(text.debugDescription) }
            let sub = Substring(text).dropFirst()
            let fastSub = DoneMark.split(sub), slowSub = Self.characterSplit(sub)
            if fastSub.done != slowSub.done || fastSub.rest != slowSub.rest { differences.append("\(text.debugDescription).dropFirst()") }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        #expect(DoneMark.split("  **Feature 12**  ").rest == "Feature 12" && DoneMark.split("Feature 12").done == nil)
        #expect(DoneMark.split("Task 3 (Done)").done == true && DoneMark.split("[ ] Task 3").done == false)
    }

    @Test func collapseAnswersAsTheByteLoop() {
        var differences: [String] = []
        for text in Self.randomTexts(3_000, seed: 156) {
            if MarkdownDocument.collapse(text) != Self.byteCollapse(text) { differences.append(text.debugDescription) }
            let sub = Substring(text).dropLast()
            if MarkdownDocument.collapse(sub) != Self.byteCollapse(sub) { differences.append("\(text.debugDescription).dropLast()") }
        }
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        #expect(MarkdownDocument.collapse(" a  b\tc ") == "a b c" && MarkdownDocument.collapse("a b") == "a b")
    }

    /// A title whose heading key is a status label always passes the pre-check that spares the
    /// key's making.
    @Test func statusLabelPreCheckPassesEveryLabelHeading() {
        var titles = Self.randomTexts(2_000, seed: 157)
        for label in StatusWords.labels {
            titles += [label, label.uppercased(), "  \(label):", "3. \(label)", "2.1 \(label.prefix(1).uppercased() + label.dropFirst())::", "**\(label)**"]
        }
        var missed: [String] = []
        for title in titles where StatusWords.labels.contains(SpecText.headingKey(title)) && !DocumentStatus.mayBeLabel(title) {
            missed.append(title.debugDescription)
        }
        #expect(missed.isEmpty, "\(missed.prefix(10))")
        #expect(DocumentStatus.mayBeLabel("## Status") && !DocumentStatus.mayBeLabel("Requirements"))
        #expect(StatusWords.labelledValue(in: "**Status:** Done") == "Done" && StatusWords.labelledValue(in: "状态：已完成") == "已完成")
        #expect(StatusWords.labelledValue(in: "Status Done") == nil)
    }

    /// `DoneMark.split` as it read every text before its ASCII shortcut (the same loop).
    static func characterSplit(_ text: some StringProtocol) -> (done: Bool?, rest: String) {
        func trimmed(_ text: Substring) -> Substring {
            var rest = text
            while let first = rest.first, first.isWhitespace || first == "*" || first == "_" { rest = rest.dropFirst() }
            while let last = rest.last, last.isWhitespace || last == "*" || last == "_" { rest = rest.dropLast() }
            return rest
        }
        func glyph(_ character: Character) -> Bool? {
            guard let scalar = character.unicodeScalars.first else { return nil }
            if DoneMark.doneGlyphs.contains(scalar) { return true }
            return DoneMark.openGlyphs.contains(scalar) ? false : nil
        }
        func trailing(_ text: Substring) -> (Bool, Substring)? {
            let pairs: [(Character, Character)] = [("(", ")"), ("[", "]"), ("\u{FF08}", "\u{FF09}"), ("\u{3010}", "\u{3011}")]
            for (open, close) in pairs where text.last == close {
                guard let start = text.lastIndex(of: open) else { continue }
                let inner = text[text.index(after: start)..<text.index(before: text.endIndex)]
                if let state = StatusWords.state(of: inner, whole: true) { return (state, text[..<start]) }
            }
            for dash in [" - ", " – ", " — "] {
                guard let range = lastRange(of: dash, in: text) else { continue }
                let tail = text[range.upperBound...]
                guard tail.count <= 24, let state = StatusWords.state(of: tail, whole: true) else { continue }
                return (state, text[..<range.lowerBound])
            }
            return nil
        }
        var rest = Substring(text)
        var done: Bool?
        func note(_ state: Bool) { done = (done ?? true) && state }
        var changed = true
        while changed {
            changed = false
            rest = trimmed(rest)
            if let first = rest.first, let state = glyph(first) { note(state); rest = rest.dropFirst(); changed = true }
            if let last = rest.last, let state = glyph(last) { note(state); rest = rest.dropLast(); changed = true }
            for (box, state) in [("[x]", true), ("[X]", true), ("[ ]", false)] where rest.hasPrefix(box) {
                note(state); rest = rest.dropFirst(3); changed = true
            }
            if let (state, before) = trailing(rest) { note(state); rest = before; changed = true }
        }
        return (done, String(trimmed(rest)))
    }

    static func lastRange(of needle: String, in text: Substring) -> Range<Substring.Index>? {
        var found: Range<Substring.Index>?
        var start = text.startIndex
        while let range = text[start...].firstRange(of: needle) {
            found = range
            start = text.index(after: range.lowerBound)
        }
        return found
    }

    /// `MarkdownDocument.collapse` as it was: every text through an array of bytes.
    static func byteCollapse(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        var pendingSpace = false
        for byte in text.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                pendingSpace = !bytes.isEmpty
            } else {
                if pendingSpace { bytes.append(0x20) }
                pendingSpace = false
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
