internal import CLibgit2

extension Repository {
    /// The entry at `path` in a tree: a file, a link, a submodule or a folder; nil when absent.
    public func entry(atPath path: String, inTree tree: ObjectID) throws -> FileSide? {
        try TreeLookup(repository: self, tree: tree).entry(atPath: path)
    }

    /// Every file (blob, link or submodule) at or below the folder `prefix` of a tree, with its
    /// full path; `prefix` "" means the whole tree. Walks with an explicit stack.
    public func files(inTree tree: ObjectID, under prefix: String) throws -> [(path: String, side: FileSide)] {
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        return try files(inTree: tree, under: prefix, folder: prefix.isEmpty ? nil : entry(atPath: trimmed, inTree: tree))
    }

    /// `files(inTree:under:)` with the entry of `prefix` already looked up.
    func files(inTree tree: ObjectID, under prefix: String, folder: FileSide?) throws -> [(path: String, side: FileSide)] {
        var root = tree
        var base = ""
        if !prefix.isEmpty {
            let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
            guard let folder else { return [] }
            guard folder.mode.isTree else { return [(trimmed, folder)] }
            root = folder.id
            base = trimmed + "/"
        }
        var result: [(path: String, side: FileSide)] = []
        var pending: [(ObjectID, String)] = [(root, base)]
        while let (id, path) = pending.popLast() {
            let handle = try TreeHandle(self, id)
            for entry in handle.entries() {
                let name = path + String(decoding: entry.name, as: UTF8.self)
                if entry.mode.isTree {
                    pending.append((entry.id, name + "/"))
                } else {
                    result.append((name, FileSide(id: entry.id, mode: entry.mode)))
                }
            }
        }
        return result
    }

    /// The entries of one tree object (not of its subtrees), sorted by name bytes as
    /// `files(inTree:under:)` walks them: the raw name, the id and the mode.
    public func entries(ofTree tree: ObjectID) throws -> [(name: [UInt8], side: FileSide)] {
        try TreeHandle(self, tree).entries().map { ($0.name, FileSide(id: $0.id, mode: $0.mode)) }
    }

    /// The commits reachable from `to` and not from `from`, newest first, at most `limit`.
    /// The second value is true when the limit cut the walk short.
    public func commits(from: ObjectID?, to: ObjectID, limit: Int) throws -> (commits: [CommitInfo], truncated: Bool) {
        var walker: OpaquePointer?
        try GitError.check(git_revwalk_new(&walker, pointer), "starting a history walk")
        defer { git_revwalk_free(walker) }
        git_revwalk_sorting(walker, GIT_SORT_TIME.rawValue)
        var tip = to.gitOID
        try GitError.check(git_revwalk_push(walker, &tip), "walking from \(to.hex)")
        if let from {
            var hidden = from.gitOID
            try GitError.check(git_revwalk_hide(walker, &hidden), "walking back to \(from.hex)")
        }
        var result: [CommitInfo] = []
        var oid = git_oid()
        while true {
            let status = git_revwalk_next(&oid, walker)
            if status == GIT_ITEROVER.rawValue { break }
            try GitError.check(status, "walking the history of \(to.hex)")
            if result.count == limit { return (result, true) }
            result.append(try commit(ObjectID(oid)))
        }
        return (result, false)
    }

    /// The paths a commit changed against its first parent (everything, for a root commit),
    /// without rename detection.
    public func changedPaths(of commit: CommitInfo) throws -> [String] {
        let parentTree = try commit.parents.first.map { try self.commit($0).tree }
        let diff = try diffTrees(from: parentTree, to: commit.tree, renames: RenameOptions(enabled: false))
        return diff.changes.map(\.path)
    }
}
