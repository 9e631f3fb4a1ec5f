public import AutodevGit

/// What `status` shows of cost control and health: spending against the budget, each
/// provider's breaker and limiter, the health readings and the mode.
public struct ResilienceReport: Sendable, Encodable {
    public struct Spending: Sendable, Encodable {
        public var today: Double
        public var month: Double
        public var tokensToday: Int
        public var maxCostPerDay: Double
        public var maxCostPerMonth: Double
        public var maxCostPerRun: Double
        public var maxTokensPerDay: Int
        /// Calls whose run was killed before they were settled, charged at their upper bound.
        public var unconfirmedCalls: Int
        public var ledger: String
    }

    public struct Provider: Sendable, Encodable {
        public var name: String
        public var breaker: String
        public var consecutiveFailures: Int
        public var probeAfter: Int64?
        public var lastFailure: String?
        /// Calls in the last 60 s.
        public var callsLastMinute: Int
        public var quotaLeft: Double?
        /// The provider asked (Retry-After) not to be called before then; nil when it did not,
        /// or that time has passed.
        public var notBefore: Int64? = nil
    }

    public var spending: Spending
    public var providers: [Provider]
    var health: Health
    public var warnings: [String]

    public static func current(repository: Repository, config: Config, store: StateStore, now: Int64) -> ResilienceReport {
        let (state, warning) = ResilienceState.load(store)
        let ledger = SpendLedger(path: Workspace.ledgerPath(for: repository))
        let entries = ledger.entries()
        let spent = SpendLedger.spent(entries, now: now, run: nil)
        let budget = Budget(config)
        let reset = Int64(config[.circuitBreakerResetSeconds])
        let health = CallGuard.health(config: config, state: state, spent: spent, now: now,
                                      paths: [store.root, repository.workdir ?? repository.gitDirectory])
        var providers: [Provider] = []
        for name in Set(config.providers.map(\.name)).union(state.breakers.keys).sorted() {
            let breaker = state.breakers[name] ?? CircuitBreaker()
            let limiter = state.limiters[name]
            providers.append(Provider(name: name, breaker: breaker.state.rawValue, consecutiveFailures: breaker.consecutiveFailures,
                                      probeAfter: breaker.reopensAt(resetSeconds: reset), lastFailure: breaker.lastFailure,
                                      callsLastMinute: limiter?.charges.filter { $0.at > now * 1000 - RateLimiter.window }.count ?? 0,
                                      quotaLeft: limiter?.quotaLeft(now: now * 1000), notBefore: state.notBefore?[name].flatMap { $0 > now ? $0 : nil }))
        }
        return ResilienceReport(spending: Spending(today: spent.day, month: spent.month, tokensToday: spent.dayTokens, maxCostPerDay: budget.maxCostPerDay,
                                                   maxCostPerMonth: budget.maxCostPerMonth, maxCostPerRun: budget.maxCostPerRun,
                                                   maxTokensPerDay: budget.maxTokensPerDay,
                                                   unconfirmedCalls: entries.filter { !$0.settled && $0.at >= UTCCalendar.startOfMonth(now) }.count,
                                                   ledger: ledger.path),
                                providers: providers, health: health, warnings: warning.map { [$0] } ?? [])
    }

    /// The lines `status` prints.
    public func lines() -> [String] {
        func cap(_ value: Double) -> String { value > 0 ? " of $\(Budget.money(value))" : " (no cap)" }
        var out: [String] = []
        out.append("budget: $\(LLMUsage.dollars(spending.today)) today\(cap(spending.maxCostPerDay)), $\(LLMUsage.dollars(spending.month)) this month\(cap(spending.maxCostPerMonth)); \(spending.tokensToday) tokens today"
                   + (spending.maxTokensPerDay > 0 ? " of \(spending.maxTokensPerDay)" : "")
                   + (spending.unconfirmedCalls > 0 ? "; \(spending.unconfirmedCalls) call\(spending.unconfirmedCalls == 1 ? "" : "s") killed mid-call charged at their upper bound" : ""))
        for provider in providers {
            var line = "provider '\(provider.name)': breaker \(provider.breaker)"
            if provider.breaker != "closed" {
                line += " after \(provider.consecutiveFailures) failures" + (provider.probeAfter.map { ", probe after \(UTCCalendar.format($0))" } ?? "")
                if let failure = provider.lastFailure { line += " (\(failure))" }
            }
            line += "; \(provider.callsLastMinute) call\(provider.callsLastMinute == 1 ? "" : "s") in the last minute"
            if let quota = provider.quotaLeft { line += "; \(Int((quota * 100).rounded())) % of its token quota left" }
            if let until = provider.notBefore { line += "; asked not to be called before \(UTCCalendar.format(until)) (Retry-After)" }
            out.append(line)
        }
        var readings = "health: \(health.mode == .safe ? "SAFE MODE" : "normal")"
        if let why = health.why { readings += " (\(why))" }
        readings += "; error rate \(Int((health.errorRate * 100).rounded())) % over \(health.recentCalls) recent call\(health.recentCalls == 1 ? "" : "s")"
        if let free = health.freeDiskBytes { readings += "; \(free / 1_048_576) MB free" }
        if let memory = health.residentMemoryBytes { readings += "; \(memory / 1_048_576) MB memory" }
        readings += "; budget left \(Int((health.budgetLeft * 100).rounded())) %"
        out.append(readings)
        return out
    }
}
