import AutodevTestSupport
import Foundation
import Testing

/// End to end (the built binary's `diff-events --explain --json` on real repositories): a
/// numbered task whose document lists numbered subtasks is a group, and its subtasks carry the
/// work — the shape a replay of an unseen Kiro project showed (5 of 20 sampled work items were
/// parents queued beside their subtasks). Flat and nested lists, in English, Spanish and
/// Chinese; a parent with only optional subtasks, or none, is still work. Fixtures by hand.
@Suite struct FreshShapes3Tests {
    @Test func aParentTaskOverItsSubtasksIsAGroupNotASecondPieceOfWork() throws {
        let fixture = try GitFixture()
        try fixture.write("server/app.ts", "export const app = {}\n")
        let base = try fixture.commit("base")
        // Flat, as some plans write it: the subtasks are siblings of their parent.
        try fixture.write(".kiro/specs/orders/tasks.md", """
            # Implementation Plan

            - [ ] 3. Build the order API
            - [ ] 3.1 Add a POST /orders route that stores an order
              - Validate the quantity and the product id
            - [ ] 3.2 Add a GET /orders/:id route
            - [ ] 4. Send a receipt email when an order is paid
              - Render the receipt from the order lines
            """)
        let head = try fixture.commit("order plan")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        #expect(decided["Task 3"]?.rule == "task-group", "\(decided["Task 3"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 3"]?.reason.contains("Task 3.1, Task 3.2") == true, "\(decided["Task 3"]?.reason ?? "")")
        #expect(decided["Task 3.1"]?.action == "newImplementation")
        #expect(decided["Task 3.2"]?.action == "newImplementation")
        // No subtasks: the task is its own work.
        #expect(decided["Task 4"]?.action == "newImplementation", "\(decided["Task 4"].map { "\($0)" } ?? "none")")
    }

    @Test func aSpanishNestedGroupAndAChineseFlatGroupAreGroupsInTheirLanguage() throws {
        let fixture = try GitFixture()
        try fixture.write("src/agenda.ts", "export {}\n")
        let base = try fixture.commit("base")
        try fixture.write(".kiro/specs/agenda/tasks.md", """
            # Plan de implementación

            - [ ] 2. Implementar las reservas de salas
              - [ ] 2.1 Crear el modelo de reserva con fecha y sala
                - _Requisitos: 1.1_
              - [x] 2.2 Impedir dos reservas de la misma sala a la misma hora
            - [ ] 5. Exportar la agenda a un archivo iCal
            """)
        try fixture.write(".kiro/specs/jifen/tasks.md", """
            # 实施计划

            - [ ] 1. 实现积分系统
            - [ ] 1.1 创建积分账户表和读写接口
            - [ ] 1.2 每笔订单完成后按金额增加积分
            """)
        let head = try fixture.commit("planes")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        #expect(decided["Task 2"]?.rule == "task-group", "\(decided["Task 2"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 2"]?.reason.contains("1 open") == true, "\(decided["Task 2"]?.reason ?? "")")
        #expect(decided["Task 2.1"]?.action == "newImplementation")
        #expect(decided["Task 5"]?.action == "newImplementation")
        #expect(decided["Task 1"]?.rule == "task-group", "\(decided["Task 1"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 1.1"]?.action == "newImplementation")
        #expect(decided["Task 1.2"]?.action == "newImplementation")
    }

    @Test func aParentWhoseOnlySubtaskIsOptionalIsStillWork() throws {
        let fixture = try GitFixture()
        try fixture.write("src/tags.ts", "export {}\n")
        let base = try fixture.commit("base")
        try fixture.write(".kiro/specs/tags/tasks.md", """
            - [ ] 1. Store tags on notes in src/tags.ts
              - Keep them sorted and unique
            - [ ]* 1.1 Write a property test for tag round trips
            """)
        let head = try fixture.commit("tags")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        #expect(decided["Task 1"]?.rule != "task-group", "\(decided["Task 1"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 1"] != nil)
        #expect(decided["Task 1.1"]?.rule == "task-optional")
    }
}

/// End to end: an edit to a plain Markdown spec's header fields, or a dated change-history
/// table added to it, changes no requirement — the shape of a Rust project's "upgrade the
/// project contract" commit that became 227 pieces of work.
@Suite struct PlainHeaderEditTests {
    @Test func renamingHeaderFieldsAndAddingAHistoryTableMakesNoWork() throws {
        let fixture = try GitFixture()
        try fixture.write("src/keys.rs", "pub fn press() {}\n")
        try fixture.write("specs/keyboard/requirements.md", """
            # Requirements: Keyboard Input

            **Issue**: #15
            **Related Spec**: `.claude/specs/typing/`

            ---

            ## Pressing keys

            The CLI sends a key press to the focused element (`src/keys.rs`).
            """)
        try fixture.write("specs/reservas/requisitos.md", """
            # Requisitos: Reservas

            **Estado**: Borrador

            ## Reservar una sala

            El sistema guarda la reserva con la sala y la fecha en `src/keys.rs`.
            """)
        let base = try fixture.commit("specs")
        try fixture.write("specs/keyboard/requirements.md", """
            # Requirements: Keyboard Input

            **Issues**: #15
            **Related Spec**: specs/typing/

            ---

            ## Pressing keys

            The CLI sends a key press to the focused element (`src/keys.rs`).

            ## Change History

            | Issue | Date | Summary |
            |-------|------|---------|
            | #15 | 2026-02-13 | Initial feature spec |
            """)
        try fixture.write("specs/reservas/requisitos.md", """
            # Requisitos: Reservas

            **Estado**: Aprobado
            **Autora**: Ana

            ## Reservar una sala

            El sistema guarda la reserva con la sala y la fecha en `src/keys.rs`.

            ## Registro

            | Cambio | Fecha |
            |---|---|
            | Primera versión | 03/02/2026 |
            """)
        let head = try fixture.commit("upgrade the project contract")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        let work = decided.filter { ["newImplementation", "updateImplementation", "retireImplementation"].contains($0.value.action) }
        #expect(work.isEmpty, "\(work)")
    }
}

/// End to end: splitting a Rust file module into a folder module (`src/page.rs` →
/// `src/page/mod.rs` and siblings), or a Python one (`app/store.py` → `app/store/__init__.py`),
/// breaks no link of the tasks that created it; deleting the module outright still does.
@Suite struct ModuleSplitTests {
    static func linkRules(_ fixture: GitFixture, _ range: String) throws -> [String] {
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", range], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        return try #require(object["decisions"] as? [[String: Any]]).compactMap { $0["rule"] as? String }
            .filter { $0 == "code-breaks-link" || $0 == "deleted-link-not-work" }
    }

    @Test func aFileModuleSplitIntoAFolderModuleBreaksNoLink() throws {
        let fixture = try GitFixture()
        try fixture.write("src/page.rs", "pub fn shot(full: bool) -> Vec<u8> {\n    if full { vec![1] } else { vec![] }\n}\n")
        try fixture.write("app/store.py", "import json\n\ndef save(shot, path):\n    json.dump(shot, open(path, \"w\"))\n")
        try fixture.write("specs/shots/tasks.md", """
            # Tasks: Screenshots

            ### T001: Add the screenshot command

            **File(s)**: `src/page.rs`

            ### T002: Guardar las capturas

            **Archivos**: `app/store.py`
            """)
        let base = try fixture.commit("shots")
        try fixture.remove("src/page.rs")
        try fixture.remove("app/store.py")
        try fixture.write("src/page/mod.rs", "mod shot;\npub use shot::*;\n")
        try fixture.write("src/page/shot.rs", "pub fn capture() -> Vec<u8> { Vec::new() }\n")
        try fixture.write("app/store/__init__.py", "from .files import save\n")
        try fixture.write("app/store/files.py", "def write(data, target):\n    target.write(data)\n")
        let split = try fixture.commit("split the modules")
        let rules = try Self.linkRules(fixture, "\(base)..\(split)")
        #expect(!rules.isEmpty && !rules.contains("code-breaks-link"), "\(rules)")
    }

    @Test func aModuleDeletedWithoutItsOtherFormStillBreaksItsLink() throws {
        let fixture = try GitFixture()
        try fixture.write("src/page.rs", "pub fn shot() {}\n")
        try fixture.write("src/main.rs", "fn main() {}\n")
        try fixture.write("specs/shots/tasks.md", """
            # Tasks: Screenshots

            ### T001: Add the screenshot command

            **File(s)**: `src/page.rs`
            """)
        let base = try fixture.commit("shots")
        try fixture.remove("src/page.rs")
        let gone = try fixture.commit("drop the page module")
        #expect(try Self.linkRules(fixture, "\(base)..\(gone)") == ["code-breaks-link"])
    }
}
