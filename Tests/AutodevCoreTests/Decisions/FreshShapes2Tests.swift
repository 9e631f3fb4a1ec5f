@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// The shapes issue 21's fresh replay (a Go Spec Kit project, a Python OpenSpec project written
/// in English and Chinese) still got wrong after its first round: a spec written into
/// `openspec/specs/` with open task cards beside it, a test file created in the commit that asks
/// for it, checks and reviews read as code, a requirement to document, a diagram and an
/// unfilled template line read as requirements. Written by hand for these tests, in English and
/// at least two other languages (no text copied from a repository).
@Suite struct FreshShapes2Tests {
    // MARK: openspec/specs/ written with open work beside it

    static func card(_ title: String, _ boxes: [String]) -> String {
        "# Card: \(title)\n\n## Problem\n\nWhat people meet today.\n\n## Acceptance\n\n" + boxes.map { "- [ ] \($0)\n" }.joined()
    }

    /// A requirement that names no code, added to `openspec/specs/` in a range that also writes
    /// open task cards for its capability, is a plan (English, Spanish, Chinese), and so is one
    /// whose names the code already holds; the same requirement without cards, or beside cards
    /// the range did not touch, stays the record.
    @Test func aSpecWrittenWithOpenTaskCardsIsAPlanNotTheRecord() throws {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "def main(job_id):\n    return job_id\n")
        try fixture.write("openspec/specs/billing/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: Invoices are numbered
            Every invoice MUST carry a number.

            #### Scenario: Number
            - **WHEN** an invoice is made
            - **THEN** it has a number
            """, capability: "billing"))
        try fixture.write("openspec/specs/billing/task_cards/numbering.md", Self.card("numbering", ["numbers never repeat"]))
        let c0 = try fixture.commit("billing")
        try fixture.write("openspec/specs/ux-audit/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: Errors MUST tell people what to do next
            Errors MUST say what happened and offer a next step.

            #### Scenario: A failed upload
            - **WHEN** an upload fails
            - **THEN** the page offers to try again

            ### Requirement: Los estados de espera MUST ser visibles
            Toda espera MUST mostrar su progreso.

            #### Scenario: Una carga larga
            - **WHEN** una carga tarda
            - **THEN** se ve el progreso

            ### Requirement: 刷新后 MUST 保留本地状态
            页面刷新后 MUST 恢复用户填写的内容。

            #### Scenario: 刷新
            - **WHEN** 用户刷新页面
            - **THEN** 填写的内容仍在

            ### Requirement: The page keeps the job across reloads
            The page MUST keep `job_id` and the current step in local storage.

            #### Scenario: Reload
            - **WHEN** the page reloads on step 3
            - **THEN** it opens step 3 of the same job
            """, capability: "ux-audit"))
        try fixture.write("openspec/specs/ux-audit/task_cards/ux__errors.md", Self.card("errors", ["a copy button for the request id", "retry with backoff"]))
        try fixture.write("openspec/specs/ux-audit/task_cards/ux__estados.md", Self.card("estados", ["barra de progreso en cargas largas"]))
        try fixture.write("openspec/specs/observability/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: Critical operations are logged
            Critical operations MUST leave a log line with their outcome.

            #### Scenario: A request
            - **WHEN** a request is served
            - **THEN** a log line records it
            """, capability: "observability"))
        try fixture.write("openspec/specs/billing/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: Invoices are numbered
            Every invoice MUST carry a number.

            #### Scenario: Number
            - **WHEN** an invoice is made
            - **THEN** it has a number

            ### Requirement: Invoices are kept for ten years
            Invoices MUST stay readable for ten years.

            #### Scenario: Old invoice
            - **WHEN** someone opens an invoice of nine years ago
            - **THEN** it opens
            """, capability: "billing"))
        let c1 = try fixture.commit("spec: UX audit backlog with task cards; document logging and retention")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        // Names the code already holds (`job_id`) say what the plan builds on, not that it is built.
        for title in ["Errors MUST tell people what to do next", "Los estados de espera MUST ser visibles", "刷新后 MUST 保留本地状态",
                      "The page keeps the job across reloads"] {
            #expect(decided.contains("newImplementation \(title) [requirement-added]"), "\(title): \(decided)")
        }
        #expect(decided.contains("skip Critical operations are logged [requirement-done]"), "\(decided)")
        #expect(decided.contains("skip Invoices are kept for ten years [requirement-done]"), "\(decided)")
    }

    /// A requirement written into `openspec/specs/` beside open task cards the range wrote names
    /// the code files it is to change: that they exist is no sign it is built unless they hold
    /// the names it gives (English, Spanish, Chinese). What it cites in its own folder (the cards)
    /// still counts, and a requirement written without cards stays the record.
    @Test func aPlannedRecordRequirementCitingAnExistingFileIsNotDoneBecauseTheFileExists() throws {
        let fixture = try GitFixture()
        try fixture.write("src/config.py", "import os\n\nDEBUG = os.environ.get(\"APP_DEBUG\") == \"1\"\n")
        try fixture.write("src/pages/export.ts", "export function exportCsv(rows: string[]) { return rows.join(\"\\n\") }\n")
        let c0 = try fixture.commit("code")
        try fixture.write("openspec/specs/job-auth/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: Job routes MUST require a bearer token
            Job routes MUST check `Authorization: Bearer <token>`. Old clients MAY keep `POST /jobs`, switched by
            `ALLOW_LEGACY_JOBS` read in `src/config.py`; when it is off the route answers `LEGACY_JOBS_DISABLED`.

            #### Scenario: No token
            - **WHEN** a job route is called without a token
            - **THEN** it answers 401

            ### Requirement: La exportación MUST incluir la cabecera
            `src/pages/export.ts` MUST escribir la fila `EXPORT_HEADER_ROW` antes de los datos.

            #### Scenario: Exportar
            - **WHEN** se exporta una tabla
            - **THEN** la primera fila es la cabecera

            ### Requirement: This spec MUST keep its backlog in task cards
            The backlog lives in `openspec/specs/job-auth/task_cards/`, one card per change.

            #### Scenario: A new item
            - **WHEN** work is found
            - **THEN** it gets a card
            """, capability: "job-auth"))
        try fixture.write("openspec/specs/job-auth/task_cards/auth__c001.md", Self.card("bearer", ["check the token on job routes"]))
        try fixture.write("openspec/specs/limits/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: 配置 MUST 提供上传上限
            `src/config.py` MUST 读取 `MAX_UPLOAD_BYTES` 作为上传上限。

            #### Scenario: 上限
            - **WHEN** 上传超过上限
            - **THEN** 返回 413

            ### Requirement: 调试开关由环境决定
            `src/config.py` MUST 读取 `APP_DEBUG`。

            #### Scenario: 开启
            - **WHEN** `APP_DEBUG` 为 1
            - **THEN** 调试模式开启
            """, capability: "limits"))
        try fixture.write("openspec/specs/limits/task_cards/limits__c001.md", Self.card("上传上限", ["超过上限时返回 413"]))
        try fixture.write("openspec/specs/debug/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: Debug mode is switched by the environment
            `src/config.py` MUST read `APP_DEBUG`; `1` turns debug mode on.

            #### Scenario: On
            - **WHEN** `APP_DEBUG` is 1
            - **THEN** debug mode is on
            """, capability: "debug"))
        let c1 = try fixture.commit("spec: job auth with task cards; upload limit; debug switch")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for title in ["Job routes MUST require a bearer token", "La exportación MUST incluir la cabecera", "配置 MUST 提供上传上限"] {
            #expect(decided.contains("newImplementation \(title) [requirement-added]"), "\(title): \(decided)")
        }
        // What it cites in its own folder is the spec's side, written with it; and without cards
        // the record stays the record.
        #expect(decided.contains("skip This spec MUST keep its backlog in task cards [requirement-added-implemented]"), "\(decided)")
        // Beside cards, a cited file that holds the names it gives is still its implementation.
        #expect(decided.contains("skip 调试开关由环境决定 [requirement-added-implemented]"), "\(decided)")
        #expect(decided.contains { $0.hasPrefix("skip Debug mode is switched by the environment [") }, "\(decided)")
    }

    @Test func openCheckboxesAreListItemsWithAnEmptyBox() {
        #expect(Explainer.holdsOpenCheckbox(Array("# Card\n\n- [x] done\n  * [ ] nested\n".utf8)))
        #expect(Explainer.holdsOpenCheckbox(Array("1. [ ] first\n".utf8)))
        #expect(!Explainer.holdsOpenCheckbox(Array("- [x] done\n- [X] also\nText with [ ] inside\n".utf8)))
    }

    // MARK: A test file created with the task that asks for it

    /// A task that asks for a test in a file the same commit creates is done alongside; the
    /// folders of its path are no code names to look up (English, Spanish, Chinese). A task whose
    /// test file does not exist yet stays work.
    @Test func aTestFileCreatedWithItsTaskIsImplementedAlongside() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/001-base/spec.md", "# Feature Specification: Base\n\n## Requirements\n\n- **FR-001**: System MUST start\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/004-issue-forms/tasks.md", """
            # Tasks: Issue forms

            ## Phase 3: User Story 1

            ### Tests for User Story 1

            - [ ] T011 [P] [US1] Create test for required front matter fields (name, about) in tests/issue_forms/bug_form_test.sh
            - [ ] T012 [P] [US1] Crear prueba de los campos obligatorios en tests/formularios_alta/alta_test.sh
            - [ ] T013 [P] [US1] 为必填字段编写测试 tests/forms_zh/required_fields_test.sh
            - [ ] T014 [P] [US1] Create test for the labels in tests/issue_forms/labels_test.sh
            """)
        try fixture.write("tests/issue_forms/bug_form_test.sh", "#!/bin/sh\ngrep -q '^name:' .github/ISSUE_TEMPLATE/bug.md\n")
        try fixture.write("tests/formularios_alta/alta_test.sh", "#!/bin/sh\ngrep -q '^about:' .github/ISSUE_TEMPLATE/alta.md\n")
        try fixture.write("tests/forms_zh/required_fields_test.sh", "#!/bin/sh\ngrep -q '^title:' .github/ISSUE_TEMPLATE/zh.md\n")
        try fixture.write("tests/lib/checks.sh", "has_field() { grep -q \"^$1:\" \"$2\"; }\n")
        let c1 = try fixture.commit("issue forms: tasks, tests and helpers")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for key in ["T011", "T012", "T013"] {
            #expect(decided.contains("skip \(key) [implemented-alongside]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation T014 [requirement-added]"), "\(decided)")
    }

    /// A task that names a test function in plain words is done when the same range declares it
    /// (English, Spanish, Chinese); a name nothing declares yet, or a type that existed before
    /// the range and changed in it, leaves the task work.
    @Test func aTestFunctionDeclaredWithItsTaskIsImplementedAlongside() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/001-base/spec.md", "# Feature Specification: Base\n\n## Requirements\n\n- **FR-001**: System MUST start\n")
        try fixture.write("internal/progress/display.go", "package progress\n\ntype ProgressDisplay struct{}\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/005-docs/tasks.md", """
            # Tasks: Documentation checks

            ## Phase 2: Foundational

            - [ ] T007 [P] Implement TestDocumentationHeaders test (one H1 per page)
            - [ ] T008 [P] Implementar la prueba TestEnlacesInternos (enlaces entre guías)
            - [ ] T009 [P] 实现 TestCodeReferences 测试（代码引用格式）
            - [ ] T010 [P] Implement TestMermaidDiagrams test (diagram syntax)
            - [ ] T011 Extend ProgressDisplay with a quiet mode
            - [ ] T012 Add paging to long lists in TestHelpers
            """)
        try fixture.write("internal/validation/docs_test.go", """
            package validation

            import "testing"

            func TestDocumentationHeaders(t *testing.T) {}

            func TestEnlacesInternos(t *testing.T) {}

            func TestCodeReferences(t *testing.T) {}

            type TestHelpers struct{}
            """)
        try fixture.write("internal/progress/display.go", "package progress\n\n// ProgressDisplay shows phases.\ntype ProgressDisplay struct{ quiet bool }\n")
        let c1 = try fixture.commit("docs: tasks and their tests")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for key in ["T007", "T008", "T009"] {
            #expect(decided.contains("skip \(key) [implemented-alongside]"), "\(key): \(decided)")
        }
        // A name that is only where the task works (`… in TestHelpers`) says nothing of its own work.
        for key in ["T010", "T011", "T012"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
    }

    @Test func foldersOfAPathAreNoCodeNames() {
        #expect(TaskIntent.symbols(in: "Create test for required fields (name, about) in tests/github_forms/bug_form_test.sh") == [])
        #expect(TaskIntent.symbols(in: "Añadir `parse_args` a src/cli_tools/args.py") == ["parse_args"])
        #expect(TaskIntent.symbols(in: "Add parse_args to src/parse_args/main.py") == ["parse_args"])
    }

    /// The three notions of a test path agree on shell and Bats tests: the default globs, the
    /// place-or-name reading of a deleted link, and the subject a test is named after.
    @Test func shellAndBatsTestsAreTestsEverywhere() throws {
        let classifier = try Classifier(config: Config())
        for (path, subject) in [("tests/issue_forms/bug_form_test.sh", "bugform"), ("test/e2e.bats", "e2e"),
                                ("scripts/run_test.bash", "run"), ("hooks/stop-plan.bats", "stopplan")] {
            #expect(classifier.classify(path)?.category == .tests, "\(path)")
            #expect(Explainer.looksLikeTest(path), "\(path)")
            #expect(Explainer.testSubject(SpecDocument.baseName(path)) == subject, "\(path)")
        }
        for path in ["scripts/deploy.sh", "tools/contest.bash"] {
            #expect(classifier.classify(path)?.category == .code, "\(path)")
            #expect(!Explainer.looksLikeTest(path), "\(path)")
        }
    }

    // MARK: Checks, reviews and documentation

    /// A check that says what must hold or which earlier task's test to run, a review of whole
    /// folders, and a requirement whose action is to document are not code work (English,
    /// Spanish, Chinese, French); validating input, a review that asks for a change and a
    /// requirement to record in code stay work.
    @Test func checksReviewsAndDocumentationRequirementsAreNotCodeWork() throws {
        let decided = try UnseenShapesTests.decide([
            "specs/005-docs/tasks.md": """
                # Tasks: Documentation

                ## Phase 1: Setup

                - [ ] T002 [P] Review existing codebase structure (internal/cli/, internal/workflow/) for reference content
                - [ ] T003 [P] Revisar la estructura de src/pagos/ y src/pedidos/ antes de escribir la guía
                - [ ] T004 [P] 审查 internal/store/ 和 internal/api/ 的目录结构
                - [ ] T005 Review and update the retry loop in internal/retry/

                ## Phase 5: User Story 3

                - [ ] T068 [US3] Validate all CLI commands are documented (run test T011)
                - [ ] T069 [US3] Validar que la guía tiene menos de 500 líneas (ejecutar prueba T012)
                - [ ] T070 [US3] 校对参考文档中的命令列表（运行测试 T013）
                - [ ] T071 [US3] Valider que le guide de démarrage est à jour
                - [ ] T072 [US3] Validate email addresses on the signup form
                - [ ] T073 [US3] Implement the export command (run tests T020-T022 after)
                - [ ] T074 [US3] Validate that `order_id` is set in create_order() before saving
                """,
            "specs/003-timeout/spec.md": """
                # Feature Specification: Command timeout

                ## Requirements

                ### Functional Requirements

                - **FR-001**: System MUST stop a command that runs longer than its timeout
                - **FR-010**: System MUST document the timeout setting in user-facing documentation
                - **FR-011**: El sistema debe documentar la opción de reintentos en la guía de usuario
                - **FR-012**: 系统必须编写文档说明超时配置
                - **FR-013**: The README MUST explain how to set the timeout
                - **FR-014**: System MUST record every command that timed out
                - **FR-015**: 系统必须记录每次超时的命令
                """,
        ], base: ["internal/retry/retry.go": "package retry\n", "internal/cli/root.go": "package cli\n"])
        for key in ["T002", "T003", "T004", "T068", "T069", "T070", "T071", "FR-010", "FR-011", "FR-012", "FR-013"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        for key in ["T005", "T072", "T073", "T074", "FR-001", "FR-014", "FR-015"] {
            #expect(decided.contains { $0.hasPrefix("newImplementation \(key) ") || $0.hasPrefix("updateImplementation \(key) ") }, "\(key): \(decided)")
        }
    }

    /// A task under a `Polish & Validation` phase that writes no code is a check of that phase
    /// (English, Spanish, French); one that adds code there stays work.
    @Test func aPolishAndValidationPhaseHoldsChecks() throws {
        let decided = try UnseenShapesTests.decide([
            "specs/006-guides/tasks.md": """
                # Tasks: Guides

                ## Phase 6: Polish & Validation

                - [ ] T040 Cross-references between the guides go both ways
                - [ ] T041 Add the --quiet flag to internal/cli/run.go

                ## Fase 7: Pulido y validación

                - [ ] T050 Enlaces entre guías correctos

                ## Phase 8 : Finitions et validation

                - [ ] T060 Ton homogène dans toutes les pages
                """,
        ])
        for key in ["T040", "T050", "T060"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation T041 [requirement-added]"), "\(decided)")
    }

    // MARK: Text that is not a requirement

    /// A section that is only a diagram, and a template line nobody filled in, are no requirement
    /// (English, Spanish, Chinese); a requirement with a diagram beside its own sentence, and one
    /// with a short bracketed list, stay work.
    @Test func diagramsAndTemplatePlaceholdersAreNotRequirements() throws {
        let decided = try UnseenShapesTests.decide([
            "openspec/changes/confirm-flow/specs/jobs/spec.md": """
                # Delta for jobs

                ## ADDED Requirements

                ### Requirement: Confirm dataflow (Mermaid)

                ```mermaid
                sequenceDiagram
                  Client->>API: confirm
                  API->>Queue: enqueue
                ```

                #### Scenario: Confirmed before queueing
                - **WHEN** a job is confirmed
                - **THEN** it is frozen before it is queued

                ### Requirement: 确认流程图

                ```plantuml
                @startuml
                客户端 -> 接口 : 确认
                @enduml
                ```

                ### Requirement: Jobs are queued after confirmation
                A confirmed job MUST be queued once.

                ```mermaid
                graph LR
                  confirmed --> queued
                ```

                #### Scenario: Queue once
                - **WHEN** a job is confirmed twice
                - **THEN** it is queued once
                """,
            "specs/011-template/spec.md": """
                # Feature Specification: [FEATURE NAME]

                ## Requirements

                ### Functional Requirements

                - **FR-001**: System MUST [specific capability, e.g., "allow users to export reports"]
                - **FR-002**: El sistema DEBE [capacidad específica, p. ej., "exportar informes"]
                - **FR-003**: 系统必须[具体能力，例如“导出报表”]
                - **FR-004**: System MUST support [OAuth2, SAML] sign-in for staff accounts
                - **FR-005**: System MUST export reports as CSV files
                """,
        ])
        for key in ["Confirm dataflow (Mermaid)", "确认流程图", "FR-001", "FR-002", "FR-003"] {
            #expect(decided.contains("skip \(key) [not-a-requirement]"), "\(key): \(decided)")
        }
        for key in ["Jobs are queued after confirmation", "FR-004", "FR-005"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
    }

    @Test func aPlaceholderIsBracketedTextThatOutweighsTheLine() {
        #expect(Explainer.templatePlaceholder("System MUST [specific capability]") == "specific capability")
        #expect(Explainer.templatePlaceholder("系统必须[具体能力，例如导出报表]") != nil)
        #expect(Explainer.templatePlaceholder("See [the guide](docs/guide.md) for the full list of options") == nil)
        #expect(Explainer.templatePlaceholder("[P] [US1] Add the flag") == nil)
    }
}
