internal import CLibgit2
internal import CGitShim
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// Staged, unstaged and untracked changes against HEAD (`.gitignore` respected), with git's
    /// rename detection. The new side of every change is the working-tree file.
    public func diffWorktree(renames: RenameOptions) throws -> DiffResult {
        guard workdir != nil else {
            throw GitError(kind: .other, message: "--worktree needs a working tree; this repository is bare")
        }
        var headTree: OpaquePointer?
        if let head = try head() {
            let info = try commit(head)
            var oid = info.tree.gitOID
            try GitError.check(git_tree_lookup(&headTree, pointer, &oid), "reading HEAD's tree")
        }
        defer { git_tree_free(headTree) }

        var options = git_diff_options()
        try GitError.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing the diff")
        options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue
            | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        var diff: OpaquePointer?
        try GitError.check(git_diff_tree_to_workdir_with_index(&diff, pointer, headTree, &options),
                           "comparing HEAD with the working tree")
        defer { git_diff_free(diff) }

        // A sparse checkout marks the files outside it skip-worktree in the index; libgit2 1.5
        // reports them as deleted from the work tree, git does not.
        var index: OpaquePointer?
        try GitError.check(git_repository_index(&index, pointer), "reading the index")
        defer { git_index_free(index) }
        func skipsWorktree(_ path: UnsafePointer<CChar>) -> Bool {
            guard let entry = git_index_get_bypath(index, path, 0) else { return false }
            return entry.pointee.flags_extended & UInt16(GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue) != 0
        }

        var deltas: [RawDelta] = []
        let count = git_diff_num_deltas(diff)
        let lfs = lfsMayApply((0..<count).compactMap { index in
            git_diff_get_delta(diff, index).flatMap { delta in
                (delta.pointee.new_file.path ?? delta.pointee.old_file.path).map { decodeCString($0) }
            }
        })
        for index in 0..<count {
            guard let delta = git_diff_get_delta(diff, index) else { continue }
            let status = delta.pointee.status
            if status == GIT_DELTA_DELETED, let oldPath = delta.pointee.old_file.path, skipsWorktree(oldPath) { continue }
            let oldFile = delta.pointee.old_file
            let newFile = delta.pointee.new_file
            let path = bytes(newFile.path ?? oldFile.path)
            let hasOld = status != GIT_DELTA_ADDED && status != GIT_DELTA_UNTRACKED
            let hasNew = status != GIT_DELTA_DELETED
            let old = hasOld ? FileSide(id: ObjectID(oldFile.id), mode: FileMode(rawValue: UInt32(oldFile.mode))) : nil
            var new: FileSide?
            if hasNew {
                let relative = RenameDetector.string(path)
                let mode = FileMode(rawValue: UInt32(newFile.mode))
                var id = ObjectID(newFile.id)
                if mode.isSubmodule {
                    new = FileSide(id: id, mode: mode)
                } else {
                    id = try hashWorkdirFile(relative, link: mode.rawValue == 0o120000, lfs: lfs)
                    new = FileSide(id: id, mode: mode, location: .workdir(relative))
                }
            }
            if let old, let new, old.id == new.id, old.mode == new.mode { continue }
            deltas.append(RawDelta(path: path, old: old, new: new))
        }
        return try RenameDetector(repository: self, options: renames).resolve(deltas)
    }

    /// The blob id the file would get if added (`git hash-object`), computed without writing
    /// anything: with the repository's filters (end-of-line conversion from `.gitattributes`
    /// and `core.autocrlf`) for a file, from the target for a symlink. A file with
    /// `filter=lfs` gets the id of the pointer `git lfs clean` would store: libgit2 runs no
    /// external filters, and without this every touched LFS file would look modified.
    private func hashWorkdirFile(_ relativePath: String, link: Bool, lfs: Bool) throws -> ObjectID {
        var oid = git_oid()
        if !link, lfs, filterAttribute(relativePath) == "lfs", let root = workdir {
            var pointerText = [CChar](repeating: 0, count: 1024)
            var length = 0
            guard autodev_lfs_pointer(root + relativePath, &pointerText, pointerText.count, &length) == 0 else {
                throw GitError(kind: .other, message: "cannot read \(root + relativePath) to make its Git LFS pointer")
            }
            try GitError.check(git_odb_hash(&oid, pointerText, length, GIT_OBJECT_BLOB), "hashing \(relativePath)")
            return ObjectID(oid)
        }
        if !link {
            try GitError.check(git_repository_hashfile(&oid, pointer, relativePath, GIT_OBJECT_BLOB, nil), "hashing \(relativePath)")
            return ObjectID(oid)
        }
        let content = try workdirContent(relativePath)
        _ = try content.withUnsafeBytes { raw in
            try GitError.check(git_odb_hash(&oid, raw.baseAddress, raw.count, GIT_OBJECT_BLOB),
                               "hashing \(relativePath)")
        }
        return ObjectID(oid)
    }

    /// Whether any attributes file that applies to `paths` in the work tree names the `lfs`
    /// filter (looking attributes up one path at a time reads the whole index, so only then).
    private func lfsMayApply(_ paths: [String]) -> Bool {
        worktreeAttributeFiles(along: paths).contains { String(decoding: $0, as: UTF8.self).contains("filter=lfs") }
    }

    /// The contents of every attributes file that can apply to `paths` in the work tree:
    /// `info/attributes`, and the `.gitattributes` of each path's folder and of every folder
    /// above it up to the root (those that exist).
    public func worktreeAttributeFiles(along paths: [String]) -> [[UInt8]] {
        guard let root = workdir else { return [] }
        var files = [commonDirectory + "info/attributes", root + ".gitattributes"]
        var folders = Set<Substring>()
        for path in paths {
            var folder = path[...]
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                guard folders.insert(folder).inserted else { break }
                files.append(root + folder + "/.gitattributes")
            }
        }
        return files.compactMap { try? FileReader.read($0) }
    }

    /// The `filter` attribute of a work-tree path (work tree first, then index), if set to a name.
    private func filterAttribute(_ path: String) -> String? {
        var value: UnsafePointer<CChar>?
        guard git_attr_get(&value, pointer, UInt32(GIT_ATTR_CHECK_FILE_THEN_INDEX), path, "filter") == 0,
              git_attr_value(value) == GIT_ATTR_VALUE_STRING, let value else { return nil }
        return String(cString: value)
    }

    private func bytes(_ pointer: UnsafePointer<CChar>?) -> [UInt8] {
        guard let pointer else { return [] }
        let length = strlenC(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}
