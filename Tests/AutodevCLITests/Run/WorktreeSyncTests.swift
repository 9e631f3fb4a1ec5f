import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Linked work trees (`git worktree add`): each keeps its own checkpoint and queue, so neither
/// re-processes the other's commits; they share the results branch, and one sync runs in the
/// repository at a time.
@Suite struct WorktreeSyncTests {
    /// The project with its spec commit synced in the main work tree, and a linked work tree
    /// `wt` on a branch `feature` from the base commit.
    static func fixture() throws -> (GitFixture, String) {
        let fixture = try SyncCommandTests.project()
        let worktree = fixture.directory.path + "/wt"
        try fixture.git(["worktree", "add", "-q", "-b", "feature", worktree, "HEAD~1"])
        return (fixture, worktree)
    }

    static func git(_ arguments: [String], in directory: String) throws -> String {
        let result = try Subprocess.run(GitFixture.gitPath, arguments, in: directory)
        guard result.status == 0 else { throw FixtureError("git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func events(_ result: ProcessResult) throws -> Int {
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "\(result.stdout)")
        return ((report["passes"] as? [[String: Any]]) ?? []).reduce(0) { $0 + (($1["events"] as? Int) ?? 0) }
    }

    @Test func eachWorkTreeKeepsItsOwnCheckpointAndNeitherReprocessesTheOthersCommits() throws {
        let (fixture, worktree) = try Self.fixture()
        let main = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(main.status == 0, "\(main.stderr)")
        #expect(try Self.events(main) == 1)
        let mainCheckpoint = try fixture.revParse("refs/autodev/checkpoint")
        #expect(mainCheckpoint == (try fixture.head()))

        // The linked work tree's first sync adopts its HEAD; its own commits then make work.
        let adopted = try AutodevBinary.run(["sync", "--json"], in: worktree)
        #expect(adopted.status == 0, "\(adopted.stderr)")
        try FileManager.default.createDirectory(atPath: worktree + "/specs/002-import", withIntermediateDirectories: true)
        try SyncCommandTests.spec.replacingOccurrences(of: "xport", with: "mport")
            .write(toFile: worktree + "/specs/002-import/spec.md", atomically: true, encoding: .utf8)
        _ = try Self.git(["add", "-A"], in: worktree)
        _ = try Self.git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "Specify import"], in: worktree)
        let feature = try AutodevBinary.run(["sync", "--json"], in: worktree)
        #expect(feature.status == 0, "\(feature.stderr)")
        #expect(try Self.events(feature) == 1, "only the work tree's own commit: \(feature.stdout)")
        #expect(try Self.git(["rev-parse", "refs/autodev/worktrees/wt/checkpoint"], in: worktree) == (try Self.git(["rev-parse", "HEAD"], in: worktree)))
        // The main work tree's checkpoint did not move, and a sync there finds nothing new.
        #expect(try fixture.revParse("refs/autodev/checkpoint") == mainCheckpoint)
        let again = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.events(again) == 0, "the main work tree re-processed the feature's commits: \(again.stdout)")
        #expect(try Self.events(try AutodevBinary.run(["sync", "--json"], in: worktree)) == 0)
        // Both work trees' results are on the one results branch.
        let files = try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results"])
        #expect(files.contains("f_001_export") && files.contains("f_002_import"), "\(files)")
        // `status` and `diff-events` in the linked work tree read its own checkpoint.
        let preview = try AutodevBinary.run(["diff-events", "--json"], in: worktree)
        #expect(preview.status == 0, "\(preview.stderr)")
        let previewed = try #require(try JSONSerialization.jsonObject(with: preview.stdoutData) as? [String: Any])
        #expect((previewed["events"] as? [Any])?.isEmpty == true, "\(preview.stdout)")
    }

    @Test func aSyncInOneWorkTreeWaitsForTheSyncInAnother() throws {
        let (fixture, worktree) = try Self.fixture()
        // The repository's lock, in the common git folder, held as a running sync holds it.
        let folder = fixture.path + "/.git/autodev"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(folder + "/sync.lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)
        defer { close(fd) }
        let busy = try AutodevBinary.run(["sync", "--no-wait"], in: worktree)
        #expect(busy.status == 75, "\(busy.stderr)")
        #expect(busy.stderr.contains("in another work tree of this repository"), "\(busy.stderr)")
        let busyMain = try SyncCommandTests.sync(fixture, ["--no-wait"])
        #expect(busyMain.status == 75, "\(busyMain.stderr)")
        #expect(try fixture.git(["rev-parse", "--verify", "-q", "refs/autodev/checkpoint"]).isEmpty == false)
        flock(fd, LOCK_UN)
        #expect(try SyncCommandTests.sync(fixture, ["--no-wait"]).status == 0)
    }
}
