/// Deletions that break no link. Issue 21's replay of three unseen repositories proposed
/// restoring deleted files 27 times where nothing was lost: a Go project removed its bash tests
/// from CI on purpose ("remove bash tests from CI workflow"), and 23 ticked tasks that created
/// them became "update the implementation"; a BMAD project merged 200 test files into 18, and two
/// stories linking the old ones became work; a Python project deleted a legacy root `index.html`
/// while `frontend/index.html`, the one its spec means by the bare name, stayed.
extension Explainer {
    /// Why deleting `gone` broke no link of a requirement, or nil when it may have: the name
    /// still answers in the tree after the range (a bare file name or a path another file ends
    /// with), or the file is a test. Which tests a project keeps is its author's choice, like any
    /// code change by hand; the requirement's own code is untouched, and a test that goes with
    /// its code is a code deletion the link rules see.
    mutating func linkSurvives(_ gone: String) -> String? {
        let now = evidence(after: true)
        if !now.isGone(gone) {
            let elsewhere = now.resolve(gone, near: "")
            switch elsewhere {
            case .found(let path), .exact(let path):
                return "the name still answers in the tree (\(path))"
            case .ambiguous(let paths):
                return "the name still answers in the tree (\(Self.listed(Array(paths.prefix(3)))))"
            case .missing:
                break
            }
        }
        if classifier.classify(gone)?.category == .tests || Self.looksLikeTest(gone) {
            return "it is a test, removed by hand: which tests a project keeps is its author's choice, not a loss of the requirement's code"
        }
        return nil
    }

    /// A test by its place or name in any language, also where the project's globs do not list
    /// it (`tests/github_templates/bug_report_test.sh`, `test/e2e.bats`): under a `tests`/`test`
    /// folder, or named `test_*`, `*_test.*`, `*.test.*`, `*.spec.*`, `*.bats`.
    static func looksLikeTest(_ path: String) -> Bool {
        let parts = path.lowercased().split(separator: "/")
        guard let name = parts.last else { return false }
        if parts.dropLast().contains(where: { $0 == "tests" || $0 == "test" || $0 == "__tests__" }) { return true }
        let stem = name.split(separator: ".").first ?? name
        return stem.hasPrefix("test_") || stem.hasSuffix("_test") || name.contains(".test.") || name.contains(".spec.") || name.hasSuffix(".bats")
    }
}
