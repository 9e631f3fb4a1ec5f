#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore
internal import AutodevLLM
internal import AutodevGit

extension AutodevCommand {
    /// `autodev sync`: the run.
    struct Sync {
        static let abstract = "Process new commits: events, decisions, tiers, results branch, checkpoint."
        static let discussion = """
                Without RANGE: from refs/autodev/checkpoint to HEAD, and the checkpoint moves to HEAD when the run's work is saved. The first run (no checkpoint yet) adopts the repository: what is at HEAD, its specs' requirements included, is the baseline; it creates no work and prints an onboarding summary of the requirements that show no sign of implementation. --backfill [PATH...] queues exactly those (under the run's limits), for every spec or the specs under PATH. With RANGE (A..B, A...B or a commit) or --worktree (uncommitted changes; results on top of HEAD) the checkpoint does not move; nor does it with --backfill once a checkpoint exists.

                Requirements are matched by content, not number: renumbered or copied requirements are not new work. Decisions the rules are unsure of (a requirement edited by a few words; a new task proposed as code that names no code file or symbol and opens with no verb the rules know, or whose words and named code disagree; an open task added in a range that also changed its feature's code, with a name of it in the code the range wrote, asked with the changed files and the lines of the code that hold the names and quoted phrases it gives) go, with a provider configured and [triage] enabled (the default), to the first provider as one batched yes/no question per run, counted as a triage call and remembered. Work goes through the tiers, cheapest first: patterns (config/patterns.toml), templates (config/templates/*.mustache), with [[llm.providers]] the answer cache (tier 3: the same question, keyed by provider, model, parameters, prompt format, requirement and the blob ids of the files read; tier 4: a similar requirement's answer, adapted, only with a [validate] command) and then the providers (tier 5: the open work of one feature — a spec folder, or one test file's failures — is one change, asked in steps of loop.llm_optimization.batch_size on the accumulated tree (the processed commit, the results branch's files and what earlier steps wrote), checked once by the [validate] command, fed back as one call per round, and kept whole; an answer may settle an item with "NOTHING TO DO <id>: already implemented in <path>" or "not code work: <why>"; see autodev doctor), or, with no provider configured, offline requests written to .auto-dev/loop/pending/ (asked of the provider by the first sync after one is configured). A reused answer is taken only when the validation command passes it; one that fails is counted as a false reuse and the work is asked for. The summary's calls: line counts work items, naive calls, calls made (every request sent, each retry included) and calls avoided per tier and by batching — only work that landed without a call is avoided (docs/tiers.md, "Counting calls"). With [store] url (PostgreSQL; the password from the variable store.password_env names, never in the file) the ledger, budgets ([llm.budget] per repository, store.org_max_cost_per_day/_month for all), breakers, limiter windows and cached answers are shared by every repository and runner pointing at it; a database that cannot be reached leaves the run on the clone's own store and budgets, with a warning. A call abandoned after its request was sent (a stop, a timeout) stays charged at its reservation; a provider's usage is believed only within bounds; a Retry-After past the run's end is kept, and no later run calls that provider before then. The validation command and generator commands run under bubblewrap ([validate] sandbox, network, env): the scratch copy writable, the rest read-only, home folders, the repository and credentials hidden, no provider key in their environment, no network, nothing they start outlives them; where bubblewrap cannot run, that work stays pending unless [validate] sandbox = "none". Generated files are committed on the results branch (loop.results_branch, default autodev/results) on top of the processed commit, one commit per change (feature), so one feature can be cherry-picked alone; HEAD, the index and the work tree are never touched. What does not fit in the run's limits (loop.max_events_per_run, max_llm_calls_per_run, max_tokens_per_run) stays pending and goes first next run (counted in pending; past the limit, carried work and more than 4,096 pieces of the range's new work are not listed one by one).

                Generated paths (any tier) never leave the repository, never touch .git or a name git, HFS+ or NTFS reads as .git (.g<U+200C>it, GIT~1, .git.), nor .auto-dev in any case; .gitmodules, .gitattributes, .gitignore, CI files (.github/workflows/, .gitlab-ci.yml, .circleci/, Jenkinsfile, ...) and hook-manager configs (.pre-commit-config.yaml, lefthook.yml, .husky/) are written only where an [answers] allow_paths glob allows them; a path differing only in case from one in the tree or the run's other output (SRC/app.py beside src/app.py) is refused. A model's answer that breaks a rule, or holds more than [answers] max_files files (200), is refused whole and named in the work's reason; a template's is a configuration error (exit 2). The results branch always passes git fsck --strict.

                One sync runs per repository at a time, across its linked worktrees too: another one waits (or, with --no-wait, exits \(AutodevError.Code.lockBusy.exitStatus.rawValue)). A linked worktree NAME keeps its own checkpoint and queue (refs/autodev/worktrees/NAME/), so it processes only its own commits; the results branch is shared. With --hook, a held lock means "rerun wanted": the running sync picks the new commits up. SIGINT/SIGTERM stop it within a second, wherever it is — reading a huge change, deciding, running generator commands (stopped with their process group); finished work is kept, the rest stays pending, the report (--json too) is still printed with interruptedBy, and it exits \(StopReason.interrupt.exitStatus.rawValue)/\(StopReason.terminate.exitStatus.rawValue). A generator command runs in a scratch copy, its output goes to .auto-dev/loop/logs/; one that fails or hangs leaves its work pending; everything else is saved, and sync exits \(AutodevError.Code.generatorFailed.exitStatus.rawValue) naming the pattern and command. A [validate] command whose program is not installed (exit 127, "not found") is reported once as a configuration problem (exit \(AutodevError.ExitStatus.config.rawValue)) naming the program; later syncs exit 0 and status and doctor show it. A template, generator or reused answer writing a file other work generated is merged three-way; a real conflict (the same lines, or a file where a folder is needed) parks the work: reported once (exit \(AutodevError.Code.outputCollision.exitStatus.rawValue)), naming both pieces of work, the templates and the path, then kept pending without failing later runs until an input changes.

                A run longer than a second shows its progress on stderr (stage, work done of the total, the tier at work, calls and cost so far): one line redrawn in place on a terminal (no colour with NO_COLOR or TERM=dumb), plain lines in CI (CI set, --ci), in hooks and into pipes; stdout carries only the summary or the --json object.

                --ci (a scheduled CI job): no prompts (GIT_TERMINAL_PROMPT=0), plain log lines on stderr. Before the run it fetches refs/autodev/* and the results branch from --remote (default origin) with the git command, so the job's credential helpers work; after it, it pushes what moved, atomically and only if the remote still holds what was fetched (git push --atomic --force-with-lease=REF:OLD). A runner that lost that race pushes nothing, fetches the winner's refs and runs once more on them (which redoes nothing); losing twice exits \(AutodevError.Code.lockBusy.exitStatus.rawValue). The spending ledger, breakers, Retry-After deadlines and calibrations travel on refs/autodev/ledger, merged (never replaced) with what other runners pushed, so every runner on every fresh clone spends from one daily and monthly budget: each call's reservation is pushed with a lease before the call is sent (a runner that loses the race fetches the winner's and checks the budget again; one that cannot push it does not send the call), its settlement after; a settlement that cannot be pushed is a warning, stays in the local ledger and goes with this clone's next push (status shows how many lines wait). In a shallow clone that does not reach the checkpoint it exits \(AutodevError.Code.shallowHistory.exitStatus.rawValue) naming the history it needs; --deepen fetches it. --report FILE writes the run as JSON, --summary FILE as Markdown (work done by tier, what waits and why, cost), --report-html DIR the HTML report of all runs (autodev report), with or without --ci.
                """

        static let spec = CommandSpec(
            name: "sync",
            abstract: abstract,
            discussion: discussion,
            arguments: [.init(name: "range|path", help: "A..B, A...B or a single commit (the checkpoint then stays where it is); with --backfill, the PATHs whose specs to backfill.", count: "*")],
            options: [
                .flag("backfill", "Queue the work that adoption recorded as the baseline: the requirements of the specs at HEAD (under PATH..., if given) that show no sign of implementation."),
                .flag("worktree", "Work from staged, unstaged and untracked changes against HEAD; results go on top of HEAD, the checkpoint stays."),
                .flag("dry-run", "Show the full plan (events, decisions, the tier for each piece of work); write nothing."),
                .testReport,
                .flag("json", "Print one JSON object instead of the summary."),
                .flag("no-wait", "Exit with status \(AutodevError.Code.lockBusy.exitStatus.rawValue) instead of waiting when another sync is running."),
                .value("hook", "hook", "Called from a git hook (e.g. post-commit): never waits for another sync."),
                .flag("ci", "Run as a CI job: fetch autodev's refs before the run, push them after (atomic, conditional on the fetched values); share the spending ledger with every other runner through refs/autodev/ledger."),
                .value("remote", "name", "With --ci: the remote to fetch from and push to (default origin)."),
                .flag("deepen", "With --ci in a shallow clone: fetch the history from the checkpoint to HEAD when it is missing."),
                .value("report", "file", "Write the run's report as JSON to <file>."),
                .value("summary", "file", "Write a Markdown summary (for a pull request body or a job summary) to <file>."),
                .value("report-html", "dir", "After the run, write the HTML report (as autodev report --html) to <dir>/index.html, e.g. as a CI artifact."),
            ])

        let global: GlobalOptions
        let range: String?
        let backfill: Bool
        let paths: [String]
        let worktree: Bool
        let dryRun: Bool
        let testReports: [String]
        let json: Bool
        let noWait: Bool
        let hook: String?
        let ci: Bool
        let remote: String
        let deepen: Bool
        let reportFile: String?
        let summaryFile: String?
        let reportHTML: String?

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            backfill = arguments.flag("backfill")
            paths = backfill ? arguments.positionals : []
            range = backfill ? nil : arguments.positional
            if !backfill, arguments.positionals.count > 1 {
                throw UsageError("Unexpected argument '\(arguments.positionals[1])'", spec: Self.spec)
            }
            worktree = arguments.flag("worktree")
            dryRun = arguments.flag("dry-run")
            testReports = arguments.all("test-report")
            json = arguments.flag("json")
            noWait = arguments.flag("no-wait")
            hook = arguments.value("hook")
            ci = arguments.flag("ci")
            remote = arguments.value("remote") ?? "origin"
            deepen = arguments.flag("deepen")
            reportFile = arguments.value("report")
            summaryFile = arguments.value("summary")
            reportHTML = arguments.value("report-html")
            if reportHTML == "" { throw UsageError("--report-html needs a folder", spec: Self.spec) }
            if reportHTML != nil && dryRun { throw UsageError("--report-html shows what runs kept; a --dry-run keeps nothing", spec: Self.spec) }
            if !ci && (deepen || arguments.value("remote") != nil) {
                throw UsageError("--\(deepen ? "deepen" : "remote") works with --ci only", spec: Self.spec)
            }
            if ci && (range != nil || worktree || backfill) {
                throw UsageError("--ci syncs from the checkpoint to HEAD; it takes no RANGE, --worktree or --backfill", spec: Self.spec)
            }
            if worktree && range != nil { throw UsageError("give either a RANGE or --worktree, not both", spec: Self.spec) }
            if worktree && backfill { throw UsageError("give either --backfill or --worktree, not both", spec: Self.spec) }
        }

        /// Runs the sync; what stopped it with an error is kept for `status` (a hook's sync is
        /// detached: its output is only in hook.log), and forgotten after a sync that succeeds.
        func run() throws {
            var failures: [String] = []
            do {
                try run(failures: &failures)
                if !dryRun { LastSyncError.clear(directory: global.startDirectory) }
            } catch let error as AutodevError {
                if !dryRun { LastSyncError.record([error.message], exitStatus: error.exitStatus, hook: hook, directory: global.startDirectory) }
                throw error
            } catch let error as ExitStatus {
                if !dryRun { LastSyncError.record(failures, exitStatus: error.status, hook: hook, directory: global.startDirectory) }
                throw error
            }
        }

        private func run(failures reported: inout [String]) throws {
            Signals.install()
            // Commands the run starts (generators) must not start syncs through hooks of their own.
            setenv("AUTODEV_RUNNING", "1", 1)
            if ci { setenv("GIT_TERMINAL_PROMPT", "0", 1) }
            var workspace = try Workspace.open(global)
            if hook == "post-commit", let head = try? workspace.repository.head(),
               let message = try? workspace.repository.commit(head).message, message.contains("\nAutodev-Run: ") {
                Output.write("HEAD \(head.hex.prefix(12)) is a commit autodev made; nothing to do\n")
                return
            }
            var outcome = SyncOutcome(branch: workspace.config[.resultsBranch])
            if ci && !dryRun {
                (outcome.report, outcome.ci, outcome.sharedLedger) = try runCI(&workspace)
            } else {
                outcome.report = try runOnce(workspace)
            }
            outcome.flushSharedLedger(workspace, remote: remote)
            for warning in outcome.warnings { Output.diagnostic("warning: \(warning)") }
            reported = outcome.failures
            try write(outcome, workspace)
            try outcome.finish(remote: remote)
        }

        /// The run's files (`--report`, `--summary`, `--report-html`) and its summary on stdout.
        private func write(_ outcome: SyncOutcome, _ workspace: Workspace) throws {
            if let reportFile {
                let encoded = try JSONOutput.encode(SyncRunReport(sync: outcome.report, ci: outcome.ci, exitStatus: outcome.status.rawValue)) + "\n"
                try FileSystem.writeAtomically(reportFile, Array(encoded.utf8))
            }
            if let summaryFile {
                try FileSystem.writeAtomically(summaryFile, Array(SyncSummary.render(outcome.report, ci: outcome.ci, branch: outcome.branch).utf8))
            }
            if let reportHTML {
                _ = try ReportCommand.write(workspace, to: reportHTML)
            }
            if let report = outcome.report {
                Output.write(json ? try JSONOutput.encode(report) + "\n" : SyncRenderer.render(report, branch: outcome.branch))
            } else {
                Output.write(json ? "null\n" : "nothing to do: the remote's checkpoint is ahead of this checkout\n")
            }
        }

        /// `--ci`: the driver of `CIRetry` (fetch, run, push; after a lost race the winner's refs
        /// and one more run). Returns the last run's report (nil when superseded), what the CI
        /// report says of the remote (nil when a stopped run pushed nothing), and the shared ledger.
        private func runCI(_ workspace: inout Workspace) throws -> (SyncReport?, SyncRunReport.CI?, SharedLedger?) {
            var remote = CIRemote(directory: workspace.directory, remote: self.remote, refs: Self.ciRefs(workspace))
            var machine = CIRetry()
            var sharedLedger: SharedLedger?
            var report: SyncReport?
            var pushed: [String: String?] = [:]
            var failure: (any Error)?
            var action = machine.start()
            while true {
                switch action {
                case .fetch(let afterLostRace):
                    let superseded: Bool
                    do {
                        if afterLostRace {
                            remote.say("fetching the winner's refs and running again")
                            Self.setStateAside(workspace, why: "lost-race")
                        }
                        try prepare(&remote, workspace: workspace)
                        // Sees what was fetched. A test pause point holds once per process, not
                        // again in the run after a lost race.
                        var environment = Environment.variables()
                        if afterLostRace { environment["AUTODEV_TEST_PAUSE_AT"] = nil }
                        workspace = try Workspace.open(global, environment: environment)
                        if sharedLedger == nil {
                            // The ledger, breakers and calibrations other runners left (README, "One budget for every CI runner").
                            let ledger = SharedLedger(gitDirectory: workspace.repository.gitDirectory, ledger: workspace.ledger, store: workspace.store,
                                                      transport: CILedgerTransport(directory: workspace.directory, remote: self.remote))
                            try ledger.pull(resilience: true)
                            remote.say("fetched the shared spending ledger (\(SharedLedger.ref)) from \(self.remote)")
                            sharedLedger = ledger
                        }
                        superseded = try remote.isSuperseded(checkpointRef: workspace.checkpointRef)
                    } catch {
                        failure = error
                        action = machine.failed()
                        continue
                    }
                    if superseded {
                        remote.say(afterLostRace ? "the winner's checkpoint is ahead of HEAD; nothing left for this runner"
                                                 : "the remote's checkpoint is ahead of HEAD (a newer run processed more than this checkout has); nothing to do")
                    }
                    action = machine.fetched(superseded: superseded)
                case .run:
                    report = try runOnce(workspace, shared: sharedLedger)
                    action = machine.ran(stopped: report?.interruptedBy != nil || report?.deferredToRunningSync == true)
                case .push:
                    let outcome: CIRemote.PushOutcome
                    do {
                        (outcome, pushed) = try remote.push()
                    } catch {
                        failure = error
                        action = machine.failed()
                        continue
                    }
                    action = machine.pushed(outcome)
                case .finish(let how):
                    func ci(_ outcome: CIRemote.PushOutcome, _ attempts: Int) -> SyncRunReport.CI {
                        SyncRunReport.CI(remote: remote.remote, fetched: remote.expected, pushed: outcome == .pushed ? pushed : [:],
                                         outcome: outcome.rawValue, attempts: attempts)
                    }
                    switch how {
                    case .failed: throw failure!
                    case .notPushed: return (report, nil, sharedLedger)
                    case .superseded(let attempts): return (nil, ci(.superseded, attempts), sharedLedger)
                    case .lostRace(let attempts): return (report, ci(.lostRace, attempts), sharedLedger)
                    case .pushed(let outcome, let attempts): return (report, ci(outcome, attempts), sharedLedger)
                    }
                }
            }
        }

        /// The refs `--ci` fetches and pushes: the checkpoint, the queue, the results branch.
        static func ciRefs(_ workspace: Workspace) -> [String] {
            var refs = [workspace.checkpointRef, workspace.queueRef, workspace.resultsRef]
            if refs[0] == refs[1] { refs.remove(at: 1) }
            return refs
        }

        /// Fetches autodev's refs, and in a shallow clone the history the run needs. A fetch
        /// that moved autodev's refs makes the local state file stale (it records the old
        /// results tip): it is set aside, and the run reads the queue back from the refs.
        private func prepare(_ remote: inout CIRemote, workspace: Workspace) throws {
            let shallow = workspace.repository.isShallow
            if try remote.fetch(shallow: shallow) {
                Self.setStateAside(workspace, why: "fetched")
            }
            if shallow {
                try remote.ensureHistory(checkpointRef: workspace.config[.checkpointRef], deepen: deepen)
            }
        }

        static func setStateAside(_ workspace: Workspace, why: String) {
            let store = workspace.store
            guard FileSystem.exists(store.statePath) else { return }
            try? FileSystem.move(store.statePath, store.statePath + ".\(why)-\(FileSystem.now())")
        }

        private func runOnce(_ workspace: Workspace, shared: SharedLedger? = nil) throws -> SyncReport {
            var options = SyncOptions()
            options.range = backfill ? .backfill(paths) : worktree ? .worktree : range.map { .explicit($0) } ?? .sinceCheckpoint
            options.dryRun = dryRun
            options.noWait = noWait
            options.hook = hook != nil
            options.testReports = try testReports.map { path throws(AutodevError) in try TestReport.load(path) }
            let line = ProgressLine.forStderr(environment: workspace.environment, ci: ci, hook: hook != nil)
            let sync = AutodevCore.Sync(workspace: workspace, faults: FaultsFromEnvironment(workspace.environment), stopRequested: { Signals.stopRequested }, progress: { line.report($0) })
            defer { line.finish() }
            sync.sharedLedger = shared
            return try sync.run(options)
        }
    }
}

enum SyncRenderer {
    static func render(_ report: SyncReport, branch: String) -> String {
        if report.deferredToRunningSync {
            return "another sync is running; it will pick these commits up before it ends\n"
        }
        var out = ""
        for pass in report.passes {
            let from = pass.from.map { String($0.prefix(12)) } ?? "(start)"
            let to = pass.to.map { String($0.prefix(12)) } ?? "(nothing)"
            out += (report.dryRun ? "plan " : "run ") + "\(pass.run): \(from)..\(to)\n"
            if !pass.items.isEmpty {
                let width = min(60, pass.items.map(\.subject.count).max() ?? 10)
                for item in pass.items {
                    out += "  " + pad(item.tier, 8) + " " + pad(item.action.rawValue, 20) + " " + pad(Terminal.safe(item.subject), width)
                    out += "  " + Terminal.safe(item.outcome)
                    if !item.files.isEmpty { out += " → " + Terminal.safe(item.files.joined(separator: ", ")) }
                    out += "\n"
                }
            }
            let decisions = pass.decisions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            let tiers = pass.tiers.sorted { $0.key < $1.key }.map { "\($0.value) by \($0.key)" }.joined(separator: ", ")
            out += "  \(pass.events) event\(pass.events == 1 ? "" : "s"); decisions: \(decisions.isEmpty ? "none" : decisions)\n"
            out += "  work items: \(pass.workItems); skips: \(StatusText.skips(pass.skips))\n"
            out += "  work done: \(tiers.isEmpty ? "none" : tiers); pending: \(pass.pending); awaiting an LLM: \(pass.awaitingLLM)\n"
            if let accounting = pass.accounting, accounting.workItems > 0 || accounting.callsMade > 0 { out += "  calls: \(accounting.summary)\n" }
            if let usage = pass.llm {
                out += "  llm: \(usage.calls) call\(usage.calls == 1 ? "" : "s") (\(usage.failedCalls) without a usable answer), \(usage.inputTokens) tokens in, \(usage.outputTokens) out, USD \(LLMUsage.dollars(usage.cost))\n"
            }
            if let commit = pass.resultsCommit {
                out += "  results: \(branch) at \(commit.prefix(12))\n"
            }
            for conflict in pass.conflicts { out += "  conflict: \(Terminal.safe(conflict))\n" }
            for note in pass.notes { out += "  note: \(Terminal.safe(note))\n" }
            if !report.dryRun { out += pass.checkpointMoved ? "  checkpoint: moved to \(to)\n" : "  checkpoint: unchanged\n" }
        }
        if report.dryRun { out += "dry run: nothing was written\n" }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
