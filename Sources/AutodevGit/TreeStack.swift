internal import CLibgit2

/// The trees of a stack of commits over one base tree, each step laying more files over the
/// last: the results branch's one commit per change. `writeTree(base:blobs:)` for every step
/// read the whole base tree into an in-memory index and wrote it out again, so a run of C
/// changes cost C times the repository (150 changes: 4.5 s a run); here each step writes only
/// the folders on the paths it changed, from entries read once, and reuses every other
/// subtree by id.
///
/// Each step's tree is the one `writeTree(base:blobs:)` writes for the base with every file laid
/// so far (the same bytes, so the same ids): folders are rebuilt with libgit2's tree builder
/// from the same entries the index would give it. A step that puts a file where a folder is, or
/// a folder where a file is (the index replaces the other side), is handed to
/// `writeTree(base:blobs:)` itself, and so is every later step. Not thread-safe: one per stack.
public final class TreeStack {
    private struct Entry {
        var mode: UInt32
        var id: ObjectID
    }

    private let repository: Repository
    private let base: ObjectID
    /// Folders read or changed so far, by path ("" is the root): entries by name.
    private var folders: [[UInt8]: [[UInt8]: Entry]] = [:]
    /// Every file laid so far (for the fallback).
    private var laid: [String: ObjectID?] = [:]
    /// The tree of the last step.
    private var last: ObjectID?
    /// A step met a file/folder collision: every step from it on is `writeTree`'s.
    private var replaced = false
    /// Folders written, over all steps: what the stack's cost follows (the tests count it).
    public private(set) var foldersWritten = 0

    public init(repository: Repository, base: ObjectID) {
        self.repository = repository
        self.base = base
    }

    /// Lays `blobs` over the tree as regular files (mode 100644) and returns the tree of the
    /// base with every file laid so far. The blobs must be in the object database. `checkpoint`
    /// may throw to abandon: it runs once a step when 256 files or more are laid (as
    /// `writeTree(base:blobs:)` of every file so far ran it), and after every 256 of a step's
    /// own, so a stack under 256 files is always finished.
    public func lay(_ blobs: [String: ObjectID], checkpoint: () throws -> Void = {}) throws -> ObjectID {
        let paths = blobs.keys.sorted()
        for path in paths { laid[path] = blobs[path]! }
        if laid.count > 0xFF { try checkpoint() }
        if replaced { return try repository.writeTree(base: base, blobs: laid, checkpoint: checkpoint) }
        for (count, path) in paths.enumerated() {
            if count & 0xFF == 0xFF { try checkpoint() }
            let blob = blobs[path]!
            guard repository.contains(blob) else {
                throw GitError(kind: .other, message: "blob \(blob.hex) for \(path) is not in the object database; it was never written",
                               operation: "writing a tree")
            }
        }
        var dirty = Set<[UInt8]>()
        for path in paths {
            let components = Array(path.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(Array.init)
            var folder: [UInt8] = []
            guard try load(folder) else { return try fallBack(checkpoint) }
            var touched: [[UInt8]] = [folder]
            for name in components.dropLast() {
                let inside = folder.isEmpty ? name : folder + [UInt8(ascii: "/")] + name
                if let entry = folders[folder]![name], entry.mode & 0o170000 != 0o040000 {
                    return try fallBack(checkpoint)  // a file where a folder is needed
                }
                guard try load(inside) else { return try fallBack(checkpoint) }
                folder = inside
                touched.append(folder)
            }
            let name = components.last!
            if let entry = folders[folder]![name], entry.mode & 0o170000 == 0o040000 {
                return try fallBack(checkpoint)  // a file where a folder is
            }
            folders[folder]![name] = Entry(mode: 0o100644, id: blobs[path]!)
            dirty.formUnion(touched)
        }
        guard !dirty.isEmpty else {
            // Nothing laid in this step: the tree of the last one.
            if let last { return last }
            return try repository.writeTree(base: base, blobs: laid, checkpoint: checkpoint)
        }
        // Deepest first, so each folder's new id is in its parent before the parent is written.
        var root = base
        for folder in dirty.sorted(by: { depth($0) > depth($1) }) {
            let id = try write(folders[folder]!)
            guard !folder.isEmpty else {
                root = id
                continue
            }
            let slash = folder.lastIndex(of: UInt8(ascii: "/"))
            let parent = slash.map { Array(folder[..<$0]) } ?? []
            let name = slash.map { Array(folder[($0 + 1)...]) } ?? folder
            folders[parent]![name] = Entry(mode: 0o040000, id: id)
        }
        last = root
        return root
    }

    private func depth(_ folder: [UInt8]) -> Int {
        folder.isEmpty ? 0 : folder.reduce(1) { $0 + ($1 == UInt8(ascii: "/") ? 1 : 0) }
    }

    /// Reads the folder's entries once (a folder not in the tree yet starts empty); false when
    /// a file stands at the folder's path.
    private func load(_ folder: [UInt8]) throws -> Bool {
        if folders[folder] != nil { return true }
        let id: ObjectID?
        if folder.isEmpty {
            id = base
        } else {
            let slash = folder.lastIndex(of: UInt8(ascii: "/"))
            let parent = slash.map { Array(folder[..<$0]) } ?? []
            let name = slash.map { Array(folder[($0 + 1)...]) } ?? folder
            guard let entry = folders[parent]?[name] else {
                folders[folder] = [:]
                return true
            }
            guard entry.mode & 0o170000 == 0o040000 else { return false }
            id = entry.id
        }
        var entries: [[UInt8]: Entry] = [:]
        if let id {
            for entry in try TreeHandle(repository, id).entries() { entries[entry.name] = Entry(mode: entry.mode.rawValue, id: entry.id) }
        }
        folders[folder] = entries
        return true
    }

    private func fallBack(_ checkpoint: () throws -> Void) throws -> ObjectID {
        replaced = true
        folders = [:]
        return try repository.writeTree(base: base, blobs: laid, checkpoint: checkpoint)
    }

    /// Writes one folder with libgit2's tree builder (as the index's tree writer does: it sorts,
    /// checks names and modes, and formats the object).
    private func write(_ entries: [[UInt8]: Entry]) throws -> ObjectID {
        var builder: OpaquePointer?
        try GitError.check(git_treebuilder_new(&builder, repository.pointer, nil), "making a tree builder")
        defer { git_treebuilder_free(builder) }
        for (name, entry) in entries {
            var oid = entry.id.gitOID
            _ = try (name + [0]).withUnsafeBufferPointer { bytes in
                try bytes.withMemoryRebound(to: CChar.self) { cName in
                    try GitError.check(git_treebuilder_insert(nil, builder, cName.baseAddress, &oid, git_filemode_t(entry.mode)),
                                       "adding \(String(decoding: name, as: UTF8.self)) to a tree")
                }
            }
        }
        var oid = git_oid()
        try GitError.check(git_treebuilder_write(&oid, builder), "writing a tree")
        foldersWritten += 1
        return ObjectID(oid)
    }
}
