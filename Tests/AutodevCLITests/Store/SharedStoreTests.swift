import AutodevTestSupport
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `[store] url`: the organisation's shared store on a real PostgreSQL server (started by the
/// test with initdb and pg_ctl; skipped, with a message, where PostgreSQL is not installed),
/// the built binary, and a loopback OpenAI-compatible provider that counts every request.
@Suite(.serialized, .enabled(if: PostgresTestServer.available, "PostgreSQL is not installed (apt-get install postgresql)"))
struct SharedStoreTests {
    /// A provider on 127.0.0.1 that counts requests and charges exactly `max_output_tokens`
    /// out and nothing in: with input free, each call settles at what it reserved ($0.10).
    final class Provider: Sendable {
        final class Counter: Sendable { let value = Mutex(0) }
        let requests = Counter()
        let server: HTTPTestServer

        init() throws {
            let requests = self.requests
            server = try HTTPTestServer { request in
                let messages = request.json()?["messages"] as? [[String: Any]] ?? []
                let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
                requests.value.withLock { $0 += 1 }
                let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "m",
                                           "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": Tier5HTTPTests.answer(to: prompt)]]],
                                           "usage": ["prompt_tokens": 500, "completion_tokens": 100, "total_tokens": 600]]
                return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            }
        }

        var count: Int { requests.value.withLock { $0 } }
    }

    /// One call's worth: 100 tokens out at USD 1,000 per million.
    static let call = 0.1

    static func config(_ provider: Provider, _ database: PostgresTestServer, organisationPerDay: Double, repositoryPerDay: Double = 0,
                       validate: String = "") -> String {
        """
        [loop.llm_optimization]
        batch_size = 1

        [llm.budget]
        max_cost_per_run = 0
        max_cost_per_day = \(repositoryPerDay)
        max_cost_per_month = 0

        [store]
        url = "\(database.url)"
        org_max_cost_per_day = \(organisationPerDay)

        [validate]
        command = "\(validate)"
        sandbox = "none"

        [[llm.providers]]
        name = "p"
        kind = "openai"
        base_url = "\(provider.server.baseURL)/v1"
        model = "m"
        max_output_tokens = 100
        input_price_per_mtok = 0.0
        output_price_per_mtok = 1000.0
        """
    }

    /// Charges in the store, by psql: (repository, cost, settled).
    static func charges(_ database: PostgresTestServer) throws -> [(repository: String, cost: Double, settled: Bool)] {
        try database.query("SELECT repository, cost, settled FROM autodev_charges ORDER BY at, id").map { row in
            let fields = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return (fields[0], Double(fields[1]) ?? -1, fields[2] == "t")
        }
    }

    @Test func eightSyncsInEightRepositoriesAtOnceMakeExactlyTheCallsTheOrganisationsBudgetHolds() throws {
        let database = try PostgresTestServer()
        defer { database.stop() }
        let provider = try Provider()
        // Rounds: one call's worth of money, then three calls' worth, the charges cleared between
        // (the requirements differ by round: the shared answer cache would serve the second).
        for fits in [1, 3] {
            _ = try? database.query("DELETE FROM autodev_charges")
            let before = provider.count
            var fixtures: [GitFixture] = []
            for index in 0..<8 {
                let fixture = try GitFixture()
                try fixture.write("config/autodev.toml", Self.config(provider, database, organisationPerDay: Double(fits) * Self.call))
                try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
                try fixture.commit("Set up")
                #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts: no call
                try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST do \(index) of \(fits)\n")
                try fixture.commit("One requirement")
                fixtures.append(fixture)
            }
            #expect(provider.count == before, "adoption makes no call")
            let results = Mutex<[ProcessResult?]>(Array(repeating: nil, count: 8))
            let paths = fixtures.map(\.path)
            // Every runner stops inside its reservation's transaction, its spending summed: the
            // test lets them on one at a time. Were the sum not taken under the budget row's
            // lock, all eight would have summed $0 before any recorded its call.
            let fifo = fixtures[0].path + "/../race-\(fits)"
            #expect(mkfifo(fifo, 0o600) == 0 && mkfifo(fifo + ".go", 0o600) == 0)
            let environment = ["AUTODEV_TEST_PAUSE_AT": "store-reserving", "AUTODEV_TEST_PAUSE_FIFO": fifo]
            let releaser = Thread {
                for _ in 0..<8 {
                    close(open(fifo, O_RDONLY))
                    close(open(fifo + ".go", O_WRONLY))
                }
            }
            releaser.start()
            // A thread each (concurrentPerform runs only as many at once as there are cores).
            let group = DispatchGroup()
            for index in 0..<8 {
                group.enter()
                Thread {
                    let result = try? AutodevBinary.run(["sync", "--json"], in: paths[index], environment: environment)
                    results.withLock { $0[index] = result }
                    group.leave()
                }.start()
            }
            group.wait()
            for result in results.withLock({ $0 }) {
                #expect(result?.status == 0, "\(result?.stderr ?? "did not run")")
            }
            let made = provider.count - before
            #expect(made == fits, "\(fits) call(s) fit the organisation's budget; \(made) were made")
            let charged = try Self.charges(database).filter { $0.cost > 0 }
            #expect(charged.count == fits && charged.allSatisfy(\.settled), "\(charged)")
            #expect(charged.map(\.cost).reduce(0, +) <= Double(fits) * Self.call + 1e-9)
            #expect(Set(charged.map(\.repository)).count == fits, "each call from another repository")
            let refusals = results.withLock { $0 }.compactMap { $0?.stdout }.filter { $0.contains("the organisation's daily budget") }
            let outputs = results.withLock { $0 }.compactMap { $0?.stdout }
            #expect(refusals.count == 8 - fits, "the others say why they wait: \(outputs.filter { !$0.contains("the organisation's daily budget") })")
        }
    }

    @Test func anAnswerOneRepositoryPaidForIsReusedValidatedByAnother() throws {
        let database = try PostgresTestServer()
        defer { database.stop() }
        let provider = try Provider()
        func project(check: String) throws -> GitFixture {
            let fixture = try GitFixture()
            try fixture.write("config/autodev.toml", Self.config(provider, database, organisationPerDay: 10, validate: "sh check.sh"))
            try fixture.write("check.sh", check)
            try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
            try fixture.commit("Set up")
            #expect(try SyncCommandTests.sync(fixture).status == 0)
            try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST export reports as CSV files\n")
            try fixture.commit("Specify export")
            return fixture
        }
        let passing = "exit 0\n"
        let first = try project(check: passing)
        let second = try project(check: passing)
        // A third repository whose own check refuses any generated file: the shared answer is
        // offered to it and must be judged there.
        let third = try project(check: "! ls Sources/Generated/*.swift >/dev/null 2>&1\n")

        let paid = try Tier5CommandTests.pass(try SyncCommandTests.sync(first, ["--json"]))
        #expect((paid["items"] as? [[String: Any]])?.compactMap { $0["tier"] as? String }.contains("llm") == true, "\(paid)")
        #expect(provider.count == 1)
        #expect(try database.query("SELECT count(*) FROM autodev_answers") == ["1"])

        let reused = try SyncCommandTests.sync(second, ["--json"])
        #expect(reused.status == 0, "\(reused.stderr)")
        let pass = try Tier5CommandTests.pass(reused)
        #expect((pass["items"] as? [[String: Any]])?.compactMap { $0["tier"] as? String }.contains("cache") == true, "\(pass)")
        #expect(provider.count == 1, "the second repository made no call")
        #expect(try SyncCommandTests.resultsFiles(second) == SyncCommandTests.resultsFiles(first))
        #expect(try database.query("SELECT uses FROM autodev_answers") == ["1"])

        let judged = try SyncCommandTests.sync(third, ["--json"])
        let thirdPass = try Tier5CommandTests.pass(judged)
        let accounting = try #require(thirdPass["accounting"] as? [String: Any])
        #expect(accounting["falseReuses"] as? [String: Int] == ["cache": 1], "\(thirdPass)")
        #expect(provider.count > 1, "the refused reuse went to the model")
    }

    @Test func theDatabaseStoppedMidRunLosesNoChargeAndPassesNoBudget() throws {
        let database = try PostgresTestServer()
        defer { database.stop() }
        let provider = try Provider()
        let fixture = try GitFixture()
        // Two calls' worth for the repository and the organisation; three requirements in three
        // features, a call each.
        try fixture.write("config/autodev.toml", Self.config(provider, database, organisationPerDay: 2 * Self.call, repositoryPerDay: 2 * Self.call))
        try fixture.write("specs/000-base/spec.md", "# Base\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        for (index, name) in ["alpha", "beta", "gamma"].enumerated() {
            try fixture.write("specs/00\(index + 1)-\(name)/spec.md", "# \(name)\n\n- **FR-00\(index + 1)**: System MUST \(name)\n")
        }
        try fixture.commit("Three features")

        // The run stops after its first call was answered (reserved in the database); the
        // database is stopped there; the run goes on.
        let fifo = fixture.path + "/../pause"
        #expect(mkfifo(fifo, 0o600) == 0 && mkfifo(fifo + ".go", 0o600) == 0)
        let output = Mutex<ProcessResult?>(nil)
        let path = fixture.path
        let thread = Thread {
            let result = try? AutodevBinary.run(["sync", "--json"], in: path, environment: ["AUTODEV_TEST_PAUSE_AT": "llm-answered", "AUTODEV_TEST_PAUSE_FIFO": fifo])
            output.withLock { $0 = result }
        }
        thread.start()
        let arrived = open(fifo, O_RDONLY)
        close(arrived)
        #expect(provider.count == 1)
        #expect(try Self.charges(database).count == 1, "the first call is reserved in the database")
        try database.halt()
        let go = open(fifo + ".go", O_WRONLY)
        close(go)
        while output.withLock({ $0 }) == nil { usleep(20_000) }
        let run = try #require(output.withLock { $0 })
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("goes on with the local store"), "\(run.stdout)")
        #expect(provider.count == 2, "the local budget let one more call through, not two: \(provider.count)")
        let backlog = fixture.path + "/.git/autodev/store-backlog.jsonl"
        #expect(FileManager.default.fileExists(atPath: backlog))

        // Back up: the next run records the backlog before anything else, and the budget holds.
        try database.start()
        try fixture.write("specs/004-delta/spec.md", "# delta\n\n- **FR-004**: System MUST delta\n")
        try fixture.commit("A fourth feature")
        let after = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(provider.count == 2, "no budget passed")
        let charged = try Self.charges(database).filter { $0.cost > 0 }
        #expect(charged.count == 2 && charged.allSatisfy(\.settled), "both calls in the database, settled: \(charged)")
        #expect(charged.map(\.cost).reduce(0, +) <= 2 * Self.call + 1e-9)
        #expect(!FileManager.default.fileExists(atPath: backlog), "the backlog was recorded and removed")
    }

    @Test func aURLHoldingAPasswordIsRefusedWithoutRepeatingIt() throws {
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", "[store]\nurl = \"postgresql://ci:s3cret@db.example:5432/autodev\"\n")
        try fixture.commit("Set up")
        let refused = try SyncCommandTests.sync(fixture)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("store.url") && refused.stderr.contains("holds a password") && refused.stderr.contains("store.password_env"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("s3cret"), "the message does not repeat the password")
        try fixture.write("config/autodev.toml", "[store]\nurl = \"postgres://ci@db.example/autodev?sslmode=require&password=s3cret\"\n")
        try fixture.commit("Query password")
        #expect(try SyncCommandTests.sync(fixture).status == 2)
    }
}
