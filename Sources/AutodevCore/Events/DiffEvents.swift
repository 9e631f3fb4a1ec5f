public import AutodevGit
internal import AutodevSupport
/// One net change as reported by `diff-events`.
public struct ChangeRecord: Sendable, Equatable, Encodable {
    public var status: FileChange.Status
    public var path: String
    public var oldPath: String?
    public var similarity: Int?
    public var binary: Bool
    /// The kind of the events this change produced, nil when it produced none.
    public var event: EventKind?
    /// The rule that ignored it (`events.ignore: **/vendor/**`), or why it made no event.
    public var ignoredBy: String?

    enum CodingKeys: String, CodingKey { case status, path, oldPath, similarity, binary, event, ignoredBy }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(path, forKey: .path)
        try container.encodeIfPresent(oldPath, forKey: .oldPath)
        try container.encodeIfPresent(similarity, forKey: .similarity)
        try container.encode(binary, forKey: .binary)
        try container.encode(event, forKey: .event)  // null when nil
        try container.encode(ignoredBy, forKey: .ignoredBy)
    }
}

/// What `diff-events` reports: the range, every net change, and the events, by priority.
public struct DiffEventsReport: Sendable, Encodable {
    public struct RangeInfo: Sendable, Equatable, Encodable {
        public var from: String?
        /// A commit id, or "worktree".
        public var to: String?

        enum CodingKeys: String, CodingKey { case from, to }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
        }
    }

    public var range: RangeInfo
    public var changes: [ChangeRecord]
    public var events: [Event]
    /// Things the user should know: first run, rename limit reached, unreadable files.
    public var notes: [String]
    /// With `--explain`: the decision for every event (one per changed requirement of a spec).
    public var decisions: [Decision]?
    /// Requirements the range finished by progress alone (a tick, a status), by
    /// "spec\u{0}key", with the reason; not part of the JSON (see `Explainer.finishedByProgress`).
    public var finishedByProgress: [String: String] = [:]
    /// With `--explain` on a first run: what was adopted as the baseline.
    var adoption: AdoptionSummary?
    /// With `--explain` and a `SpecIndex`: its entries found and made, the spec files it let
    /// the decisions skip, the trees its `SpecTreeIndex` read, and the folders passed through
    /// their summaries and summaries made (not part of the JSON; tests and profiles).
    var specIndexUse: (found: Int, made: Int, skipped: Int, treesRead: Int, foldersPassed: Int, summariesMade: Int)?

    /// With `--explain`: how many decisions chose each action.
    public var actions: [String: Int]? {
        decisions.map { decisions in
            var counts: [String: Int] = [:]
            for decision in decisions { counts[decision.action.rawValue, default: 0] += 1 }
            return counts
        }
    }

    /// With `--explain`: how many decisions ask for work (everything but `skip`).
    public var needingWork: Int? {
        decisions.map { $0.filter(\.action.needsWork).count }
    }

    enum CodingKeys: String, CodingKey { case range, changes, events, notes, decisions, actions, needingWork }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(range, forKey: .range)
        try container.encode(changes, forKey: .changes)
        try container.encode(events, forKey: .events)
        try container.encode(notes, forKey: .notes)
        try container.encodeIfPresent(decisions, forKey: .decisions)
        try container.encodeIfPresent(actions, forKey: .actions)
        try container.encodeIfPresent(needingWork, forKey: .needingWork)
    }
}

/// Turns a range of a repository into net changes and prioritized events. Reads only.
public struct EventBuilder {
    let repository: Repository
    let config: Config
    let classifier: Classifier
    /// Whether `.gitattributes` may say what is binary, and from which commit (nil: the work tree).
    var attributes: (enabled: Bool, commit: ObjectID?) = (false, nil)
    /// Returns the signal that asked the run to stop, or 0. It is looked at throughout: for
    /// every folder pair of the tree walk, every destination of rename detection, every batch
    /// of 64 changes classified, every spec file and requirement decided; a stop throws
    /// `interrupted` (nothing is written before the report is complete).
    public var stopRequested: @Sendable () -> StopReason? = { nil }

    /// Called with `classified` once every change is classified, before the decisions: the
    /// run's fault-injection steps (`Sync.step`).
    public var step: (FaultPoint) -> Void = { _ in }

    /// Where the decisions' `SpecIndex` is kept, and whether this command may write it; nil:
    /// none (every spec the range did not touch is looked at by its bytes).
    var specIndex: (path: String, writable: Bool)?

    /// Keeps the content keys of spec files in `stateRoot` (`.auto-dev/cache/spec-index`)
    /// between runs; `write`: a run (not a preview) that may update it.
    public mutating func keepSpecIndex(stateRoot: String, write: Bool) {
        specIndex = (SpecIndex.path(stateRoot: stateRoot), write)
    }

    /// Throws `interrupted` when a stop was requested; `doing` says what it ended.
    func checkStop(_ doing: @autoclosure () -> String) throws(AutodevError) {
        if let reason = stopRequested() { throw AutodevError.stopped(by: reason, while: doing() + "; nothing was written") }
    }

    public init(repository: Repository, config: Config) throws(AutodevError) {
        self.repository = repository
        self.config = config
        self.classifier = try Classifier(config: config)
    }

    init(repository: Repository, config: Config, classifier: Classifier) {
        self.repository = repository
        self.config = config
        self.classifier = classifier
    }

    /// The rename settings: config over git config.
    public func renameOptions() -> RenameOptions {
        var options = repository.renameOptionsFromConfig()
        if let enabled = config[.diffRenames] { options.enabled = enabled }
        if let limit = config[.diffRenameLimit] { options.limit = limit }
        return options
    }

    /// The report for a range; with `explain`, the decisions too (step 6, no LLM).
    /// `produced`: blob ids autodev generated itself; a change that brings one back (a merge,
    /// squash or cherry-pick of the results branch) makes no event.
    /// `testReports`: JUnit reports whose failed tests become testFailed events.
    public func report(for request: RangeRequest, explain: Bool = false, produced: Set<ObjectID> = [],
                       testReports: [TestReport] = []) throws(AutodevError) -> DiffEventsReport {
        let range = try RangeResolver.resolve(request, in: repository, checkpointRef: config[.checkpointRef])
        return try report(for: range, explain: explain, produced: produced, testReports: testReports)
    }

    func report(for range: ResolvedRange, explain: Bool = false, produced: Set<ObjectID> = [],
                       testReports: [TestReport] = []) throws(AutodevError) -> DiffEventsReport {
        var notes = range.notes
        Trace.phase("range")
        var builder = self
        builder.attributes = (FileSystem.exists(repository.commonDirectory + "info/attributes"), range.worktree ? nil : range.to)
        // Spec contents read while classifying are kept for the decision step, except on a first
        // run: there they are every spec of the repository (100 MB in a large kitty-specs
        // history), and reading them again one at a time costs less than holding them all.
        let keepContents = explain && !range.firstRun
        // Files autodev produced come back through merges: they are not read or classified.
        func isProduced(_ change: FileChange) -> Bool { change.new.map { produced.contains($0.id) } ?? false }
        var diff: DiffResult
        // Modified files are final before rename detection: on a large range their
        // classification (reading blobs) starts on other threads while renames are paired here.
        var ahead: (changes: [FileChange], work: PendingWork<EventBuilder, [Classification]>)?
        do {
            if range.worktree {
                diff = try repository.diffWorktree(renames: renameOptions())
                if !builder.attributes.enabled { builder.attributes.enabled = worktreeAttributesMayMarkBinary(diff.changes) }
            } else if let to = range.to {
                let stop = stopRequested
                let tree = try repository.treeChanges(from: range.from, to: to, stop: { stop() != nil })
                try checkStop("reading the changed paths (tree walk)")
                if !builder.attributes.enabled {
                    builder.attributes.enabled = tree.attributeFiles.contains { file in
                        (try? repository.blobContent(file.id)).map(Self.mayMarkBinary) ?? true
                    }
                }
                let modified = tree.modified.filter { !isProduced($0) }
                if let work = builder.startClassifying(modified, keepContents: keepContents) {
                    ahead = (modified, work)
                }
                diff = try repository.resolveRenames(tree, renames: renameOptions(), stop: { stop() != nil })
            } else {
                diff = DiffResult(changes: [])
            }
        } catch let error as AutodevError {
            throw error
        } catch let error as GitError {
            throw RangeResolver.translate(error, repository: repository)
        } catch {
            throw AutodevError(.gitFailure, "\(error)")
        }
        try checkStop("pairing renames of \(diff.changes.count) changed paths")
        if let needed = diff.renameLimitNeeded {
            notes.append("inexact rename detection was skipped: it needs diff.rename_limit of at least \(needed) (now \(renameOptions().limit)); exact renames were still found")
        }
        var changes: [ChangeRecord] = []
        var events: [Event] = []
        var classified: [ClassifiedChange] = []
        changes.reserveCapacity(diff.changes.count)
        // Changes classified ahead are the modified ones, matched by path; the rest follow in order.
        var aheadResults: [String: Classification] = [:]
        let aheadPaths = Set(ahead?.changes.map(\.path) ?? [])
        func wasAhead(_ change: FileChange) -> Bool {
            (change.status == .modified || change.status == .typechange) && aheadPaths.contains(change.path)
        }
        if let prefixes = range.backfill {
            // A backfill reads specs only, and only those under the paths given.
            diff.changes = diff.changes.filter { change in
                (prefixes.isEmpty || prefixes.contains { change.path == $0 || change.path.hasPrefix($0 + "/") })
                    && classifier.classify(change.path)?.category == .specs
            }
        }
        let rest = diff.changes.filter { !isProduced($0) && !wasAhead($0) }
        var restList = builder.classifyAll(rest, keepContents: keepContents)
        var eventCount = restList.reduce(0) { $0 + $1.events.count }
        var restIndex = 0
        if let ahead {
            // Classification records problems in its results rather than throwing; should the
            // threads fail anyway, the loop below classifies what is missing.
            let batches = (try? ahead.work.finish()) ?? []
            for (change, result) in zip(ahead.changes, batches.joined()) {
                aheadResults[change.path] = result
                eventCount += result.events.count
            }
        }
        var failed: [Event] = []
        var failedIDs = Set<String>()
        for report in testReports {
            for event in report.events(priority: config.priority(of: .testFailed)) where failedIDs.insert(event.id).inserted {
                failed.append(event)
            }
        }
        // Held through the decisions, once: grown by appending, 2,000,000 events were kept up to
        // twice their room (and three times it while growing). A change's decisions read its
        // events as a slice of this array (`ClassifiedChange.events`), not a copy of their own
        // (and its classification's copy is let go as it is taken): 64 bytes an event less at
        // the first sync's peak.
        events.reserveCapacity(eventCount + failed.count)
        var eventRanges: [Range<Int>] = []
        // Batches skipped for a stop leave results missing: nothing below may read them.
        try checkStop("classifying \(diff.changes.count) changed paths")
        Trace.phase("classification")
        for change in diff.changes {
            if isProduced(change) {
                changes.append(ChangeRecord(status: change.status, path: change.path, oldPath: change.oldPath,
                                            similarity: change.similarity, binary: false, event: nil,
                                            ignoredBy: "produced by autodev (results branch)"))
                continue
            }
            let result: Classification
            if wasAhead(change) {
                result = aheadResults.removeValue(forKey: change.path) ?? builder.classifyOne(change, keepContents: keepContents)
            } else {
                result = restList[restIndex]
                restList[restIndex].events = []
                restList[restIndex].contents = [:]
                restIndex += 1
            }
            changes.append(result.record)
            let start = events.count
            events.append(contentsOf: result.events)
            notes.append(contentsOf: result.problems)
            if explain {
                eventRanges.append(start..<events.count)
                classified.append(ClassifiedChange(change: change, category: result.category, events: [],
                                                   contents: result.category == .specs ? result.contents : [:]))
            }
        }
        restList = []
        events.append(contentsOf: failed)
        Trace.phase("events")
        step(.classified)
        try checkStop("sorting \(events.count) events")
        let info = DiffEventsReport.RangeInfo(from: range.from?.hex, to: range.worktree ? "worktree" : range.to?.hex)
        var report = DiffEventsReport(range: info, changes: changes, events: [], notes: ReadNote.unique(notes))
        if explain {
            // Each change's events, in the order classified (the array is sorted after the decisions).
            for index in classified.indices { classified[index].events = events[eventRanges[index]] }
            eventRanges = []
            // Decisions follow the events' order.
            classified.sort { a, b in
                switch (a.events.first, b.events.first) {
                case let (x?, y?): return Self.eventOrder(x, y)
                case (_?, nil): return true
                default: return false
                }
            }
            do {
                var explainer = try Explainer(repository: repository, classifier: classifier, range: range, changes: diff.changes)
                explainer.stopRequested = stopRequested
                let index = specIndex.map { SpecIndex(path: $0.path, writable: $0.writable) }
                explainer.specIndex = index
                let (decisions, problems) = explainer.decide(classified, failedTests: failed.sorted(by: Self.eventOrder))
                // The slices let go: the events are sorted in place, not copied.
                classified = []
                if let reason = explainer.stoppedBy {
                    throw AutodevError.stopped(by: reason, while: "deciding what the changes need; nothing was written")
                }
                if let index {
                    // The spec paths gone at the end of the range: their entries go with the run's rows.
                    index.removed = diff.changes.compactMap { change in
                        let gone = change.status == .deleted ? change.path : change.status == .renamed ? change.oldPath : nil
                        return gone.flatMap { classifier.classify($0)?.category == .specs ? $0 : nil }
                    }
                    index.save()
                    report.specIndexUse = (index.found, index.made, index.skipped, index.trees?.treesRead ?? 0, index.foldersPassed, index.summariesMade)
                }
                report.decisions = decisions
                report.finishedByProgress = explainer.finishedByProgress
                report.notes = ReadNote.unique(report.notes + problems)
                report.adoption = AdoptionSummary.make(decisions)
                report.notes.append(contentsOf: report.adoption?.lines ?? [])
                Trace.phase("decisions")
            } catch let error as AutodevError {
                throw error
            } catch let error as GitError {
                throw RangeResolver.translate(error, repository: repository)
            } catch {
                throw AutodevError(.gitFailure, "\(error)")
            }
        }
        Self.sortEvents(&events)
        report.events = events
        return report
    }

    /// `events` in `eventOrder`, sorted through precomputed path bytes (thousands of events
    /// compared through their Strings took 2 ms); ties keep their order, as `sort` does.
    /// The events of one change are side by side and share their path: one copy of its bytes
    /// serves them all (2,000,000 tests of one file made 2,000,000 copies, 100 MB); and the
    /// order is applied in place, so the events are not held twice (128 MB for 2,000,000).
    static func sortEvents(_ events: inout [Event]) {
        var paths: [[UInt8]] = []
        paths.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            paths.append(index > 0 && events[index - 1].path == event.path ? paths[index - 1] : Array(event.path.utf8))
        }
        let order = events.indices.sorted { i, j in
            precedes(events[i], events[j], byPath: compareBytes(paths[i], paths[j])) ?? (i < j)
        }
        paths = []
        // Position k takes the event at order[k]: each cycle of the permutation is followed once.
        var placed = [Bool](repeating: false, count: events.count)
        for start in events.indices where !placed[start] {
            let first = events[start]
            var position = start
            while true {
                placed[position] = true
                let source = order[position]
                if source == start {
                    events[position] = first
                    break
                }
                events[position] = events[source]
                position = source
            }
        }
    }

    static func eventOrder(_ a: Event, _ b: Event) -> Bool {
        precedes(a, b, byPath: a.path == b.path ? 0 : (a.path.utf8.lexicographicallyPrecedes(b.path.utf8) ? -1 : 1)) ?? false
    }

    /// The order of events: priority (highest first), kind, path bytes (`byPath` is their
    /// comparison), detail; nil when two events are equal in all four.
    private static func precedes(_ a: Event, _ b: Event, byPath: @autoclosure () -> Int) -> Bool? {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.kind != b.kind { return a.kind < b.kind }
        let path = byPath()
        if path != 0 { return path < 0 }
        if a.detail != b.detail { return a.detail < b.detail }
        return nil
    }

    /// libgit2's attribute lookup reads the whole index (tens of milliseconds in a large
    /// repository), so it is used only where attributes can mark files binary: `info/attributes`,
    /// or a `.gitattributes` that mentions `diff` or `binary` in a folder holding changes — the
    /// root or any nested one (for a range, the tree walk reports those it passes through).
    static func mayMarkBinary(_ attributes: [UInt8]) -> Bool {
        let text = String(decoding: attributes, as: UTF8.self)
        return text.contains("diff") || text.contains("binary")
    }

    /// The work tree's attribute files along the changed paths (see `mayMarkBinary`).
    func worktreeAttributesMayMarkBinary(_ changes: [FileChange]) -> Bool {
        let paths = changes.flatMap { [$0.path, $0.oldPath].compactMap { $0 } }
        return repository.worktreeAttributeFiles(along: paths).contains(where: Self.mayMarkBinary)
    }

    struct Classification: Sendable {
        var record: ChangeRecord
        var events: [Event]
        var problems: [String]
        var category: PathCategory?
        var contents: [FileSide: [UInt8]]
    }

    /// Classifies every change, in the input's order; past a few hundred changes on several
    /// threads (see `startClassifying`).
    /// Once a stop is requested the rest is skipped and the result is short: the caller checks.
    func classifyAll(_ list: [FileChange], keepContents: Bool) -> [Classification] {
        if let work = startClassifying(list, keepContents: keepContents), let batches = try? work.finish() {
            return Array(batches.joined())
        }
        var results: [Classification] = []
        results.reserveCapacity(list.count)
        for (index, change) in list.enumerated() {
            if index % 64 == 0 && stopRequested() != nil { break }
            results.append(classifyOne(change, keepContents: keepContents))
        }
        return results
    }

    /// Starts classifying `list` on other threads, in batches, each worker with its own libgit2
    /// repository handle (libgit2 objects are not shared between threads); `finish()` joins in
    /// and returns the batches in order. Nil when the list is too short to be worth threads: the
    /// work is mostly reading blobs, microseconds each.
    func startClassifying(_ list: [FileChange], keepContents: Bool) -> PendingWork<EventBuilder, [Classification]>? {
        let workers = availableWorkers()
        guard list.count >= 256, workers > 1 else { return nil }
        let batch = 64
        let source = repository.threadSource
        nonisolated(unsafe) let caller = self
        let config = self.config, classifier = self.classifier, attributes = self.attributes, stop = self.stopRequested
        let worktree = list.contains { change in
            [change.old, change.new].contains { side in if case .workdir? = side?.location { true } else { false } }
        }
        // One thread per core besides the caller, which is busy pairing renames until `finish()`.
        return PendingWork(units: (list.count + batch - 1) / batch, workers: workers + 1, makeContext: { worker in
            // Worker 0 is the caller, in `finish()`: it uses its own repository.
            if worker == 0 { return caller }
            // Attributes and work-tree files need a full handle; blobs by id need only objects.
            let repository = attributes.enabled || worktree ? try source.open() : try source.openForObjects()
            var builder = EventBuilder(repository: repository, config: config, classifier: classifier)
            builder.attributes = attributes
            builder.stopRequested = stop
            return builder
        }, work: { builder, unit in
            // After a stop the remaining batches come back empty, at once.
            if stop() != nil { return [] }
            return list[(unit * batch)..<min(list.count, (unit + 1) * batch)].map { builder.classifyOne($0, keepContents: keepContents) }
        })
    }

    func classifyOne(_ change: FileChange, keepContents: Bool) -> Classification {
        var contents: [(side: FileSide, bytes: [UInt8])] = []
        let (record, made, problems, category) = classify(change, cache: &contents)
        // Only a spec's contents serve the decisions: a test file of 2,000,000 tests (100 MB)
        // was held through them.
        return Classification(record: record, events: made, problems: problems, category: category,
                              contents: keepContents && category == .specs ? Dictionary(contents, uniquingKeysWith: { first, _ in first }) : [:])
    }

    /// Classifies one change; `cache` keeps the contents read (at most both sides), for the
    /// decision step.
    private func classify(_ change: FileChange, cache: inout [(side: FileSide, bytes: [UInt8])]) -> (ChangeRecord, [Event], [String], PathCategory?) {
        var problems: [String] = []
        var unreadable: [FileSide] = []
        func content(_ side: FileSide?) -> [UInt8]? {
            guard let side, !side.mode.isSubmodule, !unreadable.contains(side) else { return nil }
            if let cached = cache.first(where: { $0.side == side }) { return cached.bytes }
            do {
                let bytes = try repository.content(of: side)
                cache.append((side, bytes))
                return bytes
            } catch {
                unreadable.append(side)
                problems.append(ReadNote.text(path: change.path, error: error))
                return nil
            }
        }
        // git's rule: `.gitattributes` first (`-diff`/`binary`, or `diff`), then a NUL byte in the
        // first 8000 bytes.
        func isBinary(_ side: FileSide?) -> Bool {
            if attributes.enabled, let decided = repository.binaryByAttributes(change.path, commit: attributes.commit) { return decided }
            guard let bytes = content(side) else { return false }
            return bytes.prefix(8000).contains(0)
        }
        // The file as it is after the change (as it was, for a deletion): one read per change.
        let binary = isBinary(change.new ?? change.old)

        var record = ChangeRecord(status: change.status, path: change.path, oldPath: change.oldPath,
                                  similarity: change.similarity, binary: binary, event: nil, ignoredBy: nil)
        guard let rule = classifier.classify(change.path) else {
            record.ignoredBy = "no events.* glob matches this path"
            return (record, [], problems, nil)
        }
        guard var kind = rule.category.eventKind else {
            record.ignoredBy = rule.label
            return (record, [], problems, rule.category)
        }
        var tests: [String] = []
        if kind == .testAdded {
            if !binary, change.new != nil, let language = TestFunctionScanner.language(forPath: change.path) {
                let newNames = TestFunctionScanner.testNames(in: content(change.new) ?? [], language: language)
                let oldNames = change.old.map { TestFunctionScanner.testNames(in: content($0) ?? [], language: language) } ?? []
                tests = TestFunctionScanner.addedTests(old: oldNames, new: newNames)
            }
            if tests.isEmpty { kind = .codeModified }
        }
        record.event = kind
        let priority = config.priority(of: kind)
        let oldBlob = change.old?.id.hex, newBlob = change.new?.id.hex
        if kind == .testAdded {
            let made = tests.map { name in
                Event(id: Event.makeID(kind: kind, path: change.path, oldBlob: oldBlob, newBlob: newBlob, test: name),
                      kind: kind, priority: priority, path: change.path, detail: name)
            }
            return (record, made, problems, rule.category)
        }
        let event = Event(id: Event.makeID(kind: kind, path: change.path, oldBlob: oldBlob, newBlob: newBlob, test: nil),
                          kind: kind, priority: priority, path: change.path, detail: detail(for: change, testFile: rule.category == .tests))
        return (record, [event], problems, rule.category)
    }

    private func detail(for change: FileChange, testFile: Bool) -> String {
        let prefix = testFile ? "test file " : ""
        switch change.status {
        case .added: return prefix + "added"
        case .deleted: return prefix + "deleted"
        case .modified:
            if change.old?.id == change.new?.id { return prefix + "mode changed" }
            return prefix + "modified"
        case .renamed, .copied:
            let verb = change.status == .renamed ? "renamed" : "copied"
            return prefix + "\(verb) from \(change.oldPath ?? "?") (\(change.similarity ?? 100)%)"
        case .typechange: return prefix + "type changed"
        }
    }
}
