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
    }

    /// The state with its pending work and awaiting requests read from `refs/autodev/queue`,
    /// without writing anything (for `status`).
    public func currentState() throws(AutodevError) -> (SyncState, warnings: [String]) {
        var (state, warning) = store.peekState()
        var warnings = warning.map { [$0] } ?? []
        _ = try applyQueue(to: &state, warnings: &warnings)
        return (state, warnings)
    }

    /// Makes the queue in git the state's pending work and awaiting requests (state.json only
    /// caches them). No queue ref yet: state.json's are kept (an older autodev kept them there).
    /// An awaiting request whose file is gone is queued again, first in line.
    func applyQueue(to state: inout SyncState, warnings: inout [String]) throws(AutodevError) -> QueueOrigin {
        let checkpoint = try gitCall { try self.repository.referenceTarget(self.checkpointRef) }
        queueInGit = false
        guard let tip = try gitCall({ try self.repository.referenceTarget(queueRef) }) else {
            return QueueOrigin(tip: nil, checkpoint: checkpoint)
        }
        let tree = try gitCall { try self.repository.commit(tip).tree }
        let entries = (try? repository.files(inTree: tree, under: "")) ?? []
        let paths = Dictionary(entries.map { ($0.path, $0.side.id) }, uniquingKeysWith: { a, _ in a })
        let decoder = JSONDecoder()
        func meta(_ prefix: String) -> WorkQueue.Meta? {
            guard let id = paths[prefix + "meta.json"], let bytes = try? repository.blobContent(id),
                  let meta = try? decoder.decode(WorkQueue.Meta.self, from: Data(bytes)),
                  meta.schemaVersion == WorkQueue.layoutVersion else { return nil }
            return meta
        }
        /// The shards under `prefix`, decoded one at a time (no whole-queue buffer).
        func sharded(_ prefix: String, _ meta: WorkQueue.Meta) -> (WorkQueue, [String: ObjectID])? {
            var source: [String: ObjectID] = [:]
            var pending: [WorkItem] = []
            pending.reserveCapacity(meta.pending)
            for (path, id) in paths where path.hasPrefix(prefix) {
                let relative = String(path.dropFirst(prefix.count))
                guard !relative.hasPrefix("before/") else { continue }
                source[relative] = id
                guard relative.hasPrefix("pending/") else { continue }
                guard let bytes = try? repository.blobContent(id), let items = try? decoder.decode([WorkItem].self, from: Data(bytes)) else { return nil }
                pending += items
            }
            guard pending.count == meta.pending else { return nil }
            pending.sort(by: WorkQueue.runsBefore)
            return (WorkQueue(checkpoint: meta.checkpoint, pending: pending, awaiting: meta.awaiting), source)
        }
        /// `queue.json` or `before.json` of an older autodev (layout 1), read whole.
        func legacy(_ path: String) -> WorkQueue? {
            guard let id = paths[path], let bytes = try? repository.blobContent(id),
                  let queue = try? decoder.decode(WorkQueue.self, from: Data(bytes)),
                  queue.schemaVersion == WorkQueue.schemaVersion else { return nil }
            return queue
        }
        var queue: WorkQueue
        var source: [String: ObjectID]?
        let unreadable = "\(queueRef) (\(tip.hex.prefix(12))) does not hold a queue this autodev can read; the pending work cached in \(store.statePath) is used, and the next sync writes the queue again"
        func mismatch(_ latest: String?) -> String {
            "\(queueRef) goes with checkpoint \(latest.map { String($0.prefix(12)) } ?? "(none)"), but \(checkpointRef) is at \(checkpoint.map { String($0.hex.prefix(12)) } ?? "nothing") (moved by hand?); its pending work is kept"
        }
        if let latest = meta("") {
            var prefix = ""
            if latest.checkpoint != checkpoint?.hex {
                if let before = meta("before/"), before.checkpoint == checkpoint?.hex {
                    prefix = "before/"  // the run that wrote the queue died before moving the checkpoint: it is redone
                } else {
                    warnings.append(mismatch(latest.checkpoint))
                }
            }
            guard let read = sharded(prefix, prefix.isEmpty ? latest : meta(prefix)!) else {
                warnings.append(unreadable)
                return QueueOrigin(tip: tip, checkpoint: checkpoint, tree: tree)
            }
            (queue, source) = (read.0, read.1)
        } else if let latest = legacy("queue.json") {
            queue = latest
            if latest.checkpoint != checkpoint?.hex {
                if let before = legacy("before.json"), before.checkpoint == checkpoint?.hex {
                    queue = before
                } else {
                    warnings.append(mismatch(latest.checkpoint))
                }
            }
        } else {
            warnings.append(unreadable)
            return QueueOrigin(tip: tip, checkpoint: checkpoint, tree: tree)
        }
        queueInGit = true
        state.pending = queue.pending
        state.awaitingLLM = [:]
        state.awaitingSubjects = [:]
        state.awaitingWork = [:]
        var requeued: [String] = [], lost: [String] = []
        var dirty = Set<String>()
        for request in queue.awaiting {
            if FileSystem.exists(store.pendingFolder + "/" + request.file) {
                state.awaitingLLM[request.id] = request.file
                state.awaitingSubjects?[request.id] = request.subject
                state.awaitingWork?[request.id] = request.work
            } else if let work = request.work, !state.pending.contains(where: { $0.id == work.id }) {
                state.pending.append(work)
                requeued.append(request.file)
                dirty.insert(WorkQueue.shard(of: work.id))
            } else if request.work == nil {
                lost.append(request.file)
            }
        }
        if !requeued.isEmpty {
            warnings.append("\(requeued.count) request\(requeued.count == 1 ? "" : "s") for an LLM \(requeued.count == 1 ? "is" : "are") gone from \(store.pendingFolder) (\(requeued.prefix(3).joined(separator: ", "))\(requeued.count > 3 ? ", …" : "")); \(requeued.count == 1 ? "its" : "their") work is queued again")
        }
        if !lost.isEmpty {
            warnings.append("\(lost.count) request\(lost.count == 1 ? "" : "s") for an LLM written by an older autodev \(lost.count == 1 ? "is" : "are") gone from \(store.pendingFolder) (\(lost.prefix(3).joined(separator: ", "))); the work is found again only when its requirement or test changes")
        }
        if !requeued.isEmpty { state.pending.sort(by: WorkQueue.runsBefore) }
        return QueueOrigin(tip: tip, checkpoint: checkpoint, tree: tree, source: source, dirty: dirty)
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
        step("queue-ref")
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
                    throw AutodevError(.ioFailure, "cannot encode the queue: \(error)", exitStatus: .failure)
                }
                bytes += position + 1 < indices.count ? [0x2C, 0x0A] : [0x0A]
            }
            bytes += [0x5D, 0x0A]  // "]\n"
            entries[prefix + path] = try gitCall { try self.repository.writeBlob(bytes) }
        }
    }
}
