@testable import AutodevCore
import Testing

/// The lock / pass / re-run loop fed events, with no lock, file or run: each test is the
/// sequence of actions the loop asks for.
@Suite struct SyncLoopTests {
    typealias Action = SyncLoop.Action

    static let plain = SyncLoop.Settings(waitForWorktree: true, waitForRepository: true, hook: false, followsCheckpoint: true)

    @Test func aPlainRunWaitsForBothLocksRunsOnePassAndReleases() {
        var loop = SyncLoop(Self.plain)
        #expect(loop.start() == .takeWorktreeLock(wait: true))
        #expect(loop.worktreeLock(.acquired) == .takeRepositoryLock(wait: true))
        #expect(loop.repositoryLock(.acquired) == .prepare)
        #expect(loop.prepared() == .runPass)
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: false) == .releaseWorktreeLock)
        #expect(loop.released(rerunRequested: false) == .finish(.done))
        #expect(loop.state == .finished)
    }

    @Test func aRerunRequestDuringAPassRunsAnotherPassHoldingTheLock() {
        var loop = SyncLoop(Self.plain)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: true) == .runPass)
        #expect(loop.state == .passing(passes: 1))
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: false) == .releaseWorktreeLock)
        #expect(loop.state == .releasing(passes: 2, stopped: false))
    }

    @Test func aRequestLeftJustAsTheLockWasReleasedTakesItAgainWithoutWaiting() {
        var loop = SyncLoop(Self.plain)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        _ = loop.passFinished(stopSignal: nil, rerunRequested: false)
        #expect(loop.released(rerunRequested: true) == .takeWorktreeLock(wait: false))
        // Taken again: the stale ref locks are looked for again, then the next pass.
        #expect(loop.worktreeLock(.acquired) == .prepare)
        #expect(loop.prepared() == .runPass)
        #expect(loop.state == .passing(passes: 1))
    }

    @Test func aRequestWhoseHookTookTheLockFirstIsThatHooksSync() {
        var loop = SyncLoop(Self.plain)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        _ = loop.passFinished(stopSignal: nil, rerunRequested: false)
        _ = loop.released(rerunRequested: true)
        #expect(loop.worktreeLock(.busy(holder: "4242")) == .finish(.done))
    }

    @Test func theRerunLimitEndsTheLoopWithARequestStillThere() {
        var settings = Self.plain
        settings.maxPasses = 3
        var loop = SyncLoop(settings)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: true) == .runPass)
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: true) == .runPass)
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: true) == .releaseWorktreeLock)
        #expect(loop.released(rerunRequested: true) == .finish(.done))
    }

    @Test func theLimitCountsPassesAcrossRetakenLocks() {
        var settings = Self.plain
        settings.maxPasses = 2
        var loop = SyncLoop(settings)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        _ = loop.passFinished(stopSignal: nil, rerunRequested: false)
        _ = loop.released(rerunRequested: true)
        _ = loop.worktreeLock(.acquired); _ = loop.prepared()
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: true) == .releaseWorktreeLock)
        #expect(loop.released(rerunRequested: true) == .finish(.done))
    }

    @Test func aStopRequestedMidPassEndsTheLoopAfterReleasingWithoutLookingForRequests() {
        var loop = SyncLoop(Self.plain)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        #expect(loop.passStopped() == .releaseWorktreeLock)
        #expect(loop.released(rerunRequested: true) == .finish(.done))
    }

    @Test func aStopAfterAPassKeptItsWorkRunsNoRerun() {
        var loop = SyncLoop(Self.plain)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        #expect(loop.passFinished(stopSignal: .terminate, rerunRequested: true) == .releaseWorktreeLock)
        #expect(loop.state == .releasing(passes: 1, stopped: true))
        #expect(loop.released(rerunRequested: true) == .finish(.done))
    }

    @Test func aStopWhileWaitingForEitherLockDoesNothing() {
        var first = SyncLoop(Self.plain)
        _ = first.start()
        #expect(first.worktreeLock(.stopped(signal: .interrupt)) == .finish(.stoppedWaiting(signal: .interrupt)))
        var second = SyncLoop(Self.plain)
        _ = second.start(); _ = second.worktreeLock(.acquired)
        #expect(second.repositoryLock(.stopped(signal: .terminate)) == .finish(.stoppedWaiting(signal: .terminate)))
    }

    @Test func aFailedPassFinishesSoTheDriverReleasesBothLocks() {
        var loop = SyncLoop(Self.plain)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        #expect(loop.passFailed() == .finish(.failed))
    }

    @Test func noWaitMakesEitherHeldLockBusy() {
        let settings = SyncLoop.Settings(waitForWorktree: false, waitForRepository: false, hook: false, followsCheckpoint: true)
        var first = SyncLoop(settings)
        #expect(first.start() == .takeWorktreeLock(wait: false))
        #expect(first.worktreeLock(.busy(holder: "17")) == .finish(.busy(holder: "17", otherWorktree: false)))
        var second = SyncLoop(settings)
        _ = second.start()
        #expect(second.worktreeLock(.acquired) == .takeRepositoryLock(wait: false))
        #expect(second.repositoryLock(.busy(holder: nil)) == .finish(.busy(holder: nil, otherWorktree: true)))
    }

    @Test func aHooksSyncNeverWaitsLeavesARequestAndTriesOnceMore() {
        let settings = SyncLoop.Settings(waitForWorktree: true, waitForRepository: true, hook: true, followsCheckpoint: true)
        var deferred = SyncLoop(settings)
        #expect(deferred.start() == .takeWorktreeLock(wait: false))
        #expect(deferred.worktreeLock(.busy(holder: "9")) == .leaveRerunRequest)
        #expect(deferred.rerunRequestLeft() == .takeWorktreeLock(wait: false))
        #expect(deferred.worktreeLock(.busy(holder: "9")) == .finish(.deferredToRunningSync))
        // The running sync let go between its last look and our request: the commits are ours,
        // and the repository's lock is waited for.
        var late = SyncLoop(settings)
        _ = late.start(); _ = late.worktreeLock(.busy(holder: "9")); _ = late.rerunRequestLeft()
        #expect(late.worktreeLock(.acquired) == .takeRepositoryLock(wait: true))
    }

    @Test func aRangeOrWorktreeRunNeverRepeats() {
        let settings = SyncLoop.Settings(waitForWorktree: true, waitForRepository: true, hook: false, followsCheckpoint: false)
        var loop = SyncLoop(settings)
        _ = loop.start(); _ = loop.worktreeLock(.acquired); _ = loop.repositoryLock(.acquired); _ = loop.prepared()
        #expect(loop.passFinished(stopSignal: nil, rerunRequested: true) == .releaseWorktreeLock)
        #expect(loop.released(rerunRequested: true) == .finish(.done))
    }
}
