import AutodevTestSupport
import Foundation
import Testing

/// Scaffolding is not an answer: `autodev init`'s starter templates give a new requirement a
/// starting point that goes to the model with the work, and nothing is counted as avoided by a
/// stub. A template settles work only when it says it is an answer and the check passes it.
@Suite struct ScaffoldTests {
    /// A Python project after `autodev init` (its check made `true`: no pytest needed here),
    /// adopted, then a spec with two requirements.
    static func project(provider server: HTTPTestServer?, templateKind: String? = nil, check: String = "true") throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try fixture.write("src/app.py", "print('app')\n")
        let initialised = try AutodevBinary.run(["init"], in: fixture.path)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        var settings = try String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)
        #expect(settings.contains("command = \"python3 -m pytest -q\""), "\(settings)")
        settings = settings.replacingOccurrences(of: "command = \"python3 -m pytest -q\"", with: "command = \"\(check)\"")
        if let server {
            settings += """

                \(server.providerTable())

                """
        }
        try fixture.write("config/autodev.toml", settings)
        if let templateKind {
            let folder = fixture.path + "/config/templates"
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
                try fixture.write("config/templates/" + name, text.replacingOccurrences(of: "kind: scaffold", with: "kind: \(templateKind)"))
            }
        }
        try fixture.commit("base with autodev init")
        #expect(try SyncCommandTests.sync(fixture, environment: ["TEST_LLM_KEY": "k"]).status == 0)  // adopts
        try fixture.write("specs/001-export/spec.md", SyncCommandTests.spec)
        try fixture.commit("Specify export")
        return fixture
    }

    /// Answers each `## Work` section with a Python module.
    static func reply(_ request: HTTPTestServer.Request) -> HTTPTestServer.Response {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        var out = ""
        for line in prompt.split(separator: "\n") where line.hasPrefix("## Work ") {
            let id = line.dropFirst("## Work ".count)
            out += "=== WORK \(id) ===\nsrc/export_\(id.prefix(8)).py\n```python\ndef export():\n    return 'id,email'\n```\n\n"
        }
        let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "test-model",
                                   "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": out]]],
                                   "usage": ["prompt_tokens": 700, "completion_tokens": 60, "total_tokens": 760]]
        return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    static func accounting(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try Tier5CommandTests.pass(result)["accounting"] as? [String: Any])
    }

    /// A feature whose tasks name the files to change gets no scaffold: a starter template's
    /// invented path (`src/f_002_delete/t001_….py`) would compete with the module the task
    /// names. The work reaches the model as it is, counted neither scaffolded nor avoided.
    @Test func aFeatureWhoseTasksNameTheirFilesGetsNoScaffold() throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let fixture = try Self.project(provider: server)
        try fixture.write("specs/002-delete/tasks.md", "# Tasks: Delete\n\n- [ ] T001 Add delete() to src/app.py\n- [ ] T002 Test delete() in tests/test_app.py\n")
        try fixture.commit("Tasks for delete")
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        let prompts = server.requests.map(\.text)
        let delete = try #require(prompts.first { $0.contains("T001") }, "\(prompts)")
        #expect(!delete.contains("src/f_002_delete"), "\(delete)")
        #expect(!delete.contains("pending: T001"), "\(delete)")
        #expect(delete.contains("print('app')"), "the named file's content is shown")
        let items = try #require(try Tier5CommandTests.pass(result)["items"] as? [[String: Any]])
        let tasks = items.filter { ($0["subject"] as? String ?? "").contains("specs/002-delete") }
        #expect(tasks.count == 2 && tasks.allSatisfy { $0["scaffold"] == nil && $0["tier"] as? String == "llm" }, "\(tasks)")
        // The other feature (no file named) keeps its scaffolds.
        #expect(try Self.accounting(result)["scaffolded"] as? Int == 2)
    }

    @Test func withAProviderNewRequirementsReachTheModelWithTheScaffoldAndNothingIsAvoided() throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let fixture = try Self.project(provider: server)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests
        #expect(requests.count == 1, "both requirements in one call")
        let prompt = try #require(requests.first?.text)
        // The scaffold's content is in the request: the pending tests and the stub's path.
        #expect(prompt.contains("tests/test_f_001_export_us1_export_users.py"), "\(prompt)")
        #expect(prompt.contains("@pytest.mark.skip(reason=\\\"pending: US1 criterion 1\\\")"), "\(prompt)")
        #expect(prompt.contains("src/f_001_export/us1_export_users.py"), "\(prompt)")
        let pass = try Tier5CommandTests.pass(result)
        let items = try #require(pass["items"] as? [[String: Any]])
        #expect(items.map { $0["tier"] as? String } == ["llm", "llm"], "\(items)")
        #expect(items.allSatisfy { ($0["scaffold"] as? [String])?.count == 2 }, "\(items)")
        // What landed is the model's, not the stub.
        let landed = try SyncCommandTests.resultsFiles(fixture)
        #expect(landed.allSatisfy { $0.hasPrefix("src/export_") }, "\(landed)")
        let accounting = try Self.accounting(result)
        #expect((accounting["avoided"] as? [String: Int] ?? [:])["template"] == nil, "\(accounting)")
        #expect(accounting["scaffolded"] as? Int == 2)
        #expect(accounting["callsMade"] as? Int == 1)
        let status = try AutodevBinary.run(["status"], in: fixture.path).stdout
        #expect(status.contains("2 scaffolded"), "\(status)")
    }

    @Test func withoutAProviderTheScaffoldIsWrittenOutWithTheRequest() throws {
        let fixture = try Self.project(provider: nil)
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil, "no stub lands")
        let folder = fixture.path + "/.auto-dev/loop/pending"
        let requests = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
        #expect(requests.count == 2)
        let texts = try requests.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
        #expect(texts.allSatisfy { $0.contains("a scaffold, not an answer") && $0.contains("Generated by autodev as a starting point") }, "\(texts)")
        let accounting = try Self.accounting(result)
        #expect(accounting["offlineRequests"] as? Int == 2 && accounting["scaffolded"] as? Int == 2)
        #expect((accounting["avoided"] as? [String: Int] ?? [:]).isEmpty, "\(accounting)")
    }

    /// Offline too: the written request of work whose feature names its files holds no scaffold.
    @Test func withoutAProviderAFeatureWhoseTasksNameTheirFilesIsWrittenOutWithoutAScaffold() throws {
        let fixture = try Self.project(provider: nil)
        try fixture.write("specs/002-delete/tasks.md", "# Tasks: Delete\n\n- [ ] T001 Add delete() to src/app.py\n")
        try fixture.commit("Tasks for delete")
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let folder = fixture.path + "/.auto-dev/loop/pending"
        let texts = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
            .map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
        let delete = try #require(texts.first { $0.contains("T001") }, "\(texts)")
        #expect(!delete.contains("a scaffold, not an answer") && !delete.contains("src/f_002_delete"), "\(delete)")
        #expect(texts.filter { $0.contains("a scaffold, not an answer") }.count == 2, "the other feature keeps its scaffolds")
        #expect(try Self.accounting(result)["scaffolded"] as? Int == 2)
    }

    @Test(arguments: [("true", true), ("false", false)])
    func anAnswerTemplateSettlesWorkOnlyWhenTheCheckPassesIt(_ check: String, _ passes: Bool) throws {
        let fixture = try Self.project(provider: nil, templateKind: "answer", check: check)
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let items = try #require(try Tier5CommandTests.pass(result)["items"] as? [[String: Any]])
        let accounting = try Self.accounting(result)
        if passes {
            #expect(items.allSatisfy { $0["tier"] as? String == "template" && ($0["outcome"] as? String ?? "").contains("validation passed") }, "\(items)")
            #expect((accounting["avoided"] as? [String: Int])?["template"] == 2, "\(accounting)")
            #expect(try SyncCommandTests.resultsFiles(fixture).count == 4)
        } else {
            // `false` fails on the processed commit too: no baseline to pass, the template is a scaffold.
            #expect(items.allSatisfy { $0["tier"] as? String == "offline" }, "\(items)")
            #expect((accounting["avoided"] as? [String: Int] ?? [:]).isEmpty && accounting["scaffolded"] as? Int == 2, "\(accounting)")
        }
    }

    @Test func anAnswerTemplateWithoutACheckIsAScaffold() throws {
        let fixture = try Self.project(provider: nil, templateKind: "answer", check: "")
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let accounting = try Self.accounting(result)
        #expect((accounting["avoided"] as? [String: Int] ?? [:]).isEmpty && accounting["scaffolded"] as? Int == 2, "\(accounting)")
    }
}
