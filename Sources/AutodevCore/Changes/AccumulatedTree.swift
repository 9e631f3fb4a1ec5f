import AutodevGit

/// The tree a change's prompts read and its answers are applied to: the processed commit, with
/// the generated files of the results branch and what earlier changes and steps of this run
/// wrote laid over it. A later step therefore sees what an earlier one wrote, never "does not
/// exist yet" for a file this run created.
final class AccumulatedTree: PromptSource {
    private let base: any PromptSource
    private let repository: Repository
    /// Files laid over the base, by path (git blob ids).
    public private(set) var overlay: [String: ObjectID]
    private var sortedPaths: [String]?
    private var memo: [String: [String]] = [:]

    public init(base: any PromptSource, repository: Repository, overlay: [String: ObjectID]) {
        self.base = base
        self.repository = repository
        self.overlay = overlay
    }

    /// Lays a file over the tree (its blob must be written).
    public func write(_ path: String, blob: ObjectID) {
        if overlay[path] == nil, base.read(path) == nil { sortedPaths = nil }
        overlay[path] = blob
        memo[path] = nil
    }

    /// A copy whose writes do not reach this tree: a change's steps write to a copy that is
    /// laid over the run's tree only when the change is accepted.
    public func fork() -> AccumulatedTree {
        AccumulatedTree(base: base, repository: repository, overlay: overlay)
    }

    public func paths() -> [String] {
        if let sortedPaths { return sortedPaths }
        let all = Set(base.paths()).union(overlay.keys).sorted()
        sortedPaths = all
        return all
    }

    public func read(_ path: String) -> [UInt8]? {
        if let blob = overlay[path] { return try? repository.blobContent(blob) }
        return base.read(path)
    }

    public func memoized(_ path: String, _ compute: ([UInt8]) -> [String]) -> [String]? {
        guard overlay[path] != nil else { return base.memoized(path, compute) }
        if let known = memo[path] { return known }
        guard let bytes = read(path) else { return nil }
        let value = compute(bytes)
        memo[path] = value
        return value
    }

    public func blobID(_ path: String) -> String? {
        overlay[path]?.hex ?? base.blobID(path)
    }
}
