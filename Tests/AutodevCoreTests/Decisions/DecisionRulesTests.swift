@testable import AutodevCore
import Testing

/// One example per row of the rule table: facts for which that row, and no earlier one, decides.
struct RuleExample: CustomTestStringConvertible, Sendable {
    var rule: String
    var action: DecisionAction
    var facts: DecisionFacts
    var reasonContains: String

    var testDescription: String { rule }
}

private func facts(_ event: EventKind, _ path: String = "specs/001-x/spec.md", _ edit: (inout DecisionFacts) -> Void = { _ in }) -> DecisionFacts {
    var facts = DecisionFacts(event: event, path: path)
    edit(&facts)
    return facts
}

private func requirement(_ change: RequirementChange.Kind, _ edit: (inout DecisionFacts) -> Void = { _ in }) -> DecisionFacts {
    facts(.specificationChanged) {
        $0.requirementChange = change
        edit(&$0)
    }
}

let ruleExamples: [RuleExample] = [
    RuleExample(rule: "test-failed", action: .fixFailingTest, facts: facts(.testFailed, "Tests/A.swift"), reasonContains: "fails"),
    RuleExample(rule: "adopted-baseline", action: .skip,
                facts: facts(.testAdded, "Tests/A.swift") { $0.firstRun = true }, reasonContains: "baseline"),
    RuleExample(rule: "test-with-code", action: .skip,
                facts: facts(.testAdded, "Tests/ATests.swift") { $0.alongside = "Sources/A.swift changed in this range" },
                reasonContains: "implemented alongside: Sources/A.swift"),
    RuleExample(rule: "test-for-existing-code", action: .validate,
                facts: facts(.testAdded, "tests/test_guard.py") { $0.existingCode = "src/guard.py" }, reasonContains: "code that exists (src/guard.py)"),
    RuleExample(rule: "test-added", action: .implementToPassTest, facts: facts(.testAdded, "Tests/A.swift"), reasonContains: "without code"),
    RuleExample(rule: "dependency-updated", action: .validate, facts: facts(.dependencyUpdated, "Package.swift"), reasonContains: "checks"),
    RuleExample(rule: "configuration-changed", action: .reload, facts: facts(.configurationChanged, "config/autodev.toml"),
                reasonContains: "cached answers made under the old settings are invalidated"),
    RuleExample(rule: "link-in-finished-document", action: .skip,
                facts: facts(.codeModified, "web/tailwind.config.ts") { $0.brokenLink = "Story 1.1"; $0.staleLink = "the spec's status says \"Done\"" },
                reasonContains: "a stale link, not work"),
    RuleExample(rule: "deleted-link-not-work", action: .skip,
                facts: facts(.codeModified, "tests/forms_test.sh") { $0.brokenLink = "T010"; $0.linkSurvives = "it is a test, removed by hand" },
                reasonContains: "removed by hand: no work"),
    RuleExample(rule: "code-breaks-link", action: .updateImplementation,
                facts: facts(.codeModified, "src/a.py") { $0.brokenLink = "FR-001" }, reasonContains: "FR-001"),
    RuleExample(rule: "human-change", action: .skip, facts: facts(.codeModified, "src/a.py"), reasonContains: "human change"),
    RuleExample(rule: "spec-unreadable", action: .skip,
                facts: facts(.specificationChanged) { $0.specFile = .unreadable("binary content") }, reasonContains: "binary content"),
    RuleExample(rule: "spec-context", action: .skip,
                facts: facts(.specificationChanged) { $0.specFile = .context("plan.md supports") }, reasonContains: "plan.md"),
    RuleExample(rule: "spec-progress", action: .skip,
                facts: facts(.specificationChanged) { $0.specFile = .progressOnly(2) }, reasonContains: "progress only: 2"),
    RuleExample(rule: "spec-cosmetic", action: .skip,
                facts: facts(.specificationChanged) { $0.specFile = .cosmetic }, reasonContains: "no requirement changed"),
    RuleExample(rule: "spec-moved", action: .skip,
                facts: facts(.specificationChanged) { $0.specFile = .moved("old/spec.md") }, reasonContains: "old/spec.md"),
    RuleExample(rule: "spec-requirements-moved", action: .skip,
                facts: facts(.specificationChanged) { $0.specFile = .requirementsMoved }, reasonContains: "moved, intact"),
    RuleExample(rule: "spec-deleted", action: .skip,
                facts: requirement(.removed) { $0.specFile = .deleted(12); $0.implementation = ["src/a.py"] },
                reasonContains: "spec deleted with its 12 requirements"),
    RuleExample(rule: "spec-removed-empty", action: .skip,
                facts: facts(.specificationChanged) { $0.specFile = .removedEmpty }, reasonContains: "removed"),
    RuleExample(rule: "removal-task-removed", action: .skip,
                facts: requirement(.removed) { $0.implementation = ["src/old.py"]; $0.removal = .pending("src/old.py still there") },
                reasonContains: "not an implementation to retire"),
    RuleExample(rule: "non-code-task-removed", action: .skip,
                facts: requirement(.removed) { $0.requirementKind = .task; $0.implementation = ["lib/a.dart"]; $0.nonCodeTask = "a field of its section" },
                reasonContains: "no implementation to retire"),
    RuleExample(rule: "requirement-removed-alongside", action: .skip,
                facts: requirement(.removed) { $0.implementation = ["src/a.py"]; $0.alongside = "src/a.py changed in this range"; $0.needsClarification = true },
                reasonContains: "nothing left to retire"),
    RuleExample(rule: "requirement-rewritten", action: .skip,
                facts: requirement(.removed) { $0.implementation = ["src/a.py"]; $0.rewrittenAs = "T017" },
                reasonContains: "rewritten there"),
    RuleExample(rule: "requirement-withdrawn", action: .skip,
                facts: requirement(.removed) { $0.implementation = ["src/a.py"]; $0.withdrawnHeading = "marked “superseded by t021”" },
                reasonContains: "withdrawn by its author"),
    RuleExample(rule: "requirement-removed", action: .retireImplementation,
                facts: requirement(.removed) { $0.implementation = ["src/a.py"]; $0.needsClarification = true },
                reasonContains: "never deleted silently"),
    RuleExample(rule: "requirement-removed-unimplemented", action: .skip, facts: requirement(.removed), reasonContains: "nothing implements"),
    RuleExample(rule: "task-reopened", action: .newImplementation,
                facts: requirement(.changed) { $0.reopened = true; $0.finished = "x"; $0.needsClarification = true }, reasonContains: "unticked"),
    RuleExample(rule: "needs-clarification", action: .skip,
                facts: requirement(.added) { $0.needsClarification = true; $0.alongside = "x" }, reasonContains: "needs clarification"),
    RuleExample(rule: "not-a-requirement", action: .skip,
                facts: requirement(.added) { $0.notARequirement = "an unfilled template line"; $0.copyOf = "FR-001 in x" },
                reasonContains: "not a requirement: an unfilled template line"),
    RuleExample(rule: "requirement-renamed", action: .skip,
                facts: requirement(.renamed) { $0.textUnchanged = true; $0.previousKey = "FR-003"; $0.implementation = ["a"] },
                reasonContains: "renamed from FR-003"),
    RuleExample(rule: "requirement-marked-unchanged", action: .skip,
                facts: requirement(.renamed) { $0.markedUnchanged = "(Unchanged); the same src/export.py"; $0.implementation = ["src/export.py"] },
                reasonContains: "says it did not change ((Unchanged)"),
    RuleExample(rule: "requirement-copied", action: .skip,
                facts: requirement(.added) { $0.copyOf = "FR-007 in specs/001-x/spec.md"; $0.requirementKind = .criterion; $0.implementation = ["a"] },
                reasonContains: "the same requirement as FR-007 in specs/001-x/spec.md"),
    RuleExample(rule: "criterion-not-work", action: .skip,
                facts: requirement(.added) { $0.requirementKind = .criterion; $0.finished = "x" },
                reasonContains: "acceptance criterion, quality attribute, constraint or design decision"),
    RuleExample(rule: "requirement-done", action: .skip,
                facts: requirement(.added) { $0.finished = "the task is ticked ([x])"; $0.coveredBy = "US1"; $0.alongside = "x" },
                reasonContains: "already done: the task is ticked"),
    RuleExample(rule: "task-descoped", action: .skip,
                facts: requirement(.changed) { $0.requirementKind = .task; $0.descoped = "withdrawn by its author"; $0.optionalTask = true; $0.nonCodeTask = "x" },
                reasonContains: "withdrawn by its author"),
    RuleExample(rule: "task-optional", action: .skip,
                facts: requirement(.added) { $0.requirementKind = .task; $0.optionalTask = true; $0.nonCodeTask = "x"; $0.coveredBy = "US1" },
                reasonContains: "skipped-optional: the task is marked optional"),
    RuleExample(rule: "removal-done", action: .skip,
                facts: requirement(.added) { $0.removal = .done("src/old.py is gone"); $0.coveredBy = "US1"; $0.implementation = ["a"] },
                reasonContains: "done: src/old.py is gone"),
    RuleExample(rule: "task-not-code", action: .skip,
                facts: requirement(.added) { $0.requirementKind = .task; $0.nonCodeTask = "process or coordination (“rebase”)"; $0.coveredBy = "US1" },
                reasonContains: "not code work — process or coordination (“rebase”)"),
    RuleExample(rule: "task-group", action: .skip,
                facts: requirement(.added) { $0.requirementKind = .task; $0.taskGroup = "its subtasks Task 5.1, Task 5.2 carry its work (2 open, decided on their own)"; $0.coveredBy = "US1" },
                reasonContains: "a group of tasks: its subtasks Task 5.1"),
    RuleExample(rule: "covered-by-parent", action: .skip,
                facts: requirement(.added) { $0.coveredBy = "US1"; $0.alongside = "x" }, reasonContains: "part of US1"),
    RuleExample(rule: "removal-pending", action: .newImplementation,
                facts: requirement(.changed) { $0.removal = .pending("src/old.py still there"); $0.implementation = ["src/old.py"] },
                reasonContains: "not done: src/old.py still there"),
    RuleExample(rule: "implemented-alongside", action: .skip,
                facts: requirement(.changed) { $0.alongside = "src/a.py changed in this range"; $0.implementation = ["src/a.py"] },
                reasonContains: "implemented alongside: src/a.py"),
    RuleExample(rule: "requirement-added-implemented", action: .skip,
                facts: requirement(.added) { $0.implementation = ["src/a.py"] }, reasonContains: "already implemented: src/a.py"),
    RuleExample(rule: "covered-by-tasks", action: .skip,
                facts: requirement(.changed) { $0.coveredByTasks = "2 open tasks in specs/001-x/tasks.md" },
                reasonContains: "covered by the feature's tasks (2 open tasks in specs/001-x/tasks.md)"),
    RuleExample(rule: "requirement-added", action: .newImplementation, facts: requirement(.added), reasonContains: "new requirement"),
    RuleExample(rule: "requirement-changed", action: .updateImplementation,
                facts: requirement(.changed) { $0.implementation = ["src/a.py"] }, reasonContains: "update its implementation (src/a.py)"),
    RuleExample(rule: "requirement-changed-unimplemented", action: .newImplementation,
                facts: requirement(.renamed), reasonContains: "nothing implements it yet"),
    RuleExample(rule: "fallback", action: .skip, facts: requirement(.unchanged), reasonContains: "no requirement changed"),
]

@Suite struct DecisionRulesTests {
    @Test(arguments: ruleExamples)
    func eachRowDecidesItsCase(_ example: RuleExample) {
        let (rule, reason) = DecisionRules.decide(example.facts)
        #expect(rule.id == example.rule)
        #expect(rule.action == example.action)
        #expect(reason.contains(example.reasonContains), "\(reason)")
    }

    @Test func everyRowHasAnExampleAndIdsAreUnique() {
        let ids = DecisionRules.table.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids == ruleExamples.map(\.rule))
    }

    @Test func noRuleOutsideTheSpecRowsEverCallsForGenerationFromAPersonsCodeChange() {
        // A code change is never generation work unless it breaks a link.
        var change = DecisionFacts(event: .codeModified, path: "src/a.py")
        change.implementation = ["src/a.py"]
        change.alongside = "x"
        #expect(DecisionRules.decide(change).rule.action == .skip)
    }
}
