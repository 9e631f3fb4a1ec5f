/// Steps that are not code work by their structure, with a small lexicon beside it: a step
/// tagged for a person (`[operator]`, `(manual)`), a field of its section (`Location: lib/x.dart`),
/// a check against live services (`Live verification`), a step in a developer's environment
/// (`删除本地开发数据库`), a spec delta to write (`更新 runtime delta spec`), a constraint that keeps
/// what exists (`保留…`, `Keep … as fallback`) and a task its author withdrew (`— not implemented`).
///
/// Where the words come from: replays of seven public repositories nobody here had tuned for
/// (issue 21: an OpenSpec repository in Chinese, a Kiro one in English, a BMAD one in French, an
/// OpenSpec one in English for Flutter, a Spec Kit one in Japanese, a Kiro-like one in Japanese),
/// and the same words in Spanish, French, German, Portuguese, Japanese and Korean, written by
/// hand. Each list only ever decides beside a structural sign: a tag in brackets, a label before
/// a lone path, the title naming no code, a deletion verb, a spec noun, a Done document.
extension NotCodeWork {
    // MARK: Tags

    /// Words in a tag that give a step to a person (`[operator]`, `(manual)`, `[人工]`).
    static let personTags: Set<String> = [
        "operator", "manual", "human", "by hand", "person", "operador", "manuel", "opérateur", "manuell", "bediener",
        "人工", "手动", "手動", "オペレーター", "수동",
    ]

    /// A tag in brackets or parentheses that gives the step to a person.
    static func personTag(_ title: String) -> String? {
        var rest = Substring(title)
        while let open = rest.firstIndex(where: { "[(（【".contains($0) }) {
            let closer: Character = switch rest[open] { case "[": "]"; case "(": ")"; case "（": "）"; default: "】" }
            guard let close = rest[open...].firstIndex(of: closer) else { break }
            let inner = String(rest[rest.index(after: open)..<close].drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()).lowercased()
            if personTags.contains(inner) { return String(rest[open...close]) }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    // MARK: Fields

    /// Labels of a field that gives a step's place or source rather than a step.
    static let fieldLabels: Set<String> = [
        "location", "file", "files", "path", "source", "source reference", "reference", "references", "ref", "see", "endpoint",
        "api endpoint", "route", "url", "link", "ubicación", "archivo", "ruta", "fuente", "referencia", "emplacement", "fichier",
        "chemin", "référence", "ort", "datei", "pfad", "quelle", "referenz", "localização", "arquivo", "caminho", "fonte",
        "位置", "文件", "路径", "来源", "参考", "場所", "ファイル", "パス", "参照", "出典", "위치", "파일", "경로", "참고",
    ]

    /// `Location: lib/x/y.dart`, `API endpoint: /x/list`, `参考：src/a.ts`: a label and a single
    /// path, route or name — a field of the heading's task, whose own steps carry its work.
    static func field(_ phrase: String) -> String? {
        guard let (label, rest) = leadingLabel(phrase), fieldLabels.contains(label) else { return nil }
        let value = String(rest.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !value.contains(" "), value.contains(where: { "/._(".contains($0) }) else { return nil }
        return label
    }

    // MARK: Live checks

    /// Words that put a check against real services (`Live verification`, `Pruebas en producción`).
    static let liveWords = ["live", "production", "prod", "real-world", "vivo", "producción", "produção", "réel", "réelle",
                            "produktion", "本番", "実機", "实机", "真机", "线上", "生产环境", "실서버", "운영"]
    static let checkNouns = ["verification", "verifications", "validation", "testing", "tests", "test", "checks", "verificación",
                             "validación", "pruebas", "prueba", "verificação", "validação", "testes", "vérification", "vérifications",
                             "essais", "überprüfung", "validierung", "検証", "確認", "テスト", "验证", "测试", "測試", "검증", "테스트"]

    /// A check run against live services or production, by name: not code the spec asks for.
    static func liveCheck(_ latin: String, _ phrase: String) -> String? {
        if let intent = TaskIntent.of(phrase), intent.intent == .create { return nil }
        let words = latin.split(separator: " ").map(String.init)
        let cjk = { (word: String) in word.unicodeScalars.first.map { $0.value >= 0x2E80 } ?? false }
        let live = liveWords.first { cjk($0) ? phrase.contains($0) : words.contains($0) }
        let check = checkNouns.first { cjk($0) ? phrase.contains($0) : words.contains($0) }
        guard let live, check != nil else { return nil }
        return live
    }

    // MARK: Environment

    /// Words that put what a deletion names on a developer's machine (`the local database`).
    static let localWords = ["local", "locally", "lokal", "lokale", "lokalen", "locale", "本地", "ローカル", "로컬", "本機", "本机"]
    /// Extensions of data a developer's environment holds (a database file, a log), not code.
    static let environmentExtensions: Set<String> = ["db", "sqlite", "sqlite3", "log", "tmp", "pid"]

    /// A deletion or reset of something on the developer's machine (`Delete the local
    /// development database`, `删除本地开发数据库（modulus.db）`): a step in an environment.
    static func environmentStep(title: String, latin: String, phrase: String) -> String? {
        let resets = ["reset", "clear", "wipe", "drop", "vaciar", "réinitialiser", "zurücksetzen", "重置", "清空", "清除"]
        guard TaskIntent.of(phrase)?.intent == .delete || resets.contains(where: { startsWith(latin, phrase, $0) }) else { return nil }
        let words = latin.split(separator: " ").map(String.init)
        guard let local = localWords.first(where: { $0.unicodeScalars.first!.value >= 0x2E80 ? phrase.contains($0) : words.contains($0) })
        else { return nil }
        let named = TextScan.pathMentions(title)
        guard named.allSatisfy({ TextScan.extensionOf(Substring(SpecDocument.baseName($0))).map { environmentExtensions.contains($0.lowercased()) } ?? false })
        else { return nil }
        return local
    }

    // MARK: Specs

    /// Spec nouns a heading or a delta may name (`## 1. Specification`, `spec deltas`).
    static let specNouns = ["spec", "specs", "specification", "specifications", "especificación", "especificaciones",
                            "especificação", "spécification", "spécifications", "spezifikation", "spezifikationen",
                            "规范", "规格", "仕様", "仕様書", "명세", "사양"]

    /// A task that writes a spec delta (`Update the runtime delta spec`, `Add spec deltas for …`,
    /// `更新 host-sdk delta spec`): an OpenSpec change's specs, not code.
    static func writesSpecDelta(_ latin: String) -> Bool {
        latin.contains(" delta spec ") || latin.contains(" delta specs ") || latin.contains(" spec delta ")
            || latin.contains(" spec deltas ")
    }

    /// A heading that is only a spec noun (`## 1. Specification`, `### Specs`, `## 规范`), or a
    /// spec noun with words that leave it the head (`## Spec updates`).
    static func specHeading(_ headingLatin: String, _ heading: String) -> String? {
        let words = headingLatin.split(separator: " ").map(String.init).filter { !$0.allSatisfy { $0.isNumber || $0 == "." } }
        if let first = words.first, specNouns.contains(first), words.dropFirst().allSatisfy({ linkWords.contains($0) || $0 == "deltas" || $0 == "delta" }) {
            return first
        }
        let cjk = heading.filter { !$0.isWhitespace && !$0.isNumber && !".、:：".contains($0) }
        return specNouns.first { $0.unicodeScalars.first!.value >= 0x2E80 && cjk == $0 }
    }

    // MARK: Constraints

    /// Verbs that open a constraint on what exists (`Keep the folder scan as fallback`, `保留…`).
    static let keepWords = [
        "keep", "retain", "preserve", "mantener", "conservar", "preservar", "manter", "conserver", "garder", "préserver",
        "beibehalten", "behalten", "erhalten", "bewahren", "保留", "保持", "維持", "残す", "유지",
    ]

    /// The keep verb a title opens with, unless it keeps track of something (`Keep track of
    /// retries` builds a counter) or asks for a change as well (`Keep X and update Y`).
    static func keepVerb(_ title: String) -> String? {
        let phrase = Self.phrase(title)
        let latin = " " + latinWords(phrase) + " "
        guard let word = keepWords.first(where: { startsWith(latin, phrase, $0) }) else { return nil }
        if latin.hasPrefix(" keep track ") || latin.hasPrefix(" keep in sync ") { return nil }
        return asksForChange(latin, phrase) ? nil : word
    }

    // MARK: Withdrawn

    /// Notes by which an author withdraws a task they leave unticked (`— Non implémenté`,
    /// `(descoped)`, `— won't do`, `（不做）`).
    static let withdrawnNotes = [
        "not implemented", "not done", "descoped", "de-scoped", "out of scope", "won't do", "wont do", "won't fix", "dropped",
        "deferred", "skipped", "no implementado", "fuera de alcance", "descartado", "pospuesto", "não implementado",
        "fora do escopo", "non implémenté", "non implementé", "non réalisé", "abandonné", "hors périmètre", "reporté",
        "nicht implementiert", "nicht umgesetzt", "entfällt", "verschoben", "未实现", "未實作", "未实施", "不做", "取消", "暂缓",
        "未実装", "見送り", "対象外", "미구현", "제외",
        // Superseded by another task (`[SUPERSEDED by T021]`, `(reemplazada por T9)`, `（已被 T9 取代）`).
        "superseded", "replaced by", "reemplazada por", "reemplazado por", "sustituida por", "sustituido por",
        "remplacée par", "remplacé par", "ersetzt durch", "abgelöst durch", "取代", "被替换", "置き換え", "대체됨",
    ]

    /// The note after the task's own words (after a dash, a colon, a parenthesis or a bracket) that says
    /// it was withdrawn; nil when there is none.
    static func withdrawnNote(_ title: String) -> String? {
        let lower = title.lowercased()
        guard let mark = lower.firstIndex(where: { "—–(（:：[【".contains($0) }) ?? lower.firstRange(of: " - ")?.lowerBound else { return nil }
        let note = lower[mark...]
        return withdrawnNotes.first { note.contains($0) }
    }
}

extension NotCodeWork {
    /// A title with no verb the rules know that ends on a planning noun (`Implementation
    /// planning`, `Planificación de la migración` does not: it starts with it).
    static func planningEnding(_ latin: String, _ phrase: String) -> String? {
        guard TaskIntent.of(phrase) == nil, !changeVerbs.contains(where: { startsWith(latin, phrase, $0) }),
              !codeVerbs.contains(where: { startsWith(latin, phrase, $0) }) else { return nil }
        let last = latin.split(separator: " ").last.map(String.init)
        return ["planning", "planificación", "planification", "planung", "planejamento"].first { $0 == last }
    }
}

extension NotCodeWork {
    /// A Japanese title that ends on a check (`テンプレート強制検証`, `ログイン動作の確認`) and asks
    /// for nothing to be built (`実装`, `追加`, `作成`, `修正`): checking that it works.
    static func japaneseCheckEnding(_ phrase: String) -> String? {
        let builds = ["実装", "追加", "作成", "修正", "対応", "変更", "削除"]
        guard !builds.contains(where: phrase.contains) else { return nil }
        return ["検証", "確認", "動作確認"].first { phrase.hasSuffix($0) }
    }
}

extension NotCodeWork {
    /// Whether a title deletes or resets something on a developer's machine (`environmentStep`).
    static func isEnvironmentStep(_ title: String) -> Bool {
        let phrase = Self.phrase(title)
        return environmentStep(title: title, latin: " " + latinWords(phrase) + " ", phrase: phrase) != nil
    }
}

extension NotCodeWork {
    /// A checkbox that is one word and a colon (`Parameters:`, `Pattern:`, `参数：`), over a code
    /// block of its heading's task: a label, not a step.
    static func fieldLabelOnly(title: String, phrase: String) -> String? {
        let trimmed = title.reversed().drop(while: \.isWhitespace)
        guard let last = trimmed.first, last == ":" || last == "\u{FF1A}" else { return nil }
        let words = latinWords(phrase).split(separator: " ")
        guard words.count == 1, let word = words.first, TaskIntent.of(String(word)) == nil,
              !changeVerbs.contains(String(word)) else { return nil }
        // A CJK run is a whole phrase (`更新所有项目文件：`, update every project file): only a
        // short noun (`参数`, `パターン`) is a label.
        let cjk = word.unicodeScalars.contains { $0.value >= 0x2E80 }
        return !cjk || word.count <= 4 ? String(word) : nil
    }
}

extension NotCodeWork {
    /// Words for a quality gate in a Spec Kit plan (`Gate 1/2: type check + ruff`, `Gate 3
    /// browser smoke`, `Puerta 2`, `ゲート3`, `关卡 1`).
    static let gateWords = ["gate", "gates", "puerta", "porte", "tor", "portão", "ゲート", "关卡", "门禁", "게이트"]

    /// A step or a heading that opens with a gate word and its number (`Gate 3 browser smoke for
    /// PR A`, `Gate 1/2 for PR C`): a checkpoint where the change is checked, not code to write.
    /// The number is the structure: `Gate the beta flag behind …` and `Gateway` are not gates.
    static func gateCheckpoint(_ phrase: String) -> String? {
        let trimmed = phrase.drop(while: { $0.isWhitespace || $0.isNumber || ".-*#".contains($0) }).lowercased()
        for word in gateWords where trimmed.hasPrefix(word) {
            let rest = trimmed.dropFirst(word.count).drop(while: { $0 == " " })
            // CJK words need no space before the number; Latin ones do (`Gateway 2`, `Tor3` are not gates).
            let cjk = word.unicodeScalars.first!.value >= 0x2E80
            guard cjk || trimmed.dropFirst(word.count).first == " " else { continue }
            if let first = rest.first, first.isNumber { return word }
        }
        return nil
    }

    /// Verbs that only locate code (`Find line ~201`, `Locate lines 107-117`, `Buscar la línea 40`).
    static let locateVerbs = ["find", "locate", "buscar", "localizar", "encontrar", "trouver", "repérer", "finden", "suchen"]
    /// Words for a line of a file in a locator step.
    static let lineWords: Set<String> = ["line", "lines", "línea", "líneas", "linea", "lineas", "linha", "linhas", "ligne", "lignes",
                                         "zeile", "zeilen"]

    /// A step that only locates code by its line (`Find lines ~153-158`, `Find line ~662
    /// (referenced in report): …`, `找到第 201 行`, `201行目を探す`): it points its parent
    /// task's own steps at a place, and asks for no change itself.
    static func locatorStep(_ title: String) -> String? {
        let lower = title.lowercased()
        let words = lower.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if let verb = words.first, locateVerbs.contains(verb) {
            var rest = words.dropFirst()
            if let article = rest.first, ["the", "la", "las", "a", "as", "o", "os", "le", "les", "die", "der"].contains(article) { rest = rest.dropFirst() }
            if let line = rest.first, lineWords.contains(line), let number = rest.dropFirst().first,
               number.contains(where: \.isNumber), number.allSatisfy({ $0.isNumber || "~-–,.:≈()".contains($0) }) {
                return verb
            }
            return lineInParentheses(lower) ? verb : nil
        }
        // 找到第 201 行 / 定位第 40-52 行 / 201行目を探す
        let compact = lower.filter { !$0.isWhitespace }
        for verb in ["找到第", "定位第", "查找第", "找到约第", "定位到第"] where compact.hasPrefix(verb) {
            let rest = compact.dropFirst(verb.count).drop(while: { $0.isNumber || "~-–约".contains($0) })
            if rest.first == "行", compact.dropFirst(verb.count).first.map({ $0.isNumber || $0 == "~" || $0 == "约" }) == true {
                return verb
            }
        }
        if let range = compact.firstRange(of: "行目を探す") ?? compact.firstRange(of: "行目を見つける"),
           compact[..<range.lowerBound].allSatisfy({ $0.isNumber || "~-–約".contains($0) }), compact[..<range.lowerBound].contains(where: \.isNumber) {
            return "行目"
        }
        return nil
    }
}
