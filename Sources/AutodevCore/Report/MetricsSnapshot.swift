/// The figures `autodev metrics` shows (and `report --html` draws): the counters kept across
/// runs in metrics.json, gauges read from the state, the spending ledger and the health
/// readings, and the latency histograms. One value, so `--json`, the Prometheus text and the
/// HTML page cannot disagree; its counters are the same numbers `status` prints (they are read
/// from the same metrics.json, and `history`'s records were counted into it).
public struct MetricsSnapshot: Sendable, Codable, Equatable {
    public struct Calls: Sendable, Codable, Equatable {
        /// Every request that left the machine (retries included): `CallAccounting.callsMade`.
        public var made: Int
        /// Calls that gave no usable answer.
        public var failed: Int
        /// One call per work item: what a runner with no tiers would have made.
        public var naive: Int
        /// Calls not made, by reason (pattern, template, cache, similar, batching).
        public var avoided: [String: Int]
        public var avoidedTotal: Int
        /// Work a model answered whose answer did not land.
        public var discarded: Int
        /// Reused answers (tiers 3–4) that failed validation, by tier.
        public var falseReuses: [String: Int]
        /// Requests written out for a person or a later run (no call).
        public var writtenOut: Int
    }

    public struct Tokens: Sendable, Codable, Equatable {
        public var input: Int
        public var output: Int
        /// What reused answers cost in tokens when they were asked for.
        public var saved: Int
    }

    public struct Counters: Sendable, Codable, Equatable {
        public var runs: Int
        public var events: Int
        public var eventsByKind: [String: Int]
        /// Decisions by action, skips included.
        public var decisions: [String: Int]
        /// Skips by the rule that made them.
        public var skips: [String: Int]
        public var workItems: Int
        /// Work answered, by tier (what `status` and `history` count).
        public var tiers: [String: Int]
        /// Work by tier, then outcome (landed, no-files, written-out, failed, pending).
        public var work: [String: [String: Int]]
        public var calls: Calls
        public var tokens: Tokens
        public var costUSD: Double
        public var costSavedUSD: Double
        public var errors: [String: Int]
    }

    public struct Gauges: Sendable, Codable, Equatable {
        /// Work waiting for a later run.
        public var pending: Int
        /// Requests written out, waiting for an answer.
        public var awaitingLLM: Int
        /// Work parked after failing validation in every round.
        public var failedValidation: Int
        /// Share of the tightest budget cap left (1 with no cap): `status`'s "budget left".
        public var budgetLeftRatio: Double
        public var costTodayUSD: Double
        public var costMonthUSD: Double
        /// 0: no cap.
        public var maxCostPerDayUSD: Double
        public var maxCostPerMonthUSD: Double
        /// 1 in safe mode (no model calls), else 0.
        public var safeMode: Int
        /// Share of recent calls that failed.
        public var errorRate: Double
        /// 1 when the project's own check fails on the processed commit, else 0.
        public var validationBaselineRed: Int
        /// When the last run started (seconds since the epoch); 0: no run yet.
        public var lastRunTimestampSeconds: Int64
    }

    public struct Latency: Sendable, Codable, Equatable {
        public struct Bucket: Sendable, Codable, Equatable {
            /// Upper bound in seconds; nil for +Inf.
            public var le: Double?
            /// Observations at or below `le` (cumulative).
            public var count: Int
        }

        public var name: String
        public var labelName: String?
        public var label: String?
        public var buckets: [Bucket]
        public var count: Int
        public var sumSeconds: Double
        /// Estimated from the buckets as `histogram_quantile` does; nil with no observations.
        public var p50Seconds: Double?
        public var p90Seconds: Double?
        public var p99Seconds: Double?

        init(key: String, histogram: LatencyHistogram) {
            let series = RunTimings.Series(key: key)
            name = series.name
            label = series.label
            labelName = series.label == nil ? nil : series.labelName
            buckets = histogram.cumulative.map { Bucket(le: $0.le.map { Double($0) / 1000 }, count: $0.count) }
            count = histogram.count
            sumSeconds = Double(histogram.sumMilliseconds) / 1000
            p50Seconds = histogram.quantile(0.5).map { $0 / 1000 }
            p90Seconds = histogram.quantile(0.9).map { $0 / 1000 }
            p99Seconds = histogram.quantile(0.99).map { $0 / 1000 }
        }
    }

    public var counters: Counters
    public var gauges: Gauges
    /// By series key (`sync`, `tier:pattern`, `llm_call:PROVIDER`, `validation`).
    public var latency: [String: Latency]
    /// Model cost per UTC day (`2026-12-07`), from the run records.
    public var costByDay: [String: Double]

    /// The figures from what the state holds: `metrics` (metrics.json), `state` (with the queue
    /// from git applied, as `status` reads it), the run records and `status`'s resilience report.
    public init(metrics: Metrics, state: SyncState, runs: [RunRecord], resilience: ResilienceReport) {
        let accounting = metrics.accounting ?? CallAccounting()
        let llm = metrics.llm ?? LLMUsage()
        let calls = Calls(made: metrics.accounting?.callsMade ?? llm.calls, failed: llm.failedCalls, naive: accounting.naiveCalls,
                          avoided: accounting.avoided, avoidedTotal: accounting.avoidedTotal, discarded: accounting.discarded,
                          falseReuses: accounting.falseReuses, writtenOut: metrics.llmRequests)
        counters = Counters(runs: metrics.runs, events: metrics.events, eventsByKind: metrics.eventKinds ?? [:], decisions: metrics.decisions,
                            skips: metrics.skips, workItems: metrics.workItems, tiers: metrics.tiers, work: metrics.work ?? [:], calls: calls,
                            tokens: Tokens(input: llm.inputTokens, output: llm.outputTokens, saved: accounting.tokensSaved),
                            costUSD: llm.cost, costSavedUSD: accounting.costSaved, errors: metrics.errors ?? [:])
        let spending = resilience.spending
        gauges = Gauges(pending: state.pending.count, awaitingLLM: state.awaitingLLM.count, failedValidation: state.failedValidation?.count ?? 0,
                        budgetLeftRatio: resilience.health.budgetLeft, costTodayUSD: spending.today, costMonthUSD: spending.month,
                        maxCostPerDayUSD: spending.maxCostPerDay, maxCostPerMonthUSD: spending.maxCostPerMonth,
                        safeMode: resilience.health.mode == .safe ? 1 : 0, errorRate: resilience.health.errorRate,
                        validationBaselineRed: state.validationBaseline.map { $0.passed ? 0 : 1 } ?? 0,
                        lastRunTimestampSeconds: runs.map(\.startedAt).max() ?? 0)
        latency = [:]
        for (key, histogram) in metrics.latency ?? [:] { latency[key] = Latency(key: key, histogram: histogram) }
        var byDay: [String: Double] = [:]
        for run in runs {
            guard let cost = run.llm?.cost else { continue }
            byDay[Self.day(run.startedAt), default: 0] += cost
        }
        costByDay = byDay
    }

    /// `2026-12-07` for a time in seconds.
    public static func day(_ seconds: Int64) -> String {
        String(UTCCalendar.format(seconds).prefix(10))
    }
}
