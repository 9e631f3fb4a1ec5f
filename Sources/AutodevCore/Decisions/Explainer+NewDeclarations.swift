/// A task done in the very range that writes it, by a name it gives in plain words: "Implement
/// TestInternalLinks test" beside a test file the same commit adds with `func
/// TestInternalLinks`. A plain CamelCase word is no code name by itself (`TaskIntent.symbols`:
/// "JavaScript", or a type that already exists and that the task extends), so only a
/// declaration of that name which appeared in a code or test file changed in this range counts:
/// the task's code arrived with it. Issue 21's fresh replay of a public Go Spec Kit project
/// proposed eight such tasks as work (its documentation feature's `TestX` tasks).
extension Explainer {
    /// Changed code and test files read for declarations in one range.
    static let newDeclarationFilesRead = 200

    /// The alongside reason when a CamelCase word of an added task is declared in a code or test
    /// file of this range and was not declared there before; nil otherwise.
    mutating func declaredInRange(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task, !range.firstRun, !rangeCode.isEmpty else { return nil }
        // The thing the task makes: a CamelCase word among the first words after its verb
        // (`Implement TestInternalLinks test`, `Implementar la prueba TestEnlaces`, `实现 TestX 测试`),
        // not a place it changes (`Add paging to SearchContext`).
        let opening = NotCodeWork.phrase(requirement.title).split(whereSeparator: { $0.isWhitespace }).prefix(4).map(String.init)
        let words = CodeLookup.identifiers(in: requirement.title).filter { word in
            !word.contains(".") && !word.contains("_") && word.first?.isUppercase == true
                && zip(word, word.dropFirst()).contains { $0.isLowercase && $1.isUppercase }
                && opening.dropFirst().contains { $0.lowercased().hasPrefix(word.lowercased()) }
        }
        guard !words.isEmpty else { return nil }
        let now = evidence(after: true)
        let then = evidence(after: false)
        for path in rangeCode.prefix(Self.newDeclarationFilesRead) {
            guard let language = RepositoryMap.Language(path: path), let bytes = now.text(of: path) else { continue }
            let declared = Set(RepositoryMap.symbols(in: bytes[...], language: language, nested: true))
            guard let word = words.first(where: declared.contains) else { continue }
            let before = then.text(of: path).map { Set(RepositoryMap.symbols(in: $0[...], language: language, nested: true)) } ?? []
            if !before.contains(word) { return "`\(word)` is declared in \(path), added in this range" }
        }
        return nil
    }
}
