import AutodevTestSupport
import Foundation
import Testing

/// End to end: the built binary's `diff-events --explain --json` on real repositories whose
/// specs say through their structure what is work — heading tasks, done marks, optional tasks,
/// tasks that are not code — in Spanish, Chinese and English. Fixtures written by hand.
@Suite struct StructureDecisionsTests {
    /// `action key [rule]` for every decision about a requirement in the range.
    static func decisions(_ fixture: GitFixture, _ range: String) throws -> [String: (action: String, rule: String, reason: String)] {
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", range], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        var byKey: [String: (String, String, String)] = [:]
        for decision in try #require(object["decisions"] as? [[String: Any]]) {
            guard let requirement = decision["requirement"] as? [String: Any], let key = requirement["key"] as? String else { continue }
            byKey[key] = (decision["action"] as! String, decision["rule"] as! String, decision["reason"] as! String)
        }
        return byKey
    }

    @Test func aSpanishKiroPlanGetsOneDecisionPerHeadingTaskAndSettlesWhatIsNotCode() throws {
        let fixture = try GitFixture()
        try fixture.write("src/pedidos.ts", "export const pedidos = []\n")
        let base = try fixture.commit("base")
        try fixture.write(".kiro/specs/pedidos/tasks.md", """
            # Plan de implementación

            ### ✅ Tarea 1: Guardar pedidos sin conexión

            **Criterios:**
            - [x] Los pedidos se guardan en IndexedDB
            - [x] Se envían al volver la conexión

            ### Tarea 2: Indicador de red en `src/red.ts`

            **Criterios:**
            - [ ] El icono cambia sin conexión
            - [ ] Muestra el número de pedidos pendientes

            ### Tarea 3: Validación manual en móviles

            - [ ] Android
            - [ ] iOS

            ### Tarea 4: Documentar la sincronización

            - [ ] Guía para el equipo de soporte

            ## Opcionales

            - [ ]* 5. Pruebas de propiedades del ordenamiento
            """)
        let head = try fixture.commit("plan de pedidos")
        let decided = try Self.decisions(fixture, "\(base)..\(head)")
        // Five tasks, not nine checkboxes.
        #expect(Set(decided.keys) == ["Task 1", "Task 2", "Task 3", "Task 4", "Task 5"], "\(decided.keys.sorted())")
        #expect(decided["Task 1"]?.rule == "requirement-done")
        #expect(decided["Task 2"]?.action == "newImplementation")
        #expect(decided["Task 3"]?.rule == "task-not-code")
        #expect(decided["Task 3"]?.reason.contains("testing by hand") == true, "\(decided["Task 3"]?.reason ?? "")")
        #expect(decided["Task 4"]?.rule == "task-not-code")
        #expect(decided["Task 4"]?.reason.contains("documentation") == true)
        #expect(decided["Task 5"]?.rule == "task-optional")
        #expect(decided["Task 5"]?.reason.contains("skipped-optional") == true)
    }

    @Test func aSpecKitFeatureWithHeadingTasksAndADocumentStatusOfCompleteIsStillWork() throws {
        let fixture = try GitFixture()
        try fixture.write("contracts/Raffle.sol", "contract Raffle {}\n")
        let base = try fixture.commit("base")
        try fixture.write("specs/002-raffle/spec.md", """
            # Feature Specification: Raffle draw

            **Feature Branch**: `002-raffle`
            **Status**: Complete

            ## Requirements

            - **FR-001**: System MUST pick a winner from a verifiable random number
            """)
        try fixture.write("specs/002-raffle/tasks.md", """
            # Tasks: Raffle draw

            #### T001: Modify VRF Callback in contracts/Raffle.sol

            - [ ] Store the random word
            - [ ] Emit the winner event

            #### T002: Manual end-to-end testing on a testnet

            #### T003: Task 3: Update the deployment notes ✅

            ## Parallel execution

            - T001, T002 can be done in parallel
            """)
        let head = try fixture.commit("raffle spec")
        let decided = try Self.decisions(fixture, "\(base)..\(head)")
        #expect(Set(decided.keys) == ["FR-001", "T001", "T002", "T003"], "\(decided.keys.sorted())")
        // "Status: Complete" is the document's state: the requirement still gets work.
        #expect(decided["FR-001"]?.rule != "requirement-done", "\(decided["FR-001"].map { "\($0)" } ?? "")")
        #expect(decided["T001"]?.action == "newImplementation" || decided["T001"]?.rule == "covered-by-parent")
        #expect(decided["T002"]?.rule == "task-not-code")
        #expect(decided["T003"]?.rule == "requirement-done")
    }

    @Test func anOpenOptionalTaskKeepsNoRequirementFromBeingDone() throws {
        let fixture = try GitFixture()
        try fixture.write("src/app.ts", "export {}\n")
        let base = try fixture.commit("base")
        try fixture.write(".kiro/specs/tags/requirements.md", """
            # Requirements

            ### Requirement 1: Tag notes

            **User Story:** As a writer, I want tags on notes, so that I can find them.

            #### Acceptance Criteria

            1. WHEN a tag is added THEN the note SHALL show it
            """)
        try fixture.write(".kiro/specs/tags/tasks.md", """
            - [x] 1. Store tags on notes
              - _Requirements: 1.1_
            - [ ]* 1.1 Write property test for tag round trips
              - _Requirements: 1.1_
            """)
        let head = try fixture.commit("tags")
        let decided = try Self.decisions(fixture, "\(base)..\(head)")
        #expect(decided["Requirement 1"]?.rule == "requirement-done", "\(decided["Requirement 1"].map { "\($0)" } ?? "")")
        #expect(decided["Task 1.1"]?.rule == "task-optional")
    }

    @Test func chineseOpenSpecTasksWithPrefixesAreReadByTheirVerb() throws {
        let fixture = try GitFixture()
        try fixture.write("src/export.ts", "export {}\n")
        let base = try fixture.commit("base")
        try fixture.write("openspec/changes/add-export/tasks.md", """
            ## 1. 导出

            - [ ] 1.1 任务 1：实现导出接口
            - [ ] 1.2 任务 2：记录验证结果
            - [ ] 1.3 审计导出权限
            - [ ] 1.4 在 `src/export.ts` 中添加 `exportAudit()` 审计日志
            """)
        let head = try fixture.commit("导出任务")
        let decided = try Self.decisions(fixture, "\(base)..\(head)")
        #expect(decided["Task 1.1"]?.action == "newImplementation")
        #expect(decided["Task 1.2"]?.rule == "task-not-code")
        #expect(decided["Task 1.3"]?.rule == "task-not-code")
        // Names a code file and a symbol: code work, whatever its words.
        #expect(decided["Task 1.4"]?.rule != "task-not-code")
    }
}
