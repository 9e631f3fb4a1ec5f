/// The unfinished work as git keeps it beside the checkpoint, at `refs/autodev/queue`: work that
/// did not fit in a run's limits, and requests written out for an LLM. `.auto-dev/loop/state.json`
/// only caches it, so losing `.auto-dev/` costs at most re-deciding, never work.
///
/// The ref points at a commit (no parent, fixed date: the same queue is the same commit) whose
/// tree holds the queue in shards, so a run reads and writes only what it touches:
///
///     meta.json            layout version, checkpoint, count of pending work, awaiting requests
///     pending/abc.json     the pending work whose id starts with `abc` (4,096 shards at most),
///                          sorted by id, one JSON object a line
///     before/…             the same, of the queue the run that wrote it started from
///
/// A shard no piece of work in it changed keeps its blob (the same id in the new tree), and
/// `before/` is the started-from queue's entries as they were: a run that finishes 50 of 200,000
/// pending pieces writes about 50 small blobs, not the 91 MB the single `queue.json` was.
/// A queue written by an older autodev (`queue.json` and `before.json`, layout 1) is read and
/// written back in shards by the next run.
///
/// A run writes the queue first, then moves checkpoint and queue together in one ref
/// transaction; a run that died in between left a queue whose `checkpoint` is one step ahead of
/// the checkpoint ref, and `before/` is what the redone run starts from.
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

    /// The sharded layout's version, in `meta.json` (the single `queue.json` was 1).
    public static let layoutVersion = 2

    /// `meta.json`: the part of the queue kept whole.
    struct Meta: Codable, Equatable {
        var schemaVersion: Int
        var checkpoint: String?
        /// How many pieces of work the shards hold, for a reader that only counts.
        var pending: Int
        var awaiting: [Request]
    }

    /// The shard a piece of work goes in: the first three hex digits of its id (ids are content
    /// hashes, so shards fill evenly); an id that does not start with three hex digits goes by
    /// the hash of it.
    static func shard(of id: String) -> String {
        let head = id.utf8.prefix(3)
        if head.count == 3, head.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            return String(decoding: head, as: UTF8.self)
        }
        return String(SHA256.hex(id).prefix(3))
    }

    /// The path of a shard in the queue's tree.
    static func shardPath(_ shard: String) -> String { "pending/\(shard).json" }

    /// The order a run takes carried work in (PassQueue sorts the same way): higher priority,
    /// then older, then by id. Shards are stored by id; a read puts the work back in this order.
    static func runsBefore(_ a: WorkItem, _ b: WorkItem) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.firstSeen != b.firstSeen { return a.firstSeen < b.firstSeen }
        return a.id < b.id
    }
}
