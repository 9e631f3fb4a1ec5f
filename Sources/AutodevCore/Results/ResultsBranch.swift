internal import AutodevGit

/// Stage 3 of a pass: the results branch — every unmerged generated file on top of the processed
/// commit, one commit per change (feature), stacked in the order they landed. Built (trees and
/// commits, the ref untouched) and published (one compare-and-swap of the ref) as two steps, so
/// a check can sit between them and a crash between them leaves nothing half-published.
///
/// Commits per feature on one branch, not a branch per feature: later features are built on the
/// accumulated tree, so they may rely on what earlier ones wrote (a shared module); a stack keeps
/// that order visible and every commit's diff is one feature's, so a reviewer can cherry-pick one
/// feature (or merge the branch up to it) — and one ref still moves atomically, which is what
/// keeps a crash from publishing half a pass. Every results commit names the processed commit it
/// was built on (`Autodev-Base:`), so the generated files are the whole stack's diff.
struct ResultsBranch {
    let repository: Repository
    let ref: String

    /// What a pass would put on the branch.
    struct Assembly {
        /// Every generated file not yet merged into the processed commit, by path.
        var files: [String: ObjectID] = [:]
        var conflicts: [String] = []
    }

    /// A results commit made but not yet published.
    struct Built {
        var commit: ObjectID
        /// The tip it replaces (compare-and-swap), nil when the branch is new.
        var expected: ObjectID?
        /// The tip already holds exactly this work: nothing to publish.
        var unchanged: Bool
    }

    /// What one change put on the branch: its feature key, its work, its files (blob ids).
    struct Landing: Sendable, Equatable {
        var key: String
        var work: [String] = []
        var files: [String: ObjectID] = [:]
    }

    /// The processed commit a results commit was built on: its `Autodev-Base:` trailer, or (from
    /// before commits were stacked) its first parent.
    func base(of tip: ObjectID) throws -> ObjectID? {
        let commit = try repository.commit(tip)
        for line in commit.message.split(separator: "\n") where line.hasPrefix("Autodev-Base: ") {
            if let id = ObjectID(hex: String(line.dropFirst("Autodev-Base: ".count))) { return id }
        }
        return commit.parents.first
    }

    /// The files a results commit carries: what differs from the commit it was built on.
    func generatedFiles(on tip: ObjectID) throws(AutodevError) -> [String: ObjectID] {
        try gitCall(repository) {
            let commit = try repository.commit(tip)
            let parentTree = try base(of: tip).map { try repository.commit($0).tree }
            let diff = try repository.diffTrees(from: parentTree, to: commit.tree, renames: RenameOptions(enabled: false))
            var result: [String: ObjectID] = [:]
            for change in diff.changes { if let new = change.new { result[change.path] = new.id } }
            return result
        }
    }

    /// The earlier files that are not merged yet, with this pass's on top. A file changed on the
    /// user's branch since autodev generated it is a conflict: the branch keeps autodev's version.
    /// A stop request is honoured after every 256 files (`AutodevError.stopped`: the pass is
    /// redone); fewer are always assembled, so a stop keeps finished work on the branch.
    func assemble(previous: [String: ObjectID], new newFiles: [String: ObjectID], base lookup: TreeLookup,
                  stopRequested: () -> StopReason? = { nil }) throws(AutodevError) -> Assembly {
        var assembly = Assembly()
        let changedSince = "changed on the branch since autodev generated it; the results branch keeps autodev's version for review"
        var count = 0
        func checkpoint() throws(AutodevError) {
            count += 1
            if count & 0xFF == 0 { try Self.checkStop(stopRequested, "assembling the results branch") }
        }
        for (path, blob) in previous.sorted(by: { $0.key < $1.key }) {
            try checkpoint()
            let current = try gitCall(repository) { try lookup.entry(atPath: path) }
            if current?.id == blob { continue }  // merged
            assembly.files[path] = blob
            if current != nil, newFiles[path] == nil { assembly.conflicts.append("\(path): \(changedSince)") }
        }
        for (path, blob) in newFiles.sorted(by: { $0.key < $1.key }) {
            try checkpoint()
            let current = try gitCall(repository) { try lookup.entry(atPath: path) }
            if let current, current.id != blob, let earlier = previous[path], earlier != current.id {
                assembly.conflicts.append("\(path): \(changedSince)")
            }
            if current?.id == blob { assembly.files[path] = nil; continue }  // already there
            assembly.files[path] = blob
        }
        return assembly
    }

    /// The results commits of a pass: the processed commit's tree with the generated files, one
    /// commit per change in `changes` order, each diff that change's files only. The stack starts
    /// on the current tip when that was built on the same processed commit and holds exactly the
    /// earlier files; otherwise on the processed commit, with a first commit carrying the earlier
    /// runs' unmerged files (`carried`) and the old tip as a second parent (its history stays
    /// reachable). The last commit's tree is always `base + files`. The ref is not moved.
    func buildStack(_ files: [String: ObjectID], carried: [String: ObjectID], changes: [Landing], baseTree: ObjectID,
                    on base: ObjectID, tip: ObjectID?, message: (_ change: Landing?, _ last: Bool) -> String, time: Int64,
                    stopRequested: () -> StopReason? = { nil }) throws(AutodevError) -> Built {
        try gitCall(repository) {
            let finalTree = try repository.writeTree(base: baseTree, blobs: files) { try Self.checkStop(stopRequested, "writing the results tree") }
            if let tip, try repository.commit(tip).tree == finalTree { return Built(commit: tip, expected: tip, unchanged: true) }
            let carriedTree = try repository.writeTree(base: baseTree, blobs: carried) { try Self.checkStop(stopRequested, "writing the results tree") }
            var head = base, tree = baseTree
            var extra: [ObjectID] = []
            if let tip, try self.base(of: tip) == base, try repository.commit(tip).tree == carriedTree {
                head = tip  // the old tip was built on this commit: the stack goes on from it
                tree = carriedTree
            } else if let tip, !(try repository.isAncestor(tip, of: base)) {
                extra.append(tip)
            }
            // The trees first (a change that adds nothing gets no commit), then the commits.
            var planned: [(tree: ObjectID, change: Landing?)] = []
            if tree != carriedTree { planned.append((carriedTree, nil)) }
            // Each change's tree from the last one's, writing only the folders it changed
            // (`TreeStack`: the same trees as `writeTree` of the base with every file so far).
            let stack = TreeStack(repository: repository, base: baseTree)
            if !carried.isEmpty { _ = try stack.lay(carried) { try Self.checkStop(stopRequested, "writing the results tree") } }
            var last = carriedTree
            for change in changes {
                let next = change.files.isEmpty ? last : try stack.lay(change.files) { try Self.checkStop(stopRequested, "writing the results tree") }
                if next != last { planned.append((next, change)) }
                last = next
            }
            // Files several changes wrote in another order than they landed: one commit more.
            if last != finalTree { planned.append((finalTree, Landing(key: ""))) }
            for (index, step) in planned.enumerated() {
                head = try repository.createCommit(tree: step.tree, parents: [head] + extra, message: message(step.change, index == planned.count - 1),
                                                   author: "autodev", email: "autodev@localhost", time: time)
                extra = []
            }
            return Built(commit: head, expected: tip, unchanged: false)
        }
    }

    /// Throws `AutodevError.stopped` when a stop was requested.
    static func checkStop(_ stopRequested: () -> StopReason?, _ doing: String) throws(AutodevError) {
        if let reason = stopRequested() { throw AutodevError.stopped(by: reason, while: doing) }
    }

    /// Moves the branch to the built commit, only if it is still where the pass found it.
    func publish(_ built: Built, message: String) throws(AutodevError) {
        guard !built.unchanged else { return }
        try gitCall(repository) { try repository.updateReference(ref, to: built.commit, expected: built.expected, message: message) }
    }

    /// The message of one commit of a stack: the change's work (nil: the earlier runs' files carried
    /// over; an empty key: files several changes wrote), its trailers naming the feature and its
    /// items; the pass's trailers (model, tokens, cost) go on the last commit of the stack.
    static func message(for change: Landing?, items: ItemsByWork, events: Int, runID: String, range: ResolvedRange, base: ObjectID,
                        trailers: [(String, String)]) -> String {
        guard let change else {
            return "autodev: generated files of earlier runs, not merged yet\n\nAutodev-Run: \(runID)\n"
                + "Autodev-Range: \(range.from?.hex ?? "empty")..\(base.hex)\nAutodev-Base: \(base.hex)\n"
        }
        let mine = change.key.isEmpty ? items.items : items.of(change)
        var text = message(items: mine, events: events, runID: runID, range: range, base: base, trailers: [("Autodev-Base", base.hex)] + trailers,
                           title: change.key.isEmpty ? "files several changes wrote" : change.key)
        if !change.key.isEmpty {
            text += "Autodev-Change: \(change.key)\n"
            text += "Autodev-Work: \(change.work.joined(separator: ", "))\n"
        }
        return text
    }

    /// A run's items with their positions by work id: each change's message takes its own items
    /// (in the run's order) without a pass over all of them (700 changes over 1,000 items were
    /// 40 % of the results stage's CPU).
    struct ItemsByWork {
        let items: [SyncPass.Item]
        private let positions: [String: [Int]]

        init(_ items: [SyncPass.Item]) {
            self.items = items
            var positions: [String: [Int]] = [:]
            for (index, item) in items.enumerated() { positions[item.work, default: []].append(index) }
            self.positions = positions
        }

        /// The items of the change's work, in the run's order.
        func of(_ change: Landing) -> [SyncPass.Item] {
            Set(change.work).flatMap { positions[$0] ?? [] }.sorted().map { items[$0] }
        }
    }

    /// The commit message: what was produced, then autodev's trailers (`Autodev-Run:` marks
    /// the branch as autodev's own; `Autodev-Events:` counts the range's events, not work items).
    static func message(items: [SyncPass.Item], events: Int, runID: String, range: ResolvedRange, base: ObjectID,
                        trailers: [(String, String)] = [], title: String? = nil) -> String {
        var tierCounts: [String: Int] = [:]
        for item in items where item.tier != "deferred" { tierCounts[item.tier, default: 0] += 1 }
        let produced = items.filter { !$0.files.isEmpty }
        var message = "autodev: \(title.map { $0 + ": " } ?? "")\(produced.count) piece\(produced.count == 1 ? "" : "s") of generated work for review\n\n"
        for item in produced.prefix(50) {
            message += "- \(item.action.rawValue) \(item.subject): \(item.files.joined(separator: ", "))\n"
        }
        if produced.count > 50 { message += "- … and \(produced.count - 50) more\n" }
        message += "\nAutodev-Run: \(runID)\n"
        message += "Autodev-Range: \(range.from?.hex ?? "empty")..\(base.hex)\n"
        message += "Autodev-Events: \(events)\n"
        message += "Autodev-Tiers: \(tierCounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))\n"
        for (key, value) in trailers { message += "\(key): \(value)\n" }
        return message
    }

    /// Generated paths stay inside the repository: relative, no `..`, nothing under `.git` or
    /// `.auto-dev`, and no folder on the way that is a symlink in the processed commit.
    static func checkGeneratedPath(_ path: String, base: TreeLookup?, repository: Repository) throws(AutodevError) {
        if let problem = GeneratedPath.problem(path) {
            throw AutodevError(.unsafePath, "a template or pattern produced the path '\(path)', which \(problem); nothing was written. Fix the template's 'path:'")
        }
        guard let base else { return }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        var prefix = ""
        for component in components.dropLast() {
            prefix += (prefix.isEmpty ? "" : "/") + component
            if let entry = try gitCall(repository, { try base.entry(atPath: prefix) }) {
                if entry.mode.rawValue == 0o120000 {
                    throw AutodevError(.unsafePath, "a template or pattern produced the path '\(path)', which goes through the symlink '\(prefix)'; nothing was written. Fix the template's 'path:'")
                }
                if !entry.mode.isTree { break }  // a file in the way: OutputClaims reports the clash
            } else {
                break
            }
        }
    }
}

/// The rules every generated path follows, whoever wrote it (template, generator, model), and
/// that no setting opens: git's own `verify_path` and fsck's `hasDotgit` (see ``PathPolicy``).
enum GeneratedPath {
    /// Why `path` may not be written, or nil.
    public static func problem(_ path: String) -> String? {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.isEmpty || path.hasPrefix("/") { return "is not relative to the repository" }
        if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "holds control characters" }
        if components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { return "has an empty, '.' or '..' component" }
        // A backslash separates on Windows: `.git\config` is inside .git there.
        if components.contains(where: { $0.split(separator: "\\").contains(where: PathPolicy.isDotGit) }) {
            return "is inside .git (or a name git and HFS+/NTFS read as .git)"
        }
        if let first = components.first, PathPolicy.isDotName(first, "auto-dev", ntfsPrefix: nil) {
            return "is inside autodev's own state folder (.auto-dev, in any case)"
        }
        return nil
    }
}
