@testable import AutodevGit
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

    /// `~N`/`^N` suffixes are walked by autodev itself (from the pack files when packed), the
    /// rest by libgit2: on a history with merges, packed and loose, every form must name what
    /// `git rev-parse` names, and walking past the root must be "unknown revision".
    @Test("ancestry suffixes resolve like git rev-parse", arguments: [(false, false), (true, false), (true, true)])
    func ancestryLikeGit(packed: Bool, graph: Bool) throws {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: 17)
        try history.build(in: fixture, commits: 30)  // includes merges
        try fixture.git(["tag", "-a", "v2", "-m", "annotated", "HEAD~3"])
        if packed { try fixture.git(["repack", "-adq"]) }
        if graph { try fixture.git(["commit-graph", "write", "--reachable"]) }
        let repository = try Repository.open(at: fixture.path)
        #expect((repository.commitGraph != nil) == graph)
        let short = String(try fixture.revParse("HEAD~1").prefix(9))
        var merges = 0
        for revision in ["HEAD~0", "HEAD^0", "HEAD~", "HEAD^", "HEAD^^", "HEAD~1~1", "HEAD~7", "HEAD^2", "HEAD~3^2",
                         "HEAD~2^2~1", "HEAD^2^", "v2~2", "v2^{commit}~1", "main~4", "\(short)~2", "HEAD~25", "HEAD~9^2",
                         "HEAD~18^2", "HEAD~27^2", "HEAD~1^1^1"] {
            let expected = try? fixture.revParse(revision + "^{commit}")
            if let expected {
                #expect(try repository.resolveCommit(revision).hex == expected, "\(revision)")
                if revision.contains("^2") { merges += 1 }
            } else {
                #expect(throws: GitError.self, "\(revision) is not a commit for git either") { try repository.resolveCommit(revision) }
            }
        }
        #expect(merges > 0, "the history has merges for ^2 to follow")
        for revision in ["HEAD~500", "HEAD^3", "HEAD~29^2^2"] where (try? fixture.revParse(revision)) == nil {
            #expect {
                _ = try repository.resolveCommit(revision)
            } throws: { error in
                (error as? GitError)?.kind == .notFound && "\(error)".contains("unknown revision '\(revision)'")
            }
        }
    }

    /// Every commit's tree and parents, read from git's commit-graph, are git's own, octopus
    /// merges included; commits made after the graph was written are simply not in it.
    @Test func commitGraphEntriesMatchGit() throws {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: 23)
        try history.build(in: fixture, commits: 24)
        for name in ["a", "b", "c"] {
            try fixture.git(["checkout", "-q", "-b", "octopus-\(name)", "main"])
            try fixture.write("octopus-\(name).txt", "\(name)\n")
            try fixture.commit("octopus \(name)")
        }
        try fixture.git(["checkout", "-q", "main"])
        try fixture.git(["merge", "-q", "--no-ff", "--no-edit", "octopus-a", "octopus-b", "octopus-c"])
        try fixture.git(["commit-graph", "write", "--reachable"])
        try fixture.write("after-graph.txt", "x\n")
        let later = try fixture.commit("after the graph")

        let repository = try Repository.open(at: fixture.path)
        let graph = try #require(repository.commitGraph)
        var octopus = 0
        for line in try fixture.git(["rev-list", "--parents", "--all"]).split(separator: "\n") {
            let ids = line.split(separator: " ").map(String.init)
            let commit = try #require(ObjectID(hex: ids[0]))
            if ids[0] == later {
                #expect(graph.lookup(commit) == nil)
                continue
            }
            let entry = try #require(graph.lookup(commit), "\(ids[0]) is in the graph")
            #expect(entry.tree.hex == (try fixture.revParse(ids[0] + "^{tree}")))
            #expect(entry.parents.map { $0.hex } == Array(ids.dropFirst()))
            if ids.count > 3 { octopus += 1 }
        }
        #expect(octopus == 1)
        #expect(try repository.resolveCommit("HEAD~1^4").hex == (try fixture.revParse("HEAD~1^4")))
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
