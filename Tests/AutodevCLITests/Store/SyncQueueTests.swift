import AutodevTestSupport
import Foundation
import Testing

/// The queue of unfinished work lives in git (`refs/autodev/queue`) beside the checkpoint:
/// losing `.auto-dev/` costs at most re-deciding, never work.
@Suite struct SyncQueueTests {
    /// A Spec Kit spec with `count` functional requirements.
    static func spec(_ count: Int) -> String {
        "# Feature Specification: Many\n\n## Requirements\n\n"
            + (1...count).map { String(format: "- **FR-%03d**: System MUST do thing number %d", $0, $0) }.joined(separator: "\n") + "\n"
    }

    static let limits = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "50"]

    static func status(_ fixture: GitFixture) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
    }

    /// The subjects of every piece of work the results commits list, one line each.
    static func producedSubjects(_ fixture: GitFixture) throws -> [String] {
        try fixture.git(["log", "--format=%B", "--grep=^Autodev-Run:", "autodev/results"])
            .split(separator: "\n").filter { $0.hasPrefix("- ") }.map { String($0.split(separator: ":").first ?? "") }
    }

    static func requests(_ fixture: GitFixture) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop/pending")) ?? []).sorted()
    }

    /// `status` (text) reads the queue a shard at a time and keeps the first ten: its count and
    /// its ten lines are those of `status --json`, which lists every piece; also when requests
    /// whose files are gone are queued again beside the shards.
    @Test(arguments: [false, true])
    func statusTextCountsEveryPieceAndListsTheFirstTenInRunOrder(requestsLost: Bool) throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        try fixture.write("tests/test_api.py", "def test_lists_users():\n    pass\n\ndef test_adds_users():\n    pass\n\ndef test_drops_users():\n    pass\n")
        try fixture.commit("Add tests")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        try fixture.write("specs/002-many/spec.md", Self.spec(90))
        try fixture.commit("Specify many things")
        let run = try SyncCommandTests.sync(fixture, [], environment: Self.limits)
        #expect(run.status == 0, "\(run.stderr)")
        if requestsLost { try FileManager.default.removeItem(atPath: fixture.path + "/.auto-dev/loop/pending") }
        let pending = try #require(try Self.status(fixture)["pending"] as? [[String: Any]])
        #expect(pending.count == (requestsLost ? 43 : 40))
        let text = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("pending: \(pending.count) pieces of work"), "\(text.stdout)")
        let start = try #require(lines.firstIndex { $0.hasPrefix("pending: ") })
        let listed = Array(lines[(start + 1)...].prefix { $0.hasPrefix("  ") })
        let expected = pending.prefix(10).map { item -> String in
            let requirement = item["requirement"] as? [String: Any]
            let subject = requirement.map { "\($0["key"] ?? "") (\($0["spec"] ?? ""))" } ?? "\(item["path"] ?? "")"
            return "  \(item["action"] ?? "") \(subject)"
        }
        #expect(listed == expected, "\(text.stdout)")
    }

    /// Three requests written out for an LLM (new tests without code), then a 60-requirement spec
    /// of which a run with `max_events_per_run = 50` leaves 10 pending; then `.auto-dev/` is lost.
    @Test(arguments: ["remove .auto-dev", "corrupt state.json"])
    func losingTheStateFolderLosesNoWork(_ loss: String) throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // the export spec: 4 files
        try fixture.write("tests/test_api.py", "def test_lists_users():\n    pass\n\ndef test_adds_users():\n    pass\n\ndef test_drops_users():\n    pass\n")
        try fixture.commit("Add tests")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let written = Self.requests(fixture)
        #expect(written.count == 3)
        try fixture.write("specs/002-many/spec.md", Self.spec(60))
        try fixture.commit("Specify many things")
        let first = try SyncCommandTests.sync(fixture, [], environment: Self.limits)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.status(fixture)["pending"] as? [Any] != nil)
        #expect((try Self.status(fixture)["pending"] as? [Any])?.count == 10)
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == (try fixture.head()) + "\n")

        switch loss {
        case "remove .auto-dev": try FileManager.default.removeItem(atPath: fixture.path + "/.auto-dev")
        default: try fixture.write(".auto-dev/loop/state.json", "{ not json")
        }
        // `status` already sees the pending work, from git.
        #expect((try Self.status(fixture)["pending"] as? [Any])?.count == (loss == "remove .auto-dev" ? 13 : 10))
        let second = try SyncCommandTests.sync(fixture, [], environment: Self.limits)
        #expect(second.status == 0, "\(second.stderr)")
        if loss == "corrupt state.json" {
            #expect(second.stderr.contains("read back from refs/autodev/queue"), "\(second.stderr)")
            #expect(!second.stderr.contains("found again from the checkpoint"))
        } else {
            #expect(second.stderr.contains("3 requests for an LLM are gone"), "\(second.stderr)")
        }
        #expect(try SyncCommandTests.sync(fixture, [], environment: Self.limits).stdout.contains("0 events"))

        // All 60 requirements reached the results branch, each once; the 3 requests are there again.
        let files = try SyncCommandTests.resultsFiles(fixture)
        #expect(files.filter { $0.hasPrefix("src/f_002_many/") }.count == 60)
        #expect(files.filter { $0.hasPrefix("tests/test_f_002_many_") }.count == 60)
        let subjects = try Self.producedSubjects(fixture).filter { $0.contains("specs/002-many/spec.md") }
        #expect(subjects.count == 60)
        #expect(Set(subjects).count == 60)
        #expect(Self.requests(fixture) == written)
        let status = try Self.status(fixture)
        #expect((status["pending"] as? [Any])?.count == 0)
        #expect((status["awaitingLLM"] as? [Any])?.count == 3)
    }

    /// Requests written for later while no provider was configured go to the provider once one
    /// is: the next sync asks it (a real loopback server), the request files go, and nothing
    /// waits for a person any more.
    @Test func requestsWrittenForLaterGoToAProviderConfiguredSince() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        try fixture.write("tests/test_api.py", "def test_lists_users():\n    pass\n\ndef test_adds_users():\n    pass\n")
        try fixture.commit("Add tests")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(Self.requests(fixture).count == 2)
        #expect((try Self.status(fixture)["awaitingLLM"] as? [Any])?.count == 2)

        let server = try HTTPTestServer { request in
            let messages = request.json()?["messages"] as? [[String: Any]] ?? []
            let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
            return TriageHTTPTests.reply(Tier5HTTPTests.answer(to: prompt), input: 900, output: 60)
        }
        let settings = (try? String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)) ?? ""
        try fixture.write("config/autodev.toml", settings + "\n" + server.providerTable() + "\n")
        try fixture.commit("Configure a model")
        let run = try SyncCommandTests.sync(fixture, [], environment: ["TEST_LLM_KEY": "k"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect((run.stdout + run.stderr).contains("2 requests written for later (no provider then) go to the configured provider now"), "\(run.stdout)")
        #expect(!server.requests.isEmpty, "the provider was asked")
        #expect(Self.requests(fixture).isEmpty, "the request files are gone")
        let status = try Self.status(fixture)
        #expect((status["awaitingLLM"] as? [Any])?.count == 0)
        #expect((status["pending"] as? [Any])?.count == 0, "\(status)")
    }

    @Test func aKillBetweenWritingTheQueueAndMovingTheCheckpointRedoesTheSameRun() throws {
        let reference = try SyncCommandTests.project()
        try reference.write("specs/002-many/spec.md", Self.spec(60))
        try reference.commit("Specify many things")
        #expect(try SyncCommandTests.sync(reference, [], environment: Self.limits).status == 0)
        let expected = try SyncSafetyTests.outcome(reference)

        let fixture = try SyncCommandTests.project()
        try fixture.write("specs/002-many/spec.md", Self.spec(60))
        try fixture.commit("Specify many things")
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        var environment = Self.limits
        environment["AUTODEV_TEST_KILL_AT"] = "queue-ref"
        let killed = try SyncCommandTests.sync(fixture, [], environment: environment)
        #expect(killed.status == SIGKILL, "\(killed.stderr)")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        #expect(try fixture.git(["cat-file", "-t", "refs/autodev/queue"]) == "commit\n")
        let rerun = try SyncCommandTests.sync(fixture, [], environment: Self.limits)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let outcome = try SyncSafetyTests.outcome(fixture)
        #expect(outcome.resultsTree == expected.resultsTree)
        #expect(outcome.resultsCommits == expected.resultsCommits)
        #expect(outcome.counted == expected.counted)
        #expect(outcome.decisions.subtracting(expected.decisions) == [])
        #expect(expected.decisions.subtracting(outcome.decisions) == [])
        #expect((try Self.status(fixture)["pending"] as? [Any])?.count == 12)  // 62 pieces of work, 50 done
    }

    @Test func workCarriedOverAndDeferredAgainIsLoggedOnce() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write("specs/002-few/spec.md", Self.spec(3))
        try fixture.commit("Specify a few things")
        // US1 and FR-001 of the export spec, FR-001..003 of this one: 5 pieces, 2 per run.
        let limit = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "2"]
        for _ in 0..<3 { #expect(try SyncCommandTests.sync(fixture, [], environment: limit).status == 0) }
        #expect((try Self.status(fixture)["pending"] as? [Any])?.count == 0)
        var deferred: [String: Int] = [:], done: [String: Int] = [:]
        let folder = fixture.path + "/.auto-dev/loop/decisions"
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            for line in try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard let work = record["work"] as? String else { continue }
                if record["tier"] as? String == "deferred" { deferred[work, default: 0] += 1 } else { done[work, default: 0] += 1 }
            }
        }
        #expect(done.count == 5 && done.values.allSatisfy { $0 == 1 })
        // Run 1 deferred 3 pieces, run 2 deferred one of them again: logged once each.
        #expect(deferred.count == 3)
        #expect(deferred.values.allSatisfy { $0 == 1 }, "\(deferred)")
    }
}
