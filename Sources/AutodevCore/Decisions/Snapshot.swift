internal import AutodevGit

/// The files of one side of a range: a commit's tree, or HEAD's tree with the working-tree
/// changes laid over it.
final class Snapshot {
    let repository: Repository
    let tree: ObjectID?
    /// Working-tree changes: path → its side now, nil when deleted.
    let overlay: [String: FileSide?]
    private var existing: [String: Bool] = [:]

    private let lookup: TreeLookup?

    init(repository: Repository, tree: ObjectID?, overlay: [String: FileSide?] = [:]) throws {
        self.repository = repository
        self.tree = tree
        self.overlay = overlay
        self.lookup = try tree.map { try TreeLookup(repository: repository, tree: $0) }
    }

    /// Whether a file or folder exists at `path` (a trailing `/` names a folder).
    func exists(_ path: String) -> Bool {
        if let known = existing[path] { return known }
        let found = lookUp(path)
        existing[path] = found
        return found
    }

    private func lookUp(_ path: String) -> Bool {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard !trimmed.isEmpty else { return false }
        if let side = overlay[trimmed] { return side != nil }
        let folder = trimmed + "/"
        if overlay.contains(where: { $0.key.hasPrefix(folder) && $0.value != nil }) { return true }
        return (try? lookup?.entry(atPath: trimmed)) != nil
    }

    /// The file at `path`, if there is one.
    func side(of path: String) -> FileSide? {
        if let side = overlay[path] { return side }
        guard let entry = try? lookup?.entry(atPath: path), !entry.mode.isTree else { return nil }
        return entry
    }

    /// Every file at or below `prefix` ("" for all), with its side.
    func files(under prefix: String) -> [(path: String, side: FileSide)] {
        let listed = lookup.flatMap { try? $0.files(under: prefix) } ?? []
        // A commit's files, in the tree's own (deterministic) order; the work tree's overlay needs a merge.
        guard !overlay.isEmpty else { return listed }
        var result: [String: FileSide] = [:]
        for (path, side) in listed { result[path] = side }
        let folder = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        for (path, side) in overlay where path == prefix || path.hasPrefix(folder) {
            result[path] = side
        }
        return result.map { (path: $0.key, side: $0.value) }
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// `files(under: "")` limited to the files whose name is Markdown (`SpecDocument.isMarkdown`),
    /// in the same order, given to `body` until it returns false. With `index` (`SpecTreeIndex`)
    /// only the trees it does not hold are read: the walk follows what changed since the last
    /// run, not the size of the repository.
    ///
    /// `enter` and `leave` (`SpecTreeIndex.forEachMarkdownFile(in:repository:enter:leave:_:)`)
    /// see the folders of a walk through `index` of a snapshot without a work tree's overlay;
    /// any other walk calls neither.
    func forEachMarkdownFile(index: SpecTreeIndex?, enter: ((String, ObjectID) -> SpecTreeIndex.FolderStep)? = nil,
                             leave: ((String, ObjectID) -> Void)? = nil, _ body: (String, FileSide) -> Bool) {
        guard let index, let tree else {
            for (path, side) in files(under: "") where SpecDocument.isMarkdown(SpecDocument.baseName(path)) {
                guard body(path, side) else { return }
            }
            return
        }
        guard !overlay.isEmpty else {
            // As `files(under:)`: a tree that cannot be read lists nothing.
            try? index.forEachMarkdownFile(in: tree, repository: repository, enter: enter, leave: leave, body)
            return
        }
        // The work tree's overlay: merged and sorted as `files(under:)` does.
        var result: [String: FileSide] = [:]
        try? index.forEachMarkdownFile(in: tree, repository: repository) { path, side in
            result[path] = side
            return true
        }
        for (path, side) in overlay { result[path] = side }
        for (path, side) in result.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        where SpecDocument.isMarkdown(SpecDocument.baseName(path)) {
            guard body(path, side) else { return }
        }
    }
}
