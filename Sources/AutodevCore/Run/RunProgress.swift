/// Where a run is, for a person watching it: the stage, how much of it is done, the tier at
/// work, and the calls and money spent so far.
///
/// The core only reports it (through `Sync`'s `progress` closure); the CLI decides whether and
/// how to draw it (one updating line on a terminal, plain lines in CI and hooks, nothing at all
/// for short runs). So AutodevCore writes to no terminal, and a test can collect the reports.
public struct RunProgress: Sendable, Equatable {
    public enum Stage: String, Sendable, Equatable {
        /// Another sync holds the lock; `note` says which.
        case waiting
        /// Reading the range: the diff, classification, specs.
        case events
        /// Rules and queue: `total` is the number of events.
        case deciding
        /// Tiers 1–4 (and offline tier 5): `done` of `total` pieces of work.
        case tiers
        /// Tier 5 with providers: `done` of `total` changes asked.
        case model
        /// Building and publishing the results commits.
        case results
        /// History, decisions, state, queue and checkpoint.
        case saving
    }

    public var stage: Stage
    public var done: Int
    public var total: Int
    /// The tier that answered the last piece of work (pattern, template, cache, similar, llm).
    public var tier: String?
    /// Requests sent to a model so far in this pass (every attempt, as the ledger counts).
    public var calls: Int
    /// What those calls cost, in US dollars.
    public var cost: Double
    /// A sentence for stages that are a wait, not work.
    public var note: String?

    public init(stage: Stage, done: Int = 0, total: Int = 0, tier: String? = nil, calls: Int = 0, cost: Double = 0, note: String? = nil) {
        self.stage = stage
        self.done = done
        self.total = total
        self.tier = tier
        self.calls = calls
        self.cost = cost
        self.note = note
    }
}
