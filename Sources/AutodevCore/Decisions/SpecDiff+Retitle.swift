extension SpecDiff {
    /// A document retitled: its one root heading (the `# Title` every plain section's key
    /// starts with, `title > section > subsection`) differs before and after the range.
    ///
    /// The title is part of each plain section's key, so a new title re-keys every section of
    /// the document. Matching by content kept the sections whose text stayed, but a section
    /// rewritten in the same commit lost its identity: one public merge retitled a design and a
    /// task list ("… with Guided Search …" → "… with Temp File Output") and every rewritten
    /// section became a removal beside an addition (a retirement and new work for the same
    /// section). The keys themselves stay as they are (a new key scheme would re-key every
    /// adopted state on upgrade); compare matches the new sections under the old title, so a
    /// section is paired exactly as it would have been had the title not changed, and a pair
    /// whose key moved with the title is a rename (it keeps its history, its links, and the
    /// old key as `previousKey`; with its text unchanged it is no work).
    struct Retitle {
        let oldTitle: String
        let newTitle: String

        /// Nil unless each side has one root over all its heading-path keys and the roots differ.
        init?(before: [Requirement], after: [Requirement]) {
            guard let old = Self.root(before), let new = Self.root(after), old != new,
                  !after.contains(where: { Self.rest(of: $0.key, under: old) != nil }) else { return nil }
            oldTitle = old
            newTitle = new
        }

        /// The root every heading-path key (`a > b`) of a document starts with; nil when there
        /// is none or more than one (a document of several top headings has no title to change).
        static func root(_ requirements: [Requirement]) -> String? {
            var root: Substring?
            for requirement in requirements where requirement.delta == nil {
                guard let separator = requirement.key.firstRange(of: " > ") else { continue }
                let first = requirement.key[..<separator.lowerBound]
                if root == nil { root = first } else if root != first { return nil }
            }
            return root.map(String.init)
        }

        /// The key below `title` ("" for the title's own section); nil for a key not under it.
        static func rest(of key: String, under title: String) -> Substring? {
            if key == title { return "" }
            guard key.hasPrefix(title + " > ") else { return nil }
            return key.dropFirst(title.count)
        }

        /// The requirement keyed as if the document still had its old title.
        func underOldTitle(_ requirement: Requirement) -> Requirement {
            guard let rest = Self.rest(of: requirement.key, under: newTitle) else { return requirement }
            var moved = requirement
            moved.key = oldTitle + rest
            return moved
        }

        /// The change with the requirement's own key back; a pair whose key moved with the
        /// title is a rename (changed or not).
        func restore(_ change: RequirementChange) -> RequirementChange {
            var change = change
            guard var after = change.after, let rest = Self.rest(of: after.key, under: oldTitle) else { return change }
            after.key = newTitle + rest
            change.after = after
            if let before = change.before, before.key != after.key, change.kind == .unchanged || change.kind == .changed {
                change.kind = .renamed
            }
            return change
        }
    }
}
