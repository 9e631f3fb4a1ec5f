/// What a first run found at HEAD and recorded as the baseline: the onboarding summary.
struct AdoptionSummary: Sendable, Equatable, Encodable {
    /// Requirements read, in how many spec files, per format.
    public var requirements: Int
    public var specs: Int
    public var byFormat: [String: Int]
    /// Requirements that show no sign of implementation: what `--backfill` would queue.
    public var backfillable: Int
    /// The features (spec folders or files) holding them, most first, at most ten.
    public var backfillableBySpec: [Entry]

    public struct Entry: Sendable, Equatable, Encodable {
        public var spec: String
        public var requirements: Int
    }

    /// The summary of an adoption's decisions; nil when none was adopted.
    public static func make(_ decisions: [Decision]) -> AdoptionSummary? {
        let adopted = decisions.filter { $0.rule == DecisionRules.adoptedBaseline.id && $0.requirement != nil }
        guard !adopted.isEmpty || decisions.contains(where: { $0.rule == DecisionRules.adoptedBaseline.id }) else { return nil }
        var byFormat: [String: Int] = [:]
        var specs = Set<String>()
        var waiting: [String: Int] = [:]
        for decision in adopted {
            guard let requirement = decision.requirement else { continue }
            byFormat[requirement.format.displayName, default: 0] += 1
            specs.insert(requirement.spec)
            if decision.backfillable {
                waiting[Explainer.scopeRoot(requirement.spec, format: requirement.format), default: 0] += 1
            }
        }
        let entries = waiting.map { Entry(spec: $0.key, requirements: $0.value) }
            .sorted { $0.requirements != $1.requirements ? $0.requirements > $1.requirements : $0.spec < $1.spec }
        return AdoptionSummary(requirements: adopted.count, specs: specs.count, byFormat: byFormat,
                               backfillable: waiting.values.reduce(0, +), backfillableBySpec: Array(entries.prefix(10)))
    }

    /// The summary in a few lines, for a person.
    public var lines: [String] {
        let formats = byFormat.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var result = ["adopted: \(requirements) requirement\(requirements == 1 ? "" : "s") in \(specs) spec file\(specs == 1 ? "" : "s")\(formats.isEmpty ? "" : " (\(formats))") are the baseline: no work is created for them"]
        if backfillable == 0 {
            result.append("every requirement shows a sign of implementation (done, ticked, linked code) or needs no code")
        } else {
            result.append("\(backfillable) show no sign of implementation; autodev sync --backfill [PATH...] queues them, for example:")
            for entry in backfillableBySpec.prefix(5) {
                result.append("  \(entry.spec): \(entry.requirements)")
            }
        }
        return result
    }
}
