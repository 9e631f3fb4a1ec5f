@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// The shapes issue 21's replays (a BMAD history, an OpenSpec project that writes its specs
/// straight into `openspec/specs/`) still got wrong after the BMAD round: steps of a
/// documentation task, an assessment and a story's quality-assurance checks read as code; a task
/// whose steps were ticked and stamped read as changed; a deeper namesake of a folder read as
/// the folder; a spec edited with new open task cards read as the record of shipped work; and
/// an OpenSpec proposal outside `specs/` and `changes/` read as implemented because the files it
/// changes exist. Written by hand for these tests, in English, Spanish and Chinese (no text
/// copied from a repository).
@Suite struct FreshShapes4Tests {
    // MARK: BMAD tasks that are not code by where they sit

    static let storyEN = """
        # Story 2.3: Field kit rollout

        ## 📋 ACTIVE TODO TASKS

        **`[ ]`** **`[TASK-2.3.1]`** **Build the sync daemon** **[Priority: P1]**
        - **Files:** `src/sync/daemon.py`
        - **Subtasks:**
          - **[ ]** Add a retry loop to the daemon

        **`[TASK-2.3.2]`** **Write the Field Compliance Documentation** **[Priority: P2]**
        - **Files:** `FIELD-COMPLIANCE.md`
        - **Subtasks:**
          - **[ ]** **Crew Readiness Overview**:
            - **[ ]** Count certified crews per region
          - **[ ]** **Hazard Register**:
            - **[ ]** List hazards by site

        **`[ ]`** **`[TASK-2.3.3]`** **Final Field Readiness Assessment and Certification** **[Priority: P0]**
        - **Files:** readiness sheet, sign-off sheet
        - **Subtasks:**
          - **[ ]** Collect the crew sign-offs

        ## Documentation Framework

        ### Operator Guides
        - **[ ]** **Crew Handbook Pocket Edition**:
          - **[ ]** Radio etiquette

        ## Quality Assurance

        ### Field Trials
        - **[ ]** Behaviour of the sync under flaky radio links
        - **[ ]** Add a regression test in `tests/test_sync.py`
        """

    static let storyES = """
        # Story 3.1: Despliegue en campo

        ## Tareas activas

        **`[TASK-3.1.1]`** **Documentación de cumplimiento**
        - **Archivos:** `CUMPLIMIENTO.md`
        - **Subtareas:**
          - **[ ]** **Registro de riesgos**:
            - **[ ]** Listar riesgos por sitio

        **`[ ]`** **`[TASK-3.1.2]`** **Evaluación de preparación operativa**
        - **Subtareas:**
          - **[ ]** Reunir las firmas de las cuadrillas

        ## Aseguramiento de la calidad

        - **[ ]** Recuperación de la sincronización con enlaces inestables
        """

    static let storyZH = """
        # Story 4.2: 现场部署

        ## 当前任务

        **`[TASK-4.2.1]`** **合规文档**
        - **Subtasks:**
          - **[ ]** **风险登记**:
            - **[ ]** 按站点列出风险

        **`[ ]`** **`[TASK-4.2.2]`** **运营准备评估**
        - **Subtasks:**
          - **[ ]** 收集签字

        ## 质量保证

        - **[ ]** 弱链路下的同步恢复
        """

    /// Steps of an unboxed documentation task, an assessment named by its deliverable, items of
    /// a documentation sub-heading and of a story's quality assurance are not code work (English,
    /// Spanish, Chinese); a task that names code, and a check that writes a test, stay work.
    @Test func bmadTasksUnderADocumentOrQualitySectionAreNotCode() throws {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "def main():\n    return 0\n")
        try fixture.write("docs/stories/1.1.story.md", "# Story 1.1: Base\n\n## Tasks / Subtasks\n\n- [x] Task 1: Start the app\n")
        let c0 = try fixture.commit("base")
        try fixture.write("docs/stories/2.3.story.md", Self.storyEN)
        try fixture.write("docs/stories/3.1.story.md", Self.storyES)
        try fixture.write("docs/stories/4.2.story.md", Self.storyZH)
        let c1 = try fixture.commit("stories for the field rollout")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for key in ["Story 2.3 Task 2", "Story 2.3 Task 3", "Story 2.3 Task 2.3.3", "Story 2.3 Task 5", "Story 2.3 Task 6",
                    "Story 3.1 Task 1", "Story 3.1 Task 3.1.2", "Story 3.1 Task 3",
                    "Story 4.2 Task 1", "Story 4.2 Task 4.2.2", "Story 4.2 Task 3"] {
            #expect(decided.contains("skip \(key) [task-not-code]"), "\(key): \(decided)")
        }
        // The new story is the work; its code tasks are part of it, not steps for people.
        #expect(decided.contains("newImplementation Story 2.3 [requirement-added]"), "\(decided)")
        #expect(decided.contains("skip Story 2.3 Task 2.3.1 [covered-by-parent]"), "\(decided)")
        #expect(decided.contains("skip Story 2.3 Task 7 [covered-by-parent]"), "\(decided)")
    }

    @Test func aDeliverableTitleNamingCodeOrOpeningWithAVerbIsWork() {
        func task(_ title: String, _ text: String = "") -> Requirement {
            Requirement(key: "T", kind: .task, title: title, text: title + (text.isEmpty ? "" : "\n" + text), format: .bmad,
                        spec: "docs/stories/1.story.md", line: 1)
        }
        #expect(NotCodeWork.deliverableEnding(task("Basic Readiness Assessment")) == "assessment")
        #expect(NotCodeWork.deliverableEnding(task("Evaluación de riesgos operativos")) == "evaluación")
        #expect(NotCodeWork.deliverableEnding(task("上线前准备评估")) == "评估")
        #expect(NotCodeWork.deliverableEnding(task("Implement the checklist")) == nil)
        #expect(NotCodeWork.deliverableEnding(task("Readiness assessment", "Store scores with save_score()")) == nil)
    }

    // MARK: Ticked and stamped steps

    static func stampedStory(_ boxes: [(String, Bool)]) -> String {
        """
        # Story 6.2: Route correction

        ## 📋 ACTIVE TODO TASKS

        **`[ ]`** **`[TASK-6.2.1]`** **Course correction in `src/nav/course.py`** **[Priority: P1]**
        - **Subtasks:**
        \(boxes.map { "  - **[\($0.1 ? "x" : " ")]** \($0.0)" }.joined(separator: "\n"))
        """
    }

    /// A task whose steps got ticked with a done mark and a time after them is progress, not a
    /// changed task (steps in English, Spanish, Chinese); a step whose words change is a change.
    @Test func stepsTickedWithADoneStampLeaveTheirTaskUnchanged() throws {
        let fixture = try GitFixture()
        try fixture.write("src/nav/course.py", "def correct(bearing):\n    return bearing\n")
        let steps = ["Smooth the bearing with a moving average", "Rechazar lecturas fuera de rango", "按信号强度加权"]
        try fixture.write("docs/stories/6.2.story.md", Self.stampedStory(steps.map { ($0, false) }))
        let c0 = try fixture.commit("story")
        try fixture.write("docs/stories/6.2.story.md", Self.stampedStory([
            (steps[0] + " ✅ *2026-03-04 10:15*", true), (steps[1] + " ✅", true), (steps[2] + " ✔ 2026-03-04T11:00Z", true),
        ]))
        let c1 = try fixture.commit("tick")
        let ticked = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        #expect(!ticked.contains { $0.contains("Story 6.2 Task 6.2.1") && !$0.hasPrefix("skip") }, "\(ticked)")
        try fixture.write("docs/stories/6.2.story.md", Self.stampedStory([
            (steps[0] + " ✅ *2026-03-04 10:15*", true), (steps[1] + " y avisar al piloto ✅", true), (steps[2] + " ✔ 2026-03-04T11:00Z", true),
        ]))
        let c2 = try fixture.commit("reword")
        let reworded = try DecisionHistoryTests.decisions(fixture, "\(c1)..\(c2)")
        #expect(reworded.contains("updateImplementation Story 6.2 Task 6.2.1 [requirement-changed]"), "\(reworded)")
    }

    // MARK: A deeper namesake of a folder

    /// A requirement that asks for `client/` at the root, naming the old `legacy/tools/client/`
    /// beside it, is not implemented by the old one (English, Spanish, Chinese); one that cites
    /// only the existing folder is.
    @Test func aDeeperNamesakeOfACitedFolderIsNoEvidence() throws {
        let fixture = try GitFixture()
        try fixture.write("legacy/tools/client/index.html", "<html></html>\n")
        try fixture.write("specs/001-base/spec.md", "# Feature Specification: Base\n\n## Requirements\n\n- **FR-001**: System MUST start\n")
        let c0 = try fixture.commit("base")
        try fixture.write("specs/001-base/spec.md", """
            # Feature Specification: Base

            ## Requirements

            - **FR-001**: System MUST start
            - **FR-002**: The web client MUST be its own project at `client/`, not the old `legacy/tools/client/`
            - **FR-003**: El cliente web MUST vivir en `client/` y no reutilizar `legacy/tools/client/`
            - **FR-004**: 前端 MUST 位于仓库根目录的 `client/` 中，不得复用 `legacy/tools/client/` 目录
            - **FR-005**: The legacy page MUST stay served from `legacy/tools/client/`
            """)
        let c1 = try fixture.commit("spec: a standalone client")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for key in ["FR-002", "FR-003", "FR-004"] {
            #expect(decided.contains("newImplementation \(key) [requirement-added]"), "\(key): \(decided)")
        }
        #expect(decided.contains("skip FR-005 [requirement-added-implemented]"), "\(decided)")
    }

    // MARK: openspec/specs/ edited with new open task cards

    /// A requirement of `openspec/specs/` edited in a range that also gives its capability's task
    /// cards new open items is a plan being revised, not the record (English, Spanish, Chinese);
    /// edited beside cards whose items only got ticked, it stays the record.
    @Test func aRecordEditedWithNewOpenCardItemsIsAPlan() throws {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "def main():\n    return 0\n")
        func spec(_ suffix: String) -> String {
            FreshShapesTests.openSpec("""
                ### Requirement: Sessions MUST resume after a reload
                The page MUST reopen the last session\(suffix).

                #### Scenario: Reload
                - **WHEN** the page reloads
                - **THEN** the last session opens

                ### Requirement: Los pagos MUST confirmarse por correo
                Cada pago MUST enviar un correo\(suffix).

                #### Scenario: Pago
                - **WHEN** se paga
                - **THEN** llega un correo

                ### Requirement: 导出 MUST 支持表格
                导出 MUST 生成表格文件\(suffix)。

                #### Scenario: 导出
                - **WHEN** 用户导出
                - **THEN** 得到表格
                """, capability: "portal")
        }
        func audit(_ suffix: String) -> String {
            FreshShapesTests.openSpec("""
                ### Requirement: Logins are audited
                Every login MUST leave an audit line\(suffix).

                #### Scenario: Login
                - **WHEN** someone logs in
                - **THEN** an audit line is written
                """, capability: "audit")
        }
        try fixture.write("openspec/specs/portal/spec.md", spec(""))
        try fixture.write("openspec/specs/portal/task_cards/c1.md", FreshShapes2Tests.card("portal", ["resume the session"]))
        try fixture.write("openspec/specs/audit/spec.md", audit(""))
        try fixture.write("openspec/specs/audit/task_cards/a1.md", FreshShapes2Tests.card("audit", ["audit line"]))
        let c0 = try fixture.commit("specs")
        try fixture.write("openspec/specs/portal/spec.md", spec(" with a token"))
        try fixture.write("openspec/specs/portal/task_cards/c1.md", FreshShapes2Tests.card("portal", ["resume the session", "keep the token"]))
        try fixture.write("openspec/specs/audit/spec.md", audit(" with the source address"))
        try fixture.write("openspec/specs/audit/task_cards/a1.md", "# Card: audit\n\n## Acceptance\n\n- [x] audit line\n")
        let c1 = try fixture.commit("revise the portal plan; record the audit detail")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for title in ["Sessions MUST resume after a reload", "Los pagos MUST confirmarse por correo", "导出 MUST 支持表格"] {
            #expect(decided.contains("newImplementation \(title) [requirement-changed-unimplemented]"), "\(title): \(decided)")
        }
        #expect(decided.contains("skip Logins are audited [requirement-done]"), "\(decided)")
    }

    // MARK: An OpenSpec proposal outside specs/ and changes/

    /// A requirement added to `openspec/<name>/spec.md` that describes changes to files that exist
    /// is new work (English, Spanish, Chinese); a file the same range changes still shows it done.
    @Test func anOpenSpecProposalOutsideSpecsAndChangesIsNotDoneBecauseItsFilesExist() throws {
        let fixture = try GitFixture()
        try fixture.write("src/domain/draft.py", "def draft():\n    return {}\n")
        try fixture.write("src/domain/plan.py", "def plan():\n    return []\n")
        try fixture.write("README.md", "# App\n")
        let c0 = try fixture.commit("base")
        try fixture.write("openspec/proxy-extension/spec.md", FreshShapesTests.openSpec("""
            ### Requirement: Drafts keep their structured fields
            `src/domain/draft.py` MUST persist the outcome and the controls beside the text.

            #### Scenario: Preview
            - **WHEN** a draft is previewed
            - **THEN** its fields are there

            ### Requirement: Los planes MUST validar sus pasos
            `src/domain/plan.py` MUST rechazar un paso sin entrada.

            #### Scenario: Paso vacío
            - **WHEN** un paso no tiene entrada
            - **THEN** el plan se rechaza

            ### Requirement: 草稿 MUST 记录来源
            `src/domain/draft.py` MUST 保存数据来源。

            #### Scenario: 来源
            - **WHEN** 生成草稿
            - **THEN** 记录来源
            """, capability: "proxy-extension"))
        let c1 = try fixture.commit("spec: proxy extension proposal")
        let decided = try DecisionHistoryTests.decisions(fixture, "\(c0)..\(c1)")
        for title in ["Drafts keep their structured fields", "Los planes MUST validar sus pasos", "草稿 MUST 记录来源"] {
            #expect(decided.contains("newImplementation \(title) [requirement-added]"), "\(title): \(decided)")
        }
    }
}
