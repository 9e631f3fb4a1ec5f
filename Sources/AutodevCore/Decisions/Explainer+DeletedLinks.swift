import Foundation

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

    /// Why deleting `gone` broke no link because the range moved it: exactly one file of the same
    /// name was added elsewhere in the range (`components/users/UserShow.tsx` deleted,
    /// `features/users/components/UserShow.tsx` added), holding at least a third of the deleted
    /// file's lines. A move with edits below git's similarity threshold is reported as a deletion
    /// and an addition; the link follows the file. Issue 21's fresh round: a refactor commit that
    /// moved a React-Admin project's user components into `features/` and added a Complete story
    /// citing the old path was read as losing the file (two restore proposals).
    mutating func movedInRange(_ gone: String, added: [String]) -> String? {
        let name = SpecDocument.baseName(gone)
        let same = added.filter { $0 != gone && SpecDocument.baseName($0) == name }
        guard same.count == 1, let moved = same.first,
              let old = evidence(after: false).text(of: gone), let new = evidence(after: true).text(of: moved) else { return nil }
        let lines = { (bytes: [UInt8]) in
            Set(String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count > 3 })
        }
        let before = lines(old)
        guard !before.isEmpty, before.intersection(lines(new)).count * 3 >= before.count else { return nil }
        return "it moved in this range to \(moved) (the same file name, \(before.intersection(lines(new)).count) of its \(before.count) lines kept)"
    }

    /// Why deleting `gone` broke no link of a requirement that never names it: the link came
    /// from a task citing it (Kiro's `_Requirements: 2.1, 7.3_`), the requirement's own text
    /// names neither the file nor its type (`suggestion_row.py`, `SuggestionRow`), and other code
    /// files linked to it are still in the tree: its own code is intact. Issue 21's fresh round:
    /// a PySide6 project deleted a dead widget that one task built for two requirements; the one
    /// whose criteria never mention it was proposed for restoring.
    mutating func ownCodeIntact(_ requirement: Requirement, gone: String) -> String? {
        guard requirement.kind != .task, !requirement.paths.contains(gone) else { return nil }
        let stem = Self.normalizedStem(SpecDocument.baseName(gone).split(separator: ".").first.map { $0.lowercased() } ?? "")
        let words = (requirement.title + " " + requirement.text).lowercased()
        guard stem.count >= 4, !words.contains(stem), !Self.normalizedStem(words).contains(stem) else { return nil }
        let others = links(of: requirement, in: after).filter { $0 != gone }
        let intact = resolved(others, of: requirement).existing.filter { $0 != gone && classifier.classify($0)?.category == .code }
        guard !intact.isEmpty else { return nil }
        return "\(requirement.key) never names it (the link came from a task citing it), and its own code is intact (\(Self.listed(Array(intact.prefix(3)))))"
    }

    /// Why deleting `gone` broke no link because the file had announced its own removal: its
    /// opening lines (the module docstring, the header comment) mark it deprecated —
    /// `DEPRECATED: This module … will be removed`, `@deprecated`, `#[deprecated]`,
    /// `@Deprecated`, `// Deprecated:`, `DeprecationWarning`, `已弃用`, `非推奨`. Its code had
    /// moved on before the range deleted it; a story that once created it is history. Issue
    /// 21's reading of a BMAD project: a consolidation story removed the deprecated shim
    /// `phase_detector.py` (its docstring pointing to the new `phase_detection` package), and the
    /// Done story that had created it was proposed for restoring.
    mutating func announcedRemoval(_ gone: String) -> String? {
        guard classifier.classify(gone)?.category == .code, let bytes = evidence(after: false).text(of: gone) else { return nil }
        let head = String(decoding: bytes.prefix(3_000), as: UTF8.self).split(separator: "\n").prefix(40)
        for line in head {
            if let marker = Self.deprecationMarkers.first(where: { line.contains($0) }) {
                return "the file marked itself deprecated before it went (“\(marker)”): its removal was announced, not a loss"
            }
        }
        return nil
    }

    /// What marks a whole file deprecated in its opening lines, case as written: an upper-case
    /// notice, the languages' attributes and doc tags, Python's warning class, and the notice
    /// in other languages.
    static let deprecationMarkers = [
        "DEPRECATED", "@deprecated", "#[deprecated", "@Deprecated", "Deprecated:", "DeprecationWarning",
        "@available(*, deprecated", "OBSOLETO", "OBSOLÈTE", "VERALTET", "已弃用", "已废弃", "非推奨", "사용 중단",
    ]

    /// Why deleting `gone` lost nothing of a ticked task that names other code files still in
    /// the tree, or nil: the task was done and its work lives on in them; a later change (a
    /// refactor that merged or split files) removed one of the files it touched. Issue 21's
    /// sixth fresh replay: a Go CLI's ticked "CLI error handling … (internal/cli/workflow.go,
    /// full.go, implement.go, etc.)" became "update the implementation" when a 210-file rewrite
    /// of the CLI deleted workflow.go while full.go and implement.go stayed. A ticked task whose
    /// only file went, and an open one, still count as a lost link.
    mutating func tickedTaskLivesOn(_ requirement: Requirement, gone: String) -> String? {
        guard requirement.kind == .task, requirement.isTicked else { return nil }
        let now = evidence(after: true)
        var alive: [String] = []
        // Its whole text, not only its title's paths: a long title is cut before its last names.
        var named = requirement.paths
        for path in TextScan.pathMentions(requirement.text) where !named.contains(path) { named.append(path) }
        for path in named where path != gone && !path.hasSuffix("/") {
            switch now.resolve(path, near: requirement.spec) {
            case .exact(let found), .found(let found):
                alive.append(found)
            case .ambiguous(let paths):
                if let first = paths.sorted().first { alive.append(first) }
            case .missing:
                break
            }
        }
        alive = alive.filter { $0 != gone && classifier.classify($0)?.category == .code }
        guard !alive.isEmpty else { return nil }
        return "its task is ticked and the other code files it names live on (\(Self.listed(Array(alive.prefix(3))))): the work was done; a later change removed one of its files"
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
