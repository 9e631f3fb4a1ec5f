@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// BMAD stories whose tasks are written outside a `Tasks` heading and in the author's own
/// wrappers (issue 21, a public Python/TypeScript BMAD history): bold and code-wrapped boxes,
/// paragraph tasks with their attribute lists, glyph marks before a bracketed id, boxes holding
/// a glyph, tasks under phase sub-headings. Written by hand for these tests, in English, Spanish
/// and Chinese (no text copied from a repository).
@Suite struct BMADTaskMarksTests {
    static let english = """
        # Story 2.1: Report export

        ## 🎯 Story overview

        As an analyst I want the monthly report as a file, so that I can share it.

        ## ✅ Acceptance criteria

        1. The report downloads as CSV.
        - [ ] AC2: Totals match the screen.

        ## 📋 Active todo tasks

        **`[ ]`** **`[TASK-2.1.3-CSV]`** **Export the report as CSV** **[Priority: P1]**
        - **Files:** `src/report/export.py`
        - **Subtasks:**
          - **[ ]** **[3a]** Add `write_csv()` to `src/report/export.py`
          - **[x]** **[3b]** Add the download route in `src/api/report.py`
        - **Progress:** `40%`

        **✅ [TASK-2.1.1]** Read the ledger rows (**AC1**)
        - ✅ **[1a]** Add `read_rows()` in `src/report/ledger.py`

        [x] [TASK-2.1.2] Sum the totals per account
            Files: src/report/totals.py

        ## 🔧 Export architecture

        The exporter streams rows; nothing is held in memory.

        ## Dev Agent Record

        - [x] Notes checked by the reviewer
        """

    static func tasks(_ document: SpecDocument) -> [Requirement] {
        document.requirements.filter { $0.kind == .task }
    }

    @Test func boxesInBoldCodeAndGlyphWrappersAreTasksWhereverTheySit() throws {
        let document = parse("docs/stories/2.1.story.md", Self.english)
        #expect(document.format == .bmad)
        let tasks = Self.tasks(document)
        #expect(tasks.map(\.key) == ["Story 2.1 Task 2.1.3-CSV", "Story 2.1 Task 2.1.1", "Story 2.1 Task 2.1.2"])
        #expect(tasks.map(\.progress) == ["  x", "xx", "x"])
        #expect(tasks.map(\.isTicked) == [false, true, true])
        // The bracketed id is the task's name, not its words.
        #expect(tasks[0].title.hasPrefix("Export the report as CSV"))
        #expect(tasks[0].paths.contains("src/report/export.py"))
        #expect(tasks[0].text.contains("write_csv()"))
        #expect(tasks[2].paths == ["src/report/totals.py"])
        #expect(tasks.allSatisfy { $0.parent == "Story 2.1" && $0.refs == ["Story 2.1"] })
        // Criteria stay criteria; the record stays history; the tasks leave the story's text.
        let story = try #require(document.requirements.first)
        #expect(story.kind == .story)
        #expect(story.text.contains("Totals match the screen"))
        #expect(story.text.contains("streams rows"))
        #expect(!story.text.contains("Sum the totals"))
        #expect(!story.text.contains("write_csv"))
        #expect(!story.text.contains("reviewer"))
    }

    @Test func tasksInSpanishAndChineseStoriesReadTheSame() {
        let spanish = parse("docs/stories/3.2.story.md", """
            # Story 3.2: Facturas en PDF

            ## Historia

            Como contable quiero las facturas en PDF.

            ## 📋 Tareas pendientes

            - **[ ]** **[T1]** Generar el PDF en `src/facturas/pdf.py`
              - **[x]** Elegir la fuente
            - **[✅]** Guardar la factura en `src/facturas/almacen.py`

            ### Fase 2

            **`[ ]`** **`[TASK-3.2.3]`** **Enviar la factura por correo**
            - **Archivos:** `src/facturas/correo.py`
            """)
        #expect(Self.tasks(spanish).map(\.key) == ["Story 3.2 Task 1", "Story 3.2 Task 2", "Story 3.2 Task 3.2.3"])
        #expect(Self.tasks(spanish).map(\.progress) == [" x", "x", " "])
        #expect(Self.tasks(spanish).map(\.isTicked) == [false, true, false])

        let chinese = parse("docs/stories/4.1.story.md", """
            # Story 4.1: 订单导出

            ## 用户故事

            作为运营人员，我希望导出订单。

            ## 任务

            **[ ]** **[TASK-4.1.1]** 在 `src/orders/export.ts` 中实现导出
            - **[x]** 添加表头
            - **[ ]** 添加分页

            ✅ **[TASK-4.1.2]** 编写导出接口 `src/orders/api.ts`
            """)
        #expect(Self.tasks(chinese).map(\.key) == ["Story 4.1 Task 4.1.1", "Story 4.1 Task 4.1.2"])
        #expect(Self.tasks(chinese).map(\.progress) == [" x ", "x"])
        #expect(Self.tasks(chinese)[0].title.hasPrefix("在"))
        #expect(chinese.requirements[0].text.contains("导出订单"))
        #expect(!chinese.requirements[0].text.contains("添加分页"))
    }

    /// The standard shape keeps its reading: tasks under `Tasks / Subtasks`, and now also under
    /// its phase sub-headings.
    @Test func tasksUnderPhaseHeadingsOfTheTasksSectionAreRead() {
        let document = parse("docs/stories/5.1.story.md", """
            # Story 5.1: Release pipeline

            ## Story

            As a maintainer I want releases built by CI.

            ## Tasks / Subtasks

            ### Phase 1: Foundation

            - [ ] Fix the lock file and pyproject synchronization (AC: 2)
              - [ ] Remove the old tool's hook from .pre-commit-config.yaml

            ### Phase 2: Quality gates

            - [x] Task 4: Add the coverage job (AC: 4)
            """)
        #expect(Self.tasks(document).map(\.key) == ["Story 5.1 Task 1", "Story 5.1 Task 4"])
        #expect(Self.tasks(document).map(\.progress) == ["  ", "x"])
    }

    /// Tasks written as headings own the boxes below them (their steps); a definition of done
    /// or a checklist holds conditions, not tasks.
    @Test func headingTasksOwnTheirBoxesAndADefinitionOfDoneHoldsNoTasks() {
        let document = parse("docs/stories/5.4.story.md", """
            # Story 5.4: Confidence score

            ## Tasks / Subtasks

            ### **Task 1: Add the scorer** (AC: 1)

            - [ ] Create `score()` in `src/scoring.py`
            - [x] Add the result type

            ### Tarea 2: Pruebas del puntaje (AC: 2)

            - [ ] Escribir `test_score()` en `tests/test_scoring.py`

            ## Definition of Done

            - [ ] Every criterion met
            - [ ] Code review completed

            ## Definición de hecho

            - [ ] Revisión hecha
            """)
        let tasks = Self.tasks(document)
        #expect(tasks.map(\.key) == ["Story 5.4 Task 1", "Story 5.4 Task 2"], "\(tasks.map(\.key))")
        #expect(tasks.map(\.progress) == [" x", " "])
        #expect(tasks.allSatisfy { $0.parent == "Story 5.4" && $0.refs.contains("Story 5.4") })
        #expect(tasks[0].text.contains("score()"))
        #expect(document.requirements[0].criteria.contains("Code review completed"))
    }

    /// A status written as a field of the story's information list says the story is done.
    @Test(arguments: [("Status", "Complete"), ("Estado", "Completado"), ("状态", "已完成")])
    func aStatusInTheStoryInformationListFinishesTheStory(label: String, value: String) {
        let document = parse("docs/stories/2.3.story.md", """
            # Story 2.3: Status badges

            ## Story information

            - **Epic:** 2
            - **\(label):** \(value)

            ## Tasks / Subtasks

            - [ ] Add the status column to `src/db/schema.rs`
            """)
        #expect(document.finished != nil, "\(document.requirements.map(\.key))")
        #expect(Self.tasks(document).count == 1)
        let open = parse("docs/stories/2.4.story.md", """
            # Story 2.4: Filters

            ## Story information

            - **\(label):** Draft

            ## Tasks / Subtasks

            - [ ] Add the filter to `src/ui/filter.ts`
            """)
        #expect(open.finished == nil)
    }

    /// A tick is progress: `**[ ]**` → `**[x]**`, `[ ]` → `[✅]`, a timestamp after it. The
    /// story and its tasks keep their identity.
    @Test func aTickInAnyWrapperIsProgressNotAChange() {
        let before = parse("docs/stories/2.1.story.md", Self.english)
        let ticked = Self.english
            .replacingOccurrences(of: "**[ ]** **[3a]**", with: "**[x]** **[3a]**")
            .replacingOccurrences(of: "**`[ ]`** **`[TASK-2.1.3-CSV]`**", with: "**`[✅]`** **`[TASK-2.1.3-CSV]`**")
        let after = parse("docs/stories/2.1.story.md", ticked)
        let changes = SpecDiff.compare(before: before.requirements, after: after.requirements)
        #expect(changes.allSatisfy { $0.kind == .unchanged }, "\(changes.map { "\($0.kind) \($0.current.key)" })")
        #expect(changes.filter(\.progressChanged).map(\.current.key) == ["Story 2.1 Task 2.1.3-CSV"])
        #expect(Self.tasks(after)[0].isTicked)
    }

    /// A status written after an open box (`- DONE`, `✅`, `（已完成）`) finishes the task.
    @Test func aStatusAfterAnOpenBoxFinishesTheTask() {
        let document = parse("docs/stories/4.5.story.md", """
            # Story 4.5: Rutas

            ## Tasks / Subtasks

            - [ ] Complete the API routes in `src/api/routes.py` (AC: 5) - DONE
            - [ ] Completar la exportación - Completado
            - [ ] 完成导出接口（已完成）
            - [ ] Add the waypoint export in `src/export.py`
            """)
        #expect(Self.tasks(document).map(\.isTicked) == [true, true, true, false])
    }

    @Test func aGlyphAloneOrAWordInBracketsIsNoTaskMark() {
        #expect(SpecParser.bmadMark("✅ Already ignored by git") == nil)
        #expect(SpecParser.bmadMark("[Priority: P1] Speed") == nil)
        #expect(SpecParser.bmadMark("✅ [1a] Add rows")?.state == "x")
        #expect(SpecParser.bmadMark("⏳ [T2] Add rows")?.state == " ")
        #expect(SpecParser.bmadMark("[✔] Add rows")?.state == "x")
        #expect(SpecParser.bmadMark("[X] Add rows")?.state == "x")
    }

    // MARK: Decisions

    static let story = """
        # Story 7.2: Alerts

        ## Overview

        As an operator I want an alert when a sensor goes quiet.

        ## 📋 Active tasks

        **`[ ]`** **`[TASK-7.2.1]`** **Raise the quiet-sensor alert in `src/alerts/quiet.py`**
        - **Subtasks:**
          - **[ ]** **[1a]** Add `check_quiet()` to `src/alerts/quiet.py`
          - **[ ]** **[1b]** Add the threshold to `src/alerts/config.py`

        **`[ ]`** **`[TASK-7.2.2]`** **Show the alert in `src/ui/alerts.tsx`**
        - **Subtasks:**
          - **[ ]** **[2a]** Add the banner component

        ## 🔧 Architecture

        Sensors report every second; a gap of ten seconds is quiet.
        """

    static func storyFixture() throws -> (GitFixture, String) {
        let fixture = try GitFixture()
        try fixture.write("src/alerts/quiet.py", "def check_quiet(readings):\n    return False\n")
        try fixture.write("src/alerts/config.py", "THRESHOLD = 10\n")
        try fixture.write("src/ui/alerts.tsx", "export const Alerts = () => null\n")
        try fixture.write("docs/stories/7.2.story.md", story)
        return (fixture, try fixture.commit("story 7.2"))
    }

    /// Ticks, a progress log and re-worded architecture prose around unchanged open tasks are no
    /// work; an open task re-scoped is.
    @Test func storyEditsAroundItsTasksAreNoWork() throws {
        let (fixture, c0) = try Self.storyFixture()
        try fixture.write("docs/stories/7.2.story.md", Self.story
            .replacingOccurrences(of: "**[ ]** **[1b]**", with: "**[x]** **[1b]**")
            .replacingOccurrences(of: "a gap of ten seconds is quiet.", with: "a gap of ten seconds is quiet; the alert is raised once per gap.\n\n## Progress log\n\n- 2026-03-02: threshold added, 1 of 3 steps done ✅"))
        let c1 = try fixture.commit("docs: progress on 7.2")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided == ["skip Story 7.2 [covered-by-tasks]"], "\(decided)")

        try fixture.write("docs/stories/7.2.story.md", Self.story
            .replacingOccurrences(of: "**[ ]** **[2a]** Add the banner component", with: "**[ ]** **[2a]** Add the banner component with a mute button"))
        let c2 = try fixture.commit("docs: mute button")
        let rescoped = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c2)")
        #expect(rescoped.contains("updateImplementation Story 7.2 Task 7.2.2 [requirement-changed]"), "\(rescoped)")
    }

    /// Tasks written in the commit that carries their code are implemented alongside (the
    /// story's file is the unit its author edits and implements); a task whose cited file is
    /// still missing is not.
    @Test func tasksWrittenWithTheirCodeAreImplementedAlongside() throws {
        let fixture = try GitFixture()
        try fixture.write("src/score.py", "def score(bar):\n    return 0\n")
        let c0 = try fixture.commit("code")
        try fixture.write("docs/stories/6.1.story.md", """
            # Story 6.1: Puntaje

            ## Tareas

            - **[ ]** **[T1]** Ponderar el volumen en el puntaje
            - **[ ]** **[T2]** Crear la página de ayuda `src/pages/ayuda.py`
            """)
        try fixture.write("src/score.py", "def score(bar):\n    return bar.volume * 2\n")
        let c1 = try fixture.commit("Story 6.1: volume weighting")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("skip Story 6.1 Task 1 [implemented-alongside]"), "\(decided)")
        #expect(decided.contains("newImplementation Story 6.1 Task 2 [requirement-added]"), "\(decided)")
    }

    /// A story whose own status says the work has not begun (Draft, Borrador, 草稿) was written,
    /// not implemented, by a commit that adds it beside other code (a public history's squash
    /// added ten Draft stories beside unrelated fixes); the same story In Progress was.
    @Test(arguments: [("## Status\n\nDraft", false), ("**Estado:** Borrador", false), ("状态：草稿", false),
                      ("## Status\n\nIn Progress", true), ("**Estado:** En progreso", true)])
    func aStoryNotStartedIsNotImplementedByTheCommitThatWritesIt(status: String, alongside: Bool) throws {
        let fixture = try GitFixture()
        try fixture.write("src/score.py", "def score(bar):\n    return 0\n")
        let c0 = try fixture.commit("code")
        try fixture.write("docs/stories/6.1.story.md", """
            # Story 6.1: Puntaje

            \(status)

            ## Tareas

            - **[ ]** **[T1]** Ponderar el volumen en el puntaje
            """)
        try fixture.write("src/score.py", "def score(bar):\n    return bar.volume * 2\n")
        let c1 = try fixture.commit("fix: startup issues")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.contains("skip Story 6.1 Task 1 [implemented-alongside]") == alongside, "\(decided)")
        #expect(decided.contains("newImplementation Story 6.1 Task 1 [requirement-added]") == !alongside, "\(decided)")
    }

    /// A story restructured into phases renumbers and rewrites its tasks: a task whose title
    /// reappears is the same task changed, not one removed (its files proposed for retirement).
    @Test func aStoryRestructuredIntoPhasesRetiresNothing() throws {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try fixture.write(".pre-commit-config.yaml", "repos: []\n")
        try fixture.write(".github/workflows/ci.yml", "on: push\n")
        try fixture.write("docs/stories/4.4.story.md", """
            # Story 4.4: Continuous integration

            ## Story

            As a maintainer I want every push checked.

            ## Tasks / Subtasks

            - [ ] Set up the pipeline in .github/workflows/ci.yml (AC: 1)
              - [ ] Run on push and pull request
            - [ ] Fix the pyproject.toml and lock file drift (AC: 2)
              - [ ] Resolve the version conflicts
            - [ ] Configure the pre-commit hooks in .pre-commit-config.yaml (AC: 2)
              - [ ] Install the framework
            """)
        let c0 = try fixture.commit("story 4.4")
        try fixture.write("docs/stories/4.4.story.md", """
            # Story 4.4: Continuous integration

            ## Story

            As a maintainer I want every push checked.

            ## Tasks / Subtasks

            ### Phase 1: Foundation

            - [ ] Fix the pyproject.toml and lock file drift (AC: 2)
              - [ ] Drop the old packaging tool's references
              - [ ] Check a clean install

            ### Phase 2: Gates

            - [ ] Configure the pre-commit hooks in .pre-commit-config.yaml (AC: 2)
              - [ ] Add the formatter hook
              - [ ] Run every hook once on all files
            - [ ] Set up the pipeline in .github/workflows/ci.yml (AC: 1)
              - [ ] Run on push and pull request
            """)
        let c1 = try fixture.commit("docs: phases")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(!decided.contains { $0.hasPrefix("retireImplementation") }, "\(decided)")
        #expect(decided.contains("updateImplementation Story 4.4 Task 1 [requirement-changed]") || decided.contains("updateImplementation Story 4.4 Task 2 [requirement-changed]")
                || decided.contains { $0.contains("Task") && $0.hasPrefix("updateImplementation") }, "\(decided)")
    }

    /// A new story whose every task is testing in the field, by people with the hardware, is no
    /// code work — in English, Spanish or Chinese.
    @Test(arguments: [
        ("Field test the alert on the test range at 100 m and 500 m", "Validate the alert timing in field testing with the real sensors"),
        ("Pruebas de campo de la alerta a 100 m y 500 m", "Validar los tiempos de la alerta en pruebas de campo"),
        ("在试验场进行现场测试（100 米与 500 米）", "现场测试告警时延"),
    ])
    func aFieldTestingStoryIsNoCodeWork(first: String, second: String) throws {
        let fixture = try GitFixture()
        try fixture.write("src/alerts/quiet.py", "def check_quiet(readings):\n    return False\n")
        let c0 = try fixture.commit("code")
        try fixture.write("docs/stories/9.1.story.md", """
            # Story 9.1: Field campaign

            ## 📋 Active tasks

            **`[ ]`** **`[TASK-9.1.1]`** **\(first)**
            - **[ ]** **[1a]** \(second)

            **`[ ]`** **`[TASK-9.1.2]`** **\(second)**
            """)
        let c1 = try fixture.commit("docs: field campaign")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(decided.first == "skip Story 9.1 [task-not-code]", "\(decided)")
        #expect(!decided.contains { $0.hasPrefix("newImplementation") }, "\(decided)")
    }
}
