internal import CLibgit2

/// Repeated path lookups in one tree, keeping the root tree open between them.
public final class TreeLookup {
    let repository: Repository
    public let tree: ObjectID
    private let root: TreeHandle

    public init(repository: Repository, tree: ObjectID) throws {
        self.repository = repository
        self.tree = tree
        self.root = try TreeHandle(repository, tree)
    }

    /// The entry at `path`: a file, a link, a submodule or a folder; nil when absent.
    public func entry(atPath path: String) throws -> FileSide? {
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, root.pointer, path)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(result, "looking up \(path)")
        defer { git_tree_entry_free(entry) }
        return FileSide(id: ObjectID(git_tree_entry_id(entry)),
                        mode: FileMode(rawValue: git_tree_entry_filemode(entry).rawValue))
    }

    /// Every file at or below the folder `prefix` ("" for the whole tree), with its full path.
    public func files(under prefix: String) throws -> [(path: String, side: FileSide)] {
        try repository.files(inTree: tree, under: prefix, folder: prefix.isEmpty ? nil : entry(atPath: prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix))
    }

    /// The names in the folder `folder` ("" for the root), or nil when it is not a folder.
    public func names(inFolder folder: String) throws -> [String]? {
        let handle: TreeHandle
        if folder.isEmpty {
            handle = root
        } else {
            guard let entry = try entry(atPath: folder), entry.mode.isTree else { return nil }
            handle = try TreeHandle(repository, entry.id)
        }
        return handle.entries().map { String(decoding: $0.name, as: UTF8.self) }
    }
}
