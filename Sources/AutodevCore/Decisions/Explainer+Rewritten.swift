/// A removed requirement whose work another requirement of the same spec took over in the same
/// range: a Spec Kit task renumbered when its tasks file was regenerated (its text now under
/// the next id), two tasks merged into one, an open line rewritten as the ticked line that
/// records its work (`- [ ] \`lib/a.dart\` - Same as above` → `- [x] \`lib/a.dart\` - Add NOTE
/// comment`). Its files are still cited by live, just-written requirements of the same spec:
/// retiring them would undo the work, not withdraw it. Part of `Explainer`.
///
/// Where the shape comes from: issue 21's sixteenth fresh round proposed retiring a ComfyUI
/// custom node's whole `__init__.py` for a renumbered Japanese task, and, on an OpenSpec
/// Flutter project, two widgets whose open tasks were rewritten as ticked ones. A removed
/// requirement whose file only an untouched requirement still cites (one feature of a shared
/// file withdrawn), or another open task citing it that gives none of its code names, leaves
/// it proposed for retirement.
extension Explainer {
    /// Per spec, the requirements added, changed or renamed in this range, as they now read.
    static func rewrittenIndex(_ changes: [RequirementChange]) -> [String: [Requirement]] {
        var index: [String: [Requirement]] = [:]
        for change in changes where change.kind == .added || change.kind == .changed || change.kind == .renamed {
            guard let after = change.after else { continue }
            index[after.spec, default: []].append(after)
        }
        return index
    }

    /// The first requirement of `requirement`'s spec, new or changed in this range, that cites
    /// every file of `implementation` (a cited path as written, or a path it ends with), or nil.
    static func rewritten(_ requirement: Requirement, implementation: [String], in index: [String: [Requirement]]) -> String? {
        guard let candidates = index[requirement.spec] else { return nil }
        func cites(_ other: Requirement, _ file: String) -> Bool {
            other.paths.contains { path in
                let cited = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
                return !cited.hasSuffix("/") && (file == cited || file.hasSuffix("/" + cited))
            }
        }
        // Beside the file, the evidence that it is the same work: the new line is ticked (it
        // records the work done), or it gives a code name the removed one gave. Another task
        // of a shared file that only changed (`Validar filas y añadir cabeceras en src/x.py`)
        // is not the removed one rewritten.
        let names = Set(requirement.codeSpans.filter { span in !requirement.paths.contains { $0.hasSuffix(span) || span.hasSuffix($0) } })
        let other = candidates.first { other in
            other.key != requirement.key && implementation.allSatisfy { cites(other, $0) }
                && (other.isTicked || !names.isDisjoint(with: other.codeSpans))
        }
        guard let other else { return nil }
        return "\(other.key)\(other.isTicked ? " (ticked)" : "")"
    }
}
