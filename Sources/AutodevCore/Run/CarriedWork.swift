internal import AutodevGit
internal import FoundationEssentials

/// The pending work a pass starts from, as PassQueue reads it: what is held in memory (a queue
/// read whole — state.json's cache, an older `queue.json` — or work queued again from a request
/// whose file is gone) and the shards of the queue in git, decoded one at a time when the pass
/// reads them. With 2,000,000 pieces of work pending, a pass holds one shard and the run's
/// window of them, not the queue (about 1–2.5 KB a piece once decoded).
struct CarriedWork {
    /// Held in memory, in the order the run takes them.
    var loaded: [WorkItem]
    /// Shards of the queue in git not decoded yet: path (`pending/abc.json`) → blob id.
    var shards: [String: ObjectID] = [:]
    /// Reads a shard's work (its blob, decoded).
    var read: (ObjectID) throws(AutodevError) -> [WorkItem] = { _ throws(AutodevError) in [] }

    /// Each chunk in turn: `loaded` first (not from a shard), then each shard by path.
    func forEachChunk(_ body: ([WorkItem], _ fromShard: Bool) throws(AutodevError) -> Void) throws(AutodevError) {
        if !loaded.isEmpty { try body(loaded, false) }
        for path in shards.keys.sorted() {
            try body(try read(shards[path]!), true)
        }
    }

    /// A shard's work from its blob: a JSON array, one piece of work a line (`Sync.writeShards`).
    static func decodeShard(_ id: ObjectID, in repository: Repository) throws(AutodevError) -> [WorkItem] {
        do {
            return try JSONDecoder().decode([WorkItem].self, from: Data(try repository.blobContent(id)))
        } catch {
            throw AutodevError(.ioFailure, "the queue's shard \(id.hex.prefix(12)) in \(WorkQueue.ref) cannot be read (\(error)); run `autodev doctor`, or delete the ref to decide the pending work again")
        }
    }
}
