internal import AutodevGit

/// Tasks whose target is a spec file of their own feature, found in the tree: an API contract
/// named by its bare file name (`Update \`admin.yaml\` with …`, `更新 \`contracts/openapi.yaml\``),
/// and the steps of a spike that name operations joined by slashes rather than a code file.
/// Part of `Explainer` (issue 21, third round of replays: a Spec Kit repository's contract edit
/// proposed as code work because `admin.yaml` "does not exist" outside its feature folder).
extension Explainer {
    /// Verbs that edit or check the file they are followed by (not implement or generate from it).
    static let contractVerbs = [
        "update", "edit", "modify", "revise", "amend", "extend", "add", "adjust", "align", "sync", "correct", "fix",
        "validate", "verify", "check", "lint", "review", "actualizar", "modificar", "editar", "añadir", "agregar", "ampliar",
        "ajustar", "corregir", "validar", "verificar", "revisar", "comprobar", "atualizar", "adicionar", "mettre à jour",
        "modifier", "ajouter", "compléter", "corriger", "valider", "vérifier", "aktualisieren", "ändern", "ergänzen",
        "erweitern", "korrigieren", "validieren", "prüfen", "更新", "修改", "补充", "補充", "添加", "新增", "调整", "調整",
        "修正", "校验", "验证", "驗證", "检查", "檢查", "追加", "検証", "確認",
    ]
    /// Words that make code out of a contract: the task is code work whatever file it names.
    static let codeFromContract = ["implement", "generate", "scaffold", "build", "implementar", "generar", "gerar",
                                   "implémenter", "générer", "implementieren", "generieren", "实现", "實現", "生成", "実装"]

    /// A task that edits or checks an API contract of its own feature (an OpenAPI/AsyncAPI
    /// description, or a file in the feature's `contracts/`), named first, by its bare name or
    /// its path, and that names no code file: spec work, not code.
    mutating func contractTask(_ requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind == .task else { return nil }
        let title = NotCodeWork.fullTitle(requirement)
        let phrase = NotCodeWork.phrase(title)
        let latin = " " + NotCodeWork.latinWords(phrase) + " "
        let cjk = phrase.unicodeScalars.contains { $0.value >= 0x2E80 }
        let verb = Self.contractVerbs.first { NotCodeWork.startsWith(latin, phrase, $0) || (cjk && $0.unicodeScalars.first!.value >= 0x2E80 && phrase.contains($0)) }
        // A check that also asks for a change (`Validate … against the live app; fix any drift`)
        // may change code.
        let checks = ["validate", "verify", "check", "lint", "review", "validar", "verificar", "revisar", "comprobar", "valider",
                      "vérifier", "validieren", "prüfen", "校验", "验证", "驗證", "检查", "檢查", "検証", "確認"]
        guard let verb, !(checks.contains(verb) && NotCodeWork.asksForChange(latin, phrase)),
              !Self.codeFromContract.contains(where: { NotCodeWork.contains(latin, phrase, $0) }),
              !NotCodeWork.referenceWords.contains(where: { NotCodeWork.contains(latin, phrase, $0) }) else { return nil }
        // CJK punctuation ends a path as a space does (`contracts/openapi.yaml，加入分页参数`).
        let spaced = String(title.map { "，、；：（）。「」".contains($0) ? " " : $0 })
        let named = TextScan.pathMentions(spaced).filter { !$0.hasPrefix("/") }
        // The first thing it names in code marks (a span or a path) is the file it works on.
        let first = requirement.codeSpans.first(where: { title.contains($0) }).map { TextScan.collapse($0) }
        guard let target = named.first, first.map({ $0 == target || $0.hasSuffix("/" + target) || target.hasSuffix("/" + $0) }) ?? true else { return nil }
        var contracts: [String] = []
        for path in named {
            guard let found = featureContract(path, of: requirement, in: snapshot) else { return nil }
            contracts.append(found)
        }
        return "\(NotCodeWork.Kind.planning.rawValue): it edits or checks \(contracts[0]) (“\(verb)”), an API contract of its feature, not code"
    }

    /// The API contract that `path` names (as written, or by its trailing folders and name):
    /// the one in `requirement`'s own feature folder, else — every file of the tree that ends
    /// with it being a spec's contract (`admin.yaml` of two earlier features) — the first of
    /// them. A contract is a spec file in a `contracts/` folder or an OpenAPI/AsyncAPI
    /// description by its content. Any other file that answers to the name: nil.
    private mutating func featureContract(_ path: String, of requirement: Requirement, in snapshot: Snapshot) -> String? {
        let root = scopeRoot(of: requirement)
        let folder = root == requirement.spec ? Self.folder(of: requirement.spec) : root
        guard !folder.isEmpty else { return nil }
        let prefix = folder + "/"
        if path.hasPrefix(prefix), snapshot.exists(path) { return isContract(path, in: snapshot) ? path : nil }
        let own = snapshot.files(under: prefix).map(\.path).filter { $0 == prefix + path || $0.hasSuffix("/" + path) }
        if own.count == 1 { return isContract(own[0], in: snapshot) ? own[0] : nil }
        let everywhere = snapshot.exists(path) ? [path] : evidence(after: snapshot === after).matches(path)
        guard !everywhere.isEmpty, everywhere.count <= 8, everywhere.allSatisfy({ isContract($0, in: snapshot) }) else { return nil }
        return everywhere.sorted()[0]
    }

    /// A spec file (by the classifier) in a `contracts/` folder, or an API description by content.
    private func isContract(_ path: String, in snapshot: Snapshot) -> Bool {
        guard classifier.classify(path)?.category == .specs else { return false }
        if path.split(separator: "/").dropLast().contains(where: { $0.lowercased() == "contracts" }) { return true }
        guard let side = snapshot.side(of: path), let bytes = try? repository.content(of: side) else { return false }
        return SpecDocument.documentSpecKind(name: SpecDocument.baseName(path), bytes: Array(bytes.prefix(4096))) != nil
    }

    /// Whether a step names a code file: a path that is no document and has a file's extension,
    /// ends with a folder's `/`, or exists in the tree. `PutPart/CompleteUpload/AbortUpload`
    /// (operations joined by slashes) is none of these.
    func namesCodeFile(_ requirement: Requirement, in snapshot: Snapshot) -> Bool {
        requirement.paths.contains { path in
            guard !NotCodeWork.isDocument(path) else { return false }
            return path.hasSuffix("/") || TextScan.extensionOf(Substring(SpecDocument.baseName(path))) != nil || snapshot.exists(path)
        }
    }
}
