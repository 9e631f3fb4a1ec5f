@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// The shapes real spec-driven repositories have (finished and archived work, metadata files,
/// boilerplate, tests committed with their code), each read the way a person would read it.
@Suite struct RealShapesTests {
    static func decisions(_ fixture: GitFixture, _ range: String) throws -> [String] {
        try DecisionHistoryTests.decisions(fixture, range)
    }

    /// A base commit, then `files` in one commit; the decisions for that commit.
    static func decide(_ files: [String: String], message: String = "change") throws -> [String] {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let base = try fixture.commit("base")
        for (path, content) in files { try fixture.write(path, content) }
        let head = try fixture.commit(message)
        return try decisions(fixture, "\(base)..\(head)")
    }

    // MARK: Finished work

    @Test func tickedTasksAndFeaturesWhoseTasksAreAllTickedAreDone() throws {
        let decided = try Self.decide([
            "openspec/changes/add-export/tasks.md": "## 1. Export\n\n- [x] 1.1 Write the exporter\n- [ ] 1.2 Add the CLI flag\n",
            "specs/003-audit/spec.md": "# Audit\n\n### User Story 1 - Audit sign-ins (Priority: P1)\n\nAn admin sees sign-ins.\n\n- **FR-001**: System MUST log sign-ins\n",
            "specs/003-audit/tasks.md": "# Tasks\n\n- [x] T001 [US1] Log sign-ins in src/audit.py\n- [x] T002 Show the log in src/admin.py\n",
        ])
        #expect(decided.contains("skip Task 1.1 [requirement-done]"))
        #expect(decided.contains("newImplementation Task 1.2 [requirement-added]"))
        #expect(decided.contains("skip US1 [requirement-done]"))   // its citing task is ticked
        #expect(decided.contains("skip FR-001 [requirement-done]"))  // every task of the feature is
        #expect(decided.contains("skip T001 [requirement-done]") && decided.contains("skip T002 [requirement-done]"))
    }

    @Test func untickingATaskIsNewWork() throws {
        let fixture = try GitFixture()
        try fixture.write("openspec/changes/add-export/tasks.md", "- [x] 1.1 Write the exporter\n")
        let c0 = try fixture.commit("done")
        try fixture.write("openspec/changes/add-export/tasks.md", "- [ ] 1.1 Write the exporter\n")
        let c1 = try fixture.commit("reopen")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == ["newImplementation Task 1.1 [task-reopened]"])
    }

    @Test func doneStoriesArchivedPRPsAndShippedOpenSpecCapabilitiesAreDone() throws {
        let story = { (status: String) in
            "# Story 2.1: Password reset\n\n## Status\n\n\(status)\n\n## Story\n\n**As a** user, **I want** a reset link.\n\n## Acceptance Criteria\n\n1. A link is emailed.\n\n## Tasks / Subtasks\n\n- [ ] Task 1: Email the link (AC: #1)\n"
        }
        let decided = try Self.decide([
            "docs/stories/2.1.reset.md": story("Done"),
            "docs/stories/2.2.expiry.md": story("Ready for Development").replacingOccurrences("2.1", "2.2"),
            "docs/stories/11.9.dashboard.md": "# Story 11.9: Dashboard\n\n**Epic:** 11\n**Status:** Done\n\n## Acceptance Criteria\n\n1. It shows.\n",
            "PRPs/_archive/old-export.md": "# PRP: Old export\n\n## Goal\n\nExport.\n",
            "PRPs/user-import.md": "# PRP: User import\n\n**Status**: COMPLETED\n\n## Goal\n\nImport users.\n\n## Success Criteria\n\n- [ ] Imports\n",
            "openspec/specs/auth/spec.md": "# Auth\n\n### Requirement: Sign in\nThe system SHALL sign users in.\n\n#### Scenario: ok\n- WHEN a user signs in\n- THEN it works\n",
            "openspec/changes/add-2fa/specs/auth/spec.md": "## ADDED Requirements\n\n### Requirement: Second factor\nThe system SHALL ask for a code.\n",
        ])
        #expect(decided.contains("skip Story 2.1 [requirement-done]"))
        #expect(decided.contains("skip Story 2.1 Task 1 [requirement-done]"))
        #expect(decided.contains("newImplementation Story 2.2 [requirement-added]"))
        #expect(decided.contains("skip Story 11.9 [requirement-done]"))
        #expect(decided.contains("skip PRPs/_archive/old-export.md [spec-context]"))
        #expect(decided.contains("skip PRP: User import [requirement-done]"))
        #expect(decided.contains("skip Sign in [requirement-done]"))
        #expect(decided.contains("newImplementation Second factor [requirement-added]"))
    }

    @Test func aKittySpecsFeatureWhoseWorkPackagesAreAllApprovedIsDone() throws {
        let status = { (lane: String) in
            #"{"work_packages": {"WP01": {"lane": "approved"}, "WP02": {"lane": "\#(lane)"}}}"#
        }
        let spec = "# Feature\n\n- **FR-001**: System MUST export users\n"
        let decided = try Self.decide([
            "kitty-specs/010-export/spec.md": spec, "kitty-specs/010-export/status.json": status("done"),
            "kitty-specs/011-import/spec.md": spec, "kitty-specs/011-import/status.json": status("in_progress"),
        ])
        #expect(decided.filter { $0.hasPrefix("skip FR-001 [requirement-done]") }.count == 1)
        #expect(decided.filter { $0.hasPrefix("newImplementation FR-001 [requirement-added]") }.count == 1)
        #expect(decided.contains("skip kitty-specs/010-export/status.json [spec-context]"))
    }

    // MARK: What is not a requirement

    @Test func dataFilesFrontMatterAndWorkPackagePromptsHoldNoRequirements() throws {
        for path in ["kitty-specs/010-x/meta.json", "kitty-specs/010-x/status.events.jsonl", "kitty-specs/010-x/lanes.json",
                     "openspec/changes/add-x/.openspec.yaml", "openspec/config.yaml", "specs/001-x/verification_proof/run.txt"] {
            let document = parse(path, "{\"lane\": \"planned\", \"T008\": 1}\n")
            #expect(document.requirements.isEmpty, "\(path)")
            #expect(document.context != nil, "\(path)")
        }
        let api = parse("specs/001-x/api.yaml", "openapi: 3.1.0\ninfo:\n  title: Users\n")
        #expect(api.requirements.isEmpty)  // a contract beside spec.md informs it
        let feature = parse("docs/specs/login.feature", "Feature: Login\n  Scenario: ok\n")
        #expect(feature.requirements.count == 1)

        let workPackage = parse("kitty-specs/010-x/tasks/WP02-event-store.md", """
            ---
            work_package_id: WP02
            subtasks:
            - T006
            - T007
            requirement_refs:
            - FR-015
            ---

            # Work Package Prompt: WP02 -- Event Store

            - T006 Create the store
            """)
        #expect(workPackage.requirements.isEmpty)
        #expect(workPackage.context?.contains("T006, T007") == true)

        let withFrontMatter = parse("specs/001-x/spec.md", "---\nid: x\nstatus: draft\ntags:\n- T008\n---\n\n# Spec\n\n- **FR-001**: System MUST work\n")
        #expect(withFrontMatter.requirements.map(\.key) == ["FR-001"])
        #expect(withFrontMatter.requirements.first?.line == 10)
    }

    @Test func boilerplateSectionsExplorationsSummariesAndBackupsAreNotRequirements() {
        let plain = parse("docs/specs/search.md", """
            # Search

            ## Introduction
            Why search matters.

            ## Indexing
            Index every document nightly.

            ### Acceptance Criteria
            - Every document is indexed by 2am.

            ## 术语表
            索引: index.

            ## References
            - https://example.com
            """)
        #expect(plain.requirements.map(\.key) == ["search > indexing"])
        #expect(plain.requirements.first?.text.contains("indexed by 2am") == true)

        for path in ["openspec/explorations/workspace.md", "openspec/initiatives/store/work-items/03/evidence.md",
                     "openspec/work/simplify/slices/a/spec.md", "specs/migration_backups/001-x/spec.md",
                     "docs/stories/epic-8/STORY-8.10-QUICK-SUMMARY.md", "openspec/changes/IMPLEMENTATION_ORDER.md",
                     "kitty-specs/034-x/final-report.md", "specs/001-x/issue-matrix.md"] {
            let document = parse(path, "# Title\n\n## Decisions\n\n- **FR-001**: System MUST do it\n\n### Requirement: X\n\nThe system SHALL.\n")
            #expect(document.requirements.isEmpty, "\(path): \(document.requirements.map(\.key))")
        }
    }

    @Test func aNoteLineThatStartsWithAnIdRefersToItAndDefinesNothing() {
        let tasks = parse("specs/001-x/tasks.md", """
            # Tasks

            - [ ] T012 [US1] Add the handler in src/h.py
            - [x] T013 Wire it

            ## Notes
            - T012 was split from T011 (see PR 40)
            - WP5.2 (the executor) is complete
            - S6353 → \\w with explicit re.ASCII
            """)
        #expect(tasks.requirements.map(\.key) == ["T012", "T013"])
        let spec = parse("kitty-specs/010-x/spec.md", """
            # Spec

            | ID | Requirement | Status |
            |----|-------------|--------|
            | FR-001 | System MUST export | open |

            | Requirement | Covered by |
            |-------------|------------|
            | FR-001 | WP01 |
            """)
        #expect(spec.requirements.map(\.key) == ["FR-001"])
    }

    // MARK: Format from content

    @Test func kiroUnderASpecKitLikePathIsKiro() throws {
        let requirements = parse("specs/01-02-login/requirements.md", """
            # Requirements Document

            ## Introduction
            Login.

            ### Requirement 4

            **User Story:** As a user, I want to sign in.

            #### Acceptance Criteria

            1. WHEN a user signs in THEN the system SHALL show the dashboard
            2. IF the password is wrong THEN the system SHALL refuse
            """)
        #expect(requirements.format == .kiro)
        #expect(requirements.requirements.map(\.key) == ["Requirement 4"])
        let tasks = parse("specs/01-02-login/tasks.md", "# Implementation Plan\n\n- [ ] 1. Set up\n  - [ ] 1.1 Create the model\n    - _Requirements: 4.1_\n")
        #expect(tasks.format == .kiro)
        #expect(tasks.requirements.map(\.key) == ["Task 1", "Task 1.1"])
        #expect(tasks.requirements.last?.refs == ["4.1"])

        // An edit of Requirement 4's criteria is a change of Requirement 4.
        let fixture = try GitFixture()
        try fixture.write("specs/01-02-login/requirements.md", "### Requirement 4\n\n#### Acceptance Criteria\n\n1. WHEN a user signs in THEN the system SHALL show the dashboard\n")
        let c0 = try fixture.commit("spec")
        try fixture.write("specs/01-02-login/requirements.md", "### Requirement 4\n\n#### Acceptance Criteria\n\n1. WHEN a user signs in THEN the system SHALL show the home page\n")
        let c1 = try fixture.commit("edit")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == ["newImplementation Requirement 4 [requirement-changed-unimplemented]"])
    }

    @Test func bmadStoriesWithLetterSuffixesAreStories() {
        for (title, id) in [("Story 6.1A: Breakout", "6.1A"), ("Story 7.2-FX: Forex", "7.2-FX"), ("Story 16.3a Dashboard", "16.3a")] {
            let story = parse("docs/stories/epic-x/\(id).md", "# \(title)\n\n## Status\n\nDraft\n\n## Acceptance Criteria\n\n1. It works.\n")
            #expect(story.requirements.map(\.key) == ["Story \(id)"], "\(title)")
            #expect(story.requirements.first?.title.contains(where: \.isNumber) == false, "\(title): \(story.requirements.first?.title ?? "")")
        }
    }

    // MARK: A person's work

    @Test func testsCommittedWithTheirCodeAreImplementedAlongside() throws {
        let decided = try Self.decide([
            "src/specify_cli/status/store.py": "def append(): ...\n",
            "tests/specify_cli/status/test_reducer.py": "def test_reduces():\n    pass\n",
            "Sources/Core/Parser.swift": "struct Parser {}\n",
            "Tests/CoreTests/ParserTests.swift": "import Testing\n@Test func parses() {}\n",
            "tests/test_unrelated.py": "def test_lonely():\n    pass\n",
            "src/shop/cart.py": "def add(): ...\n",
            "tests/test_shop_cart.py": "def test_adds():\n    pass\n",
        ])
        #expect(decided.contains("skip tests/test_shop_cart.py [test-with-code]"), "\(decided)")
        #expect(decided.contains("skip tests/specify_cli/status/test_reducer.py [test-with-code]"), "\(decided)")
        #expect(decided.contains("skip Tests/CoreTests/ParserTests.swift [test-with-code]"))
        // Nothing in its name or place ties it to code, but its commit added code: a person's work.
        #expect(decided.contains("skip tests/test_unrelated.py [test-with-code]"))

        // A test that arrives alone, after the code, is work.
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "x = 1\n")
        let c0 = try fixture.commit("code")
        try fixture.write("src/app.py", "x = 2\n")
        let c1 = try fixture.commit("more code")
        try fixture.write("test/e2e/flows.test.ts", "it('signs in', () => {})\n")
        try fixture.write("tests/test_app.py", "def test_app():\n    pass\n")
        let c2 = try fixture.commit("tests on their own")
        let alone = try Self.decisions(fixture, "\(c1)..\(c2)")
        #expect(alone.contains("implementToPassTest test/e2e/flows.test.ts [test-added]"), "\(alone)")
        // A test for code that already exists is checked by running it, not answered with code.
        #expect(alone.contains("validate tests/test_app.py [test-for-existing-code]"), "\(alone)")

        // A test of configuration or a schema lands with the files it tests: that commit is the
        // implementation. A test committed with prose only is still work.
        try fixture.write("pnpm-workspace.yaml", "packages:\n  - website\n")
        try fixture.write("test/workspace-config.test.ts", "it('lists the website package', () => {})\n")
        let c3 = try fixture.commit("build: a workspace, with its test")
        let configured = try Self.decisions(fixture, "\(c2)..\(c3)")
        #expect(configured.contains("skip test/workspace-config.test.ts [test-with-code]"), "\(configured)")
        try fixture.write("CHANGELOG.md", "- new checks\n")
        try fixture.write("test/checks.test.ts", "it('checks', () => {})\n")
        let c4 = try fixture.commit("a test and a note")
        #expect(try Self.decisions(fixture, "\(c3)..\(c4)").contains("implementToPassTest test/checks.test.ts [test-added]"))
        _ = c0
    }

    @Test func aSpecCommittedWithItsCodeIsImplementedAlongside() throws {
        let decided = try Self.decide([
            "openspec/changes/add-interactive/specs/cli/spec.md": "## ADDED Requirements\n\n### Requirement: Interactive flag\nThe CLI SHALL accept --interactive.\n",
            "src/cli/flags.ts": "export const interactive = true\n",
        ], message: "feat: add --interactive flag")
        #expect(decided.contains("skip Interactive flag [implemented-alongside]"), "\(decided)")
    }

    @Test func aCitationCountsOnlyForTheFeatureItBelongsTo() throws {
        let fixture = try GitFixture()
        let tasks = "# Tasks\n\n- [ ] T025 Add the thing\n"
        try fixture.write("specs/025-alpha/tasks.md", tasks)
        try fixture.write("specs/026-beta/tasks.md", tasks)
        try fixture.write("specs/027-gamma/tasks.md", tasks)
        let c0 = try fixture.commit("three features")
        try fixture.write("specs/027-gamma/tasks.md", tasks + "- [ ] T026 More\n")
        try fixture.write("src/gamma.py", "x = 1\n")
        let c1 = try fixture.commit("feat(027): T026 wiring (T025 green)")
        // Only 027's T025 is touched by that commit; T025 of 025 and 026 did not change, and a
        // range over all three features is judged per feature.
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == ["skip T026 [implemented-alongside]", "skip src/gamma.py [human-change]"])

        let other = try GitFixture()
        try other.write("README.md", "x\n")
        let b0 = try other.commit("base")
        try other.write("specs/025-alpha/tasks.md", tasks)
        try other.write("specs/026-beta/tasks.md", tasks)
        let b1 = try other.commit("two features")
        try other.write("src/beta.py", "x = 1\n")
        let b2 = try other.commit("feat(026): T025 done")
        #expect(try Self.decisions(other, "\(b0)..\(b2)") == [
            "newImplementation T025 [requirement-added]", "skip T025 [implemented-alongside]", "skip src/beta.py [human-change]",
        ])
        _ = b1
    }

    @Test func aRenamedLinkedFileKeepsItsLinks() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/001-x/tasks.md", "- [ ] T001 Handler in src/handler.py\n")
        try fixture.write("src/handler.py", "def handle():\n    return 1\n")
        let c0 = try fixture.commit("base")
        try fixture.remove("src/handler.py")
        try fixture.write("src/core/handler.py", "def handle():\n    return 1\n")
        let c1 = try fixture.commit("move the handler")
        // A move is not a deletion: no requirement's implementation was broken.
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == ["skip src/core/handler.py [human-change]"])
        try fixture.remove("src/core/handler.py")
        let c2 = try fixture.commit("delete it")
        #expect(try Self.decisions(fixture, "\(c0)..\(c2)") == ["updateImplementation T001 [code-breaks-link]"])
    }

    @Test func commitMessagesAreIndexedByTheIdsAndFeatureNamesTheyHold() {
        let (ids, words) = Explainer.messageTokens("feat(027-user-auth): T035 wiring (T025 green), per FR-010. See R6.1.\n\nÜber 2 Teile")
        #expect(ids == ["027-user-auth", "T035", "T025", "FR-010", "R6.1"])
        #expect(Set(words).isSuperset(of: ["027-user-auth", "t035", "t025", "fr-010"]))
        #expect(!words.contains("feat") && !words.contains("wiring"))
        // "027" alone and a slug alone name a feature too.
        #expect(Explainer.messageTokens("fix 027: tidy").words.contains("027"))
        #expect(Explainer.messageTokens("user-auth follow-up").words.contains("user-auth"))
        #expect(Explainer.featureNames("specs/027-user-auth") == ["027-user-auth", "027", "user-auth"])
    }

    @Test func aSpecMovedWhereItsFormatReadsDifferentlyIsAMove() throws {
        let fixture = try GitFixture()
        let document = """
            # Login

            ### User Story 1 - Sign in (Priority: P1)

            A user signs in.

            ### Requirement 1: Sign in

            1. WHEN a user signs in THEN the system SHALL show the dashboard
            2. WHEN the password is wrong THEN the system SHALL refuse
            """
        try fixture.write("docs/specs/login.md", document)
        let c0 = try fixture.commit("spec")
        try fixture.remove("docs/specs/login.md")
        try fixture.write(".kiro/specs/login/requirements.md", document)
        let c1 = try fixture.commit("move to Kiro")
        let decided = try Self.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided == ["skip .kiro/specs/login/requirements.md [spec-moved]"], "\(decided)")
        let report = try DecisionHistoryTests.report(fixture, "\(c0)..\(c1)")
        #expect(report.decisions?.first?.reason.contains("read as Spec Kit there and as Kiro here") == true)
    }

    @Test func anAdoptionCountsExactlyWhatABackfillQueues() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/001-x/spec.md", "# X\n\n### User Story 1 - Export (Priority: P1)\n\nAn admin exports.\n\n- **FR-001**: System MUST export\n")
        try fixture.write("specs/001-x/tasks.md", "# Tasks\n\n- [ ] T001 [US1] Export in src/export.py\n- [x] T002 Log it\n")
        try fixture.commit("spec")
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let builder = try EventBuilder(repository: repository, config: config)
        let adoption = try #require(try builder.report(for: .sinceCheckpoint, explain: true).adoption)
        let backfill = try builder.report(for: .backfill([]), explain: true)
        let work = (backfill.decisions ?? []).filter { $0.action.needsWork }
        // T001 is open: it carries the work of US1 and FR-001 (covered-by-tasks); T002 is done.
        #expect(work.compactMap { $0.requirement?.key }.sorted() == ["T001"])
        #expect(adoption.backfillable == work.count)
    }

    @Test func aWorkPackagesOwnedFilesLinkTheTasksAndRequirementsItCovers() throws {
        let fixture = try GitFixture()
        try fixture.write("src/status/store.py", "def append(): ...\n")
        let base = try fixture.commit("the store exists")
        for (path, content) in [
            "kitty-specs/034-status/spec.md": "# Status\n\n- **FR-015**: System MUST append events atomically\n- **FR-016**: System MUST compact the log\n",
            "kitty-specs/034-status/tasks.md": "# Tasks\n\n- [ ] T006 Create the store\n- [ ] T007 Compact the log\n",
            "kitty-specs/034-status/tasks/WP02-store.md": """
                ---
                work_package_id: WP02
                subtasks:
                - T006
                requirement_refs:
                - FR-015
                owned_files:
                - kitty-specs/034-status/spec.md
                - src/status/store.py
                - kitty-specs/<feature/**
                ---

                # Work Package Prompt: WP02
                """,
        ] { try fixture.write(path, content) }
        let head = try fixture.commit("specify the feature")
        // Planned in this range: the package names files it is about to change; that is no sign
        // the work is done.
        let planned = try Self.decisions(fixture, "\(base)..\(head)")
        #expect(planned.contains("newImplementation T006 [requirement-added]"), "\(planned)")
        // At HEAD, for a backfill, the package's owned code is a sign of implementation.
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let report = try EventBuilder(repository: repository, config: config).report(for: .backfill([]), explain: true)
        let decided = (report.decisions ?? []).compactMap { decision in decision.requirement.map { "\(decision.action.rawValue) \($0.key) [\(decision.rule)]" } }
        #expect(decided.contains("skip T006 [requirement-added-implemented]"), "\(decided)")
        #expect(decided.contains("skip FR-015 [requirement-added-implemented]"), "\(decided)")
        #expect(decided.contains("newImplementation T007 [requirement-added]"))
        #expect(decided.contains("skip FR-016 [covered-by-tasks]"), "T007 carries it")
    }

    @Test func assumptionsGoalsNonGoalsAndLinterRulesAreNotRequirements() {
        let spec = parse("kitty-specs/079-x/spec.md", """
            # Spec

            - **FR-001**: System MUST finalize tasks
            - **A-2**: Shim re-exports are the chosen mitigation
            - **G-2**: A user running finalize sees the result
            - **NG-3**: Full redesign of the manifest
            - B608: SQL injection false positives in sync/queue.py
            - **NFR-001**: No test deletions
            """)
        #expect(spec.requirements.map(\.key) == ["FR-001", "NFR-001"])
    }
}
