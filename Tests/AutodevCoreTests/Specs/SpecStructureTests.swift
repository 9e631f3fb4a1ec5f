@testable import AutodevCore
import Testing

/// What a spec's structure says is work: tasks written as headings, their criteria, done marks
/// and status words wherever they sit, optional tasks — in English, Spanish, Chinese, German and
/// French. Every fixture is written by hand.
@Suite struct SpecStructureTests {
    static func tasks(_ document: SpecDocument) -> [String] {
        document.requirements.filter { $0.kind == .task }.map { "\($0.key) \($0.isTicked ? "done" : "open")" }
    }

    @Test func specKitTasksWrittenAsHeadingsAreTasksAndBulletsThatMentionIdsAreNot() throws {
        let document = parse("specs/004-raffle/tasks.md", """
            # Tasks: Raffle draws

            ## Phase 1: Setup

            #### T001: Add the randomness consumer contract ✅

            - Create `contracts/RaffleConsumer.sol`

            #### T004: Modify VRF Callback

            **Status:** In progress

            - [x] Store the random word in `drawResult`
            - [ ] Emit `WinnerPicked` from `fulfillRandomWords`

            #### T004-test: Write the callback tests [Testing]

            - [ ] Create `test/RaffleCallback.t.sol`

            #### T005: Pick the winner

            - **Status:** ✓ Complete
            - Uses the stored word to index the ticket list

            ## Parallel execution

            - T004, T005… can be done in parallel
            - T001 before everything else
            """)
        #expect(Self.tasks(document) == ["T001 done", "T004 open", "T004-test open", "T005 done"])
        let t004 = try #require(document.requirements.first { $0.key == "T004" })
        #expect(t004.title == "Modify VRF Callback")
        #expect(t004.criteria == ["Store the random word in drawResult", "Emit WinnerPicked from fulfillRandomWords"])
        #expect(t004.codeSpans.contains("fulfillRandomWords"))
        #expect(document.requirements.first { $0.key == "T001" }?.paths == ["contracts/RaffleConsumer.sol"])
    }

    /// Chinese and Japanese specs write a label's colon full-width (`T012：`, `FR-003：`): the
    /// label is the same task or requirement as with `:`, not a plain section or nothing.
    @Test func fullWidthSeparatorsEndALabelLikeTheirASCIIForms() throws {
        let tasks = parse("specs/006-export/tasks.md", """
            # 任务：导出报表

            ## 阶段 1：准备

            ### T011：在 src/export/csv.py 中添加 CSV 写入器 ✅

            ### T012：在 src/export/routes.py 中添加下载路由

            ## 阶段 2：权限

            - [ ] T013：ルーターに認可を追加する（src/export/auth.py）
            """)
        #expect(Self.tasks(tasks) == ["T011 done", "T012 open", "T013 open"])
        let t012 = try #require(tasks.requirements.first { $0.key == "T012" })
        #expect(t012.title.hasPrefix("在 src/export/routes.py"), "\(t012.title)")
        #expect(t012.paths == ["src/export/routes.py"])

        #expect(TextScan.leadingID("FR-003：系统必须记录每次登录")?.id == "FR-003")
        #expect(TextScan.leadingID("FR-003：系统必须记录每次登录")?.rest == "系统必须记录每次登录")
        #expect(TextScan.leadingID("T020；完成")?.id == "T020")
        #expect(TextScan.leadingID("T020完成") == nil, "a letter run on is no label")
    }

    @Test func aBulletThatListsTaskIdsIsNoTaskEvenWithoutHeadingTasks() {
        let document = parse("specs/005-export/tasks.md", """
            # Tasks

            ## Phase 3: User Story 1 - Export a report (Priority: P1)

            - T010 Add the CSV writer in src/export/csv.py
            - T011 Add the download route in src/export/routes.py
            - T010, T011 can run in parallel
            - T012 and T013 wait for the writer
            """)
        #expect(document.requirements.map(\.key) == ["T010", "T011"])
        // The story heading groups its tasks: they work on US1, and tasks.md defines no story.
        #expect(document.requirements.allSatisfy { $0.refs == ["US1"] })
    }

    @Test func aDocumentTitledAboutParallelWorkStillHasItsTasks() {
        let document = parse("kitty-specs/010-parallel/tasks.md", """
            # Work Packages: Workspaces for Parallel Development

            ## Work Package WP01: Dependency graph

            ### Included Subtasks

            - [x] T001 Parse dependencies in src/graph.py
            - [ ] T002 Detect cycles in src/graph.py

            ### Parallel Opportunities

            - T001 and T002 touch one file: not in parallel
            """)
        #expect(document.requirements.map(\.key) == ["T001", "T002"])
    }

    @Test func storyHeadingsInTasksMdDefineNoStory() {
        let document = parse("specs/006-login/tasks.md", """
            # Tasks

            ### User Story 1 - Sign in

            - [ ] T001 Build the sign-in form in src/login.tsx

            ### User Story 1 - Sign in (follow-up)

            - [ ] T002 [US1] Remember the last e-mail in src/login.tsx
            """)
        #expect(document.requirements.map(\.key) == ["T001", "T002"])
        #expect(document.requirements.map(\.refs) == [["US1"], ["US1"]])
    }

    @Test func kiroCriteriaCheckboxesUnderASpanishHeadingTaskAreItsCriteria() throws {
        let document = parse(".kiro/specs/sincronizacion/tasks.md", """
            # Plan de implementación

            ### ✅ Tarea 4.4: Sincronizar pedidos sin conexión

            **Criterios:**
            - [x] Los pedidos se guardan en IndexedDB
            - [x] Al volver la conexión se envían en orden
            - [x] Los conflictos se resuelven por fecha

            ### Tarea 4.5: Indicador de estado de red

            **Criterios:**
            - [x] El icono cambia al perder la conexión
            - [ ] Se muestra un aviso con el número de pedidos pendientes

            ### Tarea 4.6: Validación manual en móviles (opcional)

            - [ ] Probar en Android e iOS
            """)
        #expect(Self.tasks(document) == ["Task 4.4 done", "Task 4.5 open", "Task 4.6 open"])
        let first = try #require(document.requirements.first)
        #expect(first.title == "Sincronizar pedidos sin conexión")
        #expect(first.criteria.count == 3)
        #expect(document.requirements.last?.optional == true)
    }

    /// A criterion that starts with a count (`4 cards …`, `3 filtros …`, `2 个按钮`) is one line:
    /// the heading over it stays the task, and none of its checkboxes become tasks. A heading
    /// whose checkboxes are mostly numbered still groups them.
    @Test(arguments: [
        ("### ✅ Tarea 4.3: Tarjetas de resumen", "- [ ] Componente creado\n- [ ] 4 tarjetas con iconos\n- [ ] Responsive (2 columnas en móvil)"),
        ("### Task 7: Summary cards", "- [ ] Component exists\n- [ ] 3 cards with icons\n- [ ] Responsive (one column on phones)"),
        ("### 任务 5：统计卡片", "- [ ] 组件已创建\n- [ ] 2 个按钮可用\n- [ ] 移动端单列显示"),
    ])
    func aCriterionThatStartsWithACountDoesNotMakeItsHeadingAGroup(heading: String, criteria: String) throws {
        let document = parse(".kiro/specs/panel/tasks.md", "# Plan\n\n" + heading + "\n\n**Criterios:**\n" + criteria + "\n")
        let tasks = document.requirements.filter { $0.kind == .task }
        #expect(tasks.count == 1, "\(tasks.map(\.key))")
        #expect(tasks.first?.criteria.count == 3)
        let grouped = parse(".kiro/specs/panel/tasks.md", "# Plan\n\n" + heading + "\n\n- [ ] 1. First step\n- [ ] 2. Second step\n- [ ] Notes\n")
        let keys = grouped.requirements.filter { $0.kind == .task }.map(\.key)
        #expect(keys.contains("Task 1") && keys.contains("Task 2"), "\(keys)")
    }

    @Test func chineseHeadingTasksReadTheirStatusLineAndNumberedGroupsKeepTheirTasks() {
        let document = parse("openspec/changes/add-export/tasks.md", """
            # 任务

            ## 任务 1：导出接口

            状态：已完成

            - 在 `src/export.ts` 中添加 `exportOrders()`

            ## 任务 2：导出按钮

            状态：进行中

            ## 3. 文档

            - [ ] 3.1 编写导出说明
            - [x] 3.2 更新变更日志
            """)
        #expect(Self.tasks(document) == ["Task 1 done", "Task 2 open", "Task 3.1 open", "Task 3.2 done"])
    }

    @Test func germanAndFrenchHeadingTasksInPlainMarkdownAreTasksWithTheirMarks() {
        let document = parse("docs/plan.md", """
            # Plan

            ## Aufgabe 2: Suchindex aufbauen ✅

            Der Index wird beim Start gebaut.

            ## Tâche 3 : Exporter les résultats (en cours)

            Un bouton exporte la liste.

            ## ✅ Suche im Menü

            Ein Eintrag im Menü öffnet die Suche.
            """)
        let byTitle = Dictionary(document.requirements.map { ($0.title, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byTitle["Aufgabe 2: Suchindex aufbauen"]?.kind == .task)
        #expect(byTitle["Aufgabe 2: Suchindex aufbauen"]?.isTicked == true)
        #expect(byTitle["Tâche 3 : Exporter les résultats"]?.kind == .task)
        #expect(byTitle["Tâche 3 : Exporter les résultats"]?.isTicked == false)
        #expect(byTitle["Suche im Menü"]?.kind == .section)
        #expect(byTitle["Suche im Menü"]?.finished?.contains("marked done") == true)
    }

    @Test func doneMarksInBulletsCountWhereCheckboxesWould() {
        let document = parse("specs/007-tags/tasks.md", """
            # Tasks

            - ✅ T001 Create the tags table in db/migrations/001_tags.sql
            - T002 Add the tag picker in src/TagPicker.tsx ✔️
            - T003 Filter by tag in src/list.ts ⏳
            - T004 Show tag counts in src/sidebar.ts
            """)
        #expect(Self.tasks(document) == ["T001 done", "T002 done", "T003 open", "T004 open"])
        #expect(document.requirements.first?.title == "Create the tags table in db/migrations/001_tags.sql")
    }

    @Test func headingsThatSummarizeTheCheckboxTasksAreNoTasksOfTheirOwn() {
        let document = parse(".kiro/specs/codec/tasks.md", """
            # Implementation Plan

            ## Tasks Overview

            ### Task 1: Codec primitives

            Encoders for integers and strings.

            ## Detailed list

            ### Task 2: Dispatcher

            - [ ] 2. Route messages by their tag
            - [ ] 3. Add the tag table
            """)
        #expect(document.requirements.map(\.key) == ["Task 2", "Task 3"])
    }

    @Test func anUntickedSourceLineKeepsNoFinishedTaskOpen() throws {
        let document = parse("docs/stories/2.3.reset.md", """
            # Story 2.3: Password reset

            ## Tasks / Subtasks

            - [x] Task 1: Send the reset e-mail (AC: 1)
              - [x] Build the token in `app/auth/reset.py`
              - [ ] Source: docs/architecture/auth.md#reset
            - [ ] Task 2: Expire old tokens (AC: 2)
              - [ ] Fuente: docs/arquitectura/auth.md
              - [ ] Borrar tokens de más de una hora
            """)
        let tasks = document.requirements.filter { $0.kind == .task }
        #expect(tasks.map(\.isTicked) == [true, false])
        #expect(tasks.map(\.progress) == ["xx", "  "])
    }

    @Test func kiroOptionalTasksAreMarkedOptional() {
        let document = parse(".kiro/specs/export/tasks.md", """
            - [ ] 1. Build the exporter
            - [ ]* 1.1 Write property tests for the exporter
            - [ ] 2. Add the export menu (optional)
            """)
        #expect(document.requirements.map(\.optional) == [false, true, true])
    }

    @Test(arguments: [
        ("Draft", false), ("Complete", false), ("Completed", false), ("Implemented", true), ("Shipped in 1.4", true),
    ])
    func aSpecKitHeaderStatusDescribesTheDocumentUnlessItNamesTheCode(status: String, finished: Bool) {
        let document = parse("specs/008-audit/spec.md", """
            # Feature Specification: Audit log

            **Feature Branch**: `008-audit`
            **Created**: 2025-03-02
            **Status**: \(status)

            ## Requirements

            - **FR-001**: System MUST record every sign-in
            """)
        #expect((document.finished != nil) == finished, "\(document.finished ?? "nil")")
    }

    @Test(arguments: [
        ("Ready for Done", true), ("Done", true), ("Completed", true), ("Ready for Development", false), ("Draft", false),
        ("Completado", true), ("En progreso", false), ("已完成", true), ("进行中", false), ("Erledigt", true), ("Terminé", true),
    ])
    func bmadStoryStatusesInAnyLanguage(status: String, finished: Bool) {
        let label = status.unicodeScalars.first!.value > 0x2E80 ? "状态" : (["Completado", "En progreso"].contains(status) ? "Estado" : "Status")
        let document = parse("docs/stories/3.1.export.md", """
            # Story 3.1: Export orders

            ## \(label)

            \(status)

            ## Story

            **As a** clerk, **I want** a CSV export, **so that** I can file reports.

            ## Tasks / Subtasks

            - [ ] Task 1: Write the exporter (AC: 1)
            """)
        #expect((document.finished != nil) == finished, "\(document.finished ?? "nil")")
    }

    @Test(arguments: [
        ("**Status:** Done", true), ("**Estado:** Completado", true), ("状态：已完成", true), ("Status: Backend Complete (100%), UI 70%", false),
        ("**Statut :** terminé", true), ("Status: not started", false),
    ])
    func statusLinesInAnyLanguage(line: String, finished: Bool) {
        let value = StatusWords.labelledValue(in: line)
        #expect(value != nil)
        #expect(DocumentStatus.isFinished(String(value ?? "")) == finished)
    }

    @Test(arguments: [
        ("✅ Tarea 4.4: Sincronizar", true, "Tarea 4.4: Sincronizar"), ("T001: Git 仓库初始化 ✅", true, "T001: Git 仓库初始化"),
        ("Task 3: Login (Done)", true, "Task 3: Login"), ("Task 3: Login (AC: All)", nil, "Task 3: Login (AC: All)"),
        ("Tarea 5 ⏳", false, "Tarea 5"), ("Show a ✅ when saved", nil, "Show a ✅ when saved"),
        ("任务 1：导出（已完成）", true, "任务 1：导出"), ("[x] Task 2", true, "Task 2"), ("Task 6 — In progress", false, "Task 6"),
    ])
    func doneMarksAtEitherEnd(text: String, done: Bool?, rest: String) {
        let split = DoneMark.split(text)
        #expect(split.done == done)
        #expect(split.rest == rest)
    }
}
