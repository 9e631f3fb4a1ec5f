/// Finds the names of the test functions in a test file, by language conventions.
///
/// A deliberately simple line scanner: it recognises XCTest `func test…`, Swift Testing `@Test`,
/// pytest `def test_…` (qualified by their `class`), Rust `#[test]`-style attributes, Go
/// `func TestX(t *testing.T)`, JS/TS `it(…)`/`test(…)` titles, JUnit/Kotlin `@Test`, C# `[Fact]`
/// /`[Test]`, PHPUnit `function test…` and RSpec/minitest `it "…"`/`def test_…`.
///
/// A test its author disabled is not a test to pass: JS/TS `it.skip`/`test.todo`/`xit` and every
/// test in a `describe.skip`/`xdescribe` block (the block is what its indentation holds), pytest
/// `@pytest.mark.skip`/`@unittest.skip` on the test or its class, Rust `#[ignore]`. It is named
/// when it is enabled: a public TypeScript history wrote its tests first in `describe.skip`
/// ("TDD RED phase") and 90 of them became "implement what it expects" before the story that
/// enables them, with its code, was due.
enum TestFunctionScanner {
    public enum Language: Sendable {
        case swift, python, rust, go, javascript, jvm, csharp, php, ruby
    }

    public static func language(forPath path: String) -> Language? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "swift": return .swift
        case "py": return .python
        case "rs": return .rust
        case "go": return .go
        case "js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts": return .javascript
        case "java", "kt", "kts", "scala", "groovy": return .jvm
        case "cs": return .csharp
        case "php": return .php
        case "rb": return .ruby
        default: return nil
        }
    }

    /// Test names in order of appearance (a name repeated in a file appears repeatedly).
    public static func testNames(in text: String, language: Language) -> [String] {
        testNames(in: Array(text.utf8), language: language)
    }

    /// Test names in a file's bytes. Lines are split on LF (a CR before it is trimmed), and only
    /// lines that contain one of the language's markers are decoded and looked at: in a typical
    /// test file that is a few lines in a hundred, which keeps this cheap on ranges that touch
    /// thousands of test files.
    public static func testNames(in bytes: [UInt8], language: Language) -> [String] {
        var state = ScanState()
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var lineStart = 0
            while lineStart <= count {
                var lineEnd = lineStart
                while lineEnd < count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                var indent = 0, start = lineStart
                while start < lineEnd, buffer[start] == 0x20 || buffer[start] == 0x09 { indent += 1; start += 1 }
                while start < lineEnd, buffer[start] == 0x20 || buffer[start] == 0x09 || buffer[start] == 0x0D { start += 1 }
                var end = lineEnd
                while end > start, buffer[end - 1] == 0x20 || buffer[end - 1] == 0x09 || buffer[end - 1] == 0x0D { end -= 1 }
                if end > start {
                    let line = Slice(base: buffer, bounds: start..<end)
                    if mayMatter(line, language: language, state: &state, indent: indent) {
                        scan(String(decoding: line, as: UTF8.self), indent: indent, language: language, state: &state)
                    }
                }
                lineStart = lineEnd + 1
            }
        }
        return state.names
    }

    private struct ScanState {
        var names: [String] = []
        var pendingAttribute = false
        /// A skip mark (decorator, attribute) waiting for the test or class it applies to.
        var pendingSkip = false
        var classes: [(indent: Int, name: String, skipped: Bool)] = []
        /// The indentation of the JS/TS block its author disabled (`describe.skip(`), while inside it.
        var skippedBlock: Int?
    }

    /// Whether a trimmed line can name a test or change the scanner's state. It must say yes to
    /// every line `scan` would act on (it may say yes to more). Python's class nesting follows
    /// every line's indentation, so that is kept here for the lines not decoded.
    private static func mayMatter(_ line: Slice<UnsafeBufferPointer<UInt8>>, language: Language,
                                  state: inout ScanState, indent: Int) -> Bool {
        switch language {
        case .swift:
            return !line.starts(with: "//".utf8) && (contains(line, "func ") || contains(line, "@Test"))
        case .python:
            if line.first == UInt8(ascii: "#") { return false }
            while let last = state.classes.last, indent <= last.indent { state.classes.removeLast() }
            return line.starts(with: "class ".utf8) || line.starts(with: "def ".utf8) || line.starts(with: "async def ".utf8)
                || (line.first == UInt8(ascii: "@") && contains(line, "skip"))
        case .rust:
            return !line.starts(with: "//".utf8) && (line.starts(with: "#[".utf8) || contains(line, "fn "))
        case .go:
            return line.starts(with: "func ".utf8)
        case .javascript:
            if let block = state.skippedBlock, indent <= block { state.skippedBlock = nil }
            return !line.starts(with: "//".utf8) && contains(line, "(")
                && (contains(line, "it") || contains(line, "test") || contains(line, "skip") || contains(line, "xdescribe") || contains(line, "xcontext"))
        case .jvm, .csharp:
            return !line.starts(with: "//".utf8) && (state.pendingAttribute || line.first == UInt8(ascii: "@") || line.first == UInt8(ascii: "["))
        case .php:
            return contains(line, "function ")
        case .ruby:
            return line.starts(with: "def ".utf8) || line.starts(with: "it ".utf8) || line.starts(with: "it(".utf8) || line.starts(with: "test ".utf8)
        }
    }

    /// Whether `line` contains the ASCII `needle`.
    private static func contains(_ line: Slice<UnsafeBufferPointer<UInt8>>, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard count > 0, line.count >= count else { return count == 0 }
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: count)
        let first = pattern[0]
        var index = line.startIndex
        let last = line.endIndex - count
        while index <= last {
            if line[index] == first {
                var matched = 1
                while matched < count, line[index + matched] == pattern[matched] { matched += 1 }
                if matched == count { return true }
            }
            index += 1
        }
        return false
    }

    /// One trimmed, non-empty line that `mayMatter` let through.
    private static func scan(_ line: String, indent: Int, language: Language, state: inout ScanState) {
        var pendingAttribute: Bool {
            get { state.pendingAttribute }
            set { state.pendingAttribute = newValue }
        }
        switch language {
        case .swift:
            if line.hasPrefix("//") { return }
            if containsWord(line, "@Test") { pendingAttribute = true }
            if let name = identifier(after: "func ", in: line) {
                if pendingAttribute || (name.hasPrefix("test") && line.contains("(")) {
                    state.names.append(name)
                }
                pendingAttribute = false
            }
        case .python:
            // Comments were skipped and the class nesting updated by `mayMatter`.
            if line.hasPrefix("@") {
                // `@pytest.mark.skip(…)`, `@unittest.skip(…)`, `@skip`: not `skipif`, whose condition may not hold.
                let decorator = line.prefix { $0 != "(" }
                if decorator == "@skip" || decorator.hasSuffix(".skip") { state.pendingSkip = true }
                return
            }
            if let name = identifier(after: "class ", in: line), line.hasPrefix("class ") {
                let inSkipped = state.classes.last { $0.indent < indent }?.skipped ?? false
                state.classes.append((indent, name, state.pendingSkip || inSkipped))
                state.pendingSkip = false
                return
            }
            let definition = line.hasPrefix("async def ") ? String(line.dropFirst(6)) : line
            if definition.hasPrefix("def "), let name = identifier(after: "def ", in: definition) {
                defer { state.pendingSkip = false }
                guard name.hasPrefix("test") else { return }
                let owner = state.classes.last { $0.indent < indent }
                if state.pendingSkip || owner?.skipped == true { return }
                state.names.append(owner.map { "\($0.name).\(name)" } ?? name)
            }
        case .rust:
            if line.hasPrefix("//") { return }
            if line.hasPrefix("#[ignore") { state.pendingSkip = true; return }
            if line.hasPrefix("#["), line.contains("test") { pendingAttribute = true; return }
            if pendingAttribute, let name = identifier(after: "fn ", in: line) {
                if !state.pendingSkip { state.names.append(name) }
                pendingAttribute = false
                state.pendingSkip = false
            }
        case .go:
            if line.hasPrefix("func ") {
                var rest = line.dropFirst(5)
                if rest.hasPrefix("(") , let close = rest.firstIndex(of: ")") {  // method on a suite
                    rest = rest[rest.index(after: close)...].drop { $0 == " " }
                }
                if rest.hasPrefix("Test"), let name = identifier(after: "", in: String(rest)) {
                    state.names.append(name)
                }
            }
        case .javascript:
            if line.hasPrefix("//") { return }
            if state.skippedBlock != nil { return }
            if opensSkippedBlock(line) {
                state.skippedBlock = indent
                return
            }
            state.names.append(contentsOf: jsTitles(in: line))
        case .jvm, .csharp:
            if line.hasPrefix("//") { return }
            if line.hasPrefix("@"), containsWord(line, "@Test") || containsWord(line, "@ParameterizedTest")
                || containsWord(line, "@RepeatedTest") || containsWord(line, "@TestFactory") {
                pendingAttribute = true
                if !line.contains("fun ") && !line.contains("void ") { return }
            }
            if line.hasPrefix("["), ["[Fact", "[Theory", "[Test", "[TestMethod", "[TestCase"].contains(where: { line.hasPrefix($0) }) {
                pendingAttribute = true
                return
            }
            var line = line
            if line.hasPrefix("@") {
                // `@Test fun name()` on one line: look past the annotations.
                guard let declaration = line.firstRange(of: "fun ") ?? line.firstRange(of: "void ") else { return }
                line = String(line[declaration.lowerBound...])
            }
            guard pendingAttribute, !line.hasPrefix("[") else { return }
            if let start = line.firstRange(of: "fun `"), let end = line[start.upperBound...].firstIndex(of: "`") {
                state.names.append(String(line[start.upperBound..<end]))
                pendingAttribute = false
            } else if let name = identifier(after: "fun ", in: line) {
                state.names.append(name)
                pendingAttribute = false
            } else if let paren = line.firstIndex(of: "(") {
                let before = line[..<paren].split(separator: " ").last.map(String.init) ?? ""
                if !before.isEmpty, before.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                    state.names.append(before)
                }
                pendingAttribute = false
            }
        case .php:
            if let name = identifier(after: "function ", in: line), name.hasPrefix("test") { state.names.append(name) }
        case .ruby:
            if line.hasPrefix("def "), let name = identifier(after: "def ", in: line), name.hasPrefix("test") {
                state.names.append(name)
            } else if line.hasPrefix("it ") || line.hasPrefix("it(") || line.hasPrefix("test ") {
                if let title = quoted(in: line) { state.names.append(title) }
            }
        }
    }

    /// Names present in `new` and not in `old` (counted, so a second test with a repeated name counts).
    public static func addedTests(old: [String], new: [String]) -> [String] {
        var remaining: [String: Int] = [:]
        for name in old { remaining[name, default: 0] += 1 }
        var added: [String] = []
        for name in new {
            if let count = remaining[name], count > 0 {
                remaining[name] = count - 1
            } else {
                added.append(name)
            }
        }
        return added
    }

    private static func containsWord(_ line: String, _ word: String) -> Bool {
        var search = line[...]
        while let range = search.firstRange(of: word) {
            let after = search[range.upperBound...].first
            if after == nil || !(after!.isLetter || after!.isNumber || after! == "_") { return true }
            search = search[range.upperBound...]
        }
        return false
    }

    /// The identifier right after `marker` (at a word start), e.g. `func testLogin(` → testLogin.
    private static func identifier(after marker: String, in line: String) -> String? {
        var search = line[...]
        while true {
            let start: String.Index
            if marker.isEmpty {
                start = search.startIndex
            } else {
                guard let range = search.firstRange(of: marker) else { return nil }
                if range.lowerBound != line.startIndex {
                    let before = line[line.index(before: range.lowerBound)]
                    if before.isLetter || before.isNumber || before == "_" {
                        search = search[range.upperBound...]
                        continue
                    }
                }
                start = range.upperBound
            }
            let name = line[start...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if name.isEmpty || name.first!.isNumber { return nil }
            return String(name)
        }
    }

    /// `describe.skip(`, `context.skip(`, `suite.skip(`, `describe.todo(`, `xdescribe(`, `xcontext(`
    /// at a word start: a block of tests its author disabled.
    private static func opensSkippedBlock(_ line: String) -> Bool {
        for opener in ["describe.skip", "context.skip", "suite.skip", "describe.todo", "xdescribe", "xcontext"] {
            var search = line[...]
            while let range = search.firstRange(of: opener) {
                let before = range.lowerBound == line.startIndex ? nil : line[line.index(before: range.lowerBound)]
                let after = line[range.upperBound...].drop { $0 == " " }.first
                if !(before.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ?? false), after == "(" || after == "." {
                    return true
                }
                search = search[range.upperBound...]
            }
        }
        return false
    }

    private static func jsTitles(in line: String) -> [String] {
        var titles: [String] = []
        let chars = Array(line)
        var index = 0
        while index < chars.count {
            let boundary = index == 0 || !(chars[index - 1].isLetter || chars[index - 1].isNumber || chars[index - 1] == "_" || chars[index - 1] == ".")
            var matched: Int?
            if boundary {
                for word in ["it", "test"] where index + word.count <= chars.count && String(chars[index..<(index + word.count)]) == word {
                    matched = index + word.count
                }
            }
            guard var cursor = matched else { index += 1; continue }
            // `it.skip(…)`, `test.todo(…)`, `test.concurrent.skip(…)`: disabled by its author.
            var disabled = false
            while cursor < chars.count, chars[cursor] == "." {
                var end = cursor + 1
                while end < chars.count, chars[end].isLetter { end += 1 }
                let modifier = String(chars[(cursor + 1)..<end])
                if modifier == "skip" || modifier == "todo" { disabled = true }
                cursor = end
            }
            while cursor < chars.count, chars[cursor] == " " { cursor += 1 }
            guard cursor < chars.count, chars[cursor] == "(" else { index += 1; continue }
            cursor += 1
            while cursor < chars.count, chars[cursor] == " " { cursor += 1 }
            guard cursor < chars.count, ["'", "\"", "`"].contains(chars[cursor]) else { index = cursor; continue }
            let quote = chars[cursor]
            var end = cursor + 1
            var title = ""
            while end < chars.count, chars[end] != quote {
                if chars[end] == "\\", end + 1 < chars.count { end += 1 }
                title.append(chars[end])
                end += 1
            }
            if end < chars.count, !disabled { titles.append(title) }
            index = end + 1
        }
        return titles
    }

    private static func quoted(in line: String) -> String? {
        guard let open = line.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { return nil }
        let quote = line[open]
        let rest = line[line.index(after: open)...]
        guard let close = rest.firstIndex(of: quote) else { return nil }
        return String(rest[..<close])
    }
}
