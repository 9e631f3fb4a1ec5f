internal import AutodevCore
internal import AutodevLLM

extension AutodevCommand.Doctor {
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

    /// What `doctor` found: each check, and the problems to fix.
    struct Report: Encodable {
        var configuration: String
        var providers: [ProviderCheck]
        var validation: Workspace.ValidationCheck?
        /// The check on the processed commit as the last sync found it (with the unmerged results).
        var baseline: ValidationBaseline?
        var sandbox: Workspace.SandboxCheck
        var problems: [String]

        /// Whether something does not work (exit 1).
        var failing: Bool {
            providers.contains { !$0.ok } || validation?.passed == false || baseline != nil || !sandbox.works
        }
    }
}

extension AutodevCommand.Doctor.Report {
    /// Runs the checks: the sandbox, one tiny request to each provider, the validation command
    /// on HEAD (unless `skipValidate`), and reads the last sync's baseline.
    static func check(_ workspace: Workspace, skipValidate: Bool, stopRequested: @escaping @Sendable () -> StopReason?) throws -> Self {
        let config = workspace.config
        var report = Self(configuration: "valid", providers: [], validation: nil, sandbox: workspace.checkSandbox(), problems: [])
        if let problem = report.sandbox.problem { report.problems.append(problem) }
        if config.providers.isEmpty {
            report.problems.append("no [[llm.providers]] configured: work that needs an LLM is written to .auto-dev/loop/pending/ for a person to send")
        }
        for provider in config.providers {
            let check = try ping(provider, in: workspace, stopRequested: stopRequested)
            if let problem = check.problem { report.problems.append(problem) }
            report.providers.append(check)
        }
        if !skipValidate {
            report.validation = try workspace.checkValidation(stopRequested: stopRequested)
            if let validation = report.validation, !validation.passed {
                report.problems.append(config[.validateReport].isEmpty
                    ? "the validation command `\(validation.command)` fails on HEAD as it is: no model call is made for work until it is green. Fix the project, or set [validate] report so answers are judged by the tests they break"
                    : "the validation command `\(validation.command)` fails on HEAD as it is: answers are judged against its failing tests (\(config[.validateReport])); fix them when you can")
            }
        }
        if let baseline = (try? workspace.currentState())?.0.validationBaseline, !baseline.passed {
            report.baseline = baseline
            report.problems.append(baseline.waitReason)
        }
        return report
    }

    /// One request of a few tokens: reachable, model known, key accepted, latency.
    private static func ping(_ config: ProviderConfig, in workspace: Workspace, stopRequested: @escaping @Sendable () -> StopReason?) throws
        -> AutodevCommand.Doctor.ProviderCheck {
        var check = AutodevCommand.Doctor.ProviderCheck(name: config.name, kind: config.kind.rawValue, model: config.model,
                                                        endpoint: config.kind == .command ? (config.command ?? "") : config.baseURL, ok: false)
        do {
            let provider = try workspace.makeProviders().first { $0.config.name == config.name }!
            let answer = try provider.complete(LLMRequest(system: "You check that a connection works.", prompt: "Reply with the single word OK.",
                                                          maxOutputTokens: 16, temperature: 0),
                                               stopRequested: stopRequested)
            check.ok = true
            check.milliseconds = answer.latencyMilliseconds
            check.inputTokens = answer.inputTokens
            check.outputTokens = answer.outputTokens
        } catch let error as LLMError {
            check.problem = error.message
        } catch let error as AutodevError {
            check.problem = error.message
        }
        return check
    }

    /// The checks as `doctor` prints them.
    func text(skipValidate: Bool) -> String {
        var out = "configuration: valid\n"
        for check in providers {
            out += "provider '\(Terminal.safe(check.name))' (\(check.kind), \(Terminal.safe(check.endpoint))): "
            if check.ok {
                out += "ok, model '\(Terminal.safe(check.model))' answered in \(check.milliseconds ?? 0) ms"
                if let input = check.inputTokens { out += " (\(input) tokens in, \(check.outputTokens ?? 0) out)" }
                out += "\n"
            } else {
                out += "FAILED: \(Terminal.safe(check.problem ?? "?"))\n"
            }
        }
        if providers.isEmpty { out += "providers: none configured (tier 5 stays offline)\n" }
        out += StatusText.sandbox(sandbox, detailed: true)
        if let validation {
            out += "validate: `\(Terminal.safe(validation.command))` "
            out += validation.passed ? "passed on HEAD in \(validation.milliseconds) ms\n" : "FAILED on HEAD:\n"
            if !validation.passed {
                for line in validation.output.split(separator: "\n").prefix(12) { out += "  | \(Terminal.safe(String(line)))\n" }
            }
        } else if !skipValidate {
            out += "validate: no [validate] command; generated code is committed for review unchecked\n"
        }
        for line in baseline?.lines ?? [] { out += Terminal.safe(line) + "\n" }
        return out
    }
}
