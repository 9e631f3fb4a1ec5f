/// What a range did to one requirement.
struct RequirementChange: Sendable, Equatable {
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

    /// For a rename or a copy: the content is the same (`RequirementIdentity`), only the key,
    /// the title, the place or the ids it cites moved.
    public var textUnchanged: Bool {
        guard let before, let after else { return false }
        return before.text == after.text || before.contentKey == after.contentKey
    }

    /// For a pair matched by nearly equal text under another key: how similar (0–1).
    public var similarity: Double?

    public init(kind: Kind, before: Requirement?, after: Requirement?, similarity: Double? = nil) {
        self.kind = kind
        self.before = before
        self.after = after
        self.similarity = similarity
    }
}

/// Compares the requirements of a spec before and after a range.
enum SpecDiff {
    /// Matches requirements by content first, then by key (`RequirementIdentity`): the same
    /// content under another key is a rename (a renumbering shifts every key after an insertion,
    /// and the requirement now at FR-012 is the one that was FR-011, not FR-012 changed); nearly
    /// the same content under another key is that requirement changed; what is left is matched
    /// by key (changed), or added, or removed. OpenSpec change files say themselves what they
    /// do (ADDED, MODIFIED, REMOVED, RENAMED) to the requirements they introduce. A new
    /// document title, part of every plain section's key, is no new key (`Retitle`).
    public static func compare(before: [Requirement], after: [Requirement]) -> [RequirementChange] {
        guard let retitle = Retitle(before: before, after: after) else { return compareKeys(before: before, after: after) }
        return compareKeys(before: before, after: after.map(retitle.underOldTitle)).map(retitle.restore)
    }

    static func compareKeys(before: [Requirement], after: [Requirement]) -> [RequirementChange] {
        // A new file (or one that held none before): nothing to match, so steps 1–2c match
        // nothing, step 3 makes each requirement what its delta says (added without one), and no
        // removal without a delta is left for `pairRenames` to pair. The same changes without
        // the content keys and title words of every requirement (6 % of a stress test's deciding,
        // where every spec of a run is new).
        if before.isEmpty { return after.map { Self.unmatched($0) } }
        var beforeByKey: [String: Int] = [:]
        for (index, requirement) in before.enumerated() { beforeByKey[requirement.key] = index }
        let afterContent = after.map(\.contentKey), beforeContent = before.map(\.contentKey)
        var used = Set<Int>()
        var matched: [Int: RequirementChange] = [:]  // after index → its change
        // 1. The same key and the same text, title and delta: unchanged (the common case).
        for (index, requirement) in after.enumerated() {
            guard let old = beforeByKey[requirement.key], !used.contains(old) else { continue }
            let previous = before[old]
            if previous.text == requirement.text, previous.title == requirement.title, previous.delta == requirement.delta {
                matched[index] = RequirementChange(kind: .unchanged, before: previous, after: requirement)
                used.insert(old)
            }
        }
        // 2. Delta-less requirements by content: equal content keys, then nearly equal texts.
        let open = { (index: Int) in matched[index] == nil && after[index].delta == nil && !afterContent[index].isEmpty }
        var beforeByContent: [String: [Int]] = [:]
        for (index, requirement) in before.enumerated() where !used.contains(index) && requirement.delta == nil && !beforeContent[index].isEmpty {
            beforeByContent[beforeContent[index], default: []].append(index)
        }
        for index in after.indices where open(index) {
            let requirement = after[index]
            guard var candidates = beforeByContent[afterContent[index]]?.filter({ !used.contains($0) }), !candidates.isEmpty else { continue }
            let pick = candidates.firstIndex { before[$0].key == requirement.key } ?? 0
            let old = candidates.remove(at: pick)
            used.insert(old)
            let previous = before[old]
            let sameKey = previous.key == requirement.key
            // The same content under the same key: a reflow, a case or punctuation fix, a
            // renumbered cross-reference — unchanged, unless the title moved on its own.
            let kind: RequirementChange.Kind = sameKey ? (previous.title == requirement.title || previous.title.isEmpty ? .unchanged : .changed) : .renamed
            matched[index] = RequirementChange(kind: kind, before: previous, after: requirement)
        }
        var pairs: [(score: Double, after: Int, before: Int)] = []
        let restAfter = after.indices.filter(open)
        let restBefore = before.indices.filter { !used.contains($0) && before[$0].delta == nil && !beforeContent[$0].isEmpty }
        if !restAfter.isEmpty, !restBefore.isEmpty, restAfter.count * restBefore.count <= 40_000 {
            // Shingles once per requirement, not once per pair.
            let beforeShingles = restBefore.map { Similarity.shingles(RequirementIdentity.words(before[$0].text)) }
            for index in restAfter {
                let shingles = Similarity.shingles(RequirementIdentity.words(after[index].text))
                for (position, old) in restBefore.enumerated() {
                    let score = Similarity.jaccard(shingles, beforeShingles[position])
                    if score >= RequirementIdentity.nearThreshold { pairs.append((score, index, old)) }
                }
            }
        }
        // Most similar first; ties: the same key, then document order.
        pairs.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            let aSame = before[a.before].key == after[a.after].key, bSame = before[b.before].key == after[b.after].key
            if aSame != bSame { return aSame }
            return (a.after, a.before) < (b.after, b.before)
        }
        for pair in pairs where matched[pair.after] == nil && !used.contains(pair.before) {
            used.insert(pair.before)
            let previous = before[pair.before]
            let sameKey = previous.key == after[pair.after].key
            matched[pair.after] = RequirementChange(kind: sameKey ? .changed : .renamed, before: previous, after: after[pair.after],
                                                    similarity: sameKey ? nil : pair.score)
        }
        // 2b. The same title over a rewritten body, under another key: that requirement changed
        // (a story restructured into phases renumbers its tasks and rewrites their steps; the
        // task "Fix uv.lock and pyproject.toml synchronization" is the one it was, not a removal
        // beside an addition). Titles of three words or more, unique among what is left on each side.
        var titlesAfter: [String: [Int]] = [:], titlesBefore: [String: [Int]] = [:]
        for index in after.indices where open(index) {
            let title = RequirementIdentity.words(after[index].title)
            if title.count >= 3 { titlesAfter[title.joined(separator: " "), default: []].append(index) }
        }
        for index in before.indices where !used.contains(index) && before[index].delta == nil {
            let title = RequirementIdentity.words(before[index].title)
            if title.count >= 3 { titlesBefore[title.joined(separator: " "), default: []].append(index) }
        }
        for (title, indices) in titlesAfter where indices.count == 1 {
            guard let olds = titlesBefore[title], olds.count == 1, let index = indices.first, let old = olds.first,
                  before[old].kind == after[index].kind, matched[index] == nil, !used.contains(old) else { continue }
            used.insert(old)
            let sameKey = before[old].key == after[index].key
            matched[index] = RequirementChange(kind: sameKey ? .changed : .renamed, before: before[old], after: after[index])
        }
        // 2c. The same heading once its notes are set aside (`src/config.rs` → `src/config.rs
        // (Unchanged)`, `HeadingNote`), over a rewritten body: that section renamed. One to one
        // among what is left, never in place of a requirement still under its own key, and not
        // when both headings carry a note (two qualifiers, not a note gained).
        let keysLeftAfter = Set(after.indices.filter { matched[$0] == nil }.map { after[$0].key })
        var bareAfter: [String: [Int]] = [:], bareBefore: [String: [Int]] = [:]
        for index in after.indices where matched[index] == nil && after[index].delta == nil {
            if let old = beforeByKey[after[index].key], !used.contains(old) { continue }
            bareAfter[HeadingNote.bare(after[index].key), default: []].append(index)
        }
        for index in before.indices where !used.contains(index) && before[index].delta == nil && !keysLeftAfter.contains(before[index].key) {
            bareBefore[HeadingNote.bare(before[index].key), default: []].append(index)
        }
        for (bare, indices) in bareAfter where indices.count == 1 {
            guard let olds = bareBefore[bare], olds.count == 1, let index = indices.first, let old = olds.first,
                  before[old].key != after[index].key, before[old].kind == after[index].kind,
                  !(HeadingNote.annotated(before[old].key) && HeadingNote.annotated(after[index].key)) else { continue }
            used.insert(old)
            matched[index] = RequirementChange(kind: .renamed, before: before[old], after: after[index])
        }
        // 3. What is left: by key (changed), by the change file's own word, added or removed.
        var changes: [RequirementChange] = []
        for (index, requirement) in after.enumerated() {
            if let change = matched[index] {
                changes.append(change)
                continue
            }
            let old = beforeByKey[requirement.key].flatMap { used.contains($0) ? nil : before[$0] }
            if old != nil, let position = beforeByKey[requirement.key] { used.insert(position) }
            changes.append(unmatched(requirement, old: old))
        }
        for (index, requirement) in before.enumerated() where !used.contains(index) {
            changes.append(RequirementChange(kind: .removed, before: requirement, after: nil))
        }
        return pairRenames(changes.map { ((), $0) }).map(\.1)
    }

    /// Step 3 of `compareKeys`: what a requirement matched by content to none before it is, by
    /// its delta, else by `old` (the requirement before it with the same key, if not used).
    static func unmatched(_ requirement: Requirement, old: Requirement? = nil) -> RequirementChange {
        switch requirement.delta {
        case .added?:
            return RequirementChange(kind: .added, before: nil, after: requirement)
        case .modified?:
            return RequirementChange(kind: .changed, before: old, after: requirement)
        case nil:
            return RequirementChange(kind: old == nil ? .added : .changed, before: old, after: requirement)
        case .removed?:
            return RequirementChange(kind: .removed, before: requirement, after: nil)
        case .renamed(let from)?:
            var previous = requirement
            previous.key = from
            previous.title = from
            return RequirementChange(kind: .renamed, before: previous, after: requirement)
        }
    }

    /// A removal and an addition with the same content (`RequirementIdentity.contentKey`) are
    /// one rename (or, with the same key, one move: unchanged). Used within a file and across
    /// the files of a range. Each change carries a tag (the event it came from); a pair keeps
    /// the addition's tag.
    public static func pairRenames<Tag>(_ tagged: [(Tag, RequirementChange)]) -> [(Tag, RequirementChange)] {
        let changes = tagged.map(\.1)
        var removedByBody: [String: [Int]] = [:]
        for (index, change) in changes.enumerated() where change.kind == .removed && change.before?.delta == nil {
            guard let before = change.before, !before.contentKey.isEmpty else { continue }
            removedByBody[before.contentKey, default: []].append(index)
        }
        guard !removedByBody.isEmpty else { return tagged }
        var result = tagged
        var consumed = Set<Int>()
        for (index, change) in changes.enumerated() where change.kind == .added && change.after?.delta == nil {
            guard let after = change.after, !after.contentKey.isEmpty,
                  var candidates = removedByBody[after.contentKey], !candidates.isEmpty else { continue }
            // Prefer the removal with the same key in the same spec (a move), then the same key, then the first in order.
            let pick = candidates.firstIndex { changes[$0].before?.key == after.key && changes[$0].before?.spec == after.spec }
                ?? candidates.firstIndex { changes[$0].before?.key == after.key } ?? 0
            let removedIndex = candidates.remove(at: pick)
            removedByBody[after.contentKey] = candidates
            let before = changes[removedIndex].before
            let sameIdentity = before?.key == after.key && before?.title == after.title
            result[index].1 = RequirementChange(kind: sameIdentity ? .unchanged : .renamed, before: before, after: after)
            consumed.insert(removedIndex)
        }
        return result.enumerated().filter { !consumed.contains($0.offset) }.map(\.element)
    }
}
