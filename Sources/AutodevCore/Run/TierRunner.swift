internal import AutodevGit
#if canImport(Glibc)
import Glibc
#endif

/// Stage 2 of a pass: each piece of work through the tiers, cheapest first, within the run's
/// limits (`max_events_per_run`, `max_llm_calls_per_run`, `max_tokens_per_run`). Output is
/// checked (a safe path, no template over a person's file, no clash with other work's output)
/// and its blobs written; nothing here touches a ref. What did not fit, failed or was stopped
/// stays pending.
final class TierRunner {
    struct Context {
        let repository: Repository
        let config: Config
        /// Where generator commands and the validation command run: autodev's environment
        /// reaches them only through it.
        let sandbox: Sandbox
        let store: StateStore
        let clock: any WallClock
        let stopRequested: @Sendable () -> Int32
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
    var deferred: [WorkItem] = []
    var failures: [String] = []
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
    /// Tiers 3 and 4 (`LLMStage+Reuse.swift`).
    var reuse = ReuseLedger()

    init(_ context: Context, owners: [String: SyncState.Generated]) {
        self.context = context
        claims = OutputClaims(previous: context.previous, owners: owners)
    }

    func run(_ queue: [WorkItem]) throws(AutodevError) {
        let files = RepositoryFiles(repository: context.repository)
        let templates = try TemplateLibrary.load(files)
        let patterns = try PatternRules.load(files, templates: templates)
        let maxItems = context.config.int("loop.max_events_per_run")
        let generated = try runGenerators(queue.prefix(maxItems), patterns: patterns)
        let tiers = TierResolver(patterns: patterns, templates: templates, repository: context.repository,
                                 base: context.baseCommit, sandbox: context.sandbox, generated: generated)
        var lastStateWrite = context.clock.monotonicMilliseconds()
        var forLLM: [WorkItem] = []
        for (index, item) in queue.enumerated() {
            // After a stop, only work whose generator finished is still taken in (it is done).
            let finishedGenerator = if case .success? = generated[item.id] { true } else { false }
            if index >= maxItems || (context.stopRequested() != 0 && !finishedGenerator) {
                deferItem(item, index >= maxItems ? "over max_events_per_run (\(maxItems)); pending" : "stopped by a signal; pending")
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
            let resolution: Resolution
            do {
                resolution = try tiers.resolve(item, dryRun: context.dryRun)
            } catch where error.code == .generatorFailed || error.code == .outputCollision {
                fail(item, error.message)
                if !context.dryRun {
                    try context.saveLoop(.recoveringFromError, item.id)
                    lastStateWrite = context.clock.monotonicMilliseconds()
                }
                continue
            }
            var record = DecisionRecord(run: context.runID, item: item, tier: resolution.tier.rawValue, outcome: resolution.note)
            switch resolution.kind {
            case .files(let written):
                guard let paths = try accept(written, of: item, tier: resolution.tier, origins: resolution.origins, note: resolution.note) else { continue }
                record.files = paths
            case .done:
                break
            case .request where llm != nil && !context.dryRun:
                forLLM.append(item)
                continue
            case .request where llm != nil:
                // A dry run calls no model: the plan says where the work would go.
                let names = context.config.providers.map { "'\($0.name)'" }.joined(separator: ", then ")
                let note = "would be asked of provider \(names)" + (gate == nil ? "" : ", then checked by `\(gate!.command)`")
                records.append(DecisionRecord(run: context.runID, item: item, tier: TierName.llm.rawValue, outcome: note))
                items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: TierName.llm.rawValue, outcome: note, files: []))
                continue
            case .request(let request):
                let maxCalls = context.config.int("loop.max_llm_calls_per_run")
                let maxTokens = context.config.int("loop.max_tokens_per_run")
                if calls + 1 > maxCalls || tokens + request.estimatedTokens > maxTokens {
                    deferItem(item, calls + 1 > maxCalls ? "over max_llm_calls_per_run (\(maxCalls)); pending"
                                                         : "over max_tokens_per_run (\(maxTokens)); pending")
                    continue
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
        if llm != nil, !forLLM.isEmpty, let problem = gate?.sandbox.problem() {
            // The answers could not be checked without running model code unconfined: no call.
            for item in forLLM { deferItem(item, "pending: " + Sandbox.refusal(problem), failed: true) }
            failures.append(Sandbox.refusal(problem))
        } else if let llm {
            try runLLM(forLLM, setup: llm)
        }
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
        generator.runAll(jobs, width: context.config.int("loop.max_concurrent_tasks"), stopRequested: context.stopRequested)
        var generated: [String: Result<[String: [UInt8]], AutodevError>] = [:]
        for job in jobs { generated[job.item.id] = job.outcome }
        return generated
    }

    /// A `validate` decision (a dependency or configuration the code relies on changed): the
    /// project's checks run on the processed commit with the unmerged generated files. A failure
    /// is reported (sync exits 1); it is not queued again, as the same commit fails the same way.
    func runValidation(_ item: WorkItem, gate: ValidationGate, baseTree: ObjectID) {
        let log = context.store.loop + "/logs/\(context.runID)/\(item.id)-validate.log"
        let note: String
        switch gate.check(baseTree: baseTree, files: context.previous, logPath: log, stopRequested: context.stopRequested) {
        case .passed:
            note = "validation passed: `\(gate.command)`"
        case .stopped:
            deferItem(item, "stopped by a signal during validation; pending")
            return
        case .broken(let why):
            fail(item, "the validation command could not be run (\(why))")
            return
        case .failed(let output):
            note = "validation failed: " + (output.split(separator: "\n").first.map(String.init) ?? "") + "; its output is in \(log)"
            failures.append("\(item.subjectLabel): after this change the project's checks fail (`\(gate.command)`); the output is in \(log)")
        }
        records.append(DecisionRecord(run: context.runID, item: item, tier: TierName.pattern.rawValue, outcome: note))
        items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: TierName.pattern.rawValue, outcome: note, files: []))
    }

    /// Work carried over and deferred again by a limit or a stop gets no new log line: it was
    /// logged when it was first deferred. Failures are logged every time.
    func deferItem(_ item: WorkItem, _ outcome: String, failed: Bool = false) {
        deferred.append(item)
        items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: "deferred", outcome: outcome, files: []))
        if failed || !context.carried.contains(item.id) {
            records.append(DecisionRecord(run: context.runID, item: item, tier: "deferred", outcome: outcome))
        }
    }

    func fail(_ item: WorkItem, _ message: String) {
        failures.append(message)
        deferItem(item, "failed, pending: \(message)", failed: true)
    }

    /// Checks a tier's files and writes their blobs. Returns the paths taken, or nil when the
    /// work was refused whole (its output collides with other work's: it stays pending).
    func accept(_ written: [String: [UInt8]], of item: WorkItem, tier: TierName, origins: [String: String],
                note: String) throws(AutodevError) -> [String]? {
        let repository = context.repository
        var outputs: [(path: String, content: [UInt8])] = []
        for (path, content) in written.sorted(by: { $0.key < $1.key }) {
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
        let owner = OutputClaims.Owner(work: item.id, subject: PassQueue.subjectKey(item), label: item.subjectLabel, origin: "")
        if let clash = try gitCall(repository, { try claims.clash(outputs.map { ($0.path, origins[$0.path] ?? note) },
                                                                  by: owner, base: context.baseLookup) }) {
            fail(item, clash)
            return nil
        }
        var paths: [String] = []
        for (path, content) in outputs {
            let blob = context.dryRun ? try gitCall(repository) { try Repository.blobID(of: content) }
                                      : try gitCall(repository) { try repository.writeBlob(content) }
            newFiles[path] = (blob, item.id)
            var claimed = owner
            claimed.origin = origins[path] ?? note
            claims.claim(path, by: claimed)
            paths.append(path)
        }
        return paths
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
        throw AutodevError(.gitFailure, "\(error)", exitStatus: .failure)
    }
}
