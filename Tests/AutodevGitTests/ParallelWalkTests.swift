@testable import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// The tree walk shares large comparisons among threads; whatever the split, the changes found
/// must be exactly those of the one-thread walk (which `DiffOracleTests` hold equal to git's).
@Suite struct ParallelWalkTests {
    static func key(_ deltas: [RawDelta]) -> [String] {
        deltas.map { delta in
            "\(String(decoding: delta.path, as: UTF8.self)) \(delta.old?.id.hex ?? "-") \(delta.old?.mode.rawValue ?? 0) \(delta.new?.id.hex ?? "-") \(delta.new?.mode.rawValue ?? 0)"
        }.sorted()
    }

    @Test("any split among threads finds the same changes", arguments: [11, 12, 13] as [UInt64])
    func threadsFindTheSameChanges(seed: UInt64) throws {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: seed)
        try history.build(in: fixture, commits: 20)
        let repository = try Repository.open(at: fixture.path)
        let commits = history.commits
        var compared = 0
        for (index, from) in commits.enumerated() where index % 3 == 0 {
            for to in commits.suffix(4) {
                let old = try repository.commit(try #require(ObjectID(hex: from))).tree
                let new = try repository.commit(try #require(ObjectID(hex: to))).tree
                let pair = TreePair(prefix: [], old: old, new: new)
                let serial = Self.key(try repository.treeDeltas(pair, workers: 1))
                for (workers, fanOut) in [(2, 1), (3, 2), (4, 8)] {
                    let parallel = Self.key(try repository.treeDeltas(pair, workers: workers, fanOut: fanOut))
                    #expect(parallel == serial, "seed \(seed), \(workers) workers, fan-out \(fanOut): \(from)..\(to)")
                }
                compared += serial.count
            }
        }
        #expect(compared > 50, "the histories must have changes to compare")
    }

    @Test func aMissingTreeInAWorkerIsAnErrorNotASilentGap() throws {
        let fixture = try GitFixture()
        for folder in 0..<12 {
            try fixture.write("f\(folder)/inner/file.txt", "one \(folder)\n")
        }
        let first = try fixture.commit("first")
        for folder in 0..<12 {
            try fixture.write("f\(folder)/inner/file.txt", "two \(folder)\n")
        }
        _ = try fixture.commit("second")
        // Objects are loose (no gc): remove one folder's new tree from the object database.
        let missing = try fixture.git(["rev-parse", "HEAD:f7/inner"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let objectFile = fixture.path + "/.git/objects/" + missing.prefix(2) + "/" + missing.dropFirst(2)
        try FileManager.default.removeItem(atPath: objectFile)

        let repository = try Repository.open(at: fixture.path)
        let old = try repository.commit(try #require(ObjectID(hex: first))).tree
        let new = try repository.commit(try #require(ObjectID(hex: try fixture.head()))).tree
        let pair = TreePair(prefix: [], old: old, new: new)
        for workers in [1, 3] {
            #expect(throws: GitError.self, "\(workers) workers") {
                try repository.treeDeltas(pair, workers: workers, fanOut: 2)
            }
        }
    }
}
