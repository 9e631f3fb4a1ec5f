import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

@Suite struct TreeStackTests {
    /// The tree git itself writes for `base` with `files` laid over it as regular files:
    /// read-tree, update-index --cacheinfo, write-tree (the fixture's index is put back after).
    static func gitTree(_ fixture: GitFixture, base: ObjectID, files: [String: ObjectID]) throws -> String {
        try fixture.git(["read-tree", base.hex])
        for (path, blob) in files.sorted(by: { $0.key < $1.key }) {
            try fixture.git(["update-index", "--add", "--cacheinfo", "100644,\(blob.hex),\(path)"])
        }
        let tree = try fixture.git(["write-tree"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try fixture.git(["read-tree", "HEAD"])
        return tree
    }

    @Test func eachStepIsTheTreeThatWriteTreeAndGitWriteForTheBaseWithEveryFileSoFar() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "readme\n")
        try fixture.write("src/app.py", "app\n")
        try fixture.write("src/lib/util.py", "util\n")
        try fixture.write("tests/test_app.py", "test\n")
        try fixture.write("bin/run", "#!/bin/sh\n")
        try fixture.setExecutable("bin/run", true)
        try fixture.symlink("latest", to: "src/app.py")
        let head = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let base = try repository.commit(head).tree
        func blob(_ text: String) throws -> ObjectID { try repository.writeBlob(Array(text.utf8)) }
        let steps: [[String: ObjectID]] = [
            ["src/gen/a.py": try blob("a\n"), "tests/test_a.py": try blob("ta\n")],  // a new folder, an existing one
            ["src/app.py": try blob("app 2\n")],  // a file of the base replaced
            ["bin/run": try blob("#!/bin/sh\nexit 0\n")],  // an executable replaced: 100644 as writeTree does
            ["deep/er/and/deeper/x.py": try blob("x\n"), "README.md": try blob("readme 2\n"), "src/gen/a.py": try blob("a 2\n")],
            ["src/lib/util.py": try blob("util\n")],  // the content it already had
            ["src/gen/b.py": try blob("b\n"), "src/gen-2/c.py": try blob("c\n"), "src/gen.py": try blob("g\n")],  // git's name order
        ]
        let stack = TreeStack(repository: repository, base: base)
        var laid: [String: ObjectID] = [:]
        for step in steps {
            laid.merge(step) { $1 }
            let tree = try stack.lay(step)
            #expect(tree == (try repository.writeTree(base: base, blobs: laid)))
            #expect(tree.hex == (try Self.gitTree(fixture, base: base, files: laid)))
        }
        #expect(try fixture.git(["ls-tree", "-r", try stack.lay([:]).hex]).contains("100755 blob") == false)
        try fixture.git(["fsck", "--strict", "--no-dangling"])
    }

    @Test func aStepWritesOnlyTheFoldersOnItsPathsHoweverLargeTheTree() throws {
        let fixture = try GitFixture()
        for folder in 0..<60 { try fixture.write("specs/\(folder)/spec.md", "spec \(folder)\n") }
        try fixture.write("src/app.py", "app\n")
        let head = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let base = try repository.commit(head).tree
        let stack = TreeStack(repository: repository, base: base)
        var laid: [String: ObjectID] = [:]
        for change in 0..<20 {
            let step = ["src/gen/f\(change).py": try repository.writeBlob(Array("f\(change)\n".utf8))]
            laid.merge(step) { $1 }
            let before = stack.foldersWritten
            let tree = try stack.lay(step)
            // The root, src and src/gen: not the 60 spec folders or specs itself.
            #expect(stack.foldersWritten - before == 3)
            #expect(tree == (try repository.writeTree(base: base, blobs: laid)))
        }
    }

    @Test func aFileWhereAFolderIsIsLeftToTheIndexAndTheTreesStayTheSame() throws {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "app\n")
        try fixture.write("docs/guide.md", "guide\n")
        let head = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let base = try repository.commit(head).tree
        func blob(_ text: String) throws -> ObjectID { try repository.writeBlob(Array(text.utf8)) }
        let steps: [[String: ObjectID]] = [
            ["src/new.py": try blob("n\n")],
            ["docs": try blob("a file where a folder is\n")],  // the index drops the folder
            ["src/app.py/inner.py": try blob("a folder where a file is\n")],  // and the file
            ["src/more.py": try blob("m\n")],
        ]
        let stack = TreeStack(repository: repository, base: base)
        var laid: [String: ObjectID] = [:]
        for step in steps {
            laid.merge(step) { $1 }
            #expect(try stack.lay(step) == (try repository.writeTree(base: base, blobs: laid)))
        }
    }

    struct Stopped: Error {}

    @Test func aStepOfALargeStackCanBeAbandonedAndASmallStackIsAlwaysFinished() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        let head = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let stack = TreeStack(repository: repository, base: try repository.commit(head).tree)
        var checks = 0
        for index in 0..<255 {
            _ = try stack.lay(["gen/\(index).txt": try repository.writeBlob(Array("\(index)\n".utf8))]) {
                checks += 1
                throw Stopped()
            }
        }
        #expect(checks == 0)
        // From 256 files laid on, every step honours a stop before it writes anything.
        let blob = try repository.writeBlob(Array("one more\n".utf8))
        #expect(throws: Stopped.self) { try stack.lay(["gen/last.txt": blob]) { throw Stopped() } }
    }

    @Test func aBlobNeverWrittenIsRefusedByName() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        let head = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let stack = TreeStack(repository: repository, base: try repository.commit(head).tree)
        let missing = try Repository.blobID(of: Array("never written\n".utf8))
        let error = try #require(throws: GitError.self) { try stack.lay(["gen/x.txt": missing]) }
        #expect(error.message.contains("gen/x.txt") && error.message.contains(missing.hex))
    }
}
