@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// Decisions over real histories: a repository per test, commit by commit, and the exact
/// decisions for each range.
@Suite struct DecisionHistoryTests {
    /// The report for a range of the fixture, with the built-in configuration.
    static func report(_ fixture: GitFixture, _ range: String, explain: Bool = true) throws -> DiffEventsReport {
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        return try EventBuilder(repository: repository, config: config).report(for: .explicit(range), explain: explain)
    }

    static func decisions(_ fixture: GitFixture, _ range: String) throws -> [String] {
        let report = try Self.report(fixture, range)
        let decisions = try #require(report.decisions)
        let paths = Dictionary(report.events.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
        return decisions.map { decision in
            let subject = decision.requirement?.key ?? paths[decision.eventId] ?? "?"
            return "\(decision.action.rawValue) \(subject) [\(decision.rule)]"
        }
    }

    static let spec = """
        # Feature Specification: Login

        ### User Story 1 - Sign in (Priority: P1)

        A user signs in with email and password.

        1. **Given** a registered user, **When** they sign in, **Then** they see the dashboard.
        2. **Given** a wrong password, **When** they sign in, **Then** they see an error.

        ## Requirements

        - **FR-001**: System MUST hash passwords with a per-user salt
        - **FR-002**: System MUST lock an account after five failed attempts
        - **FR-003**: System MUST support single sign-on via [NEEDS CLARIFICATION: which provider?]
        """

    static let tasks = """
        # Tasks: Login

        - [ ] T001 [US1] Implement the sign-in handler in src/login.py
        - [ ] T002 Add the lockout counter in src/lockout.py
        """

    @Test func specKitHistoryFromSpecToRetirement() throws {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "print('app')\n")
        let c0 = try fixture.commit("base")

        try fixture.write("specs/001-login/spec.md", Self.spec)
        try fixture.write("specs/001-login/tasks.md", Self.tasks)
        try fixture.write("specs/001-login/plan.md", "# Plan\n\nPython, Flask.\n")
        let c1 = try fixture.commit("Specify login")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "skip specs/001-login/plan.md [spec-context]",
            // The feature's open tasks arrive with it: they are its work, queued once.
            "skip US1 [covered-by-tasks]",
            "skip FR-001 [covered-by-tasks]",
            "skip FR-002 [covered-by-tasks]",
            "skip FR-003 [needs-clarification]",
            "newImplementation T001 [requirement-added]",
            "newImplementation T002 [requirement-added]",
        ])

        try fixture.write("src/login.py", "def sign_in(): ...\n")
        try fixture.write("specs/001-login/tasks.md", Self.tasks.replacingOccurrences("- [ ] T001", "- [x] T001"))
        let c2 = try fixture.commit("Implement sign-in (T001)\n\nHashes per FR-001.")
        #expect(try Self.decisions(fixture, "\(c1)..\(c2)") == [
            "skip specs/001-login/tasks.md [spec-progress]",
            "skip src/login.py [human-change]",
        ])
        // Spec and code in one range: a person did the work.
        #expect(try Self.decisions(fixture, "\(c0)..\(c2)") == [
            "skip specs/001-login/plan.md [spec-context]",
            "skip US1 [requirement-done]",
            "skip FR-001 [implemented-alongside]",
            "skip FR-002 [covered-by-tasks]",
            "skip FR-003 [needs-clarification]",
            "skip T001 [requirement-done]",
            "newImplementation T002 [requirement-added]",
            "skip src/login.py [human-change]",
        ])

        let edited = Self.spec
            .replacingOccurrences("they see an error.", "they see an error and a reset link.")
            .replacingOccurrences("after five failed attempts", "after three failed attempts")
            .replacingOccurrences("hash passwords with a per-user salt", "hash passwords\n  with a per-user salt")
        try fixture.write("specs/001-login/spec.md", edited)
        let c3 = try fixture.commit("Tighten lockout and the error scenario")
        #expect(try Self.decisions(fixture, "\(c2)..\(c3)") == [
            "updateImplementation US1 [requirement-changed]",
            "newImplementation FR-002 [requirement-changed-unimplemented]",
        ])

        try fixture.write("specs/001-login/spec.md", edited.replacingOccurrences("FR-002", "FR-004"))
        let c4 = try fixture.commit("Renumber FR-002")
        #expect(try Self.decisions(fixture, "\(c3)..\(c4)") == ["skip FR-004 [requirement-renamed]"])

        _ = try fixture.git(["mv", "specs/001-login", "specs/002-auth"])
        let c5 = try fixture.commit("Move the feature")
        #expect(try Self.decisions(fixture, "\(c4)..\(c5)") == [
            "skip specs/002-auth/plan.md [spec-moved]",
            "skip specs/002-auth/spec.md [spec-moved]",
            "skip specs/002-auth/tasks.md [spec-moved]",
        ])

        let withoutStory = try String(decoding: fixture.read("specs/002-auth/spec.md"), as: UTF8.self)
        let cut = try #require(withoutStory.firstRange(of: "### User Story 1")).lowerBound
        let end = try #require(withoutStory.firstRange(of: "## Requirements")).lowerBound
        try fixture.write("specs/002-auth/spec.md", String(withoutStory[..<cut] + withoutStory[end...]))
        let c6 = try fixture.commit("Drop the sign-in story")
        #expect(try Self.decisions(fixture, "\(c5)..\(c6)") == ["retireImplementation US1 [requirement-removed]"])

        try fixture.remove("src/login.py")
        let c7 = try fixture.commit("Delete the sign-in handler")
        #expect(try Self.decisions(fixture, "\(c6)..\(c7)") == ["updateImplementation T001 [code-breaks-link]"])

        // Deleting the spec outright (pruning documents) proposes no retirement, though FR-001
        // and FR-002 are linked to code that exists; each requirement is logged as skipped.
        try fixture.write("src/login.py", "def sign_in(): ...\n")
        let c8 = try fixture.commit("Restore the handler")
        try fixture.remove("specs/002-auth/spec.md")
        let c9 = try fixture.commit("Prune the spec")
        let pruned = try Self.decisions(fixture, "\(c8)..\(c9)")
        #expect(!pruned.isEmpty)
        #expect(pruned.allSatisfy { $0.hasPrefix("skip ") && $0.hasSuffix("[spec-deleted]") }, "\(pruned)")
        #expect(pruned.contains("skip FR-001 [spec-deleted]"))
    }

    /// A feature added after adoption whose open tasks name files that exist (the module to
    /// extend): the files are what the tasks are about to change, not their implementation. At
    /// adoption the same tasks are read as implemented; a task whose file changes in the range
    /// with it is done alongside.
    @Test func openTasksNamingExistingFilesAreWorkAfterAdoption() throws {
        let fixture = try GitFixture()
        try fixture.write("src/models/task.py", "class TaskList:\n    def add(self, title): ...\n")
        try fixture.write("src/cli/task_cli.py", "def add_task_cli(tasks): ...\n")
        let c0 = try fixture.commit("base: the add-task feature")
        try fixture.write("specs/002-delete/tasks.md", """
            # Tasks: Delete

            - [ ] T001 Implement TaskList.delete_task() in src/models/task.py
            - [ ] T002 Add delete_task_cli() to src/cli/task_cli.py
            """)
        let c1 = try fixture.commit("Specify delete")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "newImplementation T001 [requirement-added]",
            "newImplementation T002 [requirement-added]",
        ])
        try fixture.write("src/models/task.py", "class TaskList:\n    def add(self, title): ...\n    def delete_task(self, id): ...\n")
        let c2 = try fixture.commit("Implement delete in the model")
        #expect(try Self.decisions(fixture, "\(c0)..\(c2)") == [
            "skip T001 [implemented-alongside]",
            "newImplementation T002 [requirement-added]",
            "skip src/models/task.py [human-change]",
        ])
        // Backfilling a repository that holds half the feature: the names the tasks give are the
        // sign, not the files they name (issue 21: `delete_task_cli` is not in task_cli.py yet).
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let adoption = try EventBuilder(repository: repository, config: config).report(for: .backfill(["specs/002-delete"]), explain: true)
        #expect(try #require(adoption.decisions).map { "\($0.action.rawValue) \($0.requirement?.key ?? "?") [\($0.rule)]" } == [
            "skip T001 [requirement-added-implemented]",
            "newImplementation T002 [requirement-added]",
        ])
    }

    @Test func kiroTasksLinkRequirementsAndANewRequirementWaitsForClarification() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let c0 = try fixture.commit("base")
        try fixture.write(".kiro/specs/auth/requirements.md", """
            # Requirements Document

            ### Requirement 1

            **User Story:** As a user, I want to sign in.

            #### Acceptance Criteria

            1. WHEN valid credentials are given THE system SHALL create a session
            2. IF the password is wrong THEN the system SHALL show an error
            """)
        try fixture.write(".kiro/specs/auth/tasks.md", """
            - [ ] 1. Session store in src/session.ts
              - _Requirements: 1.1_
            """)
        try fixture.write("src/session.ts", "export {}\n")
        let c1 = try fixture.commit("Add auth spec with the store")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "skip Requirement 1 [implemented-alongside]",
            "skip Task 1 [implemented-alongside]",
            "skip src/session.ts [human-change]",
        ])

        try fixture.write(".kiro/specs/auth/requirements.md", try String(decoding: fixture.read(".kiro/specs/auth/requirements.md"), as: UTF8.self)
            .replacingOccurrences("show an error", "show an error and count the failure"))
        let c2 = try fixture.commit("Count failures")
        #expect(try Self.decisions(fixture, "\(c1)..\(c2)") == ["updateImplementation Requirement 1 [requirement-changed]"])

        try fixture.write(".kiro/specs/auth/tasks.md", """
            - [-] 1. Session store in src/session.ts
              - _Requirements: 1.1_
            """)
        let c3 = try fixture.commit("Start task 1")
        #expect(try Self.decisions(fixture, "\(c2)..\(c3)") == ["skip .kiro/specs/auth/tasks.md [spec-progress]"])
    }

    @Test func openSpecChangeProposesAndModifiesRequirements() throws {
        let fixture = try GitFixture()
        try fixture.write("openspec/specs/auth/spec.md", """
            ## Requirements
            ### Requirement: Session expiry
            The system SHALL expire sessions after 30 minutes.
            """)
        let c0 = try fixture.commit("base")
        try fixture.write("openspec/changes/add-2fa/proposal.md", "## Why\nSecurity.\n")
        try fixture.write("openspec/changes/add-2fa/specs/auth/spec.md", """
            ## ADDED Requirements
            ### Requirement: Two-factor login
            The system SHALL ask for a one-time code.
            ## MODIFIED Requirements
            ### Requirement: Session expiry
            The system SHALL expire sessions after 15 minutes.
            """)
        try fixture.write("openspec/changes/add-2fa/tasks.md", "## 1. Build\n- [ ] 1.1 Add the OTP check in src/otp.go\n")
        let c1 = try fixture.commit("Propose 2FA")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "skip openspec/changes/add-2fa/proposal.md [spec-context]",
            "skip Two-factor login [covered-by-tasks]",
            "skip Session expiry [covered-by-tasks]",
            "newImplementation Task 1.1 [requirement-added]",
        ])
    }

    @Test func everyEventKindGetsItsDecision() throws {
        let fixture = try GitFixture()
        try fixture.write("src/a.py", "x = 1\n")
        let c0 = try fixture.commit("base")
        try fixture.write("pyproject.toml", "[project]\nname = 'a'\n")
        try fixture.write("config/patterns.toml", "")
        try fixture.write("src/b.py", "y = 2\n")
        try fixture.commit("mixed")
        try fixture.write("tests/test_a.py", "def test_one():\n    pass\n")
        let c1 = try fixture.commit("a test on its own")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "implementToPassTest tests/test_a.py [test-added]",
            "validate pyproject.toml [dependency-updated]",
            "reload config/patterns.toml [configuration-changed]",
            "skip src/b.py [human-change]",
        ])
    }

    @Test func unreadableSpecsAreReportedAndTheRunGoesOn() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/001-x/spec.md", "# x\u{0}\u{1}binary\n")
        try fixture.write("specs/002-y/spec.md", "- **FR-001**: System MUST work\n")
        let c1 = try fixture.commit("specs")
        let report = try Self.report(fixture, "\(c0)..\(c1)")
        #expect(report.notes.contains("specs/001-x/spec.md: binary content (a NUL byte), not a spec; not read"))
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "skip specs/001-x/spec.md [spec-unreadable]",
            "newImplementation FR-001 [requirement-added]",
        ])
    }

    @Test func aSpecMovedWithoutRenameDetectionIsStillAMove() throws {
        let fixture = try GitFixture()
        _ = try fixture.git(["config", "diff.renames", "false"])
        try fixture.write("specs/001-login/spec.md", Self.spec)
        let c0 = try fixture.commit("spec")
        try fixture.remove("specs/001-login/spec.md")
        try fixture.write("docs/specs/login.md", Self.spec)
        let c1 = try fixture.commit("move it")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "skip docs/specs/login.md [spec-moved]",
            "skip specs/001-login/spec.md [spec-requirements-moved]",
        ])
    }

    @Test func bmadStoryProgressIsNotAChangeAndAnEditedCriterionIs() throws {
        let story = """
            # Story 2.1: Password reset

            ## Status

            Draft

            ## Story

            **As a** user, **I want** to reset my password, **so that** I can sign in again.

            ## Acceptance Criteria

            1. A reset link is emailed.
            2. The link expires after one hour.

            ## Tasks / Subtasks

            - [ ] Task 1: Email the link (AC: #1)
            - [ ] Task 2: Expire the link (AC: #2)

            ## Dev Agent Record

            ### File List
            """
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let c0 = try fixture.commit("base")
        try fixture.write("docs/stories/2.1.reset.md", story)
        let c1 = try fixture.commit("Draft story 2.1")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "newImplementation Story 2.1 [requirement-added]",
            "skip Story 2.1 Task 1 [covered-by-parent]",
            "skip Story 2.1 Task 2 [covered-by-parent]",
        ])
        // The dev agent works: status, ticked tasks and the File List change, and the code lands.
        let worked = story.replacingOccurrences("Draft", "Review")
            .replacingOccurrences("- [ ] Task 1", "- [x] Task 1")
            .replacingOccurrences("### File List", "### File List\n\n- src/reset.py")
        try fixture.write("docs/stories/2.1.reset.md", worked)
        try fixture.write("src/reset.py", "def reset(): ...\n")
        let c2 = try fixture.commit("Implement story 2.1")
        #expect(try Self.decisions(fixture, "\(c1)..\(c2)") == [
            "skip docs/stories/2.1.reset.md [spec-progress]",
            "skip src/reset.py [human-change]",
        ])
        try fixture.write("docs/stories/2.1.reset.md", worked.replacingOccurrences("after one hour", "after fifteen minutes"))
        let c3 = try fixture.commit("Shorten the link's life")
        #expect(try Self.decisions(fixture, "\(c2)..\(c3)") == ["updateImplementation Story 2.1 [requirement-changed]"])
    }
}
