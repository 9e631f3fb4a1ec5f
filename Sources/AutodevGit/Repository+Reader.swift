internal import CLibgit2
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// A read-only handle on this repository's objects for another thread (see
    /// `ThreadSource.openForObjects`).
    ///
    /// libgit2 keeps one process-wide record per pack file, keyed by its path, and takes that
    /// record's locks on every object read; two threads reading through handles opened the
    /// usual way therefore take turns. This handle reaches the same pack files by a different
    /// spelling of the same folder (`objects/../objects/pack`), so it gets records — and
    /// locks, windows and delta caches — of its own. Repositories that borrow objects from
    /// elsewhere (`objects/info/alternates`) are opened the usual way instead.
    var readerSource: ReaderSource {
        ReaderSource(objects: commonDirectory + "objects", gitDirectory: gitDirectory, packs: packStore)
    }

    struct ReaderSource: Sendable {
        let objects: String
        let gitDirectory: String
        let packs: PackStore?
    }

    static func objectReader(_ source: ReaderSource) throws -> Repository {
        let objects = source.objects
        if access(objects + "/info/alternates", F_OK) == 0 {
            let repository = try Repository.open(at: source.gitDirectory)
            repository.sharedPacks = source.packs
            return repository
        }
        var odb: OpaquePointer?
        try GitError.check(git_odb_new(&odb), "opening the object database")
        guard let odb else { throw GitError(kind: .other, message: "libgit2 returned no object database") }
        defer { git_odb_free(odb) }
        var packs: OpaquePointer?
        try GitError.check(git_odb_backend_pack(&packs, objects + "/../objects"), "opening the pack files in \(objects)")
        try GitError.check(git_odb_add_backend(odb, packs, 2), "opening the pack files in \(objects)")
        var loose: OpaquePointer?
        try GitError.check(git_odb_backend_loose(&loose, objects, -1, 0, 0, 0), "opening the loose objects in \(objects)")
        try GitError.check(git_odb_add_backend(odb, loose, 1), "opening the loose objects in \(objects)")
        var handle: OpaquePointer?
        try GitError.check(git_repository_wrap_odb(&handle, odb), "opening the object database")
        guard let handle else { throw GitError(kind: .other, message: "libgit2 returned no repository") }
        return Repository(pointer: handle, packs: source.packs)
    }
}

extension Repository {
    /// What another thread needs to open its own full handle on this repository (libgit2
    /// handles must not be shared), sharing the mapped pack files. Take it on the thread that
    /// owns this handle.
    public var threadSource: ThreadSource {
        ThreadSource(path: workdir ?? gitDirectory, objects: readerSource)
    }

    public struct ThreadSource: Sendable {
        let path: String
        let objects: ReaderSource

        /// A new handle on the same repository, for the calling thread.
        public func open() throws -> Repository {
            let repository = try Repository.open(at: path)
            repository.sharedPacks = objects.packs
            return repository
        }

        /// A handle that only reads objects (no work tree, index, configuration or attributes),
        /// much cheaper to open: for work that reads blobs and trees by id.
        public func openForObjects() throws -> Repository {
            try Repository.objectReader(objects)
        }
    }
}
