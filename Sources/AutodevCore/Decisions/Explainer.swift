import AutodevGit

/// One net change with the events it made: the input of the decision step.
struct ClassifiedChange: Sendable {
    public var change: FileChange
    public var category: PathCategory?
    /// A slice of the report's events (not a copy of their own; see `EventBuilder.report`).
    public var events: ArraySlice<Event>
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
    var notes: [String] = []
    var documentCache: [String: SpecDocument] = [:]
    var scopeCache: [String: [Requirement]] = [:]
    var codeChangedBy: [ObjectID: [String]] = [:]
    /// The documents of the range's spec changes, by side ("before"/"after") and path.
    var changedDocuments: [String: SpecDocument] = [:]
    var scopeRoots: [String: String] = [:]
    /// Requirements whose only change in the range is progress that finished them (a task
    /// ticked, a story set to Done), by "spec\u{0}key", with the reason: work still queued for
    /// them was done by hand and is withdrawn (`PassQueue`).
    public private(set) var finishedByProgress: [String: String] = [:]
    /// What the code at each end of the range says about cited paths and names (built on first use).
    var evidenceAfter: CodeEvidence?
    var evidenceBefore: CodeEvidence?
    // State of the sections in the Explainer+*.swift files (stored properties live here).
    /// Feature folders with open tasks added, changed or reopened in this range (see `decide`).
    var tasksAtWork = Set<String>()
    /// Per BMAD story ("spec\u{0}story key"): its open tasks that are new work in this range.
    var bmadTasksAtWork: [String: [Requirement]] = [:]
    var scopeIndexes: [String: ScopeIndex] = [:]
    /// Per scope (as `scopeCache`): id → the code its work packages own.
    var workPackageLinks: [String: [String: [String]]] = [:]
    var featureStatuses: [String: String?] = [:]
    var codeIndex: CodeIndex?
    /// Every code file at the end of the range, indexed like the range's changed code.
    var headCode: CodeIndex?
    /// `importedCode(testedBy:)` by test file: every new test of a file has the same imports,
    /// and reading them again per test read a 200,000-test file 200,000 times.
    var importedCodeByTest: [String: String?] = [:]
    /// The path segments of the route-like literals the code at the end of the range holds
    /// (`'api/v1/'` → api, v1), with a file holding each: read once, when a new test reaches
    /// the project only through URLs (`routedCode(testedBy:)`).
    var routeSegments: [String: String]?
    /// Per spec: the requirements new or changed in this range (`rewritten(_:implementation:in:)`).
    var rewrittenIndex: [String: [Requirement]]?
    var commitIndex: CommitIndex?
    var pathsChangedBy: [ObjectID: [String]] = [:]
    /// The same as sets: `commitWithCode` asks each commit of the range about each
    /// requirement's spec (a commit of 1,000 specs asked 1,000 times was a million comparisons).
    var pathSetsChangedBy: [ObjectID: Set<String>] = [:]
    var namedBy: [String: Set<Int>] = [:]
    /// Spec files' lines at the end of the range, by path, read when a task's code names are
    /// needed: the parsed title has lost its backticks.
    var specLines: [String: [Substring]] = [:]
    /// The bytes of the range's changed spec files at the end of the range (blobs read while
    /// classifying), by path: `lines(ofSpec:)` reads their lines from them instead of looking
    /// the path up and reading its blob again (once per requirement of a new spec).
    var rangeSpecBytes: [String: [UInt8]] = [:]
    /// The range's changed code and test files (`implementedDoubt`), and per feature folder those of its area.
    var rangeCode: [String] = []
    var unsureAreas: [String: [String]] = [:]
    /// Per task document: whether the range delivered it together with its code (`deliveredWithCode`).
    var deliveredSpecs: [String: Bool] = [:]
    /// Every path the range changed, created or deleted but specs and ignored ones (`changedPaths` of `decide`).
    var rangeChanged = Set<String>()
    var unsureLookupsMade = 0
    /// The content keys of spec files kept between runs (`SpecIndex`); nil: none is kept, and
    /// every spec the range did not touch is looked at by its bytes.
    var specIndex: SpecIndex?
    /// Deleted paths whose deletion a spec file asks for (`| models/token.py | Delete file |`),
    /// with the folders of those spec files: built with the link index.
    var requestedDeletions: [String: Set<String>] = [:]
    /// Whether the range archived an OpenSpec change (moved a folder of `openspec/changes/`):
    /// then what it wrote into `openspec/specs/` is the record of shipped work (`writtenRecord`).
    var archivedOpenSpecChange = false
    /// Names and phrases looked up in the code at the end of the range, found or not (`writtenRecord`).
    var recordNamesFound: [String: Bool] = [:]
    /// Per spec file: why every code file it links to went in this range, or nil (`featureRemoved`).
    var removedFeatures: [String: String?] = [:]
    /// Looked at for every spec file read and every requirement decided: a signal that asks
    /// the run to stop ends `decide` early (with no decisions) and is kept in `stoppedBy`.
    var stopRequested: () -> StopReason? = { nil }
    private(set) var stoppedBy: StopReason?

    mutating func shouldStop() -> Bool {
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
        // Every changed path but specs and ignored ones, unclassified files included: a task
        // that names a Gherkin feature file or a fixture the range created is done by it.
        let changedPaths = Set(items.filter { $0.category != .specs && $0.category != .ignore }
            .flatMap { [$0.change.path] + ($0.change.oldPath.map { [$0] } ?? []) })
        rangeChanged = changedPaths
        let changedCode = items.filter { $0.category == .code && $0.change.new != nil }.map(\.change.path)
        rangeCode = items.filter { ($0.category == .code || $0.category == .tests) && $0.change.new != nil }.map(\.change.path)
        archivedOpenSpecChange = items.contains { Self.archivesOpenSpecChange($0.change) }

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
            if let side = item.change.new, side.location == .odb, !side.mode.isSubmodule, let bytes = item.contents[side] {
                // What `after.side(of:)` holds at this path: the change's new side.
                rangeSpecBytes[item.change.path] = bytes
            }
            if let specIndex, let new, let side = item.change.new, side.location == .odb,
               side.mode.rawValue == 0o100644 || side.mode.rawValue == 0o100755, !new.requirements.isEmpty || new.diagnostics.isEmpty {
                // Read for this range (not one that could not be read): the next run finds it
                // in the index untouched.
                specIndex.record(path: item.change.path, blob: side.id, document: new)
            }
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
            // Keys made before the write: a key made inside the subscript copied the Explainer.
            if let old { let key = sideKey(before, old.path); changedDocuments[key] = old }
            if let new { let key = sideKey(after, new.path); changedDocuments[key] = new }
            for change in SpecDiff.compare(before: old?.requirements ?? [], after: new?.requirements ?? []) {
                tagged.append((event.id, change))
            }
        }
        tagged = SpecDiff.pairRenames(tagged)
        let settledGroups = Self.groupsWithEveryStepTicked(tagged.map { $0.1 })
        let reopens = { (change: RequirementChange) in
            Self.reopens(change) && !settledGroups.contains(change.after.map { $0.spec + "\u{0}" + $0.key } ?? "")
        }
        for (_, change) in tagged where change.kind == .unchanged && change.progressChanged && !reopens(change) {
            guard let requirement = change.after, let reason = finished(requirement, change: .unchanged, in: after) else { continue }
            finishedByProgress[requirement.spec + "\u{0}" + requirement.key] = reason
        }
        let copies = copiesElsewhere(tagged, rangeSpecs: Set(items.filter { $0.category == .specs }.map(\.change.path)))
        // Features whose open tasks are themselves new work in this run: those tasks carry the
        // work of the feature's stories and requirements (`covered-by-tasks`).
        for (_, change) in tagged {
            guard let task = change.after, task.kind == .task, !task.isTicked else { continue }
            let newWork = change.kind == .added || change.kind == .changed || (change.kind == .renamed && !change.textUnchanged) || reopens(change)
            if newWork {
                tasksAtWork.insert(scopeRoot(of: task))
                noteStoryTaskAtWork(task)
            }
        }

        // 2. Facts and decisions for requirements (tasks last: they may be part of another's work).
        var decided: [String: [Decision]] = [:]
        var working: [String: String] = [:]  // "scope\u{0}id" → key of a requirement getting work
        let isTask = tagged.map { $0.1.current.kind == .task }
        let ordered = tagged.indices.filter { !isTask[$0] } + tagged.indices.filter { isTask[$0] }
        for position in ordered {
            let (eventID, change) = tagged[position]
            guard change.kind != .unchanged || reopens(change) else { continue }
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
            facts.reopened = reopens(change)
            facts.requirementKind = requirement.kind
            // A deleted document is not a request to delete code: its requirements are not
            // proposed for retirement (a replay of a public history proposed 99 retirements
            // when its author pruned two spec files).
            if change.kind == .removed, let count = deletedDocuments[eventID] { facts.specFile = .deleted(count) }
            facts.nonCodeTask = NotCodeWork.reason(requirement) ?? nonCodeParent(of: requirement, in: side)
                ?? keepConstraint(requirement) ?? specDocumentTask(requirement, in: side) ?? contractTask(requirement, in: side)
                ?? NotCodeWork.documentTarget(requirement)
            facts.descoped = Self.descoped(requirement)
            if change.kind == .removed { facts.withdrawnHeading = withdrawnHeading(requirement) }
            facts.optionalTask = requirement.kind == .task && requirement.optional
            if change.kind != .removed { facts.taskGroup = taskGroup(of: requirement, in: side) }
            if change.kind != .removed { facts.finished = finished(requirement, change: change.kind, in: side) }
            if change.kind == .added, facts.finished == nil { facts.implementedBy = citedByTickedTask(requirement, in: side) }
            facts.needsClarification = requirement.needsClarification
            facts.notARequirement = notARequirement(requirement, in: side)
            facts.textUnchanged = change.textUnchanged
            facts.previousKey = change.kind == .renamed ? change.before?.key : nil
            facts.markedUnchanged = Self.markedUnchanged(change)
            // An open task added after adoption names the files it is about to change, which
            // exist before the work is done (as a work package's owned files do): they are no
            // sign of implementation. At adoption or a backfill the files at HEAD are; and a
            // linked file changed in the range still is (`alongside`).
            // So does a requirement of an OpenSpec proposal kept outside `specs/` and `changes/`.
            let plannedEdit = (requirement.kind == .task || Self.openSpecProposal(requirement)) && change.kind == .added && !range.firstRun
            // Cited paths are looked for in the whole tree (a sub-project root, a bare file name).
            let cited = resolved(links, of: requirement)
            facts.ambiguousLinks = cited.ambiguous
            facts.implementation = plannedEdit ? []
                : change.kind == .added ? citedFilesHolding(requirement, cited.existing) : cited.existing
            var shownAlongside: String?
            if requirement.kind == .task {
                facts.removal = removal(of: requirement)
                if facts.removal == nil, change.kind != .removed {
                    shownAlongside = symbolEvidence(of: requirement, change: change.kind, cited: cited, facts: &facts)
                }
            }
            // A task that extends another by its id (`Extend T204 with \`--include\``) is that task's code work.
            if requirement.kind == .task, change.kind == .added, facts.finished == nil, facts.removal == nil,
               facts.missingSymbols == nil, facts.implementedBy == nil, shownAlongside == nil {
                extensionEvidence(of: requirement, facts: &facts)
            }
            let removalPending = if case .pending = facts.removal { true } else { false }
            if change.kind != .removed && facts.finished == nil && facts.missingSymbols == nil && !removalPending {
                facts.alongside = shownAlongside
                    ?? alongside(requirement, links: SpecText.unique(links + cited.existing), changedPaths: changedPaths)
                    ?? (change.kind == .added && facts.implementation.isEmpty ? declaredInRange(requirement) : nil)
            }
            if change.kind == .removed, requirement.kind == .task, !facts.implementation.isEmpty {
                facts.implementation = holdingWhatItAdds(requirement, facts.implementation)
            }
            if change.kind == .removed, !facts.implementation.isEmpty, !range.firstRun {
                facts.alongside = retiredAlongside(facts.implementation, changedPaths: changedPaths)
                if rewrittenIndex == nil { rewrittenIndex = Self.rewrittenIndex(tagged.map(\.1)) }
                facts.rewrittenAs = Self.rewritten(requirement, implementation: facts.implementation, in: rewrittenIndex ?? [:])
            }
            let scope = scopeRoot(of: requirement)
            if requirement.kind == .task {
                for ref in requirement.refs + (requirement.parent.map { [$0] } ?? []) {
                    if let key = working[scope + "\u{0}" + ref] { facts.coveredBy = key; break }
                }
            } else if change.kind != .removed {
                facts.coveredByTasks = openTasks(of: requirement, in: side) ?? storyCoveredByTasks(change)
                if facts.nonCodeTask == nil { facts.nonCodeTask = storyNotCodeWork(requirement) }
            }
            if let original { facts.copyOf = "\(original.key) in \(original.spec)" }
            var decision = makeDecision(eventID, facts, requirement: requirement, change: change, links: links)
            decision.doubt = doubt(about: change, decision: decision) ?? implementedDoubt(about: change, decision: decision)
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
        // At least one per event, made room for at once: grown by appending, 2,000,000 decisions
        // of a large range were held in up to twice their room (three times while growing).
        decisions.reserveCapacity(decisions.count + items.reduce(0) { $0 + $1.events.count })
        var brokenLinks: [String: [Requirement]]?
        var addedPaths: [String] = []
        var testsTickedBy: [String: String]?
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
                    if facts.alongside == nil {
                        if testsTickedBy == nil { testsTickedBy = Self.testsTickedBy(tagged.map(\.1)) }
                        facts.alongside = testsTickedBy?[event.path]
                    }
                    if facts.alongside == nil { facts.existingCode = existingCode(testedBy: event.path) }
                }
                if event.kind == .codeModified, let gone = removedPath(item.change) {
                    if brokenLinks == nil {
                        let gonePaths = items.compactMap { $0.category == .specs ? nil : removedPath($0.change) }
                        brokenLinks = linkIndex(naming: Set(gonePaths))
                        addedPaths = items.compactMap { $0.change.status == .added ? $0.change.path : nil }
                    }
                    // A task that deletes or moves the file asked for its absence: no link broke.
                    // A task that deletes or moves the file, or a line of its feature's spec that
                    // says to delete it, asked for its absence: no link broke.
                    let asked = requestedDeletions[gone] ?? []
                    let linked = (brokenLinks?[gone] ?? []).filter { requirement in
                        !Self.asksToRemove(requirement) && !asked.contains(Self.folder(of: requirement.spec))
                    }
                    if !linked.isEmpty {
                        for requirement in linked {
                            // A finished story's link to a file deleted since (a migration) is
                            // history, not a request to restore it.
                            facts.staleLink = finishedDocument(requirement)
                            facts.linkSurvives = facts.staleLink == nil
                                ? (moduleLivesOn(gone) ?? linkSurvives(gone) ?? movedInRange(gone, added: addedPaths) ?? ownCodeIntact(requirement, gone: gone) ?? announcedRemoval(gone) ?? featureRemoved(requirement) ?? tickedTaskLivesOn(requirement, gone: gone)) : nil
                            facts.brokenLink = requirement.key
                            var decision = makeDecision(event.id, facts, requirement: requirement,
                                                        change: RequirementChange(kind: .unchanged, before: requirement, after: requirement),
                                                        links: [gone])
                            decision.reason = "\(gone) was deleted, and \(requirement.key) (\(requirement.spec)) links to it"
                                + (facts.staleLink.map { "; its document is finished work (\($0)): a stale link, not work" } ?? "")
                                + (facts.linkSurvives.map { ", but \($0): no work" } ?? "")
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

    func specOutcome(for change: FileChange, changes mine: [RequirementChange], hadRequirements: Bool) -> DecisionFacts.SpecFileOutcome {
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

    func makeDecision(_ eventID: String, _ facts: DecisionFacts, requirement: Requirement?,
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
    func removedPath(_ change: FileChange) -> String? {
        change.status == .deleted ? change.path : nil
    }

    /// Groups marked in progress (Kiro's `- [-] 2. …`) whose numbered steps (`2.1`, `2.2`) are all
    /// ticked, as "spec\0key": nothing in them is open, so the mark reopens nothing.
    static func groupsWithEveryStepTicked(_ changes: [RequirementChange]) -> Set<String> {
        let tasks = changes.compactMap(\.after).filter { $0.kind == .task }
        var steps: [String: [Requirement]] = [:]
        for task in tasks {
            guard let dot = task.key.lastIndex(of: ".") else { continue }
            steps[task.spec + "\u{0}" + String(task.key[..<dot]), default: []].append(task)
        }
        var settled = Set<String>()
        for group in tasks where group.progress == "-" {
            let key = group.spec + "\u{0}" + group.key
            if let own = steps[key], !own.isEmpty, own.allSatisfy(\.isTicked) { settled.insert(key) }
        }
        return settled
    }

    /// A task whose own checkbox went from ticked to not ticked. A group marked in progress
    /// (Kiro's `- [-]`) whose subtasks are all still ticked is not reopened: nothing in it is
    /// open (a fresh replay of a public Kiro repository read such a group as reopened work).
    static func reopens(_ change: RequirementChange) -> Bool {
        guard change.kind == .unchanged, let before = change.before, let after = change.after else { return false }
        let progress = after.progress
        if progress.first == "-", progress.count > 1, progress.dropFirst().allSatisfy({ $0 == "x" }) { return false }
        return before.isTicked && after.kind == .task && !after.isTicked
    }
}
