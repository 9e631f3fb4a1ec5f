/// Finds the names of the test functions in a test file, by language conventions.
///
/// A deliberately simple line scanner: it recognises XCTest `func test…`, Swift Testing `@Test`,
/// pytest `def test_…` (qualified by their `class`), Rust `#[test]`-style attributes, Go
/// `func TestX(t *testing.T)`, JS/TS `it(…)`/`test(…)` titles, JUnit/Kotlin `@Test`, C# `[Fact]`
/// /`[Test]`, PHPUnit `function test…` and RSpec/minitest `it "…"`/`def test_…`.
public enum TestFunctionScanner {
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
        var names: [String] = []
        var pendingAttribute = false
        var classes: [(indent: Int, name: String)] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = rawLine.prefix { $0 == " " || $0 == "\t" }.count
            let line = rawLine.trimmingSpaces()
            if line.isEmpty { continue }
            switch language {
            case .swift:
                if line.hasPrefix("//") { continue }
                if containsWord(line, "@Test") { pendingAttribute = true }
                if let name = identifier(after: "func ", in: line) {
                    if pendingAttribute || (name.hasPrefix("test") && line.contains("(")) {
                        names.append(name)
                    }
                    pendingAttribute = false
                }
            case .python:
                if line.hasPrefix("#") { continue }
                while let last = classes.last, indent <= last.indent { classes.removeLast() }
                if let name = identifier(after: "class ", in: line), line.hasPrefix("class ") {
                    classes.append((indent, name))
                    continue
                }
                let definition = line.hasPrefix("async def ") ? String(line.dropFirst(6)) : line
                if definition.hasPrefix("def "), let name = identifier(after: "def ", in: definition), name.hasPrefix("test") {
                    let owner = classes.last { $0.indent < indent }
                    names.append(owner.map { "\($0.name).\(name)" } ?? name)
                }
            case .rust:
                if line.hasPrefix("//") { continue }
                if line.hasPrefix("#["), line.contains("test") { pendingAttribute = true; continue }
                if pendingAttribute, let name = identifier(after: "fn ", in: line) {
                    names.append(name)
                    pendingAttribute = false
                }
            case .go:
                if line.hasPrefix("func ") {
                    var rest = line.dropFirst(5)
                    if rest.hasPrefix("(") , let close = rest.firstIndex(of: ")") {  // method on a suite
                        rest = rest[rest.index(after: close)...].drop { $0 == " " }
                    }
                    if rest.hasPrefix("Test"), let name = identifier(after: "", in: String(rest)) {
                        names.append(name)
                    }
                }
            case .javascript:
                if line.hasPrefix("//") { continue }
                names.append(contentsOf: jsTitles(in: line))
            case .jvm, .csharp:
                if line.hasPrefix("//") { continue }
                if line.hasPrefix("@"), containsWord(line, "@Test") || containsWord(line, "@ParameterizedTest")
                    || containsWord(line, "@RepeatedTest") || containsWord(line, "@TestFactory") {
                    pendingAttribute = true
                    if !line.contains("fun ") && !line.contains("void ") { continue }
                }
                if line.hasPrefix("["), ["[Fact", "[Theory", "[Test", "[TestMethod", "[TestCase"].contains(where: { line.hasPrefix($0) }) {
                    pendingAttribute = true
                    continue
                }
                var line = line
                if line.hasPrefix("@") {
                    // `@Test fun name()` on one line: look past the annotations.
                    guard let declaration = line.firstRange(of: "fun ") ?? line.firstRange(of: "void ") else { continue }
                    line = String(line[declaration.lowerBound...])
                }
                guard pendingAttribute, !line.hasPrefix("[") else { continue }
                if let start = line.firstRange(of: "fun `"), let end = line[start.upperBound...].firstIndex(of: "`") {
                    names.append(String(line[start.upperBound..<end]))
                    pendingAttribute = false
                } else if let name = identifier(after: "fun ", in: line) {
                    names.append(name)
                    pendingAttribute = false
                } else if let paren = line.firstIndex(of: "(") {
                    let before = line[..<paren].split(separator: " ").last.map(String.init) ?? ""
                    if !before.isEmpty, before.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                        names.append(before)
                    }
                    pendingAttribute = false
                }
            case .php:
                if let name = identifier(after: "function ", in: line), name.hasPrefix("test") { names.append(name) }
            case .ruby:
                if line.hasPrefix("def "), let name = identifier(after: "def ", in: line), name.hasPrefix("test") {
                    names.append(name)
                } else if line.hasPrefix("it ") || line.hasPrefix("it(") || line.hasPrefix("test ") {
                    if let title = quoted(in: line) { names.append(title) }
                }
            }
        }
        return names
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
            while cursor < chars.count, chars[cursor] == "." {
                var end = cursor + 1
                while end < chars.count, chars[end].isLetter { end += 1 }
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
            if end < chars.count { titles.append(title) }
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
