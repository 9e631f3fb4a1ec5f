import AutodevTestSupport
import Foundation
import Testing

/// A feature's work is queued once: its requirements while it has no tasks, its tasks once they
/// arrive — also when the spec and the tasks come in separate syncs (the usual Spec Kit order).
@Suite struct CoveredByTasksTests {
    static func requestTexts(_ fixture: GitFixture) throws -> [String] {
        try SyncQueueTests.requests(fixture).map {
            try String(contentsOfFile: fixture.path + "/.auto-dev/loop/pending/" + $0, encoding: .utf8)
        }
    }

    @Test func tasksArrivingLaterWithdrawTheRequirementsRequestsOfTheirFeature() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "# app\n")
        try fixture.commit("base")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/001-login/spec.md", "# Login\n\n## Requirements\n\n- **FR-001**: System MUST hash passwords with a salt\n- **FR-002**: System MUST lock an account after five failures\n")
        try fixture.write("specs/002-export/spec.md", "# Export\n\n## Requirements\n\n- **FR-001**: System MUST export orders as CSV files\n")
        try fixture.commit("specify")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        // No provider: the requirements are written out as requests for an LLM.
        let first = try Self.requestTexts(fixture)
        #expect(first.count == 3, "\(SyncQueueTests.requests(fixture))")

        try fixture.write("specs/001-login/tasks.md", "# Tasks\n\n- [ ] T001 Hash passwords in src/auth.py\n- [ ] T002 Lock accounts in src/lockout.py\n")
        try fixture.commit("tasks for login")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let second = try Self.requestTexts(fixture)
        // Login's two requirement requests are withdrawn for its two tasks; export's stays.
        #expect(second.count == 3, "\(SyncQueueTests.requests(fixture))")
        #expect(second.filter { $0.contains("specs/001-login/tasks.md") }.count == 2)
        #expect(second.filter { $0.contains("hash passwords with a salt") || $0.contains("lock an account after five failures") }
            .allSatisfy { $0.contains("specs/001-login/tasks.md") })
        #expect(second.contains { $0.contains("export orders as CSV files") })
        #expect(result.stdout.contains("carry its work") || result.stderr.contains("carry its work"), "\(result.stdout)")
    }
}
