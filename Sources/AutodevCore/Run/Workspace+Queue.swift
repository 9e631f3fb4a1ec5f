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

    /// Makes the queue in git the state's pending work and awaiting requests (state.json only
    /// caches them). No queue ref yet: state.json's are kept (an older autodev kept them there).
    /// An awaiting request whose file is gone is queued again, first in line.
    func applyQueue(to state: inout SyncState, warnings: inout [String]) throws(AutodevError) -> Sync.QueueOrigin {
        let checkpoint = try gitCall { try self.repository.referenceTarget(self.checkpointRef) }
        guard let tip = try gitCall({ try self.repository.referenceTarget(queueRef) }) else {
            return Sync.QueueOrigin(tip: nil, checkpoint: checkpoint, bytes: nil)
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
            return Sync.QueueOrigin(tip: tip, checkpoint: checkpoint, bytes: nil)
        }
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
        return Sync.QueueOrigin(tip: tip, checkpoint: checkpoint, bytes: bytes ?? nil, verbatim: verbatim, inGit: true)
    }

}
