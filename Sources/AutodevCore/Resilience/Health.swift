/// The run's health readings and what they mean: below the disk floor a run is refused; while
/// more than `health.max_error_rate` of the recent LLM calls failed, tier 5 waits (safe mode:
/// tiers 1–4 only); a provider with less than `health.min_quota_fraction` of its quota left
/// (budget or headers) hands its work to the next provider in the chain.
struct Health: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable { case normal, safe }

    /// One LLM call's outcome, for the error rate.
    public struct Call: Sendable, Codable, Equatable {
        public var at: Int64
        public var provider: String
        public var failed: Bool
    }

    /// Free bytes where `.auto-dev/` and the repository live (nil: not measured).
    public var freeDiskBytes: Int64?
    public var freeDiskPath: String?
    public var residentMemoryBytes: Int64?
    /// Failed calls over calls in the window.
    public var errorRate: Double
    public var recentCalls: Int
    /// The smallest fraction of a budget cap left (1: no cap).
    public var budgetLeft: Double
    /// Per provider, the fraction of its token limit the headers said was left.
    public var providerQuotaLeft: [String: Double]
    public var mode: Mode
    public var why: String?

    /// At least this many calls in the window before an error rate counts: one failure of the
    /// first call is not a trend.
    public static let minimumCalls = 10

    public init(freeDiskBytes: Int64?, freeDiskPath: String?, residentMemoryBytes: Int64?, calls: [Call], now: Int64, windowSeconds: Int64,
                maxErrorRate: Double, budgetLeft: Double, providerQuotaLeft: [String: Double]) {
        self.freeDiskBytes = freeDiskBytes
        self.freeDiskPath = freeDiskPath
        self.residentMemoryBytes = residentMemoryBytes
        let recent = calls.filter { $0.at > now - windowSeconds }
        recentCalls = recent.count
        errorRate = recent.isEmpty ? 0 : Double(recent.filter(\.failed).count) / Double(recent.count)
        self.budgetLeft = budgetLeft
        self.providerQuotaLeft = providerQuotaLeft
        if recent.count >= Self.minimumCalls, errorRate > maxErrorRate {
            mode = .safe
            let failed = recent.filter(\.failed)
            let lifts = (failed.map(\.at).min() ?? now) + windowSeconds
            why = "\(failed.count) of the last \(recent.count) LLM calls failed (over \(Int((maxErrorRate * 100).rounded())) %); LLM work waits until \(UTCCalendar.format(lifts)), tiers 1-4 go on"
        } else {
            mode = .normal
            why = nil
        }
    }

    /// A refusal to start when the disk is below `floorBytes`.
    public func diskProblem(floorBytes: Int64) -> String? {
        guard floorBytes > 0, let free = freeDiskBytes, free < floorBytes, let path = freeDiskPath else { return nil }
        return "only \(free / 1_048_576) MB free on the file system of \(path), below health.min_free_disk_mb = \(floorBytes / 1_048_576); nothing was done. Free some space, or lower health.min_free_disk_mb"
    }
}
