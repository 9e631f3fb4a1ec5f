@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// A pass reads the carried work shard by shard and holds only its window of it
/// (`Sync.carriedChunk`, `CarriedWork`): how much it holds at once must change nothing that is
/// decided, queued or committed. Git is the oracle: the queue, checkpoint and results refs and
/// the bytes of state.json and the decision logs, after the same syncs with a chunk of 1 and of
/// 1,000,000.
@Suite struct CarriedChunkTests {
    /// Runs git in the repository at `path`; throws when it fails.
    static func git(_ path: String, _ arguments: [String]) throws -> String {
        let result = try Subprocess.run(GitFixture.gitPath, ["-C", path] + arguments)
        guard result.status == 0 else { throw FixtureError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdout
    }

    /// A scratch project (the stress test's: answer templates checked by `true`, "legacy"
    /// requirements skipped by a pattern) with 800 one-requirement features in one commit, and
    /// a first sync that takes 60 and queues the rest in the queue's shards.
    static func backlog(at path: String, clock: ManualClock) throws -> Config {
        let repository = try StressTest.scratch(at: path)
        let config = try ConfigFile.load(for: repository, environment: ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "60"])
        _ = try Sync(repository: repository, config: config, environment: [:], clock: clock).run(SyncOptions())
        try StressTest.commitBatch(repository, unit: 0, batch: 0, first: 0, count: 800, patternsOnly: false)
        _ = try Sync(repository: repository, config: config, environment: [:], clock: clock).run(SyncOptions())
        return config
    }

    /// Four more syncs over the copy at `path`: two over the backlog alone, one after a commit of
    /// 200 more features (new work behind the carried), one after a commit that removes 40
    /// features still queued (their work withdrawn from the shards).
    static func drain(at path: String, config: Config, chunk: Int, clock: ManualClock) throws -> [String: String] {
        func sync() throws {
            let sync = Sync(repository: try Repository.open(at: path), config: config, environment: [:], clock: clock)
            sync.carriedChunk = chunk
            let report = try sync.run(SyncOptions())
            #expect(report.passes.last?.failures.isEmpty == true)
        }
        try sync()
        try sync()
        try StressTest.commitBatch(try Repository.open(at: path), unit: 0, batch: 1, first: 800, count: 200, patternsOnly: false)
        try sync()
        // Remove 40 features, the queue's and done ones alike, straight in the object database
        // (as the stress test commits: the scratch repository has no work tree to speak of).
        let repository = try Repository.open(at: path)
        let head = try repository.resolveCommit("HEAD")
        let removed = try git(path, ["ls-tree", "-r", "--name-only", "HEAD", "specs/b0-0/"]).split(separator: "\n").suffix(40)
        let tree = try repository.writeTree(base: try repository.commit(head).tree,
                                            blobs: Dictionary(uniqueKeysWithValues: removed.map { (String($0), ObjectID?.none) }))
        let commit = try repository.createCommit(tree: tree, parents: [head], message: "remove 40 features\n", author: "t",
                                                 email: "t@localhost", time: 1_700_100_000)
        try repository.updateReference(try #require(try repository.headReferenceName()), to: commit, expected: head, message: "test")
        try sync()
        var seen: [String: String] = [:]
        for ref in ["refs/autodev/queue", "refs/autodev/checkpoint", "refs/heads/autodev/results"] {
            seen[ref] = try git(path, ["rev-parse", ref]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        seen["queue tree"] = try git(path, ["ls-tree", "-r", "refs/autodev/queue"])
        seen["results log"] = try git(path, ["log", "--format=%H %T %s", "refs/heads/autodev/results"])
        let loop = path + "/.auto-dev/loop"
        seen["state.json"] = try String(contentsOfFile: loop + "/state.json", encoding: .utf8).replacingOccurrences(of: path, with: "ROOT")
        for name in try FileManager.default.contentsOfDirectory(atPath: loop + "/decisions").sorted() {
            seen["decisions/" + name] = try String(contentsOfFile: loop + "/decisions/" + name, encoding: .utf8)
        }
        return seen
    }

    @Test func theQueueStateAndResultsAreTheSameWhateverTheChunk() throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-carried")
        defer { scratch.remove() }
        let root = scratch.path
        let clock = ManualClock(now: 1_800_000_000)
        let config = try Self.backlog(at: root + "/base", clock: clock)
        let pendingAtStart = try #require(try JSONSerialization.jsonObject(with: Data(
            Self.git(root + "/base", ["show", "refs/autodev/queue:meta.json"]).utf8)) as? [String: Any])["pending"] as? Int
        #expect((pendingAtStart ?? 0) > 500, "the first sync should leave most of 600 pieces of work queued")
        var results: [Int: [String: String]] = [:]
        for chunk in [1, 1_000_000] {
            let copy = root + "/chunk-\(chunk)"
            try FileManager.default.copyItem(atPath: root + "/base", toPath: copy)
            results[chunk] = try Self.drain(at: copy, config: config, chunk: chunk, clock: clock)
        }
        let small = try #require(results[1]), large = try #require(results[1_000_000])
        #expect(Set(small.keys) == Set(large.keys))
        for key in small.keys.sorted() {
            #expect(small[key] == large[key], "\(key) differs between a chunk of 1 and of 1,000,000")
        }
        // The runs did work and the queue went on shrinking: the comparison is not of empty refs.
        #expect(large["results log"]?.split(separator: "\n").count ?? 0 >= 4)
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(
            Self.git(root + "/chunk-1", ["show", "refs/autodev/queue:meta.json"]).utf8)) as? [String: Any])
        let left = try #require(meta["pending"] as? Int)
        // 4 runs took 60 each; 150 new pieces of work came (a quarter of 200 skipped).
        #expect(left > 0 && left < (pendingAtStart ?? 0) + 150)
    }
}
