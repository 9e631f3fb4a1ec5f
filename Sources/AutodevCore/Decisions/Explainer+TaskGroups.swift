/// Numbered task groups. A replay of an unseen Kiro project (TypeScript, 28 syncs) queued a
/// parent task (`- [ ] 5. Create basic Express.js API server`) as work beside each of its
/// subtasks (`- [ ] 5.1 Set up Express server…`, `5.3 …`, `5.4 …`): 5 of 20 sampled work items
/// were such groups, each a second generation of work its subtasks already carry. The structure
/// says it, in any language: a task numbered `N` whose document lists tasks numbered `N.x`.
extension Explainer {
    /// Why `requirement` is a group whose required subtasks carry its work, or nil when it has
    /// none (no subtasks, or only optional ones such as Kiro's `- [ ]* 3.1 property test`, or
    /// only steps that are no code work — locating a line, a check: then the parent's own text
    /// is the work).
    mutating func taskGroup(of requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind == .task, requirement.key.hasPrefix("Task ") else { return nil }
        var number = requirement.key.dropFirst(5)
        if number.hasSuffix(".") { number = number.dropLast() }
        guard let first = number.first, first.isNumber, number.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        let prefix = "Task " + number + "."
        let index = scopeIndex(of: requirement, in: snapshot)
        let steps = index.requirements.filter { step in
            step.kind == .task && step.spec == requirement.spec && !step.optional && step.key.hasPrefix(prefix)
                && step.key.dropFirst(prefix.count).first?.isNumber == true && NotCodeWork.reason(step) == nil
        }
        guard !steps.isEmpty else { return nil }
        let open = steps.filter { !$0.isTicked }.map(\.key)
        let keys = Self.listed(steps.map(\.key), upTo: 4)
        if open.isEmpty { return "its subtasks \(keys) carry its work, and they are ticked" }
        return "its subtasks \(keys) carry its work (\(open.count) open, decided on their own)"
    }
}
