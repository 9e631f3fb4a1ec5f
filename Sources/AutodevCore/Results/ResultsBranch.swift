internal import AutodevGit

/// Stage 3 of a pass: the results branch — every unmerged generated file on top of the processed
/// commit. Built (tree and commit, the ref untouched) and published (a compare-and-swap of the
/// ref) as two steps, so a check can sit between them.
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

    /// The files a results commit carries: what differs from the commit it was built on.
    func generatedFiles(on tip: ObjectID) throws(AutodevError) -> [String: ObjectID] {
        try gitCall(repository) {
            let commit = try repository.commit(tip)
            let parentTree = try commit.parents.first.map { try repository.commit($0).tree }
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
                  stopRequested: () -> Int32 = { 0 }) throws(AutodevError) -> Assembly {
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

    /// The results commit: the processed commit's tree with the generated files, its parents the
    /// processed commit and (when not already an ancestor) the current tip. The ref is not moved.
    func build(_ files: [String: ObjectID], baseTree: ObjectID, on base: ObjectID, tip: ObjectID?, message: String,
               time: Int64, stopRequested: () -> Int32 = { 0 }) throws(AutodevError) -> Built {
        try gitCall(repository) {
            let tree = try repository.writeTree(base: baseTree, blobs: files) { try Self.checkStop(stopRequested, "writing the results tree") }
            if let tip, try repository.commit(tip).tree == tree { return Built(commit: tip, expected: tip, unchanged: true) }
            var parents = [base]
            if let tip, !(try repository.isAncestor(tip, of: base)) { parents.append(tip) }
            let commit = try repository.createCommit(tree: tree, parents: parents, message: message,
                                                     author: "autodev", email: "autodev@localhost", time: time)
            return Built(commit: commit, expected: tip, unchanged: false)
        }
    }

    /// Throws `AutodevError.stopped` when a stop was requested.
    static func checkStop(_ stopRequested: () -> Int32, _ doing: String) throws(AutodevError) {
        let signal = stopRequested()
        if signal != 0 { throw AutodevError.stopped(by: signal, while: doing) }
    }

    /// Moves the branch to the built commit, only if it is still where the pass found it.
    func publish(_ built: Built, message: String) throws(AutodevError) {
        guard !built.unchanged else { return }
        try gitCall(repository) { try repository.updateReference(ref, to: built.commit, expected: built.expected, message: message) }
    }

    /// The commit message: what was produced, then autodev's trailers (`Autodev-Run:` marks
    /// the branch as autodev's own; `Autodev-Events:` counts the range's events, not work items).
    static func message(items: [SyncPass.Item], events: Int, runID: String, range: ResolvedRange, base: ObjectID,
                        trailers: [(String, String)] = []) -> String {
        var tierCounts: [String: Int] = [:]
        for item in items where item.tier != "deferred" { tierCounts[item.tier, default: 0] += 1 }
        let produced = items.filter { !$0.files.isEmpty }
        var message = "autodev: \(produced.count) piece\(produced.count == 1 ? "" : "s") of generated work for review\n\n"
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
            throw AutodevError(.unsafePath, "a template or pattern produced the path '\(path)', which \(problem); nothing was written. Fix the template's 'path:'",
                               exitStatus: .config)
        }
        guard let base else { return }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        var prefix = ""
        for component in components.dropLast() {
            prefix += (prefix.isEmpty ? "" : "/") + component
            if let entry = try gitCall(repository, { try base.entry(atPath: prefix) }) {
                if entry.mode.rawValue == 0o120000 {
                    throw AutodevError(.unsafePath, "a template or pattern produced the path '\(path)', which goes through the symlink '\(prefix)'; nothing was written. Fix the template's 'path:'",
                                       exitStatus: .config)
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
public enum GeneratedPath {
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
