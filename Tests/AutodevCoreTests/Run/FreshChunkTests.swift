@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// A pass over a range with more new work than its window keeps the work past the window as
/// references and builds each piece where it is logged and queued (`Sync.freshChunk`,
/// `FreshTail`): how much it holds at once must change nothing that is decided, queued,
/// committed or counted. Git is the oracle: the queue, checkpoint and results refs, and the bytes
/// of state.json, metrics.json, the run records and the decision logs, after the same syncs with
/// a chunk of 1 (streamed) and of 1,000,000 (every piece held, as before `FreshTail`).
@Suite struct FreshChunkTests {
    /// What a run left, as bytes: refs, the queue's tree, the results' log and `.auto-dev/loop`.
    static func outcome(at path: String) throws -> [String: String] {
        var seen: [String: String] = [:]
        for ref in ["refs/autodev/queue", "refs/autodev/checkpoint", "refs/heads/autodev/results"] {
            seen[ref] = try CarriedChunkTests.git(path, ["rev-parse", ref]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        seen["queue tree"] = try CarriedChunkTests.git(path, ["ls-tree", "-r", "refs/autodev/queue"])
        seen["results log"] = try CarriedChunkTests.git(path, ["log", "--format=%H %T %s", "refs/heads/autodev/results"])
        let loop = path + "/.auto-dev/loop"
        for name in ["state.json", "metrics.json"] {
            seen[name] = try String(contentsOfFile: loop + "/" + name, encoding: .utf8).replacingOccurrences(of: path, with: "ROOT")
        }
        for folder in ["decisions", "history"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: loop + "/" + folder).sorted() {
                seen[folder + "/" + name] = try String(contentsOfFile: loop + "/" + folder + "/" + name, encoding: .utf8)
            }
        }
        return seen
    }

    /// Three syncs over the copy at `path`: the first over a commit of 800 one-requirement
    /// features (no queue in git yet: about 600 pieces of new work, 60 taken), the second after
    /// a commit of 200 more while the first's queue is in git (new work past the window joins
    /// the carried in the shards), the third over the backlog alone. Returns what each left and
    /// how many items the first run listed.
    static func syncs(at path: String, config: Config, chunk: Int, clock: ManualClock) throws -> (seen: [String: String], listed: Int, pending: Int, log: String) {
        func sync() throws -> SyncPass {
            let sync = Sync(repository: try Repository.open(at: path), config: config, environment: [:], clock: clock)
            sync.freshChunk = chunk
            let report = try sync.run(SyncOptions())
            let pass = try #require(report.passes.last)
            #expect(pass.failures.isEmpty)
            return pass
        }
        let first = try sync()
        let log = try String(contentsOfFile: path + "/.auto-dev/loop/decisions/\(first.run).jsonl", encoding: .utf8)
        try StressTest.commitBatch(try Repository.open(at: path), unit: 0, batch: 1, first: 800, count: 200, patternsOnly: false)
        _ = try sync()
        _ = try sync()
        return (try outcome(at: path), first.items.count, first.pending, log)
    }

    @Test func theQueueLogsStateAndResultsAreTheSameWhateverTheChunk() throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-fresh")
        defer { scratch.remove() }
        let root = scratch.path
        let clock = ManualClock(now: 1_800_000_000)
        let repository = try StressTest.scratch(at: root + "/base")
        let config = try ConfigFile.load(for: repository, environment: ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "60"])
        _ = try Sync(repository: repository, config: config, environment: [:], clock: clock).run(SyncOptions())
        try StressTest.commitBatch(repository, unit: 0, batch: 0, first: 0, count: 800, patternsOnly: false)
        var results: [Int: (seen: [String: String], listed: Int, pending: Int, log: String)] = [:]
        for chunk in [1, 1_000_000] {
            let copy = root + "/chunk-\(chunk)"
            try FileManager.default.copyItem(atPath: root + "/base", toPath: copy)
            results[chunk] = try Self.syncs(at: copy, config: config, chunk: chunk, clock: clock)
        }
        let small = try #require(results[1]), large = try #require(results[1_000_000])
        #expect(Set(small.seen.keys) == Set(large.seen.keys))
        for key in small.seen.keys.sorted() {
            #expect(small.seen[key] == large.seen[key], "\(key) differs between a chunk of 1 and of 1,000,000")
        }
        // The first run held only its window with a chunk of 1, and every piece with 1,000,000:
        // the two paths were both taken, and left the same.
        #expect(small.listed == 60)
        #expect(large.listed > 500)
        #expect(small.pending == large.pending && small.pending > 500)
        // The comparison is not of empty logs: every piece past the window has its line.
        #expect(small.log == large.log)
        #expect(small.log.components(separatedBy: "over max_events_per_run (60); pending").count - 1 == large.listed - 60)
    }
}
