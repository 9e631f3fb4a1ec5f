@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// Evidence from the code, over real histories (issue 21): cited paths resolved in the whole
/// tree, the names a task gives looked up, deletions and moves done when the tree shows them.
/// Task text in English, Spanish and Chinese, written for these tests.
@Suite struct EvidenceHistoryTests {
    static func decisions(_ fixture: GitFixture, _ range: String) throws -> [String] {
        try DecisionHistoryTests.decisions(fixture, range)
    }

    /// Decisions with their reasons, for a range or a backfill of folders.
    static func explained(_ fixture: GitFixture, range: String? = nil, backfill: [String] = []) throws -> [String] {
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let report = try EventBuilder(repository: repository, config: config)
            .report(for: range.map { .explicit($0) } ?? .backfill(backfill), explain: true)
        let paths = Dictionary(report.events.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
        return try #require(report.decisions).map { decision in
            "\(decision.action.rawValue) \(decision.requirement?.key ?? paths[decision.eventId] ?? "?") [\(decision.rule)] \(decision.reason)"
        }
    }

    // MARK: Paths

    /// A link written from a sub-project's root (`app/models/…`) and a bare backticked file name
    /// are found where they are; a name that several files end with is no evidence, and the
    /// reason says so.
    @Test func citedPathsAreFoundAnywhereInTheTreeAndAnAmbiguousOneIsSaid() throws {
        let fixture = try GitFixture()
        try fixture.write("backend/app/models/interview_message.py", "class InterviewMessage: ...\n")
        try fixture.write("src/storage/memory_store.py", "class MemoryStore: ...\n")
        try fixture.write("backend/app/util.py", "x = 1\n")
        try fixture.write("worker/app/util.py", "x = 2\n")
        try fixture.write("specs/004-interview/tasks.md", """
            # Tasks: Interview

            - [ ] T001 Store messages in app/models/interview_message.py
            - [ ] T002 Keep sessions in `memory_store.py`
            - [ ] T003 Share helpers in `app/util.py`
            - [ ] T004 Write the report in app/report.py
            """)
        try fixture.commit("Interview, specified after the code")
        let decisions = try Self.explained(fixture, backfill: ["specs/004-interview"])
        #expect(decisions.count == 4)
        #expect(decisions[0].hasPrefix("skip T001 [requirement-added-implemented] already implemented: backend/app/models/interview_message.py exists"), "\(decisions[0])")
        #expect(decisions[1].hasPrefix("skip T002 [requirement-added-implemented] already implemented: src/storage/memory_store.py exists"), "\(decisions[1])")
        #expect(decisions[2] == "newImplementation T003 [requirement-added] new requirement; nothing implements it yet (app/util.py matches several files: no evidence)")
        #expect(decisions[3].hasPrefix("newImplementation T004 [requirement-added]"))
    }

    /// A file committed with the spec that cites it, at a path resolved from a sub-project root,
    /// is done alongside.
    @Test func aFileAddedInTheSameCommitAsTheSpecIsItsImplementation() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/002-export/tasks.md", "# Tasks\n\n- [ ] T001 Export interviews in `app/export.py`\n")
        try fixture.write("backend/app/export.py", "def export(): ...\n")
        let c1 = try fixture.commit("Export, with its spec")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "skip T001 [implemented-alongside]",
            "skip backend/app/export.py [human-change]",
        ])
    }

    /// Web routers write folders in brackets (`app/(auth)/…`, `[id]`, `[...slug]`): a task
    /// citing such a file, written from the front end's root, is done when the same commit adds
    /// it; a link several files end with is done when the commit changed one of them (a BMAD
    /// story in French, a Next.js and a Nuxt page, written for this test).
    @Test func bracketedRouteFoldersArePartOfACitedPath() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        try fixture.write("api/.env.example", "PORT=1\n")
        try fixture.write("web/.env.example", "PORT=2\n")
        let c0 = try fixture.commit("base")
        try fixture.write("docs/stories/2.3.mot-de-passe.md", """
            # Story 2.3: Mot de passe oublié

            ## Status: Draft

            ## Tasks / Subtasks
            - [ ] Créer la page de demande (AC: 1)
              - [ ] Créer `app/(public)/oubli/page.tsx`
            - [ ] Afficher une fiche
              - [ ] Créer `pages/fiches/[id].vue`
            - [ ] Ajouter la page d'aide
              - [ ] Créer `app/aide/[...slug]/page.tsx`
            - [ ] Ajouter la clé d'envoi
              - [ ] Ajouter `MAIL_KEY` à `.env.example`
            """)
        try fixture.write("api/.env.example", "PORT=1\nMAIL_KEY=\n")
        try fixture.write("web/src/app/(public)/oubli/page.tsx", "export default function Page() {}\n")
        try fixture.write("front/pages/fiches/[id].vue", "<template></template>\n")
        let c1 = try fixture.commit("Mot de passe oublié et fiches")
        let decisions = try Self.decisions(fixture, "\(c0)..\(c1)")
        #expect(decisions.contains("skip Story 2.3 Task 1 [implemented-alongside]"), "\(decisions)")
        #expect(decisions.contains("skip Story 2.3 Task 2 [implemented-alongside]"), "\(decisions)")
        #expect(decisions.contains("newImplementation Story 2.3 Task 3 [requirement-added]"), "\(decisions)")
        // `.env.example` ends two files; the one the commit changed is the one meant.
        #expect(decisions.contains("skip Story 2.3 Task 4 [implemented-alongside]"), "\(decisions)")
        #expect(TextScan.pathMentions("voir `app/(auth)/login/page.tsx` (see util.py). [x] [P] foo(bar)/baz")
            == ["app/(auth)/login/page.tsx", "util.py"])
    }

    /// The path a task means, not the words around it: a file named with its folder after a
    /// preposition is one path; a dotted module name is not a file; a dunder file keeps its
    /// underscores (each seen linked wrong in a delivery run's prompts).
    @Test func pathsAreReadAsTheTaskMeansThem() {
        #expect(TextScan.pathMentions("Create shared fixtures in conftest.py in tests/") == ["tests/conftest.py"])
        #expect(TextScan.pathMentions("Ajouter page.tsx dans app/(auth)/login/ puis util.py") == ["app/(auth)/login/page.tsx", "util.py"])
        #expect(TextScan.pathMentions("Add test_add.py and tests/unit/") == ["test_add.py", "tests/unit/"])
        #expect(TextScan.pathMentions("Wire the entry point in src.cli.main") == [])
        #expect(TextScan.pathMentions("Configure vite.config.ts, .env.example and jquery.min.js") == ["vite.config.ts", ".env.example", "jquery.min.js"])
        #expect(TextScan.pathMentions("Create __init__.py and _notes.md_ here") == ["__init__.py", "notes.md"])
    }

    /// Unnumbered checkboxes nested under a numbered task are its steps: part of its work, not
    /// work items of their own; a numbered subtask stays a task, and its numbered parent is a
    /// group whose work the subtask carries (`task-group`) (OpenSpec in Chinese, Kiro in
    /// Spanish, written for this test).
    @Test func unnumberedStepsUnderANumberedTaskArePartOfItsWork() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let c0 = try fixture.commit("base")
        try fixture.write("openspec/changes/rename-prefix/tasks.md", """
            ## 2. 实现

            - [ ] 2.3 更新所有项目文件：
              - [ ] 设置 `AssemblyName` 为新前缀
              - [ ] 设置 `RootNamespace` 为新前缀
            - [ ] 2.4 更新命名空间
            """)
        try fixture.write(".kiro/specs/exportar/tasks.md", """
            # Plan de implementación

            - [ ] 1. Exportar entrevistas
              - [ ] 1.1 Crear `ExportService`
                - [ ] añadir el método `exportar_csv`
            """)
        let c1 = try fixture.commit("Two plans")
        let decisions = try Self.decisions(fixture, "\(c0)..\(c1)")
        #expect(decisions.filter { $0.hasPrefix("newImplementation") }.sorted() == [
            "newImplementation Task 1.1 [requirement-added]",
            "newImplementation Task 2.3 [requirement-added]", "newImplementation Task 2.4 [requirement-added]",
        ], "\(decisions)")
        #expect(decisions.contains("skip Task 1 [task-group]"), "\(decisions)")
        #expect(decisions.filter { $0.hasSuffix("[covered-by-parent]") }.count == 3, "\(decisions)")
    }

    /// The numbered steps of a task that is not code work (a spike, research) are not code work
    /// either, unless they name a code file (Kiro in English and Spanish, written for this test).
    @Test func stepsOfASpikeAreNotCodeWork() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let c0 = try fixture.commit("base")
        try fixture.write(".kiro/specs/object-store/tasks.md", """
            # Implementation Plan

            - [ ] 0. **Spike: close the open questions first**

              Record what each provider does in `spike-notes.md`.

              - [ ] 0.1 **Upload limits** per provider — confirm `PutObject` sizes
              - [ ] 0.2 Write the probe in `tools/probe_limits.py`
            - [ ] 1. **Store client**
              - [ ] 1.1 Implement `put_object` with retries
            - [ ] 2. Investigar los límites de listado
              - [ ] 2.1 Paginación por proveedor
            """)
        let c1 = try fixture.commit("Object store plan")
        let decisions = try Self.decisions(fixture, "\(c0)..\(c1)")
        #expect(decisions.filter { $0.hasSuffix("[task-not-code]") }.sorted() == [
            "skip Task 0 [task-not-code]", "skip Task 0.1 [task-not-code]", "skip Task 2 [task-not-code]", "skip Task 2.1 [task-not-code]",
        ], "\(decisions)")
        #expect(decisions.contains("newImplementation Task 0.2 [requirement-added]"), "\(decisions)")
        #expect(decisions.contains("newImplementation Task 1.1 [requirement-added]"), "\(decisions)")
    }

    /// Kiro's citation line in Spanish (`_Requisitos: 6.1_`) and its `Requisito N` headings: a
    /// ticked task that cites a requirement finishes it (or, beside open ones, implements part of
    /// it, the open ones carrying the rest); an open one leaves it work.
    @Test func spanishKiroCitationsLinkTasksToRequirements() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let c0 = try fixture.commit("base")
        try fixture.write(".kiro/specs/exportar/requirements.md", """
            # Documento de requisitos

            ### Requisito 6: Exportar entrevistas

            1. CUANDO el usuario pide exportar ENTONCES el sistema DEBERÁ generar un CSV
            2. CUANDO no hay entrevistas ENTONCES el sistema DEBERÁ avisar

            ### Requisito 7: Importar entrevistas

            1. CUANDO el usuario sube un CSV ENTONCES el sistema DEBERÁ importarlo

            ### Requisito 8: Validar importaciones

            1. CUANDO una fila no tiene correo ENTONCES el sistema DEBERÁ rechazarla
            2. CUANDO se rechazan filas ENTONCES el sistema DEBERÁ informar cuáles
            """)
        try fixture.write(".kiro/specs/exportar/tasks.md", """
            # Plan de implementación

            - [x] 3.1 Crear el exportador
              - _Requisitos: 6.1, 6.2_
            - [ ] 3.2 Crear el importador
              - _Requisitos: 7.1_
            - [x] 3.3 Validar el CSV importado
              - _Requisitos: 8.1_
            - [ ] 3.4 Informar de filas rechazadas
              - _Requisitos: 8.2_
            """)
        let c1 = try fixture.commit("Exportar")
        #expect(try Self.decisions(fixture, "\(c0)..\(c1)") == [
            "skip Requirement 6 [requirement-done]",
            // Its open task 3.2 arrives with it and carries its work (covered-by-tasks).
            "skip Requirement 7 [covered-by-tasks]",
            "skip Requirement 8 [requirement-added-implemented]",
            "skip Task 3.1 [requirement-done]",
            "newImplementation Task 3.2 [requirement-added]",
            "skip Task 3.3 [requirement-done]",
            // Requirement 8 is partly done (3.3 ticked): its open task is the rest of its work.
            "newImplementation Task 3.4 [requirement-added]",
        ])
        #expect(try Self.explained(fixture, range: "\(c0)..\(c1)")[2]
            == "skip Requirement 8 [requirement-added-implemented] already implemented: Task 3.3 (ticked) cites it; Task 3.4 carries the rest")
    }

    // MARK: Names a task gives

    /// The reverse error of issue 21: a task that adds `count_completed()` to a file that exists
    /// is work until the name is there — at a backfill too — in English, Spanish and Chinese (the
    /// Chinese task names no file: the name is looked for in the whole code).
    @Test func aTaskAddingANameIsDoneWhenTheNameIsThereNotWhenTheFileIs() throws {
        let fixture = try GitFixture()
        try fixture.write("src/storage/memory_store.py", "class MemoryStore:\n    def add(self, item): ...\n")
        try fixture.write("src/validators.py", "def validate_title(title): ...\n")
        try fixture.write("specs/003-stats/tasks.md", """
            # Tasks: Stats

            - [ ] T001 Add count_completed() to MemoryStore in src/storage/memory_store.py
            - [ ] T002 Añadir `validar_id()` en `validators.py`
            - [ ] T003 为 `MemoryStore` 添加 `count_pending()` 方法
            """)
        try fixture.commit("Stats, specified")
        #expect(try Self.explained(fixture, backfill: ["specs/003-stats"]) == [
            "newImplementation T001 [requirement-added] new requirement; `count_completed` is not in src/storage/memory_store.py yet",
            "newImplementation T002 [requirement-added] new requirement; `validar_id` is not in src/validators.py yet",
            "newImplementation T003 [requirement-added] new requirement; `count_pending` is not in the code yet",
        ])
        try fixture.write("src/storage/memory_store.py", """
            class MemoryStore:
                def add(self, item): ...

                def count_completed(self):
                    return 0
            """)
        try fixture.write("src/validators.py", "def validate_title(title): ...\n\ndef validar_id(value): ...\n")
        try fixture.write("src/stats.py", "from storage.memory_store import MemoryStore\n\ndef count_pending(store): ...\n")
        try fixture.commit("Stats, implemented")
        #expect(try Self.explained(fixture, backfill: ["specs/003-stats"]) == [
            "skip T001 [requirement-added-implemented] already implemented: `count_completed`, `MemoryStore` are in src/storage/memory_store.py",
            "skip T002 [requirement-added-implemented] already implemented: `validar_id` is in src/validators.py",
            "skip T003 [requirement-added-implemented] already implemented: `MemoryStore`, `count_pending` are in src/storage/memory_store.py, src/stats.py",
        ])
    }

    /// After adoption: a name that appears in the range is done alongside; one that existed
    /// before is done when the task creates it and work when it changes it; a name still
    /// missing is work even though its file changed in the range.
    @Test func afterAdoptionTheRangeSaysWhetherANameIsNew() throws {
        let fixture = try GitFixture()
        try fixture.write("src/validators.py", "def validate_task_id(value): ...\n")
        try fixture.write("src/cli.py", "def main(): ...\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/005-ids/tasks.md", """
            # Tasks: Ids

            - [ ] T001 Add `validate_task_id` to src/validators.py
            - [ ] T002 Update `validate_task_id` in src/validators.py to accept UUIDs
            - [ ] T003 Add `parse_id()` to src/cli.py
            - [ ] T004 Add `format_id()` to src/cli.py
            """)
        try fixture.write("src/cli.py", "def main(): ...\n\ndef parse_id(text): ...\n")
        let c1 = try fixture.commit("Ids, with parse_id")
        #expect(try Self.explained(fixture, range: "\(c0)..\(c1)") == [
            "skip T001 [requirement-added-implemented] already implemented: `validate_task_id` is in src/validators.py (before this range)",
            "newImplementation T002 [requirement-added] new requirement; nothing implements it yet",
            "skip T003 [implemented-alongside] implemented alongside: `parse_id` appeared in src/cli.py in this range",
            "newImplementation T004 [requirement-added] new requirement; `format_id` is not in src/cli.py yet",
            "skip src/cli.py [human-change] human change",
        ])
    }

    /// A Chinese task creating a composable its named file is named after, added after the
    /// file existed: done (issue 21 saw it proposed as work).
    @Test func aChineseTaskWhoseFileIsNamedAfterWhatItCreatesIsDone() throws {
        let fixture = try GitFixture()
        try fixture.write("frontend/composables/useUsers.js", "export function useUsers() {\n  return []\n}\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/014-users/tasks.md", """
            # Tasks

            - [ ] T138 [US14] 建立 useUsers composable (frontend/composables/useUsers.js)
            - [ ] T139 [US14] 建立 useRoles composable (frontend/composables/useRoles.js)
            - [ ] T140 Create ProcessingStatus component in frontend/components/ProcessingStatus.tsx
            """)
        try fixture.write("frontend/types/status.ts", "export type ProcessingStatus = 'idle' | 'busy'\n")
        let c1 = try fixture.commit("Users, specified")
        #expect(try Self.explained(fixture, range: "\(c0)..\(c1)") == [
            "skip T138 [requirement-added-implemented] already implemented: `useUsers` is in frontend/composables/useUsers.js (before this range)",
            "newImplementation T139 [requirement-added] new requirement; `useRoles` is not in the code yet (frontend/composables/useRoles.js does not exist)",
            // A type of the same name elsewhere is not the component the task names.
            "newImplementation T140 [requirement-added] new requirement; `ProcessingStatus` is not in the code yet (frontend/components/ProcessingStatus.tsx does not exist)",
            "skip frontend/types/status.ts [human-change] human change",
        ])
    }

    // MARK: Deletions and moves

    /// "Eliminar archivos de implementación offline anterior": deleting the files it lists is
    /// what it asked for — the task is done, and the deletions break no link.
    @Test func aSpanishDeletionIsDoneWhenItsFilesAreGoneAndNeverRestored() throws {
        let fixture = try GitFixture()
        try fixture.write("src/offline/sync.py", "def sync(): ...\n")
        try fixture.write("src/offline/cache.py", "CACHE = {}\n")
        try fixture.write("src/online.py", "def fetch(): ...\n")
        let c0 = try fixture.commit("base")
        try fixture.write(".kiro/specs/online/tasks.md", """
            # Plan de implementación

            - [ ] 4.1 Eliminar archivos de implementación offline anterior
              - `src/offline/sync.py`
              - `src/offline/cache.py`
            """)
        let c1 = try fixture.commit("Plan: drop offline")
        #expect(try Self.explained(fixture, range: "\(c0)..\(c1)") == [
            "newImplementation Task 4.1 [removal-pending] a task that deletes or moves files, not done: src/offline/sync.py, src/offline/cache.py still there",
        ])
        try fixture.remove("src/offline/sync.py")
        try fixture.remove("src/offline/cache.py")
        let c2 = try fixture.commit("Drop offline")
        #expect(try Self.decisions(fixture, "\(c1)..\(c2)") == [
            "skip src/offline/cache.py [human-change]",
            "skip src/offline/sync.py [human-change]",
        ])
        #expect(try Self.explained(fixture, range: "\(c0)..\(c2)").first
            == "skip Task 4.1 [removal-done] done: src/offline/sync.py, src/offline/cache.py are gone")
        // A task that only links the file (no deletion verb) still sees its link broken.
        try fixture.write(".kiro/specs/online/tasks.md", "# Plan\n\n- [ ] 4.2 Usar `src/online.py` para sincronizar\n")
        let c3 = try fixture.commit("Plan: online")
        try fixture.remove("src/online.py")
        let c4 = try fixture.commit("Drop online")
        #expect(try Self.decisions(fixture, "\(c3)..\(c4)") == ["updateImplementation Task 4.2 [code-breaks-link]"])
    }

    /// English, Chinese and a move: done when gone (or at the destination); work while there;
    /// "Delete tasks in `src/store.py`" is a feature, not a deletion of the file.
    @Test func deletionsAndMovesInEnglishAndChineseAreJudgedByTheTree() throws {
        let fixture = try GitFixture()
        try fixture.write("src/sync_old.py", "def sync(): ...\n")
        try fixture.write("src/legacy_client.py", "class Client: ...\n")
        try fixture.write("src/utils.py", "def helper(): ...\n")
        try fixture.write("src/helpers.py", "def other(): ...\n")
        try fixture.write("src/store.py", "def add(): ...\n\ndef purge_cache(): ...\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/006-cleanup/tasks.md", """
            # Tasks: Cleanup

            - [ ] T001 Remove the legacy `src/sync_old.py`
            - [ ] T002 删除旧的 `legacy_client.py`
            - [ ] T003 Move `src/utils.py` to `lib/utils.py`
            - [ ] T004 Mover `src/helpers.py` a `lib/`
            - [ ] T005 Delete tasks in `src/store.py`
            - [ ] T006 Remove `purge_cache()` from src/store.py
            """)
        try fixture.remove("src/legacy_client.py")
        try fixture.remove("src/utils.py")
        try fixture.write("lib/utils.py", "def helper(): ...\n")
        let c1 = try fixture.commit("Cleanup, partly done")
        let decisions = try Self.explained(fixture, range: "\(c0)..\(c1)")
        #expect(decisions.filter { $0.contains(" T00") } == [
            "newImplementation T001 [removal-pending] a task that deletes or moves files, not done: src/sync_old.py still there",
            "skip T002 [removal-done] done: legacy_client.py is gone",
            "skip T003 [removal-done] done: moved: src/utils.py is at lib/utils.py",
            "newImplementation T004 [removal-pending] a task that deletes or moves files, not done: nothing at lib/ yet",
            "newImplementation T005 [requirement-added] new requirement; nothing implements it yet",
            "newImplementation T006 [removal-pending] a task that deletes or moves files, not done: `purge_cache` still in src/store.py",
        ])
        // The deleted and moved files break no link: their tasks asked for it.
        #expect(!decisions.contains { $0.contains("code-breaks-link") }, "\(decisions)")
    }

    // MARK: One bad item

    /// A binary file, a file over the size limit and a submodule-free missing path: none is
    /// evidence, and every task still gets its decision.
    @Test func anUnreadableCitedFileIsNoEvidenceAndTheRestAreDecided() throws {
        let fixture = try GitFixture()
        try fixture.write("assets/icon.py", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x72, 0x65, 0x6E, 0x64, 0x65, 0x72, 0x5F, 0x69]))
        try fixture.write("src/huge.py", String(repeating: "# filler line for a generated module\n", count: 30_000) + "def render_huge(): ...\n")
        try fixture.write("src/ok.py", "def render_ok(): ...\n")
        try fixture.write("specs/007-render/tasks.md", """
            # Tasks: Render

            - [ ] T001 Add `render_icon()` to assets/icon.py
            - [ ] T002 Add `render_huge()` to src/huge.py
            - [ ] T003 Add `render_ok()` to src/ok.py
            """)
        try fixture.commit("Render")
        #expect(try Self.explained(fixture, backfill: ["specs/007-render"]) == [
            "newImplementation T001 [requirement-added] new requirement; `render_icon` is not in the code yet",
            "newImplementation T002 [requirement-added] new requirement; `render_huge` is not in the code yet",
            "skip T003 [requirement-added-implemented] already implemented: `render_ok` is in src/ok.py",
        ])
    }
}
