/// What a task's title says it does to code, as far as the decision step needs it: delete
/// something, move something, or create something; and the code names it gives.
///
/// The verbs are a deliberately small lexicon (English, Spanish, Portuguese, French, German,
/// Chinese, Japanese; about ten words per intent), read only at the start of a title (or, in
/// Chinese, after 将/把) and only ever used beside evidence from the tree: a deletion is done
/// when what it names is gone, a name a task adds is looked up in the code. A verb the lexicon
/// lacks leaves the task to the ordinary rules; it never makes work by itself.
enum TaskIntent: String, Sendable, Equatable {
    case delete, move, create

    static let deleting: [String] = [
        "delete", "remove", "drop", "eliminate", "get rid of", "purge",
        "eliminar", "borrar", "quitar", "suprimir", "remover", "excluir",
        "supprimer", "retirer", "entfernen", "löschen",
        "删除", "移除", "删掉", "去掉", "清除", "削除",
    ]

    static let moving: [String] = [
        "move", "rename", "relocate", "mover", "renombrar", "trasladar", "renomear",
        "déplacer", "renommer", "verschieben", "umbenennen",
        "移动", "移到", "重命名", "挪到", "移動",
    ]

    static let creating: [String] = [
        "add", "create", "implement", "introduce", "define", "write",
        "añadir", "agregar", "crear", "implementar", "definir", "adicionar", "criar",
        "ajouter", "créer", "implémenter", "hinzufügen", "erstellen", "implementieren",
        "添加", "新增", "创建", "建立", "新建", "实现", "增加", "追加", "作成", "実装",
    ]

    /// Words that say a title's deletion is of files named below it ("Eliminar archivos de
    /// implementación offline anterior", "删除旧文件").
    static let fileWords: [String] = ["file", "files", "archivo", "archivos", "fichero", "ficheros", "arquivo", "arquivos",
                                      "fichier", "fichiers", "datei", "dateien", "folder", "carpeta", "directory", "directorio",
                                      "文件", "目录", "ファイル"]

    /// Words between a deletion verb and a path that make the path a place, not the thing
    /// deleted ("Delete tasks in `src/store.py`").
    static let placeWords: Set<String> = ["in", "into", "inside", "within", "on", "for", "en", "dentro", "para", "dans", "pour",
                                          "im", "auf", "für", "在", "中", "里"]

    /// The intent a title starts with, and the verb read.
    static func of(_ title: String) -> (intent: TaskIntent, verb: String)? {
        let lower = Substring(title.lowercased()).drop { !$0.isLetter }
        for (intent, verbs) in [(TaskIntent.delete, deleting), (.move, moving), (.create, creating)] {
            for verb in verbs where starts(lower, with: verb) { return (intent, verb) }
        }
        // 将/把 X 删除: the object comes first in Chinese.
        if lower.first == "将" || lower.first == "把" {
            for (intent, verbs) in [(TaskIntent.delete, deleting), (.move, moving), (.create, creating)] {
                for verb in verbs where verb.unicodeScalars.first.map(isCJK) == true && lower.contains(verb) { return (intent, verb) }
            }
        }
        return nil
    }

    private static func starts(_ text: Substring, with verb: String) -> Bool {
        guard text.hasPrefix(verb) else { return false }
        // CJK verbs have no word boundary; a Latin one must end at a non-letter.
        if verb.unicodeScalars.first.map(isCJK) == true { return true }
        let rest = text.dropFirst(verb.count)
        return rest.first.map { !$0.isLetter } ?? true
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        (0x3040...0x30FF).contains(scalar.value) || (0x3400...0x9FFF).contains(scalar.value)
    }

    /// Whether a deletion's title makes `path` the thing deleted: no place word ("in", "en",
    /// "在") between the verb and the path.
    static func deletes(_ path: String, title: String) -> Bool {
        guard let range = title.firstRange(of: path) else { return false }
        let before = title[..<range.lowerBound].lowercased()
        let words = before.split(whereSeparator: { !$0.isLetter }).dropFirst()
        if words.contains(where: { placeWords.contains(String($0)) }) { return false }
        return !placeWords.contains { word in word.unicodeScalars.first.map(isCJK) == true && before.contains(word) }
    }

    /// Whether a title says its deletion is of files listed with it.
    static func namesFiles(_ title: String) -> Bool {
        let lower = title.lowercased()
        return fileWords.contains { word in
            word.unicodeScalars.first.map(isCJK) == true ? lower.contains(word)
                : lower.split(whereSeparator: { !$0.isLetter }).contains { $0 == word }
        }
    }

    /// Code names a title gives: a backticked identifier (`validate_task_id`, `MemoryStore`),
    /// a called one (`count_completed()`), or a plain snake_case word; for `TaskList.delete_task()`
    /// the member. Candidates come from `CodeLookup.identifiers` (the prompt's lookup); plain
    /// CamelCase words in prose ("JavaScript", "MemoryStore" without backticks) and dotted module
    /// paths are not names a task adds. Letters outside ASCII end a name ("添加count_completed").
    /// A plain CamelCase word is one when a file the task names is named after it (`建立 useUsers
    /// composable (frontend/composables/useUsers.js)`).
    static func symbols(in title: String, files: [String] = []) -> [String] {
        let text = String(title.map { $0.isASCII ? $0 : " " })
        let stems = Set(files.map { CodeLookup.normalized(CodeLookup.stem(SpecDocument.baseName($0))) })
        var result: [String] = []
        for candidate in CodeLookup.identifiers(in: text) where candidate.allSatisfy({ $0.isASCII }) {
            guard let range = text.firstRange(of: candidate) else { continue }
            // A folder of a path (`tests/github_templates/bug_report_test.sh`) is where the file
            // goes, not a name in its code: a replay of a public Spec Kit project looked for
            // `github_templates` inside the test file its task had just created.
            if inPathOnly(candidate, in: text) { continue }
            let quoted = range.lowerBound > text.startIndex && text[text.index(before: range.lowerBound)] == "`"
            let called = text[range.upperBound...].first == "("
            let parts = candidate.split(separator: ".")
            var name = String(parts.last ?? "")
            if parts.count > 1 {
                // `app.store.order_store` is a module; `TaskList.delete_task()` and `store.count()` name a member.
                let module = parts.allSatisfy { $0 == $0.lowercased() }
                if module && !called { continue }
            }
            let snake = name.contains("_") && name == name.lowercased() && !name.hasPrefix("_")
            let fileNamedAfter = parts.count == 1 && stems.contains(CodeLookup.normalized(name))
            guard quoted || called || snake || fileNamedAfter else { continue }
            while name.hasSuffix("(") || name.hasSuffix(")") { name.removeLast() }
            if name.count >= 3, !CodeLookup.namedFiles(in: "`\(candidate)`").contains(candidate), !result.contains(name) {
                result.append(name)
            }
        }
        return result
    }

    /// Whether every mention of `name` in `text` touches a `/`: a part of a path.
    static func inPathOnly(_ name: String, in text: String) -> Bool {
        let mentions = text.ranges(of: name)
        return !mentions.isEmpty && mentions.allSatisfy { range in
            (range.lowerBound > text.startIndex && text[text.index(before: range.lowerBound)] == "/")
                || (range.upperBound < text.endIndex && text[range.upperBound] == "/")
        }
    }
}
