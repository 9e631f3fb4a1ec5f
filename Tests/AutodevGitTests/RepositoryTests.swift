import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

@Suite struct RepositoryTests {
    @Test func discoversTheRepositoryFromASubdirectory() throws {
        let fixture = try GitFixture()
        try fixture.write("deep/inside/file.txt", "x\n")
        try fixture.commit()
        let repository = try Repository.discover(from: fixture.path + "/deep/inside")
        #expect(try repository.head()?.hex == (try fixture.head()))
        #expect(!repository.isBare)
    }

    @Test func opensBareRepositoriesAndLinkedWorktrees() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        let head = try fixture.commit()
        let bare = fixture.directory.path + "/mirror.git"
        try fixture.git(["clone", "-q", "--bare", fixture.path, bare])
        let bareRepository = try Repository.discover(from: bare)
        #expect(bareRepository.isBare)
        #expect(try bareRepository.head()?.hex == head)

        let linked = fixture.directory.path + "/linked"
        try fixture.git(["worktree", "add", "-q", "-b", "other", linked])
        try Subprocess.run("/bin/sh", ["-c", "echo change > b.txt && git add b.txt && git -c user.name=x -c user.email=x@x commit -qm b"], in: linked)
        let worktree = try Repository.discover(from: linked)
        #expect(try worktree.head()?.hex != head)
        #expect(worktree.workdir?.hasSuffix("linked/") == true)
    }

    @Test func reportsANonRepository() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect {
            _ = try Repository.discover(from: directory.path)
        } throws: { error in
            (error as? GitError)?.kind == .notARepository
        }
    }

    @Test("revisions resolve like git rev-parse", arguments: ["HEAD", "HEAD~2", "v1", "main", "HEAD^", "v1^{commit}"])
    func revisionsResolveLikeGit(revision: String) throws {
        let fixture = try GitFixture()
        for index in 0..<4 {
            try fixture.write("f.txt", "\(index)\n")
            try fixture.commit("c\(index)")
        }
        try fixture.git(["tag", "-a", "v1", "-m", "annotated", "HEAD~1"])
        let repository = try Repository.open(at: fixture.path)
        let expected = try fixture.revParse(revision + "^{commit}")
        #expect(try repository.resolveCommit(revision).hex == expected)
        let short = String(expected.prefix(8))
        #expect(try repository.resolveCommit(short).hex == expected)
    }

    @Test func unknownRevisionsAreNotFound() throws {
        let fixture = try GitFixture()
        try fixture.write("f.txt", "x\n")
        try fixture.commit()
        let repository = try Repository.open(at: fixture.path)
        #expect {
            _ = try repository.resolveCommit("no-such-branch")
        } throws: { error in
            (error as? GitError)?.kind == .notFound
        }
    }

    @Test func unbornRepositoryHasNoHead() throws {
        let fixture = try GitFixture()
        let repository = try Repository.open(at: fixture.path)
        #expect(try repository.head() == nil)
    }
}
