/// The lock / pass / re-run loop of one sync, as a state machine: the state and the data it
/// carries, the events the run feeds it (a lock taken or busy, a pass done or stopped, the lock
/// released) and the action each returns. The transitions are pure — no file, lock or clock —
/// so every path, the rare ones included, is tested by feeding events (`SyncLoopTests`);
/// `Sync.run` is the driver that does the I/O. The shape of swift-nio's and async-http-client's
/// state machines (`HTTPRequestStateMachine`).
///
/// The loop: take the work tree's lock (a hook's sync never waits: a held lock means "re-run
/// wanted", so it leaves the request and tries once more), then the repository's lock; run
/// passes while a hook asked for a re-run meanwhile; release the work tree's lock and look for
/// a request once more (a hook that found the lock held after the last look tried the lock again
/// before or after the release: if the lock is taken again, its commits are this run's). At most
/// `maxPasses` passes in all; a stop ends the loop after the pass at hand.
struct SyncLoop: Equatable {
    struct Settings: Equatable {
        /// Wait for the work tree's lock (not with `--no-wait`, never for a hook's sync).
        var waitForWorktree: Bool
        /// Wait for the repository's lock (not with `--no-wait`; a hook's sync does, holding the
        /// work tree's lock, so later hooks' requests collect meanwhile).
        var waitForRepository: Bool
        /// A hook's sync: a held work tree lock means "re-run wanted".
        var hook: Bool
        /// From the checkpoint to HEAD: only then does a re-run find new commits.
        var followsCheckpoint: Bool
        var maxPasses = 10
    }

    enum State: Equatable {
        case initial
        /// Trying the work tree's lock; `afterRequest`: a hook's sync left its re-run request
        /// and tries once more without waiting.
        case takingWorktreeLock(afterRequest: Bool)
        case leavingRerunRequest
        /// The work tree's lock held, the repository's being taken.
        case takingRepositoryLock
        /// Both locks held, before the first pass of this holding (stale ref locks removed here).
        case preparing(passes: Int)
        case passing(passes: Int)
        /// Releasing the work tree's lock; `stopped`: no look for a re-run request after it.
        case releasing(passes: Int, stopped: Bool)
        /// Released, a re-run request found: taking the work tree's lock again, without waiting.
        case retaking(passes: Int)
        case finished
    }

    /// What a lock attempt came to (`RunLock.Attempt` without the lock itself, which the driver
    /// keeps).
    enum LockResult: Equatable {
        case acquired
        case busy(holder: String?)
        case stopped(signal: StopReason)
    }

    enum Action: Equatable {
        case takeWorktreeLock(wait: Bool)
        /// Write the re-run request for the sync holding the lock (then `rerunRequestLeft()`).
        case leaveRerunRequest
        case takeRepositoryLock(wait: Bool)
        /// Holding both locks: remove what a killed sync left, then `prepared()`.
        case prepare
        /// One pass (it removes the re-run request first), then `passFinished` or `passStopped`
        /// or `passFailed`.
        case runPass
        /// Release the work tree's lock, then `released(rerunRequested:)`.
        case releaseWorktreeLock
        /// The loop is over: release whatever lock is still held.
        case finish(Finish)
    }

    enum Finish: Equatable {
        /// The passes ran (or a stop ended them); the report is complete.
        case done
        /// Stopped by this signal while waiting for a lock: nothing was done.
        case stoppedWaiting(signal: StopReason)
        /// A hook's sync: the sync holding the lock takes the new commits.
        case deferredToRunningSync
        /// `--no-wait` and the lock is held (`otherWorktree`: the repository's, by a sync in
        /// another work tree): exit 75.
        case busy(holder: String?, otherWorktree: Bool)
        /// A pass failed: the error is rethrown.
        case failed
    }

    let settings: Settings
    private(set) var state: State = .initial

    init(_ settings: Settings) {
        self.settings = settings
    }

    mutating func start() -> Action {
        precondition(state == .initial, "SyncLoop.start() in \(state)")
        state = .takingWorktreeLock(afterRequest: false)
        return .takeWorktreeLock(wait: settings.waitForWorktree && !settings.hook)
    }

    mutating func worktreeLock(_ result: LockResult) -> Action {
        switch (state, result) {
        case (.takingWorktreeLock, .acquired):
            state = .takingRepositoryLock
            return .takeRepositoryLock(wait: settings.waitForRepository)
        case (.takingWorktreeLock(afterRequest: false), .busy(let holder)):
            guard settings.hook else { return finish(.busy(holder: holder, otherWorktree: false)) }
            state = .leavingRerunRequest
            return .leaveRerunRequest
        case (.takingWorktreeLock(afterRequest: true), .busy), (.takingWorktreeLock(afterRequest: true), .stopped):
            return finish(.deferredToRunningSync)
        case (.takingWorktreeLock(afterRequest: false), .stopped(let signal)):
            return finish(.stoppedWaiting(signal: signal))
        case (.retaking(let passes), .acquired):
            state = .preparing(passes: passes)
            return .prepare
        case (.retaking, .busy), (.retaking, .stopped):
            // Held by the hook's own sync: the commits are its.
            return finish(.done)
        default:
            preconditionFailure("SyncLoop: work tree lock \(result) in \(state)")
        }
    }

    /// The re-run request is written: the running sync may have looked for it just before and
    /// be releasing the lock now, so the lock is tried once more and the wake-up is not lost.
    mutating func rerunRequestLeft() -> Action {
        precondition(state == .leavingRerunRequest, "SyncLoop.rerunRequestLeft() in \(state)")
        state = .takingWorktreeLock(afterRequest: true)
        return .takeWorktreeLock(wait: false)
    }

    mutating func repositoryLock(_ result: LockResult) -> Action {
        precondition(state == .takingRepositoryLock, "SyncLoop.repositoryLock in \(state)")
        switch result {
        case .acquired:
            state = .preparing(passes: 0)
            return .prepare
        case .busy(let holder):
            return finish(.busy(holder: holder, otherWorktree: true))
        case .stopped(let signal):
            return finish(.stoppedWaiting(signal: signal))
        }
    }

    mutating func prepared() -> Action {
        guard case .preparing(let passes) = state else { preconditionFailure("SyncLoop.prepared() in \(state)") }
        state = .passing(passes: passes)
        return .runPass
    }

    /// A pass kept its work. `stopSignal`: what asked the run to stop meanwhile, or nil;
    /// `rerunRequested`: a hook asked for a re-run while it ran.
    mutating func passFinished(stopSignal: StopReason?, rerunRequested: Bool) -> Action {
        guard case .passing(let before) = state else { preconditionFailure("SyncLoop.passFinished in \(state)") }
        let passes = before + 1
        if stopSignal == nil, settings.followsCheckpoint, rerunRequested, passes < settings.maxPasses {
            state = .passing(passes: passes)
            return .runPass
        }
        state = .releasing(passes: passes, stopped: stopSignal != nil)
        return .releaseWorktreeLock
    }

    /// A stop ended the pass before it kept anything: no re-run after it.
    mutating func passStopped() -> Action {
        guard case .passing(let passes) = state else { preconditionFailure("SyncLoop.passStopped() in \(state)") }
        state = .releasing(passes: passes, stopped: true)
        return .releaseWorktreeLock
    }

    mutating func passFailed() -> Action {
        guard case .passing = state else { preconditionFailure("SyncLoop.passFailed() in \(state)") }
        return finish(.failed)
    }

    /// The work tree's lock is released; `rerunRequested`: a request is there now.
    mutating func released(rerunRequested: Bool) -> Action {
        guard case .releasing(let passes, let stopped) = state else { preconditionFailure("SyncLoop.released in \(state)") }
        guard !stopped, settings.followsCheckpoint, passes < settings.maxPasses, rerunRequested else { return finish(.done) }
        state = .retaking(passes: passes)
        return .takeWorktreeLock(wait: false)
    }

    private mutating func finish(_ how: Finish) -> Action {
        state = .finished
        return .finish(how)
    }
}
