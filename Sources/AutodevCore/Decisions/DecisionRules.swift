/// Everything the rules look at for one decision, gathered before any rule runs.
struct DecisionFacts: Sendable, Equatable {
    /// What a spec file's change amounts to when no requirement in it changed.
    public enum SpecFileOutcome: Sendable, Equatable {
        /// It could not be read (binary, too large): the diagnostic.
        case unreadable(String)
        /// A plan, design or template: why it holds no requirements.
        case context(String)
        /// Checkboxes or statuses changed; how many requirements.
        case progressOnly(Int)
        /// Only whitespace, wrapping, numbering or markup changed.
        case cosmetic
        /// Moved or copied with its requirements intact; the old path.
        case moved(String)
        /// Deleted; its requirements reappear, intact, in other specs of the range.
        case requirementsMoved
        /// Deleted, and it held no requirements.
        case removedEmpty
        /// Deleted with this many requirements that reappear nowhere: the document went, not
        /// (by itself) the code.
        case deleted(Int)
    }

    public var event: EventKind
    public var path: String
    /// Set for a decision about one requirement of a spec.
    public var requirementChange: RequirementChange.Kind?
    /// Set for a decision about a whole spec file in which no requirement changed.
    public var specFile: SpecFileOutcome?
    public var needsClarification = false
    /// Why the text read as a requirement is none: an unfilled template line, a diagram.
    public var notARequirement: String?
    /// A rename that kept the text.
    public var textUnchanged = false
    /// Its heading now says it did not change (`(Unchanged)`, `（不变）`) and its reworded text
    /// cites the same paths and names: the note and what it cites.
    public var markedUnchanged: String?
    public var previousKey: String?
    /// Linked paths that exist at the end of the range.
    public var implementation: [String] = []
    /// Why the work was done by a person in this range (a linked path changed, a commit cites it).
    public var alongside: String?
    /// The requirement this one is part of, when that one gets work in this run.
    public var coveredBy: String?
    /// For a story or requirement of a feature with open tasks: those tasks ("5 open tasks in
    /// specs/001-x/tasks.md"), which carry its work.
    public var coveredByTasks: String?
    /// The same content exists elsewhere ("FR-007 in specs/001-x/spec.md"): a copy, not new work.
    public var copyOf: String?
    /// For a code change: a requirement that links to a path this change deleted.
    public var brokenLink: String?
    /// The first run (no checkpoint): what is at HEAD is the baseline, not new work.
    public var firstRun = false
    /// Why the requirement is already done: its task is ticked, every task citing it is, its
    /// document's status says so, or its place does (OpenSpec's `specs/`).
    public var finished: String?
    /// A task whose checkbox was unticked in this range: reopened work.
    public var reopened = false
    /// For a new test: existing code (unchanged in the range) that it is named after.
    public var existingCode: String?
    /// What the requirement is: a story, a requirement, a criterion, a task, a section.
    public var requirementKind: Requirement.Kind?
    /// Why a task is not code work (`NotCodeWork`): testing by hand, documentation, review,
    /// release, process or planning, and it names no code file or symbol.
    public var nonCodeTask: String?
    /// An optional task (Kiro's `- [ ]*`): not required work.
    public var optionalTask = false
    /// Why a numbered task is a group (`- [ ] 5. API server` over `- [ ] 5.1 …`, `5.2 …`): its
    /// required subtasks carry its work, so it is no work of its own.
    public var taskGroup: String?
    /// A task that deletes or moves files (or deletes a name from the code): whether the tree
    /// shows it done, and what it shows.
    public var removal: Removal?
    /// Names a task gives (`count_completed()`) that the code does not hold yet, and where they
    /// go: the file it names is their destination, not their implementation.
    public var missingSymbols: String?
    /// Evidence of an implementation other than an existing linked path: the names a task gives
    /// are in the code, or a ticked task cites the requirement.
    public var implementedBy: String?
    /// Cited paths that several files end with: no evidence, and the reason says so.
    public var ambiguousLinks: [String] = []
    /// For a deleted path's link: why the linking requirement's document is finished work (a
    /// Done story with every task ticked), which makes the link stale rather than broken.
    public var staleLink: String?
    /// Why an open task of a finished document was withdrawn by its author (`— not implemented`).
    public var descoped: String?
    /// For a removed requirement: its heading stays in the document struck through or marked
    /// as withdrawn (`### T011: ~~Create BDD Feature File~~ [SUPERSEDED by T021]`).
    public var withdrawnHeading: String?
    /// For a removed requirement with an implementation: another requirement of the same spec,
    /// new or changed in this range, that cites every file of it (a task renumbered, merged or
    /// rewritten as a ticked line): its work was rewritten there, not withdrawn.
    public var rewrittenAs: String?
    /// For a deleted path's link: why the deletion broke nothing the requirement needs (the
    /// name still answers elsewhere in the tree; a test removed by hand), so no work.
    public var linkSurvives: String?

    public enum Removal: Sendable, Equatable {
        case done(String)
        case pending(String)
    }

    public init(event: EventKind, path: String) {
        self.event = event
        self.path = path
    }
}

/// One row of the decision table.
struct DecisionRule: Sendable {
    public let id: String
    public let action: DecisionAction
    let applies: @Sendable (DecisionFacts) -> Bool
    let reason: @Sendable (DecisionFacts) -> String
}

/// The rule table. The first row that applies decides; the order is the policy.
enum DecisionRules {
    public static let table: [DecisionRule] = [
        DecisionRule(id: "test-failed", action: .fixFailingTest,
                     applies: { $0.event == .testFailed },
                     reason: { "test \($0.path) fails: make it pass" }),
        DecisionRule(id: "adopted-baseline", action: .skip,
                     applies: { $0.firstRun && $0.event != .specificationChanged },
                     reason: { _ in "adopted: what is already at HEAD is the baseline, not new work" }),
        DecisionRule(id: "test-with-code", action: .skip,
                     applies: { $0.event == .testAdded && $0.alongside != nil },
                     reason: { "implemented alongside: \($0.alongside ?? "")" }),
        DecisionRule(id: "test-for-existing-code", action: .validate,
                     applies: { $0.event == .testAdded && $0.existingCode != nil },
                     reason: { "a new test for code that exists (\($0.existingCode ?? "")): run the project's checks; it needs code only if it fails" }),
        DecisionRule(id: "test-added", action: .implementToPassTest,
                     applies: { $0.event == .testAdded },
                     reason: { _ in "a new test arrived without code that implements it: implement what it expects" }),
        DecisionRule(id: "dependency-updated", action: .validate,
                     applies: { $0.event == .dependencyUpdated },
                     reason: { "\($0.path) changed: run the project's checks; nothing to generate" }),
        DecisionRule(id: "configuration-changed", action: .reload,
                     applies: { $0.event == .configurationChanged },
                     reason: { "\($0.path) changed: " + invalidation(of: $0.path) }),
        DecisionRule(id: "link-in-finished-document", action: .skip,
                     applies: { $0.event == .codeModified && $0.brokenLink != nil && $0.staleLink != nil },
                     reason: { "\($0.path) was deleted, and \($0.brokenLink ?? "a requirement") links to it from finished work (\($0.staleLink ?? "")): a stale link, not work" }),
        DecisionRule(id: "deleted-link-not-work", action: .skip,
                     applies: { $0.event == .codeModified && $0.brokenLink != nil && $0.linkSurvives != nil },
                     reason: { "\($0.path) was deleted, and \($0.brokenLink ?? "a requirement") links to it, but \($0.linkSurvives ?? ""): no work" }),
        DecisionRule(id: "code-breaks-link", action: .updateImplementation,
                     applies: { $0.event == .codeModified && $0.brokenLink != nil },
                     reason: { "\($0.path) was deleted, and \($0.brokenLink ?? "a requirement") links to it" }),
        DecisionRule(id: "human-change", action: .skip,
                     applies: { $0.event == .codeModified },
                     reason: { _ in "human change" }),
        DecisionRule(id: "spec-unreadable", action: .skip,
                     applies: { if case .unreadable = $0.specFile { true } else { false } },
                     reason: { if case .unreadable(let why) = $0.specFile { "unreadable spec: \(why)" } else { "" } }),
        DecisionRule(id: "spec-context", action: .skip,
                     applies: { if case .context = $0.specFile { true } else { false } },
                     reason: { if case .context(let why) = $0.specFile { "context, not a requirement: \(why)" } else { "" } }),
        DecisionRule(id: "spec-progress", action: .skip,
                     applies: { if case .progressOnly = $0.specFile { true } else { false } },
                     reason: {
                         if case .progressOnly(let count) = $0.specFile {
                             "progress only: \(count) checkbox or status change\(count == 1 ? "" : "s"), no requirement changed"
                         } else { "" }
                     }),
        DecisionRule(id: "spec-cosmetic", action: .skip,
                     applies: { $0.specFile == .cosmetic },
                     reason: { _ in "no requirement changed: the edit is outside the requirements' text (status, notes) or only whitespace, wrapping, numbering or markup" }),
        DecisionRule(id: "spec-moved", action: .skip,
                     applies: { if case .moved = $0.specFile { true } else { false } },
                     reason: { if case .moved(let from) = $0.specFile { "moved from \(from) with its requirements intact" } else { "" } }),
        DecisionRule(id: "spec-requirements-moved", action: .skip,
                     applies: { $0.specFile == .requirementsMoved },
                     reason: { _ in "spec removed; its requirements moved, intact, to other specs in this range" }),
        DecisionRule(id: "spec-deleted", action: .skip,
                     applies: { if case .deleted = $0.specFile { true } else { false } },
                     reason: {
                         if case .deleted(let count) = $0.specFile {
                             "spec deleted with its \(count) requirement\(count == 1 ? "" : "s"): deleting a document is not a request to delete code; to retire code, remove its requirement from a spec that stays (or an OpenSpec REMOVED delta)"
                         } else { "" }
                     }),
        DecisionRule(id: "spec-removed-empty", action: .skip,
                     applies: { $0.specFile == .removedEmpty },
                     reason: { _ in "spec removed; it held no requirements" }),
        DecisionRule(id: "removal-task-removed", action: .skip,
                     applies: { $0.requirementChange == .removed && $0.removal != nil },
                     reason: { _ in "a task that deletes or moves files was removed from the spec: what it names is not an implementation to retire" }),
        DecisionRule(id: "non-code-task-removed", action: .skip,
                     applies: { $0.requirementChange == .removed && $0.requirementKind == .task && $0.nonCodeTask != nil },
                     reason: { "a task that was not code work was removed (\($0.nonCodeTask ?? "")): no implementation to retire" }),
        DecisionRule(id: "requirement-removed-alongside", action: .skip,
                     applies: { $0.requirementChange == .removed && !$0.implementation.isEmpty && $0.alongside != nil },
                     reason: { "requirement removed, and its implementation was changed in the same range (\($0.alongside ?? "")): the code went with the spec, nothing left to retire" }),
        DecisionRule(id: "requirement-rewritten", action: .skip,
                     applies: { $0.requirementChange == .removed && !$0.implementation.isEmpty && $0.rewrittenAs != nil },
                     reason: { "requirement removed, and \($0.rewrittenAs ?? "") of the same spec, new or changed in this range, cites its implementation (\(list($0.implementation))): its work was rewritten there, nothing to retire" }),
        DecisionRule(id: "requirement-withdrawn", action: .skip,
                     applies: { $0.requirementChange == .removed && $0.withdrawnHeading != nil },
                     reason: { "requirement withdrawn by its author: its heading stays, \($0.withdrawnHeading ?? ""); its code is not proposed for retirement" }),
        DecisionRule(id: "requirement-removed", action: .retireImplementation,
                     applies: { $0.requirementChange == .removed && !$0.implementation.isEmpty },
                     reason: { "requirement removed; its implementation (\(list($0.implementation))) is proposed for retirement, never deleted silently" }),
        DecisionRule(id: "requirement-removed-unimplemented", action: .skip,
                     applies: { $0.requirementChange == .removed },
                     reason: { _ in "requirement removed; nothing implements it" }),
        DecisionRule(id: "task-reopened", action: .newImplementation,
                     applies: { $0.requirementChange != nil && $0.reopened },
                     reason: { _ in "task reopened: its checkbox was unticked" }),
        DecisionRule(id: "needs-clarification", action: .skip,
                     applies: { $0.requirementChange != nil && $0.needsClarification },
                     reason: { _ in "needs clarification: the spec marks it [NEEDS CLARIFICATION]" }),
        DecisionRule(id: "not-a-requirement", action: .skip,
                     applies: { $0.requirementChange != nil && $0.notARequirement != nil },
                     reason: { "not a requirement: \($0.notARequirement ?? "")" }),
        DecisionRule(id: "requirement-renamed", action: .skip,
                     applies: { $0.requirementChange == .renamed && $0.textUnchanged },
                     reason: { "renamed from \($0.previousKey ?? "?"); text unchanged" }),
        DecisionRule(id: "requirement-marked-unchanged", action: .skip,
                     applies: { ($0.requirementChange == .changed || $0.requirementChange == .renamed) && $0.markedUnchanged != nil },
                     reason: { "its heading says it did not change (\($0.markedUnchanged ?? "")): its text was reworded, not changed" }),
        DecisionRule(id: "requirement-copied", action: .skip,
                     applies: { $0.requirementChange != nil && $0.requirementChange != .removed && $0.copyOf != nil },
                     reason: { "the same requirement as \($0.copyOf ?? "?") (equal text once case, punctuation and ids are set aside): its history and implementation are that one's, not new work" }),
        DecisionRule(id: "criterion-not-work", action: .skip,
                     applies: { $0.requirementChange != nil && $0.requirementChange != .removed && $0.requirementKind == .criterion },
                     reason: { _ in "a success or acceptance criterion, quality attribute, constraint or design decision: it measures or bounds the work its stories and requirements carry, and is checked through them" }),
        DecisionRule(id: "requirement-done", action: .skip,
                     applies: { $0.requirementChange != nil && $0.finished != nil },
                     reason: { "already done: \($0.finished ?? "")" }),
        DecisionRule(id: "task-descoped", action: .skip,
                     applies: { $0.requirementChange != nil && $0.requirementChange != .removed && $0.descoped != nil },
                     reason: { "not work: \($0.descoped ?? "")" }),
        DecisionRule(id: "task-optional", action: .skip,
                     applies: { $0.requirementChange != nil && $0.requirementChange != .removed && $0.optionalTask },
                     reason: { _ in "skipped-optional: the task is marked optional (`- [ ]*` or \"(optional)\"); it is not required work — drop the mark to queue it" }),
        DecisionRule(id: "removal-done", action: .skip,
                     applies: { if case .done = $0.removal { $0.requirementChange != nil } else { false } },
                     reason: { if case .done(let what) = $0.removal { "done: \(what)" } else { "" } }),
        DecisionRule(id: "task-not-code", action: .skip,
                     applies: { $0.requirementChange != nil && $0.requirementChange != .removed && $0.nonCodeTask != nil },
                     reason: { "not code work — \($0.nonCodeTask ?? ""); it is for a person or the project's checks" }),
        DecisionRule(id: "task-group", action: .skip,
                     applies: { $0.requirementChange != nil && $0.requirementChange != .removed && $0.taskGroup != nil },
                     reason: { "a group of tasks: \($0.taskGroup ?? "")" }),
        DecisionRule(id: "covered-by-parent", action: .skip,
                     applies: { $0.requirementChange != nil && $0.coveredBy != nil },
                     reason: { "part of \($0.coveredBy ?? "?")'s work in this run" }),
        DecisionRule(id: "removal-pending", action: .newImplementation,
                     applies: { if case .pending = $0.removal { $0.requirementChange != nil } else { false } },
                     reason: { if case .pending(let what) = $0.removal { "a task that deletes or moves files, not done: \(what)" } else { "" } }),
        DecisionRule(id: "implemented-alongside", action: .skip,
                     applies: { $0.requirementChange != nil && $0.alongside != nil },
                     reason: { "implemented alongside: \($0.alongside ?? "")" }),
        DecisionRule(id: "requirement-added-implemented", action: .skip,
                     applies: { $0.requirementChange == .added && (!$0.implementation.isEmpty || $0.implementedBy != nil) },
                     reason: { "already implemented: " + ($0.implementedBy ?? "\(list($0.implementation)) exists") }),
        DecisionRule(id: "covered-by-tasks", action: .skip,
                     applies: { $0.requirementChange != nil && $0.requirementChange != .removed && $0.coveredByTasks != nil },
                     reason: { "covered by the feature's tasks (\($0.coveredByTasks ?? "")): they carry its work" }),
        DecisionRule(id: "requirement-added", action: .newImplementation,
                     applies: { $0.requirementChange == .added },
                     reason: { "new requirement; " + ($0.missingSymbols ?? "nothing implements it yet") + unresolved($0) }),
        DecisionRule(id: "requirement-changed", action: .updateImplementation,
                     applies: { ($0.requirementChange == .changed || $0.requirementChange == .renamed) && !$0.implementation.isEmpty },
                     reason: { "requirement changed; update its implementation (\(list($0.implementation)))" }),
        DecisionRule(id: "requirement-changed-unimplemented", action: .newImplementation,
                     applies: { $0.requirementChange == .changed || $0.requirementChange == .renamed },
                     reason: { "requirement changed and " + ($0.missingSymbols ?? "nothing implements it yet") + unresolved($0) }),
        DecisionRule(id: "fallback", action: .skip,
                     applies: { _ in true },
                     reason: { _ in "no requirement changed" }),
    ]

    /// The row every decision of an adoption (a first run without `--backfill`) comes from.
    public static var adoptedBaseline: DecisionRule { table[1] }

    /// The first row that applies.
    public static func decide(_ facts: DecisionFacts) -> (rule: DecisionRule, reason: String) {
        for rule in table where rule.applies(facts) {
            return (rule, rule.reason(facts))
        }
        preconditionFailure("the fallback row applies to everything")
    }

    /// What a configuration change invalidates.
    static func invalidation(of path: String) -> String {
        if path == "config/autodev.toml" {
            return "autodev's settings are read again; cached answers made under the old settings are invalidated"
        }
        if path == "config/patterns.toml" {
            return "pattern rules are read again; work answered by a pattern is re-evaluated"
        }
        if path.hasPrefix("config/templates/") {
            return "templates are read again; work answered by this template is rendered again"
        }
        return "tool configuration is read again; no cached work depends on it"
    }

    /// Cited paths that matched several files, for the reason of work: why they were no evidence.
    static func unresolved(_ facts: DecisionFacts) -> String {
        guard !facts.ambiguousLinks.isEmpty else { return "" }
        let verb = facts.ambiguousLinks.count == 1 ? "matches" : "each match"
        return " (\(list(facts.ambiguousLinks)) \(verb) several files: no evidence)"
    }

    private static func list(_ paths: [String]) -> String {
        let shown = paths.prefix(3).joined(separator: ", ")
        return paths.count > 3 ? shown + " and \(paths.count - 3) more" : shown
    }
}
