internal import AutodevCore
internal import AutodevGit
#if canImport(Glibc)
internal import Glibc
#endif

extension AutodevCommand {
    /// `autodev status`: where the loop stands.
    struct Status {
        static let spec = CommandSpec(
            name: "status",
            abstract: "Show the checkpoint, pending work (and why it waits), requests awaiting an LLM, the last run, a failing validation baseline, the budget, breakers, providers that asked (Retry-After) not to be called before a time, health and the results branch.",
            options: [.flag("json", "Print one JSON object.")])

        let global: GlobalOptions
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) {
            global = GlobalOptions(directory: directory)
            json = arguments.flag("json")
        }

        struct Report: Encodable {
            var checkpoint: String?
            var commitsBehind: Int?
            var head: String?
            var loop: SyncState.Loop
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
            var sandbox: AutodevCore.Sync.SandboxCheck
            var warnings: [String]
        }

        func run() throws {
            let session = try Session.open(global)
            let repository = session.repository
            let store = StateStore(root: AutodevCore.Sync.stateRoot(for: repository))
            // Read-only: a corrupt state is reported, not set aside; pending work comes from the
            // queue in git (refs/autodev/queue).
            var (state, warnings) = try AutodevCore.Sync(repository: repository, config: session.config, environment: [:]).currentState()
            if state.loop.state != .idle, state.loop.state != .shutdown, let pid = state.loop.pid, kill(pid, 0) != 0, errno == ESRCH {
                warnings.append("the sync that was \(state.loop.state.rawValue) (pid \(pid)) ended without finishing; the next sync redoes its work")
                state.loop.state = .idle
                state.loop.task = nil
                state.loop.pid = nil
            }
            let branch = session.config[.resultsBranch]
            let git: () throws -> (ObjectID?, ObjectID?, ObjectID?) = {
                (try repository.referenceTarget(session.config[.checkpointRef]),
                 try repository.head(),
                 try repository.referenceTarget("refs/heads/" + branch))
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
            let report = Report(checkpoint: checkpoint?.hex, commitsBehind: behind, head: head?.hex, loop: state.loop,
                                pending: state.pending, awaitingLLM: state.awaitingLLM.values.sorted(),
                                lastRun: runs.first { $0.id == state.lastRun } ?? runs.last, resultsBranch: branch, resultsTip: tip?.hex,
                                unmergedResultsCommits: unmerged, metrics: loadedMetrics,
                                failedValidation: (state.failedValidation ?? [:]).values.sorted { $0.subject < $1.subject },
                                llmWaits: state.llmWaits ?? [:],
                                baseline: state.validationBaseline,
                                lastSyncError: LastSyncError.load(root: store.root),
                                resilience: ResilienceReport.current(repository: repository, config: session.config, store: store, now: Int64(time(nil))),
                                ledgerUnpushed: SharedLedger.unpushed(gitDirectory: repository.gitDirectory,
                                                                      ledger: SpendLedger(path: AutodevCore.Sync.ledgerPath(for: repository))),
                                sandbox: AutodevCore.Sync(repository: repository, config: session.config, environment: Environment.variables()).checkSandbox(),
                                warnings: warnings)
            if json {
                Output.write(try JSONOutput.encode(report) + "\n")
                return
            }
            var out = ""
            if let checkpoint {
                out += "checkpoint: \(checkpoint.hex.prefix(12))" + (behind.map { ", \($0) commit\($0 == 1 ? "" : "s") behind HEAD" } ?? "") + "\n"
            } else {
                out += "checkpoint: none yet (the first sync adopts what is at HEAD as the baseline; sync --backfill queues its open work)\n"
            }
            out += "loop: \(state.loop.state.rawValue)" + (state.loop.task.map { " (\($0))" } ?? "") + "\n"
            out += "pending: \(state.pending.count) piece\(state.pending.count == 1 ? "" : "s") of work\n"
            for item in state.pending.prefix(10) {
                out += "  \(item.action.rawValue) \(Terminal.safe(item.requirement.map { "\($0.key) (\($0.spec))" } ?? item.path))"
                if let wait = report.llmWaits[item.id] { out += ": waits, \(Terminal.safe(wait.reason))" }
                out += "\n"
            }
            out += "awaiting an LLM: \(state.awaitingLLM.count) request\(state.awaitingLLM.count == 1 ? "" : "s") in \(store.pendingFolder)\n"
            for name in state.awaitingLLM.values.sorted().prefix(10) { out += "  \(name)\n" }
            if let run = report.lastRun {
                out += "last run: \(run.id) (\(run.status)), \(run.events) events, \(run.from.map { String($0.prefix(12)) } ?? "(start)")..\(run.to.map { String($0.prefix(12)) } ?? "-")\n"
            } else {
                out += "last run: none\n"
            }
            for line in report.lastSyncError?.lines ?? [] { out += Terminal.safe(line) + "\n" }
            let metrics = report.metrics
            if let run = report.lastRun, let workItems = run.workItems {
                out += "  \(workItems) work item\(workItems == 1 ? "" : "s"); skips: \(StatusText.skips(run.skips ?? [:]))\n"
            }
            out += "work items: \(metrics.workItems) over \(metrics.runs) run\(metrics.runs == 1 ? "" : "s"); skips: \(StatusText.skips(metrics.skips))\n"
            out += "LLM calls: \(metrics.llmCallsAvoided) avoided (work answered by patterns, templates, the cache and similar answers), \(metrics.llmRequests) requested\n"
            if let accounting = metrics.accounting { out += "accounting: \(accounting.summary)\n" }
            if let usage = metrics.llm {
                out += "LLM usage: \(usage.calls) call\(usage.calls == 1 ? "" : "s") (\(usage.failedCalls) without a usable answer), \(usage.inputTokens) tokens in, \(usage.outputTokens) out, USD \(LLMUsage.dollars(usage.cost))\n"
            }
            for failed in report.failedValidation {
                out += "failed validation: \(Terminal.safe(failed.subject)) after \(failed.rounds) round\(failed.rounds == 1 ? "" : "s"); waits for a change to it, its linked code or the configuration\n"
                for line in failed.output.split(separator: "\n").prefix(8) { out += "  | \(Terminal.safe(String(line)))\n" }
            }
            for line in report.baseline?.lines ?? [] { out += Terminal.safe(line) + "\n" }
            for line in report.resilience.lines() { out += Terminal.safe(line) + "\n" }
            if let unpushed = report.ledgerUnpushed {
                out += "shared ledger: \(SharedLedger.ref)" + (unpushed == 0 ? ", every charge pushed\n"
                    : "; \(unpushed) line\(unpushed == 1 ? "" : "s") of this clone's spending not pushed yet (the next sync --ci pushes them)\n")
                if unpushed > 0 {
                    warnings.append("\(unpushed) spending line\(unpushed == 1 ? "" : "s") could not be pushed to \(SharedLedger.ref); other runners count those calls at their reservation until the next sync --ci pushes them")
                }
            }
            out += StatusText.sandbox(report.sandbox, detailed: false)
            warnings.append(contentsOf: report.resilience.warnings)
            if let tip {
                out += "results: \(branch) at \(tip.hex.prefix(12)), \(unmerged ?? 0) commit\(unmerged == 1 ? "" : "s") not merged into HEAD\n"
            } else {
                out += "results: no \(branch) branch yet\n"
            }
            Output.write(out)
            for warning in warnings { Output.diagnostic("warning: \(warning)") }
        }
    }

    /// `autodev history`: past runs and their decisions.
    struct History {
        static let spec = CommandSpec(
            name: "history",
            abstract: "List past runs (start in UTC, duration), or show one run's record and decisions.",
            discussion: "autodev history [--limit N] [--json]; autodev history show RUN [--json]",
            arguments: [.init(name: "words", help: "'show' followed by a run id, to show one run.", count: "*")],
            options: [
                .value("limit", "limit", "Show at most N runs, newest first."),
                .flag("json", "Print JSON."),
            ])

        let global: GlobalOptions
        let words: [String]
        let limit: Int
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            words = arguments.positionals
            limit = try arguments.integer("limit", default: 20, spec: Self.spec)
            json = arguments.flag("json")
            if !words.isEmpty && !(words.count == 2 && words[0] == "show") {
                throw UsageError("use 'autodev history' or 'autodev history show RUN'", spec: Self.spec)
            }
            if limit < 1 { throw UsageError("--limit must be at least 1", spec: Self.spec) }
        }

        struct Shown: Encodable {
            var run: RunRecord
            var decisions: [DecisionRecord]
        }

        func run() throws {
            let session = try Session.open(global)
            let store = StateStore(root: AutodevCore.Sync.stateRoot(for: session.repository))
            let (runs, unreadable) = store.runsAndProblems()
            for problem in unreadable { Output.diagnostic("warning: \(Terminal.safe(problem))") }
            if words.count == 2 {
                guard let run = runs.first(where: { $0.id == words[1] || $0.id == "run-" + words[1] }) else {
                    throw AutodevError(.ioFailure, "no run '\(words[1])' in \(store.historyFolder); 'autodev history' lists them",
                                       exitStatus: .usage)
                }
                let decisions = store.decisions(run: run.id)
                if json {
                    Output.write(try JSONOutput.encode(Shown(run: run, decisions: decisions)) + "\n")
                    return
                }
                var out = "run \(run.id) (\(run.status)): \(run.from.map { String($0.prefix(12)) } ?? "(start)")..\(run.to.map { String($0.prefix(12)) } ?? "-")\n"
                out += "started: \(StatusText.time(run.startedAt)); took \(StatusText.duration(of: run))\n"
                out += "events: \(run.events); pending: \(run.pending); results: \(run.resultsCommit.map { String($0.prefix(12)) } ?? "none")\n"
                if let accounting = run.accounting { out += "accounting: \(accounting.summary)\n" }
                if let usage = run.llm {
                    out += "llm: \(usage.calls) call\(usage.calls == 1 ? "" : "s") (\(usage.failedCalls) without a usable answer), \(usage.inputTokens) tokens in, \(usage.outputTokens) out, USD \(LLMUsage.dollars(usage.cost))\(usage.models.isEmpty ? "" : " (\(usage.models.joined(separator: ", ")))")\n"
                }
                for decision in decisions {
                    out += "  \(decision.action.rawValue) \(Terminal.safe(decision.requirement.map { "\($0) (\(decision.spec ?? ""))" } ?? decision.eventId))"
                    out += " [\(decision.tier ?? "skip")] \(Terminal.safe(decision.outcome == "skip" ? decision.reason : decision.outcome))"
                    if !decision.files.isEmpty { out += " → " + Terminal.safe(decision.files.joined(separator: ", ")) }
                    out += "\n"
                }
                Output.write(out)
                return
            }
            let shown = Array(runs.suffix(limit).reversed())
            if json {
                Output.write(try JSONOutput.encode(shown) + "\n")
                return
            }
            if shown.isEmpty {
                Output.write(unreadable.isEmpty ? "no runs yet\n" : "no readable runs: \(unreadable.count) record\(unreadable.count == 1 ? " is" : "s are") unreadable (named on stderr)\n")
                return
            }
            var out = ""
            for run in shown {
                let decisions = run.decisions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                out += "\(run.id)  \(StatusText.time(run.startedAt))  \(StatusText.duration(of: run))  \(run.status)"
                out += "  \(run.from.map { String($0.prefix(7)) } ?? "start")..\(run.to.map { String($0.prefix(7)) } ?? "-")"
                out += "  \(run.events) events  \(decisions.isEmpty ? "no decisions" : decisions)"
                out += run.resultsCommit.map { "  results \($0.prefix(7))" } ?? ""
                out += run.llm.map { "  llm \($0.calls) calls USD \(LLMUsage.dollars($0.cost))" } ?? ""
                out += run.accounting.map { "  avoided \($0.avoidedTotal)/\($0.naiveCalls)" + (($0.falseReuses.values.reduce(0, +)) > 0 ? " false reuses \($0.falseReuses.values.reduce(0, +))" : "") } ?? ""
                out += "\n"
            }
            Output.write(out)
        }
    }
}

enum StatusText {
    /// `2026-12-07 00:25:53 UTC`: a run's start, the same on every machine.
    static func time(_ seconds: Int64) -> String {
        let date = UTCCalendar.civil(seconds)
        let inDay = seconds - UTCCalendar.startOfDay(seconds)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day)) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) UTC"
    }

    /// `0.42 s`, `12.3 s`, `4 min 05 s`; from whole seconds (`~3 s`) for records older than the
    /// run's measured duration.
    static func duration(of run: RunRecord) -> String {
        guard let milliseconds = run.durationMilliseconds else { return "~\(max(0, run.finishedAt - run.startedAt)) s" }
        return duration(milliseconds: milliseconds)
    }

    static func duration(milliseconds: Int64) -> String {
        let ms = max(0, milliseconds)
        if ms < 10_000 {
            let hundredths = (ms + 5) / 10
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
        }
        if ms < 60_000 { return "\((ms + 50) / 1000).\((ms + 50) % 1000 / 100) s" }
        let seconds = (ms + 500) / 1000
        return "\(seconds / 60) min \(seconds % 60 < 10 ? "0" : "")\(seconds % 60) s"
    }

    /// `3 human-change, 1 spec-progress`, largest first; `none` when empty.
    static func skips(_ skips: [String: Int]) -> String {
        let sorted = skips.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return sorted.isEmpty ? "none" : sorted.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    /// `sandbox: …` for status and doctor: whether model code can run, and (doctor) how it is
    /// confined.
    static func sandbox(_ check: AutodevCore.Sync.SandboxCheck, detailed: Bool) -> String {
        guard check.works else { return "sandbox: CANNOT RUN: \(Terminal.safe(check.problem ?? "?"))\n" }
        var out = check.mode == "none" ? "sandbox: none ([validate] sandbox = \"none\"): model code runs unconfined\n"
                                       : "sandbox: bubblewrap works\(check.network ? ", network allowed" : ", no network")\n"
        if detailed { for line in check.allows { out += "  \(Terminal.safe(line))\n" } }
        return out
    }
}
