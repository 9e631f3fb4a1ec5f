#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore
internal import AutodevGit
internal import AutodevLLM

extension AutodevCommand {
    /// `autodev test --event KIND`: one made-up event through the real pipeline.
    struct TestEvent {
        static let kinds = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
        static let abstract = "Send a synthetic event of one kind through the real pipeline; a dry run unless --apply."
        static let discussion = """
                KIND is one of \(kinds) (or its config name, e.g. specification_changed). The event is made as a person's change would be: a commit on top of HEAD that adds the file (or, when it exists, adds a line to it; --path names it, default a path the built-in globs classify as KIND), and for testFailed a JUnit report with one failing test in that file. No ref points at that commit (git gc removes it); HEAD, the index and the work tree are not touched. The range HEAD..that commit then goes through classification, decisions and the tiers as sync would go through it, with the queue and state of this repository.

                Without --apply this is a dry run: no ref moves, nothing under .auto-dev/ is written, no model is called; it prints the event, the decisions and the tier each piece of work would go to. With --apply the run is real (the lock, the results branch, history, decision log, state; a model may be called): the work lands on the results branch on top of the synthetic commit, and the checkpoint does not move. A --path that the [events] globs classify as another kind (or ignore) is a usage error (exit \(AutodevError.Code.invalidArgument.exitStatus.rawValue)) naming the kind it gets.
                """

        static let spec = CommandSpec(
            name: "test",
            abstract: abstract,
            discussion: discussion,
            options: [
                .value("event", "kind", "The kind of event: \(kinds)."),
                .value("path", "path", "The file the synthetic change touches (default: one the built-in globs classify as KIND)."),
                .flag("json", "Print one JSON object: kind, path, commit, the events, and the run's report."),
                .flag("apply", "Really run: results branch, history and state are written (the checkpoint stays)."),
            ])

        let global: GlobalOptions
        let kind: EventKind
        let path: String?
        let json: Bool
        let apply: Bool

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            guard let name = arguments.value("event") else {
                throw UsageError("--event KIND is required (one of \(Self.kinds))", spec: Self.spec)
            }
            guard let kind = SyntheticEvent.kind(named: name) else {
                throw UsageError("--event '\(name)' is not an event kind; use one of \(Self.kinds)", spec: Self.spec)
            }
            self.kind = kind
            path = arguments.value("path")
            json = arguments.flag("json")
            apply = arguments.flag("apply")
            if let path {
                let parts = path.split(separator: "/", omittingEmptySubsequences: false)
                if path.isEmpty || path.hasPrefix("/") || parts.contains("..") || parts.contains(".") || parts.contains("")
                    || parts.first.map({ $0.lowercased() == ".git" || $0.lowercased() == ".auto-dev" }) == true {
                    throw UsageError("--path '\(path)' must be a relative path inside the repository (no '..', '.', '//', .git or .auto-dev)", spec: Self.spec)
                }
            }
        }

        struct Shown: Encodable {
            var kind: EventKind
            var path: String
            /// The synthetic commit (on no ref).
            var commit: String
            var applied: Bool
            /// The events the synthetic change made (the one asked for, and any the config adds).
            var events: [Event]
            var report: SyncReport
        }

        func run() throws {
            Signals.install()
            setenv("AUTODEV_RUNNING", "1", 1)
            let workspace = try Workspace.open(global)
            let repository = workspace.repository
            let event = SyntheticEvent(kind: kind, path: path)
            if kind != .testFailed {
                let classifier = try Classifier(config: workspace.config)
                let rule = classifier.classify(event.path)
                let got = rule.flatMap { $0.category == .ignore ? nil : $0.category.eventKind }
                guard got == kind else {
                    let how = rule.map { $0.category == .ignore ? "is ignored (\($0.label))" : "makes a \(got!.rawValue) event (\($0.label))" }
                        ?? "matches no [events] glob"
                    throw UsageError("--path '\(event.path)' \(how), not \(kind.rawValue); choose a path the [events] globs classify as \(kind.rawValue) (autodev config --effective shows them)",
                                     spec: Self.spec)
                }
            }
            let head: ObjectID
            do {
                head = try repository.resolveCommit("HEAD")
            } catch {
                throw AutodevError(.unknownRevision, "HEAD names no commit yet; commit something first, then run autodev test --event again")
            }
            let commit = try event.commit(in: repository, head: head, time: SystemClock().now())
            var options = SyncOptions()
            options.range = .explicit("\(head.hex)..\(commit.hex)")
            options.dryRun = !apply
            options.testReports = try event.testReport().map { [$0] } ?? []

            // The events of the synthetic range, as the run reads them (read only).
            let produced = workspace.producedBlobs()
            let preview = try EventBuilder(repository: repository, config: workspace.config)
                .report(for: options.range, produced: produced, testReports: options.testReports)
            guard preview.events.contains(where: { $0.kind == kind }) else {
                let ignored = preview.changes.first { $0.path == event.path }?.ignoredBy
                throw AutodevError(.invalidArgument, "the synthetic change to \(event.path) made no \(kind.rawValue) event\(ignored.map { " (ignored by \($0))" } ?? ""); choose another --path")
            }

            let line = ProgressLine.forStderr(environment: workspace.environment, ci: false, hook: false)
            let sync = AutodevCore.Sync(workspace: workspace, faults: FaultsFromEnvironment(workspace.environment), stopRequested: { Signals.stopRequested }, progress: { line.report($0) })
            let report: SyncReport
            do {
                defer { line.finish() }
                report = try sync.run(options)
            }
            for warning in report.warnings { Output.diagnostic("warning: \(warning)") }
            if json {
                Output.write(try JSONOutput.encode(Shown(kind: kind, path: event.path, commit: commit.hex, applied: apply,
                                                         events: preview.events, report: report)) + "\n")
            } else {
                var out = "synthetic \(kind.rawValue) event: \(Terminal.safe(event.path)) (commit \(commit.hex.prefix(12)) on top of HEAD, on no ref)\n"
                for shown in preview.events {
                    out += "  event \(shown.id.prefix(12)) \(shown.kind.rawValue) \(Terminal.safe(shown.path)): \(Terminal.safe(shown.detail))\n"
                }
                out += SyncRenderer.render(report, branch: workspace.config[.resultsBranch])
                if apply { out += "applied: the checkpoint stays where it was\n" }
                Output.write(out)
            }
            let failures = report.passes.flatMap(\.failures)
            for failure in failures { Output.diagnostic("autodev: error: \(Terminal.safe(failure))") }
            if let reason = report.interruptedBy {
                throw AutodevError(stoppedBy: reason, report.stopped ?? "stopped by signal \(reason.signal)")
            }
            if !failures.isEmpty { throw ExitStatus(.failure) }
        }
    }
}
