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
        /// `queue.json` of `tip`: an unchanged queue is not written again.
        var bytes: [UInt8]?
        /// The state's queue is `bytes` as it is (no redo, no request queued again): `before.json`
        /// is then those bytes, not encoded again.
        var verbatim = false
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
            return QueueOrigin(tip: nil, checkpoint: checkpoint, bytes: nil)
        }
        let bytes = try? repository.fileContent(atPath: "queue.json", inCommit: tip)
        let decoder = JSONDecoder()
        func decode(_ bytes: [UInt8]?) -> WorkQueue? {
            guard let bytes, let queue = try? decoder.decode(WorkQueue.self, from: Data(bytes)),
                  queue.schemaVersion == WorkQueue.schemaVersion else { return nil }
            return queue
        }
        guard let latest = decode(bytes ?? nil) else {
            warnings.append("\(queueRef) (\(tip.hex.prefix(12))) does not hold a queue this autodev can read; the pending work cached in \(store.statePath) is used, and the next sync writes the queue again")
            return QueueOrigin(tip: tip, checkpoint: checkpoint, bytes: nil)
        }
        queueInGit = true
        var queue = latest
        if latest.checkpoint != checkpoint?.hex {
            if let before = decode((try? repository.fileContent(atPath: "before.json", inCommit: tip)) ?? nil),
               before.checkpoint == checkpoint?.hex {
                queue = before  // the run that wrote the queue died before moving the checkpoint: it is redone
            } else {
                warnings.append("\(queueRef) goes with checkpoint \(latest.checkpoint.map { String($0.prefix(12)) } ?? "(none)"), but \(checkpointRef) is at \(checkpoint.map { String($0.hex.prefix(12)) } ?? "nothing") (moved by hand?); its pending work is kept")
            }
        }
        state.pending = queue.pending
        state.awaitingLLM = [:]
        state.awaitingSubjects = [:]
        state.awaitingWork = [:]
        var requeued: [String] = [], lost: [String] = []
        for request in queue.awaiting {
            if FileSystem.exists(store.pendingFolder + "/" + request.file) {
                state.awaitingLLM[request.id] = request.file
                state.awaitingSubjects?[request.id] = request.subject
                state.awaitingWork?[request.id] = request.work
            } else if let work = request.work, !state.pending.contains(where: { $0.id == work.id }) {
                state.pending.append(work)
                requeued.append(request.file)
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
        let verbatim = queue == latest && latest.checkpoint == checkpoint?.hex && state.awaitingLLM.count == queue.awaiting.count
        return QueueOrigin(tip: tip, checkpoint: checkpoint, bytes: bytes ?? nil, verbatim: verbatim)
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
    /// checkpoint moves.
    func saveQueue(_ queue: WorkQueue, before: WorkQueue, origin: QueueOrigin, checkpoint moveTo: ObjectID?, expected: ObjectID?,
                   message: String) throws(AutodevError) {
        var tip = origin.tip
        if origin.tip != nil || !queue.isEmpty {
            let bytes = try store.encode(queue, pretty: true) + [0x0A]
            if bytes != origin.bytes {
                let beforeBytes: [UInt8]
                if origin.verbatim, let same = origin.bytes {
                    beforeBytes = same
                } else {
                    beforeBytes = try store.encode(before, pretty: true) + [0x0A]
                }
                tip = try gitCall {
                    let blobs: [String: ObjectID?] = ["queue.json": try self.repository.writeBlob(bytes),
                                                      "before.json": try self.repository.writeBlob(beforeBytes)]
                    let tree = try self.repository.writeTree(base: nil, blobs: blobs)
                    let commit = try self.repository.createCommit(
                        tree: tree, parents: [],
                        message: "autodev: queue of \(queue.pending.count) pending and \(queue.awaiting.count) awaiting pieces of work\n",
                        author: "autodev", email: "autodev@localhost", time: 0)
                    try self.repository.updateReference(queueRef, to: commit, expected: origin.tip, message: message)
                    return commit
                }
            }
        }
        step(.queueRef)
        guard let moveTo else { return }
        var updates = [ReferenceUpdate(name: checkpointRef, target: moveTo, expected: expected)]
        if let tip { updates.append(ReferenceUpdate(name: queueRef, target: tip, expected: tip)) }
        try gitCall { try self.repository.updateReferences(updates, message: message) }
    }
}
