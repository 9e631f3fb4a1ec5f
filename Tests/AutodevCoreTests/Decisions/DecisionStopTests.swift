@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Synchronization
import Testing

/// The decision step looks at the stop flag as it goes, so a large spec cannot hold up a stop.
@Suite struct DecisionStopTests {
    static func fixture() throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        try fixture.commit("base")
        for feature in 1...3 {
            try fixture.write("specs/00\(feature)-f/spec.md", (1...4).map { "- **FR-00\($0)**: System MUST do \(feature).\($0)\n" }.joined())
        }
        try fixture.commit("three specs")
        return fixture
    }

    static func builder(_ fixture: GitFixture, stop: @escaping @Sendable () -> StopReason?) throws -> EventBuilder {
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        var builder = try EventBuilder(repository: repository, config: config)
        builder.stopRequested = stop
        return builder
    }

    @Test func theFlagIsLookedAtForEverySpecFileAndRequirement() throws {
        let fixture = try Self.fixture()
        let looks = Atomic<Int>(0)
        let report = try Self.builder(fixture) { looks.add(1, ordering: .relaxed); return nil }
            .report(for: .explicit("HEAD~1..HEAD"), explain: true)
        #expect(report.decisions?.count == 12)
        #expect(looks.load(ordering: .relaxed) >= 3 + 12)  // three spec files, twelve requirements
    }

    @Test(arguments: [(StopReason.terminate, Int32(143)), (StopReason.interrupt, Int32(130))] as [(StopReason, Int32)])
    func aStopWhileDecidingThrowsInterruptedWithTheSignalsExitStatus(_ reason: StopReason, _ status: Int32) throws {
        let fixture = try Self.fixture()
        let looks = Atomic<Int>(0)
        let classified = Atomic<Bool>(false)
        // Looks are counted from the end of classification (the tree walk and classification
        // look too); the signal arrives after the first spec file was read.
        var builder = try Self.builder(fixture) {
            guard classified.load(ordering: .relaxed) else { return nil }
            return looks.add(1, ordering: .relaxed).newValue > 2 ? reason : nil
        }
        builder.step = { if $0 == .classified { classified.store(true, ordering: .relaxed) } }
        let error = try #require(throws: AutodevError.self) { try builder.report(for: .explicit("HEAD~1..HEAD"), explain: true) }
        #expect(error.code == .interrupted)
        #expect(error.stopReason == reason)
        #expect(error.exitStatus.rawValue == status)
        #expect(error.message.contains("stopped by signal \(reason.signal) while deciding"), "\(error.message)")
        // One look after sorting the events, one for the first spec file; it stopped at the next.
        #expect(looks.load(ordering: .relaxed) == 3)
    }
}
