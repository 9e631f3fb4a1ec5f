@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

@Suite struct InitStatusHistoryTests {
    @Test(arguments: [
        ("Package.swift", "// swift-tools-version: 6.0\n", "swift-pending-tests"),
        ("Cargo.toml", "[package]\nname = \"x\"\n", "rust-pending-tests"),
        ("package.json", "{}\n", "js-pending-tests"),
        ("pyproject.toml", "[project]\nname = 'x'\n", "python-pending-tests"),
        ("go.mod", "module example.com/x\n", "go-pending-tests"),
        ("README.md", "# x\n", "checklist"),
    ])
    func initWritesValidSettingsAndStarterTemplatesForTheLanguage(_ manifest: String, _ content: String, _ template: String) throws {
        let fixture = try GitFixture()
        try fixture.write(manifest, content)
        let result = try AutodevBinary.run(["init"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote config/templates/\(template).mustache"))
        // What init wrote is valid: the settings load, every template parses and renders.
        let settings = try String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)
        let config = try ConfigLoader.load(text: settings, file: "config/autodev.toml", environment: [:])
        #expect(config[.maxEventsPerRun] == 200)
        for key in ConfigSchema.keys where key.name != "version" {
            #expect(settings.contains("# \(key.name.split(separator: ".").last!) = "), "\(key.name)")
        }
        let folder = fixture.path + "/config/templates"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!names.isEmpty)
        let item = WorkItem(id: "w", eventId: "e", eventKind: .specificationChanged, priority: 50, path: "specs/001-x/spec.md",
                            detail: "added", action: .newImplementation, reason: "new", rule: "requirement-added",
                            requirement: .init(key: "US1", title: "Export \"users\"", text: "t", criteria: ["Given a, When b, Then c", "second"],
                                               spec: "specs/001-x/spec.md", format: .specKit, slug: "us1-export-users",
                                               textHash: "h", change: .added),
                            links: [], firstSeen: 0)
        for name in names {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            let parsed = try TemplateLibrary.parse(text, name: name, file: name)
            let library = TemplateLibrary(templates: [parsed])
            let (path, body) = library.render(parsed, for: item)
            #expect(!path.isEmpty && !path.contains("{{"), "\(name): \(path)")
            #expect(body.contains("US1"), "\(name)")
            #expect(body.contains("specs/001-x/spec.md"), "\(name)")
        }
        let ignore = try String(contentsOfFile: fixture.path + "/.gitignore", encoding: .utf8)
        #expect(ignore.contains(".auto-dev/"))
    }

    @Test(arguments: [
        (["pyproject.toml": "[project]\nname = 'x'\n"], "python3 -m pytest -q"),
        (["setup.py": "from setuptools import setup\nsetup()\n"], "python3 -m pytest -q"),
        (["setup.cfg": "[metadata]\nname = x\n"], "python3 -m pytest -q"),
        (["pytest.ini": "[pytest]\n"], "python3 -m pytest -q"),
        (["tests/test_app.py": "def test_x():\n    pass\n"], "python3 -m pytest -q"),
        (["Cargo.toml": "[package]\nname = \"x\"\n"], "cargo test"),
        (["Package.swift": "// swift-tools-version: 6.0\n"], "swift test"),
        (["go.mod": "module example.com/x\n"], "go test ./..."),
        (["package.json": #"{"name": "x", "scripts": {"test": "node --test"}}"#], "npm test"),
        (["package.json": #"{"name": "x", "scripts": {"test": "vitest run"}}"#, "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"], "pnpm test"),
        (["Makefile": "CC = cc\n\nall: app\n\ncheck test: app\n\t./run-tests\n"], "make test"),
        // A variable named test is not a target.
        (["Makefile": "test := yes\nall:\n\techo\n"], nil),
        // npm's default script only says there are no tests: no check.
        (["package.json": #"{"name": "x", "scripts": {"test": "echo \"Error: no test specified\" && exit 1"}}"#], nil),
        (["package.json": "{}\n"], nil),
        (["README.md": "# x\n"], nil),
    ] as [([String: String], String?)])
    func initWritesTheProjectsCheckAsTheValidationCommand(_ files: [String: String], _ expected: String?) throws {
        let fixture = try GitFixture()
        for (path, content) in files { try fixture.write(path, content) }
        let result = try AutodevBinary.run(["init"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let settings = try String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)
        let config = try ConfigLoader.load(text: settings, file: "config/autodev.toml", environment: [:])
        #expect(config[.validateCommand] == (expected ?? ""), "\(files.keys)")
        // No starter template answers work: each is a scaffold.
        let folder = fixture.path + "/config/templates"
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let parsed = try TemplateLibrary.parse(try String(contentsOfFile: folder + "/" + name, encoding: .utf8), name: name, file: name)
            #expect(!parsed.isAnswer, "\(name)")
        }
    }

    /// What a new user sees: the check it set and where it came from, three next steps, and a
    /// .gitignore that points at nothing the user lacks; no question asked, with no terminal
    /// and CI set.
    @Test func initSaysTheCheckAndTheNextStepsAndAsksNothing() throws {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = \"x\"\n")
        let result = try AutodevBinary.run(["init"], in: fixture.path, environment: ["CI": "true"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\nthe check: python3 -m pytest -q (found from pyproject.toml)"), "\(result.stdout)")
        let next = try #require(result.stdout.components(separatedBy: "\nNext:\n").last)
        #expect(next.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces).prefix(3) } == ["1. ", "2. ", "3. "], "\(next)")
        #expect(next.contains("[[llm.providers]]") && next.contains("autodev hooks install") && next.contains("autodev/results"))
        // Every path the .gitignore's comments name exists in the user's repository.
        let ignore = try String(contentsOfFile: fixture.path + "/.gitignore", encoding: .utf8)
        for line in ignore.split(separator: "\n") where line.hasPrefix("#") {
            for word in line.split(separator: " ") where word.contains("/") {
                let path = word.trimmingCharacters(in: CharacterSet(charactersIn: "(),;:"))
                #expect(FileManager.default.fileExists(atPath: fixture.path + "/" + path), "\(line) names \(path)")
            }
        }
        #expect(ignore.hasSuffix(".auto-dev/\n"))
        // Without a check, it says what to set.
        let bare = try GitFixture()
        let none = try AutodevBinary.run(["init"], in: bare.path)
        #expect(none.stdout.contains("no check found: set [validate] command in config/autodev.toml"), "\(none.stdout)")
    }

    @Test func initIsIdempotentAndNeverOverwritesAChangedFile() throws {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\n")
        #expect(try AutodevBinary.run(["init"], in: fixture.path).status == 0)
        try fixture.write("config/patterns.toml", "# mine\n")
        let again = try AutodevBinary.run(["init"], in: fixture.path)
        #expect(again.status == 0)
        #expect(again.stdout.contains("kept config/patterns.toml"))
        #expect(again.stdout.contains("unchanged config/autodev.toml"))
        #expect(!again.stdout.contains("wrote"))
        #expect(try String(contentsOfFile: fixture.path + "/config/patterns.toml", encoding: .utf8) == "# mine\n")
        let ignore = try String(contentsOfFile: fixture.path + "/.gitignore", encoding: .utf8)
        #expect(ignore.split(separator: "\n").filter { $0 == ".auto-dev/" }.count == 1)
    }

    @Test func statusAndHistoryDescribeTheRuns() throws {
        let fixture = try SyncCommandTests.project()
        let before = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(before.stdout.contains("1 commit behind HEAD"))
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("0 commits behind HEAD"))
        #expect(status.stdout.contains("loop: idle"))
        #expect(status.stdout.contains("results: autodev/results at"))
        #expect(status.stdout.contains("1 commit not merged into HEAD"))
        // Two new requirements answered by templates; the base run's skips are no avoided call.
        #expect(status.stdout.contains("LLM calls: 2 avoided (work answered by patterns, templates, the cache and similar answers), 0 requested"), "\(status.stdout)")

        let list = try AutodevBinary.run(["history", "--json"], in: fixture.path)
        let runs = try #require(try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]])
        let latest = try #require(runs.first { ($0["resultsCommit"] as? String) != nil && ($0["decisions"] as? [String: Int])?["newImplementation"] == 2 })
        let id = try #require(latest["id"] as? String)
        let shown = try AutodevBinary.run(["history", "show", id], in: fixture.path)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("newImplementation US1 (specs/001-export/spec.md) [template]"))
        #expect(shown.stdout.contains("tests/test_f_001_export_us1_export_users.py"))
        let missing = try AutodevBinary.run(["history", "show", "run-nope"], in: fixture.path)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no run 'run-nope'"))
    }

    @Test func aGeneratedFileChangedOnTheBranchIsReportedAsAConflictAndKept() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        // A person writes the same path differently on the branch, without merging the results.
        try fixture.write("tests/test_f_001_export_us1_export_users.py", "# mine\n")
        try fixture.write("specs/001-export/spec.md", SyncCommandTests.spec.replacingOccurrences(of: "only a header", with: "only a header row"))
        try fixture.commit("Edit the story and write its test by hand")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conflict: tests/test_f_001_export_us1_export_users.py"), "\(result.stdout)")
        #expect(try fixture.git(["show", "autodev/results:tests/test_f_001_export_us1_export_users.py"]).contains("pending"))
    }

    @Test func configEffectiveShowsEachValueAndWhereItComesFrom() throws {
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", "version = 1\n\n[loop]\nmax_concurrent_tasks = 2\n")
        let result = try AutodevBinary.run(["config", "--effective", "--json"], in: fixture.path,
                                           environment: ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "7"])
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: [String: String]])
        #expect(entries["loop.max_events_per_run"] == ["value": "7", "source": "environment AUTODEV_LOOP_MAX_EVENTS_PER_RUN"])
        #expect(entries["loop.max_concurrent_tasks"] == ["value": "2", "source": "config/autodev.toml:4"])
        #expect(entries["loop.results_branch"] == ["value": "\"autodev/results\"", "source": "default"])
        #expect(entries.count == ConfigSchema.keys.count)
    }

    @Test func earlierGeneratedWorkChangedOnTheBranchIsAConflictInALaterRun() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        try fixture.write("tests/test_f_001_export_us1_export_users.py", "# mine\n")
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        try fixture.commit("A hand-written test where autodev's was, and an unrelated spec")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conflict: tests/test_f_001_export_us1_export_users.py: changed on the branch"), "\(result.stdout)")
        #expect(try fixture.git(["show", "autodev/results:tests/test_f_001_export_us1_export_users.py"]).contains("pending"))
        #expect(try fixture.git(["show", "autodev/results:tests/test_f_002_import_fr_001_system_must_import_csv_files.py"]).contains("FR-001"))
    }

    @Test func statusAndTheRunRecordCountWorkItemsSkipsByRuleAndOnlyLandedWorkAsAvoided() throws {
        let fixture = try SyncCommandTests.project()  // adds a spec: two requirements for the templates
        try fixture.write("src/app.py", "print('app, edited by a person')\n")
        try fixture.write("config/patterns.toml", "[[pattern]]\nname = \"no headers\"\ntext = \"header row\"\nthen = \"skip\"\nreason = \"headers come free\"\n")
        try fixture.commit("A person's code change and a pattern")
        try fixture.write("tests/test_api.py", "def test_lists_users():\n    pass\n")
        try fixture.commit("A new test, on its own")
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")

        // The oracle: the run's decision log, line by line.
        let list = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["history", "--json"], in: fixture.path).stdoutData) as? [[String: Any]])
        let runID = try #require(list.first?["id"] as? String)
        let shown = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["history", "show", runID, "--json"], in: fixture.path).stdoutData) as? [String: Any])
        let log = try #require(shown["decisions"] as? [[String: Any]])
        let skipped = log.filter { $0["action"] as? String == "skip" }
        let skipsByRule = Dictionary(grouping: skipped, by: { $0["rule"] as? String ?? "" }).mapValues(\.count)
        let answered = log.filter { ["pattern", "template"].contains($0["tier"] as? String ?? "")
            && !["reload", "validate", "skip"].contains($0["action"] as? String ?? "") }
        #expect(skipsByRule["human-change"] == 1, "\(skipsByRule)")
        #expect(answered.count == 2, "both settled by the pattern's skip: \(log)")
        // Only work that landed (wrote files) without a call is an avoided call; a skip lands nothing.
        let landed = answered.filter { !($0["files"] as? [String] ?? []).isEmpty }
        #expect(landed.isEmpty)
        let run = try #require(shown["run"] as? [String: Any])
        #expect(run["workItems"] as? Int == log.count - skipped.count)
        #expect(run["skips"] as? [String: Int] == skipsByRule)
        #expect(run["llmCallsAvoided"] as? Int == landed.count, "\(answered)")

        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        let metrics = try #require(status["metrics"] as? [String: Any])
        #expect(metrics["llmCallsAvoided"] as? Int == landed.count)  // the base run answered nothing
        #expect(metrics["llmRequests"] as? Int == 1)                   // the new test
        let allSkips = metrics["skips"] as? [String: Int] ?? [:]
        #expect(allSkips["human-change"] == 1)
        #expect((allSkips["adopted-baseline"] ?? 0) > 0, "\(allSkips)")
        #expect(metrics["workItems"] as? Int == log.count - skipped.count)  // the base run's were all skips
        let human = try AutodevBinary.run(["status"], in: fixture.path).stdout
        #expect(human.contains("LLM calls: \(landed.count) avoided (work answered by patterns, templates, the cache and similar answers), 1 requested"), "\(human)")
        #expect(human.contains("work items: \(log.count - skipped.count) over 2 runs; skips: "), "\(human)")
        #expect(human.contains("1 human-change"), "\(human)")
    }

    @Test func aVersion1MetricsFileLoadsWithHonestCounts() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let path = fixture.path + "/.auto-dev/loop/metrics.json"
        // What version 1 wrote: every skip counted as an avoided call (7 + 1 + 2).
        try #"{"schemaVersion": 1, "runs": 3, "events": 12, "decisions": {"skip": 7, "reload": 1, "newImplementation": 2},"#
            .appending(#" "tiers": {"pattern": 1, "template": 2}, "llmCallsAvoided": 10, "llmRequests": 0, "countedRuns": []}"#)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        let metrics = try #require(status["metrics"] as? [String: Any])
        #expect(metrics["llmCallsAvoided"] as? Int == 2)  // the templates' two; the pattern tier settled the reload
        #expect(metrics["workItems"] as? Int == 3)
        #expect(metrics["runs"] as? Int == 3)
        // The next run adds to it instead of setting it aside.
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        try fixture.commit("Specify import")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("set aside"), "\(result.stderr)")
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(saved["schemaVersion"] as? Int == 2)
        #expect(saved["runs"] as? Int == 4)
        #expect(saved["llmCallsAvoided"] as? Int == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop").filter { $0.contains("corrupt") }.isEmpty)
    }
}
