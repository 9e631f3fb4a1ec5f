/// `[llm.budget]`: caps on what models may cost per run, per UTC day and per UTC month, in USD
/// at the providers' configured prices, and on tokens per day. A call is checked before it is
/// sent with what it may cost at most (its input estimate plus `max_output_tokens`), so a cap
/// is never passed by the call that reaches it; 0 means no cap.
public struct Budget: Sendable, Equatable {
    public var maxCostPerRun: Double
    public var maxCostPerDay: Double
    public var maxCostPerMonth: Double
    public var maxTokensPerDay: Int

    public init(maxCostPerRun: Double = 0, maxCostPerDay: Double = 0, maxCostPerMonth: Double = 0, maxTokensPerDay: Int = 0) {
        self.maxCostPerRun = maxCostPerRun
        self.maxCostPerDay = maxCostPerDay
        self.maxCostPerMonth = maxCostPerMonth
        self.maxTokensPerDay = maxTokensPerDay
    }

    public init(_ config: Config) {
        self.init(maxCostPerRun: config[.maxCostPerRun], maxCostPerDay: config[.maxCostPerDay],
                  maxCostPerMonth: config[.maxCostPerMonth], maxTokensPerDay: config[.maxTokensPerDay])
    }

    /// What has been spent, as the ledger sums it at a moment.
    public struct Spent: Sendable, Equatable {
        public var run = 0.0
        public var day = 0.0
        public var month = 0.0
        public var dayTokens = 0

        public init(run: Double = 0, day: Double = 0, month: Double = 0, dayTokens: Int = 0) {
            self.run = run
            self.day = day
            self.month = month
            self.dayTokens = dayTokens
        }
    }

    /// Why a call may not go now, and when it may (nil: the next run).
    public struct Refusal: Sendable, Equatable, Error {
        public var reason: String
        public var resumesAt: Int64?
    }

    /// nil when a call that may cost `cost` and use `tokens` fits every cap at `now`.
    public func refusal(spent: Spent, cost: Double, tokens: Int, now: Int64) -> Refusal? {
        // The longest wait first: a month cap reached says so even when the day's is too.
        if maxCostPerMonth > 0, spent.month + cost > maxCostPerMonth + 1e-9 {
            let at = UTCCalendar.startOfNextMonth(now)
            return Refusal(reason: "monthly budget of $\(Self.money(maxCostPerMonth)) reached; resumes \(UTCCalendar.format(at))", resumesAt: at)
        }
        if maxCostPerDay > 0, spent.day + cost > maxCostPerDay + 1e-9 {
            let at = UTCCalendar.startOfNextDay(now)
            return Refusal(reason: "daily budget of $\(Self.money(maxCostPerDay)) reached; resumes \(UTCCalendar.format(at))", resumesAt: at)
        }
        if maxTokensPerDay > 0, spent.dayTokens + tokens > maxTokensPerDay {
            let at = UTCCalendar.startOfNextDay(now)
            return Refusal(reason: "daily budget of \(maxTokensPerDay) tokens reached; resumes \(UTCCalendar.format(at))", resumesAt: at)
        }
        if maxCostPerRun > 0, spent.run + cost > maxCostPerRun + 1e-9 {
            return Refusal(reason: "run budget of $\(Self.money(maxCostPerRun)) reached; resumes next run", resumesAt: nil)
        }
        return nil
    }

    /// The smallest fraction of a money cap left, for the health reading (1 with no cap).
    public func fractionLeft(spent: Spent) -> Double {
        var left = 1.0
        if maxCostPerDay > 0 { left = min(left, max(0, 1 - spent.day / maxCostPerDay)) }
        if maxCostPerMonth > 0 { left = min(left, max(0, 1 - spent.month / maxCostPerMonth)) }
        if maxTokensPerDay > 0 { left = min(left, max(0, 1 - Double(spent.dayTokens) / Double(maxTokensPerDay))) }
        return left
    }

    /// `10.00`: dollars with cents, for messages.
    static func money(_ value: Double) -> String {
        let cents = Int((value * 100).rounded())
        let fraction = cents % 100
        return "\(cents / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
