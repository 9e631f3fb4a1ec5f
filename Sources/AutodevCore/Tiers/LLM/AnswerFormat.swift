/// The answer formats a model is asked for, and their strict parser.
///
/// - **Whole files**: a line holding the path (bare, in backticks, bold, `File: path`, or a `#`
///   heading holding only the path), then a fenced block (``` or ~~~, any info string; a longer
///   fence may wrap a shorter one) with the complete file.
/// - **SEARCH/REPLACE edits**: the path line, then one or more `<<<<<<< SEARCH` / `=======` /
///   `>>>>>>> REPLACE` blocks, inside a fence or not. A SEARCH must match the current file
///   exactly once; an empty SEARCH creates a new file.
/// - **Batches**: each item's part starts with `=== WORK <id> ===`; a single-item answer needs no
///   marker.
///
/// Text outside blocks (explanations) is ignored. Nothing is ever partly used: an item's part is
/// either wholly usable or a problem, and an answer that is unusable as a whole throws.
public struct AnswerFormat: Sendable {
    public var editFormat: ProviderConfig.EditFormat
    /// Files larger than this are a problem (1 MiB by default, as templates' outputs).
    public var maxFileBytes: Int
    /// Files (path lines with a block) one answer may hold, `[answers] max_files`: an answer
    /// with more is unusable as a whole, found while reading, so 100,000 one-line files cost
    /// a scan up to file 201, not a tree of 100,000 blobs.
    public var maxFiles: Int
    /// Polled every few thousand lines: a stop request ends the reading (`.stopped`).
    public var stopRequested: @Sendable () -> Bool

    public init(editFormat: ProviderConfig.EditFormat, maxFileBytes: Int = 1 << 20, maxFiles: Int = 200,
                stopRequested: @escaping @Sendable () -> Bool = { false }) {
        self.editFormat = editFormat
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        self.stopRequested = stopRequested
    }

    /// The line that starts an item's part of a batch answer.
    public static func workMarker(_ id: String) -> String { "=== WORK \(id) ===" }

    /// The format's description for the system prompt; the README's "Answer format" says the same.
    public static func instructions(for editFormat: ProviderConfig.EditFormat) -> String {
        let fence = "```"
        switch editFormat {
        case .whole:
            return """
                Answer format. For every file you create or change, write a line holding only the \
                file's path relative to the repository root, then a fenced code block with the \
                COMPLETE new content of the file: never elide parts ("..." or "rest unchanged"). \
                Write each file once; a file that holds ``` lines gets a longer fence (````). Do not \
                wrap code in JSON. Paths must not be absolute, contain `..`, or lie under `.git/` or \
                `.auto-dev/`. Example:

                src/greeting.py
                \(fence)python
                def greet(name):
                    return f"Hello, {name}"
                \(fence)
                """
        case .searchReplace:
            return """
                Answer format. For every file you change, write a line holding only the file's \
                path relative to the repository root, then a fenced code block holding one or more \
                edits. Each edit is a line `<<<<<<< SEARCH`, the lines to replace copied exactly \
                from the current file (white space included, enough lines to match exactly once), \
                a line `=======`, the new lines, and a line `>>>>>>> REPLACE`. To create a new \
                file, use an empty SEARCH and put the whole file in the REPLACE part. Do not wrap \
                code in JSON. Paths must not be absolute, contain `..`, or lie under `.git/` or \
                `.auto-dev/`. Example:

                src/greeting.py
                \(fence)python
                <<<<<<< SEARCH
                    return "Hello"
                =======
                    return f"Hello, {name}"
                >>>>>>> REPLACE
                \(fence)
                """
        }
    }

    /// Parses `answer` for the work items `work` (in request order). `current` gives a file's
    /// content at the commit the request was built on (nil: no such file), for edits.
    ///
    /// Throws when the answer as a whole is unusable: empty, cut off at the token limit, a block
    /// that never closes, no file blocks (or, for a batch, no work markers). Problems of one
    /// item's part are in `problems`; items with neither files nor a problem are in `missing`.
    public func parse(_ answer: LLMAnswer, work: [String], current: (String) -> [UInt8]?) throws(AnswerProblem) -> ParsedAnswer {
        if answer.finish == .truncated {
            throw AnswerProblem(.truncated, "the answer was cut off at the output token limit")
        }
        let text = Self.withoutReasoning(answer.text.contains("\r\n") ? answer.text.replacing("\r\n", with: "\n") : answer.text)
        if text.allSatisfy(\.isWhitespace) { throw AnswerProblem(.empty, "the answer is empty") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let sections = try AnswerScanner(lines: lines, maxFiles: maxFiles, stopRequested: stopRequested).scan()

        var parsed = ParsedAnswer()
        let markers = sections.filter { $0.work != nil }
        if markers.isEmpty {
            guard let only = sections.first, !only.operations.isEmpty || only.problem != nil else {
                throw AnswerProblem(.noFiles, "the answer holds no file blocks (a path line followed by a fenced block)")
            }
            guard work.count == 1 else {
                throw AnswerProblem(.noFiles, "the answer has no `=== WORK <id> ===` lines: start each item's part with its line")
            }
            parsed.record(work[0], only, format: self, current: current)
            return parsed
        }
        var byWork: [String: AnswerScanner.Section] = [:]
        for section in markers {
            guard let id = section.work else { continue }
            if !work.contains(id) {
                if !parsed.unknownWork.contains(id) { parsed.unknownWork.append(id) }
                continue
            }
            byWork[id, default: AnswerScanner.Section(work: id)].append(section)
        }
        for id in work {
            guard let section = byWork[id] else {
                parsed.missing.append(id)
                continue
            }
            parsed.record(id, section, format: self, current: current)
        }
        return parsed
    }

    /// The answer without the reasoning some models put before it (`<think>…</think>` from
    /// DeepSeek-R1, Qwen3 and others served by Ollama, vLLM or llama.cpp): drafts of files in
    /// there are not the answer. An unclosed block (cut off while thinking) leaves nothing.
    static func withoutReasoning(_ text: String) -> String {
        var rest = Substring(text)
        for (open, close) in [("<think>", "</think>"), ("<thinking>", "</thinking>"), ("<reasoning>", "</reasoning>")] {
            let trimmed = rest.drop { $0.isWhitespace }
            guard trimmed.hasPrefix(open) else { continue }
            guard let end = trimmed.firstRange(of: close) else { return "" }
            rest = trimmed[end.upperBound...]
        }
        return String(rest)
    }

    /// Whether `path` may be written by an answer: relative, no `..` or empty parts, nothing
    /// under `.git` (at any depth) or `.auto-dev`, no backslash or control characters.
    public static func unsafeReason(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        if path.hasPrefix("/") || path.hasPrefix("~") { return "the path is absolute" }
        let bytes = Array(path.utf8)
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"), (bytes[0] | 0x20) >= UInt8(ascii: "a"), (bytes[0] | 0x20) <= UInt8(ascii: "z") {
            return "the path is absolute"
        }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7f }) { return "the path holds control characters" }
        if path.contains("\\") { return "the path holds a backslash" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part == ".." { return "the path leaves the repository (`..`)" }
            if part.isEmpty || part == "." { return "the path has an empty or `.` part" }
            if part.lowercased() == ".git" { return "the path is under .git/" }
            if index == 0, part == ".auto-dev" { return "the path is under .auto-dev/" }
        }
        if parts.count == 1, path == ".auto-dev" { return "the path is under .auto-dev/" }
        return nil
    }
}

/// What an answer gave, per work item.
public struct ParsedAnswer: Sendable, Equatable {
    /// Complete new file contents by path, per work id: each item's part wholly usable.
    public var files: [String: [String: [UInt8]]] = [:]
    /// Items whose part cannot be used, with the text to send back (asking again for that item alone).
    public var problems: [String: AnswerProblem] = [:]
    /// Items the answer left out (no part, or a part without files): retry each alone.
    public var missing: [String] = []
    /// Work ids in markers that were not asked for; their parts are ignored.
    public var unknownWork: [String] = []

    public init() {}

    mutating func record(_ id: String, _ section: AnswerScanner.Section, format: AnswerFormat, current: (String) -> [UInt8]?) {
        if var problem = section.problem {
            problem.work = id
            problems[id] = problem
            return
        }
        if section.operations.isEmpty {
            missing.append(id)
            return
        }
        do {
            files[id] = try FileOperations.apply(section.operations, format: format, current: current)
        } catch {
            var problem = error
            problem.work = id
            problems[id] = problem
        }
    }
}
