@testable import AutodevCore
import AutodevTestSupport
import Testing

/// A pass over a large range keeps its new work as 32-byte references with the work id packed
/// in (`FreshTail.Ref`), finds each decision's event by walking the events rather than through
/// a dictionary of them all (`PassQueue.EventLocator`), keeps the range's subjects only when
/// there is carried or awaiting work to supersede, makes skip lines where they are written, and
/// hashes the run id piece by piece. None of it may change what is queued, in which order, or
/// logged: the oracle here is the queue made the plain way (every piece of work built, kept
/// once as first decided, sorted by priority then id), whatever the order of the decisions.
@Suite struct FreshRefTests {
    @Test func aReferenceHoldsTheIdAndSortsAsIt() throws {
        var ids = (0..<2_000).map { WorkItem.makeID(eventId: "event-\($0)", requirementKey: $0 % 3 == 0 ? "FR-\($0)" : nil) }
        ids += ["000000000000000000000000", "ffffffffffffffffffffffff", "0123456789abcdef01234567"]
        var refs: [FreshTail.Ref] = []
        for (index, id) in ids.enumerated() {
            let ref = try #require(FreshTail.Ref(decision: index, event: index, priority: 1, id: id, hasLinks: false))
            #expect(ref.id == id)
            #expect(ref.shard == WorkQueue.shard(of: id))
            refs.append(ref)
        }
        let byPacked = refs.sorted { ($0.high, $0.low) < ($1.high, $1.low) }.map(\.id)
        #expect(byPacked == ids.sorted())
        // Not a work id: refused (the pass then stops with an internal error, never misfiles).
        for odd in ["ABCDEF000000000000000000", "abc", "0123456789abcdef0123456z", "0123456789abcdef012345678"] {
            #expect(FreshTail.Ref(decision: 0, event: 0, priority: 1, id: odd, hasLinks: false) == nil)
        }
    }

    @Test func theRunIdHashedPieceByPieceIsTheJoinedOnes() {
        let pieces = (0..<500).map { WorkItem.makeID(eventId: "e\($0)", requirementKey: nil) }
        var stream = SHA256.Stream()
        stream.update("from..to\n")
        for (index, piece) in pieces.enumerated() { stream.update(index == 0 ? piece : "," + piece) }
        #expect(stream.hex() == SHA256.hex("from..to\n" + pieces.joined(separator: ",")))
        var empty = SHA256.Stream()
        #expect(empty.hex() == SHA256.hex(""))
    }

    /// Events of three kinds and priorities, a spec event with several decisions, a decision
    /// made twice, skips between them, and a decision whose event is not in the range.
    static func range() -> (events: [Event], decisions: [Decision]) {
        var events: [Event] = []
        var decisions: [Decision] = []
        for index in 0..<300 {
            let kind: EventKind = index % 3 == 0 ? .specificationChanged : (index % 3 == 1 ? .testAdded : .codeModified)
            let event = Event(id: "event-\(index)", kind: kind, priority: [10, 5, 1][index % 3], path: "src/file\(index % 7).py",
                              detail: "test_\(index)")
            events.append(event)
            if index % 10 == 4 {
                decisions.append(Decision(eventId: event.id, action: .skip, reason: "nothing to do \(index)", rule: "no-work", requirement: nil, links: []))
                continue
            }
            let copies = kind == .specificationChanged ? 3 : 1
            for copy in 0..<copies {
                let requirement = kind == .specificationChanged
                    ? Decision.RequirementInfo(key: "FR-\(index)-\(copy)", format: .specKit, spec: "specs/\(index)/spec.md", title: "title \(index)",
                                               textHash: "hash\(index)", change: .added, previousKey: nil)
                    : nil
                decisions.append(Decision(eventId: event.id, action: kind == .testAdded ? .implementToPassTest : .newImplementation,
                                          reason: "work \(index)-\(copy)", rule: "rule", requirement: requirement,
                                          links: index % 5 == 0 ? ["src/linked\(index).py"] : []))
            }
            if index % 50 == 7 { decisions.append(decisions[decisions.count - 1]) }  // decided twice
        }
        decisions.append(Decision(eventId: "not-in-range", action: .newImplementation, reason: "gone", rule: "rule", requirement: nil, links: []))
        return (events, decisions)
    }

    /// The queue the plain way: every decision's piece of work built, kept once as first
    /// decided, sorted by priority then id; the skip lines in decision order.
    static func oracle(_ events: [Event], _ decisions: [Decision]) -> (ids: [String], skips: [String]) {
        let byID = Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        var items: [WorkItem] = []
        var skips: [String] = []
        for decision in decisions {
            guard decision.action.needsWork, let event = byID[decision.eventId] else {
                skips.append(decision.eventId + " " + decision.reason)
                continue
            }
            let item = WorkItem(decision, event: event, now: 7)
            if seen.insert(item.id).inserted { items.append(item) }
        }
        items.sort { $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id }
        return (items.map(\.id), skips)
    }

    @Test(arguments: [false, true])
    func theQueueIsThePlainOneInAnyDecisionOrder(shuffled: Bool) throws {
        var (events, decisions) = Self.range()
        if shuffled {
            // Out of the events' order: the walk falls back to its index, with the same result.
            var generator = SeededRandom(seed: 23)
            decisions.shuffle(using: &generator)
        }
        let expected = Self.oracle(events, decisions)
        for (window, chunk) in [(40, 0), (40, 1_000_000), (Int.max, 0)] {
            var state = SyncState()
            let queue = try PassQueue.build(decisions: decisions, events: events, state: &state, now: 7,
                                            freshWindow: window == .max ? nil : window, freshChunk: chunk)
            let ids = queue.items.map(\.id) + queue.tail.refs.map(\.id)
            #expect(ids == expected.ids, "window \(window), chunk \(chunk)")
            #expect(queue.tail.items.map(\.id) == queue.tail.refs.map(\.id))
            #expect(queue.skipped.map { $0.eventId + " " + $0.reason } == expected.skips)
            if chunk == 0 && window != .max {
                #expect(queue.items.count == 40 && queue.tail.count == expected.ids.count - 40)
                // Work past the window that names files still marks its feature (`hasLinks`).
                let naming = Set(queue.tail.items.filter { !$0.links.isEmpty }.map(ChangePlanner.key(of:)))
                #expect(!naming.isEmpty && naming.isSubset(of: queue.featuresNamingFiles))
            }
        }
        events.reverse()
        var state = SyncState()
        let reversed = try PassQueue.build(decisions: decisions, events: events, state: &state, now: 7)
        #expect(reversed.items.map(\.id) == expected.ids)
    }

    /// Events sorted in place (the order applied cycle by cycle, paths shared by neighbours)
    /// come out as the indices sorted by `eventOrder` with ties kept in order.
    @Test func theEventsSortInPlaceAsTheyDidCopied() {
        var generator = SeededRandom(seed: 21)
        var events: [Event] = []
        for index in 0..<3_000 {
            let kind = EventKind.allCases[Int.random(in: 0..<EventKind.allCases.count, using: &generator)]
            let path = "src/" + ["a.py", "b.py", "é/c.py", "B.py", "a.py"][Int.random(in: 0..<5, using: &generator)]
            let event = Event(id: "e\(index)", kind: kind, priority: Int.random(in: 0..<3, using: &generator), path: path,
                              detail: "d\(Int.random(in: 0..<4, using: &generator))")
            events.append(event)
            if index % 7 == 0 { events.append(event) }  // equal events: their order is kept
        }
        let expected = events.indices.sorted { i, j in
            if EventBuilder.eventOrder(events[i], events[j]) { return true }
            if EventBuilder.eventOrder(events[j], events[i]) { return false }
            return i < j
        }.map { events[$0] }
        var sorted = events
        EventBuilder.sortEvents(&sorted)
        #expect(sorted == expected)
        #expect(sorted.map(\.id) != events.map(\.id))
    }
}
