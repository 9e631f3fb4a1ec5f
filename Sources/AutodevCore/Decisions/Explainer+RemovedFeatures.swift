/// A feature removed as a whole is not a lost link: when a range deletes every code file a spec
/// document links to (a web front end's 190 files with the script that served it), the link of
/// each of its requirements to one of them is not a request to restore that file. A file that
/// goes while the rest of its feature's code stays is still a broken link.
///
/// Where the shape comes from: issue 21's fourth fresh replay (a Python/PySide project deleted
/// its React front end in one commit and the front end's Kiro specs in the next; 8 of 20 sampled
/// work items were "restore" proposals for those files). Structure only: the spec's links, and
/// which of them exist before and after the range.
extension Explainer {
    /// Why the deletion of the code `requirement`'s spec document links to is the removal of its
    /// whole feature, or nil: at least two code files linked, all of them present before the
    /// range and none after, nor answering by name elsewhere in the tree.
    mutating func featureRemoved(_ requirement: Requirement) -> String? {
        if let known = removedFeatures[requirement.spec] { return known }
        var why: String?
        if let side = after.side(of: requirement.spec) {
            var linked = Set<String>()
            for each in document(path: requirement.spec, side: side).requirements {
                linked.formUnion(links(of: each, in: after))
            }
            let code = linked.filter { before.side(of: $0) != nil && classifier.classify($0)?.category == .code }.sorted()
            // Gone, and its name answers nowhere else in the tree (a bare `index.html` while
            // `web/index.html` stays is still there).
            let now = evidence(after: true)
            let allGone = code.allSatisfy { path in
                guard after.side(of: path) == nil else { return false }
                if case .missing = now.resolve(path, near: "") { return true }
                return false
            }
            if code.count >= 2, allGone {
                why = "every code file \(requirement.spec) links to went in this range (\(code.count): "
                    + Self.listed(Array(code.prefix(3))) + (code.count > 3 ? ", …" : "")
                    + "): the feature was removed as a whole, not a link lost"
            }
        }
        removedFeatures[requirement.spec] = .some(why)
        return why
    }
}
