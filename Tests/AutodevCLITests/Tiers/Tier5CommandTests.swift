import AutodevTestSupport
import Foundation
import Testing

/// Tier 5 with a `command` provider (scripts/demo-model, a real subprocess): work no template
/// answers goes to the model, the answer becomes files on the results branch only when the
/// project's checks pass, and every call is recorded.
@Suite struct Tier5CommandTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/demo-model").path

    /// An adopted repository with a provider and a check that rejects the model's BROKEN line.
    static func project(validate: Bool = true, extra: String = "") throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("Package.swift", "// swift-tools-version: 6.0\n")
        try fixture.write("config/autodev.toml", """
            [[llm.providers]]
            name = "demo"
            kind = "command"
            command = "\(model)"
            model = "demo-model"
            input_price_per_mtok = 3.0
            output_price_per_mtok = 15.0
            \(extra)
            \(validate ? "[validate]\ncommand = \"! grep -rq BROKEN Sources\"\n" : "")
            """)
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in\n- **FR-002**: System MUST keep logs for 90 days\n")
        try fixture.commit("Specify audit")
        return fixture
    }

    static func pass(_ result: ProcessResult) throws -> [String: Any] {
        try #require((try AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first)
    }

    @Test func theModelsAnswerGoesOnTheResultsBranchAfterTheChecksPass() throws {
        let fixture = try Self.project()
        let before = try SyncCommandTests.userView(fixture)
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let pass = try Self.pass(result)
        let items = try #require(pass["items"] as? [[String: Any]])
        #expect(items.map { $0["tier"] as? String } == ["llm", "llm"], "\(items)")
        #expect(Set(items.flatMap { $0["files"] as? [String] ?? [] }) == ["Sources/Generated/F003_audit/FR_001.swift", "Sources/Generated/F003_audit/FR_002.swift"])
        // One batched call for the two requirements of one feature.
        let llm = try #require(pass["llm"] as? [String: Any])
        #expect(llm["calls"] as? Int == 1)
        #expect((llm["inputTokens"] as? Int ?? 0) > 0)
        let generated = try fixture.git(["show", "autodev/results:Sources/Generated/F003_audit/FR_001.swift"])
        #expect(generated.contains("System MUST log every sign-in"))
        let message = try fixture.git(["log", "-1", "--format=%B", "autodev/results"])
        #expect(message.contains("Autodev-Model: demo/demo-model"), "\(message)")
        #expect(message.contains("Autodev-Tokens: "))
        #expect(message.contains("Autodev-Cost: USD "))
        #expect(try SyncCommandTests.userView(fixture) == before)
        // The decision log has the call with its tokens and cost.
        let run = try #require(pass["run"] as? String)
        let log = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/decisions/\(run).jsonl", encoding: .utf8)
        let lines = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let calls = lines.compactMap { $0["calls"] as? [[String: Any]] }.flatMap { $0 }
        #expect(calls.count == 2 && calls.allSatisfy { $0["provider"] as? String == "demo" && ($0["cost"] as? Double ?? 0) > 0 })
    }

    @Test func aFailedCheckGoesBackToTheModelAndTheFixIsKept() throws {
        let fixture = try Self.project()
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["DEMO_MODEL_BREAK": "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let pass = try Self.pass(result)
        let items = try #require(pass["items"] as? [[String: Any]])
        #expect(items.allSatisfy { ($0["outcome"] as? String ?? "").contains("validation passed in round 2") }, "\(items)")
        #expect(!(try fixture.git(["show", "autodev/results:Sources/Generated/F003_audit/FR_001.swift"])).contains("BROKEN"))
        // The change's one step, then one feedback round for the whole change (not one per item).
        #expect((pass["llm"] as? [String: Any])?["calls"] as? Int == 2)
    }

    @Test func codeThatNeverPassesIsNotCommittedAndNotAskedForAgain() throws {
        let fixture = try Self.project(extra: "\n[loop.recovery]\nmax_retries = 0\n")
        // A model that never fixes: every answer is broken (the check's output is not quoted back).
        let env = ["DEMO_MODEL_BREAK": "1"]
        let first = try SyncCommandTests.sync(fixture, ["--json"], environment: env)
        #expect(first.status == 1, "\(first.stdout)")
        #expect(first.stderr.contains("failed validation"), "\(first.stderr)")
        #expect(throws: (any Error).self) { try fixture.git(["rev-parse", "--verify", "-q", "autodev/results"]) }
        let status = try AutodevBinary.run(["status", "--json"], in: fixture.path)
        #expect(status.stdout.contains("BROKEN") || status.stdout.contains("failedValidation"), "\(status.stdout)")
        // Nothing changed: the next run spends nothing on the same failure.
        let second = try SyncCommandTests.sync(fixture, ["--json"], environment: env)
        let pass = try Self.pass(second)
        #expect(pass["llm"] == nil, "\(pass)")
        #expect(pass["pending"] as? Int == 2)
        // A change to the requirement makes it worth another try.
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in and sign-out\n- **FR-002**: System MUST keep logs for 90 days\n")
        try fixture.commit("Sharpen FR-001")
        let third = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try fixture.git(["show", "autodev/results:Sources/Generated/F003_audit/FR_001.swift"]).contains("sign-out"))
    }

    @Test func aMalformedAnswerIsAskedAgainOnceThenTheWorkWaits() throws {
        let fixture = try Self.project(validate: false)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["DEMO_MODEL_GARBLE": "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("unusable twice"), "\(result.stderr)")
        let pass = try Self.pass(result)
        #expect(pass["pending"] as? Int == 2)
        #expect((pass["llm"] as? [String: Any])?["calls"] as? Int == 2)
        #expect(throws: (any Error).self) { try fixture.git(["rev-parse", "--verify", "-q", "autodev/results"]) }
        // The model recovers: the work is done from the queue, nothing lost.
        let again = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"]).split(separator: "\n").count == 2)
    }

    @Test func aProviderThatFailsLeavesTheWorkPendingWithItsMessage() throws {
        let fixture = try Self.project(validate: false)
        try fixture.write("config/autodev.toml", """
            [[llm.providers]]
            name = "broken"
            kind = "command"
            command = "echo 'model crashed' >&2; exit 3"
            """)
        try fixture.commit("Break the provider")
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("provider 'broken'") && result.stderr.contains("exited with status 3"), "\(result.stderr)")
        #expect(try Self.pass(result)["pending"] as? Int == 2)
    }
}

@Suite struct ValidationDecisionTests {
    @Test func aDependencyChangeRunsTheProjectsChecks() throws {
        let fixture = try GitFixture()
        try fixture.write("requirements.txt", "requests==2.31\n")
        try fixture.write("config/autodev.toml", "[validate]\ncommand = \"test -f ok.txt || { echo 'error: ok.txt is missing'; exit 1; }\"\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("requirements.txt", "requests==2.32\n")
        try fixture.commit("Bump requests")
        let failing = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("the project's checks fail"), "\(failing.stderr)")
        let items = try #require(try Tier5CommandTests.pass(failing)["items"] as? [[String: Any]])
        #expect(items.contains { ($0["outcome"] as? String ?? "").hasPrefix("validation failed: ") }, "\(items)")
        try fixture.write("ok.txt", "fine\n")
        try fixture.write("requirements.txt", "requests==2.32.3\n")
        try fixture.commit("Fix and bump again")
        let passing = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(passing.status == 0, "\(passing.stderr)")
        let after = try #require(try Tier5CommandTests.pass(passing)["items"] as? [[String: Any]])
        #expect(after.contains { ($0["outcome"] as? String ?? "").hasPrefix("validation passed") }, "\(after)")
    }

    /// A check whose program is not installed (`/bin/sh` exits 127, "not found") is a setting
    /// to fix, not a failure of every sync that touches a dependency file: the sync that finds
    /// it exits 2 with one message naming the program and what to do; later syncs exit 0 while
    /// `status` and `doctor` keep showing it; installing it (here: a check that runs) ends it.
    @Test func aCheckWhoseProgramIsMissingIsOneConfigurationMessageNotAFailureOfEverySync() throws {
        let fixture = try GitFixture()
        try fixture.write("package.json", "{\"name\": \"shop\", \"version\": \"1.0.0\"}\n")
        try fixture.write("config/autodev.toml", "[validate]\ncommand = \"autodev-no-such-tool-4711 test\"\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("package.json", "{\"name\": \"shop\", \"version\": \"1.0.1\"}\n")
        try fixture.commit("Bump the version")
        let first = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(first.status == 2, "\(first.stderr)")
        #expect(first.stderr.contains("`autodev-no-such-tool-4711` is not installed here"), "\(first.stderr)")
        #expect(first.stderr.contains("set [validate] command"), "\(first.stderr)")
        #expect(!first.stderr.contains("the project's checks fail"), "\(first.stderr)")
        let items = try #require(try Tier5CommandTests.pass(first)["items"] as? [[String: Any]])
        #expect(items.contains { ($0["outcome"] as? String ?? "").hasPrefix("not validated: ") }, "\(items)")
        // Reported once: the next dependency change is not another failure.
        try fixture.write("package.json", "{\"name\": \"shop\", \"version\": \"1.0.2\"}\n")
        try fixture.commit("Bump again")
        let second = try SyncCommandTests.sync(fixture)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("autodev: configuration:"), "\(second.stderr)")
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("`autodev-no-such-tool-4711` is not installed here"), "\(status.stdout)")
        let doctor = try AutodevBinary.run(["doctor"], in: fixture.path)
        #expect((doctor.stdout + doctor.stderr).contains("`autodev-no-such-tool-4711` is not installed here"), "\(doctor.stdout)")
        // A check that runs: the message is gone.
        try fixture.write("config/autodev.toml", "[validate]\ncommand = \"true\"\n")
        try fixture.write("package.json", "{\"name\": \"shop\", \"version\": \"1.0.3\"}\n")
        try fixture.commit("Use a check that runs here")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let fixed = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(!fixed.stdout.contains("is not installed here"), "\(fixed.stdout)")
    }

    @Test func aCommandProviderThatHangsIsKilledAtItsTimeoutAndTheWorkWaits() throws {
        let fixture = try Tier5CommandTests.project(validate: false)
        try fixture.write("config/autodev.toml", """
            [[llm.providers]]
            name = "slow"
            kind = "command"
            command = "sleep 600"
            timeout_seconds = 1
            """)
        try fixture.commit("A provider that hangs")
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("did not answer within 1 s"), "\(result.stderr)")
        #expect(try Tier5CommandTests.pass(result)["pending"] as? Int == 2)
        // Its process group is gone.
        let left = try Subprocess.run("/bin/sh", ["-c", "pgrep -f 'slee[p] 600' || true"]).stdout
        #expect(left.isEmpty, "\(left)")
    }
}
