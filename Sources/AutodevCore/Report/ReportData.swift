/// What `autodev report --html` shows: the metrics snapshot (the same figures as
/// `autodev metrics --json`) and the detail behind them — recent runs, pending work and why it
/// waits, failed validations with their last output, health. Embedded in the page as JSON.
public struct ReportData: Sendable, Codable, Equatable {
    public struct Run: Sendable, Codable, Equatable {
        public var id: String
        public var startedAt: Int64
        public var seconds: Int64
        public var status: String
        public var events: Int
        public var workItems: Int
        public var callsMade: Int
        public var callsAvoided: Int
        public var costUSD: Double
    }

    public struct Pending: Sendable, Codable, Equatable {
        public var work: String
        public var action: String
        /// Requirement (spec) or path: text from the repository, untrusted.
        public var subject: String
        public var reason: String
        /// Why it waits for a model, when it does (budget, breaker, rate limit, baseline).
        public var waits: String?
        public var firstSeen: Int64
    }

    public struct Failed: Sendable, Codable, Equatable {
        public var subject: String
        public var rounds: Int
        public var at: Int64
        public var output: String
    }

    public struct Health: Sendable, Codable, Equatable {
        public var mode: String
        public var why: String?
        public var recentCalls: Int
        public var freeDiskMB: Int64?
        /// The validation baseline's output when the project's own check fails.
        public var baselineOutput: String?
        public var warnings: [String]
    }

    public var generatedAt: Int64
    public var metrics: MetricsSnapshot
    /// The latest runs, oldest first (at most `maxRuns`).
    public var runs: [Run]
    public var pending: [Pending]
    public var awaitingLLM: [String]
    public var failedValidation: [Failed]
    public var health: Health

    public static let maxRuns = 200
    public static let maxPending = 500

    public init(metrics: MetricsSnapshot, state: SyncState, runs: [RunRecord], resilience: ResilienceReport,
                warnings: [String], now: Int64) {
        generatedAt = now
        self.metrics = metrics
        self.runs = runs.suffix(Self.maxRuns).map { run in
            Run(id: run.id, startedAt: run.startedAt, seconds: max(0, run.finishedAt - run.startedAt), status: run.status.rawValue, events: run.events,
                workItems: run.workItems ?? 0, callsMade: run.accounting?.callsMade ?? run.llm?.calls ?? 0,
                callsAvoided: run.accounting?.avoidedTotal ?? run.llmCallsAvoided ?? 0, costUSD: run.llm?.cost ?? 0)
        }
        let waits = state.llmWaits ?? [:]
        pending = state.pending.prefix(Self.maxPending).map { item in
            Pending(work: item.id, action: item.action.rawValue, subject: item.requirement.map { "\($0.key) \($0.title) (\($0.spec))" } ?? item.path,
                    reason: item.reason, waits: waits[item.id]?.reason, firstSeen: item.firstSeen)
        }
        awaitingLLM = state.awaitingLLM.keys.sorted().map { id in state.awaitingSubjects?[id].map { "\($0) (\(id))" } ?? id }
        failedValidation = (state.failedValidation ?? [:]).values.sorted { $0.subject < $1.subject }
            .map { Failed(subject: $0.subject, rounds: $0.rounds, at: $0.at, output: $0.output) }
        let health = resilience.health
        self.health = Health(mode: health.mode.rawValue, why: health.why, recentCalls: health.recentCalls,
                             freeDiskMB: health.freeDiskBytes.map { $0 / 1_048_576 },
                             baselineOutput: state.validationBaseline.flatMap { $0.passed ? nil : $0.output }, warnings: warnings + resilience.warnings)
    }
}
