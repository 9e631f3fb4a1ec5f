/// How many LLM calls a run needed and how many it did not make, counted so it cannot flatter
/// (docs/tiers.md, "Counting calls"):
///
/// - `workItems`: pieces of work that needed code and were settled in the run — answered by a
///   tier, or written out as a request (work still pending is counted in the run that settles
///   it; skips of a person's change or of finished work, reloads and validations are no work;
///   a pattern that settles work without writing a file landed nothing and is no work either).
/// - `naiveCalls`: what a runner with no tiers, batching or reuse would call: one per work item.
/// - `callsMade`: every request that left the machine: re-asks, validation rounds, failed and
///   stopped calls, every retry inside the call guard, and calls whose output was discarded.
/// - `avoided`: work items that landed (wrote files) without a call of their own, by tier
///   (pattern, template, cache, similar),
///   and `batching`: the calls saved by asking for several items in one request (items in a
///   first ask beyond the first).
/// - `falseReuses`: cached or similar answers that failed validation; the work went to tier 5.
/// - `discarded`: work a model answered in this run that did not land (its answer failed
///   validation, clashed, or the run stopped): its calls are in `callsMade`, the work pending.
/// - `scaffolded`: work a template only gave a starting point (a stub is no answer): it went on
///   to tier 5, or was written out for it, and is never counted as avoided.
public struct CallAccounting: Sendable, Codable, Equatable {
    public var workItems = 0
    public var naiveCalls = 0
    public var callsMade = 0
    public var avoided: [String: Int] = [:]
    public var falseReuses: [String: Int] = [:]
    /// Requests written out for a person or a later run (no call made by autodev).
    public var offlineRequests = 0
    /// Work answered by a model in the run whose answer was then thrown away (see above).
    public var discarded = 0
    /// Work whose template output was a scaffold shown to the model; nil in records from before
    /// it was counted.
    public var scaffolded: Int? = nil
    public var inputTokens = 0
    public var outputTokens = 0
    public var cost = 0.0
    /// What the reused answers (tiers 3 and 4) cost when they were asked for; patterns,
    /// templates and batching have no price to quote and add nothing here.
    public var costSaved = 0.0
    public var tokensSaved = 0
    /// Of `callsMade`: the batched yes/no questions about decisions the rules were unsure of
    /// (`Triage`); nil in records from before they were counted.
    public var triageCalls: Int? = nil

    public init() {}

    /// Every field may be missing: records written before a field was added still load.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workItems = try c.decodeIfPresent(Int.self, forKey: .workItems) ?? 0
        naiveCalls = try c.decodeIfPresent(Int.self, forKey: .naiveCalls) ?? 0
        callsMade = try c.decodeIfPresent(Int.self, forKey: .callsMade) ?? 0
        avoided = try c.decodeIfPresent([String: Int].self, forKey: .avoided) ?? [:]
        falseReuses = try c.decodeIfPresent([String: Int].self, forKey: .falseReuses) ?? [:]
        offlineRequests = try c.decodeIfPresent(Int.self, forKey: .offlineRequests) ?? 0
        discarded = try c.decodeIfPresent(Int.self, forKey: .discarded) ?? 0
        scaffolded = try c.decodeIfPresent(Int.self, forKey: .scaffolded)
        inputTokens = try c.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0
        outputTokens = try c.decodeIfPresent(Int.self, forKey: .outputTokens) ?? 0
        cost = try c.decodeIfPresent(Double.self, forKey: .cost) ?? 0
        costSaved = try c.decodeIfPresent(Double.self, forKey: .costSaved) ?? 0
        tokensSaved = try c.decodeIfPresent(Int.self, forKey: .tokensSaved) ?? 0
        triageCalls = try c.decodeIfPresent(Int.self, forKey: .triageCalls)
    }

    /// Calls avoided, all reasons together.
    public var avoidedTotal: Int { avoided.values.reduce(0, +) }

    /// avoided ÷ naive calls (0 with no work).
    public var avoidedShare: Double { naiveCalls == 0 ? 0 : Double(avoidedTotal) / Double(naiveCalls) }

    /// "2 of 10 naive calls made; 8 avoided (80%): pattern 3, template 2, cache 1, similar 1, batching 1; 0 false reuses"
    public var summary: String {
        let parts = ["pattern", "template", "cache", "similar", "batching"].compactMap { name in avoided[name].map { "\(name) \($0)" } }
        let falses = falseReuses.values.reduce(0, +)
        var text = "\(callsMade) call\(callsMade == 1 ? "" : "s") made for \(workItems) work item\(workItems == 1 ? "" : "s") (naive: \(naiveCalls));"
        text += " \(avoidedTotal) avoided (\(Int((avoidedShare * 100).rounded(.down)))%)"
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        text += "; \(falses) false reuse\(falses == 1 ? "" : "s")"
        if offlineRequests > 0 { text += "; \(offlineRequests) written out for later" }
        if discarded > 0 { text += "; \(discarded) answered and discarded" }
        if let scaffolded, scaffolded > 0 { text += "; \(scaffolded) scaffolded (a template's starting point, not counted as avoided)" }
        if costSaved > 0 { text += "; USD \(LLMUsage.dollars(costSaved)) saved" }
        if let triageCalls, triageCalls > 0 { text += "; \(triageCalls) of the calls triage (a batched yes/no on the rules' doubts)" }
        return text
    }

    static let answeringTiers: Set<String> = ["pattern", "template", "cache", "similar", "llm", "offline"]

    /// The tier that saved a call for `item`, or nil: work that landed — wrote files, not
    /// failed — from a tier that makes no call. The one rule for every count of avoided calls.
    static func avoidingTier(_ item: SyncPass.Item) -> String? {
        guard ["pattern", "template", "cache", "similar"].contains(item.tier), !item.files.isEmpty, !item.outcome.hasPrefix("failed"),
              ![.reload, .validate, .skip].contains(item.action) else { return nil }
        return item.tier
    }

    /// From a pass's items (what each tier did), its calls and what tiers 3–4 recorded.
    init(items: [SyncPass.Item], calls: [LLMCallRecord], reuse: ReuseLedger) {
        for item in items where Self.answeringTiers.contains(item.tier) && !item.outcome.hasPrefix("failed")
            && ![.reload, .validate, .skip].contains(item.action) {
            if item.scaffold != nil { scaffolded = (scaffolded ?? 0) + 1 }
            switch item.tier {
            case "llm": workItems += 1
            case "offline":
                workItems += 1
                offlineRequests += 1
            default:
                guard let tier = Self.avoidingTier(item) else { continue }
                workItems += 1
                avoided[tier, default: 0] += 1
            }
        }
        naiveCalls = workItems
        callsMade = calls.count
        let triage = calls.filter { $0.purpose == "triage" }.count
        if triage > 0 { triageCalls = triage }
        // Answered work that ended pending: the last word on each piece of work is its last item.
        var last: [String: SyncPass.Item] = [:]
        for item in items { last[item.work] = item }
        let answered = Set(calls.filter { $0.outcome == .answered }.flatMap(\.work))
        discarded = last.values.filter { $0.tier == "deferred" && answered.contains($0.work) }.count
        let served = Set(items.filter { $0.tier == "llm" }.map(\.work))
        let batching = calls.filter { $0.attempt == 1 && $0.outcome == .answered }
            .map { call in max(0, call.work.filter { served.contains($0) }.count - 1) }.reduce(0, +)
        if batching > 0 { avoided["batching"] = batching }
        for (tier, count) in reuse.falseReuses where count > 0 { falseReuses[tier.rawValue] = count }
        inputTokens = calls.map(\.inputTokens).reduce(0, +)
        outputTokens = calls.map(\.outputTokens).reduce(0, +)
        cost = calls.map(\.cost).reduce(0, +)
        costSaved = reuse.costSaved
        tokensSaved = reuse.tokensSaved
    }

    public mutating func add(_ other: CallAccounting) {
        workItems += other.workItems
        naiveCalls += other.naiveCalls
        callsMade += other.callsMade
        for (key, value) in other.avoided { avoided[key, default: 0] += value }
        for (key, value) in other.falseReuses { falseReuses[key, default: 0] += value }
        offlineRequests += other.offlineRequests
        discarded += other.discarded
        if let more = other.scaffolded { scaffolded = (scaffolded ?? 0) + more }
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cost += other.cost
        costSaved += other.costSaved
        tokensSaved += other.tokensSaved
        if let more = other.triageCalls { triageCalls = (triageCalls ?? 0) + more }
    }
}
