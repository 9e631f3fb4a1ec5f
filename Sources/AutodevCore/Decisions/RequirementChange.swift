/// What a range did to one requirement.
public struct RequirementChange: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case added, changed, removed, renamed, unchanged
    }

    public var kind: Kind
    public var before: Requirement?
    public var after: Requirement?

    /// The requirement as it stands after the range (before it, for a removal).
    public var current: Requirement { (after ?? before)! }

    /// Only checkbox states or a status column differ.
    public var progressChanged: Bool {
        kind == .unchanged && before?.progress != after?.progress
    }

    /// For a rename: the text is the same, only the key or title moved.
    public var textUnchanged: Bool {
        guard let before, let after else { return false }
        return before.text == after.text
    }
}

/// Compares the requirements of a spec before and after a range.
public enum SpecDiff {
    /// Matches requirements by key; a requirement that disappears under one key and appears
    /// with the same text under another was renamed. OpenSpec change files say themselves
    /// what they do (ADDED, MODIFIED, REMOVED, RENAMED) to the requirements they introduce.
    public static func compare(before: [Requirement], after: [Requirement]) -> [RequirementChange] {
        var beforeByKey: [String: Requirement] = [:]
        for requirement in before { beforeByKey[requirement.key] = requirement }
        let afterKeys = Set(after.map(\.key))
        var changes: [RequirementChange] = []
        for requirement in after {
            let old = beforeByKey[requirement.key]
            if let old, old.text == requirement.text, old.title == requirement.title, old.delta == requirement.delta {
                changes.append(RequirementChange(kind: .unchanged, before: old, after: requirement))
                continue
            }
            switch requirement.delta {
            case .added?:
                changes.append(RequirementChange(kind: .added, before: nil, after: requirement))
            case .modified?:
                changes.append(RequirementChange(kind: .changed, before: old, after: requirement))
            case .removed?:
                changes.append(RequirementChange(kind: .removed, before: requirement, after: nil))
            case .renamed(let from)?:
                var previous = requirement
                previous.key = from
                previous.title = from
                changes.append(RequirementChange(kind: .renamed, before: previous, after: requirement))
            case nil:
                changes.append(RequirementChange(kind: old == nil ? .added : .changed, before: old, after: requirement))
            }
        }
        for requirement in before where !afterKeys.contains(requirement.key) {
            changes.append(RequirementChange(kind: .removed, before: requirement, after: nil))
        }
        return pairRenames(changes.map { ((), $0) }).map(\.1)
    }

    /// A removal and an addition with the same non-empty text are one rename (or, with the same
    /// key, one move: unchanged). Used within a file and across the files of a range.
    /// Each change carries a tag (the event it came from); a pair keeps the addition's tag.
    public static func pairRenames<Tag>(_ tagged: [(Tag, RequirementChange)]) -> [(Tag, RequirementChange)] {
        let changes = tagged.map(\.1)
        var removedByBody: [String: [Int]] = [:]
        for (index, change) in changes.enumerated() where change.kind == .removed && change.before?.delta == nil {
            guard let before = change.before, !before.text.isEmpty else { continue }
            removedByBody[before.bodyHash, default: []].append(index)
        }
        guard !removedByBody.isEmpty else { return tagged }
        var result = tagged
        var consumed = Set<Int>()
        for (index, change) in changes.enumerated() where change.kind == .added && change.after?.delta == nil {
            guard let after = change.after, !after.text.isEmpty,
                  var candidates = removedByBody[after.bodyHash], !candidates.isEmpty else { continue }
            // Prefer the removal with the same key (a move), then the first in order.
            let pick = candidates.firstIndex { changes[$0].before?.key == after.key } ?? 0
            let removedIndex = candidates.remove(at: pick)
            removedByBody[after.bodyHash] = candidates
            let before = changes[removedIndex].before
            let sameIdentity = before?.key == after.key && before?.title == after.title
            result[index].1 = RequirementChange(kind: sameIdentity ? .unchanged : .renamed, before: before, after: after)
            consumed.insert(removedIndex)
        }
        return result.enumerated().filter { !consumed.contains($0.offset) }.map(\.element)
    }
}
