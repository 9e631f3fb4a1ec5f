import AutodevGit

/// Reading specs: part of `Explainer` (split out of Explainer.swift, unchanged).
extension Explainer {

    /// `parsed`: the document already parsed from `content` (to make a `SpecIndex` entry), so
    /// it is not parsed twice.
    mutating func document(path: String, side: FileSide, content: [UInt8]? = nil, parsed: SpecDocument? = nil) -> SpecDocument {
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
        let document = parsed ?? SpecDocument.parse(path: path, bytes: bytes)
        if documentCache[cacheKey] == nil { notes.append(contentsOf: document.diagnostics) }
        documentCache[cacheKey] = document
        return document
    }

    /// The folder whose specs describe one feature: `specs/001-x`, `.kiro/specs/x`,
    /// `openspec/changes/x`; a single file for stories, PRPs and plain specs.
    static func scopeRoot(_ path: String, format: SpecFormat) -> String {
        let parts = SpecDocument.pathComponents(path)
        func folder(after marker: [String], depth: Int) -> String? {
            guard parts.count > marker.count + depth else { return nil }
            for start in 0...(parts.count - marker.count - depth) where parts[start..<(start + marker.count)].elementsEqual(marker) {
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
    func sideKey(_ snapshot: Snapshot, _ path: String) -> String {
        (snapshot === after ? "after" : "before") + "\u{0}" + path
    }

    /// The requirements of every spec in a requirement's scope, on one side of the range.
    mutating func scope(of requirement: Requirement, in snapshot: Snapshot) -> [Requirement] {
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
    struct ScopeIndex {
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


    /// One per scope and side: `scope(of:in:)` is the same for every requirement of a scope
    /// (it is cached by scope root), so its index is too. Keyed by the requirement's own file as
    /// well, it was built again for every spec of the scope: 1,000 indexes of the same 500
    /// requirements for a feature folder of 1,000 specs (14 % of a stress-test run's CPU).
    mutating func scopeIndex(of requirement: Requirement, in snapshot: Snapshot) -> ScopeIndex {
        // The root first, then the key: `sideKey(snapshot, scopeRoot(of:))` made Swift copy the
        // whole Explainer before the mutating argument ran, so each new root copied every
        // dictionary it writes to (a run of 1,000 specs copied `scopeRoots` 1,000 times).
        let root = scopeRoot(of: requirement)
        let key = sideKey(snapshot, root)
        if let known = scopeIndexes[key] { return known }
        let index = ScopeIndex(scope(of: requirement, in: snapshot))
        scopeIndexes[key] = index
        return index
    }

    /// What connects a requirement to code: the paths it names, and those of the tasks (and
    /// other requirements) of its scope that cite it or belong to it.
    mutating func links(of requirement: Requirement, in snapshot: Snapshot) -> [String] {
        var paths = requirement.paths
        let index = scopeIndex(of: requirement, in: snapshot)
        for position in index.citing(requirement) {
            paths.append(contentsOf: index.requirements[position].paths)
        }
        // A work package's owned files are a sign of implementation only for what is already at
        // HEAD (an adoption or a backfill): a package planned in this range lists the files it is
        // about to change, which exist before the work is done.
        let root = scopeRoot(of: requirement)
        let scopeKey = sideKey(snapshot, root)
        if range.firstRun, let packages = workPackageLinks[scopeKey] {
            for id in requirement.ids { paths.append(contentsOf: packages[id] ?? []) }
        }
        return SpecText.unique(paths).sorted()
    }
}
