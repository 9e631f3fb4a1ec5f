/// A place in a run where the crash-safety tests stop, kill or signal the process, to prove
/// that a crash anywhere loses nothing. The raw values are the step names the tests give in
/// `AUTODEV_TEST_KILL_AT`, `AUTODEV_TEST_SIGNAL_AT` and `AUTODEV_TEST_PAUSE_AT` (read by the
/// CLI only: `FaultsFromEnvironment` in AutodevCLI).
public enum FaultPoint: String, Sendable, CaseIterable {
    /// The run holds its locks.
    case locked
    /// The events are built and sorted (`DiffEventsBuilder`).
    case classified
    case decided
    /// The tiers resolved the work.
    case resolved
    /// The results branch's commit is written, the branch not yet moved.
    case resultsWritten = "results-written"
    /// The results branch moved.
    case resultsRef = "results-ref"
    /// state.json is written.
    case persisted
    /// The queue of unfinished work moved in git.
    case queueRef = "queue-ref"
    /// The checkpoint is about to move.
    case checkpoint
    /// The answer cache is about to commit a write.
    case cacheWrite = "cache-write"
    /// A call recorded in the spending ledger, not yet sent.
    case llmReserved = "llm-reserved"
    /// A call answered, not yet settled.
    case llmAnswered = "llm-answered"
    /// A hook's sync found the lock held.
    case hookBusy = "hook-busy"
    /// A run about to release the lock.
    case beforeRelease = "before-release"
    /// Inside the shared store's reservation transaction: the spending summed, the budget not
    /// yet checked.
    case storeReserving = "store-reserving"
}

/// What happens when a run reaches a `FaultPoint`: nothing, outside the tests. The core never
/// reads the environment for this; the CLI builds the injector and passes it to `Sync`.
public protocol FaultInjector: Sendable {
    func reached(_ point: FaultPoint)
}

/// The injector of every run that is not a crash test.
public struct NoFaults: FaultInjector {
    public init() {}
    public func reached(_ point: FaultPoint) {}
}
