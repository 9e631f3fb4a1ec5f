/// Stage 1 of a pass: the decisions and the carried-over queue become the work to do, in order.
/// Pending work first, then new work by priority; pending work about a requirement (or test)
/// that changed again is superseded by the new work, and so is a request still waiting for an
/// LLM (its file goes, the new work takes its place). The newest decision about a subject wins
/// either way: queued work whose requirement a later commit finished by hand (its task ticked,
/// its story set to Done, code committed alongside) or settled otherwise (removed, not code
/// work) is withdrawn, so no call is ever spent on work the author already did.
struct PassQueue {
    /// The log lines of decisions that needed no work.
    var skipped: [DecisionRecord] = []
    /// In the order the tiers take them.
    var items: [WorkItem] = []
    /// Ids of work carried over from an earlier run.
    var carried: Set<String> = []
    /// Request files (in `loop/pending/`) that newer work replaced; removed when the pass is saved.
    var supersededRequests: [String] = []
    var notes: [String] = []

    /// What work is about, so newer work on the same subject replaces it.
    static func subjectKey(_ item: WorkItem) -> String {
        item.requirement.map { "\($0.spec)\u{0}\($0.key)" } ?? "\(item.path)\u{0}\(item.detail)"
    }

    /// Builds the queue and takes superseded awaiting requests out of `state`. `finished`: the
    /// requirements the range finished by progress alone ("spec\u{0}key" → why).
    static func build(decisions: [Decision], events: [Event], state: inout SyncState, now: Int64,
                      finished: [String: String] = [:]) -> PassQueue {
        var queue = PassQueue()
        let eventsByID = Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var fresh: [WorkItem] = []
        for decision in decisions {
            guard decision.action.needsWork, let event = eventsByID[decision.eventId] else {
                queue.skipped.append(DecisionRecord(run: "", eventId: decision.eventId, work: nil, action: decision.action, rule: decision.rule,
                                                    reason: decision.reason, requirement: decision.requirement?.key,
                                                    spec: decision.requirement?.spec, textHash: decision.requirement?.textHash,
                                                    tier: nil, outcome: "skip", files: []))
                continue
            }
            fresh.append(WorkItem(decision, event: event, now: now))
        }
        let freshSubjects = Set(fresh.map(subjectKey))
        let freshIDs = Set(fresh.map(\.id))
        var awaitingSubjects = state.awaitingSubjects ?? [:]
        for (id, about) in awaitingSubjects.sorted(by: { $0.key < $1.key }) where freshSubjects.contains(about) && !freshIDs.contains(id) {
            if let file = state.awaitingLLM[id] { queue.supersededRequests.append(file) }
            state.awaitingLLM[id] = nil
            state.awaitingWork?[id] = nil
            awaitingSubjects[id] = nil
            queue.notes.append("the LLM request \(id) was replaced: its requirement or test changed again")
        }
        // Settled subjects: finished by progress, or the newest decision about them needs no work.
        var settled = finished
        for decision in decisions where !decision.action.needsWork {
            if let requirement = decision.requirement { settled[requirement.spec + "\u{0}" + requirement.key] = decision.reason }
        }
        settled = settled.filter { !freshSubjects.contains($0.key) }
        func withdraw(_ item: WorkItem, because reason: String) {
            queue.skipped.append(DecisionRecord(run: "", eventId: item.eventId, work: item.id, action: .skip, rule: "work-withdrawn",
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
        let carriedItems = state.pending.filter { item in
            if let reason = settled[subjectKey(item)] {
                withdraw(item, because: reason)
                return false
            }
            return !freshSubjects.contains(subjectKey(item)) || freshIDs.contains(item.id)
        }
        queue.carried = Set(carriedItems.map(\.id))
        var seen = Set<String>()
        for item in carriedItems + fresh where seen.insert(item.id).inserted && state.awaitingLLM[item.id] == nil {
            queue.items.append(item)
        }
        let carried = queue.carried
        queue.items.sort { a, b in
            let aCarried = carried.contains(a.id), bCarried = carried.contains(b.id)
            if aCarried != bCarried { return aCarried }
            if a.priority != b.priority { return a.priority > b.priority }
            if a.firstSeen != b.firstSeen { return a.firstSeen < b.firstSeen }
            return a.id < b.id
        }
        return queue
    }
}

extension WorkItem {
    init(_ decision: Decision, event: Event, now: Int64) {
        let requirement = decision.requirementDetail.map { requirement in
            WorkItem.RequirementFields(key: requirement.key, title: requirement.title, text: requirement.text,
                                       criteria: requirement.criteria, spec: requirement.spec, format: requirement.format,
                                       slug: WorkItem.slug(requirement.key + " " + requirement.title),
                                       textHash: requirement.textHash, change: decision.requirement?.change ?? .unchanged,
                                       ordinal: WorkItem.RequirementFields.ordinal(kind: requirement.kind, line: requirement.line))
        }
        self.init(id: WorkItem.makeID(eventId: decision.eventId, requirementKey: decision.requirement?.key),
                  eventId: decision.eventId, eventKind: event.kind, priority: event.priority, path: event.path,
                  detail: event.detail, action: decision.action, reason: decision.reason, rule: decision.rule,
                  requirement: requirement, links: decision.links, firstSeen: now)
    }

    /// `FR-001 (specs/001-export/spec.md)`, or the path, for messages.
    var subjectLabel: String { requirement.map { "\($0.key) (\($0.spec))" } ?? path }
}
