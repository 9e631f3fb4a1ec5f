/// `kind = "command"`: any command-line model runner. The request goes to its stdin (the system
/// part, a blank line, then the prompt), the answer comes from its stdout; stderr goes to the
/// run's log. A non-zero exit, a timeout or a kill is a failed call.
struct CommandProvider: LLMProvider {
    let config: ProviderConfig
    let environment: [String: String]
    let directory: String
    let runner: any CommandRunner
    /// Where its stderr goes.
    let errorLog: String?

    func complete(_ request: LLMRequest, stopRequested: @escaping @Sendable () -> StopReason?) throws(LLMError) -> LLMAnswer {
        let command = config.command ?? ""
        let variables = ["AUTODEV_MAX_OUTPUT_TOKENS": String(request.maxOutputTokens), "AUTODEV_TEMPERATURE": String(request.temperature)]
        let input = Array((request.system + "\n\n" + request.prompt).utf8)
        // The user's own model runner: it runs as the user, with the environment (its key).
        let result = runner.run(CommandSpec(command: command, directory: directory, sandbox: .host(environment: environment), variables: variables, input: input,
                                            timeoutSeconds: config.timeoutSeconds, maxOutputBytes: 8 << 20, errorLog: errorLog),
                                stopRequested: stopRequested)
        let name = "provider '\(config.name)' (\(config.source))"
        let log = errorLog.map { "; its stderr is in \($0)" } ?? ""
        // Once the command has the prompt it may have asked a paid model: every ending but
        // "could not be started" stays charged at the reservation (`requestSent`).
        switch result.ending {
        case .exited(0):
            return LLMAnswer(text: String(decoding: result.output, as: UTF8.self), finish: .complete, model: config.model.isEmpty ? nil : config.model,
                             latencyMilliseconds: result.milliseconds)
        case .exited(let code):
            throw LLMError(.transient, "\(name): the command '\(command)' exited with status \(code)\(log)", requestSent: true)
        case .signalled(let signal):
            throw LLMError(.transient, "\(name): the command '\(command)' was killed by signal \(signal)\(log)", requestSent: true)
        case .timedOut:
            throw LLMError(.transient, "\(name): the command '\(command)' did not answer within \(config.timeoutSeconds) s (timeout_seconds) and was killed", requestSent: true)
        case .tooMuchOutput:
            throw LLMError(.permanent, "\(name): the command '\(command)' wrote more than 8 MB; that is not an answer", requestSent: true)
        case .stopped:
            throw LLMError(.stopped, "\(name): stopped by a signal", requestSent: true)
        case .notStarted(let why):
            throw LLMError(.permanent, "\(name): the command '\(command)' could not be started: \(why)")
        }
    }
}
