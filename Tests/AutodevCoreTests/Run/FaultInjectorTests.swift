import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Synchronization
import Testing

/// `Sync` reaches its fault points through the injector it is given, with no environment: the
/// crash tests' hooks (`AUTODEV_TEST_*_AT`) are the CLI's, and a test can feed points directly.
@Suite struct FaultInjectorTests {
    /// Records each point reached and, with git as the oracle, where the checkpoint was then.
    final class Recorder: FaultInjector {
        let path: String
        let stopAt: FaultPoint?
        let stop = Atomic<Int32>(0)
        let seen = Mutex<[(FaultPoint, String)]>([])

        init(_ fixture: GitFixture, stopAt: FaultPoint? = nil) {
            path = fixture.path
            self.stopAt = stopAt
        }

        func reached(_ point: FaultPoint) {
            let result = try? Subprocess.run(GitFixture.gitPath, ["rev-parse", "--verify", "-q", "refs/autodev/checkpoint"], in: path)
            let checkpoint = result.flatMap { $0.status == 0 ? $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil } ?? "none"
            seen.withLock { $0.append((point, checkpoint)) }
            if point == stopAt { stop.store(15, ordering: .relaxed) }
        }

        var points: [FaultPoint] { seen.withLock { $0.map(\.0) } }
        func checkpoint(at point: FaultPoint) -> String? { seen.withLock { $0.first { $0.0 == point }?.1 } }
    }

    static func fixture() throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        try fixture.commit("base")
        try fixture.write("specs/001-f/spec.md", "- **FR-001**: System MUST greet the user.\n")
        try fixture.commit("a spec")
        return fixture
    }

    static func sync(_ fixture: GitFixture, _ recorder: Recorder) throws -> SyncReport {
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        return try Sync(repository: repository, config: config, environment: [:], faults: recorder,
                        stopRequested: { StopReason(signal: recorder.stop.load(ordering: .relaxed)) }).run(SyncOptions())
    }

    @Test func aRunReachesItsPointsInOrderAndMovesTheCheckpointAfterPersisting() throws {
        let fixture = try Self.fixture()
        let head = try fixture.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let recorder = Recorder(fixture)
        _ = try Self.sync(fixture, recorder)
        let order: [FaultPoint] = [.locked, .classified, .decided, .resolved, .persisted, .checkpoint, .beforeRelease]
        #expect(recorder.points.filter(order.contains) == order, "\(recorder.points)")
        #expect(recorder.checkpoint(at: .persisted) == "none")
        #expect(recorder.checkpoint(at: .checkpoint) == head)
    }

    /// An injector that asks the run to stop where the events are classified (what
    /// `AUTODEV_TEST_SIGNAL_AT=classified` does with SIGTERM): nothing is kept, the checkpoint
    /// stays where it was.
    @Test func aStopInjectedAtAPointKeepsTheCheckpoint() throws {
        let fixture = try Self.fixture()
        let recorder = Recorder(fixture, stopAt: .classified)
        let report = try Self.sync(fixture, recorder)
        #expect(report.interruptedBy == .terminate)
        #expect(!recorder.points.contains(.persisted), "\(recorder.points)")
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "refs/autodev/checkpoint"])) == nil)
    }
}
