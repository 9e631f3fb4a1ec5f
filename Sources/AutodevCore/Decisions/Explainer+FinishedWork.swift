import AutodevGit

/// Evidence of finished work: part of `Explainer` (split out of Explainer.swift, unchanged).
extension Explainer {

    /// Why a requirement is already done: its task is ticked, its document says so, every task
    /// of its scope that cites it is ticked, or every task of its feature is. Ticks and statuses
    /// describe the text they were set for: a requirement whose text changed is done only when
    /// its own box is ticked or it is OpenSpec's record of shipped work.
    mutating func finished(_ requirement: Requirement, change: RequirementChange.Kind, in snapshot: Snapshot) -> String? {
        if requirement.isTicked { return "the task is ticked ([x])" }
        if change == .changed {
            guard requirement.format == .openSpec, SpecDocument.isUnder(requirement.spec, ["openspec", "specs"]) else { return nil }
            return requirement.finished != nil && editedAsPlan(requirement) ? nil : requirement.finished
        }
        if let finished = requirement.finished, change != .added || !writtenStraightIntoRecord(requirement) { return finished }
        if let finished = featureStatus(of: requirement, in: snapshot) { return finished }
        if requirement.kind == .task { return nil }
        let index = scopeIndex(of: requirement, in: snapshot)
        let citing = index.citing(requirement).map { index.requirements[$0] }.filter { $0.kind == .task && !$0.optional }
        if !citing.isEmpty, citing.allSatisfy(\.isTicked) {
            let shown = citing.prefix(3).map(\.key).joined(separator: ", ")
            return "every task that cites it is ticked (\(shown)\(citing.count > 3 ? " and \(citing.count - 3) more" : ""))"
        }
        if citing.isEmpty, index.tasks > 0, index.openTasks == 0, scopeRoot(of: requirement) != requirement.spec {
            return "every task of the feature is ticked (\(index.tasks) in \(index.firstTaskSpec ?? "its tasks"))"
        }
        return nil
    }

    /// A numbered subtask (`0.3`) of a task that is not code work (`0. Spike: …`, `2. Review …`)
    /// is a step of that work, unless it names a code file: a replay of a public Kiro
    /// repository proposed a spike's six "confirm the provider's behaviour" steps as code work.
    mutating func nonCodeParent(of requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind == .task, requirement.key.hasPrefix("Task "), !namesCodeFile(requirement, in: snapshot) else { return nil }
        let number = requirement.key.dropFirst(5)
        guard let dot = number.lastIndex(of: "."), dot != number.startIndex,
              number.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        let parentKey = "Task " + number[..<dot]
        let index = scopeIndex(of: requirement, in: snapshot)
        // The parent's title says what kind of work it is; its code spans include its steps'.
        guard let parent = index.requirements.first(where: { $0.key == parentKey && $0.spec == requirement.spec }),
              // A parent's final check verb (`5. 境界を検証する`) does not make its steps checks: they
              // may build what it verifies.
              let why = NotCodeWork.reason(title: parent.title, paths: TextScan.pathMentions(parent.title), codeSpans: [], verbFinal: false)
        else { return nil }
        return "a step of \(parentKey), which is \(why)"
    }

    /// A requirement that some ticked task of its scope cites, while others are open (all ticked
    /// is `finished`): a done task citing it is evidence it is implemented, and its open tasks
    /// are decided on their own, as the rest of its work.
    mutating func citedByTickedTask(_ requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind != .task else { return nil }
        let index = scopeIndex(of: requirement, in: snapshot)
        let citing = index.citing(requirement).map { index.requirements[$0] }.filter { $0.kind == .task }
        let ticked = citing.filter(\.isTicked)
        guard !ticked.isEmpty, ticked.count < citing.count else { return nil }
        let open = citing.filter { !$0.isTicked }
        return "\(ticked.prefix(3).map(\.key).joined(separator: ", ")) (ticked) \(ticked.count == 1 ? "cites" : "cite") it; "
            + "\(open.prefix(3).map(\.key).joined(separator: ", ")) \(open.count == 1 ? "carries" : "carry") the rest"
    }

    /// A kitty-specs feature whose `status.json` puts every work package in a finished lane.
    mutating func featureStatus(of requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.format == .kittySpecs || SpecDocument.isUnder(requirement.spec, ["kitty-specs"]) else { return nil }
        let root = scopeRoot(of: requirement)
        guard root != requirement.spec else { return nil }
        let key = sideKey(snapshot, root)
        if let known = featureStatuses[key] { return known }
        var reason: String?
        if let side = snapshot.side(of: root + "/status.json"), let bytes = try? repository.content(of: side) {
            reason = KittyStatus.parse(bytes)?.finishedReason
        }
        featureStatuses[key] = .some(reason)
        return reason
    }
}
