import AutodevTestSupport
import Foundation
import Testing

/// What `.auto-dev/` keeps must not grow with the pending work once that work is in git.
@Suite struct StateSizeTests {
    static func stateJSON(_ fixture: GitFixture) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/state.json"))) as? [String: Any])
    }

    /// The queue's shards (`pending/abc.json`) at a revision of the queue ref, by path, as git
    /// lists them: blob id and the ids of the work in it (git reads the blobs, not autodev).
    static func shards(_ fixture: GitFixture, _ revision: String = "refs/autodev/queue", under folder: String = "") throws -> [String: (blob: String, work: Set<String>)] {
        var shards: [String: (blob: String, work: Set<String>)] = [:]
        for line in try fixture.git(["ls-tree", "-r", revision, folder + "pending/"]).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            let blob = String(fields[0].split(separator: " ")[2])
            let items = try #require(try JSONSerialization.jsonObject(with: Data(try fixture.git(["cat-file", "blob", blob]).utf8)) as? [[String: Any]])
            let path = String(fields[1].dropFirst(folder.count))
            shards[path] = (blob, Set(items.compactMap { $0["id"] as? String }))
        }
        return shards
    }

    /// The queue's `meta.json` at a revision.
    static func meta(_ fixture: GitFixture, _ revision: String = "refs/autodev/queue") throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(try fixture.git(["show", revision + ":meta.json"]).utf8)) as? [String: Any])
    }

    @Test func stateJSONDoesNotCacheAQueueThatIsInGit() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write("specs/002-many/spec.md", (1...12).map { "- **FR-\(String(format: "%03d", $0))**: System MUST do thing \($0)\n" }.joined())
        try fixture.commit("a spec with twelve requirements")
        let limits = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "3"]
        #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0)
        let pendingInGit = try Self.shards(fixture).values.reduce(0) { $0 + $1.work.count }
        #expect(pendingInGit > 3)
        #expect(try Self.meta(fixture)["pending"] as? Int == pendingInGit)
        let first = try fixture.git(["rev-parse", "refs/autodev/queue^{tree}"])
        // The next run reads the queue from git and leaves it out of state.json.
        #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0)
        #expect((try Self.stateJSON(fixture)["pending"] as? [Any])?.isEmpty == true)
        let pendingNow = try Self.shards(fixture).values.reduce(0) { $0 + $1.work.count }
        #expect(pendingNow == pendingInGit - 3)
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((status["pending"] as? [Any])?.count == pendingNow)
        // before/ is the queue the run started from, entry for entry.
        let started = try fixture.git(["ls-tree", "-r", first.trimmingCharacters(in: .whitespacesAndNewlines)])
            .split(separator: "\n").filter { !$0.contains("\tbefore/") }
        let before = try fixture.git(["ls-tree", "-r", "refs/autodev/queue", "before/"]).split(separator: "\n").map { $0.replacingOccurrences(of: "\tbefore/", with: "\t") }
        #expect(before == started.map(String.init), "before/ is not the queue the run started from")
        // The rest is done by later runs, nothing lost.
        for _ in 0..<6 { #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0) }
        let done = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((done["pending"] as? [Any])?.isEmpty == true, "\(done)")
    }

    /// A run that finishes some of the pending work rewrites only the shards that held it: every
    /// other shard is the same blob in the new tree (git's ls-tree is the oracle), and no blob
    /// of the new queue holds work that was not there before.
    @Test func aRunRewritesOnlyTheShardsWhoseWorkChanged() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write("specs/002-many/spec.md", SyncQueueTests.spec(240))
        try fixture.commit("a spec with 240 requirements")
        let limits = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "40"]
        #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0)
        let old = try Self.shards(fixture)
        let oldWork = old.values.reduce(Set<String>()) { $0.union($1.work) }
        #expect(oldWork.count >= 190)
        let run = try SyncCommandTests.sync(fixture, [], environment: limits)
        #expect(run.status == 0, "\(run.stderr)")
        let new = try Self.shards(fixture)
        let newWork = new.values.reduce(Set<String>()) { $0.union($1.work) }
        #expect(newWork.count == oldWork.count - 40)
        #expect(newWork.isSubset(of: oldWork))
        var kept = 0, rewritten = 0
        for (path, shard) in new {
            let before = try #require(old[path], "\(path) is a new shard, but no new work came")
            if shard.work == before.work {
                #expect(shard.blob == before.blob, "\(path) holds the same work but was written again")
                kept += 1
            } else {
                #expect(shard.blob != before.blob)
                #expect(shard.work.isSubset(of: before.work))
                rewritten += 1
            }
        }
        #expect(kept > 100)
        // At most one shard rewritten or dropped per piece of work done.
        #expect(rewritten + (old.count - new.count) <= 40)
        #expect(rewritten + (old.count - new.count) > 0)
        // before/ is the old queue's shards, blob for blob.
        let before = try Self.shards(fixture, under: "before/")
        #expect(before.mapValues(\.blob) == old.mapValues(\.blob))
    }

    /// A queue written by an older autodev — one `queue.json` (and `before.json`) — is read as it
    /// is (`status` and the next sync see its work) and written back in shards by that sync.
    @Test func aQueueInTheOldSingleFileIsMigratedToShards() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write("specs/002-many/spec.md", SyncQueueTests.spec(30))
        try fixture.commit("a spec with 30 requirements")
        let limits = ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": "10"]
        #expect(try SyncCommandTests.sync(fixture, [], environment: limits).status == 0)
        let meta = try Self.meta(fixture)
        var pending: [Any] = []
        for shard in try Self.shards(fixture).values.sorted(by: { $0.blob < $1.blob }) {
            pending += try #require(try JSONSerialization.jsonObject(with: Data(try fixture.git(["cat-file", "blob", shard.blob]).utf8)) as? [Any])
        }
        let count = pending.count  // 30 requirements and the fixture's own work, 10 done
        #expect(count > 20)
        // The same queue as the single file of layout 1, put in place with git alone.
        let legacy: [String: Any] = ["schemaVersion": 1, "checkpoint": meta["checkpoint"] as Any, "pending": pending, "awaiting": meta["awaiting"] as Any]
        let file = fixture.path + "/../legacy-queue.json"
        try JSONSerialization.data(withJSONObject: legacy, options: [.sortedKeys]).write(to: URL(fileURLWithPath: file))
        let blob = try fixture.git(["hash-object", "-w", file]).trimmingCharacters(in: .whitespacesAndNewlines)
        let made = try Subprocess.run(GitFixture.gitPath, ["mktree"], in: fixture.path,
                                      input: Data("100644 blob \(blob)\tbefore.json\n100644 blob \(blob)\tqueue.json\n".utf8))
        #expect(made.status == 0, "\(made.stderr)")
        let tree = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = try fixture.git(["commit-tree", "-m", "autodev: queue", tree]).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try fixture.git(["update-ref", "refs/autodev/queue", commit])
        #expect(try fixture.git(["ls-tree", "--name-only", "refs/autodev/queue"]) == "before.json\nqueue.json\n")

        #expect((try SyncQueueTests.status(fixture)["pending"] as? [Any])?.count == count)
        let run = try SyncCommandTests.sync(fixture, [], environment: limits)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("does not hold a queue"), "\(run.stderr)")
        #expect(try fixture.git(["ls-tree", "--name-only", "refs/autodev/queue"]) == "before\nmeta.json\npending\n")
        #expect(try Self.shards(fixture).values.reduce(0) { $0 + $1.work.count } == count - 10)
        #expect(try Self.meta(fixture)["pending"] as? Int == count - 10)
        // Its before/ is the old queue in shards: the work the run started from.
        #expect(try Self.shards(fixture, under: "before/").values.reduce(0) { $0 + $1.work.count } == count)
        #expect((try SyncQueueTests.status(fixture)["pending"] as? [Any])?.count == count - 10)
    }
}
