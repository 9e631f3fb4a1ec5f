internal import AutodevGit
#if canImport(Glibc)
import Glibc
#endif

/// Stage 2 of a pass: each piece of work through the tiers, cheapest first, within the run's
/// limits (`max_events_per_run`, `max_llm_calls_per_run`, `max_tokens_per_run`). Output is
/// checked (a safe path, no template over a person's file, merged three-way with other work's
/// output or parked on a real conflict) and its blobs written, grouped by change for the results
/// commits; nothing here touches a ref. What did not fit, failed or was stopped stays pending.
final class TierRunner {
    struct Context {
        let repository: Repository
        let config: Config
        /// Where generator commands and the validation command run: autodev's environment
        /// reaches them only through it.
        let sandbox: Sandbox
        let store: StateStore
        let clock: any WallClock
        let stopRequested: @Sendable () -> StopReason?
        let runID: String
        let dryRun: Bool
        /// The processed commit, that results are built on, and a lookup in its tree.
        let baseCommit: ObjectID?
        let baseLookup: TreeLookup?
        /// Generated files on the results branch before this pass.
        let previous: [String: ObjectID]
        let carried: Set<String>
        /// Keeps `loop.state` in state.json current for `status`.
        let saveLoop: (_ state: SyncState.LoopState, _ task: String) throws(AutodevError) -> Void
    }

    let context: Context
    var items: [SyncPass.Item] = []
    var records: [DecisionRecord] = []
    /// Where in `records` the log lines of work deferred by the run's limit end (the last piece
    /// of work of the queue's loop): the lines of new work past the window that PassQueue left
    /// out of the queue (`FreshTail`) go here, as they would have been written.
    private(set) var loopRecordsEnd = 0
    var deferred: [WorkItem] = []
    var failures: [String] = []
    /// Settings that keep work from being checked (a `[validate] command` whose program is not
    /// installed): reported once, by the sync that first finds them (exit status 2).
    var configurationProblems: [String] = []
    var notes: [String] = []
    /// Output of this pass, by path.
    var newFiles: [String: (blob: ObjectID, work: String)] = [:]
    var claims: OutputClaims
    /// Requests written out for an LLM: work id → (file, subject, work).
    var awaiting: [(id: String, file: String, subject: String, work: WorkItem)] = []
    var calls = 0, tokens = 0
    /// Calls made to models in this pass, in order.
    var llmCalls: [LLMCallRecord] = []
    /// Token calibrations learned in this pass, per provider.
    var llmCalibration: [String: Double] = [:]
    /// Work that failed validation (from the state, updated by this pass).
    var failedValidations: [String: FailedValidation] = [:]
    /// Tier 5 with providers; nil keeps it offline.
    var llm: LLMSetup?
    /// `[validate] command`: tier 5's gate, and what `validate` decisions run.
    var gate: ValidationGate?
    /// Where each piece of work's time in a tier is observed (`tier` histograms); nil: untimed.
    var timings: RunTimings?
    /// Tiers 3 and 4 (`LLMStage+Reuse.swift`).
    var reuse = ReuseLedger()
    /// What generated work may write (`[answers] allow_paths` opens protected paths).
    let pathPolicy: PathPolicy
    /// Finds output that differs only in case from the tree, earlier results or other output.
    lazy var caseIndex = CaseFoldIndex(base: context.baseLookup, repository: context.repository, paths: context.previous.keys)
    /// The check on the processed commit with the unmerged results: the state's record when it
    /// is for this tree, command and report, else run once, before the first answer is judged.
    var baseline: ValidationBaseline?
    /// Tier-5 work held back by a red baseline, with the reason `status` shows.
    var baselineWaits: [String: WorkWait] = [:]
    /// Scaffolds (template output that is a starting point, not an answer), by work id: shown
    /// to the model as the files' current content; the work is counted `scaffolded`.
    var scaffolds: [String: [String: [UInt8]]] = [:]
    /// What landed, per change (feature key), in the order changes first landed: each becomes
    /// its own commit on the results branch.
    private(set) var landings: [ResultsBranch.Landing] = []
    /// Where each change is in `landings`, by key: a search of the list per file made taking
    /// in a run's answers quadratic in its changes.
    private var landingIndex: [String: Int] = [:]
    /// What tier 5 reads and builds on: the processed commit with the results branch's files and
    /// this pass's output laid over it (set when tier 5 starts; `accept` keeps it current).
    var tree: AccumulatedTree?
    /// Where the pass is, after each piece of work and each change asked of a model.
    var progress: (RunProgress) -> Void = { _ in }
    /// The tier that answered the last piece of work, for `progress`.
    private var lastTier: String?

    init(_ context: Context, owners: [String: SyncState.Generated]) {
        self.context = context
        claims = OutputClaims(previous: context.previous, owners: owners)
        pathPolicy = PathPolicy(config: context.config)
    }

    /// `featuresNamingFiles`: those of carried work not in `queue` (left in its shard).
    func run(_ queue: [WorkItem], featuresNamingFiles carriedNaming: Set<String> = []) throws(AutodevError) {
        let files = RepositoryFiles(repository: context.repository)
        let templates = try TemplateLibrary.load(files)
        let patterns = try PatternRules.load(files, templates: templates)
        let maxItems = context.config[.maxEventsPerRun]
        let featuresNamingFiles = Set(queue.filter { !$0.links.isEmpty }.map { ChangePlanner.key(of: $0) }).union(carriedNaming)
        let generated = try runGenerators(queue.prefix(maxItems), patterns: patterns)
        let tiers = TierResolver(patterns: patterns, templates: templates, repository: context.repository,
                                 base: context.baseCommit, sandbox: context.sandbox, generated: generated, hasGate: gate != nil)
        defer {
            // Scaffolded work is marked on its items, whatever became of it, for the counts.
            for index in items.indices {
                if let scaffold = scaffolds[items[index].work] { items[index].scaffold = scaffold.keys.sorted() }
            }
        }
        var lastStateWrite = context.clock.monotonicMilliseconds()
        var forLLM: [WorkItem] = []
        var gated: [GatedAnswer] = []
        let itemsStart = items.count, recordsStart = records.count
        for (index, item) in queue.enumerated() {
            progress(RunProgress(stage: .tiers, done: index, total: queue.count, tier: lastTier))
            // After a stop, only work whose generator finished is still taken in (it is done).
            let finishedGenerator = if case .success? = generated[item.id] { true } else { false }
            if index >= maxItems || (context.stopRequested() != nil && !finishedGenerator) {
                deferItem(item, index >= maxItems ? Self.overLimit(maxItems) : "stopped by a signal; pending")
                continue
            }
            if !context.dryRun, context.clock.monotonicMilliseconds() - lastStateWrite >= 1000 {
                // Processing(task), kept current for `status` without an fsync per piece of work.
                try context.saveLoop(failures.isEmpty ? .processing : .recoveringFromError, item.id)
                lastStateWrite = context.clock.monotonicMilliseconds()
            }
            if item.action == .validate, let gate, !context.dryRun, let base = context.baseLookup, try patterns.match(item) == nil {
                runValidation(item, gate: gate, baseTree: base.tree)
                continue
            }
            var resolution: Resolution
            do {
                let resolveStarted = context.clock.monotonicMilliseconds()
                resolution = try tiers.resolve(item, dryRun: context.dryRun)
                // Work bound for tier 5 is timed there (per change), not here where it only passed through.
                if case .request = resolution.kind, llm != nil, !context.dryRun {} else {
                    timings?.observe(.tier(resolution.tier.rawValue), milliseconds: context.clock.monotonicMilliseconds() - resolveStarted)
                }
            } catch where error.code == .generatorFailed || error.code == .outputCollision {
                fail(item, error.message)
                if !context.dryRun {
                    try context.saveLoop(.recoveringFromError, item.id)
                    lastStateWrite = context.clock.monotonicMilliseconds()
                }
                continue
            }
            if case .files(let written) = resolution.kind, resolution.gated, let gate, context.baseLookup != nil {
                // A generator's or an answer template's output settles the work only through the
                // gate; all of the pass's such output is checked together after the loop.
                if context.dryRun {
                    resolution.note += "; would be checked by `\(gate.command)`"
                } else if let answer = try gatedAnswer(item, written, resolution: resolution) {
                    gated.append(answer)
                    continue
                }
            }
            try settle(item, resolution, featuresNamingFiles: featuresNamingFiles, forLLM: &forLLM)
        }
        if !gated.isEmpty, let gate, let base = context.baseLookup {
            progress(RunProgress(stage: .tiers, done: queue.count, total: queue.count, tier: lastTier,
                                 note: "checking \(gated.count) generated answer\(gated.count == 1 ? "" : "s") with `\(gate.command)`"))
            let outcomes = checkTogether(gated, gate: gate, baseTree: base.tree)
            for (answer, outcome) in zip(gated, outcomes) {
                guard let resolution = settleGate(answer, outcome, gate: gate) else { continue }
                try settle(answer.item, resolution, featuresNamingFiles: featuresNamingFiles, forLLM: &forLLM)
            }
            // Items, decision lines and tier-5 work in the queue's order, as if each answer had
            // been checked where it stood.
            let position = Dictionary(queue.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
            func ordered<T>(_ list: [T], from start: Int, _ work: (T) -> String?) -> [T] {
                let head = list[..<start]
                let tail = list[start...].enumerated().sorted {
                    (position[work($0.element) ?? ""] ?? .max, $0.offset) < (position[work($1.element) ?? ""] ?? .max, $1.offset)
                }.map(\.element)
                return Array(head) + tail
            }
            items = ordered(items, from: itemsStart) { $0.work }
            records = ordered(records, from: recordsStart) { $0.work }
            forLLM = ordered(forLLM, from: 0) { $0.id }
        }
        progress(RunProgress(stage: .tiers, done: queue.count, total: queue.count, tier: lastTier))
        loopRecordsEnd = records.count
        if llm != nil, !forLLM.isEmpty, let problem = gate?.sandbox.problem() {
            // The answers could not be checked without running model code unconfined: no call.
            for item in forLLM { deferItem(item, "pending: " + Sandbox.refusal(problem), failed: true) }
            failures.append(Sandbox.refusal(problem))
        } else if let llm {
            try runLLM(forLLM, setup: llm)
        }
    }

    /// The rest of a piece of work's way once its tier answered (and the gate passed, failed or
    /// was not needed): scaffolds, the files taken in, tier 5, the run's limits.
    private func settle(_ item: WorkItem, _ given: Resolution, featuresNamingFiles: Set<String>,
                        forLLM: inout [WorkItem]) throws(AutodevError) {
        var resolution = given
        if !resolution.scaffold.isEmpty, featuresNamingFiles.contains(ChangePlanner.key(of: item)) {
            // A feature whose work names its files (a task that says which module to change)
            // gets no scaffold: a starter template's invented path competes with the files
            // the spec names, and a model was seen writing both. The work goes on as plain
            // tier-5 work (its offline request without the scaffold too), counted neither
            // scaffolded nor avoided.
            resolution = try OfflineTier().resolve(item, dryRun: context.dryRun)!
        }
        if !resolution.scaffold.isEmpty {
            // A scaffold's paths are held to the rules of any output: the model is asked to write them.
            for path in resolution.scaffold.keys.sorted() {
                try ResultsBranch.checkGeneratedPath(path, base: context.baseLookup, repository: context.repository)
            }
            scaffolds[item.id] = resolution.scaffold
        }
        lastTier = resolution.tier.rawValue
        var record = DecisionRecord(run: context.runID, item: item, tier: resolution.tier.rawValue, outcome: resolution.note)
        switch resolution.kind {
        case .files(let written):
            guard let paths = try accept(written, of: item, tier: resolution.tier, origins: resolution.origins, note: resolution.note) else { return }
            record.files = paths
        case .done, .scaffold:
            break
        case .request where llm != nil && !context.dryRun:
            forLLM.append(item)
            return
        case .request where llm != nil:
            // A dry run calls no model: the plan says where the work would go.
            let names = context.config.providers.map { "'\($0.name)'" }.joined(separator: ", then ")
            let note = "would be asked of provider \(names)" + (gate == nil ? "" : ", then checked by `\(gate!.command)`")
            records.append(DecisionRecord(run: context.runID, item: item, tier: TierName.llm.rawValue, outcome: note))
            items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: TierName.llm.rawValue, outcome: note, files: []))
            return
        case .request(let request):
            let maxCalls = context.config[.maxLLMCallsPerRun]
            let maxTokens = context.config[.maxTokensPerRun]
            if calls + 1 > maxCalls || tokens + request.estimatedTokens > maxTokens {
                deferItem(item, calls + 1 > maxCalls ? "over max_llm_calls_per_run (\(maxCalls)); pending"
                                                     : "over max_tokens_per_run (\(maxTokens)); pending")
                return
            }
            calls += 1
            tokens += request.estimatedTokens
            if !context.dryRun {
                try context.store.writeRequest(try context.store.encode(request, pretty: true) + [0x0A], id: item.id)
                awaiting.append((item.id, "\(item.id).json", PassQueue.subjectKey(item), item))
            }
        }
        items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: resolution.tier.rawValue,
                           outcome: resolution.note, files: record.files))
        records.append(record)
    }

    /// Generator commands run first, up to max_concurrent_tasks at once; the rest of the tiers
    /// are fast and deterministic and run one piece at a time. Each scratch copy is made as its
    /// generator starts; a stop ends the running ones (their process groups) and keeps what
    /// finished. Output goes to loop/logs/RUN/WORK.log, never to autodev's stdout.
    private func runGenerators(_ queue: ArraySlice<WorkItem>, patterns: PatternRules)
        throws(AutodevError) -> [String: Result<[String: [UInt8]], AutodevError>] {
        guard !context.dryRun else { return [:] }
        let generator = Generator(repository: context.repository, base: context.baseCommit, sandbox: context.sandbox)
        var jobs: [GeneratorJob] = []
        for item in queue {
            guard let (rule, captures) = try patterns.match(item), case .command(let command, let timeout) = rule.then else { continue }
            jobs.append(generator.job(command, timeoutSeconds: timeout, patternName: rule.name, item: item, captures: captures,
                                      logPath: context.store.loop + "/logs/\(context.runID)/\(item.id).log"))
        }
        generator.runAll(jobs, width: context.config[.maxConcurrentTasks], stopRequested: context.stopRequested)
        var generated: [String: Result<[String: [UInt8]], AutodevError>] = [:]
        for job in jobs { generated[job.item.id] = job.outcome }
        return generated
    }

    /// A `validate` decision (a dependency or configuration the code relies on changed): the
    /// project's checks run on the processed commit with the unmerged generated files. A failure
    /// is reported (sync exits 1); it is not queued again, as the same commit fails the same way.
    func runValidation(_ item: WorkItem, gate: ValidationGate, baseTree: ObjectID) {
        // What this checks is the baseline itself: the processed commit with the unmerged results.
        let before = baseline
        guard let result = currentBaseline(gate, baseTree: baseTree) else {
            deferItem(item, "stopped by a signal during validation; pending")
            return
        }
        let log = context.store.loop + "/logs/\(context.runID)/baseline.log"
        let reran = result != before
        let note: String
        if let message = result.missingProgramMessage {
            // Not the change's failure: every sync touching a dependency would fail the same way
            // until the setting is fixed. Reported once; `status` and `doctor` keep showing it.
            note = "not validated: " + message
            let known = before?.missingProgram == result.missingProgram && before?.command == result.command
            if !known && !configurationProblems.contains(message) { configurationProblems.append(message) }
        } else if result.passed {
            note = "validation passed: `\(gate.command)`"
        } else {
            note = "validation failed: " + (result.output.split(separator: "\n").first.map(String.init) ?? "") + (reran ? "; its output is in \(log)" : "")
            failures.append("\(item.subjectLabel): after this change the project's checks fail (`\(gate.command)`)" + (reran ? "; the output is in \(log)" : "; autodev status shows the output"))
        }
        records.append(DecisionRecord(run: context.runID, item: item, tier: TierName.pattern.rawValue, outcome: note))
        items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: TierName.pattern.rawValue, outcome: note, files: []))
    }

    /// The baseline for this pass: the state's record when it is for the same tree (the
    /// processed commit with the unmerged results), command and report; else the check runs
    /// now, once. Nil when a stop ended it.
    func currentBaseline(_ gate: ValidationGate, baseTree: ObjectID) -> ValidationBaseline? {
        if let baseline, let tree = try? gate.tree(baseTree: baseTree, files: context.previous), baseline.matches(tree: tree, gate: gate) {
            return baseline
        }
        let log = context.store.loop + "/logs/\(context.runID)/baseline.log"
        try? context.saveLoop(.waitingForValidation, "baseline")
        guard let fresh = gate.baseline(baseTree: baseTree, files: context.previous, commit: context.baseCommit, logPath: log,
                                        now: context.clock.now(), stopRequested: context.stopRequested) else { return nil }
        baseline = fresh
        return fresh
    }

    /// An answer's files (blobs over the processed commit) through the gate, judged against the
    /// baseline (run first if this pass has none yet).
    func judge(_ gate: ValidationGate, baseTree: ObjectID, files: [String: ObjectID], logPath: String?) -> ValidationGate.Outcome {
        guard let baseline = currentBaseline(gate, baseTree: baseTree) else { return .stopped }
        return gate.judge(baseTree: baseTree, files: files, against: baseline, logPath: logPath, stopRequested: context.stopRequested)
    }

    /// The outcome of work past `max_events_per_run` (`limit`).
    static func overLimit(_ limit: Int) -> String {
        "over max_events_per_run (\(limit)); pending"
    }

    /// Work carried over and deferred again by a limit or a stop gets no new log line: it was
    /// logged when it was first deferred. Failures are logged every time, and so is work that
    /// calls were made for: every call is in the decision log, with the work it served.
    func deferItem(_ item: WorkItem, _ outcome: String, failed: Bool = false) {
        deferred.append(item)
        items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: "deferred", outcome: outcome, files: []))
        let served = llmCalls.filter { $0.work.contains(item.id) }
        if failed || !context.carried.contains(item.id) || !served.isEmpty {
            var record = DecisionRecord(run: context.runID, item: item, tier: "deferred", outcome: outcome)
            if !served.isEmpty { record.calls = served }
            records.append(record)
        }
    }

    func fail(_ item: WorkItem, _ message: String) {
        failures.append(message)
        deferItem(item, "failed, pending: \(message)", failed: true)
    }

    /// How `accept` treats a file another subject already generated.
    enum Overlap {
        /// The writer never saw the current content (a template, a generator, a reused answer):
        /// three-way merge on the processed commit's content; a real conflict holds the work back.
        case merge
        /// The writer was shown the current content (a model answering on the accumulated
        /// tree): its file replaces it.
        case replace
        /// The output was validated as it is (a reused answer): another subject's file at one of
        /// its paths is a conflict (merged content would not be what passed the gate).
        case refuse
    }

    /// Why `accept` took nothing, when it took nothing.
    enum Refusal: Error {
        /// Two writers changed the same lines, or a file stands where a folder must be.
        case conflict(String)
    }

    /// Checks a tier's files and writes their blobs. Returns the paths taken, or nil when the
    /// work was held back whole (parked with its reason: its output conflicts with other work's;
    /// it is not a failure of later runs). With `park: false` nothing is deferred and the
    /// refusal is thrown to the caller (a reused answer then goes on to the model).
    func accept(_ written: [String: [UInt8]], of item: WorkItem, tier: TierName, origins: [String: String],
                note: String, owner given: OutputClaims.Owner? = nil, overlap: Overlap = .merge,
                park: Bool = true, change: String? = nil) throws(AutodevError) -> [String]? {
        do {
            return try place(written, of: item, tier: tier, origins: origins, note: note, owner: given, overlap: overlap,
                             change: change ?? ChangePlanner.key(of: item))
        } catch let refusal as Refusal {
            guard park else { throw AutodevError(.outputCollision, "\(refusal)") }
            if case .conflict(let why) = refusal { self.park(item, why) }
            return nil
        } catch let error as AutodevError {
            throw error
        } catch let error as GitError {
            throw RangeResolver.translate(error, repository: context.repository)
        } catch {
            throw AutodevError(.gitFailure, "\(error)")
        }
    }

    /// Records a file (or, with no path, a piece of work) as part of change `key`.
    func land(_ key: String, work: String, path: String? = nil, blob: ObjectID? = nil) {
        let index = landingIndex[key] ?? {
            landings.append(ResultsBranch.Landing(key: key))
            landingIndex[key] = landings.count - 1
            return landings.count - 1
        }()
        if !landings[index].work.contains(work) { landings[index].work.append(work) }
        if let path, let blob { landings[index].files[path] = blob }
    }

    /// Holds work back with its reason: logged and reported (sync exits 1) the first time; a
    /// later run that meets the same conflict keeps it pending with a note (exit 0), until an
    /// input changes.
    func park(_ item: WorkItem, _ why: String) {
        if context.carried.contains(item.id) {
            notes.append("still held back: " + why)
        } else {
            failures.append(why)
        }
        deferItem(item, "held back: " + why)
    }

    private func place(_ written: [String: [UInt8]], of item: WorkItem, tier: TierName, origins: [String: String],
                       note: String, owner given: OutputClaims.Owner?, overlap: Overlap, change: String) throws -> [String]? {
        let repository = context.repository
        var outputs: [(path: String, content: [UInt8])] = []
        let siblings = CaseFoldIndex.prefixes(written.keys)
        for (index, (path, content)) in written.sorted(by: { $0.key < $1.key }).enumerated() {
            if index & 0xFF == 0xFF, context.stopRequested() != nil {
                // Many files take seconds to check; a stop must not wait for them.
                deferItem(item, "stopped by a signal; pending")
                return nil
            }
            if let problem = try pathProblem(path, siblings: siblings) {
                guard tier == .pattern || tier == .template else {
                    fail(item, "\(item.subjectLabel): the answer writes '\(path)', which \(problem); nothing was written")
                    return nil
                }
                throw AutodevError(.unsafePath, "a template or pattern produced the path '\(path)', which \(problem); nothing was written. Fix the template's 'path:'")
            }
            try ResultsBranch.checkGeneratedPath(path, base: context.baseLookup, repository: repository)
            // A template never overwrites a file a person wrote (a generator command or a model
            // may: updating files is their job).
            let existing: FileSide?
            if let baseLookup = context.baseLookup { existing = try gitCall(repository) { try baseLookup.entry(atPath: path) } } else { existing = nil }
            if tier == .template, context.previous[path] == nil, let existing, !existing.mode.isTree,
               try gitCall(repository, { try Repository.blobID(of: content) }) != existing.id {
                notes.append("\(path) already exists; template output for \(item.subjectLabel) was not written over it")
                continue
            }
            outputs.append((path, content))
        }
        let owner = given ?? OutputClaims.Owner(work: item.id, subject: PassQueue.subjectKey(item), label: item.subjectLabel, origin: "")
        // Another subject's generated file at a path: merged (or replaced), never refused.
        var replacing = Set<String>()
        for index in outputs.indices {
            let path = outputs[index].path
            guard let other = claims.files[path], other.subject != owner.subject, !other.subject.isEmpty,
                  let current = newFiles[path]?.blob ?? context.previous[path] else { continue }
            if overlap == .refuse {
                throw Refusal.conflict("\(origins[path] ?? note) writes \(path) for \(owner.label), which \(other.origin.isEmpty ? "earlier work" : other.origin) generated for \(other.label)")
            }
            replacing.insert(path)
            guard overlap == .merge else { continue }
            let ours = try repository.blobContent(current)
            let base = try context.baseLookup?.entry(atPath: path).flatMap { $0.mode.isTree ? nil : try repository.blobContent($0.id) } ?? []
            switch try FileMerge.merge(base: base, ours: ours, theirs: outputs[index].content, path: path) {
            case .merged(let content):
                outputs[index].content = content
                notes.append("\(path): \(origins[path] ?? note) for \(owner.label) merged three-way with what \(other.origin.isEmpty ? "earlier work" : other.origin) generated for \(other.label)")
            case .conflict:
                throw Refusal.conflict("\(origins[path] ?? note) changes the same lines of \(path) for \(owner.label) (work \(owner.work)) as \(other.origin.isEmpty ? "earlier work" : other.origin) did for \(other.label) (work \(other.work)); the three-way merge conflicts. It is held back (nothing of it written) until its requirement, the file or the configuration changes; resolve it by hand or change the template's 'path:'")
            }
        }
        if let clash = try claims.clash(outputs.map { ($0.path, origins[$0.path] ?? note) }, by: owner, base: context.baseLookup,
                                        replacing: replacing) {
            throw Refusal.conflict(clash)
        }
        // Blobs first (thousands take seconds: a stop is honoured between them), then the
        // bookkeeping, all or nothing.
        var blobs: [ObjectID] = []
        for (index, (_, content)) in outputs.enumerated() {
            if index & 0xFF == 0xFF, context.stopRequested() != nil {
                deferItem(item, "stopped by a signal; pending")
                return nil
            }
            blobs.append(context.dryRun ? try gitCall(repository) { try Repository.blobID(of: content) }
                                        : try gitCall(repository) { try repository.writeBlob(content) })
        }
        var paths: [String] = []
        for ((path, _), blob) in zip(outputs, blobs) {
            newFiles[path] = (blob, item.id)
            tree?.write(path, blob: blob)
            land(change, work: item.id, path: path, blob: blob)
            var claimed = owner
            claimed.origin = origins[path] ?? note
            claims.claim(path, by: claimed)
            caseIndex.add(path)
            paths.append(path)
        }
        return paths
    }

    /// Why generated work may not write `path`, or nil: ``PathPolicy`` (never-rules, then the
    /// protected paths unless allowed), then a clash in case with the processed tree, earlier
    /// results, this pass's output or `siblings` (the same work's other paths, from
    /// ``CaseFoldIndex/prefixes(_:)``).
    func pathProblem(_ path: String, siblings: [String: String]) throws(AutodevError) -> String? {
        if let problem = pathPolicy.problem(path) { return problem }
        if let (mine, other) = try caseIndex.clash(path, siblings: siblings) {
            let what = mine == path ? "" : "has the folder '\(mine)', which "
            return "\(what)differs only in case from '\(other)' (on macOS and Windows checkouts the two are one \(mine == path ? "file" : "folder"))"
        }
        return nil
    }
}

/// Runs a libgit2 call, translating its errors into autodev's.
func gitCall<T>(_ repository: Repository, _ body: () throws -> T) throws(AutodevError) -> T {
    do {
        return try body()
    } catch let error as AutodevError {
        throw error
    } catch let error as GitError {
        throw RangeResolver.translate(error, repository: repository)
    } catch {
        throw AutodevError(.gitFailure, "\(error)")
    }
}
