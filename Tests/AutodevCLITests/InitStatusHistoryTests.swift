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
        #expect(config.int("loop.max_events_per_run") == 200)
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
        // Two new requirements answered by templates, and the base run's skips: no LLM request.
        #expect(status.stdout.contains(" avoided (skips, patterns, templates), 0 requested, over 2 runs"), "\(status.stdout)")

        let list = try AutodevBinary.run(["history", "--json"], in: fixture.path)
        let runs = try #require(try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]])
        let latest = try #require(runs.first { ($0["resultsCommit"] as? String) != nil && ($0["decisions"] as? [String: Int])?["newImplementation"] == 2 })
        let id = try #require(latest["id"] as? String)
        let shown = try AutodevBinary.run(["history", "show", id], in: fixture.path)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("newImplementation US1 (specs/001-export/spec.md) [template]"))
        #expect(shown.stdout.contains("tests/test_us1_export_users.py"))
        let missing = try AutodevBinary.run(["history", "show", "run-nope"], in: fixture.path)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no run 'run-nope'"))
    }

    @Test func aGeneratedFileChangedOnTheBranchIsReportedAsAConflictAndKept() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        // A person writes the same path differently on the branch, without merging the results.
        try fixture.write("tests/test_us1_export_users.py", "# mine\n")
        try fixture.write("specs/001-export/spec.md", SyncCommandTests.spec.replacingOccurrences(of: "only a header", with: "only a header row"))
        try fixture.commit("Edit the story and write its test by hand")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conflict: tests/test_us1_export_users.py"), "\(result.stdout)")
        #expect(try fixture.git(["show", "autodev/results:tests/test_us1_export_users.py"]).contains("pending"))
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
        try fixture.write("tests/test_us1_export_users.py", "# mine\n")
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        try fixture.commit("A hand-written test where autodev's was, and an unrelated spec")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conflict: tests/test_us1_export_users.py: changed on the branch"), "\(result.stdout)")
        #expect(try fixture.git(["show", "autodev/results:tests/test_us1_export_users.py"]).contains("pending"))
        #expect(try fixture.git(["show", "autodev/results:tests/test_fr_001_system_must_import_csv_files.py"]).contains("FR-001"))
    }
}
