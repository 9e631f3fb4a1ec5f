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
            try GitError.check(git_odb_read_header(&length, &type, odb, &oid), "reading object \(side.id.hex)")
            return length
        case .workdir(let path):
            return try workdirContent(path).count
        }
    }

    /// A blob's bytes.
    public func blobContent(_ id: ObjectID) throws -> [UInt8] {
        var oid = id.gitOID
        var blob: OpaquePointer?
        try GitError.check(git_blob_lookup(&blob, pointer, &oid), "reading blob \(id.hex)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// A working-tree file's bytes (a symlink's target for a link), without any filter applied.
    public func workdirContent(_ relativePath: String) throws -> [UInt8] {
        guard let root = workdir else {
            throw GitError(kind: .other, message: "a bare repository has no working tree")
        }
        return try FileReader.read(root + relativePath)
    }
}
