internal import CLibgit2

extension Repository {
    /// Creates a new, empty repository with a work tree at `path` (`git init`).
    public static func create(at path: String, initialBranch: String = "main") throws -> Repository {
        try Libgit2.ensureInitialised()
        var options = git_repository_init_options()
        try GitError.check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
                           "preparing git init")
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        var handle: OpaquePointer?
        try initialBranch.withCString { branch in
            options.initial_head = branch
            try GitError.check(git_repository_init_ext(&handle, path, &options), "creating a repository at \(path)")
        }
        _ = handle.map { git_repository_free($0) }
        return try open(at: path)
    }

    /// Stages every change in the work tree (`git add -A`) and commits it on HEAD's branch.
    /// Returns the new commit.
    @discardableResult
    public func commitAll(message: String, author: String, email: String, time: Int64) throws -> ObjectID {
        var index: OpaquePointer?
        try GitError.check(git_repository_index(&index, pointer), "opening the index")
        defer { git_index_free(index) }
        var pathspec = git_strarray()
        try "*".withCString { star in
            var strings: [UnsafeMutablePointer<CChar>?] = [UnsafeMutablePointer(mutating: star)]
            try strings.withUnsafeMutableBufferPointer { buffer in
                pathspec.strings = buffer.baseAddress
                pathspec.count = 1
                try GitError.check(git_index_add_all(index, &pathspec, 0, nil, nil), "staging the work tree")
                try GitError.check(git_index_update_all(index, &pathspec, nil, nil), "staging deletions")
            }
        }
        try GitError.check(git_index_write(index), "writing the index")
        var treeOID = git_oid()
        try GitError.check(git_index_write_tree(&treeOID, index), "writing the tree")
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, pointer, &treeOID), "reading the new tree")
        defer { git_tree_free(tree) }

        var signature: UnsafeMutablePointer<git_signature>?
        try GitError.check(git_signature_new(&signature, author, email, time, 0), "making a signature")
        defer { git_signature_free(signature) }

        var parents: [OpaquePointer?] = []
        if let head = try head() {
            var oid = head.gitOID
            var parent: OpaquePointer?
            try GitError.check(git_commit_lookup(&parent, pointer, &oid), "reading HEAD")
            parents.append(parent)
        }
        defer { parents.forEach { git_commit_free($0) } }
        var commitOID = git_oid()
        _ = try parents.withUnsafeMutableBufferPointer { buffer in
            try GitError.check(
                git_commit_create(&commitOID, pointer, "HEAD", signature, signature, "UTF-8", message, tree,
                                  buffer.count, buffer.baseAddress),
                "committing")
        }
        return ObjectID(commitOID)
    }

    /// The bytes of the file at `path` in a commit's tree, or nil if there is none.
    public func fileContent(atPath path: String, inCommit commitID: ObjectID) throws -> [UInt8]? {
        let info = try commit(commitID)
        let tree = try TreeHandle(self, info.tree)
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, tree.pointer, path)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(result, "looking up \(path)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB, let id = git_tree_entry_id(entry) else { return nil }
        return try blobContent(ObjectID(id))
    }
}
