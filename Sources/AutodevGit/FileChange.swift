/// One side of a change: the object and mode, and where its content lives.
public struct FileSide: Hashable, Sendable {
    public enum Location: Hashable, Sendable {
        /// In the object database.
        case odb
        /// In the working tree, at the change's path (the repository-relative path).
        case workdir(String)
    }

    public var id: ObjectID
    public var mode: FileMode
    public var location: Location

    public init(id: ObjectID, mode: FileMode, location: Location = .odb) {
        self.id = id
        self.mode = mode
        self.location = location
    }
}

/// A net change to one path between two trees, after rename detection.
public struct FileChange: Hashable, Sendable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case added, modified, deleted, renamed, copied, typechange
    }

    public var status: Status
    /// The path after the change (for a deletion, the deleted path).
    public var path: String
    /// For renames and copies: the path before.
    public var oldPath: String?
    /// For renames and copies: git's similarity index, 0–100.
    public var similarity: Int?
    public var old: FileSide?
    public var new: FileSide?

    public init(status: Status, path: String, oldPath: String? = nil, similarity: Int? = nil,
                old: FileSide?, new: FileSide?) {
        self.status = status
        self.path = path
        self.oldPath = oldPath
        self.similarity = similarity
        self.old = old
        self.new = new
    }

    /// True when either side is a submodule (gitlink): there is no content to read.
    public var isSubmodule: Bool {
        (old?.mode.isSubmodule ?? false) || (new?.mode.isSubmodule ?? false)
    }
}

/// How renames are found, mirroring git's `diff.renames` and `diff.renameLimit`.
public struct RenameOptions: Sendable, Equatable {
    /// Detect renames at all (`diff.renames`, default true).
    public var enabled: Bool
    /// Inexact detection is skipped when sources × destinations exceeds limit² (`diff.renameLimit`,
    /// git's default 1000; 0 or less means unlimited). Exact renames are always found.
    public var limit: Int
    /// Minimum similarity, in percent, for an inexact rename (git's `-M50%`).
    public var minimumScore: Int
    /// Also find copies, from modified and deleted files (`diff.renames=copies`, git's `-C`).
    public var copies: Bool

    public init(enabled: Bool = true, limit: Int = 1000, minimumScore: Int = 50, copies: Bool = false) {
        self.enabled = enabled
        self.limit = limit
        self.minimumScore = minimumScore
        self.copies = copies
    }
}

/// What a diff found, and whether rename detection had to be cut short.
public struct DiffResult: Sendable {
    public var changes: [FileChange]
    /// Set when inexact rename detection was skipped because of the rename limit; the value is
    /// the limit that would have been needed (as git's "you may want to set diff.renameLimit").
    public var renameLimitNeeded: Int?

    public init(changes: [FileChange], renameLimitNeeded: Int? = nil) {
        self.changes = changes
        self.renameLimitNeeded = renameLimitNeeded
    }
}
