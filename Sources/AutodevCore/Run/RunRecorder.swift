/// Stage 4 of a pass: what the pass did goes into the store — its decisions, its run record,
/// the totals in metrics.json, then the state. The queue and the checkpoint follow, in git
/// (`Sync+Queue.swift`).
struct RunRecorder {
    let store: StateStore

    /// Counts a pass reports, the same in its record, its summary and the totals.
    struct Counts {
        var events: Int
        var decisions: [String: Int]
        /// Decisions that needed code.
        var workItems: Int
        /// Decisions that needed no work, by the rule that skipped them.
        var skips: [String: Int]
        var tiers: [String: Int]
        /// Work that needed code answered by a cheaper tier — not a skip, a reload or a
        /// validation, which never needed an LLM.
        var llmCallsAvoided: Int
        /// Requests written out for a person or a later run to send.
        var offlineRequests: Int
        /// Events by kind.
        var eventKinds: [String: Int] = [:]
        /// Work by tier, then outcome (`Counts.outcome`): each piece of work once, as it ended.
        var work: [String: [String: Int]] = [:]
        /// Errors by code (see `Metrics.errors`).
        var errors: [String: Int] = [:]

        init(events: Int, decisions: [Decision], items: [SyncPass.Item], eventKinds: [String: Int] = [:], calls: [LLMCallRecord] = []) {
            self.events = events
            self.eventKinds = eventKinds
            var last: [String: SyncPass.Item] = [:]
            for item in items { last[item.work] = item }
            for item in last.values { work[item.tier, default: [:]][Self.outcome(of: item), default: 0] += 1 }
            for item in last.values where item.outcome.hasPrefix("failed") { errors["tier-failed", default: 0] += 1 }
            for call in calls where call.outcome == .failed || call.outcome == .malformed {
                errors[call.outcome == .failed ? "llm-failed" : "llm-malformed", default: 0] += 1
            }
            // Counted in one pass: grouping and filtering copied every decision (about 1 KB
            // each, the largest allocation of a first sync over 20,000 new tests).
            var byAction: [String: Int] = [:], skips: [String: Int] = [:], workItems = 0
            for decision in decisions {
                byAction[decision.action.rawValue, default: 0] += 1
                if decision.action.needsWork { workItems += 1 } else { skips[decision.rule, default: 0] += 1 }
            }
            self.decisions = byAction
            self.workItems = workItems
            self.skips = skips
            var tiers: [String: Int] = [:]
            for item in items where item.tier != "deferred" && !item.outcome.hasPrefix("failed") { tiers[item.tier, default: 0] += 1 }
            self.tiers = tiers
            // The same rule as `CallAccounting.avoided`: work that landed without a call.
            llmCallsAvoided = items.filter { CallAccounting.avoidingTier($0) != nil }.count
            offlineRequests = tiers[TierName.offline.rawValue] ?? 0
        }

        /// How a piece of work ended: `pending` (deferred), `failed`, `landed` (wrote files),
        /// `written-out` (an offline request) or `no-files` (settled without writing any).
        static func outcome(of item: SyncPass.Item) -> String {
            if item.tier == "deferred" { return "pending" }
            if item.outcome.hasPrefix("failed") { return "failed" }
            if !item.files.isEmpty { return "landed" }
            return item.tier == TierName.offline.rawValue ? "written-out" : "no-files"
        }
    }

    /// Counts a sync that an error stopped (by the error's code), outside any run's counts.
    func recordError(_ code: String) {
        var (metrics, _) = store.loadMetrics()
        metrics.errors = metrics.errors ?? [:]
        metrics.errors![code, default: 0] += 1
        try? store.save(metrics)
    }

    /// `decisions`: the log lines, made as they are written (see `FreshTail`).
    func persist<Records: Sequence<DecisionRecord>>(run record: RunRecord, decisions: Records, counts: Counts, state: SyncState,
                 latency: [String: LatencyHistogram] = [:]) throws(AutodevError) {
        try store.save(decisions: decisions, run: record.id)
        try store.save(record)
        var (metrics, _) = store.loadMetrics()
        // A run redone after a crash has the same id: count it once.
        var counted = metrics.countedRuns ?? []
        if !counted.contains(record.id) {
            counted.append(record.id)
            metrics.countedRuns = Array(counted.suffix(200))
            metrics.runs += 1
            metrics.events += counts.events
            for (action, count) in counts.decisions { metrics.decisions[action, default: 0] += count }
            for (tier, count) in counts.tiers { metrics.tiers[tier, default: 0] += count }
            metrics.workItems += counts.workItems
            for (rule, count) in counts.skips { metrics.skips[rule, default: 0] += count }
            metrics.llmCallsAvoided += counts.llmCallsAvoided
            metrics.llmRequests += counts.offlineRequests
            if let accounting = record.accounting {
                var total = metrics.accounting ?? CallAccounting()
                total.add(accounting)
                metrics.accounting = total
            }
            if let usage = record.llm {
                var total = metrics.llm ?? LLMUsage()
                total.add(usage)
                metrics.llm = total
            }
            for (kind, count) in counts.eventKinds { metrics.eventKinds = metrics.eventKinds ?? [:]; metrics.eventKinds![kind, default: 0] += count }
            for (tier, outcomes) in counts.work {
                metrics.work = metrics.work ?? [:]
                for (outcome, count) in outcomes { metrics.work![tier, default: [:]][outcome, default: 0] += count }
            }
            for (code, count) in counts.errors { metrics.errors = metrics.errors ?? [:]; metrics.errors![code, default: 0] += count }
            for (key, histogram) in latency {
                metrics.latency = metrics.latency ?? [:]
                metrics.latency![key, default: LatencyHistogram(bounds: histogram.bounds)].add(histogram)
            }
            try store.save(metrics)
        }
        try store.save(state)
    }
}
