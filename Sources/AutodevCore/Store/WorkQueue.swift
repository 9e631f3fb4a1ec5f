/// The unfinished work as git keeps it beside the checkpoint, at `refs/autodev/queue`: work that
/// did not fit in a run's limits, and requests written out for an LLM. `.auto-dev/loop/state.json`
/// only caches it, so losing `.auto-dev/` costs at most re-deciding, never work.
///
/// The ref points at a commit (no parent, fixed date: the same queue is the same commit) whose
/// tree holds `queue.json` — this value — and `before.json`, the queue the run that wrote it
/// started from. A run writes the queue first, then moves checkpoint and queue together in one
/// ref transaction; a run that died in between left a queue whose `checkpoint` is one step ahead
/// of the checkpoint ref, and `before.json` is what the redone run starts from.
public struct WorkQueue: Sendable, Codable, Equatable {
    public static let schemaVersion = 1
    public static let ref = "refs/autodev/queue"

    /// The queue that goes with a checkpoint: a linked work tree's checkpoint
    /// (`refs/autodev/worktrees/NAME/checkpoint`, its default) has its own queue beside it,
    /// `refs/autodev/worktrees/NAME/queue`; every other checkpoint uses `refs/autodev/queue`.
    public static func ref(forCheckpoint checkpoint: String) -> String {
        let prefix = "refs/autodev/worktrees/", suffix = "/checkpoint"
        guard checkpoint.hasPrefix(prefix), checkpoint.hasSuffix(suffix), checkpoint.count > prefix.count + suffix.count else { return ref }
        return String(checkpoint.dropLast(suffix.count)) + "/queue"
    }

    /// A request written out for an LLM (`.auto-dev/loop/pending/FILE`).
    public struct Request: Sendable, Codable, Equatable {
        public var id: String
        public var file: String
        /// What it is about, so newer work on the same requirement or test replaces it.
        public var subject: String?
        /// The work itself, queued again when the request file is gone; nil for requests an older
        /// autodev wrote.
        public var work: WorkItem?
    }

    public var schemaVersion = WorkQueue.schemaVersion
    /// The checkpoint (commit id) this queue goes with; nil while there is none.
    public var checkpoint: String?
    /// In the order the next run takes them.
    public var pending: [WorkItem]
    /// Sorted by id.
    public var awaiting: [Request]

    public var isEmpty: Bool { pending.isEmpty && awaiting.isEmpty }
}
