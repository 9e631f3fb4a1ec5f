public import AutodevGit
internal import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The one-shot run: lock, range, events, decisions, tiers, results branch, state, checkpoint.
public final class Sync {
    let repository: Repository
    let config: Config
    let environment: [String: String]
    let store: StateStore
    /// Returns the signal that asked the run to stop, or 0.
    let stopRequested: @Sendable () -> Int32
    let progress: (String) -> Void
    private var pausedOnce = false

    public init(repository: Repository, config: Config, environment: [String: String],
                stopRequested: @escaping @Sendable () -> Int32 = { 0 }, progress: @escaping (String) -> Void = { _ in }) {
        self.repository = repository
        self.config = config
        self.environment = environment
        self.stopRequested = stopRequested
        self.progress = progress
        self.store = StateStore(root: Sync.stateRoot(for: repository))
    }

    /// `.auto-dev` in the work tree; `autodev` inside the git folder of a bare repository.
    public static func stateRoot(for repository: Repository) -> String {
        if let workdir = repository.workdir { return workdir + ".auto-dev" }
        return repository.gitDirectory + "autodev"
    }

    var resultsRef: String { "refs/heads/" + config.string("loop.results_branch") }
    var checkpointRef: String { config.string("loop.checkpoint_ref") }

    // MARK: Fault injection for the crash-safety tests

    /// `AUTODEV_TEST_KILL_AT=step` makes the process kill itself with SIGKILL at that step, so
    /// tests can prove a crash anywhere loses nothing. Steps: locked, decided, resolved,
    /// results-written, results-ref, persisted, queue-ref, checkpoint.
    /// `AUTODEV_TEST_SIGNAL_AT=step` sends the process SIGTERM there, to test graceful stops.
    /// `AUTODEV_TEST_PAUSE_AT=step` with `AUTODEV_TEST_PAUSE_FIFO=PATH` stops there once, for races
    /// between two syncs: it opens the FIFO PATH for writing (the test, reading, learns it
    /// arrived), then PATH.go for reading (it goes on when the test opens that for writing).
    /// Steps `hook-busy` (a hook's sync found the lock held) and `before-release` (a run about to
    /// release the lock).
    func step(_ name: String) {
        if environment["AUTODEV_TEST_PAUSE_AT"] == name, !pausedOnce, let fifo = environment["AUTODEV_TEST_PAUSE_FIFO"] {
            pausedOnce = true  // once per process: a run that goes round again does not wait twice
            let here = open(fifo, O_WRONLY)
            if here >= 0 { close(here) }
            let go = open(fifo + ".go", O_RDONLY)
            if go >= 0 { close(go) }
        }
        if environment["AUTODEV_TEST_KILL_AT"] == name {
            kill(getpid(), SIGKILL)
        }
        if environment["AUTODEV_TEST_SIGNAL_AT"] == name {
            kill(getpid(), SIGTERM)
        }
    }

    // MARK: The run

    public func run(_ options: SyncOptions) throws(AutodevError) -> SyncReport {
        var report = SyncReport(dryRun: options.dryRun, deferredToRunningSync: false, passes: [], warnings: [], interruptedBy: nil)
        if options.dryRun {
            var (state, warning) = store.peekState()
            if let warning { report.warnings.append(warning) }
            let origin = try applyQueue(to: &state, warnings: &report.warnings)
            report.passes.append(try pass(options, state: state, queue: origin, dryRun: true))
            return report
        }
        excludeStateFolder()
        var lock: RunLock
        switch try RunLock.acquire(at: store.lockPath, wait: !options.noWait && !options.hook, onWait: { holder in
            self.progress("waiting for the sync already running\(holder.map { " (pid \($0))" } ?? "") on this repository…")
        }, stopRequested: stopRequested) {
        case .acquired(let acquired):
            lock = acquired
        case .stopped(let signal):
            report.interruptedBy = signal  // stopped while waiting: nothing was done
            return report
        case .busy(let holder):
            guard options.hook else {
                throw AutodevError(.lockBusy, "another sync\(holder.map { " (pid \($0))" } ?? "") is running on this repository; run again when it ends, or without --no-wait to wait for it",
                                   exitStatus: .busy)
            }
            step("hook-busy")
            try FileSystem.writeAtomically(store.rerunPath, Array("\(FileSystem.now())\n".utf8))
            // The running sync may have looked for the flag just before it was written and be
            // releasing the lock now: try once more, so the wake-up is not lost.
            guard case .acquired(let acquired) = try RunLock.acquire(at: store.lockPath, wait: false) else {
                report.deferredToRunningSync = true
                return report
            }
            lock = acquired
        }
        while true {
            do {
                try runLocked(options, report: &report)
            } catch {
                lock.release()
                throw error
            }
            step("before-release")
            lock.release()
            // Released, look for the flag once more: a hook that found the lock held after our
            // last look left it, and tried the lock again before or after we let go. If we get
            // the lock, its commits are ours; if not, that hook's sync has them.
            guard options.range == .sinceCheckpoint, report.interruptedBy == nil, report.passes.count < 10,
                  FileSystem.exists(store.rerunPath) else { break }
            guard case .acquired(let again) = try RunLock.acquire(at: store.lockPath, wait: false) else { break }
            lock = again
        }
        return report
    }

    /// The run's passes, holding the lock: one, plus one for each hook that asked for a rerun
    /// while it ran (at most 10 in all).
    private func runLocked(_ options: SyncOptions, report: inout SyncReport) throws(AutodevError) {
        // Holding the run lock, any lock file on autodev's own refs was left by a sync that died
        // mid-update (git would refuse to move the ref while it exists).
        for ref in [resultsRef, checkpointRef, WorkQueue.ref] {
            let stale = repository.commonDirectory + ref + ".lock"
            if FileSystem.exists(stale) {
                FileSystem.remove(stale)
                report.warnings.append("removed \(stale), left by a sync that was killed while moving \(ref)")
            }
        }
        // Scratch copies of generators whose sync was killed (SIGKILL leaves them behind).
        Generator.removeDeadScratch(environment)
        step("locked")
        // A hook that came while we ran asks for one more pass over the new commits.
        while report.passes.count < 10 {
            FileSystem.remove(store.rerunPath)
            var (state, warning) = store.loadState()
            if let warning { report.warnings.append(warning) }
            let origin = try applyQueue(to: &state, warnings: &report.warnings)
            let requestsBefore = Set(FileSystem.list(store.pendingFolder))
            let done: SyncPass
            do {
                done = try pass(options, state: state, queue: origin, dryRun: false)
            } catch {
                recoverFromFailedPass(initial: state, requestsBefore: requestsBefore)
                throw error
            }
            report.passes.append(done)
            let signal = stopRequested()
            if signal != 0 {
                report.interruptedBy = signal
                break
            }
            guard options.range == .sinceCheckpoint, FileSystem.exists(store.rerunPath) else { break }
        }
    }

    /// After a pass that threw: if it had marked the loop `processing` and not yet saved its
    /// outcome, the state goes back to what it was before the pass, loop idle (the next run
    /// redoes the work, as after a crash); request files the pass wrote that the state does not
    /// name are removed. Best effort: the error that stopped the pass is what the user sees.
    private func recoverFromFailedPass(initial: SyncState, requestsBefore: Set<String>) {
        var state = store.peekState().0
        if state.loop.state != .idle && state.loop.state != .shutdown {
            state = initial
            state.awaitingLLM = initial.awaitingLLM.filter { FileSystem.exists(store.pendingFolder + "/" + $0.value) }
            state.awaitingSubjects = initial.awaitingSubjects?.filter { state.awaitingLLM[$0.key] != nil }
            state.awaitingWork = initial.awaitingWork?.filter { state.awaitingLLM[$0.key] != nil }
            state.loop = .init(state: .idle, task: nil, pid: nil, since: FileSystem.now())
            try? store.save(state)
        }
        let named = Set(state.awaitingLLM.values)
        for name in FileSystem.list(store.pendingFolder) where !requestsBefore.contains(name) && !named.contains(name) {
            FileSystem.remove(store.pendingFolder + "/" + name)
        }
    }

    /// Keeps `.auto-dev/` out of `git status` even before `autodev init` added it to .gitignore,
    /// through `.git/info/exclude` (not the user's files).
    private func excludeStateFolder() {
        guard repository.workdir != nil else { return }
        let path = repository.commonDirectory + "info/exclude"
        let current = (try? FileSystem.readIfPresent(path)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard !current.split(separator: "\n").contains(where: { $0 == "/.auto-dev/" || $0 == ".auto-dev/" }) else { return }
        let text = current + (current.isEmpty || current.hasSuffix("\n") ? "" : "\n") + "/.auto-dev/\n"
        try? FileSystem.writeAtomically(path, Array(text.utf8))
    }

    // MARK: One pass

    private func pass(_ options: SyncOptions, state initial: SyncState, queue origin: QueueOrigin, dryRun: Bool) throws(AutodevError) -> SyncPass {
        var state = initial
        let started = FileSystem.now()
        let range = try RangeResolver.resolve(options.range, in: repository, checkpointRef: checkpointRef)
        var notes = range.notes
        var conflicts: [String] = []

        // The results branch: ours, or moved by someone else?
        let tip = try gitCall { try self.repository.referenceTarget(self.resultsRef) }
        try checkResultsBranch(tip: tip, state: &state, notes: &notes)
        let previous = try tip.map { tip throws(AutodevError) in try generatedFiles(on: tip) } ?? [:]

        // Events and decisions, ignoring what autodev itself produced.
        var produced = Set(state.produced.compactMap(ObjectID.init(hex:)))
        produced.formUnion(previous.values)
        var builder = try EventBuilder(repository: repository, config: config)
        builder.stopRequested = stopRequested
        let events = try builder.report(for: range, explain: true, produced: produced, testReports: options.testReports)
        notes.append(contentsOf: events.notes.filter { !range.notes.contains($0) })
        let decisions = events.decisions ?? []
        let eventsByID = Dictionary(events.events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        // Queue: pending work first, then new work by priority; limits decide what waits.
        var records: [DecisionRecord] = []
        var fresh: [WorkItem] = []
        for decision in decisions {
            let event = eventsByID[decision.eventId]
            guard decision.action.needsWork, let event else {
                records.append(DecisionRecord(run: "", eventId: decision.eventId, work: nil, action: decision.action, rule: decision.rule,
                                              reason: decision.reason, requirement: decision.requirement?.key,
                                              spec: decision.requirement?.spec, textHash: decision.requirement?.textHash,
                                              tier: nil, outcome: "skip", files: []))
                continue
            }
            fresh.append(workItem(decision, event: event, now: started))
        }
        // Pending work about a requirement (or test) that changed again is superseded by the new work.
        func subjectKey(_ item: WorkItem) -> String {
            item.requirement.map { "\($0.spec)\u{0}\($0.key)" } ?? "\(item.path)\u{0}\(item.detail)"
        }
        let freshSubjects = Set(fresh.map(subjectKey))
        // Likewise a request still waiting for an LLM: its file goes, the new work takes its place.
        var awaitingSubjects = state.awaitingSubjects ?? [:]
        let freshIDs = Set(fresh.map(\.id))
        for (id, about) in awaitingSubjects where freshSubjects.contains(about) && !freshIDs.contains(id) {
            if !dryRun, let file = state.awaitingLLM[id] { FileSystem.remove(store.pendingFolder + "/" + file) }
            state.awaitingLLM[id] = nil
            state.awaitingWork?[id] = nil
            awaitingSubjects[id] = nil
            notes.append("the LLM request \(id) was replaced: its requirement or test changed again")
        }
        let carriedItems = state.pending.filter { item in
            !freshSubjects.contains(subjectKey(item)) || fresh.contains { $0.id == item.id }
        }
        let carried = Set(carriedItems.map(\.id))
        var seen = Set<String>()
        var queue: [WorkItem] = []
        for item in carriedItems + fresh where seen.insert(item.id).inserted && state.awaitingLLM[item.id] == nil {
            queue.append(item)
        }
        queue.sort { a, b in
            let aCarried = carried.contains(a.id), bCarried = carried.contains(b.id)
            if aCarried != bCarried { return aCarried }
            if a.priority != b.priority { return a.priority > b.priority }
            if a.firstSeen != b.firstSeen { return a.firstSeen < b.firstSeen }
            return a.id < b.id
        }
        let runID = "run-" + String(SHA256.hex("\(range.from?.hex ?? "-")..\(range.worktree ? "worktree" : range.to?.hex ?? "-")\n" + queue.map(\.id).joined(separator: ",")).prefix(12))
        // Results are built on the processed commit; for the work tree, on HEAD (the work tree's
        // own changes stay the user's: they are not copied to the results branch).
        let baseCommit = range.worktree ? range.from : range.to
        let baseLookup = try baseCommit.map { commit throws(AutodevError) in
            try gitCall { try TreeLookup(repository: self.repository, tree: try self.repository.commit(commit).tree) }
        }
        step("decided")

        // Resolve through the tiers.
        let files = RepositoryFiles(repository: repository)
        let templates = try TemplateLibrary.load(files)
        let patterns = try PatternRules.load(files, templates: templates)
        let maxItems = config.int("loop.max_events_per_run")
        // Generator commands run first, up to max_concurrent_tasks at once; the rest of the
        // tiers are fast and deterministic and run one piece at a time below.
        var generated: [String: Result<[String: [UInt8]], AutodevError>] = [:]
        if !dryRun {
            // Each scratch copy is made as its generator starts; a stop ends the running ones
            // (their process groups) and keeps what finished. Output goes to
            // loop/logs/RUN/WORK.log, never to autodev's stdout.
            let generator = Generator(repository: repository, base: baseCommit, environment: environment)
            var jobs: [GeneratorJob] = []
            for item in queue.prefix(maxItems) {
                guard let (rule, captures) = try patterns.match(item), case .command(let command, let timeout) = rule.then else { continue }
                jobs.append(generator.job(command, timeoutSeconds: timeout, patternName: rule.name, item: item, captures: captures,
                                          logPath: store.loop + "/logs/\(runID)/\(item.id).log"))
            }
            generator.runAll(jobs, width: config.int("loop.max_concurrent_tasks"), stopRequested: stopRequested)
            for job in jobs { generated[job.item.id] = job.outcome }
        }
        let tiers = TierResolver(patterns: patterns, templates: templates, repository: repository,
                                 base: baseCommit, environment: environment, generated: generated)
        let nothingToDo = queue.isEmpty && events.events.isEmpty
        if !dryRun && !nothingToDo {
            state.loop = .init(state: .processing, task: queue.first?.id, pid: getpid(), since: started)
            try store.save(state)
        }
        let maxCalls = config.int("loop.max_llm_calls_per_run")
        let maxTokens = config.int("loop.max_tokens_per_run")
        var calls = 0, tokens = 0
        var deferred: [WorkItem] = []
        var newFiles: [String: (blob: ObjectID, work: String)] = [:]
        var claims = OutputClaims(previous: previous, owners: state.generated)
        var items: [SyncPass.Item] = []
        var tierCounts: [String: Int] = [:]
        var failures: [String] = []
        var lastStateWrite = FileSystem.now()
        for (index, item) in queue.enumerated() {
            let subject = item.requirement.map { "\($0.key) (\($0.spec))" } ?? item.path
            /// Work carried over and deferred again by a limit or a stop gets no new log line: it
            /// was logged when it was first deferred. Failures are logged every time.
            func deferItem(_ outcome: String, failed: Bool = false) {
                deferred.append(item)
                items.append(.init(work: item.id, action: item.action, subject: subject, tier: "deferred", outcome: outcome, files: []))
                if failed || !carried.contains(item.id) {
                    records.append(DecisionRecord(run: runID, item: item, tier: "deferred", outcome: outcome))
                }
            }
            // After a stop, only work whose generator finished is still taken in (it is done).
            let finishedGenerator = if case .success? = generated[item.id] { true } else { false }
            if index >= maxItems || (stopRequested() != 0 && !finishedGenerator) {
                deferItem(index >= maxItems ? "over max_events_per_run (\(maxItems)); pending" : "stopped by a signal; pending")
                continue
            }
            if !dryRun, FileSystem.now() - lastStateWrite >= 1 {
                // Processing(task), kept current for `status` without an fsync per piece of work.
                state.loop = .init(state: failures.isEmpty ? .processing : .recoveringFromError, task: item.id, pid: getpid(), since: started)
                try store.save(state)
                lastStateWrite = FileSystem.now()
            }
            let resolution: Resolution
            do {
                resolution = try tiers.resolve(item, dryRun: dryRun)
            } catch where error.code == .generatorFailed || error.code == .outputCollision {
                failures.append(error.message)
                deferItem("failed, pending: \(error.message)", failed: true)
                if !dryRun {
                    state.loop = .init(state: .recoveringFromError, task: item.id, pid: getpid(), since: started)
                    try store.save(state)
                    lastStateWrite = FileSystem.now()
                }
                continue
            }
            var record = DecisionRecord(run: runID, item: item, tier: resolution.tier.rawValue, outcome: resolution.note)
            switch resolution.kind {
            case .files(let written):
                var outputs: [(path: String, content: [UInt8])] = []
                for (path, content) in written.sorted(by: { $0.key < $1.key }) {
                    try checkGeneratedPath(path, base: baseLookup)
                    // A template never overwrites a file a person wrote (a generator command may:
                    // updating files is its job).
                    let existing: FileSide?
                    if let baseLookup { existing = try gitCall { try baseLookup.entry(atPath: path) } } else { existing = nil }
                    if resolution.tier == .template, previous[path] == nil, let existing, !existing.mode.isTree,
                       try gitCall({ try Repository.blobID(of: content) }) != existing.id {
                        notes.append("\(path) already exists; template output for \(subject) was not written over it")
                        continue
                    }
                    outputs.append((path, content))
                }
                // Output that collides with other work's is refused whole: the work stays pending.
                let owner = OutputClaims.Owner(work: item.id, subject: subjectKey(item), label: subject, origin: "")
                if let clash = try gitCall({ try claims.clash(outputs.map { ($0.path, resolution.origins[$0.path] ?? resolution.note) },
                                                             by: owner, base: baseLookup) }) {
                    failures.append(clash)
                    deferItem("failed, pending: \(clash)", failed: true)
                    continue
                }
                for (path, content) in outputs {
                    let blob = dryRun ? try gitCall { try Repository.blobID(of: content) } : try gitCall { try self.repository.writeBlob(content) }
                    newFiles[path] = (blob, item.id)
                    var claimed = owner
                    claimed.origin = resolution.origins[path] ?? resolution.note
                    claims.claim(path, by: claimed)
                    record.files.append(path)
                }
            case .done:
                break
            case .request(let request):
                if calls + 1 > maxCalls || tokens + request.estimatedTokens > maxTokens {
                    deferItem(calls + 1 > maxCalls ? "over max_llm_calls_per_run (\(maxCalls)); pending"
                                                   : "over max_tokens_per_run (\(maxTokens)); pending")
                    continue
                }
                calls += 1
                tokens += request.estimatedTokens
                if !dryRun {
                    try store.writeRequest(try store.encode(request, pretty: true) + [0x0A], id: item.id)
                    state.awaitingLLM[item.id] = "\(item.id).json"
                    state.awaitingWork = (state.awaitingWork ?? [:]).merging([item.id: item]) { $1 }
                    awaitingSubjects[item.id] = subjectKey(item)
                }
            }
            tierCounts[resolution.tier.rawValue, default: 0] += 1
            items.append(.init(work: item.id, action: item.action, subject: subject, tier: resolution.tier.rawValue,
                               outcome: resolution.note, files: record.files))
            records.append(record)
        }
        step("resolved")

        // The results branch: every unmerged generated file, on top of the processed commit.
        var resultsCommit: String?
        var allGenerated: [String: ObjectID] = [:]
        if let to = baseCommit, let lookup = baseLookup {
            let changedSince = "changed on the branch since autodev generated it; the results branch keeps autodev's version for review"
            for (path, blob) in previous.sorted(by: { $0.key < $1.key }) {
                let current = try gitCall { try lookup.entry(atPath: path) }
                if current?.id == blob { continue }  // merged
                allGenerated[path] = blob
                if current != nil, newFiles[path] == nil { conflicts.append("\(path): \(changedSince)") }
            }
            for (path, file) in newFiles.sorted(by: { $0.key < $1.key }) {
                let current = try gitCall { try lookup.entry(atPath: path) }
                if let current, current.id != file.blob, let earlier = previous[path], earlier != current.id {
                    conflicts.append("\(path): \(changedSince)")
                }
                if current?.id == file.blob { allGenerated[path] = nil; continue }  // already there
                allGenerated[path] = file.blob
            }
            state.generated = claims.owners(of: allGenerated, new: Set(newFiles.keys), run: runID, earlier: state.generated)
            if !newFiles.isEmpty && !dryRun {
                resultsCommit = try commitResults(generated: allGenerated, baseTree: lookup.tree, to: to, tip: tip, runID: runID,
                                                  range: range, items: items).hex
                step("results-written")
                state.resultsTip = resultsCommit
                state.resultsBranch = resultsRef
            } else {
                resultsCommit = tip?.hex
            }
        }

        // Persist, then advance.
        let decisionCounts = Dictionary(grouping: decisions, by: { $0.action.rawValue }).mapValues(\.count)
        let workItems = decisions.filter(\.action.needsWork).count
        let skips = Dictionary(grouping: decisions.filter { !$0.action.needsWork }, by: \.rule).mapValues(\.count)
        // An avoided LLM call is work that needed code, answered by a cheaper tier — not a skip,
        // a reload or a validation, which never needed an LLM.
        let avoided = items.filter { ($0.tier == TierName.pattern.rawValue || $0.tier == TierName.template.rawValue)
            && ![.skip, .reload, .validate].contains($0.action) }.count
        let stopSignal = stopRequested()
        var record = RunRecord(id: runID, startedAt: started, finishedAt: FileSystem.now(), from: range.from?.hex,
                               to: range.to?.hex, status: stopSignal != 0 ? "interrupted" : "completed",
                               events: events.events.count, decisions: decisionCounts, workItems: workItems, skips: skips,
                               tiers: tierCounts, llmCallsAvoided: avoided, pending: deferred.count, awaitingLLM: state.awaitingLLM.count,
                               resultsCommit: resultsCommit, conflicts: conflicts, notes: notes)
        var checkpointMoved = false
        if !dryRun && nothingToDo {
            // Nothing happened: no record, no state change; only the checkpoint follows HEAD.
            if options.range.movesCheckpoint(range), let to = range.to, range.checkpoint != to {
                try saveQueue(leftQueue(pending: state.pending, state: state, checkpoint: to),
                              before: leftQueue(pending: initial.pending, state: initial, checkpoint: origin.checkpoint), origin: origin, checkpoint: to,
                              expected: range.checkpoint, message: "autodev: nothing to do")
                checkpointMoved = true
            }
        } else if !dryRun {
            state.pending = deferred
            state.awaitingSubjects = awaitingSubjects
            var producedSet = Set(state.produced)
            for (_, file) in newFiles { producedSet.insert(file.blob.hex) }
            state.produced = producedSet.sorted()
            state.lastRun = runID
            state.loop = .init(state: stopSignal != 0 ? .shutdown : .idle, task: nil, pid: nil, since: FileSystem.now())
            try store.save(decisions: records.map { var r = $0; r.run = runID; return r }, run: runID)
            try store.save(record)
            var (metrics, _) = store.loadMetrics()
            // A run redone after a crash has the same id: count it once.
            var counted = metrics.countedRuns ?? []
            if !counted.contains(runID) {
                counted.append(runID)
                metrics.countedRuns = Array(counted.suffix(200))
                metrics.runs += 1
                metrics.events += events.events.count
                for (action, count) in decisionCounts { metrics.decisions[action, default: 0] += count }
                for (tier, count) in tierCounts { metrics.tiers[tier, default: 0] += count }
                metrics.workItems += workItems
                for (rule, count) in skips { metrics.skips[rule, default: 0] += count }
                metrics.llmCallsAvoided += avoided
                metrics.llmRequests += tierCounts["offline"] ?? 0
                try store.save(metrics)
            }
            try store.save(state)
            step("persisted")
            // The queue goes to git with the checkpoint: losing `.auto-dev/` loses no work.
            let moveTo = options.range.movesCheckpoint(range) && range.to != range.checkpoint ? range.to : nil
            let message = "autodev: processed \(range.from.map { String($0.hex.prefix(12)) } ?? "(start)")..\(range.to.map { String($0.hex.prefix(12)) } ?? "worktree")"
            try saveQueue(leftQueue(pending: deferred, state: state, checkpoint: moveTo ?? origin.checkpoint),
                          before: leftQueue(pending: initial.pending, state: initial, checkpoint: origin.checkpoint), origin: origin,
                          checkpoint: moveTo, expected: range.checkpoint, message: message)
            if moveTo != nil {
                checkpointMoved = true
                step("checkpoint")
            }
        }
        record.finishedAt = FileSystem.now()
        var result = SyncPass(run: nothingToDo ? "-" : runID, from: range.from?.hex, to: range.to?.hex, events: events.events.count,
                        decisions: decisionCounts, workItems: workItems, skips: skips, tiers: tierCounts, items: items,
                        llmCallsAvoided: avoided, pending: deferred.count,
                        awaitingLLM: state.awaitingLLM.count, resultsCommit: resultsCommit, conflicts: conflicts,
                        notes: notes, checkpointMoved: checkpointMoved, failures: failures)
        result.adoption = events.adoption
        return result
    }

    private func workItem(_ decision: Decision, event: Event, now: Int64) -> WorkItem {
        let requirement = decision.requirementDetail.map { requirement in
            WorkItem.RequirementFields(key: requirement.key, title: requirement.title, text: requirement.text,
                                       criteria: requirement.criteria, spec: requirement.spec, format: requirement.format,
                                       slug: WorkItem.slug(requirement.key + " " + requirement.title),
                                       textHash: requirement.textHash, change: decision.requirement?.change ?? .unchanged)
        }
        return WorkItem(id: WorkItem.makeID(eventId: decision.eventId, requirementKey: decision.requirement?.key),
                        eventId: decision.eventId, eventKind: event.kind, priority: event.priority, path: event.path,
                        detail: event.detail, action: decision.action, reason: decision.reason, rule: decision.rule,
                        requirement: requirement, links: decision.links, firstSeen: now)
    }

    /// The blobs of files autodev generated, as a run would ignore them: those the state
    /// records and those on the results branch. Read only, for previews (`diff-events`) that
    /// must decide as the run does.
    public func producedBlobs() -> Set<ObjectID> {
        var produced = Set(store.peekState().0.produced.compactMap(ObjectID.init(hex:)))
        if let tip = try? repository.referenceTarget(resultsRef), let files = try? generatedFiles(on: tip) {
            produced.formUnion(files.values)
        }
        return produced
    }

    // MARK: Results branch

    /// The files a results commit carries: what differs from the commit it was built on.
    private func generatedFiles(on tip: ObjectID) throws(AutodevError) -> [String: ObjectID] {
        try gitCall {
            let commit = try self.repository.commit(tip)
            let parentTree = try commit.parents.first.map { try self.repository.commit($0).tree }
            let diff = try self.repository.diffTrees(from: parentTree, to: commit.tree, renames: RenameOptions(enabled: false))
            var result: [String: ObjectID] = [:]
            for change in diff.changes { if let new = change.new { result[change.path] = new.id } }
            return result
        }
    }

    /// A results branch that does not point where autodev left it was moved by someone else —
    /// unless it is autodev's own commit from a run that crashed before saving its state.
    ///
    /// `loop.results_branch` must name a branch autodev can own: not the branch checked out, and
    /// not an existing branch that autodev did not create (its tip lacks the `Autodev-Run:`
    /// trailer and the state does not record autodev's tip on it) — either is a configuration
    /// error (exit 2). Advice to restore a moved branch is given only for autodev's own branch.
    private func checkResultsBranch(tip: ObjectID?, state: inout SyncState, notes: inout [String]) throws(AutodevError) {
        let branch = config.string("loop.results_branch")
        let setting = "loop.results_branch (\(config.sources["loop.results_branch"]?.description ?? "default"))"
        if try gitCall({ try self.repository.headReferenceName() }) == resultsRef {
            throw AutodevError(.invalidConfig, """
                \(setting): '\(branch)' is the branch checked out (HEAD); autodev never commits on your branch. \
                Set loop.results_branch to a branch of autodev's own (default autodev/results), or check out your branch again
                """, exitStatus: .config, key: "loop.results_branch")
        }
        let recorded = (state.resultsBranch ?? resultsRef) == resultsRef ? state.resultsTip : nil
        guard let tip else {
            if recorded != nil {
                notes.append("the results branch \(resultsRef) was deleted; generated work starts afresh")
            }
            state.resultsTip = nil
            state.resultsBranch = nil
            return
        }
        if recorded == tip.hex { return }
        let message: String
        do {
            message = try repository.commit(tip).message
        } catch {
            throw AutodevError(.resultsMoved, """
                \(resultsRef) points at \(tip.hex.prefix(12)), which is not a commit (a blob, tree or tag was put there); \
                nothing was changed. Delete it (git update-ref -d \(resultsRef)) to start the results afresh, or point it at a commit
                """, exitStatus: .conflict)
        }
        let ours = message.contains("\nAutodev-Run: ")
        guard ours || recorded != nil else {
            throw AutodevError(.invalidConfig, """
                \(setting): the branch '\(branch)' exists and autodev did not create it (its tip \(tip.hex.prefix(12)) has no \
                Autodev-Run: trailer); autodev writes only to a results branch of its own. Nothing was changed. \
                Set loop.results_branch to a new branch name (default autodev/results)
                """, exitStatus: .config, key: "loop.results_branch")
        }
        var descends = recorded == nil
        if let recorded = recorded.flatMap(ObjectID.init(hex:)) {
            descends = (try? repository.isAncestor(recorded, of: tip)) ?? false
        }
        guard ours && descends else {
            // The state records autodev's tip on this branch: it is autodev's, and may be put back.
            let restore = recorded.map { "put it back on autodev's last commit (git branch -f \(branch) \($0)) or " } ?? ""
            throw AutodevError(.resultsMoved, """
                \(resultsRef) points at \(tip.hex.prefix(12)), not at \(recorded.map { String($0.prefix(12)) } ?? "a commit autodev made"); \
                someone moved it. Nothing was changed. Look at it (git log \(branch)), then either \(restore)delete it \
                (git branch -D \(branch)) to start afresh
                """, exitStatus: .conflict)
        }
        state.resultsTip = tip.hex
        state.resultsBranch = resultsRef
    }

    private func commitResults(generated: [String: ObjectID], baseTree: ObjectID, to: ObjectID, tip: ObjectID?, runID: String,
                               range: ResolvedRange, items: [SyncPass.Item]) throws(AutodevError) -> ObjectID {
        try gitCall {
            let tree = try self.repository.writeTree(base: baseTree, blobs: generated)
            if let tip, try self.repository.commit(tip).tree == tree { return tip }  // this work is already committed
            var parents = [to]
            if let tip, !(try self.repository.isAncestor(tip, of: to)) { parents.append(tip) }
            var tierCounts: [String: Int] = [:]
            for item in items where item.tier != "deferred" { tierCounts[item.tier, default: 0] += 1 }
            let produced = items.filter { !$0.files.isEmpty }
            var message = "autodev: \(produced.count) piece\(produced.count == 1 ? "" : "s") of generated work for review\n\n"
            for item in produced.prefix(50) {
                message += "- \(item.action.rawValue) \(item.subject): \(item.files.joined(separator: ", "))\n"
            }
            if produced.count > 50 { message += "- … and \(produced.count - 50) more\n" }
            message += "\nAutodev-Run: \(runID)\n"
            message += "Autodev-Range: \(range.from?.hex ?? "empty")..\(to.hex)\n"
            message += "Autodev-Events: \(items.count)\n"
            message += "Autodev-Tiers: \(tierCounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))\n"
            let commit = try self.repository.createCommit(tree: tree, parents: parents, message: message,
                                                          author: "autodev", email: "autodev@localhost", time: FileSystem.now())
            try self.repository.updateReference(self.resultsRef, to: commit, expected: tip, message: "autodev: \(runID)")
            self.step("results-ref")
            return commit
        }
    }

    /// Generated paths stay inside the repository: relative, no `..`, nothing under `.git`, and
    /// no folder on the way that is a symlink in the processed commit.
    private func checkGeneratedPath(_ path: String, base: TreeLookup?) throws(AutodevError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        func unsafe(_ why: String) -> AutodevError {
            AutodevError(.unsafePath, "a template or pattern produced the path '\(path)', which \(why); nothing was written. Fix the template's 'path:'",
                         exitStatus: .config)
        }
        if path.isEmpty || path.hasPrefix("/") { throw unsafe("is not relative to the repository") }
        if components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { throw unsafe("has an empty, '.' or '..' component") }
        if components.contains(where: { $0.lowercased() == ".git" }) { throw unsafe("is inside .git") }
        if path.hasPrefix(".auto-dev/") { throw unsafe("is inside autodev's own state folder") }
        guard let base else { return }
        var prefix = ""
        for component in components.dropLast() {
            prefix += (prefix.isEmpty ? "" : "/") + component
            if let entry = try gitCall({ try base.entry(atPath: prefix) }) {
                if entry.mode.rawValue == 0o120000 { throw unsafe("goes through the symlink '\(prefix)'") }
                if !entry.mode.isTree { break }  // a file in the way: OutputClaims reports the clash
            } else {
                break
            }
        }
    }

    func gitCall<T>(_ body: () throws -> T) throws(AutodevError) -> T {
        do {
            return try body()
        } catch let error as AutodevError {
            throw error
        } catch let error as GitError {
            throw RangeResolver.translate(error, repository: repository)
        } catch {
            throw AutodevError(.gitFailure, "\(error)", exitStatus: .failure)
        }
    }
}

extension DecisionRecord {
    /// The log line for a piece of work, before any file is added to it.
    init(run: String, item: WorkItem, tier: String, outcome: String) {
        self.init(run: run, eventId: item.eventId, work: item.id, action: item.action, rule: item.rule, reason: item.reason,
                  requirement: item.requirement?.key, spec: item.requirement?.spec, textHash: item.requirement?.textHash,
                  tier: tier, outcome: outcome, files: [])
    }
}
