@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// A sync stopped by SIGTERM while the provider holds its answer: the request left the
/// machine, so the provider may have served and billed it. The call stays charged at its
/// reservation in the spending ledger (it used to be settled at $0), the run's record and
/// `status` say so, and the work stays pending.
@Suite struct StoppedCallChargeTests {
    @Test func sigtermWhileTheServerHoldsTheAnswerLeavesTheCallChargedAtItsReservation() throws {
        let gate = HTTPTestServer.Gate()
        defer { gate.open() }
        let server = try HTTPTestServer { request in
            var response = Tier5HTTPTests.openAIReply(request)
            response.hold = gate
            return response
        }
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            [[llm.providers]]
            name = "test"
            kind = "openai"
            base_url = "\(server.baseURL)/v1"
            model = "test-model"
            max_output_tokens = 1000
            input_price_per_mtok = 100.0
            output_price_per_mtok = 100.0
            """)
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST log\n")
        try fixture.commit("A requirement")

        let process = SyncStopTests.syncProcess(fixture, environment: [:])
        try process.run()
        #expect(server.waitForRequests(1), "the request reached the server")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(server.requests.count == 1)

        let ledger = try String(contentsOfFile: fixture.path + "/.git/autodev/spend.jsonl", encoding: .utf8)
        let lines = try ledger.split(separator: "\n").map { try JSONDecoder().decode(SpendLedger.Line.self, from: Data($0.utf8)) }
        let reserved = try #require(lines.first { $0.kind == .reserved })
        let settled = try #require(lines.first { $0.kind == .settled })
        #expect(lines.count == 2 && settled.id == reserved.id && settled.outcome == "stopped", "\(ledger)")
        #expect(reserved.cost > 0 && settled.cost == reserved.cost && settled.tokens == reserved.tokens, "\(ledger)")
        // status shows the day's spending with the stopped call in it.
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("budget: $\(LLMUsage.dollars(reserved.cost)) today"), "\(status.stdout)")
        #expect((try SyncStopTests.status(fixture)["pending"] as? [Any])?.count == 1)
    }
}
