import Foundation

/// A task done in the very range that writes it, by a name it gives in plain words: "Implement
/// TestInternalLinks test" beside a test file the same commit adds with `func
/// TestInternalLinks`. A plain CamelCase word is no code name by itself (`TaskIntent.symbols`:
/// "JavaScript", or a type that already exists and that the task extends), so only a
/// declaration of that name which appeared in a code or test file changed in this range counts:
/// the task's code arrived with it. Issue 21's fresh replay of a public Go Spec Kit project
/// proposed eight such tasks as work (its documentation feature's `TestX` tasks).
///
/// The name may lead with an acronym (`SOSDetector`, `HTTPServer`) or name a member of the type
/// (`Implement SOSDetector.detect() method`: both declared there, the type new), and it may be
/// given by a step of the task's body that creates it (`3.2. Implement undo/redo` over `- Create
/// HistoryManager component …`). Issue 21's fresh round: squash-merged BMAD stories whose
/// tasks named classes the same commit added were proposed as work (a Python trading project,
/// a Tauri app).
extension Explainer {
    /// Changed code and test files read for declarations in one range.
    static let newDeclarationFilesRead = 200

    /// A name a task says it makes: a type, and the member of it when written `Type.member`.
    struct MadeName: Equatable {
        var type: String
        var member: String?
        var shown: String { member.map { "\(type).\($0)" } ?? type }
    }

    /// The alongside reason when a name an added task makes is declared in a code or test file
    /// of this range and its type was not declared there before; nil otherwise.
    mutating func declaredInRange(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task, !range.firstRun, !rangeCode.isEmpty else { return nil }
        var names = Self.madeNames(in: requirement.title)
        for step in Self.creatingSteps(of: requirement) {
            for name in Self.madeNames(in: step) where !names.contains(name) { names.append(name) }
        }
        guard !names.isEmpty else { return nil }
        let now = evidence(after: true)
        let then = evidence(after: false)
        for path in rangeCode.prefix(Self.newDeclarationFilesRead) {
            guard let language = RepositoryMap.Language(path: path), let bytes = now.text(of: path) else { continue }
            let declared = Set(RepositoryMap.symbols(in: bytes[...], language: language, nested: true))
            let found = names.filter { declared.contains($0.type) && ($0.member.map(declared.contains) ?? true) }
            guard !found.isEmpty else { continue }
            let before = then.text(of: path).map { Set(RepositoryMap.symbols(in: $0[...], language: language, nested: true)) } ?? []
            if let name = found.first(where: { !before.contains($0.type) }) {
                return "`\(name.shown)` is declared in \(path), added in this range"
            }
        }
        return nil
    }

    /// The names a task's line makes: a type name among the first words after its verb
    /// (`Implement TestInternalLinks test`, `Implementar la prueba TestEnlaces`, `实现 TestX 测试`,
    /// `Implement SOSDetector.detect() method`), not a place it changes (`Add paging to
    /// SearchContext`).
    static func madeNames(in line: String) -> [MadeName] {
        let opening = NotCodeWork.phrase(line).split(whereSeparator: { $0.isWhitespace }).prefix(4).map { $0.lowercased() }
        var names: [MadeName] = []
        for raw in line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }) {
            var word = Substring(raw)
            while word.hasSuffix(".") { word = word.dropLast() }
            let parts = word.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let type = parts.first, isTypeName(type) else { continue }
            let member = parts.count == 2 ? String(parts[1]) : nil
            if let member, member.first.map({ $0.isLetter || $0 == "_" }) != true { continue }
            let lower = word.lowercased()
            guard opening.dropFirst().contains(where: { $0.hasPrefix(lower) }) else { continue }
            let name = MadeName(type: String(type), member: member)
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// A type's name: upper-case first, with a change from lower to upper case (`HistoryManager`)
    /// or an acronym of two letters or more before a capitalised word (`SOSDetector`,
    /// `HTTPServer`; not `APIs`, `README`, `JavaScript`'s plain capital alone: `Javascript`).
    static func isTypeName(_ word: Substring) -> Bool {
        guard word.first?.isUppercase == true, !word.contains("_") else { return false }
        if zip(word, word.dropFirst()).contains(where: { $0.isLowercase && $1.isUppercase }) { return true }
        let run = word.prefix { $0.isUppercase }
        let rest = word.dropFirst(run.count)
        return run.count >= 3 && rest.prefix { $0.isLowercase }.count >= 2
    }

    /// The steps in a task's body that create something (`- Create HistoryManager component with
    /// …`, `- Crear el componente …`, `- 创建 …`): each a line of its text that starts with a
    /// creating verb.
    static func creatingSteps(of requirement: Requirement) -> [String] {
        let body = requirement.text.replacingOccurrences(of: " - ", with: "\n").replacingOccurrences(of: " * ", with: "\n")
        return body.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { $0 != requirement.title && TaskIntent.of($0)?.intent == .create }
    }
}
