import AutodevGit

/// OpenSpec's `openspec/specs/` is the record of shipped behaviour when a change is archived
/// into it. Issue 21's replay of an unseen OpenSpec project (Python, specs in English and
/// Chinese) read every requirement there as done, yet that project writes its NEW specs straight
/// into `openspec/specs/` and implements them later from task cards: 5 of 10 sampled skips were
/// work nothing implemented (`ReportAggregationService` in no file, upload sessions not written).
/// So a requirement added there in a range that archived no change is read on the code's
/// evidence: the names it gives in code spans, looked up in the code at the end of the range.
extension Explainer {
    /// Names and phrases of one requirement looked up.
    static let recordNames = 4
    /// Code files read for them in one range.
    static let recordFilesRead = 3_000

    /// Whether a requirement added to `openspec/specs/` was written there as new work rather than
    /// archived as shipped: not at adoption, no change archived in the range, and it gives names
    /// (`ReportAggregationService`, `JOB_VERSION_CONFLICT`, a route's `upload-sessions`) of which
    /// none is in the code. Before the names, the structure: the range also wrote open work for
    /// its capability (`openWorkBeside`), so what it added there is planned, whatever names it
    /// gives (names of existing code say what it builds on, not that it is built). Giving no
    /// name and no open work, it stays the record.
    mutating func writtenStraightIntoRecord(_ requirement: Requirement) -> Bool {
        guard writtenToRecordByHand(requirement) else { return false }
        if openWorkBeside(requirement) { return true }
        let names = recordNames(of: requirement)
        guard !names.isEmpty else { return false }
        return !names.contains { inCode($0) }
    }

    /// What a requirement added to `openspec/specs/` beside open task cards (`openWorkBeside`) cites
    /// that counts as its implementation: a code file it names counts when the file holds one of
    /// the names the requirement gives, or when it gives none; its own folder's files (the cards,
    /// a state table) and folders count as before. Planned there, it names the files it is to
    /// change: a public OpenSpec project's "Job token auth MUST be enforced…", committed with five
    /// cards of open boxes, was skipped as done because the `src/config.py` its switch
    /// (`SS_V1_ENABLE_LEGACY_POST_JOBS`) is to be read from exists; the work came in the next pull
    /// request. A deployment spec naming keys that `src/config.py` already reads stays done.
    mutating func citedFilesHolding(_ requirement: Requirement, _ existing: [String]) -> [String] {
        guard !existing.isEmpty, writtenToRecordByHand(requirement), openWorkBeside(requirement) else { return existing }
        let names = recordNames(of: requirement)
        guard !names.isEmpty else { return existing }
        let evidence = self.evidence(after: true)
        return existing.filter { path in
            path.hasSuffix("/") || Self.inOwnFolder(path, of: requirement) || evidence.text(of: path) == nil
                || names.contains { evidence.mentions($0, in: path) == true }
        }
    }

    /// Whether `path` lies in the folder of the requirement's spec (its capability folder).
    static func inOwnFolder(_ path: String, of requirement: Requirement) -> Bool {
        let folder = folder(of: requirement.spec)
        return !folder.isEmpty && path.hasPrefix(folder + "/")
    }

    /// A requirement of `openspec/specs/` in a range that archived no change, after adoption:
    /// written there by hand, as a record or as a plan.
    func writtenToRecordByHand(_ requirement: Requirement) -> Bool {
        !range.firstRun && !archivedOpenSpecChange && requirement.format == .openSpec && requirement.kind != .task
            && SpecDocument.isUnder(requirement.spec, ["openspec", "specs"])
    }

    /// Whether a requirement of `openspec/specs/` that the range edited is being planned rather
    /// than recorded: not at adoption, no change archived, and the range wrote NEW open boxes in
    /// its capability folder (a task card given unticked items it did not have). Issue 21's
    /// replay of a public OpenSpec project withdrew queued work ("The v1 UX loop MUST be usable
    /// end-to-end") as shipped when a commit edited the spec and added open items to its cards;
    /// a card whose items only got ticked says nothing new is planned.
    mutating func editedAsPlan(_ requirement: Requirement) -> Bool {
        guard writtenToRecordByHand(requirement) else { return false }
        let folder = Self.folder(of: requirement.spec)
        guard folder != "openspec/specs", !folder.isEmpty else { return false }
        let key = folder + "/\u{0}new-open-work"
        if let known = recordNamesFound[key] { return known }
        var found = false
        var read = 0
        for (path, side) in after.files(under: folder + "/") where path != requirement.spec && SpecDocument.isMarkdown(SpecDocument.baseName(path)) {
            let old = before.side(of: path)
            if old?.id == side.id { continue }
            read += 1
            if read > Self.openWorkFilesRead || shouldStop() { break }
            guard let bytes = try? repository.content(of: side) else { continue }
            let was = old.flatMap { try? repository.content(of: $0) }.map { Set(Self.openCheckboxLines($0.prefix(CodeEvidence.maxFileBytes))) } ?? []
            if Self.openCheckboxLines(bytes.prefix(CodeEvidence.maxFileBytes)).contains(where: { !was.contains($0) }) {
                found = true
                break
            }
        }
        recordNamesFound[key] = found
        return found
    }

    /// The list items that open with an unticked box, their text trimmed.
    static func openCheckboxLines(_ bytes: some Collection<UInt8>) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            holdsOpenCheckbox(Array(line.utf8)) ? Substring(TextScan.collapse(line)) : nil
        }
    }

    /// A requirement of an OpenSpec document kept outside `openspec/specs/` (the record) and
    /// `openspec/changes/` (`openspec/backend-proxy-extension/spec.md`): a proposal in its author's
    /// own layout. What it adds describes changes to come ("the change points of DraftService in
    /// `src/domain/draft_service.py`"): the files it cites exist because it changes them, so they
    /// are no sign that it is done (issue 21's replay skipped such a requirement as implemented).
    static func openSpecProposal(_ requirement: Requirement) -> Bool {
        requirement.format == .openSpec && requirement.kind != .task && SpecDocument.isUnder(requirement.spec, ["openspec"])
            && !SpecDocument.isUnder(requirement.spec, ["openspec", "specs"]) && !SpecDocument.isUnder(requirement.spec, ["openspec", "changes"])
    }

    /// Files of the capability's folder read for open checkboxes in one look.
    static let openWorkFilesRead = 200

    /// Whether the range added or changed, in the requirement's capability folder
    /// (`openspec/specs/<capability>/`, its sub-folders included, the spec itself left out), a
    /// Markdown file with an unticked checkbox: task cards or a checklist written with the spec
    /// are work still to do, so the spec is a plan, not the record of what shipped. Issue 21's
    /// replay of a public OpenSpec project skipped "Error UX MUST be actionable" as shipped
    /// though its commit added eleven task cards of open boxes beside it, and the work came weeks
    /// later. Cards the range did not touch say nothing about the new requirement.
    mutating func openWorkBeside(_ requirement: Requirement) -> Bool {
        let folder = Self.folder(of: requirement.spec)
        guard folder != "openspec/specs", !folder.isEmpty else { return false }
        let key = folder + "/\u{0}open-work"
        if let known = recordNamesFound[key] { return known }
        var found = false
        var read = 0
        for (path, side) in after.files(under: folder + "/") where path != requirement.spec && SpecDocument.isMarkdown(SpecDocument.baseName(path)) {
            if before.side(of: path)?.id == side.id { continue }
            read += 1
            if read > Self.openWorkFilesRead || shouldStop() { break }
            guard let bytes = try? repository.content(of: side) else { continue }
            if Self.holdsOpenCheckbox(bytes.prefix(CodeEvidence.maxFileBytes)) {
                found = true
                break
            }
        }
        recordNamesFound[key] = found
        return found
    }

    /// A list item that opens with an unticked box: `- [ ]`, `* [ ]`, `+ [ ]`, `1. [ ]`.
    static func holdsOpenCheckbox(_ bytes: some Collection<UInt8>) -> Bool {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").contains { line in
            var rest = line.drop { $0 == " " || $0 == "\t" }
            if let first = rest.first, "-*+".contains(first) {
                rest = rest.dropFirst()
            } else {
                let digits = rest.prefix { $0.isNumber }
                guard !digits.isEmpty else { return false }
                rest = rest.dropFirst(digits.count)
                guard rest.first == "." || rest.first == ")" else { return false }
                rest = rest.dropFirst()
            }
            guard rest.first == " " else { return false }
            return rest.drop { $0 == " " }.hasPrefix("[ ]")
        }
    }

    /// The code names a requirement of the record gives (`recordNames(in:)`), from its parsed
    /// code spans or, when its parser keeps none, from its lines in the spec.
    mutating func recordNames(of requirement: Requirement) -> [String] {
        Self.recordNames(in: requirement.codeSpans.isEmpty ? recordSpans(of: requirement) : requirement.codeSpans)
    }

    /// The code spans written in a requirement's own text: its lines up to the next heading of
    /// its level or above (OpenSpec's parser keeps no spans), fenced blocks left out.
    mutating func recordSpans(of requirement: Requirement) -> [String] {
        let lines = self.lines(ofSpec: requirement.spec)
        var spans: [String] = []
        var fenced = false
        var index = requirement.line
        while index < lines.count, spans.count < 40 {
            let line = lines[index]
            if line.hasPrefix("### ") || line.hasPrefix("## ") || line.hasPrefix("# ") { break }
            if line.trimmingSpaces().hasPrefix("```") { fenced.toggle() }
            if !fenced {
                let parts = line.split(separator: "`", omittingEmptySubsequences: false)
                for (position, part) in parts.enumerated() where position % 2 == 1 && position < parts.count - 1 && !part.isEmpty {
                    spans.append(String(part))
                }
            }
            index += 1
        }
        return spans
    }

    /// Whether `name` is in a code file at the end of the range: as a whole word, or as text for
    /// a phrase or a route part (`upload-sessions`).
    mutating func inCode(_ name: String) -> Bool {
        if let known = recordNamesFound[name] { return known }
        let evidence = self.evidence(after: true)
        let wholeWord = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        var read = 0
        var found = false
        for (path, _) in after.files(under: "") where classifier.classify(path)?.category == .code {
            read += 1
            if read > Self.recordFilesRead || shouldStop() { break }
            guard let bytes = evidence.text(of: path) else { continue }
            if !Self.lines(in: bytes, holding: name, wholeWord: wholeWord, limit: 1).isEmpty {
                found = true
                break
            }
        }
        recordNamesFound[name] = found
        return found
    }

    /// The code names of a requirement's code spans: identifiers as `CodeLookup` reads them (not a
    /// plain lower-case word), and for a route (`POST /v1/upload-sessions/{id}/finalize`) its
    /// longest literal part.
    static func recordNames(in spans: [String]) -> [String] {
        var names: [String] = []
        for span in spans {
            for word in span.split(separator: " ") where word.hasPrefix("/") {
                let parts = word.split(separator: "/").filter { !$0.contains("{") && !$0.contains("<") && !$0.contains(":") }
                if let longest = parts.max(by: { $0.count < $1.count }), longest.count >= 6, !names.contains(String(longest)) {
                    names.append(String(longest))
                }
            }
            if span.contains(where: \.isWhitespace) && span.split(separator: " ").contains(where: { $0.hasPrefix("/") }) { continue }
            for name in CodeLookup.identifiers(in: "`\(span)`") where name.count >= 4 && !names.contains(name) {
                names.append(name)
            }
        }
        return Array(names.prefix(Self.recordNames))
    }

    /// A change that archives an OpenSpec change: a file of `openspec/changes/<id>/` deleted or
    /// moved, or one added under `openspec/changes/archive/`.
    static func archivesOpenSpecChange(_ change: FileChange) -> Bool {
        let from = change.oldPath ?? change.path
        let inChanges = SpecDocument.isUnder(from, ["openspec", "changes"]) && !SpecDocument.isUnder(from, ["openspec", "changes", "archive"])
        switch change.status {
        case .deleted: return inChanges
        case .renamed: return inChanges
        case .added, .copied: return SpecDocument.isUnder(change.path, ["openspec", "changes", "archive"])
        default: return false
        }
    }
}
