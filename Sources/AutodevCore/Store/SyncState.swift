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
        /// The blob at that path in the commit it was generated on (nil: the path was new).
        public var base: String?
        public var run: String
        public var work: String
    }

    public var schemaVersion = SyncState.schemaVersion
    public var loop = Loop(state: .idle, task: nil, pid: nil, since: 0)
    /// Work that did not fit in a run's limits, first in line next run.
    public var pending: [WorkItem] = []
    /// Work written out for an LLM (`.auto-dev/loop/pending/ID.json`), by work id.
    public var awaitingLLM: [String: String] = [:]
    /// What each awaiting request is about (spec and requirement, or path and test), so newer
    /// work on the same subject replaces it.
    public var awaitingSubjects: [String: String]?
    /// Blob ids autodev produced: when they come back through a merge they make no events.
    public var produced: [String] = []
    /// Generated files not yet merged, by path.
    public var generated: [String: Generated] = [:]
    /// The results branch tip autodev last wrote.
    public var resultsTip: String?
    public var lastRun: String?

    public init() {}
}

/// One run's record: `.auto-dev/loop/history/RUN.json`.
public struct RunRecord: Sendable, Codable, Equatable {
    public var schemaVersion = 1
    public var id: String
    public var startedAt: Int64
    public var finishedAt: Int64
    public var from: String?
    public var to: String?
    public var status: String
    public var events: Int
    public var decisions: [String: Int]
    public var tiers: [String: Int]
    public var pending: Int
    public var awaitingLLM: Int
    public var resultsCommit: String?
    public var conflicts: [String]
    public var notes: [String]
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
    /// pattern, template, offline; `deferred` when it stays pending; nil for a skip.
    public var tier: String?
    public var outcome: String
    public var files: [String]
}

/// Counters across runs: `.auto-dev/loop/metrics.json`.
public struct Metrics: Sendable, Codable, Equatable {
    public var schemaVersion = 1
    public var runs = 0
    public var events = 0
    public var decisions: [String: Int] = [:]
    public var tiers: [String: Int] = [:]
    /// Work answered without an LLM (skips, patterns, templates).
    public var llmCallsAvoided = 0
    /// Requests written out for an LLM.
    public var llmRequests = 0
    /// The latest runs already counted, so a run redone after a crash is counted once.
    public var countedRuns: [String]?
}
