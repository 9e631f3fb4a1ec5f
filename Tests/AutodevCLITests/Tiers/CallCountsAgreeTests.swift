@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Synchronization
import Testing

/// Counts that cannot flatter: one run of the built binary against a loopback provider that
/// fails one request on purpose (so the call guard retries it), and the provider's own count
/// of the requests it served is the oracle for all five views of the run — the sync summary
/// (stdout and `--summary`), `status`, `history`, `metrics.json` and the results commit's
/// trailers — and for the decision log and the spending ledger.
@Suite struct CallCountsAgreeTests {
    static let usage = (input: 1200, output: 80)

    @Test func theSummaryStatusHistoryMetricsAndTrailersAllCountEveryRequestTheProviderServed() throws {
        let served = Mutex(0)
        let server = try HTTPTestServer { request in
            let n = served.withLock { $0 += 1; return $0 }
            if n == 2 {
                // A transient failure: retried by the guard after the 1 ms the server asks for.
                return .json(500, #"{"error":{"message":"overloaded"}}"#, headers: [("retry-after-ms", "1")])
            }
            return Tier5HTTPTests.openAIReply(request)
        }
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            [loop.llm_optimization]
            batch_size = 1

            [[llm.providers]]
            name = "test"
            kind = "openai"
            base_url = "\(server.baseURL)/v1"
            model = "test-model"
            input_price_per_mtok = 2.5
            output_price_per_mtok = 10.0
            """)
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST log\n- **FR-002**: System MUST stop\n")
        try fixture.commit("Two more requirements")
        let summaryFile = fixture.path + "/../summary-\(UUID().uuidString).md"
        defer { try? FileManager.default.removeItem(atPath: summaryFile) }
        let run = try SyncCommandTests.sync(fixture, ["--summary", summaryFile])
        #expect(run.status == 0, "\(run.stderr)")

        // The oracle: what the provider served, and how many of those it answered.
        let requests = server.requests.count
        let answered = requests - 1
        #expect(requests == 3, "two work items, one retry")
        let input = answered * Self.usage.input, output = answered * Self.usage.output
        let cost = LLMUsage.dollars(Double(input) * 2.5 / 1_000_000 + Double(output) * 10 / 1_000_000)
        let llmLine = "\(requests) calls (1 without a usable answer), \(input) tokens in, \(output) out, USD \(cost)"
        let accounting = "\(requests) calls made for 2 work items (naive: 2); 0 avoided (0%); 0 false reuses"

        // 1. The sync summary, on stdout and as Markdown.
        #expect(run.stdout.contains("  llm: " + llmLine), "\(run.stdout)")
        #expect(run.stdout.contains("  calls: " + accounting), "\(run.stdout)")
        let markdown = try String(contentsOfFile: summaryFile, encoding: .utf8)
        #expect(markdown.contains("- LLM calls made: \(requests); LLM calls avoided (answered by patterns, templates, the cache and similar answers): 0"),
                "\(markdown)")
        #expect(markdown.contains("- " + accounting))

        // 2. status.
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("LLM usage: " + llmLine), "\(status.stdout)")
        #expect(status.stdout.contains("accounting: " + accounting))

        // 3. history, for the run.
        let runLine = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("run ") })
        let runID = String(runLine.dropFirst(4).prefix { $0 != ":" })
        let shown = try AutodevBinary.run(["history", "show", runID], in: fixture.path)
        #expect(shown.stdout.contains("llm: " + llmLine + " (test/test-model)"), "\(shown.stdout)")
        #expect(shown.stdout.contains("accounting: " + accounting))

        // 4. metrics.json.
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/metrics.json"))) as? [String: Any])
        let llm = try #require(metrics["llm"] as? [String: Any])
        #expect(llm["calls"] as? Int == requests && llm["failedCalls"] as? Int == 1)
        #expect(llm["inputTokens"] as? Int == input && llm["outputTokens"] as? Int == output)
        let counted = try #require(metrics["accounting"] as? [String: Any])
        #expect(counted["callsMade"] as? Int == requests && counted["workItems"] as? Int == 2)

        // 5. The results commit's trailers; Autodev-Events counts the one changed spec, not the work.
        let message = try fixture.git(["log", "-1", "--format=%B", "autodev/results"])
        #expect(message.contains("Autodev-Tokens: \(input) in, \(output) out, \(requests) calls"), "\(message)")
        #expect(message.contains("Autodev-Cost: USD \(cost)"))
        #expect(message.contains("Autodev-Calls: \(requests) made, 0 avoided, 2 work items"))
        #expect(message.contains("Autodev-Events: 1\n"))

        // Every call is in the decision log, once per call, and in the spending ledger.
        let log = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/decisions/\(runID).jsonl", encoding: .utf8)
        var logged: Set<String> = []
        for line in log.split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for call in record["calls"] as? [[String: Any]] ?? [] { logged.insert(try #require(call["ledgerID"] as? String)) }
        }
        #expect(logged.count == requests, "\(log)")
        let ledger = try String(contentsOfFile: fixture.path + "/.git/autodev/spend.jsonl", encoding: .utf8)
        #expect(ledger.split(separator: "\n").filter { $0.contains(#""kind":"reserved""#) }.count == requests)
    }

    @Test func anAnswerThatFailsValidationIsACallMadeCountedAsDiscardedAndLoggedWithItsWork() throws {
        let server = try HTTPTestServer(handler: Tier5HTTPTests.openAIReply)
        let fixture = try GitFixture()
        // Green on the processed commit (the baseline must pass, or no call is made), red once the
        // answer's generated file is in the tree.
        try fixture.write("config/autodev.toml", """
            [validate]
            command = "test ! -d Sources/Generated || { echo 'error: generated code rejected'; exit 1; }"

            [loop.recovery]
            max_retries = 0

            [[llm.providers]]
            name = "test"
            kind = "openai"
            base_url = "\(server.baseURL)/v1"
            model = "test-model"
            """)
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST log\n")
        try fixture.commit("A requirement")
        let run = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(server.requests.count == 1)
        let pass = try #require((try AdoptionTests.json(run)["passes"] as? [[String: Any]])?.first, "\(run.stderr)")
        let accounting = try #require(pass["accounting"] as? [String: Any])
        #expect(accounting["callsMade"] as? Int == 1 && accounting["discarded"] as? Int == 1, "\(accounting)")
        #expect(accounting["avoided"] as? [String: Int] == [:])
        let llm = try #require(pass["llm"] as? [String: Any])
        #expect(llm["calls"] as? Int == 1 && llm["failedCalls"] as? Int == 0, "the answer was usable; it failed the project's check")
        // The deferred work's line in the decision log carries the call.
        let runID = try #require(pass["run"] as? String)
        let log = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/decisions/\(runID).jsonl", encoding: .utf8)
        let deferred = try log.split(separator: "\n").compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["tier"] as? String == "deferred" }
        #expect(deferred.count == 1 && (deferred.first?["calls"] as? [[String: Any]])?.count == 1, "\(log)")
    }

    /// A retry is a call: with `max_llm_calls_per_run = 2`, a provider that keeps failing
    /// (transiently, so the guard would retry it 3 times) receives 2 requests in the run, not 4,
    /// and the other work item waits for the next run.
    @Test func retriesStopAtTheRunsCallLimit() throws {
        let server = try HTTPTestServer { _ in
            .json(500, #"{"error":{"message":"overloaded"}}"#, headers: [("retry-after-ms", "1")])
        }
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            [loop]
            max_llm_calls_per_run = 2

            [loop.llm_optimization]
            batch_size = 1

            [loop.recovery]
            max_retries = 3

            [[llm.providers]]
            name = "test"
            kind = "openai"
            base_url = "\(server.baseURL)/v1"
            model = "test-model"
            """)
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST log\n- **FR-002**: System MUST stop\n")
        try fixture.commit("Two more requirements")
        let run = try SyncCommandTests.sync(fixture)
        #expect(server.requests.count == 2, "requests sent: \(server.requests.count)\n\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("2 calls"), "\(run.stdout)")
    }
}
