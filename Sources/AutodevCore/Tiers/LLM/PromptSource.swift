import AutodevGit

/// The files a prompt may be built from: the processed commit's tree, or anything else a test
/// or a caller provides. `PromptBuilder` never reads a path `SecretGuard` refuses.
protocol PromptSource {
    /// Every regular file's repository-relative path, sorted.
    func paths() -> [String]
    /// A file's bytes; nil when there is no such file or it cannot be read.
    func read(_ path: String) -> [UInt8]?
    /// `compute(bytes)` for a file, which a source may remember: one run builds many prompts
    /// over the same tree, and each ranks its repository map by reading up to 400 files.
    func memoized(_ path: String, _ compute: ([UInt8]) -> [String]) -> [String]?
    /// The git blob id of a file (hex), for cache keys; nil when there is no such file.
    func blobID(_ path: String) -> String?
    /// Where the project's top-level symbols are defined (symbol → files), which a source may
    /// compute once: every prompt of a run looks identifiers up in it.
    func definitions(secrets: SecretGuard) -> [String: [String]]
}

extension PromptSource {
    public func memoized(_ path: String, _ compute: ([UInt8]) -> [String]) -> [String]? {
        read(path).map(compute)
    }

    public func definitions(secrets: SecretGuard) -> [String: [String]] {
        RepositoryMap.definitions(source: self, secrets: secrets)
    }

    /// Hashes the content as git does.
    public func blobID(_ path: String) -> String? {
        read(path).flatMap { try? Repository.blobID(of: $0).hex }
    }
}

/// The files of one commit's tree, read through libgit2. Symlinks and submodules are not files
/// here: a prompt never follows a link out of the tree.
final class GitTreeSource: PromptSource {
    private let repository: Repository
    private let blobs: [String: ObjectID]
    private let sorted: [String]

    public init(repository: Repository, commit: ObjectID) throws(AutodevError) {
        self.repository = repository
        do {
            let tree = try repository.commit(commit).tree
            var blobs: [String: ObjectID] = [:]
            for (path, side) in try repository.files(inTree: tree, under: "") where side.mode.isRegular {
                blobs[path] = side.id
            }
            self.blobs = blobs
        } catch {
            throw AutodevError(.gitFailure, "cannot list the files of commit \(commit) for a prompt: \(error)")
        }
        sorted = blobs.keys.sorted()
    }

    public func paths() -> [String] { sorted }

    private var memo: [String: [String]] = [:]

    public func memoized(_ path: String, _ compute: ([UInt8]) -> [String]) -> [String]? {
        if let known = memo[path] { return known }
        guard let bytes = read(path) else { return nil }
        let value = compute(bytes)
        memo[path] = value
        return value
    }

    private var definitionIndex: [String: [String]]?

    /// Computed once per tree: on an 18,000-file repository the index takes seconds, and a run
    /// builds a prompt (and a tier-3 key) per item. `SecretGuard`'s globs are fixed.
    public func definitions(secrets: SecretGuard) -> [String: [String]] {
        if let known = definitionIndex { return known }
        let index = RepositoryMap.definitions(source: self, secrets: secrets)
        definitionIndex = index
        return index
    }

    public func read(_ path: String) -> [UInt8]? {
        guard let id = blobs[path] else { return nil }
        return try? repository.blobContent(id)
    }

    public func blobID(_ path: String) -> String? { blobs[path]?.hex }
}
