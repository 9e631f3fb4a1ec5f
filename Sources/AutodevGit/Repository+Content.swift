internal import CLibgit2

extension Repository {
    /// The full content of one side of a change: a blob, a symlink's target, or a working-tree file.
    public func content(of side: FileSide) throws -> [UInt8] {
        switch side.location {
        case .odb:
            return try blobContent(side.id)
        case .workdir(let path):
            return try workdirContent(path)
        }
    }

    /// The size in bytes of one side, read without loading the content where possible.
    public func size(of side: FileSide) throws -> Int {
        switch side.location {
        case .odb:
            var odb: OpaquePointer?
            try GitError.check(git_repository_odb(&odb, pointer), "opening the object database")
            defer { git_odb_free(odb) }
            var oid = side.id.gitOID
            var length = 0
            var type = GIT_OBJECT_ANY
            let result = git_odb_read_header(&length, &type, odb, &oid)
            if result == GIT_ENOTFOUND.rawValue { throw Self.missing(side.id) }
            try GitError.check(result, "reading object \(side.id.hex)")
            return length
        case .workdir(let path):
            return try workdirContent(path).count
        }
    }

    /// A blob's bytes.
    public func blobContent(_ id: ObjectID) throws -> [UInt8] {
        if let bytes = packReader?.read(id, as: .blob) { return bytes }
        var oid = id.gitOID
        var blob: OpaquePointer?
        let result = git_blob_lookup(&blob, pointer, &oid)
        if result == GIT_ENOTFOUND.rawValue { throw Self.missing(id) }
        try GitError.check(result, "reading blob \(id.hex)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    private static func missing(_ id: ObjectID) -> GitError {
        GitError(kind: .missingObject, code: GIT_ENOTFOUND.rawValue,
                 message: "blob \(id.hex) is not in this clone", operation: "reading blob \(id.hex)")
    }

    /// A working-tree file's bytes (a symlink's target for a link), without any filter applied.
    public func workdirContent(_ relativePath: String) throws -> [UInt8] {
        guard let root = workdir else {
            throw GitError(kind: .other, message: "a bare repository has no working tree")
        }
        return try FileReader.read(root + relativePath)
    }

    /// What `.gitattributes` says about diffing `path`: true when it is marked binary (`-diff`,
    /// `binary`), false when it is forced to text (`diff`), nil when the content decides. With a
    /// commit, that commit's attribute files are read; without, the work tree's.
    public func binaryByAttributes(_ path: String, commit: ObjectID?) -> Bool? {
        var options = git_attr_options()
        options.version = UInt32(GIT_ATTR_OPTIONS_VERSION)
        if let commit {
            options.flags = UInt32(GIT_ATTR_CHECK_INDEX_ONLY | GIT_ATTR_CHECK_INCLUDE_COMMIT)
            options.attr_commit_id = commit.gitOID
        } else {
            options.flags = UInt32(GIT_ATTR_CHECK_FILE_THEN_INDEX)
        }
        var value: UnsafePointer<CChar>?
        guard git_attr_get_ext(&value, pointer, &options, path, "diff") == 0 else { return nil }
        switch git_attr_value(value) {
        case GIT_ATTR_VALUE_FALSE: return true
        case GIT_ATTR_VALUE_TRUE: return false
        default: return nil
        }
    }
}
