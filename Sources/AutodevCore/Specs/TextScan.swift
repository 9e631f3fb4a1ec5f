internal import AutodevMarkdown

/// Small hand-written scanners for ids and paths in spec text (no regular expressions: they
/// run over every line of thousands of specs).
enum TextScan {
    /// An id at the start of `text` — `FR-001`, `SC-2`, `T012`, `US1`, `R6.1`, `DR4`, `NFR-3.2` —
    /// and the text after it with separators (`:`, `-`, `–`, `—`, `|`) and spaces removed.
    static func leadingID(_ text: Substring) -> (id: String, rest: Substring)? {
        var index = text.startIndex
        var letters = 0
        while index < text.endIndex, let ascii = text[index].asciiValue, ascii >= 65, ascii <= 90 {
            letters += 1
            index = text.index(after: index)
        }
        guard (1...6).contains(letters), index < text.endIndex else { return nil }
        if text[index] == "-" || text[index] == "_" { index = text.index(after: index) }
        let digitsStart = index
        index = skipNumber(text, from: index)
        guard index > digitsStart else { return nil }
        if index < text.endIndex, let ascii = text[index].asciiValue, ascii >= 97, ascii <= 122 {
            index = text.index(after: index)  // FR-001a
        }
        if index < text.endIndex {
            let next = text[index]
            // Full-width forms too (`T012：`, `FR-003；`): Chinese and Japanese specs write them.
            guard next.isWhitespace || ":|)],.;*：；，）｜".contains(next) else { return nil }
        }
        var id = String(text[text.startIndex..<index])
        if id.hasSuffix(".") { id.removeLast() }
        return (id, trimSeparators(text[index...]))
    }

    /// A leading outline number — `1`, `1.2`, `3.` — and the rest.
    static func leadingNumber(_ text: Substring) -> (number: String, rest: Substring)? {
        let end = skipNumber(text, from: text.startIndex)
        guard end > text.startIndex else { return nil }
        if end < text.endIndex, !(text[end].isWhitespace || ":)*".contains(text[end])) { return nil }
        var number = String(text[text.startIndex..<end])
        while number.hasSuffix(".") { number.removeLast() }
        return (number, trimSeparators(text[end...]))
    }

    /// Digits with dots between groups (`1`, `1.2.3`, `4.`).
    private static func skipNumber(_ text: Substring, from start: Substring.Index) -> Substring.Index {
        var index = start
        var sawDigit = false
        while index < text.endIndex {
            let c = text[index]
            if c.isASCII, c.isNumber {
                sawDigit = true
            } else if c == ".", sawDigit {
                // a dot belongs to the number only when a digit or the end/space follows
                let next = text.index(after: index)
                if next < text.endIndex, !(text[next].isASCII && text[next].isNumber) && !text[next].isWhitespace { break }
            } else {
                break
            }
            index = text.index(after: index)
        }
        return sawDigit ? index : start
    }

    static func trimSeparators(_ text: Substring) -> Substring {
        var rest = text
        while let first = rest.first, first.isWhitespace || ":-–—|.*：；，｜".contains(first) { rest = rest.dropFirst() }
        while let last = rest.last, last.isWhitespace { rest = rest.dropLast() }
        return rest
    }

    /// Repository paths mentioned in text: `src/models/user.py`, `Package.swift`, `docs/api/`,
    /// and the bracketed folders of web frameworks' routers (`app/(auth)/login/page.tsx`,
    /// `pages/users/[id].vue`, `routes/[...slug]/+page.svelte`). URLs, globs, absolute paths
    /// and words like `and/or` are not paths.
    static func pathMentions(_ text: String) -> [String] {
        var found: [(path: String, start: Int, end: Int)] = []
        let utf8 = Self.fullWidthPunctuationAsSpaces(Array(text.utf8))
        var start = 0
        var sawPathByte = false
        func flush(_ end: Int) {
            guard sawPathByte, end - start >= 3 else { return }
            let token = String(decoding: utf8[start..<end], as: UTF8.self)
            if let path = pathToken(Substring(token)) { found.append((path, start, end)) }
        }
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            // A whole path segment in brackets is part of the path, not punctuation around it.
            if let end = bracketSegmentEnd(utf8, at: index, tokenStart: start) {
                index = end
                continue
            }
            defer { index += 1 }
            switch byte {
            case 0x09...0x0D, 0x20, UInt8(ascii: "`"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "("),
                 UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"):
                flush(index)
                start = index + 1
                sawPathByte = false
            case UInt8(ascii: "/"), UInt8(ascii: "."):
                sawPathByte = true
            default:
                break
            }
        }
        flush(utf8.count)
        return joinedWithTheirFolders(found, in: utf8)
    }

    /// Full-width punctuation of CJK text (`文件：src/a.rs`, `（src/a.rs）`, `、`, `。`) as three
    /// spaces, its length in UTF-8: it ends a path as ASCII punctuation does. A Chinese task's
    /// `**文件**：\`tests/features/jifen.feature\`` named no path without it.
    static func fullWidthPunctuationAsSpaces(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 >= 0xE3 }) else { return bytes }
        var result = bytes
        var index = 0
        while index + 2 < result.count {
            let (a, b, c) = (result[index], result[index + 1], result[index + 2])
            // U+3000–U+303F (ideographic space, 、。「」【】…) and U+FF01–U+FF0F, U+FF1A–U+FF20,
            // U+FF3B–U+FF40, U+FF5B–U+FF65 (！（），：；？［］｛｝…).
            let cjkSymbol = a == 0xE3 && b == 0x80
            let fullWidth = a == 0xEF && ((b == 0xBC && ((c >= 0x81 && c <= 0x8F) || (c >= 0x9A && c <= 0xA0) || (c >= 0xBB && c <= 0xBF)))
                || (b == 0xBD && (c == 0x80 || (c >= 0x9B && c <= 0xA5))))
            if cjkSymbol || fullWidth {
                result[index] = 0x20; result[index + 1] = 0x20; result[index + 2] = 0x20
                index += 3
            } else {
                index += 1
            }
        }
        return result
    }

    /// Words that put a file name in a folder: "conftest.py in tests/", "page.tsx under app/".
    private static let folderPrepositions: Set<String> = ["in", "under", "inside", "within", "into", "en", "dans", "sous", "im", "unter", "em"]

    /// A bare file name followed by a preposition and a folder ("create conftest.py in tests/")
    /// is one path, `tests/conftest.py`: linked alone, the name pointed at a root file that does
    /// not exist and was shown to a model as one to create.
    private static func joinedWithTheirFolders(_ found: [(path: String, start: Int, end: Int)], in utf8: [UInt8]) -> [String] {
        guard found.count >= 2 else { return found.map(\.path) }
        var result: [String] = []
        var index = 0
        while index < found.count {
            let current = found[index]
            if index + 1 < found.count, !current.path.contains("/"), found[index + 1].path.hasSuffix("/") {
                let between = String(decoding: utf8[current.end..<found[index + 1].start], as: UTF8.self)
                let words = between.split(whereSeparator: { $0 == " " || $0 == "`" || $0 == "'" || $0 == "\"" }).map { $0.lowercased() }
                if words.count == 1, folderPrepositions.contains(words[0]) {
                    result.append(found[index + 1].path + current.path)
                    index += 2
                    continue
                }
            }
            result.append(current.path)
            index += 1
        }
        return result
    }

    /// Where a bracketed path segment that opens at `index` ends (just past its closer): `(`
    /// or `[` at the start of a token or after `/`, holding only name bytes (`[...slug]` and
    /// `[[id]]` too), and followed by `/` or an extension (`[id].vue`). Nil otherwise: `(see
    /// a.py)`, `foo(bar)`, `[x]` are punctuation.
    static func bracketSegmentEnd(_ bytes: [UInt8], at index: Int, tokenStart: Int) -> Int? {
        let open = bytes[index]
        guard open == UInt8(ascii: "(") || open == UInt8(ascii: "[") else { return nil }
        guard index == tokenStart || (index > 0 && bytes[index - 1] == UInt8(ascii: "/")) else { return nil }
        let close = open == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
        var cursor = index
        var depth = 0
        var sawName = false
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == open { depth += 1 } else if byte == close {
                depth -= 1
                if depth == 0 { break }
            } else if isNameByte(byte) {
                sawName = sawName || byte != UInt8(ascii: ".")
            } else {
                return nil
            }
            cursor += 1
        }
        guard depth == 0, sawName, cursor + 1 < bytes.count else { return nil }
        let after = bytes[cursor + 1]
        if after == UInt8(ascii: "/") { return cursor + 1 }
        // `[id].vue`, not the end of a sentence after `(see a.py).`
        guard after == UInt8(ascii: "."), cursor + 2 < bytes.count else { return nil }
        let next = bytes[cursor + 2]
        guard (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) else { return nil }
        return cursor + 1
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    /// Whether every `(`, `)`, `[`, `]` of a path token belongs to a bracketed segment (see
    /// `bracketSegmentEnd`), so that `app/(auth)/page.tsx` is a path and `value(x).y` is not.
    static func bracketsAreSegments(_ token: Substring) -> Bool {
        let bytes = Array(token.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") {
                guard let end = bracketSegmentEnd(bytes, at: index, tokenStart: 0) else { return false }
                index = end
                continue
            }
            if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") { return false }
            index += 1
        }
        return true
    }

    static func pathToken(_ raw: Substring) -> String? {
        var token = raw
        // `_a.py_` is emphasis left around a path; `__init__.py` is a name: a leading `_` is
        // dropped only with a trailing one.
        let paired = token.last == "_" || token.last == "*"
        while let last = token.last, ".:;!?*_".contains(last) { token = token.dropLast() }
        while let first = token.first, first == "*" || (first == "_" && paired) { token = token.dropFirst() }
        if token.hasPrefix("./") { token = token.dropFirst(2) }
        guard token.count >= 3, !token.hasPrefix("/"), !token.hasPrefix("-"), !token.hasPrefix("."+"."),
              !token.contains("://"), !token.contains("*"), !token.contains("$"), !token.contains("@"),
              !token.contains("="), !token.contains("#") else { return nil }
        // Paths are made of letters, digits and `._-/+`; `value?.trim` or `a=b.c` are not paths.
        guard token.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-/+()[]".unicodeScalars.contains($0) }),
              bracketsAreSegments(token) else {
            return nil
        }
        // Words joined by slashes in a script without spaces (`加载/卸载/重新加载`: load, unload,
        // reload) are a list, not a path: a path has at least one ASCII letter or digit.
        guard token.utf8.contains(where: { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }) else { return nil }
        let components = token.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = components.last else { return nil }
        if components.contains(where: { $0 == ".." }) { return nil }
        let hasExtension = extensionOf(last) != nil
        if components.count > 1 {
            guard components.dropLast().allSatisfy({ !$0.isEmpty }) else { return nil }
            guard hasExtension || last.isEmpty || components.count >= 3 else { return nil }
        } else {
            guard hasExtension, let dot = last.lastIndex(of: "."), last.distance(from: last.startIndex, to: dot) >= 2 else { return nil }
            // `src.cli.main`, `app.models.user`: a dotted module name, not a file, unless it
            // ends with a file's extension (`vite.config.ts`, `jquery.min.js`).
            if last.utf8.count(where: { $0 == UInt8(ascii: ".") }) >= 2, let ext = extensionOf(last),
               !fileExtensions.contains(ext.lowercased()) { return nil }
        }
        return String(token)
    }

    /// Extensions that make a name with several dots a file rather than a dotted module name:
    /// those a plain word may end with to be a path (`CodeLookup`), and documents, images and
    /// build files besides.
    static let fileExtensions: Set<String> = CodeLookup.fileExtensions.union([
        "mts", "cts", "jsonc", "env", "less", "sum", "md", "mdx", "rst", "csv", "svg", "png", "jpg", "gif", "ico", "snap",
        "map", "d", "tf", "cshtml", "razor", "csproj", "sln", "props", "config", "graphql", "prisma", "example", "sample",
        "template", "bak", "orig",
    ])

    /// `swift` for `Package.swift`; nil for `v1.2`, `e.g`, or a name without a dot.
    static func extensionOf(_ name: Substring) -> Substring? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        guard (1...10).contains(ext.count), ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              ext.contains(where: \.isLetter) else { return nil }
        return ext
    }

    /// Whether `text` cites `id` as a whole word (`FR-010` in "implements FR-010." but not in
    /// "FR-0101").
    static func cites(_ text: String, id: String) -> Bool {
        var searchStart = text.startIndex
        while let found = text[searchStart...].firstRange(of: id) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            let boundary: (Character?) -> Bool = { c in
                guard let c else { return true }
                return !(c.isLetter || c.isNumber || c == "-" || c == "_")
            }
            var afterOK = boundary(after)
            // "FR-010." ends a sentence; "R6.1" must not match "R6.10"
            if after == ".", found.upperBound < text.endIndex {
                let next = text.index(after: found.upperBound)
                afterOK = next == text.endIndex || !(text[next].isNumber)
            }
            if boundary(before) && afterOK { return true }
            searchStart = found.upperBound
        }
        return false
    }

    /// ASCII whitespace collapsed and trimmed, on UTF-8 bytes (it runs over every spec line).
    static func collapse(_ text: some StringProtocol) -> String {
        MarkdownDocument.collapse(text)
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Whether `text` contains `needle` (ASCII), ignoring ASCII case.
    static func containsIgnoringCase(_ text: String, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return true }
        let lowerFirst = first | 0x20
        var utf8 = Array(text.utf8)
        let count = utf8.count, length = pattern.count
        guard count >= length else { return false }
        return utf8.withUnsafeMutableBufferPointer { bytes in
            var index = 0
            while index <= count - length {
                if bytes[index] | 0x20 == lowerFirst {
                    var offset = 1
                    while offset < length, bytes[index + offset] | 0x20 == pattern[offset] | 0x20 { offset += 1 }
                    if offset == length { return true }
                }
                index += 1
            }
            return false
        }
    }
}
