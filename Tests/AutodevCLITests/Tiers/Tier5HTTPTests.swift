import AutodevTestSupport
import Foundation
import Testing

/// Tier 5 against a real HTTP server on 127.0.0.1 speaking OpenAI's chat completions and
/// Anthropic's messages: the built binary sends the work, commits what comes back, and never
/// sends a secret.
@Suite struct Tier5HTTPTests {
    /// Answers like a model: one Swift file per `## Work <id>` section, under its marker.
    static func answer(to prompt: String) -> String {
        var out = ""
        for line in prompt.split(separator: "\n") where line.hasPrefix("## Work ") {
            let id = line.dropFirst("## Work ".count)
            out += "=== WORK \(id) ===\nSources/Generated/W\(id.prefix(8)).swift\n```swift\nenum W\(id.prefix(8)) {}\n```\n\n"
        }
        return out.isEmpty ? "OK" : out  // doctor's probe
    }

    static func openAIReply(_ request: HTTPTestServer.Request) -> HTTPTestServer.Response {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "test-model",
                                   "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": answer(to: prompt)]]],
                                   "usage": ["prompt_tokens": 1200, "completion_tokens": 80, "total_tokens": 1280]]
        return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    /// A fake key, built at run time so no scanner flags this file.
    static let fakeKey = "sk-" + "proj-" + String(repeating: "Ab3x", count: 12)

    static func project(server: HTTPTestServer, kind: String = "openai", keyEnv: String = "TEST_LLM_KEY") throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            [[llm.providers]]
            name = "test"
            kind = "\(kind)"
            base_url = "\(server.baseURL)\(kind == "openai" ? "/v1" : "")"
            model = "test-model"
            api_key_env = "\(keyEnv)"
            input_price_per_mtok = 2.5
            output_price_per_mtok = 10.0

            [triage]
            enabled = false  # these tests count tier 5's requests (TriageHTTPTests covers triage)
            """)
        try fixture.write("src/audit.swift", "// audit\nlet token = \"\(fakeKey)\"\n")
        try fixture.write(".env", "OPENAI_API_KEY=\(fakeKey)\n")
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in in src/audit.swift and .env\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        // The requirement changes: its linked file (holding a key) goes into the prompt.
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in and sign-out in src/audit.swift and .env\n")
        try fixture.commit("Sharpen audit")
        return fixture
    }

    @Test func anOpenAICompatibleServerAnswersAndNoSecretReachesIt() throws {
        let server = try HTTPTestServer(handler: Self.openAIReply)
        let fixture = try Self.project(server: server)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "the-real-key-123"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"])
        #expect(files.split(separator: "\n").count == 1, "\(result.stdout)")
        let requests = server.requests
        #expect(requests.count == 1)
        let sent = requests.map(\.raw).joined()
        #expect(sent.contains("/v1/chat/completions"))
        #expect(sent.contains("Bearer the-real-key-123"))
        #expect(!sent.contains(Self.fakeKey), "a secret reached the server")
        #expect(sent.contains("[REDACTED"), "the linked file's key was redacted, not dropped silently")
        let pass = try #require((try AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first)
        let llm = try #require(pass["llm"] as? [String: Any])
        #expect(llm["inputTokens"] as? Int == 1200 && llm["outputTokens"] as? Int == 80)
        // 1200 × 2.5 + 80 × 10 per million tokens.
        #expect(abs((llm["cost"] as? Double ?? 0) - 0.0038) < 1e-9)
        #expect(try fixture.git(["log", "-1", "--format=%B", "autodev/results"]).contains("Autodev-Cost: USD 0.0038"))
    }

    @Test func anAnthropicServerAnswersThroughTheMessagesAPI() throws {
        let server = try HTTPTestServer { request in
            let messages = request.json()?["messages"] as? [[String: Any]] ?? []
            let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
            let body: [String: Any] = ["id": "msg", "type": "message", "role": "assistant", "model": "test-model", "stop_reason": "end_turn",
                                       "content": [["type": "text", "text": Self.answer(to: prompt)]],
                                       "usage": ["input_tokens": 900, "output_tokens": 40]]
            return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
        }
        let fixture = try Self.project(server: server, kind: "anthropic")
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "ant-key"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.first?.target.hasSuffix("/v1/messages") == true)
        #expect(server.requests.first?.headers["x-api-key"] == "ant-key")
        #expect(!(try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results"])).isEmpty)
    }

    @Test func aRejectedKeyLeavesTheWorkPendingAndSaysWhatToFix() throws {
        let server = try HTTPTestServer { _ in .json(401, #"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#) }
        let fixture = try Self.project(server: server)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "wrong"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("TEST_LLM_KEY"), "\(result.stderr)")
        #expect(!result.stderr.contains("wrong\""), "the key itself is never printed")
        let pass = try #require((try AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first)
        #expect(pass["pending"] as? Int == 1)
        let doctor = try AutodevBinary.run(["doctor", "--skip-validate"], in: fixture.path, environment: ["TEST_LLM_KEY": "wrong"])
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("provider 'test'") && doctor.stdout.contains("FAILED") && doctor.stdout.contains("401"), "\(doctor.stdout)")
    }

    @Test func doctorSaysAWorkingProviderWorks() throws {
        let server = try HTTPTestServer(handler: Self.openAIReply)
        let fixture = try Self.project(server: server)
        let doctor = try AutodevBinary.run(["doctor"], in: fixture.path, environment: ["TEST_LLM_KEY": "k"])
        #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
        #expect(doctor.stdout.contains("provider 'test' (openai, \(server.baseURL)/v1): ok"), "\(doctor.stdout)")
    }

    @Test func anAnswerCutAtTheTokenLimitIsAskedAgainWithTheProblem() throws {
        final class Count: @unchecked Sendable { var n = 0 }
        let count = Count()
        let server = try HTTPTestServer { request in
            count.n += 1
            if count.n == 1 {
                let body: [String: Any] = ["choices": [["index": 0, "finish_reason": "length",
                                                        "message": ["role": "assistant", "content": "Sources/Generated/A.swift\n```swift\nenum A {"]]],
                                           "usage": ["prompt_tokens": 100, "completion_tokens": 8192]]
                return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            }
            return Self.openAIReply(request)
        }
        let fixture = try Self.project(server: server)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests.last?.text.contains("cut off at the output token limit") == true, "the re-ask names the problem")
        #expect(!(try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"])).isEmpty)
        let llm = try #require((try AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first?["llm"] as? [String: Any])
        #expect(llm["calls"] as? Int == 2 && llm["failedCalls"] as? Int == 1)
    }

    @Test func anHTMLPageInsteadOfAnAnswerLeavesTheWorkPending() throws {
        let server = try HTTPTestServer { _ in .text(200, "<html><body>Welcome to nginx!</body></html>", contentType: "text/html") }
        let fixture = try Self.project(server: server)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("provider 'test'"), "\(result.stderr)")
        #expect(try (AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first?["pending"] as? Int == 1)
        #expect(throws: (any Error).self) { try fixture.git(["rev-parse", "--verify", "-q", "autodev/results"]) }
        // Nothing was lost: a working server later gets the same work.
        let good = try HTTPTestServer(handler: Self.openAIReply)
        let config = try String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)
        try fixture.write("config/autodev.toml", config.replacingOccurrences(of: server.baseURL, with: good.baseURL))
        try fixture.commit("Point at a working server")
        let again = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(good.requests.count == 1)
    }
}
