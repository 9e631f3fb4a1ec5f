internal import AutodevGit
internal import FoundationEssentials

/// The queue of unfinished work in git (`WorkQueue`): read at the start of a pass, written with
/// the checkpoint at its end.
extension Sync {
    /// Where the queue was when a pass started: what its writes compare against.
    struct QueueOrigin {
        /// The queue commit (nil: no queue ref yet).
        var tip: ObjectID?
        /// The checkpoint ref's target.
        var checkpoint: ObjectID?
        /// The tree of `tip`: a queue that comes out the same tree is not written again.
        var tree: ObjectID?
        /// The sharded queue the state's was read from (its own entries, or `before/`'s for a
        /// redo): path (`meta.json`, `pending/abc.json`) → blob id. It becomes the next queue's
        /// `before/` as it is, and its shards are reused where their work did not change. Nil
        /// when the state's queue came from elsewhere (an older `queue.json`, state.json).
        var source: [String: ObjectID]?
        /// Shards of `source` whose work the state changed on reading (a request queued again).
        var dirty: Set<String> = []
        /// The queue was read from git (`Sync.queueInGit`).
        var inGit = false
        /// Read lazily: the pending shards (path → blob id), not decoded, and how many pieces of
        /// work they hold (`meta.json`); nil when the state's pending work is all there is.
        var shards: [String: ObjectID]?
        var shardedCount = 0
    }

    /// The queue in git made the state's pending work (`Workspace.applyQueue`); remembers
    /// whether it came from git (`queueInGit`).
    func applyQueue(to state: inout SyncState, warnings: inout [String]) throws(AutodevError) -> QueueOrigin {
        let origin = try workspace.applyQueue(to: &state, warnings: &warnings, lazily: true)
        queueInGit = origin.inGit
        return origin
    }

    /// The queue a pass leaves: its pending work and the state's awaiting requests.
    func leftQueue(pending: [WorkItem], state: SyncState, checkpoint: ObjectID?) -> WorkQueue {
        let awaiting = state.awaitingLLM.sorted { $0.key < $1.key }.map { id, file in
            WorkQueue.Request(id: id, file: file, subject: state.awaitingSubjects?[id], work: state.awaitingWork?[id])
        }
        return WorkQueue(checkpoint: checkpoint?.hex, pending: pending, awaiting: awaiting)
    }

    /// Writes the queue (when it changed, or moves with the checkpoint), then moves the checkpoint
    /// to `moveTo` together with it in one ref transaction, both by compare-and-swap. With no
    /// queue ref yet and nothing in the queue, only the checkpoint moves.
    /// `before` is the queue the pass started from, for a redo if the run dies before the
    /// checkpoint moves: the entries it was read from when there are some (nothing written).
    /// Only shards whose work changed are encoded and written (see `WorkQueue`).
    /// With a queue read lazily (`origin.shards`), `queue.pending` is the work the pass holds
    /// (deferred, queued again) and `lifted` the ids it took out of the shards; every other
    /// piece of work stays in its shard as it was. `tail`: new work past the window, pending too,
    /// built shard by shard as its shard is written.
    func saveQueue(_ queue: WorkQueue, before: WorkQueue, origin: QueueOrigin, lifted: Set<String> = [], tail: FreshTail = FreshTail(),
                   checkpoint moveTo: ObjectID?, expected: ObjectID?, message: String) throws(AutodevError) {
        var tip = origin.tip
        if origin.tip != nil || !queue.isEmpty || origin.shardedCount > 0 || !tail.isEmpty {
            var entries: [String: ObjectID?] = [:]
            let pendingCount: Int
            if let shards = origin.shards {
                pendingCount = try writeShards(queue, over: shards, count: origin.shardedCount, lifted: lifted, tail: tail, into: &entries)
            } else {
                let reusable = origin.source?.filter { path, _ in !origin.dirty.contains(where: { path == WorkQueue.shardPath($0) }) }
                try writeShards(queue, prefix: "", reusing: reusable, previous: before.pending, tail: tail, into: &entries)
                pendingCount = queue.pending.count + tail.count
            }
            if let source = origin.source {
                for (path, id) in source { entries["before/" + path] = id }
            } else {
                try writeShards(before, prefix: "before/", reusing: nil, previous: [], into: &entries)
            }
            tip = try gitCall {
                let tree = try self.repository.writeTree(base: nil, blobs: entries)
                guard tree != origin.tree else { return origin.tip }
                let commit = try self.repository.createCommit(
                    tree: tree, parents: [],
                    message: "autodev: queue of \(pendingCount) pending and \(queue.awaiting.count) awaiting pieces of work\n",
                    author: "autodev", email: "autodev@localhost", time: 0)
                try self.repository.updateReference(queueRef, to: commit, expected: origin.tip, message: message)
                return commit
            }
        }
        step(.queueRef)
        guard let moveTo else { return }
        var updates = [ReferenceUpdate(name: checkpointRef, target: moveTo, expected: expected)]
        if let tip { updates.append(ReferenceUpdate(name: queueRef, target: tip, expected: tip)) }
        try gitCall { try self.repository.updateReferences(updates, message: message) }
    }

    /// Puts `queue`'s `meta.json` and shards under `prefix` into `entries`. A shard whose work is
    /// the same as in `previous` (the queue `reusing` was read as) keeps its blob id from
    /// `reusing`; every other shard is encoded (one piece of work a line) and written.
    /// `tail`'s work joins its shards, built one shard at a time.
    func writeShards(_ queue: WorkQueue, prefix: String, reusing: [String: ObjectID]?, previous: [WorkItem], tail: FreshTail = FreshTail(),
                     into entries: inout [String: ObjectID?]) throws(AutodevError) {
        let meta = WorkQueue.Meta(schemaVersion: WorkQueue.layoutVersion, checkpoint: queue.checkpoint, pending: queue.pending.count + tail.count,
                                  awaiting: queue.awaiting)
        let metaBytes = try store.encode(meta, pretty: true) + [0x0A]
        entries[prefix + "meta.json"] = try gitCall { try self.repository.writeBlob(metaBytes) }
        /// Indices of `items` by shard, each shard's sorted by id.
        func grouped(_ items: [WorkItem]) -> [String: [Int]] {
            var groups: [String: [Int]] = [:]
            for (index, item) in items.enumerated() { groups[WorkQueue.shard(of: item.id), default: []].append(index) }
            for key in groups.keys { groups[key]!.sort { items[$0].id < items[$1].id } }
            return groups
        }
        let groups = grouped(queue.pending)
        let was = reusing == nil ? [:] : grouped(previous)
        let tailGroups = tail.isEmpty ? [:] : tail.byShard()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for shard in Set(groups.keys).union(tailGroups.keys) {
            let path = WorkQueue.shardPath(shard)
            var items = (groups[shard] ?? []).map { queue.pending[$0] }
            if let indices = tailGroups[shard] {
                items += indices.map { tail.item(tail.refs[$0]) }
                items.sort { $0.id < $1.id }
            }
            if let id = reusing?[path], let old = was[shard], old.map({ previous[$0] }) == items {
                entries[prefix + path] = id
                continue
            }
            let bytes = try Self.shardBytes(items, encoder: encoder)
            entries[prefix + path] = try gitCall { try self.repository.writeBlob(bytes) }
        }
    }

    /// A shard's bytes: a JSON array of `items` (sorted by id), one piece of work a line.
    static func shardBytes(_ items: [WorkItem], encoder: JSONEncoder) throws(AutodevError) -> [UInt8] {
        var bytes: [UInt8] = [0x5B, 0x0A]  // "[\n"
        for (position, item) in items.enumerated() {
            do {
                bytes += try encoder.encode(item)
            } catch {
                throw AutodevError(.ioFailure, "cannot encode the queue: \(error)")
            }
            bytes += position + 1 < items.count ? [0x2C, 0x0A] : [0x0A]
        }
        bytes += [0x5D, 0x0A]  // "]\n"
        return bytes
    }

    /// The queue over the shards it was read from lazily (`shards`, holding `count` pieces of
    /// work): a shard that lost no work (`lifted`) and gains none from `queue.pending` keeps its
    /// blob; every other is decoded, changed and written, one at a time. The same bytes as
    /// `writeShards` of the whole queue. Returns how many pieces of work the shards hold now.
    func writeShards(_ queue: WorkQueue, over shards: [String: ObjectID], count: Int, lifted: Set<String>, tail: FreshTail = FreshTail(),
                     into entries: inout [String: ObjectID?]) throws(AutodevError) -> Int {
        var added: [String: [WorkItem]] = [:]
        for item in queue.pending { added[WorkQueue.shard(of: item.id), default: []].append(item) }
        let tailGroups = tail.isEmpty ? [:] : tail.byShard()
        var dirty = Set(added.keys).union(tailGroups.keys)
        for id in lifted { dirty.insert(WorkQueue.shard(of: id)) }
        let dirtyPaths = Set(dirty.map(WorkQueue.shardPath))
        for (path, id) in shards where !dirtyPaths.contains(path) { entries[path] = id }
        var total = count
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for shard in dirty.sorted() {
            let path = WorkQueue.shardPath(shard)
            let new = (added[shard] ?? []) + (tailGroups[shard] ?? []).map { tail.item(tail.refs[$0]) }
            let newIDs = Set(new.map(\.id))
            var old: [WorkItem] = []
            if let id = shards[path] { old = try CarriedWork.decodeShard(id, in: repository) }
            total -= old.count
            var items = old.filter { !lifted.contains($0.id) && !newIDs.contains($0.id) }
            var seen = Set<String>()
            items += new.filter { seen.insert($0.id).inserted }
            items.sort { $0.id < $1.id }
            total += items.count
            if items.isEmpty { continue }
            if let id = shards[path], items == old {
                entries[path] = id
                continue
            }
            let bytes = try Self.shardBytes(items, encoder: encoder)
            entries[path] = try gitCall { try self.repository.writeBlob(bytes) }
        }
        let meta = WorkQueue.Meta(schemaVersion: WorkQueue.layoutVersion, checkpoint: queue.checkpoint, pending: total, awaiting: queue.awaiting)
        let metaBytes = try store.encode(meta, pretty: true) + [0x0A]
        entries["meta.json"] = try gitCall { try self.repository.writeBlob(metaBytes) }
        return total
    }
}
