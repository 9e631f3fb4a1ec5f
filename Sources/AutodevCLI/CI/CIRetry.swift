/// `sync --ci`'s fetch / run / push loop as a state machine: a runner that lost the race to
/// push (another runner moved autodev's refs on the remote since the fetch) pushes nothing,
/// fetches the winner's refs and runs again on them, which redoes nothing the winner did; after
/// `maxAttempts` lost races it gives up (exit 75). The transitions are pure — no git, no run —
/// so each path is tested by feeding events (`CIRetryTests`); `Sync.runCI` is the driver.
/// The shape of swift-nio's and async-http-client's state machines.
struct CIRetry: Equatable {
    enum State: Equatable {
        case initial
        case fetching(attempt: Int)
        case running(attempt: Int)
        case pushing(attempt: Int)
        case finished
    }

    enum Action: Equatable {
        /// Fetch autodev's refs (`afterLostRace`: the winner's; the state file is set aside
        /// first), then `fetched(superseded:)` or `failed()`.
        case fetch(afterLostRace: Bool)
        /// Run the sync (`again`: on the winner's refs), then `ran(stopped:)`.
        case run(again: Bool)
        /// Push what moved, then `pushed(_:)` or `failed()`.
        case push
        case finish(Finish)
    }

    enum Finish: Equatable {
        /// Pushed, or nothing to push: the CI report's outcome.
        case pushed(CIRemote.PushOutcome, attempts: Int)
        /// The remote's checkpoint is ahead of HEAD: nothing left for this runner.
        case superseded(attempts: Int)
        /// Lost the race `attempts` times: nothing pushed, exit 75.
        case lostRace(attempts: Int)
        /// The run stopped (a signal) or deferred: nothing is pushed.
        case notPushed
        /// The remote could not be reached, or refused the push for another reason than a race:
        /// the error is rethrown, nothing was overwritten.
        case failed
    }

    let maxAttempts: Int
    private(set) var state: State = .initial

    init(maxAttempts: Int = 2) {
        precondition(maxAttempts >= 1)
        self.maxAttempts = maxAttempts
    }

    mutating func start() -> Action {
        precondition(state == .initial, "CIRetry.start() in \(state)")
        state = .fetching(attempt: 1)
        return .fetch(afterLostRace: false)
    }

    mutating func fetched(superseded: Bool) -> Action {
        guard case .fetching(let attempt) = state else { preconditionFailure("CIRetry.fetched in \(state)") }
        if superseded { return finish(.superseded(attempts: attempt)) }
        state = .running(attempt: attempt)
        return .run(again: attempt > 1)
    }

    /// `stopped`: a signal ended the run, or it deferred to a running sync.
    mutating func ran(stopped: Bool) -> Action {
        guard case .running(let attempt) = state else { preconditionFailure("CIRetry.ran in \(state)") }
        if stopped { return finish(.notPushed) }
        state = .pushing(attempt: attempt)
        return .push
    }

    mutating func pushed(_ outcome: CIRemote.PushOutcome) -> Action {
        guard case .pushing(let attempt) = state else { preconditionFailure("CIRetry.pushed in \(state)") }
        guard outcome == .lostRace else { return finish(.pushed(outcome, attempts: attempt)) }
        guard attempt < maxAttempts else { return finish(.lostRace(attempts: attempt)) }
        state = .fetching(attempt: attempt + 1)
        return .fetch(afterLostRace: true)
    }

    /// A fetch or push failed (the remote unreachable, the push refused): no retry.
    mutating func failed() -> Action {
        switch state {
        case .fetching, .pushing: return finish(.failed)
        default: preconditionFailure("CIRetry.failed() in \(state)")
        }
    }

    private mutating func finish(_ how: Finish) -> Action {
        state = .finished
        return .finish(how)
    }
}
