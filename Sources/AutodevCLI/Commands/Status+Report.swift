internal import AutodevCore
internal import AutodevGit
#if canImport(Glibc)
internal import Glibc
#endif

extension AutodevCommand.Status {
    /// What `status` shows: read only, from the state folder, the queue in git and the refs.
    struct Report: Encodable {
        var checkpoint: String?
        var commitsBehind: Int?
        var head: String?
        var loop: SyncState.Loop
        /// How many pieces of work are pending.
        var pendingCount: Int
        /// The pending work in the order the next run takes it: all of it for `--json`, the
        /// first ten for the text (`pendingCount` says how many there are).
        var pending: [WorkItem]
        var awaitingLLM: [String]
        var lastRun: RunRecord?
        var resultsBranch: String
        var resultsTip: String?
        var unmergedResultsCommits: Int?
        var metrics: Metrics
        /// Work whose generated code failed the project's checks, with the last output.
        var failedValidation: [FailedValidation]
        /// Why pending work waits for tier 5, and until when, by work id.
        var llmWaits: [String: WorkWait]
        /// `[validate] command` on the processed commit, as the last run found it.
        var baseline: ValidationBaseline?
        /// Why the last sync ended with an error, and what to do; nil after one that succeeded.
        var lastSyncError: LastSyncError?
        /// Budget, breakers, limiters, health readings and mode.
        var resilience: ResilienceReport
        /// Lines of the spending ledger not yet pushed to the shared ledger
        /// (refs/autodev/ledger, as last fetched or pushed by `sync --ci`); null when this
        /// clone never shared its ledger.
        var ledgerUnpushed: Int?
        /// Whether model code (validation, generators) can run here, and how it is confined.
        var sandbox: Workspace.SandboxCheck
        var warnings: [String]
    }
}

extension AutodevCommand.Status.Report {
    /// Reads where the loop stands. Read-only: a corrupt state is reported, not set aside;
    /// pending work comes from the queue in git (refs/autodev/queue). `pendingLimit`: keep only
    /// the first that many pieces of pending work, reading the queue a shard at a time (the
    /// text shows ten; a queue of millions is not decoded whole for them).
    static func gather(_ workspace: Workspace, pendingLimit: Int? = nil) throws -> Self {
        let repository = workspace.repository
        let store = workspace.store
        var state: SyncState, warnings: [String], pendingCount: Int
        if let pendingLimit {
            let summary = try workspace.pendingSummary(first: pendingLimit)
            (state, warnings, pendingCount) = (summary.state, summary.warnings, summary.count)
            state.pending = summary.first
        } else {
            (state, warnings) = try workspace.currentState()
            pendingCount = state.pending.count
        }
        if state.loop.state != .idle, state.loop.state != .shutdown, let pid = state.loop.pid, kill(pid, 0) != 0, errno == ESRCH {
            warnings.append("the sync that was \(state.loop.state.rawValue) (pid \(pid)) ended without finishing; the next sync redoes its work")
            state.loop.state = .idle
            state.loop.task = nil
            state.loop.pid = nil
        }
        let branch = workspace.resultsBranch
        let git: () throws -> (ObjectID?, ObjectID?, ObjectID?) = {
            (try repository.referenceTarget(workspace.checkpointRef), try repository.head(), try repository.referenceTarget(workspace.resultsRef))
        }
        let (checkpoint, head, tip) = try git()
        var behind: Int?
        if let head, let checkpoint, repository.contains(checkpoint) {
            behind = try repository.commits(from: checkpoint, to: head, limit: 100_000).commits.count
        }
        var unmerged: Int?
        if let tip {
            unmerged = try repository.commits(from: head, to: tip, limit: 100_000).commits.count
        }
        let (runs, unreadableRuns) = store.runsAndProblems()
        let (loadedMetrics, metricsWarning) = store.peekMetrics()
        warnings.append(contentsOf: unreadableRuns + (metricsWarning.map { [$0] } ?? []))
        return Self(checkpoint: checkpoint?.hex, commitsBehind: behind, head: head?.hex, loop: state.loop,
                    pendingCount: pendingCount, pending: state.pending, awaitingLLM: state.awaitingLLM.values.sorted(),
                    lastRun: runs.first { $0.id == state.lastRun } ?? runs.last, resultsBranch: branch, resultsTip: tip?.hex,
                    unmergedResultsCommits: unmerged, metrics: loadedMetrics,
                    failedValidation: (state.failedValidation ?? [:]).values.sorted { $0.subject < $1.subject },
                    llmWaits: state.llmWaits ?? [:],
                    baseline: state.validationBaseline,
                    lastSyncError: LastSyncError.load(root: store.root),
                    resilience: ResilienceReport.current(repository: repository, config: workspace.config, store: store, now: Int64(time(nil))),
                    ledgerUnpushed: SharedLedger.unpushed(gitDirectory: repository.gitDirectory, ledger: workspace.ledger),
                    sandbox: workspace.checkSandbox(),
                    warnings: warnings)
    }

    /// Where the checkpoint, the loop, the work and the results stand, as `status` prints them;
    /// with the warnings only the text adds (`--json` carries the same facts in its fields).
    func text(pendingFolder: String) -> (text: String, warnings: [String]) {
        let branch = resultsBranch
        var textWarnings: [String] = []
        var out = ""
        if let checkpoint {
            out += "checkpoint: \(checkpoint.prefix(12))" + (commitsBehind.map { ", \($0) commit\($0 == 1 ? "" : "s") behind HEAD" } ?? "") + "\n"
        } else {
            out += "checkpoint: none yet (the first sync adopts what is at HEAD as the baseline; sync --backfill queues its open work)\n"
        }
        out += "loop: \(loop.state.rawValue)" + (loop.task.map { " (\($0))" } ?? "") + "\n"
        out += "pending: \(pendingCount) piece\(pendingCount == 1 ? "" : "s") of work\n"
        for item in pending.prefix(10) {
            out += "  \(item.action.rawValue) \(Terminal.safe(item.requirement.map { "\($0.key) (\($0.spec))" } ?? item.path))"
            if let wait = llmWaits[item.id] { out += ": waits, \(Terminal.safe(wait.reason))" }
            out += "\n"
        }
        out += "awaiting an LLM: \(awaitingLLM.count) request\(awaitingLLM.count == 1 ? "" : "s") in \(pendingFolder)\n"
        for name in awaitingLLM.prefix(10) { out += "  \(name)\n" }
        if let run = lastRun {
            out += "last run: \(run.id) (\(run.status)), \(run.events) events, \(run.from.map { String($0.prefix(12)) } ?? "(start)")..\(run.to.map { String($0.prefix(12)) } ?? "-")\n"
        } else {
            out += "last run: none\n"
        }
        for line in lastSyncError?.lines ?? [] { out += Terminal.safe(line) + "\n" }
        if let run = lastRun, let workItems = run.workItems {
            out += "  \(workItems) work item\(workItems == 1 ? "" : "s"); skips: \(StatusText.skips(run.skips ?? [:]))\n"
        }
        out += "work items: \(metrics.workItems) over \(metrics.runs) run\(metrics.runs == 1 ? "" : "s"); skips: \(StatusText.skips(metrics.skips))\n"
        out += "LLM calls: \(metrics.llmCallsAvoided) avoided (work answered by patterns, templates, the cache and similar answers), \(metrics.llmRequests) requested\n"
        if let accounting = metrics.accounting { out += "accounting: \(accounting.summary)\n" }
        if let usage = metrics.llm {
            out += "LLM usage: \(usage.calls) call\(usage.calls == 1 ? "" : "s") (\(usage.failedCalls) without a usable answer), \(usage.inputTokens) tokens in, \(usage.outputTokens) out, USD \(LLMUsage.dollars(usage.cost))\n"
        }
        for failed in failedValidation {
            out += "failed validation: \(Terminal.safe(failed.subject)) after \(failed.rounds) round\(failed.rounds == 1 ? "" : "s"); waits for a change to it, its linked code or the configuration\n"
            for line in failed.output.split(separator: "\n").prefix(8) { out += "  | \(Terminal.safe(String(line)))\n" }
        }
        for line in baseline?.lines ?? [] { out += Terminal.safe(line) + "\n" }
        for line in resilience.lines() { out += Terminal.safe(line) + "\n" }
        if let unpushed = ledgerUnpushed {
            out += "shared ledger: \(SharedLedger.ref)" + (unpushed == 0 ? ", every charge pushed\n"
                : "; \(unpushed) line\(unpushed == 1 ? "" : "s") of this clone's spending not pushed yet (the next sync --ci pushes them)\n")
            if unpushed > 0 {
                textWarnings.append("\(unpushed) spending line\(unpushed == 1 ? "" : "s") could not be pushed to \(SharedLedger.ref); other runners count those calls at their reservation until the next sync --ci pushes them")
            }
        }
        out += StatusText.sandbox(sandbox, detailed: false)
        textWarnings.append(contentsOf: resilience.warnings)
        if let tip = resultsTip {
            out += "results: \(branch) at \(tip.prefix(12)), \(unmergedResultsCommits ?? 0) commit\(unmergedResultsCommits == 1 ? "" : "s") not merged into HEAD\n"
        } else {
            out += "results: no \(branch) branch yet\n"
        }
        return (out, textWarnings)
    }
}
