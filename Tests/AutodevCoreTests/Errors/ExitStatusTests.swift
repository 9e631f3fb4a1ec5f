@testable import AutodevCore
import Foundation
import Testing

/// Each error code exits one way, the way docs/exit-status.md promises; a stop exits with
/// 128 + its signal.
@Suite struct ExitStatusTests {
    @Test(arguments: [
        (AutodevError.Code.invalidConfig, AutodevError.ExitStatus.config), (.invalidPatterns, .config), (.invalidTemplate, .config),
        (.unsafePath, .config), (.notARepository, .repository), (.unknownRevision, .repository), (.shallowHistory, .repository),
        (.bareRepository, .repository), (.unsupportedRepository, .repository), (.missingObject, .repository),
        (.resultsMoved, .conflict), (.malformedRange, .usage), (.invalidTestReport, .usage), (.invalidArgument, .usage),
        (.lockBusy, .busy), (.gitFailure, .failure), (.ioFailure, .failure), (.generatorFailed, .failure),
        (.outputCollision, .failure), (.cacheFailure, .failure), (.internalError, .failure), (.interrupted, .interrupted),
    ] as [(AutodevError.Code, AutodevError.ExitStatus)])
    func aCodeExitsWithTheStatusTheDocsPromise(_ code: AutodevError.Code, _ status: AutodevError.ExitStatus) {
        #expect(code.exitStatus == status)
        #expect(AutodevError(code, "x").exitStatus == status)
    }

    @Test func everyCodeIsInThePromises() {
        // The list above names every code once: a new code must say its status there too.
        #expect(AutodevError.Code.allCases.count == 22)
    }

    @Test func aStopExitsWith128PlusItsSignal() {
        #expect(StopReason(signal: SIGINT) == .interrupt)
        #expect(StopReason(signal: SIGTERM) == .terminate)
        #expect(StopReason(signal: 0) == nil)
        #expect(StopReason(signal: SIGHUP) == nil)
        for reason in StopReason.allCases {
            #expect(reason.exitStatus.rawValue == 128 + reason.signal)
            let error = AutodevError.stopped(by: reason, while: "deciding")
            #expect(error.code == .interrupted && error.stopReason == reason)
            #expect(error.exitStatus == reason.exitStatus)
            #expect(error.message == "stopped by signal \(reason.signal) while deciding")
        }
        #expect(StopReason.terminate.exitStatus == .terminated)
        #expect(StopReason.interrupt.exitStatus == .interrupted)
    }

    @Test func aStopIsEncodedAsItsSignalsNumber() throws {
        let report = SyncReport(dryRun: false, deferredToRunningSync: false, passes: [], warnings: [], interruptedBy: .terminate)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        #expect(json["interruptedBy"] as? Int == 15)
    }
}
