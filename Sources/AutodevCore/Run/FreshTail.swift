/// The range's own new work past the run's window (`loop.max_events_per_run`), as PassQueue
/// leaves it when there is more of it than `Sync.freshChunk`: not built into pieces of work at
/// once but kept as a compact reference each (its decision, event, priority and id) and made
/// into a piece of work only where it is written — its decision-log line (`deferred`, over the
/// run's limit) in the queue's order, and its shard of the queue, one shard at a time. A first
/// sync over a commit with 200,000 new tests held every one of them four times over as a
/// `WorkItem` (queue, deferred, pending, the queue written) besides a log record and a summary
/// item; now it holds these references, the window, and one shard's pieces at a time. What is
/// logged and queued is byte for byte what holding them wrote (FreshChunkTests).
struct FreshTail {
    /// One piece of new work, by where its decision and event are.
    struct Ref {
        var decision: Int
        var event: Int
        var priority: Int
        var id: String
    }

    /// In the order the run takes them (after its window).
    var refs: [Ref] = []
    var decisions: [Decision] = []
    var events: [Event] = []
    /// `firstSeen` of every piece of new work: the pass's start.
    var now: Int64 = 0

    var count: Int { refs.count }
    var isEmpty: Bool { refs.isEmpty }

    /// The piece of work `ref` stands for, as PassQueue would have built it.
    func item(_ ref: Ref) -> WorkItem {
        WorkItem(decisions[ref.decision], event: events[ref.event], now: now)
    }

    /// Every piece of work, made one at a time, in the order the run takes them.
    var items: LazyMapSequence<[Ref], WorkItem> {
        refs.lazy.map { item($0) }
    }

    /// Indices into `refs` by queue shard (`WorkQueue.shard`), for writing the queue shard by shard.
    func byShard() -> [String: [Int]] {
        var groups: [String: [Int]] = [:]
        for (index, ref) in refs.enumerated() { groups[WorkQueue.shard(of: ref.id), default: []].append(index) }
        return groups
    }

    /// The log line of each piece: deferred by the run's limit, as `TierRunner.deferItem` writes
    /// it for new work (never carried, and no call served it: a pass with triage calls holds its
    /// new work, see `Sync.pass`).
    func records(run: String, limit: Int) -> LazyMapSequence<[Ref], DecisionRecord> {
        let outcome = TierRunner.overLimit(limit)
        return refs.lazy.map { DecisionRecord(run: run, item: self.item($0), tier: "deferred", outcome: outcome) }
    }
}
