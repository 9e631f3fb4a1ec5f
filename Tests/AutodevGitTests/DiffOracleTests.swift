import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// autodev's change set must equal git's own (`git diff --name-status -M`) on the same range.
@Suite struct DiffOracleTests {
    static func nameStatus(_ changes: [FileChange]) -> [NameStatus] {
        changes.map { change -> NameStatus in
            switch change.status {
            case .added: NameStatus(status: "A", path: change.path)
            case .deleted: NameStatus(status: "D", path: change.path)
            case .modified: NameStatus(status: "M", path: change.path)
            case .typechange: NameStatus(status: "T", path: change.path)
            case .renamed:
                NameStatus(status: "R" + String(format: "%03d", change.similarity ?? 0), path: change.path, oldPath: change.oldPath)
            case .copied:
                NameStatus(status: "C" + String(format: "%03d", change.similarity ?? 0), path: change.path, oldPath: change.oldPath)
            }
        }.sorted()
    }

    @Test("random ranges of random histories match git diff --name-status -M", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func randomRangesMatchGit(seed: UInt64) throws {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: seed)
        try history.build(in: fixture, commits: 28)
        let repository = try Repository.open(at: fixture.path)
        var random = SeededRandom(seed: seed &* 7919)
        let commits = history.commits
        var pairs: [(String, String)] = [(commits[0], commits[commits.count - 1])]
        for _ in 0..<25 {
            pairs.append((commits.randomElement(using: &random)!, commits.randomElement(using: &random)!))
        }
        var inexactRenames = 0, exactRenames = 0, typeChanges = 0
        for (from, to) in pairs {
            let ours = try repository.diff(from: try #require(ObjectID(hex: from)), to: try #require(ObjectID(hex: to)),
                                           renames: RenameOptions())
            let theirs = try fixture.gitNameStatus(["-M", from, to])
            #expect(Self.nameStatus(ours.changes) == theirs, "seed \(seed): \(from)..\(to)")
            inexactRenames += theirs.filter { $0.status.hasPrefix("R") && $0.status != "R100" }.count
            exactRenames += theirs.filter { $0.status == "R100" }.count
            typeChanges += theirs.filter { $0.status == "T" }.count
        }
        // The history must really exercise the hard cases, or this test proves little.
        #expect(inexactRenames > 0, "seed \(seed): \(inexactRenames) inexact, \(exactRenames) exact renames")
        _ = typeChanges
    }

    /// With `diff.renames=copies` git looks for copies too (`-C`: from modified and deleted
    /// files). Random histories duplicate files, edit them and move them: for random ranges the
    /// copies and renames must be git's, scores included.
    @Test("with diff.renames=copies, copies and renames match git's", arguments: [31, 32, 33, 34] as [UInt64])
    func copiesMatchGit(seed: UInt64) throws {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: seed)
        try history.build(in: fixture, commits: 28)
        try fixture.git(["config", "diff.renames", "copies"])
        let repository = try Repository.open(at: fixture.path)
        let options = repository.renameOptionsFromConfig()
        #expect(options.copies)
        var random = SeededRandom(seed: seed &* 104_729)
        let commits = history.commits
        var copies = 0
        for _ in 0..<25 {
            let from = commits.randomElement(using: &random)!, to = commits.randomElement(using: &random)!
            let ours = try repository.diff(from: try #require(ObjectID(hex: from)), to: try #require(ObjectID(hex: to)), renames: options)
            // No -C here: on top of diff.renames=copies it would mean --find-copies-harder.
            let theirs = try fixture.gitNameStatus([from, to])
            #expect(Self.nameStatus(ours.changes) == theirs, "seed \(seed): \(from)..\(to)")
            copies += theirs.filter { $0.status.hasPrefix("C") }.count
        }
        #expect(copies > 0, "seed \(seed): the ranges must hold copies, or this proves little")
    }

    @Test func wholeHistoryFromTheEmptyTreeMatchesGit() throws {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: 99)
        try history.build(in: fixture, commits: 12)
        let repository = try Repository.open(at: fixture.path)
        let head = try #require(ObjectID(hex: try fixture.head()))
        let ours = try repository.diff(from: nil, to: head, renames: RenameOptions())
        let emptyTree = try fixture.git(["hash-object", "-w", "-t", "tree", "/dev/null"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Self.nameStatus(ours.changes) == (try fixture.gitNameStatus(["-M", emptyTree, "HEAD"])))
    }

    @Test("the rename limit skips inexact detection as git does, keeping exact renames", arguments: [1, 2, 3])
    func renameLimitMatchesGit(limit: Int) throws {
        let fixture = try GitFixture()
        for index in 0..<4 {
            try fixture.write("old/exact\(index).txt", "exact content \(index)\n" + String(repeating: "line\n", count: 5))
            try fixture.write("old/fuzzy\(index).txt", (0..<20).map { "fuzzy \(index) line \($0)" }.joined(separator: "\n") + "\n")
        }
        let first = try fixture.commit()
        for index in 0..<4 {
            try fixture.remove("old/exact\(index).txt")
            try fixture.remove("old/fuzzy\(index).txt")
            try fixture.write("new/exact-moved\(index).txt", "exact content \(index)\n" + String(repeating: "line\n", count: 5))
            try fixture.write("new/fuzzy-moved\(index).txt", (0..<20).map { "fuzzy \(index) line \($0)" }.joined(separator: "\n") + "\nextra\n")
        }
        let second = try fixture.commit()
        let repository = try Repository.open(at: fixture.path)
        let ours = try repository.diff(from: ObjectID(hex: first), to: try #require(ObjectID(hex: second)),
                                       renames: RenameOptions(enabled: true, limit: limit))
        let theirs = try fixture.gitNameStatus(["-M", "-l\(limit)", first, second])
        #expect(Self.nameStatus(ours.changes) == theirs)
        #expect(ours.changes.filter { $0.status == .renamed && $0.similarity == 100 }.count == 4)
        #expect(ours.renameLimitNeeded == 4)
    }

    @Test func renamesCanBeTurnedOff() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "same\ncontent\n")
        let first = try fixture.commit()
        try fixture.git(["mv", "a.txt", "b.txt"])
        let second = try fixture.commit()
        let repository = try Repository.open(at: fixture.path)
        let ours = try repository.diff(from: ObjectID(hex: first), to: try #require(ObjectID(hex: second)),
                                       renames: RenameOptions(enabled: false))
        #expect(Self.nameStatus(ours.changes) == (try fixture.gitNameStatus(["--no-renames", first, second])))
    }

    @Test func submoduleChangesAreReportedWithoutReadingContent() throws {
        let fixture = try GitFixture()
        try fixture.write("README", "x\n")
        let first = try fixture.commit()
        // A gitlink entry, added straight into the index (no need for a real submodule clone).
        try fixture.git(["update-index", "--add", "--cacheinfo", "160000,\(first),vendor/lib"])
        try fixture.git(["commit", "-q", "-m", "add submodule"])
        let second = try fixture.head()
        let repository = try Repository.open(at: fixture.path)
        let ours = try repository.diff(from: ObjectID(hex: first), to: try #require(ObjectID(hex: second)), renames: RenameOptions())
        #expect(Self.nameStatus(ours.changes) == (try fixture.gitNameStatus(["-M", first, second])))
        #expect(ours.changes.first?.isSubmodule == true)
    }
}
