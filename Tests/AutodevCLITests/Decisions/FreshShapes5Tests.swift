import AutodevTestSupport
import Foundation
import Testing

/// End to end (the built binary's `diff-events --explain --json` on real repositories): a task
/// that is a command line to run (`Label: \`command\``, `` `go test ./...` green``) or whose
/// output goes to `/tmp` is not code work — the shape of issue 21's fourth fresh replay, where
/// a Go refactoring plan's baseline, grep and smoke steps were 12 of 20 sampled work items.
/// English, Spanish, Chinese and German; tasks that ask for code beside a command stay work.
/// Fixtures written by hand.
@Suite struct FreshShapes5Tests {
    @Test func commandStepsAndScratchFolderStepsAreNotCodeWorkInEnglish() throws {
        let fixture = try GitFixture()
        try fixture.write("go.mod", "module example.com/shop\n")
        try fixture.write("internal/cart/cart.go", "package cart\n")
        let base = try fixture.commit("base")
        try fixture.write("specs/002-cart-split/tasks.md", """
            # Tasks: Split the cart package

            ## Phase 1: Baseline

            - [ ] T001 Record the test baseline: `go test ./internal/... > /tmp/cart-before.txt`
            - [ ] T002 [P] Lint baseline: `golangci-lint run --out-format json`
            - [ ] T003 `CGO_ENABLED=0 go build ./...` clean
            - [ ] T004 Tidy modules: `go mod tidy`
            - [ ] T005 Compare the rendered totals before and after the split (save both to /tmp/totals-{before,after}.json)

            ## Phase 2: Split

            - [ ] T006 Create the new folders: `mkdir -p internal/cart/pricing`
            - [ ] T007 Move price rules from internal/cart/cart.go to internal/cart/pricing/rules.go
            - [ ] T008 Lint gate: `golangci-lint run ./...` and fix every finding it reports
            - [ ] T009 Add a `--dry-run` flag to `cmd/shop/main.go`
            """)
        let head = try fixture.commit("cart split plan")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        for key in ["T001", "T002", "T003", "T004", "T005"] {
            #expect(decided[key]?.rule == "task-not-code", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
        }
        #expect(decided["T001"]?.reason.contains("runs a command") == true, "\(decided["T001"]?.reason ?? "")")
        #expect(decided["T005"]?.reason.contains("/tmp/totals-{before,after}.json") == true, "\(decided["T005"]?.reason ?? "")")
        // A label that asks for code, a named code file, a change after the command: work.
        for key in ["T006", "T007", "T008", "T009"] {
            #expect(decided[key]?.action == "newImplementation", "\(key): \(decided[key].map { "\($0)" } ?? "none")")
        }
    }

    @Test func spanishAndGermanCommandStepsAreChecksAndTheirCodeTasksStayWork() throws {
        let fixture = try GitFixture()
        try fixture.write("go.mod", "module example.com/reservas\n")
        try fixture.write("internal/salas/salas.go", "package salas\n")
        let base = try fixture.commit("base")
        try fixture.write("openspec/changes/add-reservas/tasks.md", """
            ## 1. Línea base

            - [ ] 1.1 Pruebas de referencia: `go test ./... -count=1`
            - [ ] 1.2 `go vet ./internal/...` sin avisos
            - [ ] 1.3 Guardar la salida del servidor en /tmp/reservas-antes.log para compararla

            ## 2. Reservas

            - [ ] 2.1 Crear `internal/reservas/reserva.go` con el tipo `Reserva`
            - [ ] 2.2 Carpeta del paquete: `mkdir -p internal/reservas` y añadir el archivo doc.go
            """)
        try fixture.write("openspec/changes/add-raeume/tasks.md", """
            ## 1. Vorbereitung

            - [ ] 1.1 Ausgangslage der Tests: `go test ./internal/salas/ -run TestRaum`
            - [ ] 1.2 Speicherbedarf messen und nach /tmp/speicher.txt schreiben

            ## 2. Räume

            - [ ] 2.1 Raumliste in `internal/salas/raeume.go` einlesen
            """)
        let head = try fixture.commit("planes")
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", "\(base)..\(head)"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        var bySpec: [String: (action: String, rule: String)] = [:]
        for decision in try #require(object["decisions"] as? [[String: Any]]) {
            guard let requirement = decision["requirement"] as? [String: Any], let key = requirement["key"] as? String,
                  let spec = requirement["spec"] as? String else { continue }
            let feature = spec.contains("reservas") ? "es" : "de"
            bySpec["\(feature) \(key)"] = (decision["action"] as! String, decision["rule"] as! String)
        }
        for key in ["es Task 1.1", "es Task 1.2", "es Task 1.3", "de Task 1.1", "de Task 1.2"] {
            #expect(bySpec[key]?.rule == "task-not-code", "\(key): \(bySpec[key].map { "\($0)" } ?? "none")")
        }
        for key in ["es Task 2.1", "es Task 2.2", "de Task 2.1"] {
            #expect(bySpec[key]?.action == "newImplementation", "\(key): \(bySpec[key].map { "\($0)" } ?? "none")")
        }
    }

    @Test func chineseKiroCommandStepsAreChecksAndACodeTaskStaysWork() throws {
        let fixture = try GitFixture()
        try fixture.write("package.json", "{\"name\": \"baobiao\"}\n")
        try fixture.write("src/report.ts", "export {}\n")
        let base = try fixture.commit("base")
        try fixture.write(".kiro/specs/baobiao/tasks.md", """
            # 实施计划

            - [ ] 1. 基线：`npx vitest run --reporter json > /tmp/baseline.json`
            - [ ] 2. 导出当前报表数据到 /tmp/report-before.csv 以便对比
            - [ ] 3. 在 `src/report.ts` 中按月份汇总订单金额
            - [ ] 4. 构建产物：`npm run build` 之后修复所有类型错误
            """)
        let head = try fixture.commit("报表计划")
        let decided = try StructureDecisionsTests.decisions(fixture, "\(base)..\(head)")
        #expect(decided["Task 1"]?.rule == "task-not-code", "\(decided["Task 1"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 2"]?.rule == "task-not-code", "\(decided["Task 2"].map { "\($0)" } ?? "none")")
        #expect(decided["Task 3"]?.action == "newImplementation", "\(decided["Task 3"].map { "\($0)" } ?? "none")")
        // 修复 (fix) after the command asks for a change: code work.
        #expect(decided["Task 4"]?.action == "newImplementation", "\(decided["Task 4"].map { "\($0)" } ?? "none")")
    }

    /// Rule per added test file in the range (`rule` of the decision about its `testAdded` event).
    static func testRules(_ fixture: GitFixture, _ range: String) throws -> [String: String] {
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", range], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        var pathOf: [String: String] = [:]
        for event in try #require(object["events"] as? [[String: Any]]) where event["kind"] as? String == "testAdded" {
            pathOf[event["id"] as! String] = event["path"] as? String
        }
        var rules: [String: String] = [:]
        for decision in try #require(object["decisions"] as? [[String: Any]]) {
            guard let path = pathOf[decision["eventId"] as! String] else { continue }
            rules[path] = decision["rule"] as? String
        }
        return rules
    }

    @Test func aGuardTestThatItsTickedTaskNamesIsDoneInEnglishSpanishAndChinese() throws {
        let fixture = try GitFixture()
        try fixture.write("go.mod", "module example.com/app\n")
        try fixture.write("internal/ports/ports.go", "package ports\n\ntype Store interface{ Get(id string) string }\n")
        try fixture.write("internal/capas/capas.go", "package capas\n\nconst Nombre = \"capas\"\n")
        try fixture.write("app/service.py", "def serve():\n    return 1\n")
        let base = try fixture.commit("base")
        // Guards that read the tree rather than call code, each with its task ticked beside it.
        try fixture.write("internal/ports/layers_guard_test.go", """
            package ports

            import "testing"

            func TestPortsImportNoAdapter(t *testing.T) { scanImports(t, ".", "example.com/app/internal/adapter") }
            """)
        try fixture.write("internal/capas/capas_guard_test.go", """
            package capas

            import "testing"

            func TestCapasSinRed(t *testing.T) { revisarImportaciones(t, "net/http") }
            """)
        try fixture.write("tests/test_layers.py", "import pathlib\n\ndef test_no_ui_in_core():\n    assert not list(pathlib.Path('core').glob('ui_*.py'))\n")
        // The same kind of test whose task is still open: a test waiting for code.
        try fixture.write("internal/ports/wire_guard_test.go", """
            package ports

            import "testing"

            func TestNoWireTypes(t *testing.T) { assertNoWire(t) }
            """)
        try fixture.write("openspec/changes/add-guards/tasks.md", """
            ## 1. Guards

            - [x] 1.1 Write the layering guard in `internal/ports/layers_guard_test.go`
            - [ ] 1.2 Write the wire guard in `internal/ports/wire_guard_test.go`
            """)
        try fixture.write(".kiro/specs/capas/tasks.md", """
            - [x] 3. Escribir la prueba de capas en `internal/capas/capas_guard_test.go`
            """)
        try fixture.write("specs/004-layers/tasks.md", """
            ## 阶段 2：守卫

            - [x] T010 在 `tests/test_layers.py` 中编写分层守卫测试
            """)
        let head = try fixture.commit("guards")
        let rules = try Self.testRules(fixture, "\(base)..\(head)")
        #expect(rules["internal/ports/layers_guard_test.go"] == "test-with-code", "\(rules)")
        #expect(rules["internal/capas/capas_guard_test.go"] == "test-with-code", "\(rules)")
        #expect(rules["tests/test_layers.py"] == "test-with-code", "\(rules)")
        #expect(rules["internal/ports/wire_guard_test.go"] == "test-added", "\(rules)")
    }

    /// Rules of the decisions about deleted code, by the spec of the requirement that links it.
    static func linkRules(_ fixture: GitFixture, _ range: String) throws -> [String: Set<String>] {
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", range], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        var rules: [String: Set<String>] = [:]
        for decision in try #require(object["decisions"] as? [[String: Any]]) {
            guard let rule = decision["rule"] as? String, rule == "code-breaks-link" || rule == "deleted-link-not-work",
                  let requirement = decision["requirement"] as? [String: Any], let spec = requirement["spec"] as? String else { continue }
            rules[spec, default: []].insert(rule)
        }
        return rules
    }

    @Test func aFeatureWhoseEveryLinkedFileGoesIsRemovedNotALostLinkInEnglishSpanishAndChinese() throws {
        let fixture = try GitFixture()
        try fixture.write("web/src/App.tsx", "export const App = () => null\n")
        try fixture.write("web/src/api.ts", "export const get = () => fetch('/api')\n")
        try fixture.write("serve_web.py", "def serve():\n    pass\n")
        try fixture.write("app/panel/lista.py", "def listar():\n    return []\n")
        try fixture.write("app/panel/filtro.py", "def filtrar(x):\n    return x\n")
        try fixture.write("app/baobiao/export.py", "def export():\n    pass\n")
        try fixture.write("app/baobiao/chart.py", "def chart():\n    pass\n")
        try fixture.write(".kiro/specs/web-ui/requirements.md", """
            # Requirements Document

            ### Requirement 1: Page shell

            1. THE shell in `web/src/App.tsx` SHALL show the navigation on every page.

            ### Requirement 2: API client

            1. THE client in `web/src/api.ts` SHALL call the backend.
            2. THE script `serve_web.py` SHALL serve the built files.
            """)
        try fixture.write(".kiro/specs/panel/requirements.md", """
            # Documento de requisitos

            ### Requisito 1: Listado

            1. EL panel SHALL listar las reservas con `app/panel/lista.py`.
            2. EL panel SHALL filtrar por sala con `app/panel/filtro.py`.
            """)
        try fixture.write(".kiro/specs/baobiao/requirements.md", """
            # 需求文档

            ### 需求 1：导出报表

            1. 系统 SHALL 通过 `app/baobiao/export.py` 导出月度报表。
            2. 系统 SHALL 用 `app/baobiao/chart.py` 画出趋势图。
            """)
        let base = try fixture.commit("base")
        // The front end and the script that served it go together; of the Spanish panel only
        // the filter goes, its list stays; the Chinese report feature goes as a whole.
        for path in ["web/src/App.tsx", "web/src/api.ts", "serve_web.py", "app/panel/filtro.py", "app/baobiao/export.py", "app/baobiao/chart.py"] {
            try fixture.remove(path)
        }
        let head = try fixture.commit("drop the web front end, the room filter and the report")
        let rules = try Self.linkRules(fixture, "\(base)..\(head)")
        #expect(rules[".kiro/specs/web-ui/requirements.md"] == ["deleted-link-not-work"], "\(rules)")
        #expect(rules[".kiro/specs/baobiao/requirements.md"] == ["deleted-link-not-work"], "\(rules)")
        #expect(rules[".kiro/specs/panel/requirements.md"] == ["code-breaks-link"], "\(rules)")
    }
}
