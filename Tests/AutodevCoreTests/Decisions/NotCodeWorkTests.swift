@testable import AutodevCore
import Testing

/// One hand-written task title with what a person would call it.
struct TaskExample: CustomStringConvertible, Sendable {
    var title: String
    var paths: [String] = []
    var spans: [String] = []
    var notCode: Bool

    init(_ title: String, paths: [String] = [], spans: [String] = [], notCode: Bool) {
        self.title = title
        self.paths = paths
        self.spans = spans
        self.notCode = notCode
    }

    var description: String { title }

    var decided: Bool { NotCodeWork.reason(title: title, paths: paths, codeSpans: spans) != nil }
}

/// The lexicon's measurement. `tuning` items were written while the rules were written; the
/// `heldOut` items were written before the first run and never used to change a word. Both in
/// English, Spanish, Chinese, German and French, by hand (no text copied from a repository).
enum NotCodeTable {
    static let tuning: [TaskExample] = [
        // English
        TaskExample("Task 12: Manual End-to-End Testing (AC: All)", notCode: true),
        TaskExample("Run targeted tests for change parsing", notCode: true),
        TaskExample("Rebase this change on latest main before implementation", notCode: true),
        TaskExample("Confirm current required-checks list with repo owner", notCode: true),
        TaskExample("Verify performance meets baseline", notCode: true),
        TaskExample("Add pagination/footer spec details", notCode: true),
        TaskExample("Update README.md with the new watch flag", paths: ["README.md"], notCode: true),
        TaskExample("Document the export API", notCode: true),
        TaskExample("Implement validation configuration documentation", notCode: true),
        TaskExample("Self-review: ensure all install commands use the new name", notCode: true),
        TaskExample("Search for any remaining references to the old package", notCode: true),
        TaskExample("Implement the docs parser", notCode: false),
        TaskExample("Review error messages with the design team", notCode: true),
        TaskExample("Publish the package to npm", notCode: true),
        TaskExample("Add count_completed() to MemoryStore in src/storage/memory_store.py",
                 paths: ["src/storage/memory_store.py"], notCode: false),
        TaskExample("Runtime guard for the lane transition", notCode: false),
        TaskExample("Add tests for the reducer", notCode: false),
        TaskExample("Validate the config schema", notCode: false),
        TaskExample("Implement merge resolution", notCode: false),
        TaskExample("Reviewer role in the state model", notCode: false),
        TaskExample("Pushdown filters in queries", notCode: false),
        TaskExample("Notify subscribers when an export finishes", notCode: false),
        TaskExample("Schedule nightly backups of the database", notCode: false),
        TaskExample("Manual smoke test of installScope", spans: ["installScope"], notCode: false),
        TaskExample("Implement the parser described in docs/parser.md", paths: ["docs/parser.md"], notCode: false),
        // Spanish
        TaskExample("Tarea 3: Validación manual del flujo de pago", notCode: true),
        TaskExample("Documentar la API de pedidos", notCode: true),
        TaskExample("Actualizar la documentación de instalación", notCode: true),
        TaskExample("Revisar los textos con el equipo legal", notCode: true),
        TaskExample("Desplegar en producción", notCode: true),
        TaskExample("Tarea 4.4: Crear el componente CarritoResumen", spans: ["CarritoResumen"], notCode: false),
        TaskExample("Agregar validación de correo en el formulario de registro", notCode: false),
        TaskExample("Eliminar archivos de implementación offline anterior", notCode: false),
        // Chinese
        TaskExample("任务 2：记录验证结果", notCode: true),
        TaskExample("审计权限配置", notCode: true),
        TaskExample("编写API文档", notCode: true),
        TaskExample("手动测试登录流程", notCode: true),
        TaskExample("更新需求规范", notCode: true),
        TaskExample("实现用户登录接口", notCode: false),
        TaskExample("记录用户操作日志", notCode: false),
        TaskExample("添加分页组件 Pagination", spans: ["Pagination"], notCode: false),
        // German
        TaskExample("Manuelle Tests der Anmeldung", notCode: true),
        TaskExample("Dokumentation für die REST-Schnittstelle schreiben", notCode: true),
        TaskExample("Suchfilter im Backend implementieren", notCode: false),
        // French
        TaskExample("Documenter le format d'export", notCode: true),
        TaskExample("Tester manuellement l'import CSV", notCode: true),
        TaskExample("Ajouter un bouton d'export", notCode: false),
    ]

    static let heldOut: [TaskExample] = [
        TaskExample("Smoke-test the release build on staging", notCode: true),
        TaskExample("Write the migration guide for v2", notCode: true),
        TaskExample("Add retry with backoff to the HTTP client", notCode: false),
        TaskExample("Cache parsed specs between runs", notCode: false),
        TaskExample("Prepare the 2.0 release", notCode: true),
        TaskExample("Discuss the rate limits with the API owner", notCode: true),
        TaskExample("Add dark mode toggle to settings", notCode: false),
        TaskExample("Verificar manualmente la exportación a PDF", notCode: true),
        TaskExample("Crear endpoint POST /api/pedidos", spans: ["POST /api/pedidos"], notCode: false),
        TaskExample("Redactar la especificación del módulo de pagos", notCode: true),
        TaskExample("Mostrar el total del carrito", notCode: false),
        TaskExample("Coordinar con el equipo de QA las pruebas", notCode: true),
        TaskExample("编写部署文档", notCode: true),
        TaskExample("人工验证支付回调", notCode: true),
        TaskExample("添加导出按钮", notCode: false),
        TaskExample("修复登录超时问题", notCode: false),
        TaskExample("Anleitung für Administratoren aktualisieren", notCode: true),
        TaskExample("Exportfunktion für CSV hinzufügen", notCode: false),
        TaskExample("Relire la documentation utilisateur", notCode: true),
        TaskExample("Ajouter la pagination à la liste des commandes", notCode: false),
        TaskExample("Release the database lock after a timeout", notCode: false),
        TaskExample("Review queue page for moderators", notCode: false),
        TaskExample("Update the onboarding checklist in docs/onboarding.md", paths: ["docs/onboarding.md"], notCode: true),
        TaskExample("Add --dry-run flag to the sync command", spans: ["--dry-run"], notCode: false),
    ]

    /// Precision (of the items called not code, how many are) and recall (of the items that are
    /// not code, how many were called so), with the items it got wrong.
    static func measure(_ items: [TaskExample]) -> (precision: Double, recall: Double, wrong: [String]) {
        var truePositive = 0, falsePositive = 0, falseNegative = 0
        var wrong: [String] = []
        for item in items {
            switch (item.decided, item.notCode) {
            case (true, true): truePositive += 1
            case (true, false): falsePositive += 1; wrong.append("called not code: \(item.title)")
            case (false, true): falseNegative += 1; wrong.append("missed: \(item.title)")
            case (false, false): break
            }
        }
        let precision = Double(truePositive) / Double(max(1, truePositive + falsePositive))
        let recall = Double(truePositive) / Double(max(1, truePositive + falseNegative))
        return (precision, recall, wrong)
    }
}

@Suite struct NotCodeWorkTests {
    @Test func theTablesAreLargeEnoughAndInFiveLanguages() {
        #expect(NotCodeTable.tuning.count + NotCodeTable.heldOut.count >= 30)
        #expect(NotCodeTable.heldOut.count >= 20)
        #expect(NotCodeTable.tuning.filter(\.notCode).count >= 15 && NotCodeTable.tuning.filter { !$0.notCode }.count >= 15)
    }

    /// A wrong "not code" drops work a person wanted, so precision matters most. Measured at
    /// commit time: tuning 24/24 called not code rightly, recall 24/24 (100 %, as tuned);
    /// held out, precision 11/12 (92 %: "Review queue page for moderators", a feature named
    /// with a verb, is the one wrong call) and recall 11/12 (92 %: "Prepare the 2.0 release"
    /// is missed since `release` as an object was dropped for "listener port release" in a
    /// real Kiro plan). The floors keep those figures.
    @Test func precisionAndRecallOnTheHandWrittenTables() {
        let tuning = NotCodeTable.measure(NotCodeTable.tuning)
        let heldOut = NotCodeTable.measure(NotCodeTable.heldOut)
        let figures = "tuning: precision \(tuning.precision), recall \(tuning.recall), wrong \(tuning.wrong); "
            + "held out: precision \(heldOut.precision), recall \(heldOut.recall), wrong \(heldOut.wrong)"
        print("NotCodeWork measured — " + figures)
        #expect(tuning.precision >= 0.95, "\(figures)")
        #expect(tuning.recall >= 0.9, "\(figures)")
        #expect(heldOut.precision >= 0.9, "\(figures)")
        #expect(heldOut.recall >= 0.8, "\(figures)")
    }

    @Test(arguments: [
        ("Task 12: Manual End-to-End Testing (AC: All)", "Manual End-to-End Testing (AC: All)"),
        ("Tarea 3: Validación manual", "Validación manual"),
        ("任务 2：记录验证结果", "记录验证结果"),
        ("T004: Modify VRF Callback", "Modify VRF Callback"),
        ("✅ Tarea 4.4: Documentar la API", "Documentar la API"),
        ("[P] [US1] Step 2: Run the suite", "Run the suite"),
        ("1.1 Aufgabe 3 – Dokumentation schreiben", "Dokumentation schreiben"),
    ])
    func aTaskPrefixDoesNotHideTheVerb(title: String, phrase: String) {
        #expect(String(TaskLabel.verbPhrase(title)) == phrase)
    }

    @Test func aNamedCodeArtifactIsNeverNotCodeByTheLexiconAlone() {
        // The same words, with and without a code file or symbol.
        #expect(NotCodeWork.reason(title: "Document the export API", paths: [], codeSpans: []) != nil)
        #expect(NotCodeWork.reason(title: "Document exportRows", paths: [], codeSpans: ["exportRows"]) == nil)
        #expect(NotCodeWork.reason(title: "Documentar src/export.py", paths: ["src/export.py"], codeSpans: []) == nil)
        #expect(NotCodeWork.reason(title: "审计 audit_log()", paths: [], codeSpans: []) == nil)
        // A build option or environment variable is configuration, not code to write.
        #expect(NotCodeWork.reason(title: "Run the suite with GRPC_TRANSPORT enabled", paths: [], codeSpans: ["GRPC_TRANSPORT"]) != nil)
        // A command or a plain word in backticks names no artifact.
        #expect(NotCodeWork.reason(title: "Run npm test", paths: [], codeSpans: ["npm test"]) != nil)
    }

    @Test func aTaskWhoseTargetIsADocumentIsNotCodeUnlessTheDocumentIsOnlyCited() {
        let edit = NotCodeWork.reason(title: "Add the new flag to docs/cli.md", paths: ["docs/cli.md"], codeSpans: [])
        #expect(edit?.contains("its target is a document (docs/cli.md)") == true, "\(edit ?? "nil")")
        #expect(NotCodeWork.reason(title: "Add the retry flag per docs/cli.md", paths: ["docs/cli.md"], codeSpans: []) == nil)
    }

    /// Chinese checks (issue 21, a replay of a public OpenSpec repository in Chinese): "verify"
    /// opens a check, a verification code (`验证码`) is a feature, and words joined by slashes
    /// (`加载/卸载`, load/unload) are no path that would make a manual test code work. Titles
    /// written for this test.
    @Test func chineseVerifyIsACheckAndSlashedWordsAreNoPath() {
        func reason(_ title: String) -> String? {
            NotCodeWork.reason(title: title, paths: TextScan.pathMentions(title), codeSpans: [])
        }
        #expect(reason("5.2 验证导入后数据可正常读取")?.contains("running the project's checks") == true)
        #expect(reason("校验配置迁移后服务能启动")?.contains("running the project's checks") == true)
        #expect(reason("实现验证码登录接口") == nil)
        #expect(reason("验证码发送频率限制") == nil)
        #expect(TextScan.pathMentions("手动测试：安装插件 → 验证加载/卸载/重新加载正常").isEmpty)
        #expect(reason("3.1 手动测试：安装插件 → 验证加载/卸载/重新加载正常")?.contains("testing by hand") == true)
        #expect(TextScan.pathMentions("更新 文档/说明.md 和 src/导出.py") == ["文档/说明.md", "src/导出.py"])
        #expect(reason("验证 `src/migrate.py` 的迁移顺序") == nil)
    }

    /// A short label before a colon says the kind of step: a review or a check is not code
    /// work, a label naming a part of the product is no such sign (titles written for this test).
    @Test func aLeadingLabelIsReadAsTheTitlesHead() {
        #expect(NotCodeWork.reason(title: "T079 [P] Security review: Confirm the signing key is long enough in every environment", paths: [], codeSpans: [])?.contains("review") == true)
        #expect(NotCodeWork.reason(title: "Revisión de seguridad: verificar la rotación de claves", paths: [], codeSpans: []) != nil)
        #expect(NotCodeWork.reason(title: "Load budget: Confirm the query rate under load", paths: [], codeSpans: [])?.contains("checks") == true)
        #expect(NotCodeWork.reason(title: "Frontend: Add the login page", paths: [], codeSpans: []) == nil)
        #expect(NotCodeWork.reason(title: "Security review: Verify hashing in `src/tokens.py`", paths: ["src/tokens.py"], codeSpans: []) == nil)
    }

    @Test func onlyTasksAreClassified() {
        let story = Requirement(key: "US1", kind: .story, title: "Document the export API", text: "x", format: .specKit,
                                spec: "specs/001-x/spec.md", line: 1)
        var task = story
        task.kind = .task
        #expect(NotCodeWork.reason(story) == nil)
        #expect(NotCodeWork.reason(task) != nil)
    }
}
