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

        struct ProviderCheck: Encodable {
            var name: String
            var kind: String
            var model: String
            var endpoint: String
            var ok: Bool
            var milliseconds: Int64?
            var inputTokens: Int?
            var outputTokens: Int?
            var problem: String?
        }

        struct Report: Encodable {
            var configuration: String
            var providers: [ProviderCheck]
            var validation: AutodevCore.Sync.ValidationCheck?
            /// The check on the processed commit as the last sync found it (with the unmerged results).
            var baseline: ValidationBaseline?
            var sandbox: AutodevCore.Sync.SandboxCheck
            var problems: [String]
        }

        func run() throws {
            Signals.install()
            let session = try Session.open(global)
            let sync = AutodevCore.Sync(repository: session.repository, config: session.config, environment: Environment.variables(),
                                        providerFactory: makeHTTPProvider, stopRequested: { Signals.stopRequested })
            var report = Report(configuration: "valid", providers: [], validation: nil, sandbox: sync.checkSandbox(), problems: [])
            if let problem = report.sandbox.problem { report.problems.append(problem) }
            if session.config.providers.isEmpty {
                report.problems.append("no [[llm.providers]] configured: work that needs an LLM is written to .auto-dev/loop/pending/ for a person to send")
            }
            for config in session.config.providers {
                var check = ProviderCheck(name: config.name, kind: config.kind.rawValue, model: config.model,
                                          endpoint: config.kind == .command ? (config.command ?? "") : config.baseURL, ok: false)
                do {
                    let provider = try sync.makeProviders().first { $0.config.name == config.name }!
                    let answer = try provider.complete(LLMRequest(system: "You check that a connection works.", prompt: "Reply with the single word OK.",
                                                                  maxOutputTokens: 16, temperature: 0),
                                                       stopRequested: { Signals.stopRequested })
                    check.ok = true
                    check.milliseconds = answer.latencyMilliseconds
                    check.inputTokens = answer.inputTokens
                    check.outputTokens = answer.outputTokens
                } catch let error as LLMError {
                    check.problem = error.message
                } catch let error as AutodevError {
                    check.problem = error.message
                }
                if let problem = check.problem { report.problems.append(problem) }
                report.providers.append(check)
            }
            if !skipValidate {
                report.validation = try sync.checkValidation()
                if let validation = report.validation, !validation.passed {
                    report.problems.append(session.config[.validateReport].isEmpty
                        ? "the validation command `\(validation.command)` fails on HEAD as it is: no model call is made for work until it is green. Fix the project, or set [validate] report so answers are judged by the tests they break"
                        : "the validation command `\(validation.command)` fails on HEAD as it is: answers are judged against its failing tests (\(session.config[.validateReport])); fix them when you can")
                }
            }
            if let baseline = (try? sync.currentState())?.0.validationBaseline, !baseline.passed {
                report.baseline = baseline
                report.problems.append(baseline.waitReason)
            }
            if json {
                Output.write(try JSONOutput.encode(report) + "\n")
            } else {
                var out = "configuration: valid\n"
                for check in report.providers {
                    out += "provider '\(Terminal.safe(check.name))' (\(check.kind), \(Terminal.safe(check.endpoint))): "
                    if check.ok {
                        out += "ok, model '\(Terminal.safe(check.model))' answered in \(check.milliseconds ?? 0) ms"
                        if let input = check.inputTokens { out += " (\(input) tokens in, \(check.outputTokens ?? 0) out)" }
                        out += "\n"
                    } else {
                        out += "FAILED: \(Terminal.safe(check.problem ?? "?"))\n"
                    }
                }
                if session.config.providers.isEmpty { out += "providers: none configured (tier 5 stays offline)\n" }
                out += StatusText.sandbox(report.sandbox, detailed: true)
                if let validation = report.validation {
                    out += "validate: `\(Terminal.safe(validation.command))` "
                    out += validation.passed ? "passed on HEAD in \(validation.milliseconds) ms\n" : "FAILED on HEAD:\n"
                    if !validation.passed {
                        for line in validation.output.split(separator: "\n").prefix(12) { out += "  | \(Terminal.safe(String(line)))\n" }
                    }
                } else if !skipValidate {
                    out += "validate: no [validate] command; generated code is committed for review unchecked\n"
                }
                for line in report.baseline?.lines ?? [] { out += Terminal.safe(line) + "\n" }
                Output.write(out)
            }
            let failing = report.providers.contains { !$0.ok } || report.validation?.passed == false || report.baseline != nil || !report.sandbox.works
            if failing { throw ExitStatus(AutodevError.ExitStatus.failure.rawValue) }
        }
    }
}
