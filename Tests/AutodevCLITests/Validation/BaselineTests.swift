import AutodevTestSupport
import Foundation
import Testing

/// The validation gate knows the baseline: the processed commit's own result. HEAD has one
/// unrelated failing test (`unrelated`, red until `fixed.txt` exists); a model on a real HTTP
/// server on 127.0.0.1 answers. With a JUnit report the work lands and no round is spent on the
/// unrelated failure; without one no call is made and `status` says why.
@Suite struct BaselineTests {
    /// The project's check: writes junit.xml with two tests and fails when one of them fails.
    /// `unrelated` fails while fixed.txt is missing; `no_broken` fails when a source says BROKEN.
    static let check = """
        #!/bin/sh
        u='<testcase classname="suite" name="unrelated"/>'
        [ -f fixed.txt ] || { u='<testcase classname="suite" name="unrelated"><failure message="unrelated is red"/></testcase>'; echo 'FAILED suite.unrelated - unrelated is red'; }
        b='<testcase classname="suite" name="no_broken"/>'
        if grep -rq BROKEN Sources 2>/dev/null; then
          b='<testcase classname="suite" name="no_broken"><failure message="BROKEN found in Sources"/></testcase>'
          echo 'FAILED suite.no_broken - BROKEN found in Sources'
        fi
        printf '<testsuite name="all">%s%s</testsuite>\\n' "$u" "$b" > junit.xml
        if grep -q '<failure' junit.xml; then exit 1; fi
        echo 'all passed'

        """

    /// Answers each `## Work` section with a Swift file; the first `broken` answers say BROKEN.
    final class Model: @unchecked Sendable {
        let lock = NSLock()
        var brokenAnswers: Int
        init(brokenAnswers: Int = 0) { self.brokenAnswers = brokenAnswers }

        func reply(_ request: HTTPTestServer.Request) -> HTTPTestServer.Response {
            let messages = request.json()?["messages"] as? [[String: Any]] ?? []
            let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
            lock.lock()
            let broken = brokenAnswers > 0
            if broken { brokenAnswers -= 1 }
            lock.unlock()
            var out = ""
            for line in prompt.split(separator: "\n") where line.hasPrefix("## Work ") {
                let id = line.dropFirst("## Work ".count)
                out += "=== WORK \(id) ===\nSources/Generated/W\(id.prefix(8)).swift\n```swift\nenum W\(id.prefix(8)) {}\(broken ? " // BROKEN" : "")\n```\n\n"
            }
            let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "test-model",
                                       "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": out.isEmpty ? "OK" : out]]],
                                       "usage": ["prompt_tokens": 500, "completion_tokens": 40, "total_tokens": 540]]
            return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
        }
    }

    static let environment = ["TEST_LLM_KEY": "k"]

    /// An adopted project whose check fails on HEAD (the unrelated test), then a new requirement.
    static func project(server: HTTPTestServer, report: Bool) throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("Package.swift", "// swift-tools-version: 6.0\n")
        try fixture.write("check.sh", check)
        try fixture.write("config/autodev.toml", """
            \(server.providerTable())

            [validate]
            command = "sh check.sh"
            \(report ? "report = \"junit.xml\"" : "")
            """)
        try fixture.commit("Set up, with a test that already fails")
        #expect(try SyncCommandTests.sync(fixture, environment: environment).status == 0)  // adopts
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in\n")
        try fixture.commit("Specify audit")
        return fixture
    }

    /// The requests that carried work (not doctor's probe).
    static func work(_ server: HTTPTestServer) -> [HTTPTestServer.Request] {
        server.requests.filter { $0.text.contains("## Work") }
    }

    static func state(_ fixture: GitFixture) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/state.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func withAReportTheItemLandsAndNoRoundIsSpentOnTheUnrelatedFailure() throws {
        let model = Model()
        let server = try HTTPTestServer(handler: model.reply)
        let fixture = try Self.project(server: server, report: true)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: Self.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.count == 1, "one call, no feedback round on the unrelated failure")
        let files = try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"])
        #expect(files.split(separator: "\n").count == 1, "\(result.stdout)")
        let baseline = try #require(try Self.state(fixture)["validationBaseline"] as? [String: Any])
        #expect(baseline["passed"] as? Bool == false)
        #expect((baseline["failures"] as? [String])?.count == 1, "\(baseline)")
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("answers are judged against its 1 failing test (junit.xml)"), "\(status.stdout)")
    }

    @Test func aTestTheAnswerBreaksGoesBackAloneAndTheFixLands() throws {
        let model = Model(brokenAnswers: 1)
        let server = try HTTPTestServer(handler: model.reply)
        let fixture = try Self.project(server: server, report: true)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: Self.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests
        #expect(requests.count == 2, "the answer, then one round for the test it broke")
        let feedback = try #require(requests.last?.text)
        #expect(feedback.contains("suite.no_broken") && feedback.contains("BROKEN found in Sources"), "\(feedback)")
        #expect(!feedback.contains("suite.unrelated") && !feedback.contains("unrelated is red"), "the baseline's failure is not the model's to fix")
        let file = try #require(try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"])
            .split(separator: "\n").first)
        #expect(!(try fixture.git(["show", "autodev/results:\(file)"])).contains("BROKEN"))
    }

    @Test func withoutAReportARedBaselineSpendsNoCallUntilItIsGreen() throws {
        let model = Model()
        let server = try HTTPTestServer(handler: model.reply)
        let fixture = try Self.project(server: server, report: false)
        let first = try SyncCommandTests.sync(fixture, ["--json"], environment: Self.environment)
        #expect(first.status == 0, "a red baseline is no failure of the run: \(first.stderr)")
        #expect(first.stdout.contains("1 piece of work for the model waits, no call made: the project's check fails"), "\(first.stdout)")
        #expect(server.requests.isEmpty)
        #expect(try Tier5CommandTests.pass(first)["pending"] as? Int == 1)
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("waits, the project's check fails on the processed commit without autodev's changes"), "\(status.stdout)")
        #expect(status.stdout.contains("fix it or set [validate] report"), "\(status.stdout)")
        #expect(status.stdout.contains("baseline: `sh check.sh` fails on the processed commit"), "\(status.stdout)")
        #expect(status.stdout.contains("| FAILED suite.unrelated - unrelated is red"), "its output is shown: \(status.stdout)")
        let doctor = try AutodevBinary.run(["doctor"], in: fixture.path, environment: Self.environment)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("baseline: `sh check.sh` fails") && doctor.stdout.contains("unrelated is red"), "\(doctor.stdout)")

        // The same tree: the baseline is not run again, and still nothing is sent.
        let before = try #require(try Self.state(fixture)["validationBaseline"] as? [String: Any])
        let second = try SyncCommandTests.sync(fixture, ["--json"], environment: Self.environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(Self.work(server).isEmpty, "doctor's probe is the only request")
        let after = try #require(try Self.state(fixture)["validationBaseline"] as? [String: Any])
        #expect(after["at"] as? Int == before["at"] as? Int && after["tree"] as? String == before["tree"] as? String)

        // Green again: the work goes to the model and lands.
        try fixture.write("fixed.txt", "fixed\n")
        try fixture.commit("Fix the unrelated test")
        let third = try SyncCommandTests.sync(fixture, ["--json"], environment: Self.environment)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(Self.work(server).count == 1)
        #expect(!(try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"])).isEmpty)
        let green = try #require(try Self.state(fixture)["validationBaseline"] as? [String: Any])
        #expect(green["passed"] as? Bool == true)
        #expect(!(try AutodevBinary.run(["status"], in: fixture.path).stdout.contains("baseline:")))
    }
}
