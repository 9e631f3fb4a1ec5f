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
    }

    /// The queue in git made the state's pending work (`Workspace.applyQueue`); remembers
    /// whether it came from git (`queueInGit`).
    func applyQueue(to state: inout SyncState, warnings: inout [String]) throws(AutodevError) -> QueueOrigin {
        let origin = try workspace.applyQueue(to: &state, warnings: &warnings)
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
    func saveQueue(_ queue: WorkQueue, before: WorkQueue, origin: QueueOrigin, checkpoint moveTo: ObjectID?, expected: ObjectID?,
                   message: String) throws(AutodevError) {
        var tip = origin.tip
        if origin.tip != nil || !queue.isEmpty {
            var entries: [String: ObjectID?] = [:]
            let reusable = origin.source?.filter { path, _ in !origin.dirty.contains(where: { path == WorkQueue.shardPath($0) }) }
            try writeShards(queue, prefix: "", reusing: reusable, previous: before.pending, into: &entries)
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
                    message: "autodev: queue of \(queue.pending.count) pending and \(queue.awaiting.count) awaiting pieces of work\n",
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
    func writeShards(_ queue: WorkQueue, prefix: String, reusing: [String: ObjectID]?, previous: [WorkItem],
                     into entries: inout [String: ObjectID?]) throws(AutodevError) {
        let meta = WorkQueue.Meta(schemaVersion: WorkQueue.layoutVersion, checkpoint: queue.checkpoint, pending: queue.pending.count,
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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (shard, indices) in groups {
            let path = WorkQueue.shardPath(shard)
            if let id = reusing?[path], let old = was[shard], old.count == indices.count,
               zip(old, indices).allSatisfy({ previous[$0] == queue.pending[$1] }) {
                entries[prefix + path] = id
                continue
            }
            var bytes: [UInt8] = [0x5B, 0x0A]  // "[\n"
            for (position, index) in indices.enumerated() {
                do {
                    bytes += try encoder.encode(queue.pending[index])
                } catch {
                    throw AutodevError(.ioFailure, "cannot encode the queue: \(error)")
                }
                bytes += position + 1 < indices.count ? [0x2C, 0x0A] : [0x0A]
            }
            bytes += [0x5D, 0x0A]  // "]\n"
            entries[prefix + path] = try gitCall { try self.repository.writeBlob(bytes) }
        }
    }
}
