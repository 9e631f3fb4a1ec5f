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

/// Git LFS: a tracked file's blob is a pointer (its SHA-256 and size) while the work tree holds
/// the content. `git lfs clean` makes that pointer again; libgit2 runs no external filters, so
/// autodev makes it itself. The oracle is git with a clean filter that writes the same pointer.
@Suite struct LFSWorktreeTests {
    static let cleanFilter = """
        f=$(mktemp); cat > "$f"
        if head -c 45 "$f" | grep -q '^version https://git-lfs.github.com/spec/v1'; then cat "$f"
        else printf 'version https://git-lfs.github.com/spec/v1\\noid sha256:%s\\nsize %s\\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")"
        fi
        rm -f "$f"
        """

    @Test func lfsFilesCompareByTheirPointers() throws {
        let fixture = try GitFixture()
        let script = fixture.directory.path + "/lfs-clean.sh"
        try Data(Self.cleanFilter.utf8).write(to: URL(fileURLWithPath: script))
        try fixture.git(["config", "filter.lfs.clean", "sh \(script)"])
        try fixture.write(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n")
        try fixture.write("assets/model.bin", Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }))
        try fixture.write("assets/other.bin", Data("second file\n".utf8))
        try fixture.write("README.md", "x\n")
        try fixture.commit("with LFS files")
        // The commit holds pointers, as it would with git-lfs installed.
        #expect(try fixture.git(["cat-file", "-p", "HEAD:assets/model.bin"]).hasPrefix("version https://git-lfs.github.com/spec/v1\noid sha256:"))

        // Touch the content without changing it: stat changes, the pointer does not.
        try fixture.write("assets/model.bin", Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }))
        // Change the other one for real.
        try fixture.write("assets/other.bin", Data("second file, edited\n".utf8))
        let repository = try Repository.open(at: fixture.path)
        let ours = try repository.diffWorktree(renames: RenameOptions())
        let theirs = try fixture.gitNameStatus(["HEAD"])
        #expect(DiffOracleTests.nameStatus(ours.changes) == theirs)
        #expect(theirs.map(\.path) == ["assets/other.bin"])
        // The new side's id is that of the pointer git would store.
        let stored = try fixture.git(["hash-object", "--path", "assets/other.bin", "assets/other.bin"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(ours.changes.first?.new?.id.hex == stored)
    }
}
