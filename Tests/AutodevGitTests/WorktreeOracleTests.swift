import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

@Suite struct WorktreeOracleTests {
    @Test("staged, unstaged and untracked changes match git's view of the work tree", arguments: [11, 12, 13, 14] as [UInt64])
    func worktreeMatchesGit(seed: UInt64) throws {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: seed)
        try history.build(in: fixture, commits: 6)
        try fixture.write(".gitignore", "*.log\nbuild/\n")
        try fixture.commit("ignore rules")
        // Uncommitted work of every kind.
        try fixture.write("untracked/new file.txt", "brand new\n")
        try fixture.write("ignored.log", "never reported\n")
        try fixture.write("build/out.txt", "never reported\n")
        let tracked = try fixture.git(["ls-files", "-z"]).split(separator: "\0").map(String.init).filter { $0 != ".gitignore" }
        var random = SeededRandom(seed: seed)
        if let edit = tracked.randomElement(using: &random) {
            try fixture.write(edit, "edited in the work tree\n")
        }
        if let staged = tracked.randomElement(using: &random), FileManager.default.fileExists(atPath: fixture.path + "/" + staged) {
            try fixture.write(staged, "staged edit\n")
            try fixture.git(["add", "--", staged])
        }
        if let moved = tracked.randomElement(using: &random), FileManager.default.fileExists(atPath: fixture.path + "/" + moved),
           (try? FileManager.default.destinationOfSymbolicLink(atPath: fixture.path + "/" + moved)) == nil {
            try fixture.git(["mv", "--", moved, "moved-in-worktree.txt"])
        }
        if let gone = tracked.randomElement(using: &random), FileManager.default.fileExists(atPath: fixture.path + "/" + gone) {
            try fixture.remove(gone)
        }

        let repository = try Repository.open(at: fixture.path)
        let ours = try repository.diffWorktree(renames: RenameOptions())

        // Oracle: a copy of the repository with everything staged, diffed against HEAD.
        let copy = try TemporaryDirectory()
        defer { copy.remove() }
        try Subprocess.run("/bin/cp", ["-a", fixture.path, copy.path + "/repo"])
        try Subprocess.run(GitFixture.gitPath, ["add", "-A"], in: copy.path + "/repo")
        let theirs = try Subprocess.run(GitFixture.gitPath, ["-c", "core.quotePath=false", "diff", "--cached", "--name-status", "-z", "-M", "HEAD"],
                                        in: copy.path + "/repo")
        let expected = NameStatus.parse(zOutput: theirs.stdout)
        #expect(DiffOracleTests.nameStatus(ours.changes) == expected)
        #expect(!ours.changes.contains { $0.path.hasSuffix(".log") || $0.path.hasPrefix("build/") })
        // Reading the work tree wrote nothing: the index is as the user left it.
        let status = try fixture.git(["status", "--porcelain"])
        #expect(status.contains("?? untracked/"))
    }

    @Test func worktreeOfAnUnbornRepositoryListsUntrackedFiles() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/first.md", "# First\n")
        let repository = try Repository.open(at: fixture.path)
        let ours = try repository.diffWorktree(renames: RenameOptions())
        #expect(ours.changes.map(\.path) == ["specs/first.md"])
        #expect(ours.changes.map(\.status) == [.added])
    }

    @Test func workTreeBlobIdsAreTheOnesGitWouldStoreAfterEndOfLineConversion() throws {
        let fixture = try GitFixture()
        try fixture.write(".gitattributes", "*.bat eol=crlf\n*.txt text\n")
        try fixture.write("run.bat", "echo one\n")
        try fixture.write("notes.txt", "one\n")
        try fixture.commit("base")
        // As a checkout leaves them: CRLF in the .bat (eol=crlf), and a CRLF line added to the .txt.
        try fixture.write("run.bat", "echo one\r\necho two\r\n")
        try fixture.write("notes.txt", "one\r\ntwo\r\n")
        let repository = try Repository.open(at: fixture.path)
        let changes = try repository.diffWorktree(renames: RenameOptions()).changes
        for path in ["run.bat", "notes.txt"] {
            let change = try #require(changes.first { $0.path == path })
            let gitID = try fixture.git(["hash-object", "--", path]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(change.new?.id.hex == gitID, "\(path)")
        }
    }
}
