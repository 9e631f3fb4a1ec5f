import AutodevTestSupport
import Foundation
import Testing

/// End to end (the built binary's `diff-events --explain --json` on real repositories): the
/// shapes of a history of pull-request merges that bring a spec together with its code — a
/// test or Gherkin file the task names made by the same merge, a task done in another file of
/// the module it names, a check or a test by hand written as a heading task with its fields, a
/// requirement removed together with its code, a template's table left unfilled. Fixtures by
/// hand, in English, Spanish and Chinese; each with a case that stays work.
@Suite struct MergeShapesTests {
    /// The decision whose requirement key ends with `suffix` (plain keys are heading paths).
    static func find(_ decided: [String: (action: String, rule: String, reason: String)], _ suffix: String)
        -> (action: String, rule: String, reason: String)? {
        decided.first { $0.key.hasSuffix(suffix) }?.value
    }

    /// As `StructureDecisionsTests.decisions`, the decisions about spec changes only: a deleted
    /// file's link gets a decision under the linking requirement's key too.
    static func specDecisions(_ fixture: GitFixture, _ range: String) throws -> [String: (action: String, rule: String, reason: String)] {
        let result = try AutodevBinary.run(["diff-events", "--explain", "--json", range], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try DiffEventsCommandTests.json(result)
        var byKey: [String: (String, String, String)] = [:]
        for decision in try #require(object["decisions"] as? [[String: Any]]) {
            guard let requirement = decision["requirement"] as? [String: Any], let key = requirement["key"] as? String,
                  let rule = decision["rule"] as? String, !rule.contains("link") else { continue }
            byKey[key] = (decision["action"] as! String, rule, decision["reason"] as! String)
        }
        return byKey
    }

    /// Commits `files` on a branch and merges it with a merge commit, as a pull request is.
    static func merge(_ fixture: GitFixture, _ name: String, _ files: [String: String], removing: [String] = []) throws -> String {
        _ = try fixture.git(["checkout", "-q", "-b", name])
        for (path, content) in files { try fixture.write(path, content) }
        for path in removing { try fixture.remove(path) }
        _ = try fixture.commit(name)
        _ = try fixture.git(["checkout", "-q", "-"])
        _ = try fixture.git(["merge", "-q", "--no-ff", "-m", "Merge pull request: \(name)", name])
        return try fixture.head()
    }

    @Test func aGherkinFileTheTaskNamesMadeByTheSameMergeIsItsImplementation() throws {
        let fixture = try GitFixture()
        try fixture.write("src/keys.rs", "pub fn press() {}\n")
        let base = try fixture.commit("base")
        let head = try Self.merge(fixture, "keys", [
            ".claude/specs/feature-keys/tasks.md": """
            # Tasks: Key presses

            ### T004: Send key presses

            **File(s)**: `src/keys.rs`
            **Type**: Modify

            ### T005: Create BDD feature file

            **File(s)**: `tests/features/key-press.feature`
            **Type**: Create

            ### T006: Add the chord scenarios

            **File(s)**: `tests/features/key-chords.feature`
            **Type**: Create
            """,
            ".claude/specs/feature-reservas/tasks.md": """
            # Tareas: Reservas

            ### T007: Crear el archivo de escenarios de reservas

            **Archivos**: `tests/features/reservas.feature`
            **Tipo**: Crear
            """,
            ".claude/specs/feature-jifen/tasks.md": """
            # 任务：积分

            ### T003: 编写积分场景文件

            **文件**：`tests/features/jifen.feature`
            **类型**：新建
            """,
            "src/keys.rs": "pub fn press() {}\npub fn chord() {}\n",
            "tests/features/key-press.feature": "Feature: key presses\n  Scenario: press Enter\n",
            "tests/features/reservas.feature": "Característica: reservas\n",
            "tests/features/jifen.feature": "功能: 积分\n",
        ])
        let decided = try Self.specDecisions(fixture, "\(base)..\(head)")
        for task in ["t005: create bdd feature file", "t007: crear el archivo de escenarios de reservas", "t003: 编写积分场景文件"] {
            let decision = Self.find(decided, task)
            #expect(decision?.rule == "implemented-alongside", "\(task): \(decision.map { "\($0)" } ?? "none") in \(decided.keys.sorted())")
        }
        // The chord scenarios' file was never made: still work.
        #expect(Self.find(decided, "t006: add the chord scenarios")?.action == "newImplementation",
                "\(Self.find(decided, "t006: add the chord scenarios").map { "\($0)" } ?? "none")")
    }

    @Test func aHeadingTaskWhoseTypeIsACheckOrThatTestsByHandWithAFixtureIsNotCode() throws {
        let fixture = try GitFixture()
        try fixture.write("src/media.rs", "pub fn play() {}\n")
        let base = try fixture.commit("base")
        try fixture.write(".claude/specs/feature-media/tasks.md", """
            # Tasks: Media controls

            ### T009: Smoke test against a real browser

            **File(s)**: (no file changes — run by hand)
            **Type**: Verify
            **Acceptance**:
            - [ ] `cargo build` succeeds
            - [ ] `media::play()` starts the first `<audio>` element

            ### T010: Manual smoke test against a headless browser

            **File(s)**: `tests/fixtures/media-page.html`
            **Type**: Create
            **Acceptance**:
            - [ ] The page holds two audio elements and `media::pause()` stops both

            ### T011: Add `media::seek()`

            **File(s)**: `src/media.rs`
            **Type**: Modify

            ### T012: Write the command reference section

            **File(s)**: `README.md`, `docs/commands.md`
            **Type**: Modify
            **Acceptance**:
            - [ ] Every subcommand of `media::play()` and `media::pause()` is listed
            """)
        try fixture.write(".claude/specs/feature-medios/tasks.md", """
            # Tareas: Controles de medios

            ### T008: Prueba de humo en un navegador real

            **Archivos**: ninguno (se ejecuta a mano)
            **Tipo**: Verificación
            **Aceptación**:
            - [ ] `medios::reproducir()` inicia el primer elemento
            """)
        try fixture.write(".claude/specs/feature-meiti/tasks.md", """
            # 任务：媒体控制

            ### T012: 在真实浏览器中冒烟测试

            **文件**：无
            **类型**：验证
            **验收**：
            - [ ] `meiti::bofang()` 播放第一个元素

            ### T013: 手动测试静音

            **文件**：`tests/fixtures/jingyin.html`
            **类型**：新建

            ### T014: 编写命令参考

            **文件**：`docs/mingling.md`
            **类型**：修改
            **验收**：
            - [ ] 列出 `meiti::bofang()` 的所有参数
            """)
        let head = try fixture.commit("media plans")
        let decided = try Self.specDecisions(fixture, "\(base)..\(head)")
        for task in ["t009: smoke test against a real browser", "t010: manual smoke test against a headless browser",
                     "t008: prueba de humo en un navegador real", "t012: 在真实浏览器中冒烟测试", "t013: 手动测试静音",
                     "t012: write the command reference section", "t014: 编写命令参考"] {
            let decision = Self.find(decided, task)
            #expect(decision?.rule == "task-not-code", "\(task): \(decision.map { "\($0)" } ?? "none") in \(decided.keys.sorted())")
        }
        #expect(Self.find(decided, "t011: add media::seek()")?.action == "newImplementation"
                    || Self.find(decided, "t011: add `media::seek()`")?.action == "newImplementation",
                "\(decided.filter { $0.key.contains("t011") })")
    }

    @Test func aTaskDoneInAnotherFileOfTheModuleItNamesByTheMergeThatDeliveredItsPlan() throws {
        let fixture = try GitFixture()
        try fixture.write("src/main.rs", "mod examples;\nfn main() {}\n")
        try fixture.write("src/store.rs", "pub fn load() {}\n")
        try fixture.write("src/examples/mod.rs", "pub mod commands;\n")
        try fixture.write("src/examples/commands.rs", "pub fn list() {}\n")
        try fixture.write("src/page.rs", "pub fn text() {}\n")
        try fixture.write("src/ejemplos/mod.rs", "pub mod comandos;\n")
        try fixture.write("src/ejemplos/comandos.rs", "pub fn listar() {}\n")
        let base = try fixture.commit("base")
        try fixture.write("src/cli.rs", "pub fn run() {}\n")
        _ = try fixture.commit("cli")
        // The merge splits src/page.rs into a folder module, as the plan's T003 did not foresee.
        let head = try Self.merge(fixture, "examples-script", [
            ".claude/specs/feature-examples-script/tasks.md": """
            # Tasks: Examples for scripts

            ### T001: Wire the script examples into the CLI

            **File(s)**: `src/main.rs`
            **Type**: Modify

            ### T002: Examples script built-in

            **File(s)**: `src/examples/script.rs` (new), or the existing examples dispatcher
            **Type**: Create

            ### T003: Deep text extraction

            **File(s)**: `src/page.rs`
            **Type**: Modify

            ### T004: Cache loaded stores

            **File(s)**: `src/store.rs`
            **Type**: Modify

            ### T005: Print the script listing

            **File(s)**: `src/cli.rs`
            **Type**: Modify
            """,
            ".claude/specs/feature-ejemplos/tareas.md": """
            # Tareas: Ejemplos de guiones

            ### T001: Registrar los ejemplos en `src/main.rs`

            **Archivos**: `src/main.rs`

            ### T002: Ejemplos de guiones integrados

            **Archivos**: `src/ejemplos/guion.rs` (nuevo)
            """,
            ".claude/specs/feature-shili/tasks.md": """
            # 任务：脚本示例

            ### T001: 在 `src/main.rs` 注册示例

            **文件**：`src/main.rs`

            ### T002: 内置脚本示例

            **文件**：`src/examples/jiaoben.rs`（新建）
            """,
            "src/main.rs": "mod examples;\nmod page;\nfn main() { examples::commands::list(); }\n",
            "src/cli.rs": "pub fn run() { println!(\"scripts\") }\n",
            "src/examples/commands.rs": "pub fn list() {}\npub fn script() {}\n",
            "src/page/mod.rs": "pub mod text;\n",
            "src/page/text.rs": "pub fn text(deep: bool) {}\n",
            "src/ejemplos/comandos.rs": "pub fn listar() {}\npub fn guion() {}\n",
        ], removing: ["src/page.rs"])
        let decided = try Self.specDecisions(fixture, "\(base)..\(head)")
        for task in ["t002: examples script built-in", "t003: deep text extraction", "t002: ejemplos de guiones integrados", "t002: 内置脚本示例"] {
            let decision = Self.find(decided, task)
            #expect(decision?.rule == "implemented-alongside", "\(task): \(decision.map { "\($0)" } ?? "none") in \(decided.keys.sorted())")
        }
        // Its module had no change: still work.
        #expect(Self.find(decided, "t004: cache loaded stores")?.action == "newImplementation",
                "\(Self.find(decided, "t004: cache loaded stores").map { "\($0)" } ?? "none")")
        try Self.aPlanCommittedBesideItsFirstStepsIsNotDeliveredByThem()
    }

    /// The guard of the same-module evidence: only the first of four steps is done in the
    /// commit that writes the plan, so the plan was not delivered with its code.
    static func aPlanCommittedBesideItsFirstStepsIsNotDeliveredByThem() throws {
        let fixture = try GitFixture()
        try fixture.write("src/examples/mod.rs", "pub mod commands;\n")
        try fixture.write("src/examples/commands.rs", "pub fn list() {}\n")
        try fixture.write("src/store.rs", "pub fn load() {}\n")
        try fixture.write("src/cli.rs", "pub fn run() {}\n")
        let base = try fixture.commit("base")
        // Only the first of four steps is done in the commit that writes the plan.
        try fixture.write(".claude/specs/feature-examples-script/tasks.md", """
            # Tasks: Examples for scripts

            ### T001: Add a list of script examples

            **File(s)**: `src/examples/commands.rs`

            ### T002: Examples script built-in

            **File(s)**: `src/examples/script.rs` (new)

            ### T003: Cache loaded stores

            **File(s)**: `src/store.rs`

            ### T004: Add the script flag

            **File(s)**: `src/cli.rs`
            """)
        try fixture.write("src/examples/commands.rs", "pub fn list() {}\npub fn scripts() {}\n")
        let head = try fixture.commit("plan and its first step")
        let decided = try Self.specDecisions(fixture, "\(base)..\(head)")
        #expect(Self.find(decided, "t002: examples script built-in")?.action == "newImplementation",
                "\(Self.find(decided, "t002: examples script built-in").map { "\($0)" } ?? "none")")
    }

    @Test func aRequirementRemovedTogetherWithItsCodeLeavesNothingToRetire() throws {
        let fixture = try GitFixture()
        try fixture.write("src/network.rs", "pub fn list(search: Option<&str>) {}\n")
        try fixture.write("src/export.rs", "pub fn csv() {}\n")
        try fixture.write("src/red.rs", "pub fn filtrar() {}\n")
        try fixture.write("src/sousuo.rs", "pub fn guolv() {}\n")
        try fixture.write(".claude/specs/feature-network/requirements.md", """
            # Requirements: Network listing

            ## Listing requests

            The CLI lists the page's requests as JSON.

            ## Search flag

            `network list --search <query>` keeps the requests whose URL holds the query (`src/network.rs`).

            ## CSV export

            The listing can be written as CSV (`src/export.rs`).
            """)
        try fixture.write(".claude/specs/feature-red/requisitos.md", """
            # Requisitos: Red

            ## Filtro por texto

            La opción `--filtro` conserva las peticiones cuya URL contiene el texto (`src/red.rs`).

            ## Listado

            La CLI muestra las peticiones.
            """)
        try fixture.write(".claude/specs/feature-sousuo/requirements.md", """
            # 需求：搜索

            ## 按关键字过滤

            `--guolv` 只保留 URL 含关键字的请求（`src/sousuo.rs`）。

            ## 列表

            命令行列出所有请求。
            """)
        let base = try fixture.commit("base")
        let head = try Self.merge(fixture, "temp-file-output", [
            ".claude/specs/feature-network/requirements.md": """
            # Requirements: Network listing

            ## Listing requests

            The CLI lists the page's requests as JSON.
            """,
            ".claude/specs/feature-red/requisitos.md": """
            # Requisitos: Red

            ## Listado

            La CLI muestra las peticiones.
            """,
            ".claude/specs/feature-sousuo/requirements.md": """
            # 需求：搜索

            ## 列表

            命令行列出所有请求。
            """,
            "src/network.rs": "pub fn list() {}\n",
            "src/red.rs": "pub fn listar() {}\n",
            "src/sousuo.rs": "pub fn liebiao() {}\n",
        ])
        let decided = try Self.specDecisions(fixture, "\(base)..\(head)")
        for key in ["search flag", "filtro por texto", "按关键字过滤"] {
            let decision = Self.find(decided, key)
            #expect(decision?.rule == "requirement-removed-alongside", "\(key): \(decision.map { "\($0)" } ?? "none") in \(decided.keys.sorted())")
        }
        // Its code was not touched: proposed for retirement.
        #expect(Self.find(decided, "csv export")?.action == "retireImplementation",
                "\(Self.find(decided, "csv export").map { "\($0)" } ?? "none")")
    }

    @Test func aTemplateTableLeftUnfilledIsNotARequirement() throws {
        let fixture = try GitFixture()
        try fixture.write("src/form.rs", "pub fn fill() {}\n")
        let base = try fixture.commit("base")
        try fixture.write(".claude/specs/bug-fix-textarea/design.md", """
            # Root cause: form fill skips textareas

            ## Fix

            `fill()` in `src/form.rs` sets the value of textareas through their `value` property.

            ## Alternatives Considered

            | Option | Description | Why Not Selected |
            |--------|-------------|------------------|
            | [Alternative fix] | [describe the approach] | [why the chosen approach is better] |

            *Omit this section if only one reasonable approach exists.*

            ## Rejected options

            | Option | Why not |
            |--------|---------|
            | Dispatch input events only | Frameworks ignore them on textareas |
            """)
        try fixture.write(".claude/specs/bug-fix-fecha/diseno.md", """
            # Causa: la fecha se pierde

            ## Alternativas consideradas

            | Opción | Descripción | Por qué no |
            |--------|-------------|------------|
            | [Solución alternativa] | [describir el enfoque] | [por qué la elegida es mejor] |
            """)
        try fixture.write(".claude/specs/bug-fix-riqi/design.md", """
            # 根因：日期丢失

            ## 备选方案

            | 方案 | 说明 | 未采用原因 |
            |------|------|------------|
            | [替代修复方案] | [描述该方法] | [为何所选方案更好] |
            """)
        let head = try fixture.commit("bug designs")
        let decided = try Self.specDecisions(fixture, "\(base)..\(head)")
        for key in ["alternatives considered", "alternativas consideradas", "备选方案"] {
            let decision = Self.find(decided, key)
            #expect(decision?.rule == "not-a-requirement", "\(key): \(decision.map { "\($0)" } ?? "none") in \(decided.keys.sorted())")
        }
        // A filled table is what the author wrote.
        #expect(Self.find(decided, "rejected options")?.rule != "not-a-requirement",
                "\(Self.find(decided, "rejected options").map { "\($0)" } ?? "none")")
    }
}
