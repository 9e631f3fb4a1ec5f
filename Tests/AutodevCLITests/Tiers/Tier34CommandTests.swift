import AutodevTestSupport
import Foundation
import Testing

/// Tiers 3 and 4 end to end: the built binary, a `command` provider that counts its calls (a
/// real subprocess around scripts/demo-model), the project's own check as the validation gate,
/// and the answer cache in `.auto-dev/cache/answers.sqlite`.
@Suite struct Tier34CommandTests {
    /// Uploads of one kind: 50 words, so a one-word change leaves J ≈ 0.9 on word pairs. The
    /// words that differ come first: demo-model writes the first 120 characters.
    static func requirement(_ key: String, bucket: String = "storage", comparison: String = "larger") -> String {
        "- **\(key)**: \(bucket.prefix(1).uppercased() + bucket.dropFirst()) uploads \(comparison) than the configured limit MUST be rejected with a clear message that names the file, its size and the limit, and a rejected upload MUST leave no partial file behind in the bucket of the project, so that a retry of the same upload starts from a clean state\n"
    }

    /// A provider around demo-model that appends a line to `calls.log` per call and writes the
    /// size check the requirement asks for (`size > limit` for "larger", `size < limit` for
    /// "smaller"): a comment adaptation cannot fix by replacing words.
    /// With `shared`, every answer writes one path, `Sources/Generated/Shared.swift`, whatever the
    /// requirement: a reused answer's path then cannot be adapted to the new feature.
    static func project(shared: Bool = false) throws -> GitFixture {
        let fixture = try GitFixture()
        let provider = fixture.path + "/../counting-model"
        let path = shared ? "s|^Sources/Generated/.*\\.swift$|Sources/Generated/Shared.swift|" : "s|^Sources/Generated/[^/]*/|Sources/Generated/|"
        try Executable.write("""
            #!/bin/sh
            request=$(cat)
            echo call >> "\(fixture.path)/../calls.log"
            case $request in *"uploads smaller than"*) op="<" ;; *) op=">" ;; esac
            printf '%s\\n' "$request" | "\(Tier5CommandTests.model)" | sed -e "\(path)" -e "s|^public enum|// rejects when size $op limit\\npublic enum|"
            """, to: provider, mode: "755")
        try fixture.write("Package.swift", "// swift-tools-version: 6.0\n")
        try fixture.write("check.sh", "! grep -rq BROKEN Sources\n")
        try fixture.write("config/autodev.toml", """
            [[llm.providers]]
            name = "counting"
            kind = "command"
            command = "\(provider)"
            model = "demo-model"
            input_price_per_mtok = 3.0
            output_price_per_mtok = 15.0

            [validate]
            command = "sh check.sh"
            """)
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        return fixture
    }

    static func calls(_ fixture: GitFixture) -> Int {
        ((try? String(contentsOfFile: fixture.path + "/../calls.log", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    static func accounting(_ pass: [String: Any]) throws -> [String: Any] {
        try #require(pass["accounting"] as? [String: Any])
    }

    /// A similar answer whose path was not adapted writes a file another feature generated: not
    /// merged (the gate passed it as it is), not refused run after run — the model is asked, on
    /// the accumulated tree, and its answer lands; the next sync exits 0 with nothing to do.
    @Test func aReuseOnAnotherFeaturesFileGoesToTheModelInsteadOfFailingEveryRun() throws {
        let fixture = try Self.project(shared: true)
        try fixture.write("specs/001-uploads/spec.md", "# Uploads\n\n" + Self.requirement("FR-001"))
        try fixture.commit("Specify uploads")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(Self.calls(fixture) == 1)
        try fixture.write("specs/002-avatars/spec.md", "# Avatars\n\n" + Self.requirement("FR-002", bucket: "avatar"))
        try fixture.commit("Specify avatars")
        let second = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(second.status == 0, "\(second.stderr)")
        let pass = try Tier5CommandTests.pass(second)
        #expect((pass["items"] as? [[String: Any]])?.map { $0["tier"] as? String } == ["llm"], "\(pass)")
        #expect(Self.calls(fixture) == 2)
        #expect(try Self.accounting(pass)["falseReuses"] as? [String: Int] == ["similar": 1])
        #expect(try fixture.git(["show", "autodev/results:Sources/Generated/Shared.swift"]).contains("FR_002"))
        let third = try SyncCommandTests.sync(fixture)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(Self.calls(fixture) == 2)
    }

    @Test func aNearDuplicateThatPassesValidationIsReusedAndAHardNegativeFallsThroughAsAFalseReuse() throws {
        let fixture = try Self.project()
        try fixture.write("specs/001-uploads/spec.md", "# Uploads\n\n" + Self.requirement("FR-001"))
        try fixture.commit("Specify uploads")
        let first = try Tier5CommandTests.pass(try SyncCommandTests.sync(fixture, ["--json"]))
        #expect((first["items"] as? [[String: Any]])?.map { $0["tier"] as? String } == ["llm"], "\(first)")
        #expect(Self.calls(fixture) == 1)

        // One word changed, in another spec folder; the project's check wants the new words.
        // (The check is committed first: a spec committed with code counts as implemented. It
        // passes while the file is absent: a check red on the processed commit holds work back.)
        try fixture.write("check.sh", "! grep -rq BROKEN Sources && { [ ! -f Sources/Generated/FR_002.swift ] || grep -q 'Avatar uploads larger' Sources/Generated/FR_002.swift; }\n")
        try fixture.commit("Check avatars")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        try fixture.write("specs/002-avatars/spec.md", "# Avatars\n\n" + Self.requirement("FR-002", bucket: "avatar"))
        try fixture.commit("Specify avatars")
        let second = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(second.status == 0, "\(second.stderr)")
        let pass = try Tier5CommandTests.pass(second)
        let items = try #require(pass["items"] as? [[String: Any]])
        #expect(items.map { $0["tier"] as? String } == ["similar"], "\(items)")
        #expect((items.first?["outcome"] as? String ?? "").contains("validation passed"), "\(items)")
        #expect(Self.calls(fixture) == 1, "no call for the near-duplicate")
        let adapted = try fixture.git(["show", "autodev/results:Sources/Generated/FR_002.swift"])
        #expect(adapted.contains("enum FR_002") && adapted.contains("Avatar uploads larger") && !adapted.contains("Storage"), "\(adapted)")
        var counted = try Self.accounting(pass)
        #expect(counted["avoided"] as? [String: Int] == ["similar": 1], "\(counted)")
        #expect(counted["callsMade"] as? Int == 0)
        #expect((counted["costSaved"] as? Double ?? 0) > 0)

        // A condition reversed: alike in words, wrong in code. The adapted answer fails the
        // check, the model is asked, and the miss is counted.
        try fixture.write("check.sh", "! grep -rq BROKEN Sources && { [ ! -f Sources/Generated/FR_003.swift ] || grep -q 'size < limit' Sources/Generated/FR_003.swift; }\n")
        try fixture.commit("Check imports")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        try fixture.write("specs/003-imports/spec.md", "# Imports\n\n" + Self.requirement("FR-003", comparison: "smaller"))
        try fixture.commit("Specify imports")
        let third = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(third.status == 0, "\(third.stderr)")
        let negative = try Tier5CommandTests.pass(third)
        #expect((negative["items"] as? [[String: Any]])?.map { $0["tier"] as? String } == ["llm"], "\(negative)")
        #expect(Self.calls(fixture) == 2)
        #expect(try fixture.git(["show", "autodev/results:Sources/Generated/FR_003.swift"]).contains("size < limit"))
        counted = try Self.accounting(negative)
        #expect(counted["falseReuses"] as? [String: Int] == ["similar": 1], "\(counted)")
        #expect(counted["avoided"] as? [String: Int] == [:], "\(counted)")
        let run = try #require(negative["run"] as? String)
        let log = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/decisions/\(run).jsonl", encoding: .utf8)
        #expect(log.contains("false reuse: the answer for FR-00"), "\(log)")

        // The totals: status --json, and the human status.
        let status = try AdoptionTests.json(try AutodevBinary.run(["status", "--json"], in: fixture.path))
        let total = try #require((status["metrics"] as? [String: Any])?["accounting"] as? [String: Any])
        #expect(total["workItems"] as? Int == 3 && total["naiveCalls"] as? Int == 3 && total["callsMade"] as? Int == 2, "\(total)")
        #expect(total["avoided"] as? [String: Int] == ["similar": 1] && total["falseReuses"] as? [String: Int] == ["similar": 1], "\(total)")
        let history = try AutodevBinary.run(["history"], in: fixture.path)
        #expect(history.stdout.contains("avoided 1/1"), "\(history.stdout)")
    }

    @Test func workRedoneAfterACrashIsAnsweredFromTheCacheWithoutACall() throws {
        let fixture = try Self.project()
        try fixture.write("specs/001-uploads/spec.md", "# Uploads\n\n" + Self.requirement("FR-001"))
        try fixture.commit("Specify uploads")
        let killed = try SyncCommandTests.sync(fixture, [], environment: ["AUTODEV_TEST_KILL_AT": "resolved"])
        #expect(killed.status == SIGKILL)
        #expect(Self.calls(fixture) == 1)
        let again = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let pass = try Tier5CommandTests.pass(again)
        #expect((pass["items"] as? [[String: Any]])?.map { $0["tier"] as? String } == ["cache"], "\(pass)")
        #expect(Self.calls(fixture) == 1, "the redo asked nothing")
        #expect(try Self.accounting(pass)["avoided"] as? [String: Int] == ["cache": 1])
        #expect(try fixture.git(["show", "autodev/results:Sources/Generated/FR_001.swift"]).contains("size > limit"))
        let stats = try AdoptionTests.json(try AutodevBinary.run(["cache", "stats", "--json"], in: fixture.path))
        #expect((stats["stats"] as? [String: Any])?["entries"] as? Int == 1)
        #expect((stats["stats"] as? [String: Any])?["uses"] as? Int == 1)
    }

    @Test func aKillDuringACacheWriteLeavesAReadableCacheAndTheWorkIsDoneNextRun() throws {
        let fixture = try Self.project()
        try fixture.write("specs/001-uploads/spec.md", "# Uploads\n\n" + Self.requirement("FR-001"))
        try fixture.commit("Specify uploads")
        let killed = try SyncCommandTests.sync(fixture, [], environment: ["AUTODEV_TEST_KILL_AT": "cache-write"])
        #expect(killed.status == SIGKILL)
        let stats = try AutodevBinary.run(["cache", "stats", "--json"], in: fixture.path)
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect((try AdoptionTests.json(stats)["stats"] as? [String: Any])?["entries"] as? Int == 0, "the write was not committed")
        let again = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect((try Tier5CommandTests.pass(again)["items"] as? [[String: Any]])?.map { $0["tier"] as? String } == ["llm"])
        #expect((try AdoptionTests.json(try AutodevBinary.run(["cache", "stats", "--json"], in: fixture.path))["stats"] as? [String: Any])?["entries"] as? Int == 1)
    }

    @Test func aChangedModelIsAnotherQuestionAndCacheClearEmptiesTheStore() throws {
        let fixture = try Self.project()
        try fixture.write("specs/001-uploads/spec.md", "# Uploads\n\n" + Self.requirement("FR-001"))
        try fixture.commit("Specify uploads")
        #expect(try SyncCommandTests.sync(fixture, [], environment: ["AUTODEV_TEST_KILL_AT": "resolved"]).status == SIGKILL)
        // Another model: the redo cannot use the answer cached for the first.
        let config = try String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)
        try config.replacingOccurrences(of: "model = \"demo-model\"", with: "model = \"demo-model-2\"")
            .write(toFile: fixture.path + "/config/autodev.toml", atomically: true, encoding: .utf8)
        let redo = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(redo.status == 0, "\(redo.stderr)")
        #expect((try Tier5CommandTests.pass(redo)["items"] as? [[String: Any]])?.map { $0["tier"] as? String } == ["llm"])
        #expect(Self.calls(fixture) == 2)
        let cleared = try AutodevBinary.run(["cache", "clear"], in: fixture.path)
        #expect(cleared.status == 0 && cleared.stdout.contains("cleared: 2 answers removed"), "\(cleared.stdout)\(cleared.stderr)")
        #expect(cleared.stdout.contains("answers: 0,"), "\(cleared.stdout)")
        let usage = try AutodevBinary.run(["cache", "wipe"], in: fixture.path)
        #expect(usage.status == 64 && usage.stderr.contains("stats, prune or clear"), "\(usage.stderr)")
    }
}
