/// The answer formats a model is asked for, and their strict parser.
///
/// - **Whole files**: a line holding the path (bare, in backticks, bold, `File: path`, or a `#`
///   heading holding only the path), then a fenced block (``` or ~~~, any info string; a longer
///   fence may wrap a shorter one) with the complete file.
/// - **SEARCH/REPLACE edits**: the path line, then one or more `<<<<<<< SEARCH` / `=======` /
///   `>>>>>>> REPLACE` blocks, inside a fence or not. A SEARCH must match the current file
///   exactly once; an empty SEARCH creates a new file.
/// - **Batches**: each item's part starts with `=== WORK <id> ===`; a single-item answer needs no
///   marker. Parts apply in order: an item's edits apply to the file as the items before it in
///   the same answer left it (the items of one change build on each other).
/// - **Nothing to do**: a line `NOTHING TO DO <id>: already implemented in <path>` or
///   `NOTHING TO DO <id>: not code work: <why>` settles an item without files.
///
/// Text outside blocks (explanations) is ignored. Nothing is ever partly used: an item's part is
/// either wholly usable or a problem, and an answer that is unusable as a whole throws.
struct AnswerFormat: Sendable {
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

    /// The line that settles an item without files.
    public static let nothingToDoPrefix = "NOTHING TO DO"

    /// The format's description for the system prompt; docs/tiers.md's "Answer format" says the same.
    public static func instructions(for editFormat: ProviderConfig.EditFormat) -> String {
        files(for: editFormat) + "\n\n" + nothingToDoInstructions
    }

    /// How an item is settled without files; the same for every edit format.
    static let nothingToDoInstructions = """
        If an item needs no change because the code already does what it asks, or because it is \
        not code work (a decision, a document, a manual step), do not write files for it: write \
        one line `NOTHING TO DO <work id>: already implemented in <path>` (the file that already \
        does it, optionally `: <where>` after the path) or `NOTHING TO DO <work id>: not code \
        work: <why>`. Never use it for work you could not finish.
        """

    private static func files(for editFormat: ProviderConfig.EditFormat) -> String {
        let fence = "```"
        switch editFormat {
        case .whole:
            return """
                Answer format. For every file you create or change, write a line holding only the \
                file's path relative to the repository root, then a fenced code block with the \
                COMPLETE new content of the file: never elide parts ("..." or "rest unchanged"). \
                Write each file once; a file that holds ``` lines gets a longer fence (````). Do not \
                wrap code in JSON. Paths must not be absolute, contain `..`, or lie under `.git/` or \
                `.auto-dev/`; git metadata (`.gitignore`, `.gitattributes`, `.gitmodules`), CI \
                files (`.github/workflows/`, `.gitlab-ci.yml`, …) and hook-manager configs are \
                the project owner's: do not write them, say in one sentence what they should hold. \
                Example:

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
                `.auto-dev/`; git metadata (`.gitignore`, `.gitattributes`, `.gitmodules`), CI \
                files (`.github/workflows/`, `.gitlab-ci.yml`, …) and hook-manager configs are \
                the project owner's: do not write them, say in one sentence what they should hold. \
                Example:

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
        // `NOTHING TO DO` lines name their item; without a name, the part's item (or the only one).
        var settled: [String: String] = [:]
        for section in sections {
            for line in section.nothingToDo {
                guard let id = line.work.flatMap({ work.contains($0) ? $0 : nil }) ?? section.work ?? (work.count == 1 ? work[0] : nil),
                      work.contains(id) else { continue }
                if settled[id] == nil { settled[id] = line.reason }
            }
        }
        // Each item's part applies to the files as the parts before it left them.
        var written: [String: [UInt8]] = [:]
        func accumulated(_ path: String) -> [UInt8]? { written[path] ?? current(path) }
        func record(_ id: String, _ section: AnswerScanner.Section?) {
            if let section, !section.operations.isEmpty || section.problem != nil {
                parsed.record(id, section, format: self, current: { accumulated($0) })
                for (path, content) in parsed.files[id] ?? [:] { written[path] = content }
            } else if let reason = settled[id] {
                parsed.settle(id, reason, exists: { accumulated($0) != nil })
            } else {
                parsed.missing.append(id)
            }
        }
        let markers = sections.filter { $0.work != nil }
        if markers.isEmpty {
            let only = sections.first
            if only?.operations.isEmpty != false, only?.problem == nil {
                if !settled.isEmpty {
                    for id in work { record(id, nil) }
                    return parsed
                }
                throw AnswerProblem(.noFiles, "the answer holds no file blocks (a path line followed by a fenced block)")
            }
            guard work.count == 1 else {
                throw AnswerProblem(.noFiles, "the answer has no `=== WORK <id> ===` lines: start each item's part with its line")
            }
            record(work[0], only)
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
        for id in work { record(id, byWork[id]) }
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
struct ParsedAnswer: Sendable, Equatable {
    /// Complete new file contents by path, per work id: each item's part wholly usable.
    public var files: [String: [String: [UInt8]]] = [:]
    /// Items whose part cannot be used, with the text to send back (asking again for that item alone).
    public var problems: [String: AnswerProblem] = [:]
    /// Items the answer left out (no part, or a part without files): retry each alone.
    public var missing: [String] = []
    /// Work ids in markers that were not asked for; their parts are ignored.
    public var unknownWork: [String] = []
    /// Items the model settled without files (`NOTHING TO DO`), with its reason.
    public var settled: [String: Settlement] = [:]

    /// Why an item needs no files, as the model said it.
    public struct Settlement: Sendable, Equatable {
        /// `already implemented in src/a.py: parse()`, `not code work: a release decision`.
        public var reason: String
        /// The file named as already doing it (it exists in the tree the answer was built on).
        public var path: String?
    }

    public init() {}

    /// Takes a `NOTHING TO DO` reason; "already implemented in <path>" must name a file that
    /// exists, any other reason must say it is not code work, else the part is a problem.
    mutating func settle(_ id: String, _ reason: String, exists: (String) -> Bool) {
        let lower = reason.lowercased()
        let implemented = "already implemented in "
        if lower.hasPrefix(implemented) {
            let rest = reason.dropFirst(implemented.count)
            var path = rest.prefix(while: { !$0.isWhitespace && $0 != "," && $0 != ";" && $0 != "(" })
            if path.hasSuffix(":") || path.hasSuffix(".") { path = path.dropLast() }
            if path.hasPrefix("`"), path.hasSuffix("`"), path.count > 2 { path = path.dropFirst().dropLast() }
            let file = String(path)
            guard !file.isEmpty, AnswerFormat.unsafeReason(file) == nil, exists(file) else {
                problems[id] = AnswerProblem(.noFiles, work: id, path: file.isEmpty ? nil : file,
                                             "NOTHING TO DO says the work is already implemented in '\(file)', but there is no such file; name the file that does it, or answer with the code")
                return
            }
            settled[id] = Settlement(reason: reason, path: file)
        } else if lower.hasPrefix("not code work") {
            settled[id] = Settlement(reason: reason, path: nil)
        } else {
            problems[id] = AnswerProblem(.noFiles, work: id,
                                         "NOTHING TO DO needs a reason of the form `already implemented in <path>` or `not code work: <why>` (got \"\(reason.prefix(120))\")")
        }
    }

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
