import AutodevTestSupport
import Foundation
import Testing

/// End to end: the built binary on real repositories.
@Suite struct DiffEventsCommandTests {
    /// A history with one change of every kind.
    static func makeProject() throws -> (GitFixture, base: String) {
        let fixture = try GitFixture()
        try fixture.write("Sources/App/App.swift", "struct App {}\n")
        try fixture.write("Tests/AppTests/AppTests.swift", "import XCTest\nfinal class AppTests: XCTestCase {\n    func testStarts() {}\n}\n")
        try fixture.write("README.md", "# App\n")
        let base = try fixture.commit("base")
        try fixture.write("specs/001-login/spec.md", "# Login\n\n- **FR-001**: System MUST sign users in.\n")
        try fixture.write("Tests/AppTests/AppTests.swift", "import XCTest\nfinal class AppTests: XCTestCase {\n    func testStarts() {}\n    func testSignsIn() {}\n    func testLocks() {}\n}\n")
        try fixture.write("Package.swift", "// swift-tools-version: 6.0\n")
        try fixture.write(".github/workflows/ci.yml", "on: push\n")
        try fixture.write("Sources/App/App.swift", "struct App { var name = \"x\" }\n")
        try fixture.write("node_modules/left-pad/index.js", "module.exports = 1\n")
        try fixture.write("logo.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02]))
        try fixture.commit("feature")
        return (fixture, base)
    }

    static func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    @Test func jsonReportsEveryChangeAndEventsByPriority() throws {
        let (fixture, base) = try Self.makeProject()
        let result = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.json(result)
        #expect(Set(object.keys).isSuperset(of: ["range", "changes", "events"]))
        let range = try #require(object["range"] as? [String: Any])
        #expect(range["from"] as? String == base)
        #expect(range["to"] as? String == (try fixture.head()))

        let changes = try #require(object["changes"] as? [[String: Any]])
        let byPath = Dictionary(uniqueKeysWithValues: changes.map { ($0["path"] as! String, $0) })
        #expect(Set(byPath.keys) == ["specs/001-login/spec.md", "Tests/AppTests/AppTests.swift", "Package.swift",
                                     ".github/workflows/ci.yml", "Sources/App/App.swift", "node_modules/left-pad/index.js", "logo.png"])
        #expect(byPath["node_modules/left-pad/index.js"]?["ignoredBy"] as? String == "events.ignore: **/node_modules/**")
        #expect(byPath["node_modules/left-pad/index.js"]?["event"] is NSNull)
        #expect(byPath["logo.png"]?["binary"] as? Bool == true)
        #expect(byPath["Package.swift"]?["event"] as? String == "dependencyUpdated")
        #expect(byPath["Sources/App/App.swift"]?["status"] as? String == "modified")
        for change in changes {
            #expect(Set(change.keys).isSuperset(of: ["status", "path", "binary", "event", "ignoredBy"]))
        }

        let events = try #require(object["events"] as? [[String: Any]])
        let kinds = events.map { $0["kind"] as! String }
        #expect(kinds == ["specificationChanged", "testAdded", "testAdded", "dependencyUpdated", "configurationChanged", "codeModified"])
        let priorities = events.map { $0["priority"] as! Int }
        #expect(priorities == priorities.sorted(by: >))
        let tests = events.filter { $0["kind"] as? String == "testAdded" }.map { $0["detail"] as! String }
        #expect(Set(tests) == ["testSignsIn", "testLocks"])
        for event in events {
            #expect(Set(event.keys) == ["id", "kind", "priority", "path", "detail"])
        }
    }

    @Test func humanOutputIsATableAndASummary() throws {
        let (fixture, base) = try Self.makeProject()
        let result = try AutodevBinary.run(["diff-events", "\(base)..HEAD"], in: fixture.path)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("KIND") && $0.contains("PATH") && $0.contains("DETAIL") })
        #expect(lines.last == "7 changes, 6 events (1 specificationChanged, 2 testAdded, 1 dependencyUpdated, 1 configurationChanged, 1 codeModified), 2 without an event")
    }

    @Test func eventIDsAreTheSameInEveryCloneAndRun() throws {
        let (fixture, base) = try Self.makeProject()
        let first = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: fixture.path)
        let clone = fixture.directory.path + "/clone"
        try fixture.git(["clone", "-q", fixture.path, clone])
        let second = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: clone)
        let ids = { (result: ProcessResult) throws -> [String] in
            ((try Self.json(result))["events"] as! [[String: Any]]).map { $0["id"] as! String }
        }
        #expect(try ids(first) == (try ids(second)))
        #expect(Set(try ids(first)).count == (try ids(first)).count)
    }

    @Test func aDryRunChangesNothingInTheRepository() throws {
        let (fixture, base) = try Self.makeProject()
        try fixture.write("uncommitted.swift", "let x = 1\n")
        try fixture.write("Sources/App/App.swift", "struct App { var edited = true }\n")
        try fixture.git(["add", "Sources/App/App.swift"])
        let before = try Snapshot(fixture.path)
        for arguments in [["diff-events"], ["diff-events", "--json"], ["diff-events", "--worktree"], ["diff-events", "\(base)..HEAD"], ["diff-events", "HEAD"],
                          ["diff-events", "--explain", "\(base)..HEAD"], ["diff-events", "--explain", "--worktree", "--json"]] {
            let result = try AutodevBinary.run(arguments, in: fixture.path)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        #expect(try Snapshot(fixture.path) == before)
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "/.auto-dev"))
    }

    @Test func worksFromASubdirectoryAndWithDashC() throws {
        let (fixture, base) = try Self.makeProject()
        let inside = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: fixture.path + "/Sources/App")
        let outside = try AutodevBinary.run(["-C", fixture.path, "diff-events", "\(base)..HEAD", "--json"], in: "/")
        let after = try AutodevBinary.run(["diff-events", "-C", fixture.path, "\(base)..HEAD", "--json"], in: "/")
        #expect(inside.status == 0 && outside.status == 0 && after.status == 0)
        #expect(inside.stdout == outside.stdout)
        #expect(inside.stdout == after.stdout)
    }

    @Test func worksOnABareMirror() throws {
        let (fixture, base) = try Self.makeProject()
        let bare = fixture.directory.path + "/mirror.git"
        try fixture.git(["clone", "-q", "--mirror", fixture.path, bare])
        let result = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: bare)
        #expect(result.status == 0, "\(result.stderr)")
        let direct = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: fixture.path)
        #expect(result.stdout == direct.stdout)
        let worktree = try AutodevBinary.run(["diff-events", "--worktree"], in: bare)
        #expect(worktree.status == 3)
        #expect(worktree.stderr.contains("bare"))
    }

    @Test func anEmptyRangeIsNoChanges() throws {
        let (fixture, _) = try Self.makeProject()
        let result = try AutodevBinary.run(["diff-events", "HEAD..HEAD"], in: fixture.path)
        #expect(result.status == 0)
        #expect(result.stdout.contains("no changes"))
    }

    @Test func theDefaultRangeStartsAtTheCheckpoint() throws {
        let (fixture, base) = try Self.makeProject()
        let fresh = try AutodevBinary.run(["diff-events", "--json"], in: fixture.path)
        #expect(((try Self.json(fresh))["range"] as? [String: Any])?["from"] is NSNull)
        #expect(fresh.stderr.isEmpty)
        try fixture.git(["update-ref", "refs/autodev/checkpoint", base])
        let sinceCheckpoint = try AutodevBinary.run(["diff-events", "--json"], in: fixture.path)
        let explicit = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: fixture.path)
        #expect(sinceCheckpoint.stdout == explicit.stdout)
    }

    @Test("bad input gets a clear message and a documented exit status", arguments: [
        (["diff-events", "no-such-branch"], Int32(3), "unknown revision 'no-such-branch'"),
        (["diff-events", "a....b"], 64, "malformed range"),
        (["diff-events", "--worktree", "HEAD~1..HEAD"], 64, "not both"),
        (["diff-events", "--no-such-flag"], 64, "no-such-flag"),
    ])
    func badInput(arguments: [String], status: Int32, message: String) throws {
        let (fixture, _) = try Self.makeProject()
        let result = try AutodevBinary.run(arguments, in: fixture.path)
        #expect(result.status == status)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func outsideARepositoryIsExitThree() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try AutodevBinary.run(["diff-events"], in: directory.path, environment: ["GIT_CEILING_DIRECTORIES": directory.path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("not a git repository"))
    }

    @Test func invalidConfigNamesFileKeyAndLine() throws {
        let (fixture, _) = try Self.makeProject()
        try fixture.write("config/autodev.toml", "[loop]\nmax_events_per_run = -5\n")
        let result = try AutodevBinary.run(["diff-events"], in: fixture.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("config/autodev.toml:2"))
        #expect(result.stderr.contains("loop.max_events_per_run"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aCheckpointOutsideAShallowCloneIsExplainedNotIgnored() throws {
        let (fixture, base) = try Self.makeProject()
        try fixture.write("more.swift", "let more = 1\n")
        try fixture.commit("more")
        let shallow = fixture.directory.path + "/shallow"
        try fixture.git(["clone", "-q", "--depth", "1", "file://" + fixture.path, shallow])
        try Subprocess.run(GitFixture.gitPath, ["update-ref", "refs/autodev/checkpoint", base], in: shallow)
        // update-ref refuses a missing object; write the ref file directly as a fetch would.
        let refFile = shallow + "/.git/refs/autodev/checkpoint"
        try FileManager.default.createDirectory(atPath: shallow + "/.git/refs/autodev", withIntermediateDirectories: true)
        try Data((base + "\n").utf8).write(to: URL(fileURLWithPath: refFile))
        let result = try AutodevBinary.run(["diff-events"], in: shallow)
        #expect(result.status == 3)
        #expect(result.stderr.contains("shallow"))
        #expect(result.stderr.contains("--deepen"))
    }

    @Test func worktreeReportsStagedUnstagedAndUntrackedChanges() throws {
        let (fixture, _) = try Self.makeProject()
        try fixture.write("specs/002-new/spec.md", "# New\n")
        try fixture.write("Package.swift", "// swift-tools-version: 6.1\n")
        try fixture.git(["add", "Package.swift"])
        try fixture.write("Sources/App/App.swift", "struct App { var unstaged = 1 }\n")
        let result = try AutodevBinary.run(["diff-events", "--worktree", "--json"], in: fixture.path)
        #expect(result.status == 0)
        let object = try Self.json(result)
        #expect((object["range"] as? [String: Any])?["to"] as? String == "worktree")
        let paths = Set(((object["changes"] as? [[String: Any]]) ?? []).map { $0["path"] as! String })
        #expect(paths == ["specs/002-new/spec.md", "Package.swift", "Sources/App/App.swift"])
    }
}

@Suite struct ExplainCommandTests {
    @Test func explainJSONHasADecisionPerEventWithCountsAndRequirements() throws {
        let (fixture, base) = try DiffEventsCommandTests.makeProject()
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", "\(base)..HEAD"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        let decisions = try #require(object["decisions"] as? [[String: Any]])
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(Set(decisions.map { $0["eventId"] as! String }) == Set(events.map { $0["id"] as! String }))
        for decision in decisions {
            #expect(Set(decision.keys) == ["eventId", "action", "reason", "rule", "requirement", "links"])
        }
        // The feature commit wrote the spec, its code and its tests: a person did the work.
        let spec = try #require(decisions.first { ($0["requirement"] as? [String: Any])?["key"] as? String == "FR-001" })
        #expect(spec["action"] as? String == "skip")
        #expect(spec["rule"] as? String == "implemented-alongside")
        #expect((spec["reason"] as? String)?.contains("changes this spec together with code (Sources/App/App.swift)") == true, "\(spec)")
        let tests = decisions.filter { $0["rule"] as? String == "test-with-code" }
        #expect(tests.count == 2)
        #expect(tests.allSatisfy { ($0["reason"] as? String)?.contains("Sources/App/App.swift changed in this range") == true })
        let requirement = try #require(spec["requirement"] as? [String: Any])
        #expect(requirement["format"] as? String == "specKit")
        #expect(requirement["spec"] as? String == "specs/001-login/spec.md")
        #expect(requirement["title"] as? String == "System MUST sign users in.")
        #expect((requirement["textHash"] as? String)?.count == 16)
        let actions = try #require(object["actions"] as? [String: Int])
        #expect(actions == ["validate": 1, "reload": 1, "skip": 4])
        #expect(object["needingWork"] as? Int == 2)

        let plain = try AutodevBinary.run(["diff-events", "--json", "\(base)..HEAD"], in: fixture.path)
        #expect(try DiffEventsCommandTests.json(plain)["decisions"] == nil)
    }

    @Test func explainOnTheWorktreeSeesAnUncommittedSpecEdit() throws {
        let (fixture, _) = try DiffEventsCommandTests.makeProject()
        try fixture.write("specs/001-login/spec.md", "# Login\n\n- **FR-001**: System MUST sign users in.\n- **FR-002**: System MUST lock after 3 failures.\n")
        let result = try AutodevBinary.run(["diff-events", "--explain", "--worktree"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("newImplementation") && $0.contains("FR-002 (specs/001-login/spec.md)") })
        #expect(!lines.contains { $0.contains("FR-001 (") })
        #expect(lines.last == "1 decision (1 newImplementation), 1 needs work")
    }

    @Test func aTestReportsFailuresBecomeTestFailedEventsToFix() throws {
        let (fixture, base) = try DiffEventsCommandTests.makeProject()
        let report = fixture.directory.path + "/report.xml"
        try """
            <testsuite name="AppTests"><testcase classname="AppTests" name="testSignsIn" file="Tests/AppTests/AppTests.swift">
            <failure message="XCTAssertTrue failed"/></testcase></testsuite>
            """.write(toFile: report, atomically: true, encoding: .utf8)
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", "--test-report", report, "\(base)..HEAD"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.first?["kind"] as? String == "testFailed")
        #expect(events.first?["detail"] as? String == "AppTests.testSignsIn: XCTAssertTrue failed")
        let decisions = try #require(object["decisions"] as? [[String: Any]])
        #expect(decisions.first?["action"] as? String == "fixFailingTest")
        #expect(decisions.first?["eventId"] as? String == events.first?["id"] as? String)

        // A range that changes no files still shows the report's failures, in human form too.
        let human = try AutodevBinary.run(["diff-events", "--explain", "--test-report", report, "HEAD..HEAD"], in: fixture.path)
        #expect(human.status == 0, "\(human.stderr)")
        #expect(!human.stdout.contains("no changes"), "\(human.stdout)")
        #expect(human.stdout.contains("testFailed") && human.stdout.contains("fixFailingTest"), "\(human.stdout)")

        let missing = try AutodevBinary.run(["diff-events", "--test-report", "/nonexistent/report.xml"], in: fixture.path)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("test report /nonexistent/report.xml cannot be used"))
    }

    /// A file moved and edited in one commit, in a clone that lacks both blobs (a partial clone,
    /// a mirror without its largest files): rename detection cannot compare them, so they stay
    /// a deletion and an addition, each with its note, and the range still reads. Before, the
    /// whole diff stopped on the first blob it could not size, and every later run with it.
    @Test func aMovedFileWhoseBlobsTheCloneLacksIsNoRenameAndStopsNothing() throws {
        let fixture = try GitFixture()
        let rows = (1...80).map { "2026-04-\(String(format: "%02d", $0 % 28 + 1)),backtest,\($0 * 37)" }
        try fixture.write("data/results-old.csv", "date,kind,value\n" + rows.joined(separator: "\n") + "\n")
        try fixture.write("specs/001-export/spec.md", "# Feature Specification: Export\n\n## Requirements\n\n- **FR-001**: System MUST export results as CSV\n")
        try fixture.commit("Results and spec")
        try fixture.remove("data/results-old.csv")
        try fixture.write("data/results.csv", "date,kind,value\n" + rows.joined(separator: "\n") + "\n2026-05-01,backtest,1\n")
        try fixture.commit("Move the results")
        let clone = try fixture.partialClone(sparse: ["specs"])
        let newBlob = try fixture.revParse("HEAD:data/results.csv")
        let objects = try Subprocess.run(GitFixture.gitPath, ["-C", clone, "rev-list", "--objects", "--missing=print", "HEAD~1..HEAD"]).stdout
        #expect(objects.contains("?" + newBlob), "the clone fetched the moved file; the test shows nothing")
        // git itself, with everything, calls it a rename.
        let renamed = try Subprocess.run(GitFixture.gitPath, ["-C", fixture.path, "diff", "--name-status", "-M", "HEAD~1", "HEAD"]).stdout
        #expect(renamed.hasPrefix("R"), "\(renamed)")

        let result = try AutodevBinary.run(["diff-events", "HEAD~1..HEAD", "--explain", "--json"], in: clone)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        let notes = object["notes"] as? [String] ?? []
        #expect(notes.contains { $0.hasPrefix("data/results.csv: not in this clone (blob \(newBlob))") }, "\(notes)")
    }

    @Test func explainInAPartialCloneNotesEachMissingBlobOnceAndExitsZero() throws {
        let (fixture, clone, missing) = try SyncCommandTests.partialCloneProject()
        let appBlob = try fixture.revParse("HEAD:src/app.py"), testBlob = try fixture.revParse("HEAD:tests/test_app.py")
        #expect(missing.contains(appBlob) && missing.contains(testBlob), "the clone fetched the large files; the test shows nothing")
        let result = try AutodevBinary.run(["diff-events", "HEAD~2..HEAD", "--explain", "--json"], in: clone)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        let notes = try #require(object["notes"] as? [String])
        #expect(notes.count == Set(notes).count, "\(notes)")
        #expect(notes.contains("src/app.py: not in this clone (blob \(appBlob)): fetch it or deepen; read as unreadable content"))
        #expect(notes.contains { $0.hasPrefix("tests/test_app.py: not in this clone (blob \(testBlob))") })
        // Unreadable test file: no test names, a code change; the readable spec is decided.
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.contains { $0["path"] as? String == "tests/test_app.py" && $0["kind"] as? String == "codeModified" })
        let decisions = try #require(object["decisions"] as? [[String: Any]])
        #expect(decisions.contains { $0["action"] as? String == "newImplementation" })
    }

    @Test func worktreeInASparseCheckoutSeesOnlyRealEditsNotTheFilesOutsideIt() throws {
        let (fixture, clone, _) = try SyncCommandTests.partialCloneProject()
        defer { withExtendedLifetime(fixture) {} }  // the clone lives in the fixture's folder
        #expect(!FileManager.default.fileExists(atPath: clone + "/src/app.py"), "the sparse checkout has src/; the test shows nothing")
        try Data("- **FR-001**: System MUST include a header row\n- **FR-002**: System MUST quote commas\n".utf8)
            .write(to: URL(fileURLWithPath: clone + "/specs/001-export/spec.md"))
        let result = try AutodevBinary.run(["diff-events", "--worktree", "--json"], in: clone)
        #expect(result.status == 0, "\(result.stderr)")
        let changes = try #require(try DiffEventsCommandTests.json(result)["changes"] as? [[String: Any]])
        #expect(changes.map { "\($0["status"]!) \($0["path"]!)" } == ["modified specs/001-export/spec.md"])
    }

    @Test(.enabled(if: GitFixture.canInit(["--object-format=sha256"]), "this machine's git cannot make a SHA-256 repository"))
    func aSHA256RepositoryExits3SayingItCannotBeReadYet() throws {
        let fixture = try GitFixture(initOptions: ["--object-format=sha256"])
        try fixture.write("a.txt", "a\n")
        try fixture.commit()
        let result = try AutodevBinary.run(["diff-events"], in: fixture.path)
        #expect(result.status == 3)
        #expect(result.stderr.contains("uses SHA-256 object names"), "\(result.stderr)")
        #expect(result.stderr.contains("cannot read yet"))
    }

    @Test func malformedSpecsGiveANoteAndTheRestIsDecided() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let base = try fixture.commit("base")
        try fixture.write("specs/001-a/spec.md", Data([0x23, 0x20, 0x00, 0xFF, 0x0A]))
        try fixture.write("specs/002-b/spec.md", Data(Array("- **FR-001**: System MUST \u{0}".utf8).dropLast() + [0xC3, 0x28, 0x0A]))
        try fixture.write("specs/003-c/spec.md", String(repeating: "> ", count: 50_000) + "deep\n- **FR-009**: System MUST survive\n")
        try fixture.commit("odd specs")
        let result = try AutodevBinary.run(["diff-events", "--explain", "\(base)..HEAD"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("note: specs/001-a/spec.md: binary content"))
        #expect(result.stderr.contains("note: specs/002-b/spec.md: not valid UTF-8"))
        #expect(result.stdout.contains("FR-001 (specs/002-b/spec.md)"))
        #expect(result.stdout.contains("FR-009 (specs/003-c/spec.md)"))
    }
}

/// Every file under a folder, with its bytes and mode: equal snapshots mean nothing was written.
struct Snapshot: Equatable {
    var files: [String: Data] = [:]
    var modes: [String: Int] = [:]

    init(_ root: String) throws {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: root) else { return }
        while let relative = enumerator.nextObject() as? String {
            let full = root + "/" + relative
            let attributes = try manager.attributesOfItem(atPath: full)
            modes[relative] = (attributes[.posixPermissions] as? Int) ?? -1
            if attributes[.type] as? FileAttributeType == .typeRegular {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
    }
}
