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
}
