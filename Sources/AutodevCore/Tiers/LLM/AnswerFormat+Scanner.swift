/// Reads an answer line by line into per-item sections of file operations. Knows the syntax
/// only (fences, path lines, edit blocks, work markers); `FileOperations` gives them meaning.
struct AnswerScanner {
    /// One edit block: lines to find, lines to put in their place.
    struct Edit: Sendable, Equatable {
        var search: [Substring]
        var replace: [Substring]
    }

    enum Operation: Sendable, Equatable {
        case whole(path: String, content: [UInt8])
        case edits(path: String, [Edit])
    }

    /// The part of an answer under one work marker (or before any).
    struct Section: Sendable, Equatable {
        var work: String?
        var operations: [Operation] = []
        /// The first problem met in the part's syntax (an unsafe path, an unclosed edit).
        var problem: AnswerProblem?
        /// `NOTHING TO DO <id>: reason` lines in the part: (the id the line names, if any, reason).
        var nothingToDo: [(work: String?, reason: String)] = []

        mutating func append(_ other: Section) {
            operations += other.operations
            if problem == nil { problem = other.problem }
            nothingToDo += other.nothingToDo
        }

        static func == (a: Section, b: Section) -> Bool {
            a.work == b.work && a.operations == b.operations && a.problem == b.problem
                && a.nothingToDo.map { "\($0.work ?? "")\u{0}\($0.reason)" } == b.nothingToDo.map { "\($0.work ?? "")\u{0}\($0.reason)" }
        }
    }

    let lines: [Substring]
    /// Blocks with a path (files) the answer may hold; one more is a problem of the whole answer.
    var maxFiles = Int.max
    var stopRequested: () -> Bool = { false }

    func scan() throws(AnswerProblem) -> [Section] {
        var sections = [Section(work: nil)]
        var pendingPath: String?
        var index = 0
        var files = 0
        var nextStopCheck = 0
        /// Counts a block with a path; past the cap, reading stops.
        func countFile(at line: Int) throws(AnswerProblem) {
            files += 1
            guard files <= maxFiles else {
                throw AnswerProblem(.tooManyFiles, "the answer holds more than \(maxFiles) files (the file block at line \(line + 1) is one too many; [answers] max_files)")
            }
        }
        while index < lines.count {
            if index >= nextStopCheck {
                // Every 4096 lines: a few microseconds apart, well within the 1 s a stop may take.
                nextStopCheck = index + 4096
                if stopRequested() { throw AnswerProblem(.stopped, "stopped by a signal while reading the answer") }
            }
            let line = lines[index]
            if let id = Self.workMarker(line) {
                sections.append(Section(work: id))
                pendingPath = nil
                index += 1
            } else if let fence = Fence(opening: line) {
                var close = index + 1
                while close < lines.count, !fence.closes(lines[close]) { close += 1 }
                guard close < lines.count else {
                    throw AnswerProblem(.unclosedBlock, "the fenced block opened at line \(index + 1) (\(Self.quote(line))) never closes")
                }
                let content = lines[(index + 1)..<close].map { fence.dedent($0) }
                if pendingPath != nil || lines[(index + 1)..<close].contains(where: Self.isSearch) { try countFile(at: index) }
                block(content, path: pendingPath, into: &sections[sections.count - 1])
                pendingPath = nil
                index = close + 1
            } else if Self.isSearch(line) {
                guard let (edits, next) = Self.edits(lines, from: index) else {
                    throw AnswerProblem(.unclosedBlock, "the SEARCH block at line \(index + 1) is not closed by `>>>>>>> REPLACE`")
                }
                if let path = pendingPath {
                    try countFile(at: index)
                    add(.edits(path: path, edits), into: &sections[sections.count - 1])
                } else if sections[sections.count - 1].problem == nil {
                    sections[sections.count - 1].problem = AnswerProblem(
                        .wrongFormat, "the SEARCH/REPLACE block at line \(index + 1) has no path line before it")
                }
                index = next
            } else if let settled = Self.nothingToDo(line) {
                sections[sections.count - 1].nothingToDo.append(settled)
                pendingPath = nil
                index += 1
            } else if let path = Self.pathLine(line) {
                pendingPath = path
                index += 1
            } else {
                if !Self.isBlank(line) { pendingPath = nil }
                index += 1
            }
        }
        return sections
    }

    private func block(_ content: [Substring], path: String?, into section: inout Section) {
        let nonBlank = content.indices.filter { !Self.isBlank(content[$0]) }
        if let first = nonBlank.first, Self.isSearch(content[first]), let path {
            guard let (edits, _) = Self.edits(content, from: first) else {
                if section.problem == nil {
                    section.problem = AnswerProblem(.wrongFormat, path: path, "\(path): a SEARCH block is not closed by `>>>>>>> REPLACE`")
                }
                return
            }
            add(.edits(path: path, edits), into: &section)
        } else if path == nil, nonBlank.count >= 2, let inside = Self.pathLine(content[nonBlank[0]]), Self.isSearch(content[nonBlank[1]]) {
            // The path inside the fence, above the edits (aider's "diff-fenced").
            guard let (edits, _) = Self.edits(content, from: nonBlank[1]) else {
                if section.problem == nil {
                    section.problem = AnswerProblem(.wrongFormat, path: inside, "\(inside): a SEARCH block is not closed by `>>>>>>> REPLACE`")
                }
                return
            }
            add(.edits(path: inside, edits), into: &section)
        } else if let path {
            var bytes: [UInt8] = []
            for line in content {
                bytes += line.utf8
                bytes.append(UInt8(ascii: "\n"))
            }
            add(.whole(path: path, content: bytes), into: &section)
        }
        // A block without a path line is an example or an explanation: not a file.
    }

    private func add(_ operation: Operation, into section: inout Section) {
        let path: String
        switch operation {
        case .whole(let p, _), .edits(let p, _): path = p
        }
        if let reason = AnswerFormat.unsafeReason(path) {
            if section.problem == nil {
                section.problem = AnswerProblem(.unsafePath, path: path, "\(Self.quote(Substring(path))): \(reason)")
            }
            return
        }
        section.operations.append(operation)
    }

    /// Consecutive edit blocks from `start` (a SEARCH line), blank lines between them allowed;
    /// nil when one is not closed. Returns the edits and the index after the last block.
    static func edits(_ lines: [Substring], from start: Int) -> ([Edit], Int)? {
        var edits: [Edit] = []
        var index = start
        while index < lines.count, isSearch(lines[index]) {
            var divider = index + 1
            while divider < lines.count, !isMarker(lines[divider], "=", word: "") { divider += 1 }
            var end = divider + 1
            while end < lines.count, !isMarker(lines[end], ">", word: "REPLACE") { end += 1 }
            guard divider < lines.count, end < lines.count else { return nil }
            edits.append(Edit(search: Array(lines[(index + 1)..<divider]), replace: Array(lines[(divider + 1)..<end])))
            index = end + 1
            var next = index
            while next < lines.count, isBlank(lines[next]) { next += 1 }
            if next < lines.count, isSearch(lines[next]) { index = next }
        }
        return (edits, index)
    }

    static func isSearch(_ line: Substring) -> Bool { isMarker(line, "<", word: "SEARCH") }

    /// `NOTHING TO DO <id>: <reason>` (also in bold or backticks; the id may be left out in a
    /// one-item answer or under the item's marker): the work id it names and the reason.
    static func nothingToDo(_ line: Substring) -> (work: String?, reason: String)? {
        let text = stripDecoration(line.strippedOfBlanks)
        guard text.count > 13, text.prefix(13).uppercased() == "NOTHING TO DO" else { return nil }
        var rest = text.dropFirst(13).strippedOfBlanks
        var id: String?
        if rest.first != ":" {
            let word = rest.prefix(while: { $0 != ":" && !$0.isWhitespace })
            guard !word.isEmpty else { return nil }
            var bare = word
            if bare.hasPrefix("<"), bare.hasSuffix(">") { bare = bare.dropFirst().dropLast() }
            id = String(bare)
            rest = rest.dropFirst(word.count).strippedOfBlanks
        }
        guard rest.first == ":" else { return nil }
        let reason = rest.dropFirst().strippedOfBlanks
        guard !reason.isEmpty else { return nil }
        return (id, String(reason))
    }

    /// `<<<<<<< SEARCH`, `=======`, `>>>>>>> REPLACE`: 5 to 9 of the character, then the word.
    static func isMarker(_ line: Substring, _ character: Character, word: String) -> Bool {
        var rest = line.drop(while: { $0 == " " })
        let run = rest.prefix(while: { $0 == character }).count
        guard (5...9).contains(run) else { return false }
        rest = rest.dropFirst(run)
        return rest.strippedOfBlanks == word
    }

    /// `=== WORK <id> ===`, also in bold, backticks or a heading.
    static func workMarker(_ line: Substring) -> String? {
        var text = line.strippedOfBlanks
        guard text.contains("===") else { return nil }
        text = stripDecoration(text)
        guard text.hasPrefix("==="), text.hasSuffix("==="), text.count > 6 else { return nil }
        let inner = text.dropFirst(3).dropLast(3).strippedOfBlanks
        guard inner.count > 5, inner.prefix(5).uppercased() == "WORK " else { return nil }
        var id = inner.dropFirst(5).strippedOfBlanks
        if id.hasPrefix("<"), id.hasSuffix(">") { id = id.dropFirst().dropLast().strippedOfBlanks }
        guard !id.isEmpty, !id.contains(where: \.isWhitespace) else { return nil }
        return String(id)
    }

    private static let extensionless: Set<String> = [
        "Makefile", "makefile", "GNUmakefile", "Dockerfile", "Containerfile", "Gemfile", "Rakefile", "Procfile",
        "Jenkinsfile", "Vagrantfile", "Brewfile", "Podfile", "Cartfile", "LICENSE", "README", "CHANGELOG", "CODEOWNERS",
    ]

    /// The path a line names, in the ways models write it: `src/a.py`, `` `src/a.py` ``,
    /// `**src/a.py**`, `File: src/a.py`, `### src/a.py`, with an optional colon after. Only
    /// syntax: safety is checked where the path is used.
    static func pathLine(_ line: Substring) -> String? {
        var text = line.strippedOfBlanks
        guard !text.isEmpty, text.utf8.count <= 4096 else { return nil }
        if text.hasPrefix("#") {
            let rest = text.drop(while: { $0 == "#" })
            guard rest.first == " " else { return nil }
            text = rest.strippedOfBlanks
        }
        text = stripBold(text)
        for label in ["file path:", "filepath:", "filename:", "file:", "path:"] {
            var candidate = text
            if candidate.hasPrefix("**") { candidate = candidate.dropFirst(2) }
            if candidate.lowercased().hasPrefix(label) {
                candidate = candidate.dropFirst(label.count)
                if candidate.hasPrefix("**") { candidate = candidate.dropFirst(2) }
                text = candidate.strippedOfBlanks
                if text.hasSuffix("**"), !text.dropLast(2).contains("**") { text = text.dropLast(2).strippedOfBlanks }
                break
            }
        }
        if text.hasSuffix(":") { text = text.dropLast().strippedOfBlanks }
        text = stripBold(text)
        var quoted = false
        if text.count > 2, text.hasPrefix("`"), text.hasSuffix("`") {
            text = text.dropFirst().dropLast()
            quoted = true
        }
        text = stripBold(text)
        if text.hasSuffix(":") { text = text.dropLast() }
        while text.hasPrefix("./") { text = text.dropFirst(2) }
        guard !text.isEmpty, !text.hasPrefix("```"), !text.hasPrefix("~~~") else { return nil }
        if !quoted, text.contains(where: \.isWhitespace) { return nil }
        if text.contains(where: { "`*<>\"|?\t".contains($0) }) { return nil }
        if text.hasPrefix("-") || text.hasPrefix("=") || text.hasPrefix("<") || text.hasPrefix(">") { return nil }
        let last = text.split(separator: "/").last.map(String.init) ?? ""
        guard text.contains("/") || last.contains(".") || extensionless.contains(last) else { return nil }
        // A sentence's end ("e.g.", "done.") is not a file name.
        guard !text.hasSuffix("."), last.contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
        return String(text)
    }

    private static func stripBold(_ text: Substring) -> Substring {
        if text.count > 4, text.hasPrefix("**"), text.hasSuffix("**") { return text.dropFirst(2).dropLast(2).strippedOfBlanks }
        return text
    }

    private static func stripDecoration(_ text: Substring) -> Substring {
        var text = text
        if text.hasPrefix("#") { text = text.drop(while: { $0 == "#" }).strippedOfBlanks }
        text = stripBold(text)
        if text.count > 2, text.hasPrefix("`"), text.hasSuffix("`") { text = text.dropFirst().dropLast().strippedOfBlanks }
        return text
    }

    static func isBlank(_ line: Substring) -> Bool { line.allSatisfy(\.isWhitespace) }

    /// A line quoted for a message, cut at 120 characters.
    static func quote(_ line: Substring) -> String {
        let text = line.count > 120 ? line.prefix(120) + "…" : line
        return "\"\(text)\""
    }
}

/// A code fence: ``` or ~~~, three or more; closed by a line of the same character, at least
/// as long, with nothing after it.
struct Fence {
    let character: Character
    let length: Int
    let indent: Int

    init?(opening line: Substring) {
        let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
        let rest = line.dropFirst(indent)
        guard let first = rest.first, first == "`" || first == "~" else { return nil }
        let length = rest.prefix(while: { $0 == first }).count
        guard length >= 3 else { return nil }
        if first == "`", rest.dropFirst(length).contains("`") { return nil }
        self.character = first
        self.length = length
        self.indent = indent
    }

    func closes(_ line: Substring) -> Bool {
        let rest = line.drop(while: { $0 == " " || $0 == "\t" })
        let run = rest.prefix(while: { $0 == character }).count
        return run >= length && rest.dropFirst(run).allSatisfy(\.isWhitespace)
    }

    /// The line without the opening fence's indentation (as much of it as the line has).
    func dedent(_ line: Substring) -> Substring {
        var line = line
        var removed = 0
        while removed < indent, let first = line.first, first == " " || first == "\t" {
            line = line.dropFirst()
            removed += 1
        }
        return line
    }
}

extension Substring {
    /// Without spaces and tabs at either end.
    var strippedOfBlanks: Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
