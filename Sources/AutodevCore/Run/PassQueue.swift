/// Stage 1 of a pass: the decisions and the carried-over queue become the work to do, in order.
/// Pending work first, then new work by priority; pending work about a requirement (or test)
/// that changed again is superseded by the new work, and so is a request still waiting for an
/// LLM (its file goes, the new work takes its place). The newest decision about a subject wins
/// either way: queued work whose requirement a later commit finished by hand (its task ticked,
/// its story set to Done, code committed alongside) or settled otherwise (removed, not code
/// work) is withdrawn, so no call is ever spent on work the author already did.
struct PassQueue {
    /// The log lines of decisions that needed no work: the range's own (by their index in
    /// `decisions`, made into lines where they are written: an adoption of 2,000,000 tests is
    /// 2,000,000 skips), then the carried work withdrawn.
    var skipped: AnySequence<DecisionRecord> {
        let decisions = self.decisions
        return AnySequence([AnySequence(skippedDecisions.lazy.map { Self.skipRecord(decisions[Int($0)]) }),
                            AnySequence(withdrawnRecords)].joined())
    }
    var skippedDecisions: [Int32] = []
    var withdrawnRecords: [DecisionRecord] = []
    /// The pass's decisions, which `skippedDecisions` point into.
    var decisions: [Decision] = []
    /// In the order the tiers take them.
    var items: [WorkItem] = []
    /// Ids of work carried over from an earlier run.
    var carried: Set<String> = []
    /// Request files (in `loop/pending/`) that newer work replaced; removed when the pass is saved.
    var supersededRequests: [String] = []
    var notes: [String] = []
    /// Ids of carried work read from the queue's shards that leaves its shard: withdrawn,
    /// superseded, or taken into `items` (work deferred again goes back with the run's deferred).
    var lifted: Set<String> = []
    /// Carried work past the run's window, left in its shard as it was (not in `items`).
    var unlisted = 0
    /// Carried work held in memory (requeued requests) that is past the window: queued again as is.
    var kept: [WorkItem] = []
    /// Feature keys (`ChangePlanner.key`) of the carried work that names files, window or not,
    /// and of the new work past the window left in `tail`.
    var featuresNamingFiles: Set<String> = []
    /// New work past the run's window not built into `items` (see `FreshTail`): it is logged as
    /// deferred and queued as it is.
    var tail = FreshTail()

    /// What work is about, so newer work on the same subject replaces it.
    static func subjectKey(_ item: WorkItem) -> String {
        item.requirement.map { "\($0.spec)\u{0}\($0.key)" } ?? "\(item.path)\u{0}\(item.detail)"
    }

    /// Builds the queue and takes superseded awaiting requests out of `state`. `finished`: the
    /// requirements the range finished by progress alone ("spec\u{0}key" → why).
    /// `carried`: the pending work the run starts from; with shards, only the first `window`
    /// pieces of it (in the order the run takes them) go into `items`, the rest stays in its
    /// shard, and at most `window + chunk` of it is held at once (`CarriedWork`).
    /// `freshWindow`: how many pieces of work the run takes (`max_events_per_run`); when more
    /// than `freshChunk` pieces of new work are past it, they go to `tail` instead of `items`.
    static func build(decisions: [Decision], events: [Event], state: inout SyncState, now: Int64,
                      finished: [String: String] = [:], carried source: CarriedWork? = nil,
                      window: Int = .max, chunk: Int = 4096, handOver: Bool = false,
                      freshWindow: Int? = nil, freshChunk: Int = .max) throws(AutodevError) -> PassQueue {
        let source = source ?? CarriedWork(loaded: state.pending)
        var queue = PassQueue()
        queue.decisions = decisions
        // New work is kept as references (decision, event, priority, id packed in 12 bytes),
        // built into a piece of work where it is taken: 200,000 of them held as `WorkItem`s were
        // hundreds of MB. Each decision's piece of work is made, looked at and dropped in turn.
        // The subjects and ids of the range's new work are kept only when there is carried or
        // awaiting work for them to supersede (a first sync has none: 2,000,000 new tests made
        // two sets of 2,000,000 strings each).
        let supersedes = !source.loaded.isEmpty || !source.shards.isEmpty || !state.awaitingLLM.isEmpty
            || !(state.awaitingSubjects ?? [:]).isEmpty
        var locator = EventLocator(events: events)
        var fresh: [FreshTail.Ref] = []
        fresh.reserveCapacity(decisions.count)
        var freshSubjects = Set<String>(), freshIDs = Set<String>(), taskScopes = Set<String>()
        for (index, decision) in decisions.enumerated() {
            guard decision.action.needsWork, let eventAt = locator.find(decision.eventId) else {
                queue.skippedDecisions.append(Int32(index))
                continue
            }
            // Only its id, subject, priority, links and feature are read here: no slug or text
            // hash (a SHA-256), made again where the piece of work is taken.
            let item = WorkItem(decision, event: events[eventAt], now: now, derived: false)
            if supersedes {
                freshSubjects.insert(subjectKey(item))
                freshIDs.insert(item.id)
            }
            // A feature whose tasks arrive as work now: its stories and requirements queued by an
            // earlier run (the spec came first, tasks.md later) are covered by them (`covered-by-tasks`).
            if let requirement = item.requirement, requirement.isTask, let scope = requirement.featureScope { taskScopes.insert(scope) }
            guard let ref = FreshTail.Ref(decision: index, event: eventAt, priority: item.priority, id: item.id, hasLinks: !item.links.isEmpty) else {
                throw AutodevError(.internalError, "the work id '\(item.id)' is not 24 hex digits; this is a bug in autodev, please report it")
            }
            fresh.append(ref)
        }
        let coveredByTasks = { (item: WorkItem) -> Bool in
            guard let requirement = item.requirement, !freshIDs.contains(item.id), requirement.ordinal != nil, !requirement.isTask,
                  let scope = requirement.featureScope else { return false }
            return taskScopes.contains(scope)
        }
        var awaitingSubjects = state.awaitingSubjects ?? [:]
        for (id, about) in awaitingSubjects.sorted(by: { $0.key < $1.key }) where !freshIDs.contains(id) {
            let covered = state.awaitingWork?[id].map(coveredByTasks) ?? false
            guard freshSubjects.contains(about) || covered else { continue }
            if let file = state.awaitingLLM[id] { queue.supersededRequests.append(file) }
            state.awaitingLLM[id] = nil
            state.awaitingWork?[id] = nil
            awaitingSubjects[id] = nil
            queue.notes.append(covered ? "the LLM request \(id) was withdrawn: its feature's tasks, queued in this run, carry its work"
                                       : "the LLM request \(id) was replaced: its requirement or test changed again")
        }
        // Settled subjects: finished by progress, or the newest decision about them needs no work.
        var settled = finished
        for decision in decisions where !decision.action.needsWork {
            if let requirement = decision.requirement { settled[requirement.spec + "\u{0}" + requirement.key] = decision.reason }
        }
        settled = settled.filter { !freshSubjects.contains($0.key) }
        func withdraw(_ item: WorkItem, because reason: String) {
            queue.withdrawnRecords.append(DecisionRecord(run: "", eventId: item.eventId, work: item.id, action: .skip, rule: "work-withdrawn",
                                                reason: "queued work withdrawn: \(reason)", requirement: item.requirement?.key,
                                                spec: item.requirement?.spec, textHash: item.requirement?.textHash,
                                                tier: nil, outcome: "skip", files: []))
            queue.notes.append("\(item.requirement?.key ?? item.path) (\(item.requirement?.spec ?? item.path)): queued work withdrawn, \(reason)")
        }
        if !settled.isEmpty {
            for (id, about) in awaitingSubjects.sorted(by: { $0.key < $1.key }) {
                guard let reason = settled[about] else { continue }
                if let item = state.awaitingWork?[id] { withdraw(item, because: reason) }
                if let file = state.awaitingLLM[id] { queue.supersededRequests.append(file) }
                state.awaitingLLM[id] = nil
                state.awaitingWork?[id] = nil
                awaitingSubjects[id] = nil
            }
        }
        state.awaitingSubjects = awaitingSubjects
        // Requests written out while no provider was configured, now that one is: their work is
        // queued again for it (first, as carried work) and the request files go when the pass
        // is saved. Left as they were, they waited for a person forever while a model sat idle.
        var handed: [WorkItem] = []
        if handOver {
            for (id, file) in state.awaitingLLM.sorted(by: { $0.key < $1.key }) {
                guard let work = state.awaitingWork?[id] else { continue }
                handed.append(work)
                queue.supersededRequests.append(file)
                state.awaitingLLM[id] = nil
                state.awaitingWork?[id] = nil
                state.awaitingSubjects?[id] = nil
            }
            if !handed.isEmpty {
                queue.notes.append("\(handed.count) request\(handed.count == 1 ? "" : "s") written for later (no provider then) \(handed.count == 1 ? "goes" : "go") to the configured provider now")
            }
        }
        // The carried work, a chunk at a time: withdrawn, superseded, or a survivor; survivors
        // past the window stay where they are.
        let window = source.shards.isEmpty ? Int.max : max(0, window)
        var withdrawn: [WorkItem] = []
        var coveredCount = 0
        var survivors: [WorkItem] = []
        var carriedIDs = Set<String>()
        // Handed-over requests whose work a shard also holds (the shard's copy is taken): only
        // their ids are kept, so memory stays bounded by the requests, not the carried work.
        let handedIDs = Set(handed.map(\.id))
        var handedInShards = Set<String>()
        let loadedIDs = source.shards.isEmpty ? [] : Set(source.loaded.map(\.id))
        /// Keeps the first `window` survivors; the rest stay in their shard (or, held in memory,
        /// are queued again as they are).
        func cut() {
            guard survivors.count > window else { return }
            survivors.sort(by: WorkQueue.runsBefore)
            for item in survivors[window...] {
                if loadedIDs.contains(item.id) { queue.kept.append(item) } else { queue.unlisted += 1 }
            }
            survivors.removeSubrange(window...)
        }
        try source.forEachChunk { (items: [WorkItem], fromShard: Bool) throws(AutodevError) in
            for item in items {
                if handedIDs.contains(item.id) { handedInShards.insert(item.id) }
                let subject = subjectKey(item)
                if settled[subject] != nil {
                    withdrawn.append(item)
                    if fromShard { queue.lifted.insert(item.id) }
                    continue
                }
                let covered = coveredByTasks(item)
                if (freshSubjects.contains(subject) && !freshIDs.contains(item.id)) || covered {
                    if covered { coveredCount += 1 }
                    if fromShard { queue.lifted.insert(item.id) }
                    continue
                }
                carriedIDs.insert(item.id)
                if state.awaitingLLM[item.id] != nil {
                    // A request waits for it: it leaves the queue (as before the queue was sharded).
                    if fromShard { queue.lifted.insert(item.id) }
                    continue
                }
                if !item.links.isEmpty { queue.featuresNamingFiles.insert(ChangePlanner.key(of: item)) }
                survivors.append(item)
            }
            if window != .max, survivors.count >= window + max(1, chunk) { cut() }
        }
        cut()
        // Handed-over requests are carried work held in memory: past the window they are queued
        // again as they are (never left to a shard that does not hold them).
        for item in handed.sorted(by: WorkQueue.runsBefore) where !handedInShards.contains(item.id) {
            carriedIDs.insert(item.id)
            if survivors.count < window { survivors.append(item) } else { queue.kept.append(item) }
        }
        // Withdrawn in the order the run takes carried work (the shards come by id).
        if !source.shards.isEmpty { withdrawn.sort(by: WorkQueue.runsBefore) }
        for item in withdrawn { withdraw(item, because: settled[subjectKey(item)]!) }
        if coveredCount > 0 {
            let withdrawn = coveredCount
            queue.notes.append("\(withdrawn) pending piece\(withdrawn == 1 ? "" : "s") of work withdrawn: \(withdrawn == 1 ? "its feature's tasks, queued in this run, carry its" : "their features' tasks, queued in this run, carry their") work")
        }
        // Survivors in the window leave their shard: deferred again, they go back with the run's
        // deferred work.
        let inWindow = Set(survivors.map(\.id))
        queue.lifted.formUnion(inWindow.subtracting(loadedIDs))
        queue.carried = source.shards.isEmpty ? carriedIDs : inWindow.union(carriedIDs.intersection(freshIDs))
        var seen = Set<String>()
        for item in survivors where seen.insert(item.id).inserted {
            queue.items.append(item)
        }
        // New work is never in `carried` (its ids are not carried ones), so it comes after the
        // carried work, by priority then id (all of it was first seen now): the order the whole
        // queue sorted together had. A piece of work decided twice is kept once, as first
        // decided (the decision index breaks ties); work carried, in the window, or awaiting a
        // request is not new. Sorted and thinned in place.
        fresh.sort { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            return a.decision < b.decision
        }
        let lookUp = !carriedIDs.isEmpty || !seen.isEmpty || !state.awaitingLLM.isEmpty
        var kept = 0
        for position in fresh.indices {
            let ref = fresh[position]
            if kept > 0, fresh[kept - 1].high == ref.high, fresh[kept - 1].low == ref.low { continue }
            if lookUp {
                let id = ref.id
                if carriedIDs.contains(id) || seen.contains(id) || state.awaitingLLM[id] != nil { continue }
            }
            fresh[kept] = ref
            kept += 1
        }
        fresh.removeSubrange(kept...)
        var listed = fresh
        fresh = []
        // Carried or not, looked up once per item rather than twice per comparison.
        let items = queue.items
        let carried = items.map { queue.carried.contains($0.id) }
        let order = items.indices.sorted { i, j in
            if carried[i] != carried[j] { return carried[i] }
            if items[i].priority != items[j].priority { return items[i].priority > items[j].priority }
            if items[i].firstSeen != items[j].firstSeen { return items[i].firstSeen < items[j].firstSeen }
            return items[i].id < items[j].id
        }
        queue.items = order.map { items[$0] }
        let room = freshWindow.map { max(0, $0 - queue.items.count) } ?? listed.count
        let held = listed.count - room > freshChunk ? room : listed.count
        for ref in listed[..<held] {
            queue.items.append(WorkItem(decisions[Int(ref.decision)], event: events[Int(ref.event)], now: now))
        }
        if held < listed.count {
            listed.removeSubrange(..<held)
            queue.tail = FreshTail(refs: listed, decisions: decisions, events: events, now: now)
            for ref in queue.tail.refs where ref.hasLinks {
                queue.featuresNamingFiles.insert(ChangePlanner.key(of: queue.tail.item(ref)))
            }
        }
        return queue
    }
}

extension PassQueue {
    /// The log line of a decision that needs no work (or whose event is not in the range).
    static func skipRecord(_ decision: Decision) -> DecisionRecord {
        DecisionRecord(run: "", eventId: decision.eventId, work: nil, action: decision.action, rule: decision.rule,
                       reason: decision.reason, requirement: decision.requirement?.key,
                       spec: decision.requirement?.spec, textHash: decision.requirement?.textHash,
                       tier: nil, outcome: "skip", files: [])
    }

    /// Finds each decision's event by id in one forward walk: the decisions follow the events'
    /// order (a spec's several decisions share its event), so the event at the cursor or the
    /// next is nearly always it; anything else falls back to an index of every event, made
    /// once (what was made for every pass before: 2,000,000 ids in a dictionary). Two events
    /// with one id are the same change (the id hashes kind, path, blobs and test), so either
    /// makes the same piece of work.
    struct EventLocator {
        let events: [Event]
        var cursor = 0
        var index: [String: Int]?

        mutating func find(_ id: String) -> Int? {
            if cursor < events.count, events[cursor].id == id { return cursor }
            if cursor + 1 < events.count, events[cursor + 1].id == id {
                cursor += 1
                return cursor
            }
            if index == nil {
                index = Dictionary(events.indices.map { (events[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
            }
            guard let found = index?[id] else { return nil }
            cursor = found
            return found
        }
    }
}

extension WorkItem {
    /// `derived`: false leaves the requirement's `slug` and `textHash` empty (for a look at the
    /// work's id, subject and links that is dropped at once).
    init(_ decision: Decision, event: Event, now: Int64, derived: Bool = true) {
        let requirement = decision.requirementDetail.map { requirement in
            WorkItem.RequirementFields(key: requirement.key, title: requirement.title, text: requirement.text,
                                       criteria: requirement.criteria, spec: requirement.spec, format: requirement.format,
                                       slug: derived ? WorkItem.slug(requirement.key + " " + requirement.title) : "",
                                       textHash: derived ? requirement.textHash : "", change: decision.requirement?.change ?? .unchanged,
                                       ordinal: WorkItem.RequirementFields.ordinal(kind: requirement.kind, line: requirement.line))
        }
        self.init(id: WorkItem.makeID(eventId: decision.eventId, requirementKey: decision.requirement?.key),
                  eventId: decision.eventId, eventKind: event.kind, priority: event.priority, path: event.path,
                  detail: event.detail, action: decision.action, reason: decision.reason, rule: decision.rule,
                  requirement: requirement, links: decision.links, firstSeen: now)
        doubt = decision.doubt.map { Doubt(question: $0.question, evidence: $0.evidence, ifYes: $0.ifYes) }
    }

    /// `FR-001 (specs/001-export/spec.md)`, or the path, for messages.
    var subjectLabel: String { requirement.map { "\($0.key) (\($0.spec))" } ?? path }
}

extension WorkItem.RequirementFields {
    /// A task (by `ordinal`: tasks come first in their feature's order).
    var isTask: Bool { (ordinal ?? Int.max) < 1 << 32 }

    /// The feature folder it belongs to (`specs/001-x`), or nil for a spec that is its own scope.
    var featureScope: String? {
        let root = Explainer.scopeRoot(spec, format: format)
        return root == spec ? nil : root
    }
}
