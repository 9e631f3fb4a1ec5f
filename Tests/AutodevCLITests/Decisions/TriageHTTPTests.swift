import AutodevTestSupport
import Foundation
import Testing

/// Triage against a real HTTP server on 127.0.0.1: the decisions the rules are unsure of (a
/// requirement edited by a few words) go out as ONE batched yes/no question; the answers
/// settle them; a malformed answer, a budget refusal or no provider leave the rules' decisions.
@Suite struct TriageHTTPTests {
    static let original = [
        ("FR-001", "System MUST hash passwords with a per-user salt before storing them"),
        ("FR-002", "System MUST lock an account after five failed sign-in attempts"),
        ("FR-003", "System MUST record every sign-in attempt with its time and source address"),
    ]
    /// FR-001 and FR-003 reworded; FR-002 changed (five → three).
    static let edited = [
        ("FR-001", "System MUST hash each password with a per-user salt before storing it"),
        ("FR-002", "System MUST lock an account after three failed sign-in attempts"),
        ("FR-003", "System MUST record each sign-in attempt with its time and its source address"),
    ]

    static func spec(_ requirements: [(String, String)]) -> String {
        "# Feature Specification: Login\n\n## Requirements\n\n" + requirements.map { "- **\($0.0)**: \($0.1)" }.joined(separator: "\n") + "\n"
    }

    static func isTriage(_ request: HTTPTestServer.Request) -> Bool {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        return messages.contains { ($0["content"] as? String)?.contains("`N yes` or `N no`") == true }
    }

    static func reply(_ text: String, input: Int = 300, output: Int = 12) -> HTTPTestServer.Response {
        let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "test-model",
                                   "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": text]]],
                                   "usage": ["prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output]]
        return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    /// A server that answers triage with `triage` and work like a model (`Tier5HTTPTests`).
    static func server(triage: String) throws -> HTTPTestServer {
        try HTTPTestServer { request in
            if isTriage(request) { return reply(triage) }
            let messages = request.json()?["messages"] as? [[String: Any]] ?? []
            let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
            return reply(Tier5HTTPTests.answer(to: prompt), input: 1200, output: 80)
        }
    }

    /// Adopted with the original spec, then edited: returns the range of the edit.
    static func project(server: HTTPTestServer, extra: String = "") throws -> (GitFixture, String) {
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            \(server.providerTable())
            input_price_per_mtok = 2.5
            output_price_per_mtok = 10.0
            \(extra)
            """)
        try fixture.write("specs/001-login/spec.md", Self.spec(Self.original))
        let c0 = try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture, [], environment: ["TEST_LLM_KEY": "k"]).status == 0)  // adopts
        try fixture.write("specs/001-login/spec.md", Self.spec(Self.edited))
        let c1 = try fixture.commit("Edit the requirements")
        return (fixture, "\(c0)..\(c1)")
    }

    static func pass(_ result: ProcessResult) throws -> [String: Any] {
        try #require((try AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first)
    }

    @Test func oneRequestAsksEveryDoubtAndItsAnswersSettleThem() throws {
        // Without a provider the preview names the doubts and the rules decide alone.
        let server = try Self.server(triage: "1 yes\n2 no\n3 yes")
        let (fixture, range) = try Self.project(server: server)
        let preview = try AutodevBinary.run(["diff-events", range, "--json", "--explain"], in: fixture.path)
        let decisions = try #require(try DiffEventsCommandTests.json(preview)["decisions"] as? [[String: Any]])
        #expect(decisions.map { $0["action"] as? String } == ["newImplementation", "newImplementation", "newImplementation"])
        #expect(decisions.allSatisfy { ($0["unsure"] as? String)?.contains("rewording") == true })
        #expect(server.requests.isEmpty, "a preview never calls")

        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        let triage = server.requests.filter(Self.isTriage)
        #expect(triage.count == 1, "one request for three doubts")
        let messages = try #require(triage.first?.json()?["messages"] as? [[String: Any]])
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        for (_, text) in Self.original + Self.edited { #expect(prompt.contains(text)) }
        // The request is small: a few dozen tokens of question per item, a few tokens of answer.
        let maxTokens = try #require(triage.first?.json()?["max_tokens"] as? Int)
        #expect(maxTokens <= 8 + 4 * 3)

        let pass = try Self.pass(result)
        #expect(pass["workItems"] as? Int == 1, "only FR-002 (five → three) is work: \(result.stdout)")
        let accounting = try #require(pass["accounting"] as? [String: Any])
        #expect(accounting["triageCalls"] as? Int == 1)
        #expect(accounting["callsMade"] as? Int == server.requests.count, "every request that left the machine is a call")
        #expect(server.requests.count == 2)
        let ledger = try String(contentsOfFile: fixture.path + "/.git/autodev/spend.jsonl", encoding: .utf8)
        #expect(ledger.split(separator: "\n").filter { $0.contains("settled") }.count == 2)

        // The same range again: the answers are remembered, nothing is asked twice.
        let again = try SyncCommandTests.sync(fixture, [range, "--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(server.requests.filter(Self.isTriage).count == 1)
        #expect((try Self.pass(again)["accounting"] as? [String: Any])?["triageCalls"] == nil)
    }

    /// New tasks the rules are unsure of (no code file or symbol named, no verb they know)
    /// join the same one batched question, capped by `[triage] max_items`; a task that names
    /// code, or that the rules already call a check, is not asked about.
    @Test func newTasksTheRulesAreUnsureOfAreAskedInOneRequestUpToMaxItems() throws {
        let server = try Self.server(triage: "1 yes\n2 no")
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            \(server.providerTable())

            [triage]
            max_items = 2
            """)
        try fixture.write("src/export.ts", "export const version = 1\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture, [], environment: ["TEST_LLM_KEY": "k"]).status == 0)  // adopts
        try fixture.write("specs/002-shop/tasks.md", """
            # Tasks: Shop

            - [ ] T001 Responsive layout on small phones
            - [ ] T002 Add `exportCsv()` to src/export.ts
            - [ ] T003 Run all tests (npm test)
            - [ ] T004 Checkout summary in the sidebar
            - [ ] T005 Dark colour scheme for the header
            """)
        let c1 = try fixture.commit("Plan the shop")
        let preview = try AutodevBinary.run(["diff-events", "HEAD~1..\(c1)", "--json", "--explain"], in: fixture.path)
        let decisions = try #require(try DiffEventsCommandTests.json(preview)["decisions"] as? [[String: Any]])
        #expect(decisions.filter { ($0["unsure"] as? String)?.contains("rather than code to write") == true }.count == 3, "\(decisions)")

        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        let triage = server.requests.filter(Self.isTriage)
        #expect(triage.count == 1, "one request")
        let messages = try #require(triage.first?.json()?["messages"] as? [[String: Any]])
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        #expect(prompt.contains("Responsive layout on small phones") && prompt.contains("Checkout summary in the sidebar"), "\(prompt)")
        #expect(!prompt.contains("exportCsv") && !prompt.contains("Run all tests") && !prompt.contains("Dark colour"), "capped at 2: \(prompt)")
        let pass = try Self.pass(result)
        #expect(pass["workItems"] as? Int == 3, "T002, T004 and T005 stay work; T001 is settled, T003 is a check: \(result.stdout)")
        let accounting = try #require(pass["accounting"] as? [String: Any])
        #expect(accounting["triageCalls"] as? Int == 1)
    }

    @Test func aMalformedAnswerLeavesTheRulesDecisionsAndIsStillACall() throws {
        let server = try Self.server(triage: "Sure! The first one looks like a rewording.")
        let (fixture, _) = try Self.project(server: server)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.filter(Self.isTriage).count == 1)
        let pass = try Self.pass(result)
        #expect(pass["workItems"] as? Int == 3, "\(result.stdout)")
        let accounting = try #require(pass["accounting"] as? [String: Any])
        #expect(accounting["triageCalls"] as? Int == 1)
        #expect(accounting["callsMade"] as? Int == server.requests.count)
        let notes = pass["notes"] as? [String] ?? []
        #expect(notes.contains(where: { $0.contains("the rules' decisions stand") }), "\(notes)")
    }

    @Test func aReachedBudgetSendsNothing() throws {
        let server = try Self.server(triage: "1 yes\n2 no\n3 yes")
        let (fixture, _) = try Self.project(server: server, extra: "\n[llm.budget]\nmax_cost_per_run = 0.000001\n")
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.isEmpty)
        let pass = try Self.pass(result)
        let made = (pass["accounting"] as? [String: Any])?["callsMade"] as? Int
        #expect(made == nil || made == 0)
        let notes = pass["notes"] as? [String] ?? []
        #expect(notes.contains(where: { $0.contains("triage not asked") && $0.contains("budget") }), "\(notes)")
    }

    @Test func triageTurnedOffAsksNothing() throws {
        let server = try Self.server(triage: "1 yes\n2 no\n3 yes")
        let (fixture, _) = try Self.project(server: server, extra: "\n[triage]\nenabled = false\n")
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.filter(Self.isTriage).isEmpty)
        #expect(try Self.pass(result)["workItems"] as? Int == 3)
    }

    /// A server that answers each triage item by reading it: "no" for the items whose text
    /// holds `keep`, "yes" for the others; work like a model.
    static func reading(keep: String) throws -> HTTPTestServer {
        try HTTPTestServer { request in
            let messages = request.json()?["messages"] as? [[String: Any]] ?? []
            let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
            guard isTriage(request) else { return reply(Tier5HTTPTests.answer(to: prompt), input: 1200, output: 80) }
            let user = messages.last?["content"] as? String ?? ""
            var items: [String] = []
            for line in user.split(separator: "\n") {
                if let dot = line.firstIndex(of: "."), Int(line[..<dot]) != nil { items.append(String(line)) } else if !items.isEmpty { items[items.count - 1] += "\n" + line }
            }
            return reply(items.enumerated().map { "\($0.offset + 1) \($0.element.contains(keep) ? "no" : "yes")" }.joined(separator: "\n"))
        }
    }

    /// Work queued while triage could not be asked (here: the run's budget was reached, so
    /// neither triage nor the model was called) keeps the rules' doubt in the queue. The next
    /// run, with money to spend, asks about it first in one request: the two rewordings are
    /// withdrawn without a model building them, only FR-002 goes to the model, and a third run
    /// asks nothing again.
    @Test func queuedWorkTheRulesWereUnsureOfIsAskedAboutBeforeAModelIsPaid() throws {
        let server = try Self.reading(keep: "three failed")
        let (fixture, _) = try Self.project(server: server, extra: "\n[llm.budget]\nmax_cost_per_run = 0.000001\n")
        let first = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(server.requests.isEmpty, "the budget let nothing out")
        #expect(try Self.pass(first)["pending"] as? Int == 3, "\(first.stdout)")

        try fixture.write("config/autodev.toml", """
            \(server.providerTable())
            input_price_per_mtok = 2.5
            output_price_per_mtok = 10.0
            """)
        try fixture.commit("Allow spending")
        let second = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(second.status == 0, "\(second.stderr)")
        let triage = server.requests.filter(Self.isTriage)
        #expect(triage.count == 1, "one request for the three queued doubts")
        let asked = (triage.first?.json()?["messages"] as? [[String: Any]])?.compactMap { $0["content"] as? String }.joined() ?? ""
        for (_, text) in Self.edited { #expect(asked.contains(text), "\(asked)") }
        let work = server.requests.filter { !Self.isTriage($0) }
        #expect(work.count == 1, "only FR-002 is built")
        let built = (work.first?.json()?["messages"] as? [[String: Any]])?.compactMap { $0["content"] as? String }.joined() ?? ""
        let asks = built.components(separatedBy: "# Work").last ?? ""
        #expect(asks.contains("Requirement FR-002") && !asks.contains("FR-001") && !asks.contains("FR-003"), "\(asks)")
        let pass = try Self.pass(second)
        #expect(pass["pending"] as? Int == 0, "\(second.stdout)")
        let accounting = try #require(pass["accounting"] as? [String: Any])
        #expect(accounting["triageCalls"] as? Int == 1)
        #expect(accounting["callsMade"] as? Int == 2, "every request that left the machine is a call")
        let run = try #require(pass["run"] as? String)
        let log = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/decisions/\(run).jsonl", encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains("triage-skip") }.count == 2, "\(log)")

        let third = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(server.requests.count == 2, "nothing is asked twice")
    }
}
