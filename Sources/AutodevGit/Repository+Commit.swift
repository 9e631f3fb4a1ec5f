internal import CLibgit2

extension Repository {
    /// Writes a tree: `base` (nil for empty) with `blobs` put in as regular files (nil removes a
    /// path), built in an in-memory index — the repository's own index, HEAD and work tree are
    /// not touched. The blobs must already be in the object database (`writeBlob`); entries of
    /// `base` are kept as they are, also for blobs a partial clone does not have.
    ///
    /// `checkpoint` runs after every 256 entries and may throw to abandon the tree (a stop
    /// request): a tree of many thousand entries takes seconds, a stop must not wait for it,
    /// while a small one (under 256) is always finished, so the work a stop keeps is written.
    public func writeTree(base: ObjectID?, blobs: [String: ObjectID?], checkpoint: () throws -> Void = {}) throws -> ObjectID {
        // libgit2's own existence check of every entry is off (see CGitShim's autodev_git_init):
        // check the entries this call adds.
        let paths = blobs.keys.sorted()
        for (count, path) in paths.enumerated() {
            if count & 0xFF == 0xFF { try checkpoint() }
            guard let blob = blobs[path]!, !contains(blob) else { continue }
            throw GitError(kind: .other, message: "blob \(blob.hex) for \(path) is not in the object database; it was never written",
                           operation: "writing a tree")
        }
        var index: OpaquePointer?
        try GitError.check(git_index_new(&index), "making an in-memory index")
        defer { git_index_free(index) }
        if let base {
            let tree = try TreeHandle(self, base)
            try GitError.check(git_index_read_tree(index, tree.pointer), "reading tree \(base.hex)")
        }
        for (count, path) in paths.enumerated() {
            if count & 0xFF == 0xFF { try checkpoint() }
            guard let blob = blobs[path]! else {
                try GitError.check(git_index_remove_bypath(index, path), "removing \(path)")
                continue
            }
            var entry = git_index_entry()
            entry.mode = 0o100644
            entry.id = blob.gitOID
            try path.withCString { cPath in
                entry.path = cPath
                try GitError.check(git_index_add(index, &entry), "adding \(path)")
            }
        }
        var oid = git_oid()
        try GitError.check(git_index_write_tree_to(&oid, index, pointer), "writing a tree")
        return ObjectID(oid)
    }

    /// `base` with the folder at `path` (`a/b`) replaced by the tree `subtree` (made with
    /// `writeTree(base: nil, …)`): only the trees along the path are read and written, where
    /// `writeTree(base:)` reads the whole of `base` into an index (memory that grows with the
    /// repository: 0.8 KB a file).
    public func insertTree(_ subtree: ObjectID, at path: String, into base: ObjectID?) throws -> ObjectID {
        let names = path.split(separator: "/").map(String.init)
        guard let name = names.first else { return subtree }
        var builder: OpaquePointer?
        let baseHandle = try base.map { try TreeHandle(self, $0) }
        try GitError.check(git_treebuilder_new(&builder, pointer, baseHandle?.pointer), "starting a tree")
        defer { git_treebuilder_free(builder) }
        var child = subtree
        if names.count > 1 {
            var inner: ObjectID?
            if let existing = git_treebuilder_get(builder, name), git_tree_entry_type(existing) == GIT_OBJECT_TREE,
               let id = git_tree_entry_id(existing) {
                inner = ObjectID(id)
            }
            child = try insertTree(subtree, at: names.dropFirst().joined(separator: "/"), into: inner)
        }
        var oid = child.gitOID
        try GitError.check(git_treebuilder_insert(nil, builder, name, &oid, GIT_FILEMODE_TREE), "adding \(name) to a tree")
        var written = git_oid()
        try GitError.check(git_treebuilder_write(&written, builder), "writing a tree")
        return ObjectID(written)
    }

    /// Creates a commit object without moving any reference.
    public func createCommit(tree: ObjectID, parents: [ObjectID], message: String, author: String, email: String,
                             time: Int64) throws -> ObjectID {
        let treeHandle = try TreeHandle(self, tree)
        var signature: UnsafeMutablePointer<git_signature>?
        try GitError.check(git_signature_new(&signature, author, email, time, 0), "making a signature")
        defer { git_signature_free(signature) }
        var handles: [OpaquePointer?] = []
        defer { handles.forEach { git_commit_free($0) } }
        for parent in parents {
            var oid = parent.gitOID
            var handle: OpaquePointer?
            try GitError.check(git_commit_lookup(&handle, pointer, &oid), "reading commit \(parent.hex)")
            handles.append(handle)
        }
        var commitOID = git_oid()
        _ = try handles.withUnsafeMutableBufferPointer { buffer in
            try GitError.check(
                git_commit_create(&commitOID, pointer, nil, signature, signature, "UTF-8", message, treeHandle.pointer,
                                  buffer.count, buffer.baseAddress),
                "creating a commit")
        }
        return ObjectID(commitOID)
    }

    /// Points `name` at `target` only if it still points at `expected` (nil: only if it does not
    /// exist yet). Throws a `.modified` error when someone else moved it.
    public func updateReference(_ name: String, to target: ObjectID, expected: ObjectID?, message: String) throws {
        var oid = target.gitOID
        var reference: OpaquePointer?
        if var current = expected?.gitOID {
            try GitError.check(git_reference_create_matching(&reference, pointer, name, &oid, 1, &current, message),
                               "moving \(name)")
        } else {
            try GitError.check(git_reference_create(&reference, pointer, name, &oid, 0, message), "creating \(name)")
        }
        git_reference_free(reference)
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    public func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws -> Bool {
        if ancestor == commit { return true }
        var a = commit.gitOID, b = ancestor.gitOID
        let result = git_graph_descendant_of(pointer, &a, &b)
        try GitError.check(result, "comparing \(commit.hex) with \(ancestor.hex)")
        return result == 1
    }

    /// Stores bytes as a blob in the object database.
    public func writeBlob(_ content: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        _ = try content.withUnsafeBytes { bytes in
            try GitError.check(git_blob_create_from_buffer(&oid, pointer, bytes.baseAddress, bytes.count), "writing a blob")
        }
        return ObjectID(oid)
    }

    /// The id git gives these bytes as a blob, without writing anything.
    public static func blobID(of content: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        _ = try content.withUnsafeBytes { bytes in
            try GitError.check(git_odb_hash(&oid, bytes.baseAddress, bytes.count, GIT_OBJECT_BLOB), "hashing a blob")
        }
        return ObjectID(oid)
    }
}
