@testable import AutodevCLI
import Testing

/// `sync --ci`'s fetch / run / push loop fed events, with no remote and no run.
@Suite struct CIRetryTests {
    @Test func aRunThatWinsPushesOnce() {
        var retry = CIRetry()
        #expect(retry.start() == .fetch(afterLostRace: false))
        #expect(retry.fetched(superseded: false) == .run(again: false))
        #expect(retry.ran(stopped: false) == .push)
        #expect(retry.pushed(.pushed) == .finish(.pushed(.pushed, attempts: 1)))
        #expect(retry.state == .finished)
    }

    @Test func nothingToPushIsAnOutcomeNotARetry() {
        var retry = CIRetry()
        _ = retry.start(); _ = retry.fetched(superseded: false); _ = retry.ran(stopped: false)
        #expect(retry.pushed(.nothingToPush) == .finish(.pushed(.nothingToPush, attempts: 1)))
    }

    @Test func aLostRaceFetchesTheWinnersRefsRunsAgainAndPushes() {
        var retry = CIRetry()
        _ = retry.start(); _ = retry.fetched(superseded: false); _ = retry.ran(stopped: false)
        #expect(retry.pushed(.lostRace) == .fetch(afterLostRace: true))
        #expect(retry.fetched(superseded: false) == .run(again: true))
        #expect(retry.ran(stopped: false) == .push)
        #expect(retry.pushed(.pushed) == .finish(.pushed(.pushed, attempts: 2)))
    }

    @Test(arguments: [1, 2, 3, 5])
    func losingTheRaceMaxAttemptsTimesGivesUp(maxAttempts: Int) {
        var retry = CIRetry(maxAttempts: maxAttempts)
        var action = retry.start()
        var runs = 0
        var last: CIRetry.Action?
        while last == nil {
            switch action {
            case .fetch: action = retry.fetched(superseded: false)
            case .run:
                runs += 1
                action = retry.ran(stopped: false)
            case .push: action = retry.pushed(.lostRace)
            case .finish: last = action
            }
        }
        #expect(last == .finish(.lostRace(attempts: maxAttempts)))
        #expect(runs == maxAttempts)
    }

    @Test func aRemoteAheadOfHeadIsSupersededBeforeAnyRun() {
        var retry = CIRetry()
        _ = retry.start()
        #expect(retry.fetched(superseded: true) == .finish(.superseded(attempts: 1)))
    }

    @Test func aWinnerThatProcessedMoreLeavesNothingForTheSecondRun() {
        var retry = CIRetry()
        _ = retry.start(); _ = retry.fetched(superseded: false); _ = retry.ran(stopped: false)
        _ = retry.pushed(.lostRace)
        #expect(retry.fetched(superseded: true) == .finish(.superseded(attempts: 2)))
    }

    @Test func aStoppedRunPushesNothing() {
        var first = CIRetry()
        _ = first.start(); _ = first.fetched(superseded: false)
        #expect(first.ran(stopped: true) == .finish(.notPushed))
        var second = CIRetry()
        _ = second.start(); _ = second.fetched(superseded: false); _ = second.ran(stopped: false); _ = second.pushed(.lostRace)
        _ = second.fetched(superseded: false)
        #expect(second.ran(stopped: true) == .finish(.notPushed))
    }

    @Test func anUnreachableRemoteFailsWithoutRetrying() {
        var atFetch = CIRetry()
        _ = atFetch.start()
        #expect(atFetch.failed() == .finish(.failed))
        var atPush = CIRetry()
        _ = atPush.start(); _ = atPush.fetched(superseded: false); _ = atPush.ran(stopped: false)
        #expect(atPush.failed() == .finish(.failed))
        var afterLostRace = CIRetry()
        _ = afterLostRace.start(); _ = afterLostRace.fetched(superseded: false); _ = afterLostRace.ran(stopped: false)
        _ = afterLostRace.pushed(.lostRace)
        #expect(afterLostRace.failed() == .finish(.failed))
    }
}
