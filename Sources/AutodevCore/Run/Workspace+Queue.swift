internal import AutodevGit
internal import FoundationEssentials

/// The queue of unfinished work in git (`WorkQueue`) as the workspace reads it: for `status`
/// and at the start of each of a run's passes.
extension Workspace {
    /// The state with its pending work and awaiting requests read from `refs/autodev/queue`,
    /// without writing anything (for `status`).
    public func currentState() throws(AutodevError) -> (SyncState, warnings: [String]) {
        var (state, warning) = store.peekState()
        var warnings = warning.map { [$0] } ?? []
        _ = try applyQueue(to: &state, warnings: &warnings)
        return (state, warnings)
    }

    /// What `status` prints of the queue: the state, how many pieces of work are pending, and the
    /// first `limit` of them in the order a run takes them. The shards are decoded one at a time
    /// and only the first `limit` kept, so a queue of millions of pieces is never held whole; a
    /// shard that cannot be read, or a count that disagrees with `meta.json`, falls back to
    /// `currentState()` and its warning.
    public func pendingSummary(first limit: Int) throws(AutodevError) -> (state: SyncState, count: Int, first: [WorkItem], warnings: [String]) {
        var (state, warning) = store.peekState()
        var warnings = warning.map { [$0] } ?? []
        let origin = try applyQueue(to: &state, warnings: &warnings, lazily: true)
        guard let shards = origin.shards else {
            return (state, state.pending.count, Array(state.pending.prefix(limit)), warnings)
        }
        var first = Array(state.pending.prefix(limit))
        var decoded = 0
        for id in shards.values {
            guard let items = try? CarriedWork.decodeShard(id, in: repository) else {
                let (full, fullWarnings) = try currentState()
                return (full, full.pending.count, Array(full.pending.prefix(limit)), fullWarnings)
            }
            decoded += items.count
            for item in items where first.count < limit || WorkQueue.runsBefore(item, first[first.count - 1]) {
                let at = first.firstIndex { WorkQueue.runsBefore(item, $0) } ?? first.count
                first.insert(item, at: at)
                if first.count > limit { first.removeLast() }
            }
        }
        guard decoded == origin.shardedCount else {
            let (full, fullWarnings) = try currentState()
            return (full, full.pending.count, Array(full.pending.prefix(limit)), fullWarnings)
        }
        return (state, decoded + state.pending.count, first, warnings)
    }

    /// Makes the queue in git the state's pending work and awaiting requests (state.json only
    /// caches them). No queue ref yet: state.json's are kept (an older autodev kept them there).
    /// An awaiting request whose file is gone is queued again, first in line.
    /// `lazily`: the shards are not decoded; the origin lists them (`QueueOrigin.shards`) for the
    /// pass to read one at a time (`CarriedWork`), and `state.pending` holds only work queued again.
    func applyQueue(to state: inout SyncState, warnings: inout [String], lazily: Bool = false) throws(AutodevError) -> Sync.QueueOrigin {
        let checkpoint = try gitCall { try self.repository.referenceTarget(self.checkpointRef) }
        guard let tip = try gitCall({ try self.repository.referenceTarget(queueRef) }) else {
            return Sync.QueueOrigin(tip: nil, checkpoint: checkpoint)
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
                guard relative.hasPrefix("pending/"), !lazily else { continue }
                guard let bytes = try? repository.blobContent(id), let items = try? decoder.decode([WorkItem].self, from: Data(bytes)) else { return nil }
                pending += items
            }
            guard lazily || pending.count == meta.pending else { return nil }
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
        var lazyCount = 0
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
                return Sync.QueueOrigin(tip: tip, checkpoint: checkpoint, tree: tree)
            }
            (queue, source) = (read.0, read.1)
            lazyCount = (prefix.isEmpty ? latest : meta(prefix)!).pending
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
            return Sync.QueueOrigin(tip: tip, checkpoint: checkpoint, tree: tree)
        }
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
            } else if let work = request.work, !state.pending.contains(where: { $0.id == work.id }),
                      !(lazily && source.flatMap({ $0[WorkQueue.shardPath(WorkQueue.shard(of: work.id))] })
                          .map({ id in ((try? CarriedWork.decodeShard(id, in: repository)) ?? []).contains { $0.id == work.id } }) ?? false) {
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
        var origin = Sync.QueueOrigin(tip: tip, checkpoint: checkpoint, tree: tree, source: source, dirty: dirty, inGit: true)
        if lazily, let source {
            origin.shards = source.filter { $0.key.hasPrefix("pending/") }
            origin.shardedCount = lazyCount
        }
        return origin
    }

}
