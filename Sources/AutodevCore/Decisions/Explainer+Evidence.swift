internal import AutodevGit

/// Evidence from the code for the decision step: cited paths resolved in the whole tree, the
/// names a task gives looked up, and deletions checked against what is gone.
extension Explainer {
    /// The cited paths that answer to a file or folder at the end of the range (resolved), and
    /// those several files answer to (no evidence).
    struct CitedPaths {
        var existing: [String] = []
        var ambiguous: [String] = []
    }

    mutating func evidence(after side: Bool) -> CodeEvidence {
        if side, let known = evidenceAfter { return known }
        if !side, let known = evidenceBefore { return known }
        let made = CodeEvidence(snapshot: side ? after : before, classifier: classifier)
        if side { evidenceAfter = made } else { evidenceBefore = made }
        return made
    }

    mutating func resolved(_ links: [String], of requirement: Requirement, after side: Bool = true) -> CitedPaths {
        var cited = CitedPaths()
        let evidence = evidence(after: side)
        var missing: [String] = []
        for link in links {
            switch evidence.resolve(link, near: requirement.spec) {
            case .exact(let path), .found(let path): if !cited.existing.contains(path) { cited.existing.append(path) }
            case .ambiguous: cited.ambiguous.append(link)
            case .missing: missing.append(link)
            }
        }
        // A requirement that names a place and, beside it, a deeper namesake (`frontend/` at the
        // root, "not `legacy/app/frontend/`") asks for the place it names: the namesake that
        // exists is another one, no evidence that the one asked for does.
        cited.existing.removeAll { path in
            missing.contains { link in link.count > 1 && path != link && path.hasSuffix("/" + link) }
        }
        return cited
    }

    /// A task that deletes or moves files, by its first verb (`TaskIntent`), and whether the
    /// end of the range shows it done. Nil for any other task, and for one that names nothing
    /// to look for.
    mutating func removal(of requirement: Requirement) -> DecisionFacts.Removal? {
        guard requirement.kind == .task, let (intent, _) = TaskIntent.of(requirement.title), intent != .create,
              !NotCodeWork.isEnvironmentStep(requirement.title) else { return nil }
        let evidence = evidence(after: true)
        let title = requirement.title
        let titlePaths = TextScan.pathMentions(title)
        if intent == .move {
            let paths = titlePaths.count >= 2 ? titlePaths : requirement.paths
            guard paths.count >= 2, let destination = paths.last else { return nil }
            let sources = paths.dropLast()
            let intoFolder = destination.hasSuffix("/") || TextScan.extensionOf(Substring(SpecDocument.baseName(destination))) == nil
            let folder = destination.hasSuffix("/") ? destination : destination + "/"
            let arrived = intoFolder ? sources.allSatisfy { after.exists(folder + SpecDocument.baseName($0)) }
                                     : evidence.resolve(destination, near: requirement.spec).path != nil
            let left = sources.filter { after.exists($0) }
            if arrived && left.isEmpty { return .done("moved: \(Self.listed(Array(sources))) \(sources.count == 1 ? "is" : "are") at \(destination)") }
            return .pending(arrived ? "\(Self.listed(left)) still at the old place" : "nothing at \(destination) yet")
        }
        let symbols = codeNames(of: requirement)
        if !symbols.isEmpty {
            // A name taken out of the code: done when the files it names (or, naming none, the
            // code) no longer hold it.
            let files = resolved(requirement.paths, of: requirement).existing.filter { !$0.hasSuffix("/") }
            let present = symbols.filter { symbol in
                files.isEmpty ? evidence.definition(of: symbol) != nil : files.contains { evidence.mentions(symbol, in: $0) == true }
            }
            let place = files.isEmpty ? "the code" : Self.listed(files)
            return present.isEmpty ? .done("\(Self.quoted(symbols)) no longer in \(place)")
                                   : .pending("\(Self.quoted(present)) still in \(place)")
        }
        let targets = titlePaths.filter { TaskIntent.deletes($0, title: title) }
        let named = !targets.isEmpty ? targets : (titlePaths.isEmpty && TaskIntent.namesFiles(title) ? requirement.paths : [])
        guard !named.isEmpty else { return nil }
        let left = named.filter { !evidence.isGone($0) }
        if left.isEmpty { return .done("\(Self.listed(named)) \(named.count == 1 ? "is" : "are") gone") }
        return .pending("\(Self.listed(left)) still there")
    }

    /// For a task that gives code names (`count_completed()`, `validate_task_id`): whether the
    /// code holds them, in the files it names or, naming none, anywhere. Missing names make it
    /// work whatever files exist; present ones are its implementation at adoption, and after it
    /// when they appeared in the range (returned, as the alongside reason) or when the task
    /// creates them and they were there before. A task that changes names which already exist
    /// stays work (`plannedEdit`).
    mutating func symbolEvidence(of requirement: Requirement, change: RequirementChange.Kind, cited: CitedPaths,
                                 facts: inout DecisionFacts) -> String? {
        let symbols = codeNames(of: requirement)
        guard !symbols.isEmpty else { return nil }
        let cited = resolved(requirement.paths, of: requirement)
        let own = cited.existing.filter { !$0.hasSuffix("/") }
        // Files it names that do not exist yet are where its names go: a type of the same name
        // elsewhere (`ProcessingStatus` in types/websocket.ts for a ProcessingStatus.tsx
        // component) is not its implementation.
        let absent = requirement.paths.filter { !$0.hasSuffix("/") && TextScan.extensionOf(Substring(SpecDocument.baseName($0))) != nil }
        if own.isEmpty, cited.ambiguous.isEmpty, !absent.isEmpty {
            facts.missingSymbols = "\(Self.quoted(symbols)) \(symbols.count == 1 ? "is" : "are") not in the code yet (\(Self.listed(absent)) does not exist)"
            facts.implementation = []
            return nil
        }
        let current = evidence(after: true)
        let now = locate(symbols, in: own, evidence: current)
        if !now.missing.isEmpty {
            // A named file that cannot be read (binary, too large) is no evidence: the code was searched.
            let readable = own.filter { current.text(of: $0) != nil }
            let place = readable.isEmpty ? "the code" : Self.listed(readable)
            facts.missingSymbols = "\(Self.quoted(now.missing)) \(now.missing.count == 1 ? "is" : "are") not in \(place) yet"
            facts.implementation = []
            return nil
        }
        let places = Self.listed(SpecText.unique(symbols.compactMap { now.found[$0] }))
        if range.firstRun {
            facts.implementation = SpecText.unique(symbols.compactMap { now.found[$0] })
            facts.implementedBy = "\(Self.quoted(symbols)) \(symbols.count == 1 ? "is" : "are") in \(places)"
            return nil
        }
        guard change == .added else { return nil }
        let ownBefore = resolved(requirement.paths, of: requirement, after: false).existing.filter { !$0.hasSuffix("/") }
        let then = locate(symbols, in: ownBefore, evidence: evidence(after: false))
        if !then.missing.isEmpty {
            return "\(Self.quoted(then.missing)) appeared in \(places) in this range"
        }
        if TaskIntent.of(requirement.title)?.intent == .create {
            facts.implementation = SpecText.unique(symbols.compactMap { now.found[$0] })
            facts.implementedBy = "\(Self.quoted(symbols)) \(symbols.count == 1 ? "is" : "are") in \(places) (before this range)"
        }
        return nil
    }

    /// Where each name is: the first named file that holds it; naming no readable file, where
    /// the code defines it.
    private func locate(_ symbols: [String], in files: [String], evidence: CodeEvidence) -> (found: [String: String], missing: [String]) {
        var found: [String: String] = [:]
        var missing: [String] = []
        let readable = files.filter { evidence.text(of: $0) != nil }
        for symbol in symbols {
            let place = readable.isEmpty ? evidence.definition(of: symbol)
                                         : readable.first { evidence.mentions(symbol, in: $0) == true }
            if let place { found[symbol] = place } else { missing.append(symbol) }
        }
        return (found, missing)
    }

    /// The names a task gives, read from its line in the spec as written (`` `MemoryStore` ``
    /// keeps its backticks there, not in the parsed title); from the title when the line cannot
    /// be read or is not the task's.
    mutating func codeNames(of requirement: Requirement) -> [String] {
        let lines = self.lines(ofSpec: requirement.spec)
        let index = requirement.line - 1
        if index >= 0, index < lines.count, let head = requirement.title.split(separator: " ").first,
           lines[index].contains(head) {
            return TaskIntent.symbols(in: String(lines[index]), files: requirement.paths)
        }
        return TaskIntent.symbols(in: requirement.title, files: requirement.paths)
    }

    /// The lines of the spec file at `spec` at the end of the range, read once per run (kept in
    /// `specLines`). Callers that only need the lines call this, not `codeNames` (whose names,
    /// read by `TaskIntent.symbols`, they threw away: 5 % of a stress test's deciding).
    @discardableResult
    mutating func lines(ofSpec spec: String) -> [Substring] {
        if let known = specLines[spec] { return known }
        let bytes = rangeSpecBytes[spec] ?? after.side(of: spec).flatMap { try? after.repository.content(of: $0) } ?? []
        let text = String(decoding: bytes.prefix(CodeEvidence.maxFileBytes), as: UTF8.self)
        let lines = Self.splitLines(text)
        specLines[spec] = lines
        return lines
    }

    /// `text.split(separator: "\n", omittingEmptySubsequences: false)`, by bytes when the text
    /// holds no "\r": a "\n" is a Character of its own but after a "\r" (one Character, "\r\n",
    /// which is no "\n" to the standard library's split), so without one every "\n" byte is a
    /// separator and nothing else is. The Character split was 4 % of a stress-test sync.
    static func splitLines(_ text: String) -> [Substring] {
        let utf8 = text.utf8
        guard !utf8.contains(13) else { return text.split(separator: "\n", omittingEmptySubsequences: false) }
        var lines: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == 10 {
                lines.append(text[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        lines.append(text[start..<utf8.endIndex])
        return lines
    }

    /// A task that deletes or moves what it names: a deleted path it links to is what it asked for.
    static func asksToRemove(_ requirement: Requirement) -> Bool {
        guard requirement.kind == .task, let (intent, _) = TaskIntent.of(requirement.title) else { return false }
        return intent != .create
    }

    static func quoted(_ names: [String]) -> String {
        names.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
    }

    static func listed(_ paths: [String]) -> String {
        paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? " and \(paths.count - 3) more" : "")
    }
}
