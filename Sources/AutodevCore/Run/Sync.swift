public import AutodevGit
internal import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The one-shot run: lock, range, events, decisions, tiers, results branch, state, checkpoint.
public final class Sync {
    /// The repository, configuration, state folder, ledger, locks and providers the run works in.
    public let workspace: Workspace
    var repository: Repository { workspace.repository }
    var config: Config { workspace.config }
    var environment: [String: String] { workspace.environment }
    var store: StateStore { workspace.store }
    var clock: any WallClock { workspace.clock }
    var commandRunner: any CommandRunner { workspace.commandRunner }
    /// What asked the run to stop, or nil.
    let stopRequested: @Sendable () -> StopReason?
    /// Where the run is (RunProgress says why the core only reports it).
    let progress: (RunProgress) -> Void
    /// What happens at each `FaultPoint` (the crash tests' hooks; nothing otherwise).
    let faults: any FaultInjector
    /// When this process's run started, for `loop.max_run_seconds`.
    private(set) var runStartedMonotonic: Int64 = 0
    /// Whether the pending work was read from a queue in git: state.json then leaves it out
    /// (it would only cache it, and with 200,000 pending pieces of work that cache was 90 MB
    /// decoded and written again by every run, `status` and the hook's preview included).
    var queueInGit = false
    /// How many pieces of carried work past the run's window a pass holds before it cuts them
    /// back (`PassQueue.build`); the result is the same for any value, only the memory differs.
    public var carriedChunk = 4096
    /// How many pieces of the range's new work past the run's window a pass holds: with more,
    /// they are kept as references and built one at a time where they are logged and queued
    /// (`FreshTail`), and `sync`'s items list only the window. The queue, logs and state are
    /// the same for any value, only the memory differs.
    public var freshChunk = 4096
    /// The spending ledger, breakers and calibrations shared with other runners through git
    /// (`sync --ci` sets it); nil: this clone's own.
    public var sharedLedger: SharedLedger?

    /// Set by a pass that carries no pending work from state.json: everything it leaves pending
    /// comes from its own range, which a run redone after a crash decides again, so state.json
    /// need not cache it until the queue is in git (a whole-document encode of 20 MB of heap
    /// for 10,000 pieces of work).
    var pendingIsDecidedAgain = false

    /// The state as state.json keeps it (see `queueInGit`, `pendingIsDecidedAgain`).
    func cached(_ state: SyncState) -> SyncState {
        guard queueInGit || pendingIsDecidedAgain else { return state }
        var trimmed = state
        trimmed.pending = []
        return trimmed
    }

    public init(workspace: Workspace, faults: any FaultInjector = NoFaults(), stopRequested: @escaping @Sendable () -> StopReason? = { nil },
                progress: @escaping (RunProgress) -> Void = { _ in }) {
        self.workspace = workspace
        self.faults = faults
        self.stopRequested = stopRequested
        self.progress = progress
        workspace.faultStep = { [weak self] point in self?.step(point) }
    }

    /// A run over a workspace made here (tests, the stress test, the demo).
    public convenience init(repository: Repository, config: Config, environment: [String: String], clock: any WallClock = SystemClock(),
                            providerFactory: LLMProviderFactory? = nil, commandRunner: any CommandRunner = ProcessRunner(),
                            faults: any FaultInjector = NoFaults(),
                            stopRequested: @escaping @Sendable () -> StopReason? = { nil }, progress: @escaping (RunProgress) -> Void = { _ in }) {
        self.init(workspace: Workspace(repository: repository, config: config, environment: environment, clock: clock,
                                       providerFactory: providerFactory, commandRunner: commandRunner),
                  faults: faults, stopRequested: stopRequested, progress: progress)
    }

    var resultsRef: String { workspace.resultsRef }
    var checkpointRef: String { workspace.checkpointRef }
    var queueRef: String { workspace.queueRef }
    var repositoryLockPath: String { workspace.repositoryLockPath }

    /// Hands the crash-safety tests a point of the run (`FaultPoint` lists them).
    func step(_ point: FaultPoint) {
        faults.reached(point)
    }

    // MARK: The run

    public func run(_ options: SyncOptions) throws(AutodevError) -> SyncReport {
        var report = SyncReport(dryRun: options.dryRun, deferredToRunningSync: false, passes: [], warnings: [], interruptedBy: nil)
        if options.dryRun {
            var (state, warning) = store.peekState()
            if let warning { report.warnings.append(warning) }
            let origin = try applyQueue(to: &state, warnings: &report.warnings)
            do {
                report.passes.append(try pass(options, state: state, queue: origin, dryRun: true))
            } catch where error.code == .interrupted {
                noteStop(error, in: &report)
            }
            return report
        }
        // Health: below the disk floor nothing starts (a half-written state helps nobody).
        let floor = Int64(config[.minFreeDiskMB]) * 1_048_576
        if let low = Health.lowestFree([store.root, repository.workdir ?? repository.gitDirectory]),
           let problem = Health(freeDiskBytes: low.bytes, freeDiskPath: low.path, residentMemoryBytes: nil, calls: [], now: 0, windowSeconds: 1,
                                maxErrorRate: 1, budgetLeft: 1, providerQuotaLeft: [:]).diskProblem(floorBytes: floor) {
            throw AutodevError(.ioFailure, problem)
        }
        runStartedMonotonic = clock.monotonicMilliseconds()
        excludeStateFolder()
        return try drive(SyncLoop(.init(waitForWorktree: !options.noWait, waitForRepository: !options.noWait, hook: options.hook,
                                        followsCheckpoint: options.range == .sinceCheckpoint)),
                         options, report: report)
    }

    /// Does what the loop's state machine (`SyncLoop`) says: takes and releases the locks, runs
    /// the passes, and feeds back what happened. Whatever throws releases the locks held.
    private func drive(_ machine: SyncLoop, _ options: SyncOptions, report: SyncReport) throws(AutodevError) -> SyncReport {
        var machine = machine
        var report = report
        var worktreeLock: RunLock?
        var repositoryLock: RunLock?
        var failure: AutodevError?
        func releaseAll() {
            worktreeLock?.release()
            worktreeLock = nil
            repositoryLock?.release()
            repositoryLock = nil
        }
        func result(_ attempt: RunLock.Attempt, into held: inout RunLock?) -> SyncLoop.LockResult {
            switch attempt {
            case .acquired(let lock):
                held = lock
                return .acquired
            case .busy(let holder): return .busy(holder: holder)
            case .stopped(let signal): return .stopped(signal: signal)
            }
        }
        var action = machine.start()
        do throws(AutodevError) {
            while true {
                switch action {
                case .takeWorktreeLock(let wait):
                    let attempt = try RunLock.acquire(at: workspace.worktreeLockPath, wait: wait, onWait: { holder in
                        self.progress(RunProgress(stage: .waiting, note: "waiting for the sync already running\(holder.map { " (pid \($0))" } ?? "") on this repository…"))
                    }, stopRequested: stopRequested)
                    action = machine.worktreeLock(result(attempt, into: &worktreeLock))
                case .leaveRerunRequest:
                    step(.hookBusy)
                    try FileSystem.writeAtomically(store.rerunPath, Array("\(clock.now())\n".utf8))
                    action = machine.rerunRequestLeft()
                case .takeRepositoryLock(let wait):
                    // Another work tree's sync is waited for (a hook's sync too: it runs detached,
                    // and holding this work tree's lock it collects later hooks' rerun requests).
                    let attempt = try RunLock.acquire(at: repositoryLockPath, wait: wait, onWait: { holder in
                        self.progress(RunProgress(stage: .waiting, note: "waiting for the sync already running\(holder.map { " (pid \($0))" } ?? "") in another work tree of this repository…"))
                    }, stopRequested: stopRequested)
                    action = machine.repositoryLock(result(attempt, into: &repositoryLock))
                case .prepare:
                    removeStaleRefLocks(warnings: &report.warnings)
                    action = machine.prepared()
                case .runPass:
                    do {
                        report.passes.append(try runPass(options, warnings: &report.warnings))
                    } catch where error.code == .interrupted {
                        // A stop mid-pass is no failure: the report (with the passes that finished)
                        // is still printed, `--json` included, and the command exits 130/143.
                        noteStop(error, in: &report)
                        action = machine.passStopped()
                        continue
                    } catch {
                        failure = error
                        action = machine.passFailed()
                        continue
                    }
                    let signal = stopRequested()
                    if let signal { report.interruptedBy = signal }
                    action = machine.passFinished(stopSignal: signal, rerunRequested: FileSystem.exists(store.rerunPath))
                case .releaseWorktreeLock:
                    step(.beforeRelease)
                    worktreeLock?.release()
                    worktreeLock = nil
                    action = machine.released(rerunRequested: FileSystem.exists(store.rerunPath))
                case .finish(let how):
                    releaseAll()
                    switch how {
                    case .done: break
                    case .failed: if let failure { throw failure }
                    case .stoppedWaiting(let signal): report.interruptedBy = signal  // nothing was done
                    case .deferredToRunningSync: report.deferredToRunningSync = true
                    case .busy(let holder, let otherWorktree):
                        throw AutodevError(.lockBusy, "another sync\(holder.map { " (pid \($0))" } ?? "") is running \(otherWorktree ? "in another work tree of" : "on") this repository; run again when it ends, or without --no-wait to wait for it")
                    }
                    return report
                }
            }
        } catch {
            releaseAll()
            throw error
        }
    }

    /// Holding the run lock, any lock file on autodev's own refs was left by a sync that died
    /// mid-update (git would refuse to move the ref while it exists); so are the scratch copies
    /// of generators whose sync was killed (SIGKILL leaves them behind).
    private func removeStaleRefLocks(warnings: inout [String]) {
        for ref in [resultsRef, checkpointRef, queueRef] {
            let stale = repository.commonDirectory + ref + ".lock"
            if FileSystem.exists(stale) {
                FileSystem.remove(stale)
                warnings.append("removed \(stale), left by a sync that was killed while moving \(ref)")
            }
        }
        Generator.removeDeadScratch(environment)
        step(.locked)
    }

    /// One pass holding the locks: the re-run request it answers is removed first. A pass that
    /// throws is undone (`recoverFromFailedPass`) and, unless a stop ended it, recorded for
    /// `status`.
    private func runPass(_ options: SyncOptions, warnings: inout [String]) throws(AutodevError) -> SyncPass {
        FileSystem.remove(store.rerunPath)
        var (state, warning) = store.loadState()
        if let warning { warnings.append(warning) }
        let origin = try applyQueue(to: &state, warnings: &warnings)
        let requestsBefore = Set(FileSystem.list(store.pendingFolder))
        do {
            return try pass(options, state: state, queue: origin, dryRun: false)
        } catch {
            recoverFromFailedPass(initial: state, requestsBefore: requestsBefore)
            if error.code != .interrupted { RunRecorder(store: store).recordError(error.code.rawValue) }
            throw error
        }
    }

    /// Records a stop that ended a pass before it kept anything.
    private func noteStop(_ error: AutodevError, in report: inout SyncReport) {
        report.interruptedBy = stopRequested() ?? error.stopReason ?? .interrupt
        report.stopped = error.message
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
            state.loop = .init(state: .idle, task: nil, pid: nil, since: clock.now())
            try? store.save(cached(state))
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

    /// One pass over a range: the stages in order, each in its own type.
    ///
    ///     PassQueue.build      decisions + carried work → the queue, skips, superseded requests
    ///     TierRunner.run       the queue through the tiers → files (blobs written), deferred work
    ///     ResultsBranch        assemble → build the commit → publish (compare-and-swap)
    ///     RunRecorder.persist  decisions, run record, metrics, state; then queue and checkpoint
    private func pass(_ options: SyncOptions, state initial: SyncState, queue origin: QueueOrigin, dryRun: Bool) throws(AutodevError) -> SyncPass {
        var state = initial
        pendingIsDecidedAgain = !queueInGit && initial.pending.isEmpty
        let started = clock.now()
        let startedMonotonic = clock.monotonicMilliseconds()
        // Latencies for metrics.json's histograms (`MetricsTimings.swift`).
        let timings = RunTimings(clock: clock)
        progress(RunProgress(stage: .events))
        let range = try RangeResolver.resolve(options.range, in: repository, checkpointRef: checkpointRef)
        var notes = range.notes
        let results = ResultsBranch(repository: repository, ref: resultsRef)

        // The results branch: ours, or moved by someone else?
        let tip = try gitCall { try self.repository.referenceTarget(self.resultsRef) }
        try checkResultsBranch(tip: tip, state: &state, notes: &notes)
        let previous = try tip.map { tip throws(AutodevError) in try results.generatedFiles(on: tip) } ?? [:]

        // Events and decisions, ignoring what autodev itself produced.
        var produced = Set(state.produced.compactMap(ObjectID.init(hex:)))
        produced.formUnion(previous.values)
        var builder = try EventBuilder(repository: repository, config: config)
        builder.stopRequested = stopRequested
        builder.step = { self.step($0) }
        builder.keepSpecIndex(stateRoot: store.root, write: !dryRun)
        let events = try builder.report(for: range, explain: true, produced: produced, testReports: options.testReports)
        notes.append(contentsOf: events.notes.filter { !range.notes.contains($0) })
        let triaged = triage(events.decisions ?? [], state: &state, dryRun: dryRun)
        let decisions = triaged.decisions
        notes.append(contentsOf: triaged.notes)
        progress(RunProgress(stage: .deciding, done: 0, total: events.events.count))

        // Carried work from the queue's shards, one shard at a time: only the run's window of it
        // (max_events_per_run) is held, the rest stays in its shard.
        let repository = self.repository
        let carried = CarriedWork(loaded: state.pending, shards: origin.shards ?? [:],
                                  read: { id throws(AutodevError) in try CarriedWork.decodeShard(id, in: repository) })
        // New work past the window is left as references (`FreshTail`) unless something needs
        // each piece in memory: a preview lists it, state.json caches the queue (not in git yet,
        // and carried work is there), or triage's calls may have served it (their log lines).
        let streamsFresh = !dryRun && (queueInGit || pendingIsDecidedAgain) && triaged.calls.isEmpty
        var queue = try PassQueue.build(decisions: decisions, events: events.events, state: &state, now: started,
                                        finished: events.finishedByProgress, carried: carried, window: config[.maxEventsPerRun],
                                        chunk: carriedChunk, handOver: !config.providers.isEmpty && config[.llmEnabled],
                                        freshWindow: streamsFresh ? config[.maxEventsPerRun] : nil, freshChunk: freshChunk)
        notes.append(contentsOf: queue.notes)
        // Carried work the rules were unsure of, queued while triage could not be asked.
        let carriedTriage = dryRun ? TriagePass(decisions: []) : triageCarried(&queue, state: &state, runKey: triaged.runKey)
        notes.append(contentsOf: carriedTriage.notes)
        let triageCalls = triaged.calls + carriedTriage.calls
        if !dryRun { for file in queue.supersededRequests { FileSystem.remove(store.pendingFolder + "/" + file) } }
        // Work left in its shards is named by the shards it was read from, not listed id by id.
        // The ids are hashed one at a time (joined, 2,000,000 of them were a 50 MB string).
        var runHash = SHA256.Stream()
        runHash.update("\(range.from?.hex ?? "-")..\(range.worktree ? "worktree" : range.to?.hex ?? "-")\n")
        var firstID = true
        func hashID(_ id: String) {
            runHash.update(firstID ? id : "," + id)
            firstID = false
        }
        for item in queue.items { hashID(item.id) }
        for ref in queue.tail.refs { hashID(ref.id) }
        if queue.unlisted > 0 { runHash.update("\n+\(queue.unlisted) carried in " + Self.digest(of: origin.shards ?? [:])) }
        let runID = "run-" + String(runHash.hex().prefix(12))
        // Results are built on the processed commit; for the work tree, on HEAD (the work tree's
        // own changes stay the user's: they are not copied to the results branch).
        let baseCommit = range.worktree ? range.from : range.to
        let baseLookup = try baseCommit.map { commit throws(AutodevError) in
            try gitCall { try TreeLookup(repository: self.repository, tree: try self.repository.commit(commit).tree) }
        }
        step(.decided)

        let nothingToDo = queue.items.isEmpty && events.events.isEmpty && queue.unlisted == 0 && queue.kept.isEmpty && queue.tail.isEmpty
        if !dryRun && !nothingToDo {
            state.loop = .init(state: .processing, task: queue.items.first?.id, pid: getpid(), since: started)
            try store.save(cached(state))
        }
        let runner = TierRunner(.init(repository: repository, config: config, sandbox: workspace.modelSandbox(), store: store, clock: clock,
                                      stopRequested: stopRequested, runID: runID, dryRun: dryRun, baseCommit: baseCommit,
                                      baseLookup: baseLookup, previous: previous, carried: queue.carried,
                                      saveLoop: { [store, queueInGit, pendingIsDecidedAgain] (loop: SyncState.LoopState, task: String) throws(AutodevError) in
                                          state.loop = .init(state: loop, task: task, pid: getpid(), since: started)
                                          var saved = state
                                          if queueInGit || pendingIsDecidedAgain { saved.pending = [] }
                                          try store.save(saved)
                                      }), owners: state.generated)
        runner.failedValidations = state.failedValidation ?? [:]
        runner.gate = workspace.validationGate()
        runner.gate?.timings = timings
        runner.timings = timings
        runner.baseline = state.validationBaseline
        runner.llm = try llmSetup(state: state, runID: runID)
        // Triage's calls are the run's calls: counted, charged to its budget and its limits.
        runner.llmCalls = triageCalls
        runner.calls = triageCalls.count
        runner.tokens = triageCalls.map { $0.inputTokens + $0.outputTokens }.reduce(0, +)
        runner.llm?.guarded?.alsoThisRun = carriedTriage.runKey ?? triaged.runKey
        runner.progress = progress
        try runner.run(queue.items, featuresNamingFiles: queue.featuresNamingFiles)
        if runner.llm?.guarded != nil || !runner.baselineWaits.isEmpty {
            let pendingIDs = Set(runner.deferred.map(\.id))
            let all = (runner.llm?.guarded?.waits ?? [:]).merging(runner.baselineWaits) { $1 }
            // Work left in its shard past the window is still pending: its waits stay.
            let shards = origin.shards ?? [:]
            func leftInShard(_ id: String) -> Bool {
                guard !queue.lifted.contains(id), let blob = shards[WorkQueue.shardPath(WorkQueue.shard(of: id))] else { return false }
                return ((try? CarriedWork.decodeShard(blob, in: repository)) ?? []).contains { $0.id == id }
            }
            let waits = all.filter { pendingIDs.contains($0.key) || leftInShard($0.key) }
            state.llmWaits = waits.isEmpty ? nil : waits
            notes.append(contentsOf: runner.llm?.guarded?.warnings ?? [])
        }
        state.validationBaseline = runner.gate == nil ? nil : runner.baseline
        state.failedValidation = runner.failedValidations.isEmpty ? nil : runner.failedValidations
        if !runner.llmCalibration.isEmpty {
            state.tokenCalibration = (state.tokenCalibration ?? [:]).merging(runner.llmCalibration) { $1 }
        }
        // One record of the calls: the summary, the run record, metrics, `status` and the
        // commit's trailers are all read from these two (both from `runner.llmCalls`).
        let usage = runner.llmCalls.isEmpty ? nil : LLMUsage(runner.llmCalls)
        let accounting = CallAccounting(items: runner.items, calls: runner.llmCalls, reuse: runner.reuse)
        notes.append(contentsOf: runner.notes)
        for request in runner.awaiting {
            state.awaitingLLM[request.id] = request.file
            state.awaitingWork = (state.awaitingWork ?? [:]).merging([request.id: request.work]) { $1 }
            state.awaitingSubjects = (state.awaitingSubjects ?? [:]).merging([request.id: request.subject]) { $1 }
        }
        step(.resolved)

        // The results branch: every unmerged generated file, on top of the processed commit.
        progress(RunProgress(stage: .results, done: runner.newFiles.count, total: runner.newFiles.count,
                             calls: usage?.calls ?? 0, cost: usage?.cost ?? 0))
        var resultsCommit: String?
        var conflicts: [String] = []
        if let to = baseCommit, let lookup = baseLookup {
            let newFiles = runner.newFiles.mapValues { $0.blob }
            let assembly = try results.assemble(previous: previous, new: newFiles, base: lookup, stopRequested: stopRequested)
            conflicts = assembly.conflicts
            state.generated = runner.claims.owners(of: assembly.files, new: Set(newFiles.keys), run: runID, earlier: state.generated)
            if !newFiles.isEmpty && !dryRun {
                var trailers: [(String, String)] = []
                if let usage {
                    if !usage.models.isEmpty { trailers.append(("Autodev-Model", usage.models.joined(separator: ", "))) }
                    trailers.append(("Autodev-Tokens", "\(usage.inputTokens) in, \(usage.outputTokens) out, \(usage.calls) call\(usage.calls == 1 ? "" : "s")"))
                    trailers.append(("Autodev-Cost", "USD " + LLMUsage.dollars(usage.cost)))
                }
                trailers.append(("Autodev-Calls", "\(accounting.callsMade) made, \(accounting.avoidedTotal) avoided, \(accounting.workItems) work item\(accounting.workItems == 1 ? "" : "s")"))
                // One commit per change, stacked in the order they landed (ResultsBranch says why).
                let carried = try results.assemble(previous: previous, new: [:], base: lookup).files
                let itemsByWork = ResultsBranch.ItemsByWork(runner.items)
                let built = try results.buildStack(assembly.files, carried: carried, changes: runner.landings, baseTree: lookup.tree, on: to, tip: tip,
                                                   message: { change, last in
                                                       ResultsBranch.message(for: change, items: itemsByWork, events: events.events.count, runID: runID,
                                                                             range: range, base: to, trailers: last ? trailers : [])
                                                   }, time: clock.now(), stopRequested: stopRequested)
                try results.publish(built, message: "autodev: \(runID)")
                if !built.unchanged { step(.resultsRef) }
                step(.resultsWritten)
                resultsCommit = built.commit.hex
                state.resultsTip = resultsCommit
                state.resultsBranch = resultsRef
            } else {
                resultsCommit = tip?.hex
            }
        }

        // Persist, then advance.
        progress(RunProgress(stage: .saving, calls: usage?.calls ?? 0, cost: usage?.cost ?? 0))
        var counts = RunRecorder.Counts(events: events.events.count, decisions: decisions, items: runner.items,
                                        eventKinds: events.events.reduce(into: [:]) { $0[$1.kind.rawValue, default: 0] += 1 },
                                        calls: runner.llmCalls)
        // Carried work left in its shard past the window ended the run pending, as if deferred.
        // So did new work past the window left out of the queue (`FreshTail`): deferred, pending.
        if queue.unlisted + queue.tail.count > 0 { counts.work["deferred", default: [:]]["pending", default: 0] += queue.unlisted + queue.tail.count }
        let pendingAfter = runner.deferred.count + queue.kept.count + queue.unlisted + queue.tail.count
        let stopSignal = stopRequested()
        var record = RunRecord(id: runID, startedAt: started, finishedAt: clock.now(), from: range.from?.hex,
                               to: range.to?.hex, status: stopSignal != nil ? .interrupted : .completed,
                               events: counts.events, decisions: counts.decisions, workItems: counts.workItems, skips: counts.skips,
                               tiers: counts.tiers, llmCallsAvoided: counts.llmCallsAvoided, pending: pendingAfter,
                               awaitingLLM: state.awaitingLLM.count, resultsCommit: resultsCommit, conflicts: conflicts, notes: notes,
                               llm: usage)
        record.accounting = accounting
        record.durationMilliseconds = clock.monotonicMilliseconds() - startedMonotonic
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
            state.pending = runner.deferred + queue.kept
            state.produced = Set(state.produced).union(runner.newFiles.values.map { $0.blob.hex }).sorted()
            state.lastRun = runID
            state.loop = .init(state: stopSignal != nil ? .shutdown : .idle, task: nil, pid: nil, since: clock.now())
            // Every request sent is one observation (`_count` = calls made); an attempt the call
            // guard retried is kept without its time (0), which is in the retried call's.
            for call in runner.llmCalls { timings.observe(.llmCall(provider: call.provider), milliseconds: call.latencyMilliseconds) }
            timings.observe(.sync, milliseconds: clock.monotonicMilliseconds() - startedMonotonic)
            // The lines of new work past the window (`FreshTail`) go where the runner would have
            // written them: after the queue's loop, before tier 5's; made one at a time.
            let split = runner.loopRecordsEnd
            let log = [AnySequence(queue.skipped), AnySequence(runner.records[..<split]),
                       AnySequence(queue.tail.records(run: runID, limit: config[.maxEventsPerRun])), AnySequence(runner.records[split...])].joined()
            try RunRecorder(store: store).persist(run: record, decisions: log, counts: counts, state: cached(state),
                                                  latency: timings.snapshot())
            step(.persisted)
            // The queue goes to git with the checkpoint: losing `.auto-dev/` loses no work.
            let moveTo = options.range.movesCheckpoint(range) && range.to != range.checkpoint ? range.to : nil
            let message = "autodev: processed \(range.from.map { String($0.hex.prefix(12)) } ?? "(start)")..\(range.to.map { String($0.hex.prefix(12)) } ?? "worktree")"
            try saveQueue(leftQueue(pending: state.pending, state: state, checkpoint: moveTo ?? origin.checkpoint),
                          before: leftQueue(pending: initial.pending, state: initial, checkpoint: origin.checkpoint), origin: origin, lifted: queue.lifted,
                          tail: queue.tail, checkpoint: moveTo, expected: range.checkpoint, message: message)
            if !queueInGit, !pendingIsDecidedAgain, !state.pending.isEmpty, (try? repository.referenceTarget(queueRef)) != nil {
                // The run that made the queue ref cached the pending work in state.json (the queue
                // was not in git yet when it was saved); now it is, and the next run would decode
                // the whole cache (9 MB and 66 MB of heap for 20,000 pieces of work) only to drop it.
                queueInGit = true
                try store.save(cached(state))
            }
            if moveTo != nil {
                checkpointMoved = true
                step(.checkpoint)
            }
        }
        record.finishedAt = clock.now()
        var result = SyncPass(run: nothingToDo ? "-" : runID, from: range.from?.hex, to: range.to?.hex, events: counts.events,
                              decisions: counts.decisions, workItems: counts.workItems, skips: counts.skips, tiers: counts.tiers,
                              items: runner.items, llmCallsAvoided: counts.llmCallsAvoided, pending: pendingAfter,
                              awaitingLLM: state.awaitingLLM.count, resultsCommit: resultsCommit, conflicts: conflicts,
                              notes: notes, checkpointMoved: checkpointMoved, failures: runner.failures)
        result.adoption = events.adoption
        result.configurationProblems = runner.configurationProblems
        result.llm = usage
        result.accounting = accounting
        return result
    }

    /// The shards a queue was read from, as one id: a run redone from `before/` reads the same
    /// entries as the run that died, so its id (and the work it left in its shards) is the same.
    static func digest(of shards: [String: ObjectID]) -> String {
        SHA256.hex(shards.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.hex)" }.joined(separator: "\n"))
    }

    /// Tier 5's providers, or nil when no provider is configured (or
    /// `llm.enabled = false`): requests are then written out as before.
    private func llmSetup(state: SyncState, runID: String) throws(AutodevError) -> TierRunner.LLMSetup? {
        guard !config.providers.isEmpty, config[.llmEnabled] else { return nil }
        let command = config[.validateCommand]
        var fingerprint = "validate \(command)\n"
        for provider in config.providers {
            fingerprint += "\(provider.name) \(provider.kind.rawValue) \(provider.baseURL) \(provider.model) \(provider.editFormat.rawValue)\n"
        }
        let guarded = CallGuard(config: config, store: store, ledger: workspace.ledger, clock: clock,
                                // Unique across machines too: runners on other clones share the ledger (SharedLedger),
                                // and the run id is the same for every runner on the same range.
                                runKey: "\(runID)@\(getpid())-\(clock.nowMilliseconds())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))", startedMonotonic: runStartedMonotonic,
                                stopRequested: stopRequested, step: { [unowned self] point in self.step(point) })
        guarded.shared = sharedLedger
        if let shared = try workspace.sharedStore() {
            let link = StoreLink(store: shared, local: guarded.ledger, organisationBudget: shared.settings.organisationBudget)
            link.warn = { [unowned guarded] in guarded.warnings.append($0) }
            guarded.link = link
        }
        var setup = TierRunner.LLMSetup(makeProviders: { () throws(AutodevError) in try self.workspace.makeProviders() }, failedValidation: state.failedValidation ?? [:],
                                        calibration: (sharedLedger?.calibration ?? [:]).merging(state.tokenCalibration ?? [:]) { $1 }, configFingerprint: SHA256.hex(fingerprint), guarded: guarded)
        setup.openCache = { [self] in try? self.workspace.openAnswerCache(inSync: { [unowned guarded] in guarded.warnings.append($0) }) }
        setup.secrets = workspace.secretGuard()
        return setup
    }

    // MARK: Results branch

    /// A results branch that does not point where autodev left it was moved by someone else —
    /// unless it is autodev's own commit from a run that crashed before saving its state.
    ///
    /// `loop.results_branch` must name a branch autodev can own: not the branch checked out, and
    /// not an existing branch that autodev did not create (its tip lacks the `Autodev-Run:`
    /// trailer and the state does not record autodev's tip on it) — either is a configuration
    /// error (exit 2). Advice to restore a moved branch is given only for autodev's own branch.
    private func checkResultsBranch(tip: ObjectID?, state: inout SyncState, notes: inout [String]) throws(AutodevError) {
        let branch = config[.resultsBranch]
        let setting = "loop.results_branch (\(config.source(of: .resultsBranch)?.description ?? "default"))"
        if try gitCall({ try self.repository.headReferenceName() }) == resultsRef {
            throw AutodevError(.invalidConfig, """
                \(setting): '\(branch)' is the branch checked out (HEAD); autodev never commits on your branch. \
                Set loop.results_branch to a branch of autodev's own (default autodev/results), or check out your branch again
                """, key: "loop.results_branch")
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
                """)
        }
        let ours = message.contains("\nAutodev-Run: ")
        guard ours || recorded != nil else {
            throw AutodevError(.invalidConfig, """
                \(setting): the branch '\(branch)' exists and autodev did not create it (its tip \(tip.hex.prefix(12)) has no \
                Autodev-Run: trailer); autodev writes only to a results branch of its own. Nothing was changed. \
                Set loop.results_branch to a new branch name (default autodev/results)
                """, key: "loop.results_branch")
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
                """)
        }
        state.resultsTip = tip.hex
        state.resultsBranch = resultsRef
    }

    func gitCall<T>(_ body: () throws -> T) throws(AutodevError) -> T {
        try workspace.gitCall(body)
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
