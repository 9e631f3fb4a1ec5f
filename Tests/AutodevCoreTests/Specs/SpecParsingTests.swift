@testable import AutodevCore
import Testing

/// What the tests compare: the parts of a requirement a user sees.
struct Extracted: Equatable, CustomStringConvertible {
    var key: String
    var kind: Requirement.Kind
    var title: String
    var refs: [String] = []
    var paths: [String] = []
    var clarify = false
    var progress = ""

    init(_ key: String, _ kind: Requirement.Kind, _ title: String, refs: [String] = [], paths: [String] = [],
         clarify: Bool = false, progress: String = "") {
        self.key = key
        self.kind = kind
        self.title = title
        self.refs = refs
        self.paths = paths
        self.clarify = clarify
        self.progress = progress
    }

    init(_ requirement: Requirement) {
        self.init(requirement.key, requirement.kind, requirement.title, refs: requirement.refs, paths: requirement.paths,
                  clarify: requirement.needsClarification, progress: requirement.progress)
    }

    var description: String { "\(key) [\(kind)] \(title) refs=\(refs) paths=\(paths) clarify=\(clarify) progress='\(progress)'" }
}

func parse(_ path: String, _ text: String) -> SpecDocument {
    SpecDocument.parse(path: path, bytes: Array(text.utf8))
}

@Suite struct SpecParsingTests {
    @Test func specKitSpecGivesStoriesFunctionalRequirementsAndSuccessCriteria() {
        let doc = parse("specs/001-photo-albums/spec.md", """
            # Feature Specification: Photo albums

            ## User Scenarios & Testing *(mandatory)*

            ### User Story 1 - Create an album (Priority: P1)

            A user groups photos into albums by date.

            **Acceptance Scenarios**:

            1. **Given** photos exist, **When** the user creates an album, **Then** it appears.
            2. **Given** an album, **When** it is renamed, **Then** the new name shows.

            ### User Story 2 - Share an album (Priority: P2)

            Share with a link. [NEEDS CLARIFICATION: expiry of links?]

            ### Edge Cases

            - What happens with an empty album?

            ## Requirements *(mandatory)*

            ### Functional Requirements

            - **FR-001**: System MUST let users create albums
            - **FR-002**: System MUST store albums in `data/albums.json`
            - **FR-003**: System MUST authenticate users via [NEEDS CLARIFICATION: auth method not specified]

            ## Success Criteria

            - **SC-001**: Users create an album in under 30 seconds
            """)
        #expect(doc.format == .specKit)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("US1", .story, "Create an album"),
            Extracted("US2", .story, "Share an album", clarify: true),
            Extracted("FR-001", .requirement, "System MUST let users create albums"),
            Extracted("FR-002", .requirement, "System MUST store albums in data/albums.json", paths: ["data/albums.json"]),
            Extracted("FR-003", .requirement, "System MUST authenticate users via [NEEDS CLARIFICATION: auth method not specified]", clarify: true),
            Extracted("SC-001", .criterion, "Users create an album in under 30 seconds"),
        ])
        #expect(doc.requirements[0].ids == ["US1", "User Story 1"])
        #expect(doc.requirements[0].text.contains("Given photos exist, When the user creates an album, Then it appears."))
    }

    @Test func specKitOlderLayoutKeepsPrimaryStoryWithItsScenarios() {
        let doc = parse("specs/002-legacy/spec.md", """
            ## User Scenarios & Testing

            ### Primary User Story
            A teacher records attendance.

            ### Acceptance Scenarios
            1. **Given** a class, **When** the teacher marks a pupil absent, **Then** the parent is told.

            ### Edge Cases
            - Late arrival?
            """)
        #expect(doc.requirements.map(Extracted.init) == [Extracted("Primary User Story", .story, "Primary User Story")])
        #expect(doc.requirements[0].text.contains("the parent is told"))
        #expect(!doc.requirements[0].text.contains("Late arrival"))
    }

    @Test func specKitTasksCarryStoryTagsPathsAndProgress() {
        let doc = parse("specs/001-photo-albums/tasks.md", """
            # Tasks: Photo albums

            ## Phase 1: Setup

            - [x] T001 Create project structure per implementation plan
            - [ ] T002 [P] Configure linting in `.swiftlint.yml`

            ## Phase 3: User Story 1 - Create an album (Priority: P1)

            - [ ] T012 [P] [US1] Create Album model in src/models/album.py
            - [X] T013 [US1] Implement AlbumService in src/services/album_service.py (depends on T012)
            """)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("T001", .task, "Create project structure per implementation plan", progress: "x"),
            Extracted("T002", .task, "Configure linting in .swiftlint.yml", paths: [".swiftlint.yml"], progress: " "),
            Extracted("T012", .task, "Create Album model in src/models/album.py", refs: ["US1"], paths: ["src/models/album.py"], progress: " "),
            Extracted("T013", .task, "Implement AlbumService in src/services/album_service.py (depends on T012)", refs: ["US1"],
                      paths: ["src/services/album_service.py"], progress: "x"),
        ])
    }

    @Test func kittySpecsWriteFunctionalRequirementsAsATable() {
        let doc = parse("kitty-specs/003-export/spec.md", """
            # Export

            ## Functional Requirements

            | ID | Requirement | Status |
            |----|-------------|--------|
            | FR-001 | Users can export a CSV | Draft |
            | FR-002 | Exports include headers | Done |
            """)
        #expect(doc.format == .kittySpecs)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("FR-001", .requirement, "Users can export a CSV", progress: "Draft"),
            Extracted("FR-002", .requirement, "Exports include headers", progress: "Done"),
        ])
    }

    @Test func planAndResearchOfAKnownFormatAreContextNotRequirements() {
        let plan = parse("specs/001-photo-albums/plan.md", "# Plan\n\n- **FR-001**: handled by the API layer\n")
        #expect(plan.requirements.isEmpty)
        #expect(plan.context != nil)
        let checklist = parse("specs/001-photo-albums/checklists/requirements.md", "# Spec quality\n\n- [ ] No [NEEDS CLARIFICATION] markers remain\n")
        #expect(checklist.requirements.isEmpty)
        #expect(checklist.context?.contains("checklist") == true)
        let contract = parse("specs/001-photo-albums/contracts/albums.yaml", "openapi: 3.0.0\n")
        #expect(contract.requirements.isEmpty)
        let prd = parse("docs/prd/requirements.md", "# Requirements\n\n### Functional Requirements\nFR1: Le panier doit afficher le total\nFR2: El carrito muestra el total\n")
        #expect(prd.requirements.isEmpty)
        #expect(prd.context?.contains("stories") == true)
        // Unsharded, under any folder and name ending (written for this test).
        for path in ["docs/prd.md", "docs/specs/companion-prd.md", "docs/PRD_v2.md"] {
            let whole = parse(path, "# Companion PRD\n\n## Epic 1\n\n#### Story 1.1 : Schéma de synchronisation\n\n**En tant que** développeur,\n**je veux** un modèle,\n**afin que** les données soient stockées.\n")
            #expect(whole.requirements.isEmpty, "\(path)")
            #expect(whole.context?.contains("stories") == true, "\(path)")
        }
        #expect(!parse("docs/stories/1.1.prd-import.md", "# Story 1.1: Import\n\n## Tasks / Subtasks\n- [ ] Créer `src/import.ts`\n").requirements.isEmpty)
        let template = parse(".specify/templates/spec-template.md", "### User Story 1 - [Brief Title] (Priority: P1)\n\ntext\n")
        #expect(template.requirements.isEmpty)
    }

    @Test func kiroRequirementsAreNumberedWithEARSCriteria() {
        let doc = parse(".kiro/specs/user-auth/requirements.md", """
            # Requirements Document

            ## Introduction

            Users sign in.

            ## Requirements

            ### Requirement 1

            **User Story:** As a user, I want to sign in, so that my data is mine.

            #### Acceptance Criteria

            1. WHEN a user submits valid credentials THEN the system SHALL create a session
            2. IF the password is wrong THEN the system SHALL show an error
            3. WHILE a session is active THE system SHALL refresh the token

            ### Requirement 2: Sign out

            #### Acceptance Criteria

            1. WHEN the user signs out THE system SHALL end the session

            ### R6.1 Audit log

            1. WHERE auditing is enabled THE system SHALL log sign-ins
            """)
        #expect(doc.format == .kiro)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("Requirement 1", .requirement, "Requirement 1"),
            Extracted("Requirement 2", .requirement, "Sign out"),
            Extracted("Requirement R6.1", .requirement, "Audit log"),
        ])
        #expect(doc.requirements[0].ids == ["1", "Requirement 1", "1.1", "1.2", "1.3"])
        #expect(doc.requirements[2].ids == ["R6.1", "Requirement R6.1", "6.1", "R6.1.1"])
        #expect(doc.requirements[0].text.contains("WHILE a session is active THE system SHALL refresh the token"))
    }

    @Test func kiroTasksAreHierarchicalWithStatusesOptionalsAndRequirementLinks() {
        let doc = parse(".kiro/specs/user-auth/tasks.md", """
            # Implementation Plan

            - [x] 1. Set up project structure
              - Create `src/auth/` folder
              - _Requirements: 1.1, 1.2_

            - [-] 2. Implement session store
              - [ ] 2.1 Write the store in src/auth/session.ts
                - _Requirements: 1.3_
              - [ ]* 2.2 Write unit tests for the store
                - _Requirements: 2_

            - [~] 3. Wire the sign-out button
            - [ ] Polish error messages
            """)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("Task 1", .task, "Set up project structure", refs: ["1.1", "1.2"], paths: ["src/auth/"], progress: "x"),
            Extracted("Task 2", .task, "Implement session store", progress: "-"),
            Extracted("Task 2.1", .task, "Write the store in src/auth/session.ts", refs: ["1.3"], paths: ["src/auth/session.ts"], progress: " "),
            Extracted("Task 2.2", .task, "Write unit tests for the store", refs: ["2"], progress: " "),
            Extracted("Task 3", .task, "Wire the sign-out button", progress: "~"),
            Extracted("Task: polish error messages", .task, "Polish error messages", progress: " "),
        ])
    }

    @Test func kiroRequirementRangesAndValidatesLinesAreCitations() {
        let doc = parse(".kiro/specs/x/tasks.md", """
            - [x] 0.1 Scaffold the backend in `backend/` and `prisma/seed.ts`
              - Run `value?.trim().toLowerCase()` on input
              - _Requirements: 1.1–1.3, 4.2_
            - [ ] 3.2 Write property tests
              - **Validates: Requirements 2.2, 5.6**
            """)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("Task 0.1", .task, "Scaffold the backend in backend/ and prisma/seed.ts",
                      refs: ["1.1", "1.2", "1.3", "4.2"], paths: ["backend/", "prisma/seed.ts"], progress: "x"),
            Extracted("Task 3.2", .task, "Write property tests", refs: ["2.2", "5.6"], progress: " "),
        ])
    }

    @Test func openSpecRequirementsAreKeyedByName() {
        let doc = parse("openspec/specs/auth/spec.md", """
            # Auth Specification

            ## Purpose
            Authentication.

            ## Requirements

            ### Requirement: Session expiry
            The system SHALL expire sessions after 30 minutes of inactivity.

            #### Scenario: Idle user
            - **WHEN** a user is idle for 31 minutes
            - **THEN** the next request is rejected

            ### Requirement: Two-factor login
            The system SHALL require a second factor.
            """)
        #expect(doc.format == .openSpec)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("Session expiry", .requirement, "Session expiry"),
            Extracted("Two-factor login", .requirement, "Two-factor login"),
        ])
        #expect(doc.requirements[0].text.contains("the next request is rejected"))
    }

    @Test func openSpecDeltasSayWhatTheChangeDoes() {
        let doc = parse("openspec/changes/add-2fa/specs/auth/spec.md", """
            ## ADDED Requirements

            ### Requirement: Two-factor login
            The system SHALL require a second factor.

            #### Scenario: OTP
            - **WHEN** valid credentials are given
            - **THEN** an OTP is asked for

            ## MODIFIED Requirements

            ### Requirement: Session expiry
            The system SHALL expire sessions after 15 minutes.

            ## REMOVED Requirements

            ### Requirement: Remember me
            **Reason**: insecure

            ## RENAMED Requirements

            - FROM: `### Requirement: Login`
            - TO: `### Requirement: Password login`
            """)
        #expect(doc.requirements.map(\.key) == ["Two-factor login", "Session expiry", "Remember me", "Password login"])
        #expect(doc.requirements.map(\.delta) == [.added, .modified, .removed, .renamed(from: "Login")])
    }

    @Test func bmadStoryKeepsStatementAndCriteriaAndLeavesProgressSectionsOut() {
        let doc = parse("docs/stories/1.2.login.md", """
            # Story 1.2: Login form

            ## Status

            In Progress

            ## Story

            **As a** user, **I want** a login form, **so that** I can sign in.

            ## Acceptance Criteria

            1. The form has email and password fields.
            2. Errors are shown inline.

            ## Tasks / Subtasks

            - [x] Task 1: Build the form (AC: #1)
              - [x] Add fields
            - [ ] Task 2: Inline errors (AC: #2)

            ## Dev Notes

            Use the design system.

            ## Dev Agent Record

            ### File List

            - src/components/LoginForm.tsx
            - src/components/LoginForm.test.tsx

            ## Change Log

            | Date | Change |
            |------|--------|
            | 2026-01-01 | created |
            """)
        #expect(doc.format == .bmad)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("Story 1.2", .story, "Login form", paths: ["src/components/LoginForm.tsx", "src/components/LoginForm.test.tsx"]),
            Extracted("Story 1.2 Task 1", .task, "Task 1: Build the form (AC: #1)", refs: ["Story 1.2"], progress: "xx"),
            Extracted("Story 1.2 Task 2", .task, "Task 2: Inline errors (AC: #2)", refs: ["Story 1.2"], progress: " "),
        ])
        let story = doc.requirements[0]
        #expect(story.text.contains("Errors are shown inline."))
        #expect(!story.text.contains("In Progress"))
        #expect(!story.text.contains("design system"))
        #expect(!story.text.contains("created"))
    }

    @Test func prpIsOneRequirementWithItsCreateAndModifyTargets() {
        let doc = parse("PRPs/user-export.md", """
            # PRP: User export

            ## Goal
            Export users as CSV.

            ## Success Criteria
            - [ ] CSV has a header row
            - [x] Export finishes in 2 s

            ## Implementation Blueprint

            ```yaml
            Task 1:
            CREATE src/export/csv.py:
              - MIRROR pattern from: src/export/json.py

            Task 2:
            MODIFY src/api/routes.py:
              - ADD route /export
            ```

            ## Validation Loop
            ```bash
            pytest tests/test_export.py
            ```
            """)
        #expect(doc.format == .prp)
        #expect(doc.requirements.map(Extracted.init) == [
            Extracted("PRP: User export", .requirement, "PRP: User export", paths: ["src/export/csv.py", "src/api/routes.py"], progress: " x"),
        ])
    }

    @Test func plainMarkdownIsOneRequirementPerSectionKeyedByHeadingPath() {
        let doc = parse("docs/specs/search.md", """
            Intro paragraph.

            # Search

            ## 1. Indexing
            Index every document nightly.

            ```text
            ## not a heading
            ```

            ## 2. Queries
            ### Filters
            Filter by date.
            """)
        #expect(doc.format == .markdown)
        #expect(doc.requirements.map(\.key) == ["(preamble)", "search > indexing", "search > queries > filters"])
    }

    @Test func malformedInputGivesADiagnosticNotACrash() {
        let binary = SpecDocument.parse(path: "specs/x.md", bytes: [0x23, 0x20, 0x00, 0x01, 0x02])
        #expect(binary.requirements.isEmpty)
        #expect(binary.diagnostics == ["specs/x.md: binary content (a NUL byte), not a spec; not read"])

        let invalid = SpecDocument.parse(path: "SPEC.md", bytes: Array("# Title\n\nok ".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        #expect(invalid.requirements.map(\.key) == ["title"])
        #expect(invalid.diagnostics.count == 1)

        let huge = SpecDocument.parse(path: "SPEC.md", bytes: [UInt8](repeating: 0x61, count: SpecDocument.maximumBytes + 1))
        #expect(huge.requirements.isEmpty)
        #expect(huge.diagnostics.first?.contains("limit") == true)

        let unclosed = parse("SPEC.md", "# A\n\n```\n# inside an unclosed fence\n")
        #expect(unclosed.requirements.map(\.key) == ["a"])
    }
}
