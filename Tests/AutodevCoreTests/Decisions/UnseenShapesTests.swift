@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// Shapes found by replaying public repositories nobody here had tuned for (issue 21, second
/// round): constraints that keep what exists, spec deltas to write, a person's tagged steps,
/// live checks, fields of a heading's task, environment steps, withdrawn tasks of a finished
/// story and a finished story's stale link. Each in English and at least two other languages,
/// written by hand for these tests (no text copied from a repository).
@Suite struct UnseenShapesTests {
    static func decide(_ files: [String: String], base: [String: String] = [:]) throws -> [String] {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        for (path, content) in base { try fixture.write(path, content) }
        let c0 = try fixture.commit("base")
        for (path, content) in files { try fixture.write(path, content) }
        let c1 = try fixture.commit("change")
        return try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
    }

    // MARK: Constraints

    /// A task that opens with keep/保留/mantener/conserver and names only code the tree holds (or
    /// no code) is a constraint on the other tasks; one whose name is not in the code, or that
    /// keeps track of something, is work.
    @Test func aKeepTaskOverCodeThatExistsIsAConstraint() throws {
        let decided = try Self.decide([
            "openspec/changes/add-catalog/tasks.md": """
                ## 1. Loader

                - [ ] 1.1 Keep the `scan_plugin_folder` lookup as a fallback for user plugins
                - [ ] 1.2 保留程序集扫描作为后备（迁移期间）
                - [ ] 1.3 Mantener `cargar_modulos` para el modo de depuración
                - [ ] 1.4 Conserver le chargement des dossiers en mode DEBUG
                - [ ] 1.5 Keep `retry_budget` in the HTTP client
                - [ ] 1.6 Keep track of failed loads per plugin
                - [ ] 1.7 Read the catalog from `catalog.json`
                """,
        ], base: [
            "src/plugins.py": "def scan_plugin_folder(path):\n    return []\n",
            "src/modulos.py": "def cargar_modulos():\n    return []\n",
        ])
        for key in ["Task 1.1", "Task 1.2", "Task 1.3", "Task 1.4"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation Task 1.5 [requirement-added]"), "\(decided)")
        #expect(decided.contains("newImplementation Task 1.6 [requirement-added]"), "\(decided)")
        #expect(decided.contains("newImplementation Task 1.7 [requirement-added]"), "\(decided)")
    }

    // MARK: Specs

    /// Tasks under a `Specification` heading (`## 1. Especificación`, `## 1. 仕様`) and tasks
    /// that write a spec delta are spec work; the implementation tasks beside them are code.
    @Test func specDeltasAndASpecificationSectionAreNotCodeWork() throws {
        let decided = try Self.decide([
            "openspec/changes/add-host-sdk/tasks.md": """
                ## 1. Specification

                - [ ] 1.1 Describe the composition layer and its public boundary
                - [ ] 1.2 更新 `runtime` delta spec：共享程序集策略（来源、诊断）

                ## 2. Implementation

                - [ ] 2.1 Add the HostBuilder entry point
                - [ ] 2.2 Add spec deltas for module packaging
                """,
            "openspec/changes/add-export/tasks.md": """
                ## 1. Especificación

                - [ ] 1.1 Añadir los escenarios de exportación a PDF

                ## 2. Implementación

                - [ ] 2.1 Añadir el botón de exportar
                """,
            "openspec/changes/add-sync/tasks.md": """
                ## 1. 仕様

                - [ ] 1.1 同期のシナリオを追加する

                ## 2. 実装

                - [ ] 2.1 同期ボタンを追加する
                """,
        ])
        for key in ["Task 1.1", "Task 1.2", "Task 2.2"] {
            #expect(decided.filter { $0.hasPrefix("skip \(key) [task-not-code]") }.count >= 1, "\(key): \(decided)")
        }
        #expect(decided.filter { $0 == "skip Task 1.1 [task-not-code]" }.count == 3, "\(decided)")
        #expect(decided.filter { $0 == "newImplementation Task 2.1 [requirement-added]" }.count == 3, "\(decided)")
    }

    /// A task that opens with the name of a spec document of its feature writes that document;
    /// a title that ends on "planning" plans.
    @Test func aTaskNamedAfterASpecDocumentOfItsFeatureWritesIt() throws {
        let decided = try Self.decide([
            ".kiro/specs/talk/requirements.md": "# Requirements\n\n### Requirement 1: Talk\n\n1. WHEN a user talks THEN the system SHALL answer\n",
            ".kiro/specs/talk/investigation.md": "# Investigation\n\nNotes.\n",
            ".kiro/specs/talk/tasks.md": """
                # Tasks

                - [ ] 1. Requirements definition
                - [ ] 2. Investigation topics identification
                - [ ] 3. Implementation planning
                - [ ] 4. Answer streaming in the chat view
                """,
            ".kiro/specs/sharing/tasks.md": "# Tasks\n\n## State\n\n| Document | Status |\n|---|---|\n| investigation.md | pending |\n\n## Timeline\n\n- [ ] 1. Investigation topics identification\n- [ ] 2. Note sharing from the editor\n",
            "specs/010-exportar/requisitos.md": "# Requisitos\n\n- **FR-001**: El sistema DEBE exportar\n",
            "specs/010-exportar/tasks.md": "# Tareas\n\n- [ ] T001 Requisitos de exportación revisados con el cliente\n- [ ] T002 Exportación a CSV\n",
        ])
        for key in ["Task 1", "Task 2", "Task 3", "T001"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation Task 4 [requirement-added]"), "\(decided)")
        // A document its tasks file names (`| investigation.md | pending |`) before it exists.
        #expect(decided.filter { $0 == "skip Task 1 [task-not-code]" }.count == 2, "\(decided)")
        #expect(decided.contains("newImplementation Task 2 [requirement-added]"), "\(decided)")
        #expect(decided.contains("newImplementation T002 [requirement-added]"), "\(decided)")
    }

    // MARK: A person's steps

    /// `[operator]`, `[operador]`, `[人工]` give a step to a person whatever it names; a live
    /// check (`Live verification`, `Verificación en producción`, `本番環境での検証`) and a spike
    /// decide on their titles, not their steps' code spans; a task that adds live tests is code.
    @Test func taggedStepsLiveChecksAndSpikesAreNotCodeWork() throws {
        let decided = try Self.decide([
            ".kiro/specs/object-store/tasks.md": """
                # Implementation Plan

                - [ ] 0. **Spike: pin the vendor facts first**

                  Confirm `DescribeRegions` and `PutObject` limits; record them in `notes.md`.

                - [ ] 1. **[operator] Provision the cloud account for CI**
                  - Run `scripts/provision_role.sh` twice; it must be idempotent
                - [ ] 2. **Live verification** (after task 1)
                  - Run the suites in `tests/live_suite.py` against the account
                - [ ] 3. Add live tests for the `s3_client` retries
                - [ ] 4. [operador] Crear la cuenta de pruebas en la consola
                - [ ] 5. Verificación en producción
                - [ ] 6. [人工] 在控制台开通存储桶
                - [ ] 7. 本番環境での検証
                - [ ] 8. Implement `put_object` with retries
                """,
        ])
        for key in ["Task 0", "Task 1", "Task 2", "Task 4", "Task 5", "Task 6", "Task 7"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation Task 3 [requirement-added]"), "\(decided)")
        #expect(decided.contains("newImplementation Task 8 [requirement-added]"), "\(decided)")
    }

    /// A checkbox that is a label and a lone path or route (`Location: lib/x.dart`, `位置：…`,
    /// `Ubicación: …`) is a field of its heading's task; the action beside it is the work. A
    /// label that is not a field's (`Model: src/models/user.py`) leaves the task code.
    @Test func fieldsOfAHeadingsTaskAreNotTasks() {
        func reason(_ title: String) -> String? {
            NotCodeWork.reason(title: title, paths: TextScan.pathMentions(title), codeSpans: [])
        }
        #expect(reason("Location: lib/features/search/presentation/providers/")?.contains("a field") == true)
        #expect(reason("Source reference: web/src/service/rank-list.ts")?.contains("a field") == true)
        #expect(reason("API endpoint: /x/space/series_list")?.contains("a field") == true)
        #expect(reason("位置：lib/features/auth/login_screen.dart")?.contains("a field") == true)
        #expect(reason("Ubicación: src/pedidos/carrito.ts")?.contains("a field") == true)
        #expect(reason("Find and remove hotKeywordsProvider from lib/features/search/providers.dart") == nil)
        #expect(NotCodeWork.reason(title: "Parameters:", paths: [], codeSpans: [])?.contains("a field") == true)
        #expect(NotCodeWork.reason(title: "参数：", paths: [], codeSpans: [])?.contains("a field") == true)
        #expect(NotCodeWork.reason(title: "Replace with navigation:", paths: [], codeSpans: []) == nil)
        #expect(reason("Model: src/models/user.py") == nil)
        #expect(reason("Rust: Error handling improvements") == nil)
    }

    /// Deleting or resetting something on a developer's machine is an environment step; deleting
    /// code is not (`removal-pending` while it is there).
    @Test func localEnvironmentStepsAreNotCodeWork() throws {
        let decided = try Self.decide([
            "openspec/changes/seed-modules/tasks.md": """
                ## 1. Data

                - [ ] 1.1 Delete the local development database (`dev.db`)
                - [ ] 1.2 删除本地开发数据库（`modulus.db`）
                - [ ] 1.3 Supprimer la base de données locale avant la migration
                - [ ] 1.4 Delete the local cache module `src/cache/local_cache.py`
                """,
        ], base: ["src/cache/local_cache.py": "CACHE = {}\n"])
        for key in ["Task 1.1", "Task 1.2", "Task 1.3"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        #expect(decided.contains("newImplementation Task 1.4 [removal-pending]"), "\(decided)")
    }

    // MARK: Finished stories

    static func story(_ number: String, status: String, tasks: String, files: String = "") -> String {
        """
        # Story \(number): Styles

        ## Status: \(status)

        ## Story
        **As a** user, **I want** a dark theme, **so that** reading at night is easy.

        ## Acceptance Criteria
        1. The theme is dark.

        ## Tasks / Subtasks
        \(tasks)

        ## Dev Agent Record
        ### File List
        \(files)
        """
    }

    /// An open task of a Done story that its author annotated as not implemented (French,
    /// English, Spanish) is withdrawn; the same note in a story still in progress leaves it work.
    @Test func aTaskWithdrawnInADoneStoryIsNotWork() throws {
        let fixture = try GitFixture()
        let tasks = "- [x] Créer le modèle (AC: 1)\n- [ ] Créer les données de départ (AC: 1)\n- [ ] Add the seed script (AC: 1)\n- [ ] Añadir datos de ejemplo (AC: 1)"
        try fixture.write("docs/stories/3.1.seed.md", Self.story("3.1", status: "Done", tasks: tasks))
        try fixture.write("docs/stories/3.2.seed.md", Self.story("3.2", status: "In Progress", tasks: tasks))
        let c0 = try fixture.commit("stories")
        let noted = "- [x] Créer le modèle (AC: 1)\n- [ ] Créer les données de départ (AC: 1) — Non implémenté (créées à la main)\n- [ ] Add the seed script (AC: 1) — descoped\n- [ ] Añadir datos de ejemplo (AC: 1) — No implementado"
        try fixture.write("docs/stories/3.1.seed.md", Self.story("3.1", status: "Done", tasks: noted))
        try fixture.write("docs/stories/3.2.seed.md", Self.story("3.2", status: "In Progress", tasks: noted))
        let c1 = try fixture.commit("notes")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for task in ["Task 2", "Task 3", "Task 4"] {
            #expect(decided.contains("skip Story 3.1 \(task) [task-descoped]"), "\(task): \(decided)")
            #expect(decided.contains { $0.hasPrefix("newImplementation Story 3.2 \(task) ") }, "\(task): \(decided)")
        }
    }

    /// A file that a finished story links to (status Done, every task ticked) and that a later
    /// migration deletes leaves a stale link, not work; a story still in progress that links
    /// to it has a broken link. Spec Kit tasks, all ticked, in Spanish and Chinese: the same.
    @Test func aFinishedDocumentsLinkToADeletedFileIsStale() throws {
        let fixture = try GitFixture()
        try fixture.write("web/tailwind.config.ts", "export default {}\n")
        try fixture.write("web/src/app.ts", "export const app = 1\n")
        try fixture.write("docs/stories/1.1.scaffold.md", Self.story("1.1", status: "Done",
            tasks: "- [x] Configure Tailwind (AC: 1)", files: "- web/tailwind.config.ts"))
        try fixture.write("docs/stories/1.2.theme.md", Self.story("1.2", status: "In Progress",
            tasks: "- [ ] Extend the theme (AC: 1)", files: "- web/tailwind.config.ts"))
        try fixture.write("specs/001-estilos/tasks.md", "# Tareas\n\n- [x] T001 Configurar web/tailwind.config.ts\n- [x] T002 Crear web/src/app.ts\n")
        try fixture.write("specs/002-主题/tasks.md", "# 任务\n\n- [x] T001 配置 web/tailwind.config.ts\n- [ ] T002 添加暗色主题开关\n")
        let c0 = try fixture.commit("scaffold")
        try fixture.remove("web/tailwind.config.ts")
        let c1 = try fixture.commit("Tailwind v4: configuration moves into CSS")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("skip Story 1.1 [link-in-finished-document]"), "\(decided)")
        #expect(decided.contains("skip T001 [link-in-finished-document]"), "\(decided)")
        #expect(decided.contains("updateImplementation Story 1.2 [code-breaks-link]"), "\(decided)")
        #expect(decided.contains("updateImplementation T001 [code-breaks-link]"), "\(decided)")  // 002: T002 is open
    }

    /// A Japanese title that ends on a check (`…検証`, `…の動作確認`) checks that it works, unless
    /// it builds something (`…の検証を実装する`).
    @Test func japaneseChecksAreNotCodeWork() {
        func reason(_ title: String) -> String? { NotCodeWork.reason(title: title, paths: [], codeSpans: []) }
        #expect(reason("テストケース3: テンプレート強制検証")?.contains("checks") == true)
        #expect(reason("ログイン画面の動作確認")?.contains("testing by hand") == true)
        #expect(reason("入力値の検証を実装する") == nil)
    }

    /// A line of a feature's spec that names a file with a deletion word (`| … | Delete file |`,
    /// `├── token.py  # DELETE`, `删除 …`) asks for its deletion: the feature's links to it do not
    /// break. Another feature's link to a deleted file does.
    @Test func aDeletionTheSpecAskedForBreaksNoLink() throws {
        let fixture = try GitFixture()
        try fixture.write("api/app/models/token.py", "class Token: ...\n")
        try fixture.write("api/app/models/mailer.py", "class Mailer: ...\n")
        try fixture.write("api/app/models/codes.py", "class Codes: ...\n")
        try fixture.write("specs/011-no-email/plan.md", "# Plan\n\n```\napp/models/\n├── token.py   # DELETE\n```\n")
        try fixture.write("specs/011-no-email/spec.md", "# Spec\n\n| File | Change |\n|---|---|\n| `api/app/models/mailer.py` | Eliminar archivo |\n")
        try fixture.write("specs/011-no-email/tasks.md", """
            # Tasks

            - [x] T005 [US1] Token model in api/app/models/token.py
            - [x] T006 [US1] Mailer in api/app/models/mailer.py
            - [x] T007 [US1] 验证码 in api/app/models/codes.py（删除旧的 codes 逻辑后保留）
            - [ ] T008 [US1] Banner service in api/app/services/banner.py
            """)
        try fixture.write("specs/012-digest/tasks.md", "# Tasks\n\n- [x] T001 Digest mail via api/app/models/mailer.py\n- [ ] T002 Weekly schedule\n")
        let c0 = try fixture.commit("plan")
        try fixture.remove("api/app/models/token.py")
        try fixture.remove("api/app/models/mailer.py")
        let c1 = try fixture.commit("Remove the email subsystem")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(!decided.contains { $0.contains("T005") || $0.contains("T006") }, "\(decided)")
        #expect(decided.contains("updateImplementation T001 [code-breaks-link]"), "\(decided)")
    }

    /// A test committed alone whose imports of the project's code resolve to existing files
    /// holding every imported name tests that code (run the checks); one importing a name that
    /// is not there yet is a test written first.
    @Test func aTestImportingExistingCodeTestsThatCode() throws {
        let fixture = try GitFixture()
        try fixture.write("apps/api/echo/workers/dormancy.py", "def enqueue_stage(x):\n    return x\n")
        try fixture.write("apps/api/echo/workers/__init__.py", "")
        try fixture.write("apps/web/src/lib/api/projects.ts", "export function listProjects() { return [] }\n")
        let c0 = try fixture.commit("code")
        try fixture.write("apps/api/tests/unit/test_dormancy_uplift.py",
                          "import pytest\nfrom echo.workers.dormancy import enqueue_stage\n\ndef test_stage():\n    assert enqueue_stage(1) == 1\n")
        try fixture.write("apps/api/tests/unit/test_reminders_first.py",
                          "from echo.workers.dormancy import send_reminder\n\ndef test_reminder():\n    assert send_reminder() is None\n")
        try fixture.write("apps/web/src/lib/api/projects_extra.test.ts",
                          "import { describe, it, expect } from 'vitest'\nimport { listProjects } from './projects'\n\ndescribe('x', () => { it('lists', () => { expect(listProjects()).toEqual([]) }) })\n")
        let c1 = try fixture.commit("tests")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("validate apps/api/tests/unit/test_dormancy_uplift.py [test-for-existing-code]"), "\(decided)")
        #expect(decided.contains("implementToPassTest apps/api/tests/unit/test_reminders_first.py [test-added]"), "\(decided)")
        #expect(decided.contains("validate apps/web/src/lib/api/projects_extra.test.ts [test-for-existing-code]"), "\(decided)")
    }

    // MARK: Gates and locators (third round)

    /// A Spec Kit quality gate (`Gate 3 browser smoke for PR A`, `Puerta 2: …`, `ゲート1…`), as
    /// a task or as its heading, is a checkpoint; a task that gates a feature behind a flag, a
    /// gateway, or a code task under a gate heading that names its file stays work.
    @Test func qualityGatesAreCheckpointsNotCodeWork() throws {
        let decided = try Self.decide([
            "specs/004-projects/tasks.md": """
                # Tasks: Projects

                ## Phase 2: Projects list

                - [ ] T010 Gate 1/2 for PR A: type check + lint + the smoke tests
                - [ ] T011 Gate 3 browser smoke for PR A: sign in, open a project, rename it
                - [ ] T012 Puerta 2: revisión de tipos y pruebas rápidas del PR B
                - [ ] T013 ゲート3 ブラウザでのスモーク（PR C）
                - [ ] T014 Gate the beta export behind the `EXPORT_BETA` flag
                - [ ] T015 Add the payment gateway adapter for the checkout
                - [ ] T016 Add the projects list endpoint

                ## Gate 2: before merge

                - [ ] T020 Sign-in flow works for a new member on a phone
                - [ ] T021 Add the missing index in `backend/models/project.py`
                """,
        ])
        for key in ["T010", "T011", "T012", "T013", "T020"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        for key in ["T014", "T015", "T016", "T021"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
        #expect(NotCodeWork.gateCheckpoint("gateway 2 retries") == nil)
        #expect(NotCodeWork.gateCheckpoint("gate 3 sc-001 final walkthrough") == "gate")
    }

    /// A step that only locates code by its line (`Find lines ~153-158`, `Buscar la línea 40`,
    /// `找到第 201 行`, `201行目を探す`) is part of its parent task; a task that finds and fixes
    /// something, or finds line breaks, is work.
    @Test func locatorStepsArePartOfTheirParentTask() throws {
        let decided = try Self.decide([
            "openspec/changes/trim-settings/tasks.md": """
                ## 1. Settings screen

                - [ ] 1.1 Remove the licence tile from the settings screen
                  - [ ] 1.1.1 Find lines ~153-158 (licence tile)
                  - [ ] 1.1.2 Find line ~201 (referenced in report): the tile's `onTap`
                  - [ ] 1.1.3 Buscar la línea 40 del archivo de ajustes
                  - [ ] 1.1.4 找到第 201 行
                  - [ ] 1.1.5 201行目を探す
                - [ ] 1.2 Find and fix the crash when the list is empty
                - [ ] 1.3 Find line breaks in pasted titles and keep them
                - [ ] 1.4 Locate the user by phone number in the search screen
                """,
        ])
        for key in ["Task 1.1.1", "Task 1.1.2", "Task 1.1.3", "Task 1.1.4", "Task 1.1.5"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        for key in ["Task 1.1", "Task 1.2", "Task 1.3", "Task 1.4"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
    }
}
