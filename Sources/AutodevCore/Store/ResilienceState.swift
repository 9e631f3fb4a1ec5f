internal import FoundationEssentials

/// What protects providers between runs and may be lost: `.auto-dev/loop/resilience.json`,
/// each provider's limiter window and circuit breaker, and the recent calls the error rate is
/// read from. Lost or unreadable, it starts empty: the worst is one run that does not know a
/// breaker was open or how much of the minute's limit was used (the provider's own 429 and
/// headers then teach it again). Spending is not here: see `SpendLedger`.
struct ResilienceState: Sendable, Codable, Equatable {
    public static let schemaVersion = 1

    public var schemaVersion = ResilienceState.schemaVersion
    public var limiters: [String: RateLimiter] = [:]
    public var breakers: [String: CircuitBreaker] = [:]
    /// The last calls, newest last, at most 200.
    public var calls: [Health.Call] = []
    /// Providers that asked (Retry-After on a 429 or 503) not to be called before a time
    /// beyond the run's end: seconds since the epoch, by provider. Later runs wait too.
    public var notBefore: [String: Int64]? = nil

    public init() {}

    public static func path(_ store: StateStore) -> String { store.loop + "/resilience.json" }

    /// The saved state, or an empty one (and why) when the file is missing or unusable.
    public static func load(_ store: StateStore) -> (ResilienceState, warning: String?) {
        let path = path(store)
        guard let bytes = (try? FileSystem.readIfPresent(path)) ?? nil else { return (ResilienceState(), nil) }
        guard let state = try? JSONDecoder().decode(ResilienceState.self, from: Data(bytes)), state.schemaVersion == schemaVersion else {
            return (ResilienceState(), "\(path) is unreadable; rate limits and circuit breakers start afresh (it is rewritten by the next call)")
        }
        return (state, nil)
    }

    public func save(_ store: StateStore) throws(AutodevError) {
        try store.write(self, to: Self.path(store))
    }

    mutating func record(_ call: Health.Call) {
        calls.append(call)
        if calls.count > 200 { calls.removeFirst(calls.count - 200) }
    }
}
