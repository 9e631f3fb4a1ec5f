import AutodevTestSupport
import Foundation
import Testing

/// What `.auto-dev/` keeps must not grow with the pending work once that work is in git.
@Suite struct StateSizeTests {
    static func stateJSON(_ fixture: GitFixture) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/state.json"))) as? [String: Any])
    }

    @Test func stateJSONDoesNotCacheAQueueThatIsInGit() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write("specs/002-many/spec.md", (1...12).map { "- **FR-\(String(format: "%03d", $0))**: System MUST do thing \($0)\n" }.joined())
        try fixture.commit("a spec with twelve requirements")
        let limits = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "3"]
        #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0)
        let queued = try fixture.git(["show", "refs/autodev/queue:queue.json"])
        let queue = try #require(try JSONSerialization.jsonObject(with: Data(queued.utf8)) as? [String: Any])
        let pendingInGit = try #require(queue["pending"] as? [Any]).count
        #expect(pendingInGit > 3)
        // The next run reads the queue from git and leaves it out of state.json.
        #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0)
        #expect((try Self.stateJSON(fixture)["pending"] as? [Any])?.isEmpty == true)
        let left = try #require(try JSONSerialization.jsonObject(with: Data(try fixture.git(["show", "refs/autodev/queue:queue.json"]).utf8)) as? [String: Any])
        let pendingNow = try #require(left["pending"] as? [Any]).count
        #expect(pendingNow == pendingInGit - 3)
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((status["pending"] as? [Any])?.count == pendingNow)
        // before.json is the queue the run started from, byte for byte.
        let before = try fixture.git(["show", "refs/autodev/queue:before.json"])
        #expect(before == queued, "before.json is not the queue the run started from")
        // The rest is done by later runs, nothing lost.
        for _ in 0..<6 { #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0) }
        let done = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((done["pending"] as? [Any])?.isEmpty == true, "\(done)")
    }
}
