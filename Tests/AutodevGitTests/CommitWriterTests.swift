import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

@Suite struct CommitWriterTests {
    @Test func aTreeAndCommitAreWrittenWithoutTouchingHEADIndexOrWorkTree() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        try fixture.write("dir/b.txt", "b\n")
        let head = try fixture.commit()
        let index = try fixture.read(".git/index")
        let repository = try Repository.open(at: fixture.path)
        let base = try repository.commit(try #require(ObjectID(hex: head))).tree
        let blob = try repository.writeBlob(Array("generated\n".utf8))
        let tree = try repository.writeTree(base: base, blobs: ["gen/x.txt": blob, "dir/b.txt": nil])
        let commit = try repository.createCommit(tree: tree, parents: [try #require(ObjectID(hex: head))], message: "m\n",
                                                 author: "autodev", email: "a@b", time: 1_700_000_000)
        try repository.updateReference("refs/heads/results", to: commit, expected: nil, message: "test")
        // git, as the oracle, sees exactly that tree on the new branch and nothing else changed.
        #expect(try fixture.git(["ls-tree", "-r", "--name-only", "results"]) == "a.txt\ngen/x.txt\n")
        #expect(try fixture.git(["show", "results:gen/x.txt"]) == "generated\n")
        #expect(try fixture.head() == head)
        #expect(try fixture.read(".git/index") == index)
        #expect(try fixture.git(["status", "--porcelain"]) == "")
    }

    /// A folder's tree put into a base along its path (the stress test's commits) is the tree
    /// `writeTree` makes of the base and the same files, whether the path's folders exist or not;
    /// git lists it as the oracle.
    @Test(arguments: ["specs/b0-1", "specs/b0-0", "new/deep/folder"])
    func aFolderTreeInsertedAlongItsPathIsTheTreeOfTheBaseAndItsFiles(_ folder: String) throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        try fixture.write("specs/b0-0/1-feature/spec.md", "one\n")
        try fixture.write("specs/z/spec.md", "z\n")
        let head = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let base = try repository.commit(head).tree
        let blob = try repository.writeBlob(Array("two\n".utf8))
        let files: [String: ObjectID?] = ["2-feature/spec.md": blob, "3-feature/spec.md": blob]
        let inserted = try repository.insertTree(try repository.writeTree(base: nil, blobs: files), at: folder, into: base)
        let whole = try repository.writeTree(base: base, blobs: Dictionary(uniqueKeysWithValues: files.map { (folder + "/" + $0.key, $0.value) }))
        if folder == "specs/b0-0" {
            // Replaced, not merged: the folder's old file is gone.
            #expect(inserted != whole)
            #expect(!(try fixture.git(["ls-tree", "-r", "--name-only", inserted.hex])).contains("1-feature"))
        } else {
            #expect(inserted == whole)
        }
        #expect(try fixture.git(["ls-tree", "-r", "--name-only", inserted.hex]).contains(folder + "/3-feature/spec.md"))
        #expect(try fixture.git(["ls-tree", "-r", "--name-only", inserted.hex]).contains("specs/z/spec.md"))
        try fixture.git(["fsck", "--strict", "--no-dangling"])
    }

    struct Stopped: Error {}

    @Test func aTreeOfManyEntriesCanBeAbandonedMidWayAndASmallOneIsAlwaysFinished() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        let head = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let base = try repository.commit(head).tree
        let blob = try repository.writeBlob(Array("x\n".utf8))
        var many: [String: ObjectID?] = [:]
        for index in 0..<1000 { many["gen/\(index).txt"] = blob }
        // The checkpoint runs after every 256 entries of both passes: 3 + 3 for 1000.
        var checks = 0
        _ = try repository.writeTree(base: base, blobs: many) { checks += 1 }
        #expect(checks == 6)
        // Throwing from it abandons the tree at once.
        checks = 0
        #expect(throws: Stopped.self) {
            try repository.writeTree(base: base, blobs: many) {
                checks += 1
                throw Stopped()
            }
        }
        #expect(checks == 1)
        // Under 256 entries the checkpoint never runs: a stop keeps small results.
        let small = try repository.writeTree(base: base, blobs: ["gen/x.txt": blob]) { throw Stopped() }
        #expect(try fixture.git(["ls-tree", "-r", "--name-only", small.hex]) == "a.txt\ngen/x.txt\n")
    }

    @Test func aReferenceMovesOnlyFromWhereTheCallerExpectsIt() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        let first = try #require(ObjectID(hex: try fixture.commit()))
        try fixture.write("a.txt", "b\n")
        let second = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        try repository.updateReference("refs/autodev/checkpoint", to: first, expected: nil, message: "t")
        // Creating again, or moving from the wrong place, is refused as a `.modified` conflict.
        #expect(throws: GitError.self) { try repository.updateReference("refs/autodev/checkpoint", to: second, expected: nil, message: "t") }
        do {
            try repository.updateReference("refs/autodev/checkpoint", to: first, expected: second, message: "t")
            Issue.record("a compare-and-swap from the wrong value succeeded")
        } catch let error as GitError {
            #expect(error.kind == .modified)
        }
        try repository.updateReference("refs/autodev/checkpoint", to: second, expected: first, message: "t")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == second.hex + "\n")
        #expect(try repository.isAncestor(first, of: second))
        #expect(try !repository.isAncestor(second, of: first))
    }
}

/// `git merge-file` as the oracle for libgit2's three-way file merge.
@Suite struct FileMergeTests {
    @Test(arguments: [
        ("a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n"),  // both sides, apart: merged
        ("a\nb\nc\n", "a\nB\nc\n", "a\nX\nc\n"),                    // the same line: a conflict
        ("", "one\n", "two\n"),                                       // both add a new file: a conflict
        ("a\n", "a\nb\n", "a\n"),                                     // one side only
    ])
    func mergesAsGitMergeFileDoes(_ base: String, _ ours: String, _ theirs: String) throws {
        let folder = try TemporaryDirectory()
        for (name, text) in [("base", base), ("ours", ours), ("theirs", theirs)] {
            try text.write(toFile: folder.path + "/" + name, atomically: true, encoding: .utf8)
        }
        let oracle = try Subprocess.run("/usr/bin/git", ["merge-file", "-p", "ours", "base", "theirs"], in: folder.path)
        let outcome = try FileMerge.merge(base: Array(base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8), path: "f")
        switch outcome {
        case .merged(let content):
            #expect(oracle.status == 0, "git says conflict, libgit2 merged: \(String(decoding: content, as: UTF8.self))")
            #expect(String(decoding: content, as: UTF8.self) == oracle.stdout)
        case .conflict:
            #expect(oracle.status > 0, "libgit2 says conflict, git merged: \(oracle.stdout)")
        }
    }
}
