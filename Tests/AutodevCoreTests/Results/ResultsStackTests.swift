@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// The results commits built from one tree to the next (`TreeStack`) are the commits built as
/// before, a whole tree per change (`writeTree` of the processed commit with every file so
/// far): the same ids, so the same branch, byte for byte.
@Suite struct ResultsStackTests {
    @Test func theStackHasTheCommitIdsOfAWholeTreeWrittenPerChange() throws {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "app\n")
        try fixture.write("tests/test_app.py", "test\n")
        try fixture.write("specs/001-export/spec.md", "# Export\n")
        let base = try #require(ObjectID(hex: try fixture.commit()))
        let repository = try Repository.open(at: fixture.path)
        let baseTree = try repository.commit(base).tree
        func blob(_ text: String) throws -> ObjectID { try repository.writeBlob(Array(text.utf8)) }
        let carried = ["src/earlier.py": try blob("earlier\n")]
        let changes = [
            ResultsBranch.Landing(key: "specs/001-export", work: ["w1"], files: ["src/a.py": try blob("a\n"), "tests/test_a.py": try blob("ta\n")]),
            ResultsBranch.Landing(key: "specs/002-import", work: ["w2"], files: ["src/b.py": try blob("b\n")]),
            ResultsBranch.Landing(key: "specs/003-nothing", work: ["w3"], files: [:]),
            ResultsBranch.Landing(key: "specs/004-again", work: ["w4"], files: ["src/a.py": try blob("a, merged\n"), "docs/new/deep/x.md": try blob("x\n"),
                                                                                "src/app.py": try blob("app, changed\n")]),
            ResultsBranch.Landing(key: "specs/005-same", work: ["w5"], files: ["src/b.py": try blob("b\n")]),
        ]
        var files = carried
        for change in changes { files.merge(change.files) { $1 } }
        let message: (ResultsBranch.Landing?, Bool) -> String = { change, last in "results: \(change?.key ?? "carried")\(last ? " (last)" : "")\n" }
        let built = try ResultsBranch(repository: repository, ref: "refs/heads/autodev/results")
            .buildStack(files, carried: carried, changes: changes, baseTree: baseTree, on: base, tip: nil, message: message, time: 1_700_000_000)

        // The stack as it was built before: a whole tree per change, then the same commits.
        var expected = base
        var laid = carried
        var last = try repository.writeTree(base: baseTree, blobs: laid)
        var titles: [String] = []
        if last != baseTree {
            expected = try repository.createCommit(tree: last, parents: [expected], message: message(nil, false), author: "autodev",
                                                   email: "autodev@localhost", time: 1_700_000_000)
            titles.append("carried")
        }
        for (index, change) in changes.enumerated() {
            laid.merge(change.files) { $1 }
            let next = try repository.writeTree(base: baseTree, blobs: laid)
            if next != last {
                expected = try repository.createCommit(tree: next, parents: [expected], message: message(change, index == 3), author: "autodev",
                                                       email: "autodev@localhost", time: 1_700_000_000)
                titles.append(change.key)
            }
            last = next
        }
        #expect(built.commit == expected)
        #expect(!built.unchanged)
        // git agrees: the same commits, one per change that added something, and a sound repository.
        try repository.updateReference("refs/heads/autodev/results", to: built.commit, expected: nil, message: "test")
        #expect(try fixture.git(["rev-parse", "autodev/results"]).trimmingCharacters(in: .whitespacesAndNewlines) == expected.hex)
        #expect(try fixture.git(["log", "--format=%s", "autodev/results", "^\(base.hex)"]).split(separator: "\n").reversed()
            == ["results: carried", "results: specs/001-export", "results: specs/002-import", "results: specs/004-again (last)"])
        #expect(titles == ["carried", "specs/001-export", "specs/002-import", "specs/004-again"])
        #expect(try fixture.git(["show", "autodev/results:src/a.py"]) == "a, merged\n")
        try fixture.git(["fsck", "--strict", "--no-dangling"])
    }

    @Test func eachChangesMessageTakesItsOwnItemsInTheRunsOrder() {
        var items: [SyncPass.Item] = []
        for index in 0..<40 {
            items.append(SyncPass.Item(work: "w\(index % 13)", action: .newImplementation, subject: "S\(index)", tier: index % 3 == 0 ? "deferred" : "template",
                                       outcome: "", files: index % 2 == 0 ? ["src/f\(index).py"] : []))
        }
        let index = ResultsBranch.ItemsByWork(items)
        for works in [["w1"], ["w12", "w3"], ["w3", "w12", "w3"], ["absent"], []] {
            let change = ResultsBranch.Landing(key: "k", work: works)
            // What a pass over every item gives, in the same order.
            let filtered = items.filter { change.work.contains($0.work) }
            #expect(index.of(change).map(\.subject) == filtered.map(\.subject))
        }
        #expect(index.items.map(\.subject) == items.map(\.subject))
    }
}
