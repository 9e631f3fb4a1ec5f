@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// A document's title is part of each plain section's key (`Title > Section`), so a new title
/// re-keys every section of it. A section is its content, not its key: a retitled document
/// keeps its sections, and a section whose body was rewritten under the new title is that
/// section changed, not one requirement retired beside a new one. Seen on a public history
/// where one merge retitled a design and a task list ("… with Guided Search …" → "… with Temp
/// File Output") and every one of their sections was read as removed and added. Hand-written
/// documents in English, Spanish and Chinese.
@Suite struct DocumentTitleIdentityTests {
    /// A plain design document: a title over its fields (as the retitled documents had), then
    /// sections with a paragraph each.
    static func design(_ title: String, _ sections: [(String, String)]) -> String {
        "# \(title)\n\n**Issues**: #12\n**Status**: Draft\n\n"
            + sections.map { "## \($0.0)\n\n\($0.1)\n" }.joined(separator: "\n")
    }

    struct Language: Sendable, CustomStringConvertible {
        var name: String
        var title: String
        var retitled: String
        var retitledAgain: String
        var sections: [(String, String)]
        /// The section rewritten in the last commit, and its new body.
        var edited: Int
        var rewrite: String
        var description: String { name }
    }

    static let languages: [Language] = [
        Language(name: "English", title: "Design: Report Export with CSV Download",
                 retitled: "Design: Report Export with Spreadsheet Output",
                 retitledAgain: "Design: Report Export to Spreadsheets and PDF",
                 sections: [
                     ("Data Model", "Each exported row holds the account name, the period start date, the total amount in cents and the currency code."),
                     ("Error Handling", "When the report query fails, the export endpoint answers 503 with a retry hint and logs the query id."),
                     ("Performance", "Exports of up to fifty thousand rows stream in pages of one thousand rows so that memory stays flat."),
                     ("Access Control", "Only members of the finance group may start an export; everyone else gets 403 and an audit entry."),
                 ],
                 edited: 1,
                 rewrite: "A failed export is retried three times two seconds apart; after the third failure the user sees a banner with a link to support."),
        Language(name: "Spanish", title: "Diseño: Exportación de informes en CSV",
                 retitled: "Diseño: Exportación de informes a hoja de cálculo",
                 retitledAgain: "Diseño: Exportación de informes a hoja de cálculo y PDF",
                 sections: [
                     ("Modelo de datos", "Cada fila exportada contiene el nombre de la cuenta, la fecha de inicio del periodo, el importe total en céntimos y la moneda."),
                     ("Gestión de errores", "Si la consulta del informe falla, el servicio responde 503 con una pista de reintento y registra el identificador de la consulta."),
                     ("Rendimiento", "Las exportaciones de hasta cincuenta mil filas se envían por páginas de mil filas para que la memoria no crezca."),
                     ("Control de acceso", "Solo los miembros del grupo de finanzas pueden iniciar una exportación; los demás reciben 403 y una entrada de auditoría."),
                 ],
                 edited: 2,
                 rewrite: "El archivo se genera en segundo plano y se avisa al usuario por correo con un enlace que caduca a las veinticuatro horas."),
        Language(name: "Chinese", title: "设计：报表导出为 CSV",
                 retitled: "设计：报表导出为电子表格",
                 retitledAgain: "设计：报表导出为电子表格和 PDF",
                 sections: [
                     ("数据模型", "每一行导出数据包含账户名称、周期开始日期、以分为单位的总金额和货币代码。"),
                     ("错误处理", "报表查询失败时，导出接口返回 503 并附带重试提示，同时记录查询编号。"),
                     ("性能", "最多五万行的导出按每页一千行分批输出，内存占用保持平稳。"),
                     ("访问控制", "只有财务组成员可以发起导出；其他用户收到 403，并写入一条审计记录。"),
                 ],
                 edited: 2,
                 rewrite: "导出文件在后台生成，完成后通过邮件发送下载链接，链接二十四小时后失效。"),
    ]

    static let path = ".claude/specs/report-export/design.md"

    /// The decisions of a range as `action key [rule]`, and the report they came from.
    static func decisions(_ fixture: GitFixture, _ range: String) throws -> (lines: [String], report: DiffEventsReport) {
        let report = try DecisionHistoryTests.report(fixture, range)
        let decisions = try #require(report.decisions)
        return (decisions.map { "\($0.action.rawValue) \($0.requirement?.key ?? "?") [\($0.rule)]" }, report)
    }

    @Test(arguments: languages)
    func aNewTitleKeepsEverySectionAndARewrittenBodyIsOneChange(language: Language) throws {
        let fixture = try GitFixture()
        try fixture.write(Self.path, Self.design(language.title, language.sections))
        let c0 = try fixture.commit("design")

        // 1. Only the title changes: no work, nothing retired.
        try fixture.write(Self.path, Self.design(language.retitled, language.sections))
        let c1 = try fixture.commit("retitle")
        let (retitle, _) = try Self.decisions(fixture, "\(c0)..\(c1)")
        #expect(retitle.allSatisfy { $0.hasPrefix("skip ") }, "\(retitle)")
        #expect(!retitle.contains { $0.contains("removed") || $0.contains("added") }, "\(retitle)")

        // 2. The title changes again and one section's body is rewritten: exactly that section
        // is a change, under its new key and with its old one as its history.
        var sections = language.sections
        sections[language.edited].1 = language.rewrite
        try fixture.write(Self.path, Self.design(language.retitledAgain, sections))
        let c2 = try fixture.commit("retitle and rewrite one section")
        let (edit, report) = try Self.decisions(fixture, "\(c1)..\(c2)")
        let heading = SpecText.headingKey(language.sections[language.edited].0)
        let newKey = SpecText.headingKey(language.retitledAgain) + " > " + heading
        let oldKey = SpecText.headingKey(language.retitled) + " > " + heading
        let work = edit.filter { !$0.hasPrefix("skip ") }
        #expect(work.count == 1, "\(edit)")
        #expect(work.first?.contains(" \(newKey) [requirement-changed") == true, "\(edit)")
        #expect(!edit.contains { $0.contains("removed") || $0.contains("added") }, "\(edit)")
        let change = report.decisions?.first { $0.requirement?.key == newKey }?.requirement
        #expect(change?.previousKey == oldKey)
        #expect(change?.change == .renamed)
    }

    /// A new title pairs a section only with the one in its place: a section deleted in the
    /// same commit is still a removal, and the sections that stayed are no work.
    @Test func aSectionGoneUnderANewTitleIsStillRemoved() throws {
        let fixture = try GitFixture()
        let language = Self.languages[0]
        try fixture.write(Self.path, Self.design(language.title, language.sections))
        let c0 = try fixture.commit("design")
        try fixture.write(Self.path, Self.design(language.retitled, Array(language.sections.dropLast())))
        let c1 = try fixture.commit("retitle and drop access control")
        let (lines, _) = try Self.decisions(fixture, "\(c0)..\(c1)")
        let oldKey = SpecText.headingKey(language.title) + " > access control"
        let removed = lines.filter { $0.contains("removed") }
        #expect(removed.count == 1 && removed.first?.contains(" \(oldKey) [") == true, "\(lines)")
        #expect(lines.filter { !$0.hasPrefix("skip ") && !$0.hasPrefix("retireImplementation ") }.isEmpty, "\(lines)")
    }

    // MARK: A heading re-annotated in place

    /// A section whose heading gained a note (`(Unchanged)`, `[COMPLETED]`, `(sin cambios)`,
    /// `（不变）`) or lost the "New" before it, over a body rewritten in the same commit.
    struct NoteCase: Sendable, CustomStringConvertible {
        var name: String
        var title: String
        var sections: [(String, String)]
        /// The section re-annotated, its new heading and its new body (still citing its code).
        var noted: Int
        var heading: String
        var rewrite: String
        var description: String { name }
    }

    static let code = "src/export_settings.py"

    static let noteCases: [NoteCase] = [
        NoteCase(name: "English (Unchanged), New dropped", title: "Design: Report Export",
                 sections: [
                     ("Data Model", "Each exported row holds the account name, the period start date, the total amount in cents and the currency code."),
                     ("New Export Settings", "Add the page size, the currency and the date format of each row to `\(code)`, read once at start-up."),
                 ],
                 noted: 1, heading: "Export Settings (Unchanged)",
                 rewrite: "Nothing moves here: `\(code)` keeps its three keys as they were before this release."),
        NoteCase(name: "English [COMPLETED, updated by …]", title: "Design: Report Export",
                 sections: [
                     ("Data Model", "Each exported row holds the account name, the period start date, the total amount in cents and the currency code."),
                     ("Export Settings", "Add the page size, the currency and the date format of each row to `\(code)`, read once at start-up."),
                 ],
                 noted: 1, heading: "Export Settings [COMPLETED, updated by #177]",
                 rewrite: "Shipped in 1.4: `\(code)` was released with three keys and a migration for older files."),
        NoteCase(name: "Spanish (sin cambios)", title: "Diseño: Exportación de informes",
                 sections: [
                     ("Modelo de datos", "Cada fila exportada contiene el nombre de la cuenta, la fecha de inicio del periodo, el importe total en céntimos y la moneda."),
                     ("Ajustes de exportación", "Añadir a `\(code)` el tamaño de página, la moneda y el formato de fecha de cada fila, leídos al arrancar."),
                 ],
                 noted: 1, heading: "Ajustes de exportación (sin cambios)",
                 rewrite: "Nada cambia aquí: `\(code)` conserva sus tres claves tal como estaban antes de esta versión."),
        NoteCase(name: "Chinese （不变）", title: "设计：报表导出",
                 sections: [
                     ("数据模型", "每一行导出数据包含账户名称、周期开始日期、以分为单位的总金额和货币代码。"),
                     ("导出设置", "在 `\(code)` 中加入每页行数、货币和日期格式，启动时读取一次。"),
                 ],
                 noted: 1, heading: "导出设置（不变）",
                 rewrite: "此处没有变化：`\(code)` 保留原有的三个配置项，与上一版本相同。"),
    ]

    /// A heading that only gained a note (or lost its "New") is the section it was: with its
    /// body rewritten in the same commit it is that section renamed, not a removal proposing to
    /// retire the code it cites beside an addition. Seen on a public merge: `src/config.rs` →
    /// `src/config.rs (Unchanged)` and `New Config File Key` → `Config File Key (Unchanged)`.
    @Test(arguments: noteCases)
    func aHeadingThatGainedANoteKeepsItsSection(note: NoteCase) throws {
        let fixture = try GitFixture()
        try fixture.write(Self.code, "PAGE_SIZE = 1000\nCURRENCY = \"EUR\"\nDATE_FORMAT = \"%Y-%m-%d\"\n")
        try fixture.write(Self.path, Self.design(note.title, note.sections))
        let c0 = try fixture.commit("design and settings")
        var sections = note.sections
        sections[note.noted] = (note.heading, note.rewrite)
        try fixture.write(Self.path, Self.design(note.title, sections))
        let c1 = try fixture.commit("annotate the settings section")
        let (lines, report) = try Self.decisions(fixture, "\(c0)..\(c1)")
        let title = SpecText.headingKey(note.title)
        let oldKey = title + " > " + SpecText.headingKey(note.sections[note.noted].0)
        let newKey = title + " > " + SpecText.headingKey(note.heading)
        #expect(!lines.contains { $0.hasPrefix("retireImplementation ") || $0.contains("removed") || $0.contains("added") }, "\(lines)")
        let change = report.decisions?.first { $0.requirement?.key == newKey }?.requirement
        #expect(change?.change == .renamed, "\(lines)")
        #expect(change?.previousKey == oldKey, "\(lines)")
    }

    /// A note pairs a heading only with the same heading: another section gone while a new one
    /// says "(Unchanged)" is still a removal and an addition.
    @Test func aNoteDoesNotPairDifferentHeadings() throws {
        let fixture = try GitFixture()
        let note = Self.noteCases[1]
        try fixture.write(Self.code, "PAGE_SIZE = 1000\n")
        try fixture.write(Self.path, Self.design(note.title, note.sections))
        let c0 = try fixture.commit("design and settings")
        var sections = note.sections
        sections[note.noted] = ("Import Settings (Unchanged)", note.rewrite)
        try fixture.write(Self.path, Self.design(note.title, sections))
        let c1 = try fixture.commit("replace the settings section")
        let (lines, _) = try Self.decisions(fixture, "\(c0)..\(c1)")
        let oldKey = SpecText.headingKey(note.title) + " > export settings"
        #expect(lines.contains { $0.contains(" \(oldKey) [requirement-removed") }, "\(lines)")
    }

    /// Two headings that both carry a parenthesis name what a section is about, not how it
    /// stands: `Export Data (CSV Rows)` → `Export Data (Spreadsheet Cells)` with a new body is
    /// still the old section removed beside a new one.
    @Test func twoQualifiersAreNotANoteGained() throws {
        let fixture = try GitFixture()
        let note = Self.noteCases[0]
        try fixture.write(Self.code, "PAGE_SIZE = 1000\n")
        var sections = note.sections
        sections[1].0 = "Export Data (CSV Rows)"
        try fixture.write(Self.path, Self.design(note.title, sections))
        let c0 = try fixture.commit("design and settings")
        sections[1] = ("Export Data (Spreadsheet Cells)", note.rewrite)
        try fixture.write(Self.path, Self.design(note.title, sections))
        let c1 = try fixture.commit("rewrite the export data section")
        let (lines, _) = try Self.decisions(fixture, "\(c0)..\(c1)")
        let oldKey = SpecText.headingKey(note.title) + " > export data (csv rows)"
        #expect(lines.contains { $0.contains(" \(oldKey) [requirement-removed") }, "\(lines)")
    }

    // MARK: A task superseded by another

    /// A task list whose second task is then superseded: its heading stays, struck through or
    /// marked, its body goes, and a new task takes its work over.
    static func tasks(_ second: String?, _ third: (String, String)?) -> String {
        var text = """
            # Tasks: Report Export

            ## Phase 1: Setup

            ### T001: Create export settings module

            **File(s)**: `src/export_settings.py`
            **Type**: Create
            **Acceptance**:
            - [x] Settings hold the page size, the currency and the date format

            ## Phase 2: Testing

            """
        if let second {
            text += "### \(second)\n\n"
        } else {
            text += """
                ### T002: Create BDD feature file

                **File(s)**: `tests/features/export.feature`
                **Type**: Create
                **Acceptance**:
                - [x] Every acceptance criterion of the export has a scenario

                """
        }
        if let third {
            text += """
                ## Phase 3: \(third.0)

                ### T003: \(third.1)

                **File(s)**: `tests/features/export.feature`
                **Type**: Modify
                **Acceptance**:
                - [ ] Scenarios cover the spreadsheet download and its column order

                """
        }
        return text
    }

    /// A task its author struck through and marked superseded by another (`### T011: ~~Create
    /// BDD Feature File~~ [SUPERSEDED by T021]`, seen on a public merge that proposed to retire
    /// the feature file T021 goes on to update) was withdrawn, not removed: no retirement. The
    /// new task is still work.
    @Test(arguments: [
        ("T002: ~~Create BDD feature file~~ [SUPERSEDED by T003]", "Spreadsheet output", "Update BDD feature file for spreadsheet output"),
        ("T002: ~~Create BDD feature file~~ (reemplazada por T003)", "Hoja de cálculo", "Actualizar el archivo de escenarios para la hoja de cálculo"),
        ("T002: ~~Create BDD feature file~~（已被 T003 取代）", "电子表格输出", "更新 BDD 场景文件以覆盖电子表格下载"),
        ("T002: ~~Create BDD feature file~~", "Spreadsheet output", "Update BDD feature file for spreadsheet output"),
    ])
    func aSupersededTaskIsNotRetired(heading: String, phase: String, task: String) throws {
        let fixture = try GitFixture()
        let path = ".claude/specs/report-export/tasks.md"
        try fixture.write(Self.code, "PAGE_SIZE = 1000\n")
        try fixture.write("tests/features/export.feature", "Feature: export\n")
        try fixture.write(path, Self.tasks(nil, nil))
        let c0 = try fixture.commit("tasks")
        try fixture.write(path, Self.tasks(heading, (phase, task)))
        let c1 = try fixture.commit("supersede T002")
        let (lines, _) = try Self.decisions(fixture, "\(c0)..\(c1)")
        #expect(!lines.contains { $0.hasPrefix("retireImplementation ") }, "\(lines)")
        #expect(lines.contains { $0.contains(" > t002: create bdd feature file [requirement-withdrawn]") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("newImplementation ") && $0.contains(" > t003: ") }, "\(lines)")
    }

    /// A task removed with no heading left behind is still proposed for retirement.
    @Test func aTaskRemovedOutrightIsStillRetired() throws {
        let fixture = try GitFixture()
        let path = ".claude/specs/report-export/tasks.md"
        try fixture.write(Self.code, "PAGE_SIZE = 1000\n")
        try fixture.write("tests/features/export.feature", "Feature: export\n")
        try fixture.write(path, Self.tasks(nil, nil))
        let c0 = try fixture.commit("tasks")
        try fixture.write(path, Self.tasks("T009: Review the export with finance", nil))
        let c1 = try fixture.commit("drop T002")
        let (lines, _) = try Self.decisions(fixture, "\(c0)..\(c1)")
        #expect(lines.contains { $0.hasPrefix("retireImplementation ") && $0.contains(" > t002: create bdd feature file [requirement-removed]") }, "\(lines)")
    }
}
