#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the rules cannot see a tick: an open task whose feature's own code landed in the same
/// range. Issue 21's replay of a Spec Kit repository read ten tasks of one feature proposed as
/// work although its merge implemented them (ticked later in a docs-only commit): "Add error
/// handling for empty queries", "Integrate search results with context storage". The rules see
/// no tick and often no file name; a model reading where the task's names sit in the code can.
/// So these tasks get a doubt (asked by triage when a provider is configured) with bounded
/// evidence: the code files the range changed in the feature, and, for each name or quoted
/// phrase the task gives, the lines that hold it at the end of the range (`path:line: text`).
extension Explainer {
    /// Names or phrases of one task looked up.
    static let unsureNames = 4
    /// Lines shown per name.
    static let unsureHitsPerName = 2
    /// Evidence of one item, in bytes (the whole prompt has `Triage.promptBytes`).
    static let unsureEvidenceBytes = 900
    /// Changed files of the feature read for names, per task.
    static let unsureFilesRead = 60
    /// Name lookups in one range (each reads up to `unsureFilesRead` files, cached).
    static let unsureLookups = 400
    /// A range that changed this many code files changed the code of the features whose tasks
    /// it adds, when none of the files their documents name were touched (a merge of a whole
    /// feature whose documents name no path).
    static let largeCodeChange = 5

    /// A task added open in this range, proposed as new code, when the range also changed the
    /// feature's code or a name the task gives is in the code the range changed. Never at
    /// adoption (the tree is the evidence there) and never without code changed in the range.
    mutating func implementedDoubt(about change: RequirementChange, decision: Decision) -> Decision.Doubt? {
        guard !range.firstRun, change.kind == .added, decision.action == .newImplementation,
              let task = change.after, task.kind == .task, !task.isTicked, !rangeCode.isEmpty else { return nil }
        let area = featureCode(of: task)
        let evidence = self.evidence(after: true)
        let secrets = SecretGuard()
        // The files it names first: whether each is there, and whether this range wrote it.
        var files: [String] = []
        var named: [String] = []
        for path in task.paths where TextScan.extensionOf(Substring(SpecDocument.baseName(path))) != nil {
            guard let found = evidence.resolve(path, near: task.spec).path else {
                named.append("\(path): not in the tree")
                continue
            }
            files.append(found)
            named.append("\(found): \(rangeCode.contains(found) ? "written in this range" : "there, not changed in this range")")
        }
        let near = Set((files + task.paths).map { Self.folder(of: $0) })
        let tests = Set(area.filter { classifier.classify($0)?.category == .tests })
        let isTest = { (path: String) in tests.contains(path) }
        let feature = area.filter { near.contains(Self.folder(of: $0)) }
            + area.filter { !near.contains(Self.folder(of: $0)) && !isTest($0) } + area.filter { !near.contains(Self.folder(of: $0)) && isTest($0) }
        let own = files
        for path in feature where !files.contains(path) { files.append(path) }
        var lines: [String] = []
        var inRangeCode = false
        for name in unsureNames(of: task).prefix(Self.unsureNames) {
            guard unsureLookupsMade < Self.unsureLookups else { break }
            unsureLookupsMade += 1
            let phrase = name.contains(" ")
            var places = files
            if !phrase, let defined = evidence.definition(of: name), !places.contains(defined) { places.append(defined) }
            var hits: [String] = []
            for path in places.prefix(Self.unsureFilesRead) where !secrets.isSecretPath(path) {
                guard let bytes = evidence.text(of: path) else { continue }
                for (number, text) in Self.lines(in: bytes, holding: name, wholeWord: !phrase, limit: Self.unsureHitsPerName - hits.count) {
                    hits.append("\(path):\(number): \(SecretGuard.cut(text, to: 160))")
                    if rangeCode.contains(path) { inRangeCode = true }
                }
                if hits.count >= Self.unsureHitsPerName { break }
            }
            let shown = phrase ? "“\(name)”" : "`\(name)`"
            if !hits.isEmpty, let first = own.first, !hits.contains(where: { $0.hasPrefix(first + ":") }), evidence.text(of: first) != nil {
                lines.append("\(shown): not in \(first); elsewhere:")
            }
            if hits.isEmpty {
                lines.append(phrase ? "\(shown): in none of the files above" : "\(shown): not in the files above, and no code defines it")
            } else {
                lines.append(contentsOf: hits.map { "\(shown) at \($0)" })
            }
        }
        // Asked only on evidence that it may be done: a name it gives sits in code this range
        // wrote, or a file it names was written here. Measured on two replays, asking every open
        // task of a feature whose code landed (81 and 11 questions, ~16,600 tokens) removed no
        // work: where no name of the task is in the new code, the model answers "no" too.
        let ownWritten = own.contains { rangeCode.contains($0) }
        guard inRangeCode || ownWritten else { return nil }
        var text = "task (\(task.key)) in \(task.spec)"
        if let section = task.section { text += " under “\(SecretGuard.cut(section, to: 100))”" }
        text += ": \(SecretGuard.cut(task.text, to: 300))\n"
        for line in named.prefix(3) { text += "file it names: \(line)\n" }
        text += feature.isEmpty ? "this range changed no code of the feature's files\n"
            : "code of the feature this range changed (\(feature.count) file\(feature.count == 1 ? "" : "s"), nearest first): \(Self.listed(feature, upTo: 6))\n"
        for line in lines {
            guard text.utf8.count + line.utf8.count < Self.unsureEvidenceBytes else { break }
            text += line + "\n"
        }
        return Decision.Doubt(question: "Does the code shown already do what this task asks (done in this range or before), so nothing is left to write for it?",
                              evidence: String(text.dropLast()), similarity: 0,
                              ifYes: "already implemented: the code at the end of the range does what the task asks, though it is not ticked")
    }

    /// The range's changed code and test files in the feature's area: under the folders of the
    /// paths its documents in this range name (resolved in the tree); naming none there, every
    /// changed file when the range changed at least `largeCodeChange`.
    mutating func featureCode(of task: Requirement) -> [String] {
        let root = scopeRoot(of: task)
        if let known = unsureAreas[root] { return known }
        let evidence = self.evidence(after: true)
        var named = Set<String>()
        for (key, document) in changedDocuments where key.hasPrefix("after\u{0}") && document.path.hasPrefix(root) {
            for requirement in document.requirements {
                for path in requirement.paths { named.insert(evidence.resolve(path, near: document.path).path ?? path) }
            }
        }
        let folders = Set(named.compactMap { path -> String? in
            if path.hasSuffix("/") { return path }
            guard let slash = path.lastIndex(of: "/") else { return nil }
            return String(path[...slash])
        })
        var area = rangeCode.filter { path in named.contains(path) || folders.contains { path.hasPrefix($0) } }
        if area.isEmpty && rangeCode.count >= Self.largeCodeChange { area = rangeCode }
        unsureAreas[root] = area
        return area
    }

    /// The names a task gives (backticked, CamelCase, snake_case, dotted, called) and the phrases
    /// it quotes ("I found 2 tasks"), as written on its line.
    mutating func unsureNames(of task: Requirement) -> [String] {
        var names = codeNames(of: task)
        let line = unsureLine(of: task).replacing("\\n", with: " ")
        for word in CodeLookup.identifiers(in: line) + task.codeSpans {
            let name = String(word.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
            if name.count >= 3, !names.contains(name), !task.paths.contains(where: { $0.hasSuffix(name) }) { names.append(name) }
        }
        // A file name (`test_search.py`) is a path, shown as one: not a name to look up; nor is a
        // part of a path the task gives (`bundled` of bundled-modules.json, `src`).
        let parts = Set((task.paths + TextScan.pathMentions(line)).flatMap { $0.split(whereSeparator: { "/-.".contains($0) }).map(String.init) })
        names.removeAll { name in
            (TextScan.extensionOf(Substring(name)) != nil && CodeLookup.namedFiles(in: "`\(name)`").contains(name)) || parts.contains(name)
        }
        for phrase in Self.quotedPhrases(line) where !names.contains(phrase) { names.append(phrase) }
        return names
    }

    private mutating func unsureLine(of task: Requirement) -> String {
        let lines = self.lines(ofSpec: task.spec)
        let index = task.line - 1
        if index >= 0, index < lines.count, let head = task.title.split(separator: " ").first, lines[index].contains(head) {
            return String(lines[index])
        }
        return task.title
    }

    /// Text in double quotes (straight or curly) of at least two words, cut to its first five
    /// words and at a placeholder-like `'`, so "I couldn't find any tasks matching 'xyz'" finds
    /// the code's `f"I couldn't find any tasks matching '{query}'"`.
    static func quotedPhrases(_ line: String) -> [String] {
        var out: [String] = []
        var open: String.Index?
        for index in line.indices where line[index] == "\"" || line[index] == "“" || line[index] == "”" {
            if let start = open {
                var phrase = String(line[line.index(after: start)..<index])
                if let cut = phrase.firstRange(of: " '") { phrase = String(phrase[..<cut.lowerBound]) }
                phrase = phrase.replacing("\\n", with: " ")
                let words = phrase.split(separator: " ").prefix(5)
                if words.count >= 2, words.joined(separator: " ").count >= 8 { out.append(words.joined(separator: " ")) }
                open = nil
            } else {
                open = index
            }
        }
        return out
    }

    /// Lines (1-based number, trimmed text) of `bytes` holding `needle`: as a whole word, or
    /// as text ignoring ASCII case; at most `limit`.
    static func lines(in bytes: [UInt8], holding needle: String, wholeWord: Bool, limit: Int) -> [(Int, String)] {
        guard limit > 0 else { return [] }
        let haystack = wholeWord ? bytes : bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        let word = Array((wholeWord ? needle : needle.lowercased()).utf8)
        guard !word.isEmpty, haystack.count >= word.count else { return [] }
        func isIdentifier(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x24
        }
        var found: [(Int, String)] = []
        var lastLine = -1
        haystack.withUnsafeBufferPointer { hay in
            word.withUnsafeBufferPointer { pin in
                guard let base = hay.baseAddress, let pinBase = pin.baseAddress else { return }
                var offset = 0
                while found.count < limit, offset <= hay.count - pin.count,
                      let hit = memchr(base + offset, Int32(pin[0]), hay.count - pin.count + 1 - offset) {
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    offset = at + 1
                    guard memcmp(base + at, pinBase, pin.count) == 0 else { continue }
                    if wholeWord, (at > 0 && isIdentifier(hay[at - 1])) || (at + pin.count < hay.count && isIdentifier(hay[at + pin.count])) { continue }
                    var start = at
                    while start > 0 && hay[start - 1] != 0x0A { start -= 1 }
                    var end = at
                    while end < hay.count && hay[end] != 0x0A { end += 1 }
                    let number = hay[..<start].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                    guard number != lastLine else { continue }
                    lastLine = number
                    let text = String(decoding: bytes[start..<end], as: UTF8.self).trimmingSpaces()
                    found.append((number, text))
                    offset = end
                }
            }
        }
        return found
    }

    static func listed(_ paths: [String], upTo count: Int) -> String {
        paths.prefix(count).joined(separator: ", ") + (paths.count > count ? " and \(paths.count - count) more" : "")
    }
}
