@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Testing

/// The small readers behind the decision step's evidence: the task-verb lexicon, the names a
/// title gives, the method-header scan, citation lines, and path resolution over a real tree.
@Suite struct CodeEvidenceTests {
    @Test(arguments: [
        ("Remove the legacy `sync_old.py`", TaskIntent.delete), ("Eliminar archivos de implementación offline anterior", .delete),
        ("删除旧的 `legacy_client.py`", .delete), ("将 `a.py` 删除", .delete), ("**Delete** old fixtures", .delete),
        ("Supprimer `old.py`", .delete), ("Move `a.py` to `lib/`", .move), ("Mover `a.py` a `lib/`", .move),
        ("将 `a.py` 移动到 `lib/`", .move), ("Rename `a.py` to `b.py`", .move), ("Add count_completed() to MemoryStore", .create),
        ("Añadir `validar_id()`", .create), ("添加 `count_pending()` 方法", .create), ("Remover `x.py`", .delete),
    ])
    func aTitlesFirstVerbSaysWhatItDoes(title: String, intent: TaskIntent) {
        #expect(TaskIntent.of(title)?.intent == intent)
    }

    @Test(arguments: ["Removal policy for stale locks", "Moveable panels in the editor", "Update `validate_task_id`",
                      "Document the deletion flow", "Additional logging", "修复删除按钮"])
    func otherTitlesHaveNoIntent(title: String) {
        #expect(TaskIntent.of(title) == nil)
    }

    @Test func aFeatureAboutDeletingIsNotADeletion() {
        #expect(TaskIntent.of("实现删除功能")?.intent == .create)
        #expect(TaskIntent.of("Implement delete_task() in src/store.py")?.intent == .create)
    }

    @Test func aDeletionsPathIsTheThingDeletedUnlessAPlaceWordComesFirst() {
        #expect(TaskIntent.deletes("src/sync_old.py", title: "Remove the legacy src/sync_old.py"))
        #expect(TaskIntent.deletes("legacy.py", title: "删除旧的 legacy.py"))
        #expect(!TaskIntent.deletes("src/store.py", title: "Delete tasks in src/store.py"))
        #expect(!TaskIntent.deletes("src/store.py", title: "Eliminar tareas en src/store.py"))
        #expect(!TaskIntent.deletes("store.py", title: "删除任务在 store.py"))
    }

    @Test(arguments: [
        ("Add count_completed() to MemoryStore in src/storage/memory_store.py", ["count_completed"]),
        ("Add `validate_task_id` to validators.py", ["validate_task_id"]),
        ("Create `User` model in `src/models/user.py`", ["User"]),
        ("Implement TaskList.delete_task() in src/models/task.py", ["delete_task"]),
        ("为 `MemoryStore` 添加 `count_pending()` 方法", ["MemoryStore", "count_pending"]),
        ("添加count_done()方法", ["count_done"]),
        ("Port the JavaScript client to TypeScript", []),
        ("Import `app.store.order_store` lazily", []),
        ("Keep sessions in `memory_store.py`", []),
    ])
    func theNamesATitleGives(title: String, names: [String]) {
        #expect(TaskIntent.symbols(in: title) == names)
    }

    @Test func aCamelCaseWordIsANameWhenANamedFileIsNamedAfterIt() {
        let title = "T138 [US14] 建立 useUsers composable (frontend/composables/useUsers.js)"
        #expect(TaskIntent.symbols(in: title, files: ["frontend/composables/useUsers.js"]) == ["useUsers"])
        #expect(TaskIntent.symbols(in: title, files: ["frontend/composables/other.js"]) == [])
        #expect(TaskIntent.symbols(in: "Add count_completed() to MemoryStore in memory_store.py", files: ["memory_store.py"])
            == ["count_completed", "MemoryStore"])
    }

    @Test(arguments: [
        ("countCompleted() {", "countCompleted"), ("public int countCompleted(Store s) {", "countCompleted"),
        ("async countCompleted() {", "countCompleted"), ("if (done) {", nil), ("items.forEach((x) => {", nil),
        ("return render(x) {", nil), ("countCompleted();", nil),
    ] as [(String, String?)])
    func methodHeadersWithoutAKeyword(line: String, name: String?) {
        #expect(RepositoryMap.methodHeader(Substring(line)) == name)
    }

    @Test func nestedSymbolsIncludeMethods() {
        let python = "class MemoryStore:\n    def count_completed(self):\n        return 0\n"
        #expect(RepositoryMap.symbols(in: Array(python.utf8)[...], language: .python) == ["MemoryStore"])
        #expect(RepositoryMap.symbols(in: Array(python.utf8)[...], language: .python, nested: true) == ["MemoryStore", "count_completed"])
        let script = "export class Store {\n  countCompleted() {\n    return 0\n  }\n}\n"
        #expect(RepositoryMap.symbols(in: Array(script.utf8)[...], language: .javascript, nested: true) == ["Store", "countCompleted"])
    }

    @Test func wholeWordsOnly() {
        let text = Array("def count_completed_all(): ...\nx = recount_completed\n".utf8)
        #expect(!CodeEvidence.containsWord(text, Array("count_completed".utf8)))
        #expect(CodeEvidence.containsWord(text, Array("count_completed_all".utf8)))
        #expect(CodeEvidence.containsWord(Array("(count_completed)".utf8), Array("count_completed".utf8)))
    }

    @Test(arguments: [
        ("  - _Requisitos: 6.1, 6.2_", ["6.1", "6.2"]), ("_Requirements: 1.1–1.3_", ["1.1", "1.2", "1.3"]),
        ("_需求：2.3_", ["2.3"]), ("_Anforderungen: 4.1_", ["4.1"]), ("Requisitos previos del entorno", []),
    ])
    func citationLinesInSeveralLanguages(line: String, ids: [String]) {
        #expect(SpecParser.citedRequirements(Substring(line)) == ids)
    }

    @Test func kiroRequirementHeadingsInSpanish() {
        #expect(SpecParser.kiroRequirementID("Requisito 6: Exportar entrevistas") == "6")
        #expect(SpecParser.kiroRequirementID("Requirement 2") == "2")
        #expect(SpecParser.kiroRequirementID("Requisitos del sistema") == nil)
    }

    /// Resolution over a real tree: as written, by unique suffix, the spec's sub-project among
    /// several, ambiguous, missing; and what counts as gone.
    @Test func pathsResolveAgainstTheWholeTree() throws {
        let fixture = try GitFixture()
        try fixture.write("backend/app/models/x.py", "class X: ...\n")
        try fixture.write("backend/app/util.py", "a = 1\n")
        try fixture.write("worker/app/util.py", "a = 2\n")
        try fixture.write("node_modules/pkg/memory_store.py", "vendored = 1\n")
        try fixture.write("src/memory_store.py", "class MemoryStore: ...\n")
        try fixture.write("specs/a/quickstart.md", "# Quickstart\n")
        let head = try fixture.commit("tree")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.commit(try #require(ObjectID(hex: head))).tree
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let evidence = CodeEvidence(snapshot: try Snapshot(repository: repository, tree: tree), classifier: try Classifier(config: config))
        #expect(evidence.resolve("backend/app/util.py", near: "specs/a/tasks.md") == .exact("backend/app/util.py"))
        #expect(evidence.resolve("app/models/x.py", near: "specs/a/tasks.md") == .found("backend/app/models/x.py"))
        #expect(evidence.resolve("memory_store.py", near: "specs/a/tasks.md") == .found("src/memory_store.py"))
        #expect(evidence.resolve("app/util.py", near: "specs/a/tasks.md") == .ambiguous(["backend/app/util.py", "worker/app/util.py"]))
        #expect(evidence.resolve("app/util.py", near: "worker/specs/a/tasks.md") == .found("worker/app/util.py"))
        #expect(evidence.resolve("app/missing.py", near: "specs/a/tasks.md") == .missing)
        // A spec document found by name is no code.
        #expect(evidence.resolve("quickstart.md", near: "specs/a/tasks.md") == .missing)
        #expect(evidence.isGone("app/missing.py"))
        #expect(!evidence.isGone("util.py"))
        #expect(!evidence.isGone("backend/app/"))
        #expect(evidence.definition(of: "MemoryStore") == "src/memory_store.py")
        #expect(evidence.mentions("X", in: "backend/app/models/x.py") == true)
        #expect(evidence.mentions("X", in: "backend/app/nothing.py") == nil)
    }
}
