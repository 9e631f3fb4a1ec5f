import Foundation

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

    /// For a removed task: the files of its implementation that hold what its title adds. A task
    /// titled with a code span that is no path (`Add \`--ui-v2\` flag to \`main.py\``, `Añadir
    /// \`--ui-v2\` a \`main.py\``) introduced that span into the files it names; a file that no
    /// longer holds it (text, byte for byte) is the place the task changed, not code the task
    /// made, and retiring it would retire what others wrote (the application's entry point).
    /// Issue 21's fresh round: a PySide6 project's removed `--ui-v2` task proposed retiring
    /// `main.py`, whose flag was long gone. A title without such a span keeps every file.
    mutating func holdingWhatItAdds(_ task: Requirement, _ implementation: [String]) -> [String] {
        // A call is looked for by its name (`count_completed()` in `def count_completed(self)`).
        let spans = task.codeSpans.filter { task.title.contains($0) }.map { String($0.prefix { $0 != "(" }) }.filter { span in
            span.count >= 3 && !task.paths.contains(where: { $0 == span || $0.hasSuffix("/" + span) })
                && classifier.classify(span) == nil && !span.contains("/")
        }
        guard !spans.isEmpty else { return implementation }
        let before = evidence(after: false), now = evidence(after: true)
        return implementation.filter { path in
            guard classifier.classify(path)?.category == .code, !path.hasSuffix("/"),
                  let bytes = before.text(of: path) ?? now.text(of: path) else { return true }
            return spans.contains { Self.contains(bytes, Array($0.utf8)) }
        }
    }
}
