import AutodevTestSupport
import Foundation
import Testing

/// `autodev sync` end to end: the built binary on real repositories.
@Suite struct SyncCommandTests {
    static let spec = """
        # Feature Specification: Export

        ### User Story 1 - Export users (Priority: P1)

        An admin exports users.

        1. **Given** users exist, **When** the admin exports, **Then** a CSV downloads.
        2. **Given** no users, **When** the admin exports, **Then** the CSV has only a header.

        - **FR-001**: System MUST include a header row
        """

    /// A Python project with autodev's starter files, then a commit that adds a spec.
    static func project() throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try fixture.write("src/app.py", "print('app')\n")
        try Self.initAnswering(fixture)
        try fixture.commit("base with autodev init")
        _ = try AutodevBinary.run(["sync"], in: fixture.path)  // checkpoint at the base
        try fixture.write("specs/001-export/spec.md", spec)
        try fixture.commit("Specify export")
        return fixture
    }

    /// `autodev init`, then its starter templates declared answers (`kind: answer`) and a check
    /// that passes them (`true`): these fixtures test the results branch with templates as a
    /// deterministic producer of files. Init's own scaffolds answer nothing (ScaffoldTests).
    static func initAnswering(_ fixture: GitFixture) throws {
        let initialised = try AutodevBinary.run(["init"], in: fixture.path)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let config = fixture.path + "/config/autodev.toml"
        let settings = try String(contentsOfFile: config, encoding: .utf8)
        #expect(settings.contains("command = \"python3 -m pytest -q\""), "init found pytest")
        try fixture.write("config/autodev.toml", settings.replacingOccurrences(of: "command = \"python3 -m pytest -q\"", with: "command = \"true\""))
        let folder = fixture.path + "/config/templates"
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            try fixture.write("config/templates/" + name, text.replacingOccurrences(of: "kind: scaffold", with: "kind: answer"))
        }
    }

    static func sync(_ fixture: GitFixture, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> ProcessResult {
        try AutodevBinary.run(["sync"] + arguments, in: fixture.path, environment: environment)
    }

    /// What a user would see of their repository: HEAD, branch, index, tracked and untracked files.
    static func userView(_ fixture: GitFixture) throws -> [String] {
        [try fixture.git(["rev-parse", "HEAD"]), try fixture.git(["symbolic-ref", "HEAD"]),
         try fixture.git(["status", "--porcelain", "--untracked-files=all"]),
         try fixture.git(["ls-files", "-s"]), try fixture.git(["diff"])]
    }

    static func resultsFiles(_ fixture: GitFixture) throws -> [String] {
        try fixture.git(["diff", "--name-only", "HEAD", "autodev/results"]).split(separator: "\n").map(String.init).sorted()
    }

    @Test func aNewSpecYieldsTemplatedFilesOnTheResultsBranchAndLeavesTheUserAlone() throws {
        let fixture = try Self.project()
        let before = try Self.userView(fixture)
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.userView(fixture) == before)
        #expect(try Self.resultsFiles(fixture) == [
            "src/f_001_export/fr_001_system_must_include_a_header_row.py", "src/f_001_export/us1_export_users.py",
            "tests/test_f_001_export_fr_001_system_must_include_a_header_row.py", "tests/test_f_001_export_us1_export_users.py",
        ])
        let test = try fixture.git(["show", "autodev/results:tests/test_f_001_export_us1_export_users.py"])
        #expect(test.contains("def test_criterion_1():"))
        #expect(test.contains("def test_criterion_2():"))
        #expect(test.contains("Given no users, When the admin exports, Then the CSV has only a header."))
        #expect(test.contains("specs/001-export/spec.md"))
        let message = try fixture.git(["log", "-1", "--format=%B", "autodev/results"])
        #expect(message.contains("Autodev-Run: run-"))
        #expect(message.contains("Autodev-Range: "))
        #expect(message.contains("Autodev-Tiers: template=2"))
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == (try fixture.head()) + "\n")
        // The results commit sits on top of the processed commit.
        #expect(try fixture.git(["rev-parse", "autodev/results^1"]) == (try fixture.head()) + "\n")
    }

    @Test func syncingTwiceDoesNothingTheSecondTime() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        let tip = try fixture.git(["rev-parse", "autodev/results"])
        let history = try AutodevBinary.run(["history", "--json"], in: fixture.path).stdout
        let again = try Self.sync(fixture)
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 events"))
        #expect(try fixture.git(["rev-parse", "autodev/results"]) == tip)
        #expect(try AutodevBinary.run(["history", "--json"], in: fixture.path).stdout == history)
    }

    @Test func mergedResultsCauseNoNewWork() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        _ = try fixture.git(["merge", "--no-ff", "-q", "-m", "Merge autodev results", "autodev/results"])
        let after = try Self.sync(fixture, ["--json"])
        #expect(after.status == 0, "\(after.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: after.stdoutData) as? [String: Any])
        let pass = try #require((report["passes"] as? [[String: Any]])?.first)
        #expect(pass["events"] as? Int == 0)
        #expect((pass["items"] as? [Any])?.isEmpty == true)
        // A squash of the same files is recognised too.
        let squash = try Self.project()
        #expect(try Self.sync(squash).status == 0)
        _ = try squash.git(["merge", "--squash", "autodev/results"])
        try squash.commit("Squash autodev results")
        let pass2 = try Self.sync(squash, ["--json"])
        let report2 = try #require(try JSONSerialization.jsonObject(with: pass2.stdoutData) as? [String: Any])
        #expect(((report2["passes"] as? [[String: Any]])?.first?["events"] as? Int) == 0)
    }

    @Test func aLaterRunKeepsEarlierUnmergedWork() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        let first = try Self.resultsFiles(fixture)
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        try fixture.commit("Specify import")
        #expect(try Self.sync(fixture).status == 0)
        let second = try Self.resultsFiles(fixture)
        #expect(Set(first).isSubset(of: Set(second)))
        #expect(second.contains("tests/test_f_002_import_fr_001_system_must_import_csv_files.py"))
    }

    @Test func dryRunShowsThePlanAndWritesNothing() throws {
        let fixture = try Self.project()
        let before = try Snapshot(fixture.path)
        let result = try Self.sync(fixture, ["--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("template"))
        #expect(result.stdout.contains("US1 (specs/001-export/spec.md)"))
        #expect(result.stdout.contains("dry run: nothing was written"))
        #expect(try Snapshot(fixture.path) == before)
    }

    @Test func workOverTheLimitStaysPendingAndGoesFirstNextRun() throws {
        let fixture = try Self.project()
        let limited = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "1"]
        let first = try Self.sync(fixture, ["--json"], environment: limited)
        #expect(first.status == 0, "\(first.stderr)")
        let status = try AutodevBinary.run(["status", "--json"], in: fixture.path)
        let state = try #require(try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any])
        #expect((state["pending"] as? [Any])?.count == 1)
        #expect(try Self.resultsFiles(fixture).count == 2)
        // No new commits: the pending work alone is done next run.
        let second = try Self.sync(fixture, [], environment: limited)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.resultsFiles(fixture).count == 4)
        let after = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((after["pending"] as? [Any])?.isEmpty == true)
    }

    @Test func workWithoutATemplateIsWrittenOutForAnLLM() throws {
        let fixture = try Self.project()
        try fixture.write("tests/test_api.py", "def test_lists_users():\n    pass\n")
        try fixture.commit("Add a test")
        #expect(try Self.sync(fixture).status == 0)
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("awaiting an LLM: 1 request"))
        let folder = fixture.path + "/.auto-dev/loop/pending"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.count == 1)
        let request = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + names[0]))) as? [String: Any])
        #expect(request["action"] as? String == "implementToPassTest")
        #expect((request["prompt"] as? String)?.contains("test_lists_users") == true)
    }

    @Test func aNewerRequestAboutTheSameRequirementReplacesTheOlderOne() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        let folder = fixture.path + "/.auto-dev/loop/pending"
        // An implemented requirement changes: updateImplementation, which no starter template covers.
        try fixture.write("specs/002-log/spec.md", "- **FR-001**: System MUST log every export in src/app.py\n")
        try fixture.commit("Specify logging")
        #expect(try Self.sync(fixture).status == 0)
        try fixture.write("specs/002-log/spec.md", "- **FR-001**: System MUST log every export and import in src/app.py\n")
        try fixture.commit("Widen logging")
        #expect(try Self.sync(fixture).status == 0)
        let first = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(first.count == 1)
        try fixture.write("specs/002-log/spec.md", "- **FR-001**: System MUST log every export, import and delete in src/app.py\n")
        try fixture.commit("Widen logging again")
        let result = try Self.sync(fixture)
        #expect(result.status == 0)
        #expect(result.stdout.contains("was replaced"))
        let second = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(second.count == 1)
        #expect(second != first)
        let request = try String(contentsOfFile: folder + "/" + second[0], encoding: .utf8)
        #expect(request.contains("export, import and delete"))
    }

    @Test func worktreeSyncWorksFromUncommittedSpecsAndLeavesThemAndTheCheckpointAlone() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        let before = try Self.userView(fixture)
        let result = try Self.sync(fixture, ["--worktree"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.userView(fixture) == before)
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        let files = try fixture.git(["diff", "--name-only", "HEAD", "autodev/results"])
        #expect(files.contains("tests/test_f_002_import_fr_001_system_must_import_csv_files.py"))
        #expect(!files.contains("specs/002-import/spec.md"))  // the user's own change is not copied
        let tip = try fixture.git(["rev-parse", "autodev/results"])
        #expect(try Self.sync(fixture, ["--worktree"]).status == 0)
        #expect(try fixture.git(["rev-parse", "autodev/results"]) == tip)
    }

    @Test func pendingWorkIsSupersededWhenItsRequirementChangesAgain() throws {
        let fixture = try Self.project()
        let limited = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "1"]
        #expect(try Self.sync(fixture, [], environment: limited).status == 0)  // one done, one pending
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        let pending = try #require(((status["pending"] as? [[String: Any]])?.first?["requirement"] as? [String: Any])?["key"] as? String)
        // Change the requirement whose work is still pending.
        let edited = pending == "FR-001"
            ? Self.spec.replacingOccurrences(of: "header row", with: "header row and a BOM")
            : Self.spec.replacingOccurrences(of: "only a header.", with: "only a header and a BOM.")
        try fixture.write("specs/001-export/spec.md", edited)
        try fixture.commit("Change \(pending) again")
        let result = try Self.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let pass = try #require((report["passes"] as? [[String: Any]])?.first)
        #expect((pass["conflicts"] as? [Any])?.isEmpty == true)
        let subjects = ((pass["items"] as? [[String: Any]]) ?? []).map { $0["subject"] as? String ?? "" }
        #expect(subjects.filter { $0.hasPrefix(pending + " ") }.count == 1, "\(subjects)")
    }

    @Test func aTemplateNeverOverwritesAFileAPersonWrote() throws {
        let fixture = try Self.project()
        try fixture.write("tests/test_f_001_export_us1_export_users.py", "# written by hand\n")
        try fixture.commit("A hand-written test at the template's path")
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("tests/test_f_001_export_us1_export_users.py already exists"))
        #expect(try fixture.git(["show", "autodev/results:tests/test_f_001_export_us1_export_users.py"]) == "# written by hand\n")
        #expect(try Self.resultsFiles(fixture).count == 3)
    }

    @Test func patternsSkipOrRenderATemplateWithTheRegexCaptures() throws {
        let fixture = try Self.project()
        try fixture.write("config/templates/endpoint.mustache", """
            {{! autodev
            path: api/{{verb}}{{slug}}.txt
            when: updateImplementation
            kind: answer
            }}
            route {{verb}} {{route}} for {{key}}

            """)
        try fixture.write("config/patterns.toml", """
            [[pattern]]
            name = "legacy"
            text = "(?i)legacy"
            then = "skip"
            reason = "legacy requirements are not implemented"

            [[pattern]]
            name = "endpoints"
            kind = "specificationChanged"
            text = '(?<verb>GET|POST) (?<route>/\\S+)'
            then = "template"
            template = "endpoint"
            """)
        try fixture.write("specs/003-api/spec.md", "- **FR-001**: System MUST serve GET /users/{id}\n- **FR-002**: System MUST keep the legacy export\n")
        try fixture.commit("Specify the API")
        let result = try Self.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let items = try #require((report["passes"] as? [[String: Any]])?.first?["items"] as? [[String: Any]])
        let bySubject = Dictionary(items.map { ($0["subject"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let legacy = try #require(bySubject["FR-002 (specs/003-api/spec.md)"])
        #expect(legacy["tier"] as? String == "pattern")
        #expect((legacy["outcome"] as? String)?.contains("legacy requirements are not implemented") == true)
        let endpoint = try #require(bySubject["FR-001 (specs/003-api/spec.md)"])
        #expect(endpoint["tier"] as? String == "pattern")
        let file = try #require((endpoint["files"] as? [String])?.first)
        #expect(try fixture.git(["show", "autodev/results:\(file)"]) == "route GET /users/{id} for FR-001\n")
    }

    @Test func switchingBackToABranchWithoutTheCheckpointReadsNothingAsRemoved() throws {
        let fixture = try Self.project()
        _ = try fixture.git(["checkout", "-q", "-b", "feature"])
        try fixture.write("specs/004-feature/spec.md", "- **FR-001**: System MUST do the feature\n")
        try fixture.commit("Feature spec")
        #expect(try Self.sync(fixture).status == 0)  // the checkpoint is now on the feature branch
        _ = try fixture.git(["checkout", "-q", "main"])
        try fixture.write("specs/005-main/spec.md", "- **FR-001**: System MUST do the main thing\n")
        try fixture.commit("Main spec")
        let result = try Self.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let pass = try #require((report["passes"] as? [[String: Any]])?.first)
        let items = (pass["items"] as? [[String: Any]]) ?? []
        // Only main's new commits: the feature's spec (and main's older work) are not "removed".
        #expect(items.map { $0["subject"] as? String ?? "" }.sorted() == ["FR-001 (specs/005-main/spec.md)"])
        #expect(!items.contains { ($0["action"] as? String) == "retireImplementation" })
        #expect(pass["decisions"] as? [String: Int] == ["newImplementation": 1])  // no "removed" decision at all
        #expect((pass["notes"] as? [String] ?? []).contains { $0.contains("merge base") })
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == (try fixture.git(["rev-parse", "HEAD"])))
    }

    @Test func aFailingTestFromAReportBecomesARequestToFixIt() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        let report = fixture.directory.path + "/junit.xml"
        try "<testsuite><testcase classname=\"tests.test_export\" name=\"test_header\" file=\"tests/test_export.py\"><failure message=\"no header\"/></testcase></testsuite>"
            .write(toFile: report, atomically: true, encoding: .utf8)
        let result = try Self.sync(fixture, ["--test-report", report])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("fixFailingTest"))
        let folder = fixture.path + "/.auto-dev/loop/pending"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.count == 1)
        let request = try String(contentsOfFile: folder + "/" + names[0], encoding: .utf8)
        #expect(request.contains("fixFailingTest"))
        #expect(request.contains("test_header"))
        // The same failure reported again is the same work: no second request.
        #expect(try Self.sync(fixture, ["--test-report", report]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1)
    }

    @Test func workOverTheLLMCallBudgetStaysPendingWithoutARequest() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        try fixture.write("tests/test_api.py", "def test_lists_users():\n    pass\n")
        try fixture.commit("Add a test")
        let capped = try Self.sync(fixture, [], environment: ["AUTODEV_LOOP_MAX_LLM_CALLS_PER_RUN": "0"])
        #expect(capped.status == 0, "\(capped.stderr)")
        #expect(capped.stdout.contains("over max_llm_calls_per_run (0); pending"))
        let folder = fixture.path + "/.auto-dev/loop/pending"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).isEmpty)
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((status["pending"] as? [Any])?.count == 1)
        // With the budget back, the pending work becomes a request.
        #expect(try Self.sync(fixture).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1)
    }

    /// A project whose large code and test files (over 1 KB) a partial clone does not have: the
    /// source repository, the clone (sparse: `specs` and `config`), and the large blobs the
    /// last commit changed, which the clone lacks.
    static func partialCloneProject() throws -> (GitFixture, clone: String, missing: [String]) {
        let fixture = try GitFixture()
        let filler = String(repeating: "# padding to make this file larger than the clone's blob limit\n", count: 40)
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try fixture.write("src/app.py", "print('app')\n" + filler)
        try fixture.write("tests/test_app.py", "def test_starts():\n    pass\n" + filler)
        try Self.initAnswering(fixture)
        try fixture.commit("base with autodev init")
        try fixture.write("src/app.py", "print('app v2')\n" + filler)
        try fixture.write("tests/test_app.py", "def test_starts():\n    pass\n\ndef test_exports():\n    pass\n" + filler)
        try fixture.commit("Change the app")
        // The spec in a commit of its own: a spec committed with code would be implemented alongside.
        try fixture.write("specs/001-export/spec.md", spec)
        try fixture.commit("Specify export")
        let clone = try fixture.partialClone(sparse: ["specs", "config"])
        let objects = try Subprocess.run(GitFixture.gitPath, ["-C", clone, "rev-list", "--objects", "--missing=print", "HEAD~2..HEAD"])
        let missing = objects.stdout.split(separator: "\n").filter { $0.hasPrefix("?") }.map { String($0.dropFirst()) }
        return (fixture, clone, missing)
    }

    @Test func aSparsePartialCloneSyncsWithANoteForEachBlobItDoesNotHave() throws {
        let (fixture, clone, missing) = try Self.partialCloneProject()
        let appBlob = try fixture.revParse("HEAD:src/app.py")
        #expect(missing.contains(appBlob), "the clone fetched src/app.py; the test shows nothing")
        let git = { (arguments: [String]) throws -> String in
            try Subprocess.run(GitFixture.gitPath, ["-C", clone] + arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try git(["update-ref", "refs/autodev/checkpoint", "HEAD~2"])
        let result = try AutodevBinary.run(["sync"], in: clone)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("src/app.py: not in this clone (blob \(appBlob)): fetch it or deepen"), "\(result.stdout)")
        #expect(try git(["rev-parse", "refs/autodev/checkpoint"]) == (try fixture.head()))
        // The results tree keeps the blobs the clone lacks, unread, and adds the generated files.
        #expect(try git(["rev-parse", "autodev/results:src/app.py"]) == appBlob)
        let generated = try git(["diff", "--name-only", "HEAD", "autodev/results"])
        #expect(generated.contains("src/f_001_export/us1_export_users.py") && !generated.contains("src/app.py"), "\(generated)")
        let state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: clone + "/.auto-dev/loop/state.json"))) as? [String: Any])
        #expect((state["loop"] as? [String: Any])?["state"] as? String == "idle")
        // Nothing was fetched behind the user's back.
        let after = try Subprocess.run(GitFixture.gitPath, ["-C", clone, "rev-list", "--objects", "--missing=print", "HEAD~2..HEAD"])
        #expect(after.stdout.contains("?" + appBlob))
    }

    @Test func aGeneratorInAPartialCloneRunsWithoutTheBlobsTheCloneLacks() throws {
        let (fixture, clone, missing) = try Self.partialCloneProject()
        #expect(missing.contains(try fixture.revParse("HEAD:src/app.py")), "the clone fetched src/app.py; the test shows nothing")
        try Data("""
            [[pattern]]
            name = "generate"
            kind = "specificationChanged"
            then = "command"
            command = "mkdir -p gen && (test -f src/app.py && echo has || echo lacks) > gen/$AUTODEV_REQUIREMENT_KEY.txt"
            """.utf8).write(to: URL(fileURLWithPath: clone + "/config/patterns.toml"))
        _ = try Subprocess.run(GitFixture.gitPath, ["-C", clone, "update-ref", "refs/autodev/checkpoint", "HEAD~2"])
        let result = try AutodevBinary.run(["sync"], in: clone)
        #expect(result.status == 0, "\(result.stderr)")
        let shown = try Subprocess.run(GitFixture.gitPath, ["-C", clone, "show", "autodev/results:gen/FR-001.txt"])
        #expect(shown.stdout == "lacks\n", "\(shown.stderr)")
        // The missing file is not read as deleted by the generator.
        let kept = try Subprocess.run(GitFixture.gitPath, ["-C", clone, "rev-parse", "autodev/results:src/app.py"])
        #expect(kept.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == (try fixture.revParse("HEAD:src/app.py")))
    }

    // MARK: Outputs that collide

    @Test func requirementsWithTheSameTitleInTwoFeaturesGetTwoFiles() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        // The same title; each feature's own detail below it (the same text in both would be one
        // requirement copied: requirement-copied).
        let requirement = "- **FR-001**: System MUST keep an audit log\n"
        try fixture.write("specs/002-import/spec.md", requirement + "  - of every imported row\n")
        try fixture.write("specs/003-billing/spec.md", requirement + "  - of every invoice sent\n")
        try fixture.commit("Two features with the same requirement")
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let files = try Self.resultsFiles(fixture)
        let tests = files.filter { $0.hasPrefix("tests/") && $0.contains("audit_log") }
        let stubs = files.filter { $0.hasPrefix("src/") && $0.contains("audit_log") }
        #expect(tests.count == 2 && stubs.count == 2, "\(files)")
        for feature in ["002-import", "003-billing"] {
            let mentions = try tests.filter { try fixture.git(["show", "autodev/results:\($0)"]).contains("specs/\(feature)/spec.md") }
            #expect(mentions.count == 1, "\(feature): \(tests)")
        }
    }

    /// Two templates rendering one new file differently: a three-way merge on an empty base
    /// conflicts, so the later work is held back, reported once (exit 1), and parked: the next
    /// run keeps it pending without failing again (before, every later sync exited 1).
    @Test func twoPiecesOfWorkRenderingOnePathFailLoudlyAndLoseNothing() throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        try fixture.write("config/templates/notes.mustache", "{{! autodev\npath: docs/notes.md\nkind: answer\n}}\n{{key}} from {{spec}}\n")
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        try fixture.write("specs/003-billing/spec.md", "- **FR-001**: System MUST bill monthly\n")
        try fixture.commit("Two features and a template with one path for all")
        let result = try Self.sync(fixture)
        #expect(result.status == 1, "\(result.stdout)")
        for expected in ["docs/notes.md", "template 'notes' (config/templates/notes.mustache)",
                         "FR-001 (specs/002-import/spec.md)", "FR-001 (specs/003-billing/spec.md)", "held back", "merge conflicts"] {
            #expect(result.stderr.contains(expected), "\(expected): \(result.stderr)")
        }
        let first = try fixture.git(["show", "autodev/results:docs/notes.md"])
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        let pending = try #require(status["pending"] as? [[String: Any]])
        #expect(pending.count == 1)
        let waiting = try #require((pending.first?["requirement"] as? [String: Any])?["spec"] as? String)
        #expect(!first.contains(waiting), "the first output is kept: \(first)")
        // Another run does not replace the first output either: the work is still parked, and
        // that is not a failure of every later run.
        let again = try Self.sync(fixture)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try fixture.git(["show", "autodev/results:docs/notes.md"]) == first)
        // With a path per requirement, the pending work is done and the first output stays.
        try fixture.write("config/templates/notes.mustache", "{{! autodev\npath: docs/{{feature}}/{{slug}}.md\nkind: answer\n}}\n{{key}} from {{spec}}\n")
        try fixture.commit("One path per requirement")
        let fixed = try Self.sync(fixture)
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(try fixture.git(["show", "autodev/results:docs/notes.md"]) == first)
        let feature = try #require(waiting.split(separator: "/").dropFirst().first)
        let second = try fixture.git(["show", "autodev/results:docs/\(feature)/fr-001-system-must-\(feature == "002-import" ? "import-csv-files" : "bill-monthly").md"])
        #expect(second.contains(waiting))
    }

    @Test(arguments: [
        // Two templates of one piece of work: a file and a file inside it.
        (["gen/{{feature}}", "gen/{{feature}}/inner.swift"], "needs gen/002-import to be a folder"),
        // An output where the processed commit has a folder, or one inside a file.
        (["config"], "config is a folder in the processed commit"),
        (["src/app.py/{{slug}}.py"], "needs src/app.py to be a folder, but it is a file in the processed commit"),
    ])
    func aFileFolderClashIsAnErrorNamingBothSides(_ paths: [String], _ problem: String) throws {
        let fixture = try Self.project()
        #expect(try Self.sync(fixture).status == 0)
        let tip = try fixture.git(["rev-parse", "autodev/results"])
        for (index, path) in paths.enumerated() {
            try fixture.write("config/templates/clash\(index).mustache", "{{! autodev\npath: \(path)\nkind: answer\n}}\n{{key}}\n")
        }
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        try fixture.commit("Templates whose outputs clash")
        let result = try Self.sync(fixture)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        for index in paths.indices { #expect(result.stderr.contains("config/templates/clash\(index).mustache"), "\(result.stderr)") }
        #expect(result.stderr.contains("FR-001 (specs/002-import/spec.md)"))
        // Nothing of that work was written, nothing earlier was dropped, and the work waits.
        #expect(try fixture.git(["rev-parse", "autodev/results"]) == tip)
        #expect(try fixture.git(["cat-file", "-t", "autodev/results:src"]) == "tree\n")
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((status["pending"] as? [Any])?.count == 1)
    }
}
