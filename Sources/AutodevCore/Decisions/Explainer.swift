import AutodevGit

/// One net change with the events it made: the input of the decision step.
struct ClassifiedChange: Sendable {
    public var change: FileChange
    public var category: PathCategory?
    public var events: [Event]
    /// Contents already read while classifying (spec files only), so the decision step does
    /// not read them again.
    var contents: [FileSide: [UInt8]] = [:]
}

/// Step 6 of a run: reads the specs a range touched into requirements, compares them, finds
/// what links each to code, and asks the rule table for a decision per event. Reads only;
/// no LLM.
struct Explainer {
    /// Commit messages searched for requirement ids, newest first.
    public static let commitLimit = 5_000
    /// Spec files read to find the requirements linked to a deleted path.
    public static let specIndexLimit = 20_000

    let repository: Repository
    let classifier: Classifier
    let before: Snapshot
    let after: Snapshot
    let range: ResolvedRange
    private var notes: [String] = []
    private var documentCache: [String: SpecDocument] = [:]
    private var scopeCache: [String: [Requirement]] = [:]
    private var codeChangedBy: [ObjectID: [String]] = [:]
    /// The documents of the range's spec changes, by side ("before"/"after") and path.
    private var changedDocuments: [String: SpecDocument] = [:]
    private var scopeRoots: [String: String] = [:]
    /// Requirements whose only change in the range is progress that finished them (a task
    /// ticked, a story set to Done), by "spec\u{0}key", with the reason: work still queued for
    /// them was done by hand and is withdrawn (`PassQueue`).
    public private(set) var finishedByProgress: [String: String] = [:]
    /// What the code at each end of the range says about cited paths and names (built on first use).
    var evidenceAfter: CodeEvidence?
    var evidenceBefore: CodeEvidence?
    /// Spec files' lines at the end of the range, by path, read when a task's code names are
    /// needed: the parsed title has lost its backticks.
    var specLines: [String: [Substring]] = [:]
    /// Looked at for every spec file read and every requirement decided: a signal that asks
    /// the run to stop ends `decide` early (with no decisions) and is kept in `stoppedBy`.
    var stopRequested: () -> StopReason? = { nil }
    private(set) var stoppedBy: StopReason?

    private mutating func shouldStop() -> Bool {
        if stoppedBy == nil { stoppedBy = stopRequested() }
        return stoppedBy != nil
    }

    mutating func scopeRoot(of requirement: Requirement) -> String {
        if let known = scopeRoots[requirement.spec] { return known }
        let root = Self.scopeRoot(requirement.spec, format: requirement.format)
        scopeRoots[requirement.spec] = root
        return root
    }

    public init(repository: Repository, classifier: Classifier, range: ResolvedRange, changes: [FileChange]) throws {
        self.repository = repository
        self.classifier = classifier
        self.range = range
        let fromTree = try range.from.map { try repository.commit($0).tree }
        before = try Snapshot(repository: repository, tree: fromTree)
        if range.worktree {
            var overlay: [String: FileSide?] = [:]
            for change in changes {
                if let old = change.oldPath, old != change.path, change.status == .renamed { overlay[old] = .some(nil) }
                overlay[change.path] = .some(change.new)
            }
            after = try Snapshot(repository: repository, tree: fromTree, overlay: overlay)
        } else {
            after = try Snapshot(repository: repository, tree: try range.to.map { try repository.commit($0).tree })
        }
    }

    /// The decisions for every event, in event order, and notes about what could not be read.
    public mutating func decide(_ items: [ClassifiedChange], failedTests: [Event] = []) -> (decisions: [Decision], notes: [String]) {
        let changedPaths = Set(items.filter { $0.category != .specs && $0.category != .ignore && $0.category != nil }
            .flatMap { [$0.change.path] + ($0.change.oldPath.map { [$0] } ?? []) })
        let changedCode = items.filter { $0.category == .code && $0.change.new != nil }.map(\.change.path)

        // 1. Requirements before and after, per spec event.
        var fileOutcomes: [String: DecisionFacts.SpecFileOutcome] = [:]
        var deletedDocuments: [String: Int] = [:]  // event → requirements of a spec file deleted outright
        var tagged: [(String, RequirementChange)] = []
        var hadRequirements = Set<String>()
        for item in items {
            guard let event = item.events.first, event.kind == .specificationChanged else { continue }
            if shouldStop() { return ([], notes) }
            let old = item.change.old.map { document(path: item.change.oldPath ?? item.change.path, side: $0, content: item.contents[$0]) }
            let new = item.change.new.map { document(path: item.change.path, side: $0, content: item.contents[$0]) }
            if let unreadable = [new, old].compactMap({ $0 }).first(where: { $0.requirements.isEmpty && $0.context == nil && !$0.diagnostics.isEmpty }) {
                fileOutcomes[event.id] = .unreadable(unreadable.diagnostics.joined(separator: "; "))
                continue
            }
            if let context = (new ?? old)?.context {
                let pureMove = item.change.status == .renamed && item.change.similarity == 100
                fileOutcomes[event.id] = pureMove ? .moved(item.change.oldPath ?? "?") : .context(context)
                continue
            }
            if item.change.status == .renamed, let old, let new, old.format != new.format,
               let similarity = item.change.similarity, similarity >= 90 {
                // The same text read another way in its new place (a different key scheme):
                // a move, not hundreds of added and removed requirements.
                fileOutcomes[event.id] = .moved("\(item.change.oldPath ?? "?") (read as \(old.format.displayName) there and as \(new.format.displayName) here; \(similarity)% of the file unchanged)")
                continue
            }
            if old?.requirements.isEmpty == false { hadRequirements.insert(event.id) }
            if new == nil, item.change.status != .renamed, let count = old?.requirements.count, count > 0 { deletedDocuments[event.id] = count }
            if let old { changedDocuments[sideKey(before, old.path)] = old }
            if let new { changedDocuments[sideKey(after, new.path)] = new }
            for change in SpecDiff.compare(before: old?.requirements ?? [], after: new?.requirements ?? []) {
                tagged.append((event.id, change))
            }
        }
        tagged = SpecDiff.pairRenames(tagged)
        for (_, change) in tagged where change.kind == .unchanged && change.progressChanged && !Self.reopens(change) {
            guard let requirement = change.after, let reason = finished(requirement, change: .unchanged, in: after) else { continue }
            finishedByProgress[requirement.spec + "\u{0}" + requirement.key] = reason
        }
        let copies = copiesElsewhere(tagged, rangeSpecs: Set(items.filter { $0.category == .specs }.map(\.change.path)))
        // Features whose open tasks are themselves new work in this run: those tasks carry the
        // work of the feature's stories and requirements (`covered-by-tasks`).
        for (_, change) in tagged {
            guard let task = change.after, task.kind == .task, !task.isTicked else { continue }
            let newWork = change.kind == .added || change.kind == .changed || (change.kind == .renamed && !change.textUnchanged) || Self.reopens(change)
            if newWork { tasksAtWork.insert(scopeRoot(of: task)) }
        }

        // 2. Facts and decisions for requirements (tasks last: they may be part of another's work).
        var decided: [String: [Decision]] = [:]
        var working: [String: String] = [:]  // "scope\u{0}id" → key of a requirement getting work
        let isTask = tagged.map { $0.1.current.kind == .task }
        let ordered = tagged.indices.filter { !isTask[$0] } + tagged.indices.filter { isTask[$0] }
        for position in ordered {
            let (eventID, change) = tagged[position]
            guard change.kind != .unchanged || Self.reopens(change) else { continue }
            if shouldStop() { return ([], notes) }
            let requirement = change.current
            let side = change.after == nil ? before : after
            var links = self.links(of: requirement, in: side)
            // Its history: under its old key (or in its old spec) it had links of its own.
            if let old = change.before, change.after != nil, old.key != requirement.key || old.spec != requirement.spec {
                links = SpecText.unique(links + self.links(of: old, in: before)).sorted()
            }
            let original = copies[position]
            if let original { links = SpecText.unique(links + self.links(of: original, in: after)).sorted() }
            var facts = DecisionFacts(event: .specificationChanged, path: requirement.spec)
            facts.requirementChange = change.kind == .unchanged ? .changed : change.kind
            facts.reopened = Self.reopens(change)
            facts.requirementKind = requirement.kind
            // A deleted document is not a request to delete code: its requirements are not
            // proposed for retirement (a replay of a public history proposed 99 retirements
            // when its author pruned two spec files).
            if change.kind == .removed, let count = deletedDocuments[eventID] { facts.specFile = .deleted(count) }
            facts.nonCodeTask = NotCodeWork.reason(requirement) ?? nonCodeParent(of: requirement, in: side)
            facts.optionalTask = requirement.kind == .task && requirement.optional
            if change.kind != .removed { facts.finished = finished(requirement, change: change.kind, in: side) }
            if change.kind == .added, facts.finished == nil { facts.implementedBy = citedByTickedTask(requirement, in: side) }
            facts.needsClarification = requirement.needsClarification
            facts.textUnchanged = change.textUnchanged
            facts.previousKey = change.kind == .renamed ? change.before?.key : nil
            // An open task added after adoption names the files it is about to change, which
            // exist before the work is done (as a work package's owned files do): they are no
            // sign of implementation. At adoption or a backfill the files at HEAD are; and a
            // linked file changed in the range still is (`alongside`).
            let plannedEdit = requirement.kind == .task && change.kind == .added && !range.firstRun
            // Cited paths are looked for in the whole tree (a sub-project root, a bare file name).
            let cited = resolved(links, of: requirement)
            facts.ambiguousLinks = cited.ambiguous
            facts.implementation = plannedEdit ? [] : cited.existing
            var shownAlongside: String?
            if requirement.kind == .task {
                facts.removal = removal(of: requirement)
                if facts.removal == nil, change.kind != .removed {
                    shownAlongside = symbolEvidence(of: requirement, change: change.kind, cited: cited, facts: &facts)
                }
            }
            let removalPending = if case .pending = facts.removal { true } else { false }
            if change.kind != .removed && facts.finished == nil && facts.missingSymbols == nil && !removalPending {
                facts.alongside = shownAlongside
                    ?? alongside(requirement, links: SpecText.unique(links + cited.existing), changedPaths: changedPaths)
            }
            let scope = scopeRoot(of: requirement)
            if requirement.kind == .task {
                for ref in requirement.refs + (requirement.parent.map { [$0] } ?? []) {
                    if let key = working[scope + "\u{0}" + ref] { facts.coveredBy = key; break }
                }
            } else if change.kind != .removed {
                facts.coveredByTasks = openTasks(of: requirement, in: side)
            }
            if let original { facts.copyOf = "\(original.key) in \(original.spec)" }
            var decision = makeDecision(eventID, facts, requirement: requirement, change: change, links: links)
            decision.doubt = doubt(about: change, decision: decision)
            // An adoption keeps the decision a backfill would make: its tasks are covered the same way.
            if decision.action == .newImplementation || decision.action == .updateImplementation || decision.backfillable {
                for id in requirement.ids { working[scope + "\u{0}" + id] = requirement.key }
            }
            decided[eventID, default: []].append(decision)
        }
        var byEvent: [String: [RequirementChange]] = [:]
        for (eventID, change) in tagged { byEvent[eventID, default: []].append(change) }
        for (eventID, changes) in byEvent where fileOutcomes[eventID] == nil && decided[eventID] == nil {
            let count = changes.filter(\.progressChanged).count
            if count > 0 { fileOutcomes[eventID] = .progressOnly(count) }
        }

        // 3. One decision per event, or one per changed requirement of a spec; failed tests first.
        var decisions: [Decision] = failedTests.map { event in
            makeDecision(event.id, DecisionFacts(event: event.kind, path: event.path), requirement: nil, change: nil, links: [])
        }
        var brokenLinks: [String: [Requirement]]?
        for item in items {
            if shouldStop() { return ([], notes) }
            for event in item.events {
                if event.kind == .specificationChanged {
                    if let made = decided[event.id] {
                        decisions.append(contentsOf: made.sorted { $0.requirementLine < $1.requirementLine })
                        continue
                    }
                    var facts = DecisionFacts(event: event.kind, path: event.path)
                    facts.specFile = fileOutcomes[event.id] ?? specOutcome(for: item.change, changes: byEvent[event.id] ?? [],
                                                                            hadRequirements: hadRequirements.contains(event.id))
                    decisions.append(makeDecision(event.id, facts, requirement: nil, change: nil, links: []))
                    continue
                }
                var facts = DecisionFacts(event: event.kind, path: event.path)
                facts.firstRun = range.firstRun
                if event.kind == .testAdded && !range.firstRun {
                    if codeIndex == nil { codeIndex = CodeIndex(changedCode) }
                    facts.alongside = codeIndex?.alongside(test: event.path) ?? testCommitWithCode(event.path)
                    if facts.alongside == nil { facts.existingCode = existingCode(testedBy: event.path) }
                }
                if event.kind == .codeModified, let gone = removedPath(item.change) {
                    if brokenLinks == nil {
                        let gonePaths = items.compactMap { $0.category == .specs ? nil : removedPath($0.change) }
                        brokenLinks = linkIndex(naming: Set(gonePaths))
                    }
                    // A task that deletes or moves the file asked for its absence: no link broke.
                    let linked = (brokenLinks?[gone] ?? []).filter { !Self.asksToRemove($0) }
                    if !linked.isEmpty {
                        for requirement in linked {
                            facts.brokenLink = requirement.key
                            var decision = makeDecision(event.id, facts, requirement: requirement,
                                                        change: RequirementChange(kind: .unchanged, before: requirement, after: requirement),
                                                        links: [gone])
                            decision.reason = "\(gone) was deleted, and \(requirement.key) (\(requirement.spec)) links to it"
                            decisions.append(decision)
                        }
                        continue
                    }
                }
                decisions.append(makeDecision(event.id, facts, requirement: nil, change: nil, links: []))
            }
        }
        return (decisions, notes + (evidenceAfter?.notes ?? []) + (evidenceBefore?.notes ?? []))
    }

    private func specOutcome(for change: FileChange, changes mine: [RequirementChange], hadRequirements: Bool) -> DecisionFacts.SpecFileOutcome {
        if change.status == .renamed || change.status == .copied, let old = change.oldPath {
            return .moved(old)
        }
        if change.new == nil {
            return hadRequirements ? .requirementsMoved : .removedEmpty
        }
        if mine.isEmpty && change.old != nil {
            return .cosmetic
        }
        return mine.contains { $0.kind == .unchanged && change.old == nil } ? .moved("another spec in this range") : .cosmetic
    }

    private func makeDecision(_ eventID: String, _ facts: DecisionFacts, requirement: Requirement?,
                              change: RequirementChange?, links: [String]) -> Decision {
        var (rule, reason) = DecisionRules.decide(facts)
        var backfillable = false
        if range.firstRun, range.backfill == nil, facts.event == .specificationChanged {
            // Adoption: what is at HEAD is the baseline. The decision the spec would get is kept
            // in the reason, and what would need work is what `--backfill` queues.
            backfillable = rule.action.needsWork
            reason = backfillable ? "adopted as the baseline; sync --backfill would queue it: \(reason)"
                                  : "adopted as the baseline (\(reason))"
            rule = DecisionRules.adoptedBaseline
        }
        let info = requirement.map { requirement in
            Decision.RequirementInfo(key: requirement.key, format: requirement.format, spec: requirement.spec,
                                     title: requirement.title, textHash: requirement.textHash,
                                     change: change?.kind ?? .unchanged,
                                     previousKey: change?.kind == .renamed ? change?.before?.key : nil)
        }
        var decision = Decision(eventId: eventID, action: rule.action, reason: reason, rule: rule.id,
                                requirement: info, links: links)
        decision.requirementLine = requirement?.line ?? 0
        decision.requirementDetail = requirement
        decision.backfillable = backfillable
        return decision
    }

    /// A deleted path. A renamed file is not gone: the links that named it follow it.
    private func removedPath(_ change: FileChange) -> String? {
        change.status == .deleted ? change.path : nil
    }

    /// A task whose own checkbox went from ticked to not ticked.
    static func reopens(_ change: RequirementChange) -> Bool {
        guard change.kind == .unchanged, let before = change.before, let after = change.after else { return false }
        return before.isTicked && after.kind == .task && !after.isTicked
    }

    // MARK: Identity by content

    /// The requirements (not tasks: "Add unit tests" recurs in every feature; not stories, whose
    /// file and status are their identity) added or given new
    /// text in this range whose content already exists elsewhere — in a spec the range did not
    /// touch, under another key, or earlier (by path and line) among the range's own new ones:
    /// position in `tagged` → that requirement. A spec not touched is parsed only when its bytes
    /// hold a word of a candidate (`RequirementIdentity.needle`).
    private mutating func copiesElsewhere(_ tagged: [(String, RequirementChange)], rangeSpecs: Set<String>) -> [Int: Requirement] {
        let candidates = tagged.indices.filter { position in
            let change = tagged[position].1
            guard let requirement = change.after, requirement.delta == nil, requirement.kind == .requirement else { return false }
            let newText = change.kind == .added || (change.kind == .changed && change.before?.contentKey != requirement.contentKey)
            return newText && requirement.contentKey.split(separator: " ").count >= 5
        }
        guard !candidates.isEmpty else { return [:] }
        var existing: [String: Requirement] = [:]
        for (_, change) in tagged where change.kind == .unchanged || (change.kind == .renamed && change.textUnchanged) {
            if let requirement = change.after, requirement.kind == .requirement, existing[requirement.contentKey] == nil {
                existing[requirement.contentKey] = requirement
            }
        }
        if !range.firstRun {
            let needles = Set(candidates.map { RequirementIdentity.needles(tagged[$0].1.after?.text ?? "") }.filter { !$0.isEmpty })
            var read = 0
            for (path, side) in after.files(under: "") where !rangeSpecs.contains(path)
                && SpecDocument.isMarkdown(SpecDocument.baseName(path)) && classifier.classify(path)?.category == .specs {
                read += 1
                if read > Self.specIndexLimit || shouldStop() { break }
                guard let bytes = try? repository.content(of: side) else { continue }
                let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
                guard needles.contains(where: { words in words.allSatisfy { Self.contains(lower, $0) } }) else { continue }
                for requirement in document(path: path, side: side, content: bytes).requirements
                where requirement.kind == .requirement && existing[requirement.contentKey] == nil {
                    existing[requirement.contentKey] = requirement
                }
            }
        }
        var result: [Int: Requirement] = [:]
        var firstNew: [String: Requirement] = [:]
        let byPlace = candidates.sorted { a, b in
            let x = tagged[a].1.after!, y = tagged[b].1.after!
            return (x.spec, x.line) < (y.spec, y.line)
        }
        for position in byPlace {
            let requirement = tagged[position].1.after!
            let key = requirement.contentKey
            if let original = existing[key] ?? firstNew[key] {
                result[position] = original
            } else {
                firstNew[key] = requirement
            }
        }
        return result
    }

    /// Feature folders with open tasks added, changed or reopened in this range (see `decide`).
    private var tasksAtWork = Set<String>()

    /// For a story or requirement of a feature folder whose open tasks are new work in this run:
    /// those tasks carry its work (they name the files and the steps), so it is not queued
    /// beside them. A requirement changed while its tasks stay as they were is work of its own.
    private mutating func openTasks(of requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind == .requirement || requirement.kind == .story, scopeRoot(of: requirement) != requirement.spec,
              tasksAtWork.contains(scopeRoot(of: requirement)) else { return nil }
        let index = scopeIndex(of: requirement, in: snapshot)
        guard index.openTasks > 0, let file = index.firstTaskSpec, file != requirement.spec else { return nil }
        return "\(index.openTasks) open task\(index.openTasks == 1 ? "" : "s") in \(file)"
    }

    /// Where the rules cannot tell: a requirement whose text was edited (in place or under a
    /// new key) by a few words, decided as work. Whether the edit changes what the code must do
    /// is a question of meaning; with a provider configured, triage asks it.
    private func doubt(about change: RequirementChange, decision: Decision) -> Decision.Doubt? {
        // A new task proposed as code work that the rules are unsure of (see `NotCodeWork.unsure`).
        if change.kind == .added, decision.action == .newImplementation, let task = change.after, let why = NotCodeWork.unsure(task) {
            var evidence = "task (\(task.key)) in \(task.spec)"
            if let section = task.section { evidence += " under “\(SecretGuard.cut(section, to: 120))”" }
            evidence += ": \(SecretGuard.cut(task.text, to: 400))\nthe rules are unsure: \(why)"
            return Decision.Doubt(question: "Is this task work for a person or for the project's checks (testing by hand, documentation, review, release, planning, running a command) rather than code to write?",
                                  evidence: evidence, similarity: 0,
                                  ifYes: "not code work: a person's task or a check, not code to write")
        }
        guard decision.action == .newImplementation || decision.action == .updateImplementation,
              change.kind == .changed || change.kind == .renamed, let old = change.before, let new = change.after,
              old.contentKey != new.contentKey, !old.contentKey.isEmpty else { return nil }
        let score = change.similarity ?? RequirementIdentity.similarity(old.text, new.text)
        guard score >= RequirementIdentity.unsureThreshold else { return nil }
        return Decision.Doubt(question: "Is the new text only a rewording of the old one, asking the code for nothing new or different?",
                              evidence: "old (\(old.key)): \(SecretGuard.cut(old.text, to: 400))\nnew (\(new.key)): \(SecretGuard.cut(new.text, to: 400))",
                              similarity: score, ifYes: "reworded: the text changed without asking anything new of the code")
    }

    // MARK: Reading specs

    private mutating func document(path: String, side: FileSide, content: [UInt8]? = nil) -> SpecDocument {
        let cacheKey = path + "\u{0}" + side.id.hex
        if side.location == .odb, let cached = documentCache[cacheKey] { return cached }
        if side.mode.rawValue == 0o120000 {
            return SpecDocument(path: path, format: .markdown, requirements: [],
                                context: "a symbolic link; the file it points to is read under its own path", diagnostics: [])
        }
        let bytes: [UInt8]
        do {
            bytes = side.mode.isSubmodule ? [] : try content ?? repository.content(of: side)
        } catch {
            let document = SpecDocument(path: path, format: .markdown, requirements: [], context: nil,
                                        diagnostics: [ReadNote.text(path: path, error: error)])
            if documentCache[cacheKey] == nil { notes.append(contentsOf: document.diagnostics) }
            if side.location == .odb { documentCache[cacheKey] = document }
            return document
        }
        let document = SpecDocument.parse(path: path, bytes: bytes)
        if documentCache[cacheKey] == nil { notes.append(contentsOf: document.diagnostics) }
        documentCache[cacheKey] = document
        return document
    }

    /// The folder whose specs describe one feature: `specs/001-x`, `.kiro/specs/x`,
    /// `openspec/changes/x`; a single file for stories, PRPs and plain specs.
    static func scopeRoot(_ path: String, format: SpecFormat) -> String {
        let parts = path.split(separator: "/").map(String.init)
        func folder(after marker: [String], depth: Int) -> String? {
            guard parts.count > marker.count + depth else { return nil }
            for start in 0...(parts.count - marker.count - depth) where Array(parts[start..<(start + marker.count)]) == marker {
                return parts[0..<(start + marker.count + depth)].joined(separator: "/")
            }
            return nil
        }
        switch format {
        case .specKit, .kittySpecs:
            return folder(after: ["specs"], depth: 1) ?? folder(after: ["kitty-specs"], depth: 1) ?? path
        case .kiro:
            return folder(after: [".kiro", "specs"], depth: 1) ?? path
        case .openSpec:
            return folder(after: ["openspec", "changes"], depth: 1) ?? folder(after: ["openspec", "specs"], depth: 1) ?? path
        default:
            return path
        }
    }

    /// A cache key for a path on one side of the range (the form `changedDocuments` uses).
    private func sideKey(_ snapshot: Snapshot, _ path: String) -> String {
        (snapshot === after ? "after" : "before") + "\u{0}" + path
    }

    /// The requirements of every spec in a requirement's scope, on one side of the range.
    private mutating func scope(of requirement: Requirement, in snapshot: Snapshot) -> [Requirement] {
        let root = scopeRoot(of: requirement)
        let cacheKey = sideKey(snapshot, root)
        if let cached = scopeCache[cacheKey] { return cached }
        if root == requirement.spec, let document = changedDocuments[cacheKey] {
            scopeCache[cacheKey] = document.requirements
            return document.requirements
        }
        var requirements: [Requirement] = []
        var packageLinks: [String: [String]] = [:]
        let files = root == requirement.spec ? snapshot.files(under: root).filter { $0.path == root } : snapshot.files(under: root)
        for (path, side) in files.prefix(500) where classifier.classify(path)?.category == .specs {
            let document = document(path: path, side: side)
            requirements.append(contentsOf: document.requirements)
            if let package = document.workPackage {
                for id in package.ids { packageLinks[id, default: []].append(contentsOf: package.files) }
            }
        }
        scopeCache[cacheKey] = requirements
        if !packageLinks.isEmpty { workPackageLinks[cacheKey] = packageLinks }
        return requirements
    }

    /// A scope's requirements indexed by what points at them, so that finding what cites a
    /// requirement costs what cites it, not the size of the scope (a feature can hold
    /// thousands of requirements and tasks).
    private struct ScopeIndex {
        var requirements: [Requirement] = []
        /// Key → positions of the requirements that belong to it (`parent`).
        var byParent: [String: [Int]] = [:]
        /// Id → positions of the requirements that cite it (`refs`).
        var byRef: [String: [Int]] = [:]
        var tasks = 0
        var openTasks = 0
        var firstTaskSpec: String?

        init(_ requirements: [Requirement]) {
            self.requirements = requirements
            for (position, requirement) in requirements.enumerated() {
                if let parent = requirement.parent { byParent[parent, default: []].append(position) }
                for ref in Set(requirement.refs) { byRef[ref, default: []].append(position) }
                if requirement.kind == .task {
                    tasks += 1
                    // An optional task left open (Kiro's `- [ ]*`) keeps no feature from being done.
                    if !requirement.isTicked && !requirement.optional { openTasks += 1 }
                    if firstTaskSpec == nil { firstTaskSpec = requirement.spec }
                }
            }
        }

        /// Positions of the other requirements that cite `requirement` or belong to it, in order.
        func citing(_ requirement: Requirement) -> [Int] {
            var positions = Set(byParent[requirement.key] ?? [])
            for id in Set(requirement.ids) { positions.formUnion(byRef[id] ?? []) }
            return positions.sorted().filter { requirements[$0].key != requirement.key || requirements[$0].spec != requirement.spec }
        }
    }

    private var scopeIndexes: [String: ScopeIndex] = [:]
    /// Per scope (as `scopeCache`): id → the code its work packages own.
    private var workPackageLinks: [String: [String: [String]]] = [:]

    private mutating func scopeIndex(of requirement: Requirement, in snapshot: Snapshot) -> ScopeIndex {
        let key = sideKey(snapshot, scopeRoot(of: requirement)) + "\u{0}" + requirement.spec
        if let known = scopeIndexes[key] { return known }
        let index = ScopeIndex(scope(of: requirement, in: snapshot))
        scopeIndexes[key] = index
        return index
    }

    /// What connects a requirement to code: the paths it names, and those of the tasks (and
    /// other requirements) of its scope that cite it or belong to it.
    private mutating func links(of requirement: Requirement, in snapshot: Snapshot) -> [String] {
        var paths = requirement.paths
        let index = scopeIndex(of: requirement, in: snapshot)
        for position in index.citing(requirement) {
            paths.append(contentsOf: index.requirements[position].paths)
        }
        // A work package's owned files are a sign of implementation only for what is already at
        // HEAD (an adoption or a backfill): a package planned in this range lists the files it is
        // about to change, which exist before the work is done.
        let scopeKey = sideKey(snapshot, scopeRoot(of: requirement))
        if range.firstRun, let packages = workPackageLinks[scopeKey] {
            for id in requirement.ids { paths.append(contentsOf: packages[id] ?? []) }
        }
        return SpecText.unique(paths).sorted()
    }

    // MARK: Evidence of finished work

    /// Why a requirement is already done: its task is ticked, its document says so, every task
    /// of its scope that cites it is ticked, or every task of its feature is. Ticks and statuses
    /// describe the text they were set for: a requirement whose text changed is done only when
    /// its own box is ticked or it is OpenSpec's record of shipped work.
    private mutating func finished(_ requirement: Requirement, change: RequirementChange.Kind, in snapshot: Snapshot) -> String? {
        if requirement.isTicked { return "the task is ticked ([x])" }
        if change == .changed {
            return requirement.format == .openSpec && SpecDocument.isUnder(requirement.spec, ["openspec", "specs"]) ? requirement.finished : nil
        }
        if let finished = requirement.finished { return finished }
        if let finished = featureStatus(of: requirement, in: snapshot) { return finished }
        if requirement.kind == .task { return nil }
        let index = scopeIndex(of: requirement, in: snapshot)
        let citing = index.citing(requirement).map { index.requirements[$0] }.filter { $0.kind == .task && !$0.optional }
        if !citing.isEmpty, citing.allSatisfy(\.isTicked) {
            let shown = citing.prefix(3).map(\.key).joined(separator: ", ")
            return "every task that cites it is ticked (\(shown)\(citing.count > 3 ? " and \(citing.count - 3) more" : ""))"
        }
        if citing.isEmpty, index.tasks > 0, index.openTasks == 0, scopeRoot(of: requirement) != requirement.spec {
            return "every task of the feature is ticked (\(index.tasks) in \(index.firstTaskSpec ?? "its tasks"))"
        }
        return nil
    }

    /// A numbered subtask (`0.3`) of a task that is not code work (`0. Spike: …`, `2. Review …`)
    /// is a step of that work, unless it names a code file: a replay of a public Kiro
    /// repository proposed a spike's six "confirm the provider's behaviour" steps as code work.
    private mutating func nonCodeParent(of requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind == .task, requirement.key.hasPrefix("Task "),
              !requirement.paths.contains(where: { !NotCodeWork.isDocument($0) }) else { return nil }
        let number = requirement.key.dropFirst(5)
        guard let dot = number.lastIndex(of: "."), dot != number.startIndex,
              number.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        let parentKey = "Task " + number[..<dot]
        let index = scopeIndex(of: requirement, in: snapshot)
        // The parent's title says what kind of work it is; its code spans include its steps'.
        guard let parent = index.requirements.first(where: { $0.key == parentKey && $0.spec == requirement.spec }),
              let why = NotCodeWork.reason(title: parent.title, paths: TextScan.pathMentions(parent.title), codeSpans: []) else { return nil }
        return "a step of \(parentKey), which is \(why)"
    }

    /// A requirement that some ticked task of its scope cites, while others are open (all ticked
    /// is `finished`): a done task citing it is evidence it is implemented, and its open tasks
    /// are decided on their own, as the rest of its work.
    private mutating func citedByTickedTask(_ requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind != .task else { return nil }
        let index = scopeIndex(of: requirement, in: snapshot)
        let citing = index.citing(requirement).map { index.requirements[$0] }.filter { $0.kind == .task }
        let ticked = citing.filter(\.isTicked)
        guard !ticked.isEmpty, ticked.count < citing.count else { return nil }
        let open = citing.filter { !$0.isTicked }
        return "\(ticked.prefix(3).map(\.key).joined(separator: ", ")) (ticked) \(ticked.count == 1 ? "cites" : "cite") it; "
            + "\(open.prefix(3).map(\.key).joined(separator: ", ")) \(open.count == 1 ? "carries" : "carry") the rest"
    }

    /// A kitty-specs feature whose `status.json` puts every work package in a finished lane.
    private mutating func featureStatus(of requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.format == .kittySpecs || SpecDocument.isUnder(requirement.spec, ["kitty-specs"]) else { return nil }
        let root = scopeRoot(of: requirement)
        guard root != requirement.spec else { return nil }
        let key = sideKey(snapshot, root)
        if let known = featureStatuses[key] { return known }
        var reason: String?
        if let side = snapshot.side(of: root + "/status.json"), let bytes = try? repository.content(of: side) {
            reason = KittyStatus.parse(bytes)?.finishedReason
        }
        featureStatuses[key] = .some(reason)
        return reason
    }

    private var featureStatuses: [String: String?] = [:]

    // MARK: Evidence of work done by a person

    /// Code changed in the range, indexed by what a test can be matched on: a new test is
    /// implemented alongside when the range changed a file it is named after, a file in its
    /// folder, or one in the module its path mirrors (`tests/pkg/mod/test_x.py` and
    /// `src/pkg/mod/`, `Tests/CoreTests/` and `Sources/Core/`).
    struct CodeIndex {
        var byStem: [String: String] = [:]
        var byFolder: [String: String] = [:]
        /// Every module and each of its ancestors → a code path in it or below it.
        var byModule: [String: String] = [:]
        /// Every module → a code path directly in it.
        var inModule: [String: String] = [:]

        init(_ code: [String]) {
            for path in code.sorted() {
                let stem = Explainer.codeStem(SpecDocument.baseName(path))
                if byStem[stem] == nil { byStem[stem] = path }
                let folder = Explainer.folder(of: path)
                // `tests/test_shop_cart.py` is named after `src/shop/cart.py` too.
                let parent = Explainer.codeStem(SpecDocument.baseName(folder))
                if !parent.isEmpty, byStem[parent + stem] == nil { byStem[parent + stem] = path }
                if byFolder[folder] == nil { byFolder[folder] = path }
                var module = Explainer.moduleKey(folder, test: false)
                if !module.isEmpty, inModule[module] == nil { inModule[module] = path }
                while !module.isEmpty {
                    if byModule[module] == nil { byModule[module] = path }
                    guard let slash = module.lastIndex(of: "/") else { break }
                    module = String(module[..<slash])
                }
            }
        }

        func alongside(test: String) -> String? {
            let subject = Explainer.testSubject(SpecDocument.baseName(test))
            if !subject.isEmpty, let path = byStem[subject] { return "\(path) changed in this range (the test is named after it)" }
            let testFolder = Explainer.folder(of: test)
            if let path = byFolder[testFolder] { return "\(path) changed in this range (same folder as the test)" }
            // Code in the test's module or below it, or directly in a module that encloses it.
            var module = Explainer.moduleKey(testFolder, test: true)
            if !module.isEmpty, let path = byModule[module] { return "\(path) changed in this range (the module the test covers)" }
            while let slash = module.lastIndex(of: "/") {
                module = String(module[..<slash])
                if let path = inModule[module] { return "\(path) changed in this range (the module the test covers)" }
            }
            return nil
        }
    }

    private var codeIndex: CodeIndex?
    /// Every code file at the end of the range, indexed like the range's changed code.
    private var headCode: CodeIndex?

    /// Code at the end of the range that a new test is named after (`test_cutover_guard.py`
    /// and `…/cutover_guard.py`): the test most likely covers what exists.
    private mutating func existingCode(testedBy test: String) -> String? {
        if headCode == nil {
            headCode = CodeIndex(after.files(under: "").map(\.path).filter { classifier.classify($0)?.category == .code })
        }
        let subject = Self.testSubject(SpecDocument.baseName(test))
        guard subject.count >= 3 else { return nil }
        return headCode?.byStem[subject]
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `test_store.py`, `store_test.go`, `StoreTests.swift`, `store.spec.ts` → `store`.
    static func testSubject(_ name: String) -> String {
        var stem = Substring(name.split(separator: ".").first ?? Substring(name))
        let lowerName = name.lowercased()
        for marker in [".test.", ".spec.", "-test.", "-spec."] where lowerName.contains(marker) {
            stem = Substring(name[..<name.index(name.startIndex, offsetBy: lowerName.firstRange(of: marker).map { lowerName.distance(from: lowerName.startIndex, to: $0.lowerBound) } ?? 0)])
        }
        var lower = stem.lowercased()
        for prefix in ["test_", "test-", "tests_"] where lower.hasPrefix(prefix) { lower = String(lower.dropFirst(prefix.count)) }
        for suffix in ["_test", "_tests", "_spec", "tests", "test", "spec", "it"] where lower.hasSuffix(suffix) && lower.count > suffix.count {
            lower = String(lower.dropLast(suffix.count))
            break
        }
        return normalizedStem(lower)
    }

    static func codeStem(_ name: String) -> String {
        normalizedStem(String(name.split(separator: ".").first ?? Substring(name)).lowercased())
    }

    private static func normalizedStem(_ stem: String) -> String {
        String(stem.filter { $0 != "_" && $0 != "-" })
    }

    /// A folder with its test or source roots taken out, lower-cased: the module it belongs to.
    static func moduleKey(_ folder: String, test: Bool) -> String {
        let roots: Set<String> = test ? ["tests", "test", "__tests__", "spec", "specs", "src", "unit", "integration", "e2e", "java", "kotlin"]
                                      : ["src", "lib", "sources", "source", "main", "app", "pkg", "internal", "java", "kotlin"]
        var parts: [String] = []
        for component in folder.split(separator: "/") {
            var part = component.lowercased()
            if roots.contains(part) { continue }
            if test, part.hasSuffix("tests") && part.count > 5 { part = String(part.dropLast(5)) }
            else if test, part.hasSuffix("test") && part.count > 4 { part = String(part.dropLast(4)) }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    private mutating func alongside(_ requirement: Requirement, links: [String], changedPaths: Set<String>) -> String? {
        // On a first run every path at HEAD "changed": a link that exists is evidence enough
        // (requirement-added-implemented), so only commits are searched.
        for link in links where !range.firstRun {
            if changedPaths.contains(link) { return "\(link) changed in this range" }
            if link.hasSuffix("/"), let path = changedPaths.filter({ $0.hasPrefix(link) }).min() {
                return "\(path) changed in this range"
            }
            // A link written from a sub-project's root that several files end with
            // (`.env.example`, `src/lib/api.ts` in a monorepo): the one of them this range
            // changed is the one meant.
            let ending = changedPaths.filter { $0.hasSuffix("/" + link) }
            if ending.count == 1, let path = ending.first { return "\(path) changed in this range" }
        }
        guard let index = indexedCommits() else { return nil }
        let scope = scopeRoot(of: requirement)
        let scoped = scope != requirement.spec
        for id in requirement.ids.filter(Self.isCitable) {
            for position in index.byID[id] ?? [] {
                let commit = index.commits[position]
                // Ids such as T025 or FR-001 restart in every feature: a citation counts for
                // this one only when the commit touched its folder or names it.
                if scoped, !namingCommits(scope).contains(position), !touches(commit, scope: scope) { continue }
                let changed = codeChanged(by: commit)
                guard !changed.isEmpty else { continue }
                return "commit \(commit.id.hex.prefix(12)) cites \(id) and changes \(Self.shown(changed))"
            }
        }
        // A spec change committed together with code: the person wrote both.
        if requirement.kind != .task, let (commit, code) = commitWithCode(changing: requirement.spec) {
            return "commit \(commit.id.hex.prefix(12)) changes this spec together with code (\(Self.shown(code)))"
        }
        return nil
    }

    /// A test file that the same commit added together with code.
    private mutating func testCommitWithCode(_ test: String) -> String? {
        guard indexedCommits() != nil, let (commit, code) = commitWithCode(changing: test, orWhatItTests: true) else { return nil }
        return "commit \(commit.id.hex.prefix(12)) adds this test together with code (\(Self.shown(code)))"
    }

    private static func shown(_ paths: [String]) -> String {
        paths.prefix(2).joined(separator: ", ") + (paths.count > 2 ? " and \(paths.count - 2) more" : "")
    }

    /// Commits of the range and, per citable id, the commits whose message cites it: messages
    /// are read once per run, not once per requirement.
    private struct CommitIndex {
        var commits: [CommitInfo] = []
        var byID: [String: [Int]] = [:]
        /// Every word of two characters or more with a digit or a hyphen (feature numbers, slugs).
        var words: [String: [Int]] = [:]
    }

    private var commitIndex: CommitIndex?
    private var pathsChangedBy: [ObjectID: [String]] = [:]

    /// The range's commit index, built on first use; nil for the work tree, which has no commits.
    private mutating func indexedCommits() -> CommitIndex? {
        guard !range.worktree, let to = range.to else { return nil }
        if commitIndex == nil { commitIndex = buildCommitIndex(from: range.from, to: to) }
        return commitIndex
    }

    private mutating func buildCommitIndex(from: ObjectID?, to: ObjectID) -> CommitIndex {
        var index = CommitIndex()
        index.commits = loadCommits(from: from, to: to)
        for (position, commit) in index.commits.enumerated() {
            let (tokens, words) = Self.messageTokens(commit.message)
            for token in tokens where index.byID[token]?.last != position {
                index.byID[token, default: []].append(position)
            }
            for word in words where index.words[word]?.last != position {
                index.words[word, default: []].append(position)
            }
        }
        return index
    }

    /// One pass over a message's bytes: the words that could be ids (ASCII letters and digits
    /// with `-`, `_` or `.` inside, holding both a letter and a digit: `FR-010`, `T018`, `R6.1`),
    /// and the lower-cased words that can name a feature (letters, digits, `-`, `_`, holding a
    /// digit or a hyphen: `027`, `027-user-auth`, `user-auth`). Bytes, not Characters: thousands
    /// of messages are read on a first run.
    static func messageTokens(_ message: String) -> (ids: [String], words: [String]) {
        var ids: [String] = [], words: [String] = []
        let bytes = Array(message.utf8)
        var start = 0
        func isTokenByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        func flush(_ end: Int) {
            // An id: trailing separators dropped.
            var last = end
            while last > start, [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_")].contains(bytes[last - 1]) { last -= 1 }
            if last - start >= 2 {
                let slice = bytes[start..<last]
                let letter = slice.contains { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
                let digit = slice.contains { $0 >= 0x30 && $0 <= 0x39 }
                if letter && digit { ids.append(String(decoding: slice, as: UTF8.self)) }
            }
            // Feature names: dots separate words.
            var wordStart = start
            for index in start...end where index == end || bytes[index] == UInt8(ascii: ".") {
                var wordEnd = index
                while wordEnd > wordStart, bytes[wordEnd - 1] == UInt8(ascii: "-") || bytes[wordEnd - 1] == UInt8(ascii: "_") { wordEnd -= 1 }
                if wordEnd - wordStart >= 2 {
                    let slice = bytes[wordStart..<wordEnd]
                    if slice.contains(where: { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }) {
                        words.append(String(decoding: slice.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self))
                    }
                }
                wordStart = index + 1
            }
        }
        for (index, byte) in bytes.enumerated() where !isTokenByte(byte) {
            if index > start { flush(index) }
            start = index + 1
        }
        if bytes.count > start { flush(bytes.count) }
        return (ids, words)
    }

    /// Whether a commit changed anything under a feature's folder.
    private mutating func touches(_ commit: CommitInfo, scope: String) -> Bool {
        let folder = scope + "/"
        return pathsChanged(by: commit).contains { $0.hasPrefix(folder) }
    }

    /// The commits whose message names a feature by its folder (`027-user-auth`), its number
    /// (`027`) or its slug (`user-auth`), from the index of message words.
    private mutating func namingCommits(_ scope: String) -> Set<Int> {
        if let known = namedBy[scope] { return known }
        var result = Set<Int>()
        for name in Self.featureNames(scope) { result.formUnion(commitIndex?.words[name.lowercased()] ?? []) }
        namedBy[scope] = result
        return result
    }

    private var namedBy: [String: Set<Int>] = [:]

    /// `specs/027-user-auth` → `027-user-auth`, `027`, `user-auth`.
    static func featureNames(_ scope: String) -> [String] {
        let folder = SpecDocument.baseName(scope)
        var names = [folder]
        let number = folder.prefix { $0.isNumber }
        if number.count >= 2 { names.append(String(number)) }
        var slug = Substring(folder.dropFirst(number.count))
        while slug.first == "-" || slug.first == "_" { slug = slug.dropFirst() }
        if slug.count >= 6 && slug.contains("-") && slug != Substring(folder) { names.append(String(slug)) }
        return names
    }

    /// The newest commit of the range (of at most 200) that changed `path` and code, with that
    /// code. Code, not tests: a test written beside a spec is not its implementation.
    /// `orWhatItTests`: for a test, configuration or a schema committed with it counts too (a
    /// spec committed with configuration, autodev's own included, is not implemented by it).
    private mutating func commitWithCode(changing path: String, orWhatItTests: Bool = false) -> (CommitInfo, [String])? {
        guard let commits = commitIndex?.commits, commits.count <= 200 else { return nil }
        for commit in commits where pathsChanged(by: commit).contains(path) {
            let code = codeChanged(by: commit).filter { classifier.classify($0)?.category == .code }
            if !code.isEmpty { return (commit, code) }
            guard orWhatItTests else { continue }
            // A test of configuration or a schema lands with the files it tests (a workspace
            // file, a schema.yaml): the commit implements it. Prose and other tests do not.
            let support = pathsChanged(by: commit).filter { other in
                guard other != path, !Self.isProse(other), !Self.isAutodevConfig(other) else { return false }
                let category = classifier.classify(other)?.category
                return category != .tests && category != .specs && category != .ignore
            }
            if !support.isEmpty { return (commit, support) }
        }
        return nil
    }

    /// autodev's own settings, patterns and templates: never a project's implementation.
    static func isAutodevConfig(_ path: String) -> Bool {
        path == "config/autodev.toml" || path == "config/patterns.toml" || path.hasPrefix("config/templates/")
    }

    /// Documentation and notes: never the implementation of a test.
    static func isProse(_ path: String) -> Bool {
        NotCodeWork.isDocument(path) || path.hasPrefix(".changeset/") || path.hasPrefix(".github/")
    }

    private mutating func pathsChanged(by commit: CommitInfo) -> [String] {
        if let known = pathsChangedBy[commit.id] { return known }
        let paths = (try? repository.changedPaths(of: commit)) ?? []
        pathsChangedBy[commit.id] = paths
        return paths
    }

    /// The code, test, dependency and configuration paths a commit changed, read once.
    private mutating func codeChanged(by commit: CommitInfo) -> [String] {
        if let known = codeChangedBy[commit.id] { return known }
        let paths = pathsChanged(by: commit)
        let code = paths.filter { path in
            guard let category = classifier.classify(path)?.category else { return false }
            return category != .specs && category != .ignore
        }
        codeChangedBy[commit.id] = code
        return code
    }

    /// The commits of the range, newest first, up to `commitLimit`.
    private mutating func loadCommits(from: ObjectID?, to: ObjectID) -> [CommitInfo] {
        guard let (commits, truncated) = try? repository.commits(from: from, to: to, limit: Self.commitLimit) else {
            notes.append("could not walk the commits of the range; commit messages were not searched for requirement ids")
            return []
        }
        if truncated {
            notes.append("only the newest \(Self.commitLimit) commits of the range were searched for requirement ids")
        }
        return commits
    }

    /// `FR-010`, `T018`, `US1`, `R6.1`: an id with letters and digits, no spaces.
    static func isCitable(_ id: String) -> Bool {
        id.count >= 2 && !id.contains(" ") && id.contains(where: \.isLetter) && id.contains(where: \.isNumber)
    }

    // MARK: Deleted code that a requirement links to

    /// The paths linked by the requirements of the specs, at the end of the range, that name one
    /// of `gone` (a spec that does not contain a deleted file's name cannot link to it, so it is
    /// not parsed: a rename in a large repository does not read every spec).
    private mutating func linkIndex(naming gone: Set<String>) -> [String: [Requirement]] {
        var index: [String: [Requirement]] = [:]
        let needles = Set(gone.map { Array(SpecDocument.baseName($0).utf8) })
        var read = 0
        // Only Markdown specs name paths (a non-Markdown spec is one requirement without links),
        // so the cheap suffix test comes before the globs.
        for (path, side) in after.files(under: "")
        where SpecDocument.isMarkdown(SpecDocument.baseName(path)) && classifier.classify(path)?.category == .specs {
            read += 1
            if shouldStop() { break }
            if read > Self.specIndexLimit {
                notes.append("more than \(Self.specIndexLimit) spec files: links of the rest were not checked for deleted paths")
                break
            }
            guard let bytes = try? repository.content(of: side),
                  needles.contains(where: { Self.contains(bytes, $0) }) else { continue }
            for requirement in document(path: path, side: side, content: bytes).requirements {
                for link in links(of: requirement, in: after) {
                    index[link, default: []].append(requirement)
                }
            }
        }
        return index
    }

    /// Whether `needle` occurs in `haystack`, byte for byte.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
