public import AutodevGit

/// One net change with the events it made: the input of the decision step.
public struct ClassifiedChange: Sendable {
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
public struct Explainer {
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
    /// Commits of the range whose message may cite an id; what each changed is read only when a
    /// citation is found (`codeChangedBy`).
    private var commitsCited: [CommitInfo]?
    private var codeChangedBy: [ObjectID: [String]] = [:]
    /// The documents of the range's spec changes, by side ("before"/"after") and path.
    private var changedDocuments: [String: SpecDocument] = [:]
    private var scopeRoots: [String: String] = [:]

    private mutating func scopeRoot(of requirement: Requirement) -> String {
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

        // 1. Requirements before and after, per spec event.
        var fileOutcomes: [String: DecisionFacts.SpecFileOutcome] = [:]
        var tagged: [(String, RequirementChange)] = []
        var hadRequirements = Set<String>()
        for item in items {
            guard let event = item.events.first, event.kind == .specificationChanged else { continue }
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
            if old?.requirements.isEmpty == false { hadRequirements.insert(event.id) }
            if let old { changedDocuments["before\u{0}" + old.path] = old }
            if let new { changedDocuments["after\u{0}" + new.path] = new }
            for change in SpecDiff.compare(before: old?.requirements ?? [], after: new?.requirements ?? []) {
                tagged.append((event.id, change))
            }
        }
        tagged = SpecDiff.pairRenames(tagged)

        // 2. Facts and decisions for requirements (tasks last: they may be part of another's work).
        var decided: [String: [Decision]] = [:]
        var working: [String: String] = [:]  // "scope\u{0}id" → key of a requirement getting work
        let isTask = tagged.map { $0.1.current.kind == .task }
        let ordered = tagged.indices.filter { !isTask[$0] } + tagged.indices.filter { isTask[$0] }
        for (eventID, change) in ordered.lazy.map({ tagged[$0] }) where change.kind != .unchanged {
            let requirement = change.current
            let side = change.after == nil ? before : after
            let links = self.links(of: requirement, in: side)
            var facts = DecisionFacts(event: .specificationChanged, path: requirement.spec)
            facts.requirementChange = change.kind
            facts.needsClarification = requirement.needsClarification
            facts.textUnchanged = change.textUnchanged
            facts.previousKey = change.kind == .renamed ? change.before?.key : nil
            facts.implementation = links.filter { after.exists($0) }
            if change.kind != .removed {
                facts.alongside = alongside(requirement, links: links, changedPaths: changedPaths)
            }
            let scope = scopeRoot(of: requirement)
            if requirement.kind == .task {
                for ref in requirement.refs + (requirement.parent.map { [$0] } ?? []) {
                    if let key = working[scope + "\u{0}" + ref] { facts.coveredBy = key; break }
                }
            }
            let decision = makeDecision(eventID, facts, requirement: requirement, change: change, links: links)
            if decision.action == .newImplementation || decision.action == .updateImplementation {
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
                if event.kind == .codeModified, let gone = removedPath(item.change) {
                    if brokenLinks == nil {
                        let gonePaths = items.compactMap { $0.category == .specs ? nil : removedPath($0.change) }
                        brokenLinks = linkIndex(naming: Set(gonePaths))
                    }
                    let linked = brokenLinks?[gone] ?? []
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
        return (decisions, notes)
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
        let (rule, reason) = DecisionRules.decide(facts)
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
        return decision
    }

    private func removedPath(_ change: FileChange) -> String? {
        switch change.status {
        case .deleted: change.path
        case .renamed: change.oldPath
        default: nil
        }
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

    /// The requirements of every spec in a requirement's scope, on one side of the range.
    private mutating func scope(of requirement: Requirement, in snapshot: Snapshot) -> [Requirement] {
        let root = scopeRoot(of: requirement)
        let cacheKey = (snapshot === after ? "after" : "before") + "\u{0}" + root
        if let cached = scopeCache[cacheKey] { return cached }
        if root == requirement.spec, let document = changedDocuments[cacheKey] {
            scopeCache[cacheKey] = document.requirements
            return document.requirements
        }
        var requirements: [Requirement] = []
        let files = root == requirement.spec ? snapshot.files(under: root).filter { $0.path == root } : snapshot.files(under: root)
        for (path, side) in files.prefix(500) where classifier.classify(path)?.category == .specs {
            requirements.append(contentsOf: document(path: path, side: side).requirements)
        }
        scopeCache[cacheKey] = requirements
        return requirements
    }

    /// What connects a requirement to code: the paths it names, and those of the tasks (and
    /// other requirements) of its scope that cite it or belong to it.
    private mutating func links(of requirement: Requirement, in snapshot: Snapshot) -> [String] {
        var paths = requirement.paths
        let ids = Set(requirement.ids)
        for other in scope(of: requirement, in: snapshot) where other.key != requirement.key || other.spec != requirement.spec {
            if other.parent == requirement.key || other.refs.contains(where: ids.contains) {
                paths.append(contentsOf: other.paths)
            }
        }
        return SpecText.unique(paths).sorted()
    }

    // MARK: Evidence of work done by a person

    private mutating func alongside(_ requirement: Requirement, links: [String], changedPaths: Set<String>) -> String? {
        for link in links {
            if changedPaths.contains(link) { return "\(link) changed in this range" }
            if link.hasSuffix("/"), let path = changedPaths.filter({ $0.hasPrefix(link) }).min() {
                return "\(path) changed in this range"
            }
        }
        let citable = requirement.ids.filter(Self.isCitable)
        guard !citable.isEmpty, !range.worktree, let to = range.to else { return nil }
        if commitsCited == nil { commitsCited = loadCommits(from: range.from, to: to) }
        for commit in commitsCited ?? [] {
            guard let id = citable.first(where: { TextScan.cites(commit.message, id: $0) }) else { continue }
            let changed = codeChanged(by: commit)
            guard !changed.isEmpty else { continue }
            let shown = changed.prefix(2).joined(separator: ", ") + (changed.count > 2 ? " and \(changed.count - 2) more" : "")
            return "commit \(commit.id.hex.prefix(12)) cites \(id) and changes \(shown)"
        }
        return nil
    }

    /// The code, test, dependency and configuration paths a commit changed, read once.
    private mutating func codeChanged(by commit: CommitInfo) -> [String] {
        if let known = codeChangedBy[commit.id] { return known }
        let paths = (try? repository.changedPaths(of: commit)) ?? []
        let code = paths.filter { path in
            guard let category = classifier.classify(path)?.category else { return false }
            return category != .specs && category != .ignore
        }
        codeChangedBy[commit.id] = code
        return code
    }

    /// Commits of the range whose message may cite an id at all.
    private mutating func loadCommits(from: ObjectID?, to: ObjectID) -> [CommitInfo] {
        guard let (commits, truncated) = try? repository.commits(from: from, to: to, limit: Self.commitLimit) else {
            notes.append("could not walk the commits of the range; commit messages were not searched for requirement ids")
            return []
        }
        if truncated {
            notes.append("only the newest \(Self.commitLimit) commits of the range were searched for requirement ids")
        }
        return commits.filter { Self.mayCite($0.message) }
    }

    /// `FR-010`, `T018`, `US1`, `R6.1`: an id with letters and digits, no spaces.
    static func isCitable(_ id: String) -> Bool {
        id.count >= 2 && !id.contains(" ") && id.contains(where: \.isLetter) && id.contains(where: \.isNumber)
    }

    /// A cheap filter: a message with no uppercase letter followed by a digit cites nothing.
    private static func mayCite(_ message: String) -> Bool {
        var previousUpper = false
        for scalar in message.unicodeScalars {
            if previousUpper && (scalar.properties.numericType != nil || scalar == "-") { return true }
            previousUpper = scalar.properties.isUppercase
        }
        return false
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
