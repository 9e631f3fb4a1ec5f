import AutodevTestSupport
import Foundation
import Testing

/// The README's quick start, as a new user walks it on a fresh Python project: autodev on the
/// PATH, `autodev init` (which finds pytest), a provider (a real HTTP server on 127.0.0.1),
/// `autodev hooks install`, a commit, and the result on the results branch, checked by the
/// project's real pytest in the sandbox, and merged.
@Suite struct QuickStartTests {
    /// Answers like a model: `src/calc.py` with `add` for every work item.
    static func reply(_ request: HTTPTestServer.Request) -> HTTPTestServer.Response {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        var answer = ""
        for line in prompt.split(separator: "\n") where line.hasPrefix("## Work ") {
            answer += "=== WORK \(line.dropFirst("## Work ".count)) ===\nsrc/calc.py\n```python\ndef add(a, b):\n    return a + b\n```\n\n"
        }
        let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "m",
                                   "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": answer.isEmpty ? "OK" : answer]]],
                                   "usage": ["prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940]]
        return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    @Test func theQuickStartOnAFreshPythonProject() throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let harness = try HooksCommandTests.Harness()   // autodev on the PATH, and a signal when a hook's sync ends
        let project = try GitFixture()
        try project.write("pyproject.toml", "[project]\nname = \"calc\"\nversion = \"0.1.0\"\n")
        try project.write("src/app.py", "print('calc')\n")
        try project.write("tests/test_app.py", "def test_app_exists():\n    import pathlib\n    assert pathlib.Path('src/app.py').exists()\n")
        try project.commit("A Python project")

        // init finds the check and says what to do next.
        let initialised = try AutodevBinary.run(["init"], in: project.path)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        #expect(initialised.stdout.contains("the check: python3 -m pytest -q (found from pyproject.toml)"), "\(initialised.stdout)")
        #expect(initialised.stdout.contains("2. autodev hooks install"))
        // A provider, as the settings' commented block shows it.
        let settings = try String(contentsOfFile: project.path + "/config/autodev.toml", encoding: .utf8)
        try project.write("config/autodev.toml", settings + """

            [[llm.providers]]
            name = "openai"
            kind = "openai"
            base_url = "\(server.baseURL)/v1"
            model = "gpt-4o-mini"
            api_key_env = "QUICKSTART_API_KEY"

            """)
        let key = ["QUICKSTART_API_KEY": "sk-quickstart"]
        let doctor = try AutodevBinary.run(["doctor"], in: project.path, environment: key)
        #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
        let probes = server.requests.count
        #expect(try HooksCommandTests.hooks(project, ["install"]).status == 0)

        // The first commit: the hook says what it does; the first sync adopts.
        #expect(try harness.git(project, ["add", "config", ".gitignore"]).status == 0)
        let first = try harness.git(project, ["commit", "-q", "-m", "Add autodev"], extra: key)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("autodev: syncing in the background → autodev status"), "\(first.stderr)")
        try harness.waitFor("sync --hook post-commit")

        // A spec: the next commit's sync asks the model, checks the answer with pytest, commits it.
        try project.write("specs/001-add/spec.md", "# Add\n\n## Requirements\n\n- **FR-001**: System MUST add two numbers with add(a, b) in src/calc.py.\n")
        #expect(try harness.git(project, ["add", "-A"]).status == 0)
        let second = try harness.git(project, ["commit", "-q", "-m", "Specify add"], extra: key)
        #expect(second.stderr.contains("autodev: syncing 1 commit in the background → autodev status"), "\(second.stderr)")
        try harness.waitFor("sync --hook post-commit\nsync --hook post-commit")
        let log = (try? String(contentsOfFile: project.path + "/.auto-dev/loop/hook.log", encoding: .utf8)) ?? ""
        #expect(server.requests.count == probes + 1, "\(log)")
        #expect(log.contains("answered by provider 'openai'; validation passed → src/calc.py"), "the real pytest passed it: \(log)")
        #expect(try project.git(["show", "autodev/results:src/calc.py"]).contains("def add(a, b):"), "\(log)")
        let status = try AutodevBinary.run(["status"], in: project.path)
        #expect(status.stdout.contains("results: autodev/results at "), "\(status.stdout)")
        #expect(status.stdout.contains(", 1 commit not merged into HEAD"), "\(status.stdout)")
        #expect(!status.stdout.contains("last sync failed"), "\(status.stdout)")
        let checked = try project.git(["log", "-1", "--format=%B", "autodev/results"])
        #expect(checked.contains("Autodev-Run: "), "\(checked)")

        // How to merge it: an ordinary merge; the project's tests pass on the result.
        #expect(try harness.git(project, ["merge", "-q", "--no-edit", "autodev/results"], extra: ["AUTODEV": "0"]).status == 0)
        let pytest = try Subprocess.run("/usr/bin/python3", ["-m", "pytest", "-q"], in: project.path)
        #expect(pytest.status == 0, "\(pytest.stdout)")
        #expect(FileManager.default.fileExists(atPath: project.path + "/src/calc.py"))
    }
}
