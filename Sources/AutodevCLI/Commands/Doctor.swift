internal import AutodevCore
internal import AutodevLLM

extension AutodevCommand {
    /// `autodev doctor`: checks the configuration, each provider and the validation command,
    /// and says what to fix.
    struct Doctor {
        static let spec = CommandSpec(
            name: "doctor",
            abstract: "Check the configuration, each LLM provider (one tiny request) and the validation command.",
            discussion: """
                Each provider gets one request of a few tokens: reachable, model known, key accepted, \
                latency. The sandbox for model code (bubblewrap, [validate] sandbox) is started once to \
                see that it works here. The validation command runs once in a scratch copy of HEAD, in \
                that sandbox; the last sync's baseline (the check on the processed commit with the unmerged \
                results) is shown when it failed, with its output. Exit status 0 when \
                everything works, 1 when something does not (each problem says what to fix), 2 when the \
                configuration itself is invalid.
                """,
            options: [
                .flag("skip-validate", "Do not run the validation command."),
                .flag("json", "Print one JSON object."),
            ])

        let global: GlobalOptions
        let skipValidate: Bool
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) {
            global = GlobalOptions(directory: directory)
            skipValidate = arguments.flag("skip-validate")
            json = arguments.flag("json")
        }

        func run() throws {
            Signals.install()
            let workspace = try Workspace.open(global)
            let report = try Report.check(workspace, skipValidate: skipValidate, stopRequested: { Signals.stopRequested })
            Output.write(json ? try JSONOutput.encode(report) + "\n" : report.text(skipValidate: skipValidate))
            if report.failing { throw ExitStatus(.failure) }
        }
    }
}
