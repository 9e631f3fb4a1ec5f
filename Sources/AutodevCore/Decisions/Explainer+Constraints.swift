internal import AutodevGit

/// What is not work although a spec names it, read from the code and the document's state:
/// a constraint that keeps code the tree holds, a task its author withdrew in a finished
/// document, a stale link of a finished document, and a task that writes one of its feature's
/// spec documents. Part of `Explainer` (issue 21: replays of repositories nobody here had seen).
extension Explainer {
    /// A task that opens with *keep, retain, preserve* (`保留`, `mantener`, `beibehalten`…), asks
    /// for no change, names no code file, and whose code names the tree holds:
    /// a constraint on the other tasks' work, not work of its own (`保留程序集扫描作为后备`,
    /// `Keep the user-module folder scan as fallback`). A name it gives that does not exist
    /// leaves it work (there is nothing to keep yet), and so does a code file it names (`Keep
    /// sessions in memory_store.py` says where they go).
    mutating func keepConstraint(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task, let verb = NotCodeWork.keepVerb(requirement.title) else { return nil }
        let evidence = evidence(after: true)
        let symbols = codeNames(of: requirement)
        let missing = symbols.filter { evidence.definition(of: $0) == nil }
        let files = requirement.paths.filter { path in
            !path.hasSuffix("/") && !NotCodeWork.isDocument(path)
                && TextScan.extensionOf(Substring(SpecDocument.baseName(path))) != nil
        }
        // A code file it names is where something goes (`Keep sessions in memory_store.py`
        // stores them): a task, not a constraint.
        guard missing.isEmpty, files.isEmpty else { return nil }
        let what = symbols.isEmpty ? "behaviour that exists" : "\(Self.quoted(symbols)), which the code holds"
        return "a constraint (“\(verb)”): it keeps \(what) and asks for no new code"
    }

    /// An open task of a finished document (a story whose status is Done) that its author
    /// annotated as withdrawn (`Créer seed data — Non implémenté`, `(descoped)`, `（不做）`).
    static func descoped(_ requirement: Requirement) -> String? {
        guard requirement.kind == .task, !requirement.isTicked, let done = requirement.finished,
              requirement.format != .openSpec, let note = NotCodeWork.withdrawnNote(requirement.title) else { return nil }
        return "withdrawn by its author (“\(note)”) in a finished document (\(done))"
    }

    /// A removed requirement whose heading its author left in the document, struck through or
    /// with a note that withdraws it (`### T011: ~~Create BDD Feature File~~ [SUPERSEDED by
    /// T021]`, `（已被 T021 取代）`): the task was withdrawn, its body went with it, and the code it
    /// cited is the superseding task's to change, not a retirement to propose (one public merge
    /// superseded five tasks this way and one was proposed for retirement).
    mutating func withdrawnHeading(_ requirement: Requirement) -> String? {
        guard requirement.format != .openSpec, let side = after.side(of: requirement.spec),
              let bytes = try? repository.content(of: side) else { return nil }
        let own = requirement.key.ranges(of: " > ").last.map { String(requirement.key[$0.upperBound...]) } ?? requirement.key
        let name = SpecDiff.HeadingNote.bareHeading(own)
        guard !name.isEmpty else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let marks = line.drop { $0 == " " }
            guard marks.hasPrefix("#") else { continue }
            let rest = marks.drop { $0 == "#" }
            guard rest.first == " " else { continue }
            let heading = TextScan.collapse(String(rest))
            guard SpecDiff.HeadingNote.bareHeading(SpecText.headingKey(heading)) == name else { continue }
            if let note = NotCodeWork.withdrawnNote(heading) { return "marked “\(note)”" }
            if heading.contains("~~") { return "struck through" }
        }
        return nil
    }

    /// Why a requirement's document is finished work that a deleted file's link does not
    /// reopen: its status says done and every task in it is ticked (or, with no status, it is
    /// a ticked task among only ticked tasks). OpenSpec's `openspec/specs/` is what runs today,
    /// not history: its links stay live.
    mutating func finishedDocument(_ requirement: Requirement) -> String? {
        guard requirement.format != .openSpec, let side = after.side(of: requirement.spec) else { return nil }
        let tasks = document(path: requirement.spec, side: side).requirements.filter { $0.kind == .task }
        guard tasks.allSatisfy(\.isTicked) else { return nil }
        if let done = requirement.finished {
            return tasks.isEmpty ? done : "\(done), and all \(tasks.count) of its tasks are ticked"
        }
        if requirement.kind == .task, requirement.isTicked { return "all \(tasks.count) tasks of \(requirement.spec) are ticked" }
        return nil
    }

    /// A task that names no code and opens with the name of a spec document of its own feature
    /// (`Requirements definition` beside requirements.md, `Investigation topics identification`
    /// beside investigation.md): it writes that document.
    mutating func specDocumentTask(_ requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind == .task,
              !NotCodeWork.namesCode(title: requirement.title, paths: requirement.paths, codeSpans: requirement.codeSpans)
        else { return nil }
        let phrase = NotCodeWork.phrase(requirement.title)
        guard TaskIntent.of(phrase) == nil, let first = NotCodeWork.latinWords(phrase).split(separator: " ").first,
              first.count >= 5, phrase.hasPrefix(first) else { return nil }
        let folder = Self.folder(of: requirement.spec)
        var names: [String] = []
        for (path, _) in snapshot.files(under: folder.isEmpty ? "" : folder + "/") where path != requirement.spec {
            guard Self.folder(of: path) == folder, SpecDocument.isMarkdown(SpecDocument.baseName(path)) else { continue }
            names.append(SpecDocument.baseName(path))
        }
        // Documents its own file names without a folder (`| requirements.md | pending |`): the
        // feature's documents still to write.
        if let side = snapshot.side(of: requirement.spec), let bytes = try? repository.content(of: side) {
            let text = String(decoding: bytes.prefix(CodeEvidence.maxFileBytes), as: UTF8.self)
            for token in text.split(whereSeparator: { $0.isWhitespace || "|`*()[],".contains($0) })
            where token.hasSuffix(".md") && !token.contains("/") && !token.contains("#") {
                names.append(String(token))
            }
        }
        for name in names {
            let stem = name.split(separator: ".").first.map { $0.lowercased() } ?? ""
            if stem == first, stem != "readme", stem != "tasks" {
                return "\(NotCodeWork.Kind.planning.rawValue): it names \(name), a spec document of its feature"
            }
        }
        return nil
    }
}
