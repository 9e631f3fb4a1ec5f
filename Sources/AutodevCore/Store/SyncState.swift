/// What a run leaves for the next one: `.auto-dev/loop/state.json`.
public struct SyncState: Sendable, Codable, Equatable {
    public static let schemaVersion = 1

    /// The seed's loop states, kept while a run works and shown by `status`.
    public enum LoopState: String, Sendable, Codable {
        case idle, processing, waitingForValidation, recoveringFromError, shutdown
    }

    public struct Loop: Sendable, Codable, Equatable {
        public var state: LoopState
        /// The piece of work in hand, for `processing`.
        public var task: String?
        public var pid: Int32?
        public var since: Int64
    }

    /// A file autodev generated that is not yet merged into the processed branch.
    public struct Generated: Sendable, Codable, Equatable {
        public var blob: String
        /// The blob at that path in the commit it was generated on (nil: the path was new, or not
        /// recorded — sync does not fill it in yet).
        public var base: String?
        public var run: String
        public var work: String
        /// What the work was about (see `OutputClaims.Owner`); nil in states from before it was kept.
        public var subject: String?
        public var label: String?
        public var origin: String?
    }

    public var schemaVersion = SyncState.schemaVersion
    public var loop = Loop(state: .idle, task: nil, pid: nil, since: 0)
    /// Work that did not fit in a run's limits, first in line next run. A cache of
    /// `refs/autodev/queue` (`WorkQueue`), which is the truth when it exists.
    public var pending: [WorkItem] = []
    /// Work written out for an LLM (`.auto-dev/loop/pending/ID.json`), by work id.
    public var awaitingLLM: [String: String] = [:]
    /// What each awaiting request is about (spec and requirement, or path and test), so newer
    /// work on the same subject replaces it.
    public var awaitingSubjects: [String: String]?
    /// The work behind each awaiting request, queued again if its file is gone; nil in states
    /// from before it was kept.
    public var awaitingWork: [String: WorkItem]?
    /// Blob ids autodev produced: when they come back through a merge they make no events.
    public var produced: [String] = []
    /// Generated files not yet merged, by path.
    public var generated: [String: Generated] = [:]
    /// The results branch tip autodev last wrote.
    public var resultsTip: String?
    /// The branch `resultsTip` is on (`refs/heads/autodev/results`); nil in states from before it
    /// was kept, read as the configured branch.
    public var resultsBranch: String?
    public var lastRun: String?
    /// Work whose generated code failed validation in every round, by work id: not tried again
    /// until its fingerprint (requirement, linked code, configuration) changes.
    public var failedValidation: [String: FailedValidation]?
    /// `[validate] command` on the processed commit with the unmerged results, by tree id: run
    /// once per tree, shown by `status` and `doctor` when red.
    public var validationBaseline: ValidationBaseline?
    /// Provider tokens per estimated token, per provider, learned from `usage`.
    public var tokenCalibration: [String: Double]?
    /// Why pending work waits for tier 5 (budget, breaker, rate limit, safe mode) and until
    /// when, by work id.
    public var llmWaits: [String: WorkWait]?
    /// Triage answers (`Triage`) by question, evidence and model: never asked twice.
    public var triage: [String: Bool]?

    public init() {}
}

/// What a run spent on models.
public struct LLMUsage: Sendable, Codable, Equatable {
    public var calls = 0
    /// Calls that gave no usable answer (failed, malformed, stopped).
    public var failedCalls = 0
    public var inputTokens = 0
    public var outputTokens = 0
    /// USD at the configured prices.
    public var cost = 0.0
    /// provider/model pairs that answered.
    public var models: [String] = []

    public init() {}

    init(_ calls: [LLMCallRecord]) {
        self.calls = calls.count
        failedCalls = calls.filter { $0.outcome != .answered }.count
        inputTokens = calls.map(\.inputTokens).reduce(0, +)
        outputTokens = calls.map(\.outputTokens).reduce(0, +)
        cost = calls.map(\.cost).reduce(0, +)
        models = Array(Set(calls.filter { $0.outcome == .answered }.map { "\($0.provider)/\($0.model)" })).sorted()
    }

    /// `0.0123` for 0.01234: four decimals, for summaries and trailers.
    public static func dollars(_ value: Double) -> String {
        let tenThousandths = Int((value * 10_000).rounded())
        let whole = tenThousandths / 10_000, fraction = tenThousandths % 10_000
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: 4 - digits.count) + digits
    }

    public mutating func add(_ other: LLMUsage) {
        calls += other.calls
        failedCalls += other.failedCalls
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cost += other.cost
        models = Array(Set(models + other.models)).sorted()
    }
}

/// One run's record: `.auto-dev/loop/history/RUN.json`. Version 2 added `workItems`, `skips`
/// and `llmCallsAvoided` (absent in older records); version 3 `accounting`.
public struct RunRecord: Sendable, Codable, Equatable {
    public var schemaVersion = 3
    public var id: String
    public var startedAt: Int64
    public var finishedAt: Int64
    public var from: String?
    public var to: String?
    public enum Status: String, Sendable, Codable, CustomStringConvertible {
        case completed
        /// Stopped by SIGINT or SIGTERM: finished work kept, the rest pending.
        case interrupted
        public var description: String { rawValue }
    }

    public var status: Status
    public var events: Int
    public var decisions: [String: Int]
    /// Decisions that needed work; nil in records from before version 2.
    public var workItems: Int?
    /// Decisions that needed no work, by rule; nil before version 2.
    public var skips: [String: Int]?
    public var tiers: [String: Int]
    /// Work that needed code, answered by patterns or templates; nil before version 2.
    public var llmCallsAvoided: Int?
    public var pending: Int
    public var awaitingLLM: Int
    public var resultsCommit: String?
    public var conflicts: [String]
    public var notes: [String]
    /// Calls to models and what they cost; nil when none were made.
    public var llm: LLMUsage?
    /// Calls needed, made and avoided; nil before version 3.
    public var accounting: CallAccounting? = nil
    /// How long the pass took up to saving this record, by the monotonic clock (`startedAt` and
    /// `finishedAt` are whole seconds); nil in records written before it was kept.
    public var durationMilliseconds: Int64? = nil
}

/// One line of `.auto-dev/loop/decisions/RUN.jsonl`: a decision and what answered it.
public struct DecisionRecord: Sendable, Codable, Equatable {
    public var run: String
    public var eventId: String
    public var work: String?
    public var action: DecisionAction
    public var rule: String
    public var reason: String
    public var requirement: String?
    public var spec: String?
    public var textHash: String?
    /// pattern, template, llm, offline; `deferred` when it stays pending; nil for a skip.
    public var tier: String?
    public var outcome: String
    public var files: [String]
    /// The model calls that served this work (a batch's call appears with each of its items).
    var calls: [LLMCallRecord]? = nil
}

/// Counters across runs: `.auto-dev/loop/metrics.json`.
///
/// Version 2 added `workItems` and `skips`, and counts `llmCallsAvoided` honestly; a version-1
/// file still loads (see `migratedFromVersion1`).
public struct Metrics: Sendable, Codable, Equatable {
    public static let schemaVersion = 2

    public var schemaVersion = Metrics.schemaVersion
    public var runs = 0
    public var events = 0
    /// Decisions by action, skips included.
    public var decisions: [String: Int] = [:]
    /// Decisions that needed work (every action but `skip`).
    public var workItems = 0
    /// Decisions that needed no work, by the rule that skipped them (`human-change`, …).
    public var skips: [String: Int] = [:]
    /// Pieces of work answered by each tier.
    public var tiers: [String: Int] = [:]
    /// Work that needed code and was answered without an LLM (patterns, templates, the cache and
    /// similar answers; batching is in `accounting`). Skips, reloads and validations are not
    /// counted: they never needed an LLM.
    public var llmCallsAvoided = 0
    /// Requests written out for an LLM.
    public var llmRequests = 0
    /// Calls made to models, tokens and cost, over all runs.
    public var llm: LLMUsage?
    /// The latest runs already counted, so a run redone after a crash is counted once.
    public var countedRuns: [String]?
    /// Calls needed, made and avoided over all runs since it was first kept.
    public var accounting: CallAccounting?
    /// Events by kind (`specificationChanged`, …); nil before it was kept (`events` has them all).
    public var eventKinds: [String: Int]?
    /// Pieces of work by tier, then by outcome (`landed`, `no-files`, `failed`, `pending`); nil
    /// before it was kept.
    public var work: [String: [String: Int]]?
    /// Errors by code: a sync stopped by an `AutodevError` (its code), model calls without a
    /// usable answer (`llm-failed`, `llm-malformed`), work whose tier failed (`tier-failed`).
    public var errors: [String: Int]?
    /// Latency histograms by series key (`RunTimings.Series.key`: `sync`, `tier:pattern`,
    /// `llm_call:PROVIDER`, `validation`); nil before they were kept.
    var latency: [String: LatencyHistogram]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case schemaVersion, runs, events, decisions, workItems, skips, tiers, llmCallsAvoided, llmRequests, countedRuns, llm, accounting,
             eventKinds, work, errors, latency
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        runs = try c.decode(Int.self, forKey: .runs)
        events = try c.decode(Int.self, forKey: .events)
        decisions = try c.decode([String: Int].self, forKey: .decisions)
        workItems = try c.decodeIfPresent(Int.self, forKey: .workItems) ?? 0
        skips = try c.decodeIfPresent([String: Int].self, forKey: .skips) ?? [:]
        tiers = try c.decode([String: Int].self, forKey: .tiers)
        llmCallsAvoided = try c.decode(Int.self, forKey: .llmCallsAvoided)
        llmRequests = try c.decode(Int.self, forKey: .llmRequests)
        countedRuns = try c.decodeIfPresent([String].self, forKey: .countedRuns)
        llm = try c.decodeIfPresent(LLMUsage.self, forKey: .llm)
        accounting = try c.decodeIfPresent(CallAccounting.self, forKey: .accounting)
        eventKinds = try c.decodeIfPresent([String: Int].self, forKey: .eventKinds)
        work = try c.decodeIfPresent([String: [String: Int]].self, forKey: .work)
        errors = try c.decodeIfPresent([String: Int].self, forKey: .errors)
        latency = try c.decodeIfPresent([String: LatencyHistogram].self, forKey: .latency)
        if schemaVersion == 1 { self = migratedFromVersion1() }
    }

    /// Version 1 counted every skip as an avoided LLM call. Its tier counts still tell what was
    /// answered: patterns and templates, less the reloads and validations that pattern settled
    /// (they never needed an LLM). Its skips were not kept by rule.
    func migratedFromVersion1() -> Metrics {
        var metrics = self
        metrics.schemaVersion = Metrics.schemaVersion
        metrics.workItems = decisions.filter { $0.key != "skip" }.values.reduce(0, +)
        let answered = (tiers["pattern"] ?? 0) + (tiers["template"] ?? 0)
        metrics.llmCallsAvoided = max(0, answered - (decisions["reload"] ?? 0) - (decisions["validate"] ?? 0))
        return metrics
    }
}
