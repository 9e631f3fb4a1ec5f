@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// `autodev test --event KIND`: a synthetic event through the real pipeline; a dry run changes
/// no ref and no state file (compared byte for byte), `--apply` really runs.
@Suite struct TestEventCommandTests {
    /// Every ref (`git for-each-ref`, HEAD) and every file under `.auto-dev/`, with its bytes.
    static func snapshot(_ fixture: GitFixture) throws -> [String: Data] {
        var files: [String: Data] = [:]
        // First, and without optional locks: a plain `git status` may refresh the index.
        files["status"] = Data(try fixture.git(["--no-optional-locks", "status", "--porcelain", "--untracked-files=all"]).utf8)
        files["refs"] = Data(try fixture.git(["for-each-ref", "--format=%(refname) %(objectname)"]).utf8)
        files["HEAD"] = Data(try fixture.git(["rev-parse", "HEAD"]).utf8)
        files["index"] = try? Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.git/index"))
        let root = fixture.path + "/.auto-dev"
        let walker = FileManager.default.enumerator(atPath: root)
        while let name = walker?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isFolder), !isFolder.boolValue {
                files[".auto-dev/" + name] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + name))
            }
        }
        return files
    }

    @Test(arguments: EventKind.allCases)
    func aDryRunOfEachKindMakesThatEventAndWritesNothing(_ kind: EventKind) throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let before = try Self.snapshot(fixture)
        #expect(before.keys.contains { $0.hasPrefix(".auto-dev/loop/") }, "the state exists to compare")
        let result = try AutodevBinary.run(["test", "--event", kind.rawValue, "--json"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let after = try Self.snapshot(fixture)
        #expect(after.keys.sorted() == before.keys.sorted())
        for (name, bytes) in before { #expect(after[name] == bytes, "\(name) changed") }

        let shown = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(shown["applied"] as? Bool == false)
        let events = try #require(shown["events"] as? [[String: Any]])
        let path = try #require(shown["path"] as? String)
        #expect(events.contains { $0["kind"] as? String == kind.rawValue && $0["path"] as? String == path }, "\(events)")
        // The synthetic commit is on top of HEAD and on no ref.
        let commit = try #require(shown["commit"] as? String)
        #expect(try fixture.git(["rev-parse", commit + "^"]) == (try fixture.git(["rev-parse", "HEAD"])))
        #expect(try fixture.git(["for-each-ref", "--contains", commit]).isEmpty)
        let report = try #require(shown["report"] as? [String: Any])
        #expect(report["dryRun"] as? Bool == true)
        let passes = try #require(report["passes"] as? [[String: Any]])
        #expect((passes.first?["events"] as? Int ?? 0) >= 1)
    }

    @Test func aSpecEventGoesThroughTheTiersAndApplyCommitsItsWork() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let results = try fixture.git(["rev-parse", "refs/heads/autodev/results"])
        let runs = try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop/history").count

        let dry = try AutodevBinary.run(["test", "--event", "specificationChanged"], in: fixture.path)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("synthetic specificationChanged event: specs/900-autodev-test-event/spec.md"), "\(dry.stdout)")
        // The plan names the tier: the templates answer the new requirements.
        #expect(dry.stdout.contains("template"), "\(dry.stdout)")
        #expect(dry.stdout.contains("dry run: nothing was written"))

        let applied = try AutodevBinary.run(["test", "--event", "specification_changed", "--apply", "--json"], in: fixture.path)
        #expect(applied.status == 0, "\(applied.stderr)")
        let shown = try #require(try JSONSerialization.jsonObject(with: applied.stdoutData) as? [String: Any])
        let commit = try #require(shown["commit"] as? String)
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint, "the checkpoint stays")
        let newResults = try fixture.git(["rev-parse", "refs/heads/autodev/results"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(newResults != results)
        // The work is on the results branch, on top of the synthetic commit.
        #expect(try fixture.git(["merge-base", "--is-ancestor", commit, newResults]).isEmpty)
        let files = try fixture.git(["diff", "--name-only", commit, newResults])
        #expect(files.contains("900_autodev_test_event"), "\(files)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop/history").count == runs + 1)
        // HEAD, the index and the work tree are the user's.
        #expect(try fixture.git(["status", "--porcelain"]).isEmpty)
    }

    @Test func aFailingTestEventComesFromAReportAndAnExistingFileGetsOneLine() throws {
        let fixture = try SyncCommandTests.project()
        let failed = try AutodevBinary.run(["test", "--event", "testFailed", "--json"], in: fixture.path)
        #expect(failed.status == 0, "\(failed.stderr)")
        let shown = try #require(try JSONSerialization.jsonObject(with: failed.stdoutData) as? [String: Any])
        let events = try #require(shown["events"] as? [[String: Any]])
        #expect(events.contains { $0["kind"] as? String == "testFailed" && ($0["detail"] as? String ?? "").contains("test_autodev_test_event") }, "\(events)")

        let code = try AutodevBinary.run(["test", "--event", "codeModified", "--path", "src/app.py", "--json"], in: fixture.path)
        #expect(code.status == 0, "\(code.stderr)")
        let commit = try #require((try JSONSerialization.jsonObject(with: code.stdoutData) as? [String: Any])?["commit"] as? String)
        #expect(try fixture.git(["show", commit + ":src/app.py"]) == "print('app')\n# changed by autodev test --event codeModified\n")
    }

    @Test(arguments: [
        (["test", "--event", "codeModified", "--path", "specs/x/spec.md"], "makes a specificationChanged event"),
        (["test", "--event", "testAdded", "--path", ".auto-dev/x.py"], "must be a relative path inside the repository"),
        (["test", "--event", "testAdded", "--path", "../x.py"], "must be a relative path inside the repository"),
        (["test", "--event", "bogus"], "'bogus' is not an event kind; use one of testFailed, specificationChanged"),
        (["test"], "--event KIND is required"),
    ])
    func badInputIsAUsageErrorThatSaysWhatToDo(_ arguments: [String], _ message: String) throws {
        let fixture = try SyncCommandTests.project()
        let before = try Self.snapshot(fixture)
        let result = try AutodevBinary.run(arguments, in: fixture.path)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try Self.snapshot(fixture) == before)
    }
}
