/// How `sync` was asked to run.
public struct SyncOptions: Sendable {
    public var range: RangeRequest = .sinceCheckpoint
    /// The full plan, nothing written: no lock, no state, no refs, no files.
    public var dryRun = false
    /// Exit with status 75 instead of waiting when another sync holds the lock.
    public var noWait = false
    /// Called by a git hook: a held lock means "rerun wanted", not a wait.
    public var hook = false
    /// JUnit reports whose failed tests become testFailed events (work: fixFailingTest).
    public var testReports: [TestReport] = []

    public init() {}
}

/// What one pass of the run did (or, in a dry run, would do).
public struct SyncPass: Sendable, Encodable {
    public struct Item: Sendable, Encodable {
        public var work: String
        public var action: DecisionAction
        public var subject: String
        /// pattern, template or offline; `deferred` when it did not fit in the run's limits.
        public var tier: String
        public var outcome: String
        public var files: [String]
        /// The scaffold the work started from (template output shown to the model, never an
        /// answer), by path; nil when none.
        public var scaffold: [String]? = nil
    }

    public var run: String
    public var from: String?
    public var to: String?
    public var events: Int
    public var decisions: [String: Int]
    /// Decisions that needed work (every action but `skip`).
    public var workItems: Int
    /// Decisions that needed no work, by the rule that skipped them.
    public var skips: [String: Int]
    public var tiers: [String: Int]
    public var items: [Item]
    /// Work that needed code and was answered without an LLM (patterns, templates).
    public var llmCallsAvoided: Int
    public var pending: Int
    public var awaitingLLM: Int
    public var resultsCommit: String?
    public var conflicts: [String]
    public var notes: [String]
    public var checkpointMoved: Bool
    /// Work whose tier failed (a generator command that failed or hung): it stays pending, and
    /// the command exits 1 after saving everything else.
    public var failures: [String]
    /// Settings that keep work from being checked, found by this pass (a `[validate] command`
    /// whose program is not installed): the command exits 2 when there is no failure.
    public var configurationProblems: [String] = []
    /// A first run: what was adopted as the baseline (the onboarding summary).
    var adoption: AdoptionSummary? = nil
    /// Calls to models in this pass: tokens and cost; nil when none were made.
    public var llm: LLMUsage? = nil
    /// Calls needed, made and avoided (`CallAccounting`).
    public var accounting: CallAccounting? = nil
}

/// The outcome of `sync`: one pass per range processed (a hook's rerun request adds one).
public struct SyncReport: Sendable, Encodable {
    public var dryRun: Bool
    /// Set when a hook found another sync running and left it a rerun request.
    public var deferredToRunningSync: Bool
    public var passes: [SyncPass]
    public var warnings: [String]
    /// Set when SIGINT or SIGTERM stopped the run: finished work was kept, the rest is pending.
    public var interruptedBy: StopReason?
    /// Set when the stop came in the middle of a pass, which then kept nothing (`passes` holds
    /// only those that finished): what was stopped, e.g. "stopped by signal 15 while deciding …".
    public var stopped: String? = nil
}
