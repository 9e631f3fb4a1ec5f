/// Tasks whose own plan says they change no code: a task written as a heading with its fields
/// under it (`### T014: Smoke test against a real browser` / `**File(s)**: (no file changes)` /
/// `**Type**: Verify`), and a test by hand whose only files are the material it is run with
/// (`**File(s)**: tests/fixtures/hit-test.html` under `### T008: Manual smoke test`), and a
/// step whose files field lists only documents (`**File(s)**: \`README.md\``).
///
/// Where the shapes come from: a replay of an unseen Rust project whose specs are plain Markdown
/// with heading tasks (issue 21, /work/measure21/fresh11 and merge21): 26 of its 166 proposed
/// pieces of work were such checks, most of them naming code in the commands of their
/// acceptance boxes (`cargo build`, `` `pub mod output;` ``), which made them read as code. The
/// field's label and the check words of its value are the lexicon, read only in a field.
extension NotCodeWork {
    /// Labels of the field that says what kind of step a task is.
    static let typeLabels: Set<String> = [
        "type", "kind", "task type", "tipo", "tipo de tarea", "type de tâche", "typ", "art", "aufgabentyp", "类型", "類型",
        "任务类型", "任務類型", "種類", "タイプ", "유형",
    ]
    /// Labels of the field that lists the files a task changes.
    static let fileLabels: Set<String> = [
        "file", "files", "file(s)", "path", "paths", "archivo", "archivos", "archivo(s)", "fichero", "ficheros", "fichier",
        "fichiers", "fichier(s)", "datei", "dateien", "datei(en)", "文件", "檔案", "ファイル", "파일",
    ]
    /// Values of a type field that are a check or a test by hand, not a change.
    static let checkTypes: Set<String> = [
        "verify", "verification", "manual", "check", "validate", "validation", "verificar", "verificación", "verificacion",
        "validación", "validacion", "comprobación", "comprobacion", "manual", "vérifier", "vérification", "manuel",
        "manuelle", "prüfen", "prüfung", "überprüfung", "verifizierung", "manuell", "验证", "手动", "人工", "检查", "驗證",
        "手動", "檢查", "検証", "確認", "검증", "수동",
    ]
    /// Folder names that hold material for tests (pages, data files), not code under test.
    static let fixtureFolders: Set<String> = ["fixtures", "fixture", "__fixtures__", "testdata", "test-data", "test_data"]

    /// Why a task's fields say it changes no code, or nil.
    static func taskFieldReason(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task else { return nil }
        let fields = requirement.text.split(separator: "\n").prefix(3).flatMap { PlainStructure.fields(String($0)) }
        if let type = fields.first(where: { typeLabels.contains($0.label) }) {
            let value = type.value.lowercased()
            let first = latinWords(value).split(separator: " ").first.map(String.init) ?? value
            if checkTypes.contains(first) || checkTypes.contains(where: { !$0.unicodeScalars.allSatisfy(\.isASCII) && value.hasPrefix($0) }) {
                return "\(Kind.checks.rawValue): its type field says “\(SecretGuard.cut(type.value, to: 40))”, a step that changes no code"
            }
        }
        // A step whose files field lists only documents writes documentation (`**File(s)**: \`README.md\``).
        if let files = fields.first(where: { fileLabels.contains($0.label) }) {
            let paths = TextScan.pathMentions(files.value)
            if !paths.isEmpty, paths.allSatisfy(isDocument) {
                return "\(Kind.documentation.rawValue): the files its field lists (\(paths.prefix(2).joined(separator: ", "))) are documents"
            }
        }
        // A test by hand that names only the material it runs with.
        let phrase = Self.phrase(requirement.title)
        let latin = " " + latinWords(phrase) + " "
        let byHand = headMatch(latin, phrase).map { $0.0 == .manualTesting } ?? manualTesting(latin, phrase)
        guard byHand else { return nil }
        let listed = fields.first(where: { fileLabels.contains($0.label) }).map { TextScan.pathMentions($0.value) }
        let named = (listed ?? requirement.paths).filter { !isDocument($0) }
        guard !named.isEmpty, named.allSatisfy(isFixture) else { return nil }
        return "\(Kind.manualTesting.rawValue): the files it names (\(named.prefix(2).joined(separator: ", "))) are material for the test, not code"
    }

    /// A path under a folder of test material (`tests/fixtures/page.html`, `testdata/in.json`).
    static func isFixture(_ path: String) -> Bool {
        path.split(separator: "/").dropLast().contains { fixtureFolders.contains($0.lowercased()) }
    }
}
