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
