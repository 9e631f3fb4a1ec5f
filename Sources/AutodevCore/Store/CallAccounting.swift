/// How many LLM calls a run needed and how many it did not make, counted so it cannot flatter
/// (README, "Counting calls"):
///
/// - `workItems`: pieces of work that needed code and were settled in the run — answered by a
///   tier, or written out as a request (work still pending is counted in the run that settles
///   it; skips of a person's change or of finished work, reloads and validations are no work).
/// - `naiveCalls`: what a runner with no tiers, batching or reuse would call: one per work item.
/// - `callsMade`: every call to a provider, re-asks, validation rounds and failed calls included.
/// - `avoided`: work items answered without a call, by tier (pattern, template, cache, similar),
///   and `batching`: the calls saved by asking for several items in one request (items in a
///   first ask beyond the first).
/// - `falseReuses`: cached or similar answers that failed validation; the work went to tier 5.
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

    public init() {}

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
        if let scaffolded, scaffolded > 0 { text += "; \(scaffolded) scaffolded (a template's starting point, not counted as avoided)" }
        if costSaved > 0 { text += "; USD \(LLMUsage.dollars(costSaved)) saved" }
        return text
    }

    static let answeringTiers: Set<String> = ["pattern", "template", "cache", "similar", "llm", "offline"]

    /// From a pass's items (what each tier did), its calls and what tiers 3–4 recorded.
    init(items: [SyncPass.Item], calls: [LLMCallRecord], reuse: ReuseLedger) {
        for item in items where Self.answeringTiers.contains(item.tier) && !item.outcome.hasPrefix("failed")
            && ![.reload, .validate, .skip].contains(item.action) {
            workItems += 1
            if item.scaffold != nil { scaffolded = (scaffolded ?? 0) + 1 }
            switch item.tier {
            case "llm": break
            case "offline": offlineRequests += 1
            default: avoided[item.tier, default: 0] += 1
            }
        }
        naiveCalls = workItems
        callsMade = calls.count
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
        if let more = other.scaffolded { scaffolded = (scaffolded ?? 0) + more }
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cost += other.cost
        costSaved += other.costSaved
        tokensSaved += other.tokensSaved
    }
}
