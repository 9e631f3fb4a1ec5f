internal import AutodevCore
internal import AutodevGit
internal import AutodevSupport

extension AutodevCommand {
    /// `autodev diff-events`: a dry-run preview of the events a range produces.
    struct DiffEvents {
        static let abstract = "Preview the events a range of commits (or the working tree) produces. Writes nothing."
        static let discussion = """
                RANGE is A..B (the change from A to B), A...B (from their merge base to B), or a single commit (that commit against its first parent). Without RANGE: from refs/autodev/checkpoint to HEAD, or everything at HEAD when there is no checkpoint (an adoption: with --explain every requirement is listed as skipped with rule adopted-baseline, and the reason says what --backfill would do with it). --backfill [PATH...] shows the work sync --backfill would queue.

                Changes are classified by the globs of [events] in config/autodev.toml (built-in defaults otherwise) into specificationChanged, testAdded, dependencyUpdated, configurationChanged and codeModified events, listed by priority. A category's globs mean what the same lines mean in a .gitignore: the last one that matches decides, and one starting with ! takes a path out again; --test-report adds a testFailed event per failed test of a JUnit XML report.

                --explain also reads the specs the range touched into requirements (Spec Kit, kitty-specs, Kiro, OpenSpec, BMAD, PRP, plain Markdown), compares them, and shows the decision the rule table makes for every event, with its reason: for a spec, one decision per added, changed, removed or renamed requirement. Tasks written as headings (#### T004: …, ### ✅ Tarea 4.4: …) are tasks and their checkboxes are their criteria; an unnumbered checkbox under a numbered task is a step of it, and the steps of a spike or of research are not code work; a product requirements document (docs/prd/, prd.md, *-prd.md) is context, its stories reaching code through story files; done marks (✅ ✔ ☑ [x]) and status words count wherever they sit; optional tasks (- [ ]*) are skipped as optional, and tasks that name no code and are testing by hand, documentation, review, release or planning (in English, Spanish, Chinese, German or French), or that run a command (also as the instrument of a short lead-in: Validate with `openspec validate --strict`) or check code that exists without asking for a change, or whose final verb checks (…を確認する, …를 검증한다, … abgleichen; under a tests or coverage heading such a check writes a test), or that only limit the change's scope (Avoid adding … in this change, …は追加しない, No añadir …), or that sit in a bookkeeping section (## Commit + propagate, ## 提交与推送), as not code work; a task naming no code under a heading whose target is a document (## 1. Update README.md) or that is a review step (## 6. Review) is that work, and so is one under a BMAD story's documentation or Quality Assurance sub-heading or its unboxed [TASK-…] documentation paragraph, or titled by a deliverable for people (… Readiness Assessment, Operator Training Manual) naming no code; so is a task whose whole title is bookkeeping (Commit and push the changes, 提交并推送更改, 変更をコミットしてプッシュする), a checkpoint under a modifier (Final Checkpoint - …, Punto de control final, 最终检查点), the test file or script of a manual-testing section or a manual test naming the test file it runs, and a step whose main clause after a condition skips or notes (If CI is not available, skip the job and note it in the README). In a BMAD story the boxes under Completion Criteria (Criterios de finalización, Abschlusskriterien, 完成条件) are conditions, not tasks, and the boxed points under Ensure these tests cover: (Tests should cover:, Test Coverage, 测试应覆盖：) are one test task. A task that extends another by its id (Extend T204 with --include) is done when the files that task cites hold what it names. A heading marked (Unchanged) (sin cambios, 不变, 変更なし) over a body reworded with the same paths and code spans is no work (requirement-marked-unchanged). A new test that imports none of the project's code and requests URL paths the code mostly routes (path('api/v1/', …)) tests code that exists (test-for-existing-code). A removed requirement whose files a requirement of the same spec, new or changed in the range, cites (a renumbered task, an open line rewritten as a ticked one) was rewritten there, not retired (requirement-rewritten). A task whose only file is a document it writes into (README.md に `think_mode` の一覧を追記する, List the `x` values in docs/cli.md) describes the names it gives: documentation. No LLM is used.
                """

        static let spec = CommandSpec(
            name: "diff-events",
            abstract: abstract,
            discussion: discussion,
            arguments: [.init(name: "range|path", help: "A..B, A...B or a single commit; with --backfill, the PATHs whose specs to read.", count: "*")],
            options: [
                .flag("backfill", "Read the specs at HEAD (under PATH..., if given) for work as if new, as sync --backfill would."),
                .flag("worktree", "Compare staged, unstaged and untracked changes with HEAD instead of a range."),
                .testReport,
                .flag("json", "Print one JSON object (sorted keys) instead of the table."),
                .flag("explain", "Also show the requirements touched and the decision for every event."),
            ])

        let global: GlobalOptions
        let range: String?
        let backfill: Bool
        let paths: [String]
        let worktree: Bool
        let testReports: [String]
        let json: Bool
        let explain: Bool

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            backfill = arguments.flag("backfill")
            paths = backfill ? arguments.positionals : []
            range = backfill ? nil : arguments.positional
            if !backfill, arguments.positionals.count > 1 {
                throw UsageError("Unexpected argument '\(arguments.positionals[1])'", spec: Self.spec)
            }
            worktree = arguments.flag("worktree")
            testReports = arguments.all("test-report")
            json = arguments.flag("json")
            explain = arguments.flag("explain")
            if worktree && range != nil {
                throw UsageError("give either a RANGE or --worktree, not both", spec: Self.spec)
            }
            if worktree && backfill { throw UsageError("give either --backfill or --worktree, not both", spec: Self.spec) }
        }

        /// Returns the workspace and report, for the process exit to reclaim.
        func run() throws -> Any? {
            let workspace = try Workspace.open(global)
            Trace.phase("configuration")
            var builder = try EventBuilder(repository: workspace.repository, config: workspace.config)
            // A preview reads the runs' index of spec contents but writes nothing.
            builder.keepSpecIndex(stateRoot: workspace.stateRoot, write: false)
            Trace.phase("classifier")
            let request: RangeRequest = backfill ? .backfill(paths) : worktree ? .worktree : range.map { .explicit($0) } ?? .sinceCheckpoint
            let reports = try testReports.map { path throws(AutodevError) in try TestReport.load(path) }
            // Files autodev generated make no events in a run; the preview ignores them too.
            let report = try builder.report(for: request, explain: explain, produced: workspace.producedBlobs(), testReports: reports)
            if json {
                var json = ReportJSON.bytes(report)
                json.append(0x0A)
                Output.write(bytes: json)
            } else {
                Output.write(DiffEventsRenderer.render(report))
                for note in report.notes { Output.diagnostic("note: \(Terminal.safe(note))") }
            }
            Trace.phase("output")
            return (workspace, report)
        }
    }
}
