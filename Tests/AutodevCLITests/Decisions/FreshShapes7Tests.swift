import AutodevTestSupport
import Foundation
import Testing

/// End to end (the built binary's `diff-events --explain --json` on real repositories): a test its
/// author disabled (`describe.skip`, `it.skip`, `test.todo`, `xit`, `@pytest.mark.skip`,
/// `@unittest.skip` on a class, Rust `#[ignore]`) asks for no code; it is a new test when its
/// author enables it, and then, with the code beside it, the test of that code. The shape of issue
/// 21's fifth fresh replay: a TypeScript history wrote each story's tests first inside
/// `describe.skip` ("TDD RED phase") and all 20 sampled work items (90 in all) were "implement what
/// it expects". Titles in English, Spanish and Chinese; fixtures written by hand.
@Suite struct FreshShapes7Tests {
    /// The test-added events of a range (path and test name) and the action decided for each.
    static func tests(_ fixture: GitFixture, _ range: String) throws -> [String: String] {
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", range], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        var names: [String: String] = [:]
        for event in try #require(object["events"] as? [[String: Any]]) where event["kind"] as? String == "testAdded" {
            names[event["id"] as! String] = event["detail"] as? String
        }
        var decided: [String: String] = [:]
        for decision in try #require(object["decisions"] as? [[String: Any]]) {
            if let id = decision["eventId"] as? String, let name = names[id] { decided[name] = decision["action"] as? String }
        }
        for name in names.values where decided[name] == nil { decided[name] = "none" }
        return decided
    }

    @Test func typeScriptTestsWrittenFirstAndDisabledAskForNoCodeUntilEnabled() throws {
        let fixture = try GitFixture()
        try fixture.write("package.json", "{\"name\": \"ledger\"}\n")
        try fixture.write("src/rows.ts", "export const rows = (text: string) => text.split('\\n')\n")
        let base = try fixture.commit("base")
        try fixture.write("src/import/importer.spec.ts", """
            import { importCsv } from './importer';

            describe.skip('importCsv', () => {
              describe('purchases', () => {
                it('creates a trade per purchase row', () => {
                  expect(importCsv('a').trades).toHaveLength(1);
                });
                test('rechaza una fila sin cuenta', () => {
                  expect(() => importCsv('')).toThrow();
                });
              });
            });

            describe('rows', () => {
              it('splits lines', () => {
                expect(rows('a\\nb')).toHaveLength(2);
              });
              it.skip('导入失败时报告每一行的错误', () => {});
              test.todo('keeps the original order');
              xit('ignora las líneas vacías', () => {});
            });
            """)
        let red = try fixture.commit("TDD red phase: tests for the importer, disabled")
        let first = try Self.tests(fixture, "\(base)..\(red)")
        // Only the enabled test is new; it tests code that exists (src/rows.ts is not touched, so it asks).
        #expect(Set(first.keys) == ["splits lines"], "\(first)")

        // The story that implements the importer enables its tests beside the code.
        try fixture.write("src/import/importer.spec.ts", """
            import { importCsv } from './importer';

            describe('importCsv', () => {
              describe('purchases', () => {
                it('creates a trade per purchase row', () => {
                  expect(importCsv('a').trades).toHaveLength(1);
                });
                test('rechaza una fila sin cuenta', () => {
                  expect(() => importCsv('')).toThrow();
                });
              });
            });

            describe('rows', () => {
              it('splits lines', () => {
                expect(rows('a\\nb')).toHaveLength(2);
              });
              it('导入失败时报告每一行的错误', () => {});
              test.todo('keeps the original order');
              xit('ignora las líneas vacías', () => {});
            });
            """)
        try fixture.write("src/import/importer.ts", "export function importCsv(text: string) { return { trades: [text] } }\n")
        let green = try fixture.commit("importer, tests enabled")
        let second = try Self.tests(fixture, "\(red)..\(green)")
        #expect(Set(second.keys) == ["creates a trade per purchase row", "rechaza una fila sin cuenta", "导入失败时报告每一行的错误"],
                "\(second)")
        for (name, action) in second {
            #expect(action != "implementToPassTest", "\(name): \(action)")
        }
    }

    @Test func pythonAndRustTestsSkippedByTheirAuthorAreNotTestsToPass() throws {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = \"inventario\"\n")
        try fixture.write("inventario/stock.py", "def stock():\n    return 0\n")
        try fixture.write("Cargo.toml", "[package]\nname = \"lager\"\nversion = \"0.1.0\"\n")
        try fixture.write("src/lib.rs", "pub fn lager() -> u32 { 0 }\n")
        let base = try fixture.commit("base")
        try fixture.write("tests/test_stock.py", """
            import unittest
            import pytest
            from inventario.stock import stock


            @pytest.mark.skip(reason="pendiente: la historia 3 implementa las reservas")
            def test_reserva_descuenta_stock():
                assert stock() == -1


            @pytest.mark.skipif(True, reason="only on CI")
            def test_on_ci_only():
                assert stock() == 0


            def test_stock_starts_empty():
                assert stock() == 0


            @unittest.skip("故事 4 实现")
            class TestTransfer(unittest.TestCase):
                def test_moves_units(self):
                    self.assertEqual(stock(), 2)

                def test_keeps_total(self):
                    self.assertEqual(stock(), 0)


            class TestCount(unittest.TestCase):
                def test_counts(self):
                    self.assertEqual(stock(), 0)
            """)
        try fixture.write("tests/lager.rs", """
            #[test]
            #[ignore]
            fn zählt_eingänge() {
                assert_eq!(lager::lager(), 3);
            }

            #[test]
            fn startet_leer() {
                assert_eq!(lager::lager(), 0);
            }
            """)
        let head = try fixture.commit("tests, some written ahead and skipped")
        let decided = try Self.tests(fixture, "\(base)..\(head)")
        #expect(Set(decided.keys) == ["test_on_ci_only", "test_stock_starts_empty", "TestCount.test_counts", "startet_leer"],
                "\(decided)")
    }

    /// BMAD stories of epics named by letters (`# Story AT.2: …`, `# Story K.3-TDD: …`,
    /// `# Story I1: …`) are stories: their open tasks are work and a finished story's are done.
    /// Issue 21's fifth fresh replay read every such story of a TypeScript history as context.
    @Test func storiesOfEpicsNamedByLettersAreReadAsStoriesInThreeLanguages() throws {
        let fixture = try GitFixture()
        try fixture.write("package.json", "{\"name\": \"ledger\"}\n")
        try fixture.write("src/app/summary/summary.service.ts", "export class SummaryService {}\n")
        let base = try fixture.commit("base")
        try fixture.write("docs/stories/AT.2.wire-account-summary.md", """
            # Story AT.2: Wire the account summary to the backend

            **Status:** Approved

            ## Story

            **As a** user **I want** the account summary to show real data **so that** I can trust it.

            ## Acceptance Criteria

            1. [ ] The summary shows the deposits of the selected account

            ## Tasks / Subtasks

            - [ ] Add an optional `accountId` parameter to `getSummary()` in `src/app/summary/summary.service.ts` (AC: 1)
            - [ ] Read the account id from the route in the account summary component (AC: 1)
            """)
        try fixture.write("docs/stories/K.3-TDD.pestanas.md", """
            # Story K.3-TDD: Pruebas de la pestaña seleccionada

            **Status:** Approved

            ## Tareas

            - [ ] Escribir pruebas unitarias para guardar la pestaña seleccionada en `src/app/tabs/tab-store.spec.ts`
            """)
        try fixture.write("docs/stories/I1.import-history.md", """
            # Story I1: 导入历史记录

            **Status:** Done

            ## Tasks / Subtasks

            - [x] 在 `src/app/import/history.ts` 中保存每次导入的结果
            """)
        let head = try fixture.commit("stories for epics AT, K and I")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        // Each open story is work (its tasks, or the story that carries them); the account-summary
        // story's file name ends in `summary`, but its heading says a story.
        for story in ["Story AT.2", "Story K.3-TDD"] {
            let mine = decided.filter { $0.key == story || $0.key.hasPrefix(story + " ") }
            #expect(mine.contains { $0.value.action == "newImplementation" }, "\(story): \(decided)")
        }
        let done = decided.filter { $0.key.hasPrefix("Story I1") }
        #expect(!done.isEmpty, "\(decided)")
        for (key, decision) in done {
            #expect(decision.action == "skip", "\(key): \(decision)")
        }
    }

    /// Tests enabled after the code they test was written (`describe.skip` removed, the store
    /// untouched) are tests of existing code: run the checks. A test named `x.signal-store.spec.ts`
    /// is named after `x.signal-store.ts` (a dotted name, as Angular and NestJS write them), and
    /// loads it with a dynamic `import()`; the fifth fresh replay proposed "implement what it
    /// expects" for such a store that had existed for months.
    @Test func testsEnabledForCodeThatExistsAreChecksNotWork() throws {
        let fixture = try GitFixture()
        try fixture.write("package.json", "{\"name\": \"ledger\"}\n")
        try fixture.write("src/app/store/current-account.signal-store.ts", "export const currentAccountSignalStore = {}\n")
        try fixture.write("src/app/store/current-account.interface.ts", "export interface CurrentAccount { id: string }\n")
        let disabled = """
            describe.skip('currentAccountSignalStore', () => {
              it('starts with an empty id', async () => {
                const mod = await import('./current-account.signal-store');
                expect(mod.currentAccountSignalStore).toBeDefined();
              });
              it('guarda la cuenta elegida', () => {});
              it('切换账户后更新选中的账户', () => {});
            });
            """
        try fixture.write("src/app/store/current-account.signal-store.spec.ts", disabled)
        let base = try fixture.commit("tests first, disabled")
        try fixture.write("src/app/store/current-account.signal-store.spec.ts",
                          disabled.replacingOccurrences(of: "describe.skip(", with: "describe("))
        let head = try fixture.commit("enable the store's tests")
        let decided = try Self.tests(fixture, "\(base)..\(head)")
        #expect(Set(decided.keys) == ["starts with an empty id", "guarda la cuenta elegida", "切换账户后更新选中的账户"], "\(decided)")
        for (name, action) in decided {
            #expect(action == "validate", "\(name): \(action)")
        }
    }

    /// A story whose status is only `Ready` (ready to be picked up), or ready for development in
    /// Spanish or Chinese, was written, not implemented, by a squash that adds it beside code;
    /// `Ready for Review` was. The fifth fresh replay read nine `Ready` stories added by an E2E
    /// commit as implemented alongside it.
    @Test(arguments: [("**Status:** Ready", false), ("**Estado:** Lista para desarrollo", false), ("**状态：** 待开发", false),
                      ("**Status:** Ready for Review", true)])
    func aStoryReadyToStartIsNotImplementedByTheCommitThatAddsIt(status: String, begun: Bool) throws {
        let fixture = try GitFixture()
        try fixture.write("package.json", "{\"name\": \"ledger\"}\n")
        try fixture.write("src/app/global/global-summary.html", "<div></div>\n")
        let base = try fixture.commit("base")
        try fixture.write("docs/stories/AT.1.tdd-account-summary.md", """
            # Story AT.1: Account summary wiring

            \(status)

            ## Tasks / Subtasks

            - [ ] Wire the account summary screen to the summary service
            """)
        try fixture.write("src/app/global/global-summary.html", "<div class=\"summary\"></div>\n")
        let head = try fixture.commit("feat(AS.10): e2e tests for the global summary")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        let task = decided["Story AT.1 Task 1"]
        // Written and begun (`Ready for Review`): no work, done or alongside; not begun: work.
        #expect(task?.action == (begun ? "skip" : "newImplementation"), "\(decided)")
    }
}
