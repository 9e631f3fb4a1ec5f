/// When to try a transient failure again: `backoff_base_seconds` × 2ⁿ, at most
/// `backoff_max_seconds`, less up to 25 % jitter so many clients do not retry in step (as
/// openai-python does); a server's `retry-after-ms` / `retry-after` is honoured as given, never
/// shortened and never capped — and a wait that would pass the run's deadline is not made.
struct Backoff: Sendable, Equatable {
    public var maxRetries: Int
    public var baseMilliseconds: Int64
    public var maxMilliseconds: Int64

    public init(maxRetries: Int, baseSeconds: Double, maxSeconds: Double) {
        self.maxRetries = maxRetries
        baseMilliseconds = Int64((baseSeconds * 1000).rounded())
        maxMilliseconds = Int64((maxSeconds * 1000).rounded())
    }

    public init(_ config: Config) {
        self.init(maxRetries: config[.maxRetries], baseSeconds: config[.backoffBaseSeconds],
                  maxSeconds: config[.backoffMaxSeconds])
    }

    /// The wait before retry number `retry` (1 for the first) after `error`, or nil when it is
    /// not retried: not transient, out of retries. `jitter` is in 0..<1.
    public func delay(retry: Int, after error: LLMError, jitter: Double) -> Int64? {
        guard error.kind == .transient, retry <= maxRetries else { return nil }
        if let server = error.retryAfterSeconds, server >= 0 {
            return Int64((server * 1000).rounded(.up))
        }
        let doubled = Double(baseMilliseconds) * Double(1 << Int64(min(retry - 1, 30)))
        let capped = min(Double(maxMilliseconds), doubled)
        return Int64((capped * (1 - 0.25 * min(max(jitter, 0), 0.999_999))).rounded())
    }
}
