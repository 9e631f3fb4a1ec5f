/// A provider's circuit breaker, kept between runs: closed while calls succeed; open after
/// `circuit_breaker_threshold` consecutive failures, when later runs skip the provider; after
/// `circuit_breaker_reset_seconds` one probe goes through (half open) — its success closes the
/// breaker, its failure opens it for another period. A probe whose run was killed counts as
/// failed once another period has passed. Times are wall-clock seconds.
struct CircuitBreaker: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case closed, open, halfOpen = "half-open" }

    public var state: State = .closed
    public var consecutiveFailures = 0
    /// When it last opened, or when the probe went.
    public var since: Int64 = 0
    public var lastFailure: String?

    public init() {}

    /// Whether a call may go at `now`; a call allowed on an open breaker is the probe.
    public mutating func allow(now: Int64, resetSeconds: Int64) -> Bool {
        switch state {
        case .closed:
            return true
        case .open, .halfOpen:
            guard now >= since + resetSeconds else { return false }
            state = .halfOpen
            since = now
            return true
        }
    }

    /// When an open breaker lets its probe through.
    public func reopensAt(resetSeconds: Int64) -> Int64? {
        state == .closed ? nil : since + resetSeconds
    }

    public mutating func succeeded() {
        state = .closed
        consecutiveFailures = 0
        lastFailure = nil
    }

    public mutating func failed(now: Int64, threshold: Int, message: String) {
        consecutiveFailures += 1
        lastFailure = message
        if state == .halfOpen || consecutiveFailures >= threshold {
            state = .open
            since = now
        }
    }
}
