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
    /// One piece of new work, by where its decision and event are; its id (24 hex digits, a
    /// content hash) packed into 12 bytes, so a reference is 32 bytes with nothing on the heap
    /// (with the id as a String it was 40 and a 48-byte string: 2,000,000 of them, 176 MB).
    struct Ref {
        /// The id's first 16 hex digits and its last 8, as numbers: they compare as the id does.
        var high: UInt64
        var priority: Int
        var decision: Int32
        var event: Int32
        var low: UInt32
        /// Whether the piece of work names files (`ChangePlanner.key`).
        var hasLinks: Bool

        /// Nil when `id` is not 24 lowercase hex digits (every `WorkItem.makeID` is), or past
        /// 2^31 decisions.
        init?(decision: Int, event: Int, priority: Int, id: String, hasLinks: Bool) {
            guard id.utf8.count == 24, let decision = Int32(exactly: decision), let event = Int32(exactly: event) else { return nil }
            var high: UInt64 = 0, low: UInt32 = 0
            for (position, byte) in id.utf8.enumerated() {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                if position < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt32(digit) }
            }
            (self.high, self.low, self.priority, self.decision, self.event, self.hasLinks) = (high, low, priority, decision, event, hasLinks)
        }

        var id: String {
            String(unsafeUninitializedCapacity: 24) { out in
                let digits: StaticString = "0123456789abcdef"
                for position in 0..<24 {
                    let digit = position < 16 ? Int(high >> UInt64(60 - 4 * position) & 0xF) : Int(low >> UInt32(28 - 4 * (position - 16)) & 0xF)
                    out[position] = digits.utf8Start[digit]
                }
                return 24
            }
        }

        /// `WorkQueue.shard(of: id)`: its first three hex digits.
        var shard: String { String(id.utf8.prefix(3))! }
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
        WorkItem(decisions[Int(ref.decision)], event: events[Int(ref.event)], now: now)
    }

    /// Every piece of work, made one at a time, in the order the run takes them.
    var items: LazyMapSequence<[Ref], WorkItem> {
        refs.lazy.map { item($0) }
    }

    /// Indices into `refs` by queue shard (`WorkQueue.shard`), for writing the queue shard by shard.
    func byShard() -> [String: [Int]] {
        var groups: [String: [Int]] = [:]
        for (index, ref) in refs.enumerated() { groups[ref.shard, default: []].append(index) }
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
