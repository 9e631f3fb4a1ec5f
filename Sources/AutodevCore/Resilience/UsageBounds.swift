/// What a call is charged, from what the provider's `usage` says, kept within what is possible:
/// a provider's numbers are not trusted further than that. A hostile server answered with
/// `prompt_tokens: -40000000`; charged as said, it was a −$40 credit that let 11 calls through
/// a $0.05 daily budget. So:
///
/// - a number below 0 cannot be true and is not believed: the estimate stands in for it, as
///   for a server that sends no usage — so such a call still costs what it plausibly cost and
///   the budget still stops calls (0 would let every call through as free);
/// - input tokens at most what was sent, generously: the larger of 4 × the estimate of the
///   prompt and the model's context window (`context_tokens`) — an estimator off by 4× still
///   charges the provider's own count;
/// - output tokens at most the request's `max_output_tokens`, which the provider may not pass;
/// - missing numbers are the estimate of the prompt and of the answer's text, as before.
public struct UsageBounds: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int

    /// The tokens a call is charged for.
    public init(reportedInput: Int?, reportedOutput: Int?, estimatedInput: Int, answerText: String, maxOutputTokens: Int,
                contextTokens: Int) {
        let inputCap = max(Self.saturating(estimatedInput, times: 4), contextTokens, 0)
        let outputCap = max(maxOutputTokens, 0)
        let input = reportedInput.flatMap { $0 >= 0 ? $0 : nil } ?? estimatedInput
        let output = reportedOutput.flatMap { $0 >= 0 ? $0 : nil } ?? TokenEstimator().tokens(answerText, kind: .code)
        inputTokens = min(max(input, 0), inputCap)
        outputTokens = min(max(output, 0), outputCap)
    }

    /// Usage within bounds for `answer` to `request`.
    init(_ answer: LLMAnswer, request: LLMRequest, estimatedInput: Int, provider: ProviderConfig) {
        self.init(reportedInput: answer.inputTokens, reportedOutput: answer.outputTokens, estimatedInput: estimatedInput,
                  answerText: answer.text, maxOutputTokens: request.maxOutputTokens, contextTokens: provider.contextTokens)
    }

    private static func saturating(_ value: Int, times factor: Int) -> Int {
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? Int.max : product
    }
}
