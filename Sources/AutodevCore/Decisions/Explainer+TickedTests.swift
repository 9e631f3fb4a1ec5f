/// A test file that arrives in the same range as a task, ticked there, that names it: the spec
/// records the test as the finished work (`- [x] T-2622 Write the guard test in
/// internal/ports/guard_test.go`), not a test waiting for code. Guard tests that read the tree
/// rather than call code (an import or layering rule) are the usual case: they pass against
/// the code as it is, and "implement what it expects" sent a model after nothing.
///
/// Where the shape comes from: issue 21's fourth fresh replay (a Go OpenSpec project whose
/// change ticked "write the hard-rule regression guard" with the guard test in one commit).
/// Structure only: the done mark, the range, and the path the task cites.
extension Explainer {
    /// Test paths cited by a task that this range added, changed or ticked and that is ticked
    /// at its end, with the reason to show.
    static func testsTickedBy(_ changes: [RequirementChange]) -> [String: String] {
        var cited: [String: String] = [:]
        for change in changes {
            guard let task = change.after, task.kind == .task, task.isTicked,
                  change.kind != .unchanged || change.progressChanged else { continue }
            for path in task.paths where cited[path] == nil {
                cited[path] = "\(task.key) in \(task.spec) is ticked and names \(path): the spec records the test as done"
            }
        }
        return cited
    }
}
