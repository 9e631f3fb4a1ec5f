internal import CLibgit2
internal import AutodevTrace

/// A change before rename detection: a path with its old and new sides.
struct RawDelta {
    var path: [UInt8]
    var old: FileSide?
    var new: FileSide?
}

extension Repository {
    /// The net change from one commit's tree to another's, with git's rename detection.
    ///
    /// `from` nil means the empty tree (everything in `to` is added). Identical subtrees are
    /// skipped by id, as git's own tree diff does, so the cost follows the size of the change,
    /// not the size of the repository.
    public func diff(from: ObjectID?, to: ObjectID, renames: RenameOptions) throws -> DiffResult {
        let oldTree = try from.map { try commit($0).tree }
        let newTree = try commit(to).tree
        return try diffTrees(from: oldTree, to: newTree, renames: renames)
    }

    /// The net change between two trees, by tree id.
    public func diffTrees(from oldTree: ObjectID?, to newTree: ObjectID?, renames: RenameOptions) throws -> DiffResult {
        var deltas: [RawDelta] = []
        var prefix: [UInt8] = []
        if oldTree != newTree {
            let old = try oldTree.map { try TreeHandle(self, $0) }
            let new = try newTree.map { try TreeHandle(self, $0) }
            try walk(old: old, new: new, prefix: &prefix, into: &deltas)
        }
        Trace.phase("tree walk (\(deltas.count) paths)")
        defer { Trace.phase("rename detection") }
        return try RenameDetector(repository: self, options: renames).resolve(deltas)
    }

    private func walk(old: TreeHandle?, new: TreeHandle?, prefix: inout [UInt8], into deltas: inout [RawDelta]) throws {
        let oldEntries = old?.entries() ?? []
        let newEntries = new?.entries() ?? []
        var i = 0, j = 0
        while i < oldEntries.count || j < newEntries.count {
            let pick: Int  // -1 old only, 1 new only, 0 both
            if i == oldEntries.count {
                pick = 1
            } else if j == newEntries.count {
                pick = -1
            } else {
                pick = compareBytes(oldEntries[i].name, newEntries[j].name)
            }
            switch pick {
            case ..<0:
                try emit(old: oldEntries[i], new: nil, prefix: &prefix, into: &deltas)
                i += 1
            case 1...:
                try emit(old: nil, new: newEntries[j], prefix: &prefix, into: &deltas)
                j += 1
            default:
                let o = oldEntries[i], n = newEntries[j]
                if o.id != n.id || o.mode != n.mode {
                    try emit(old: o, new: n, prefix: &prefix, into: &deltas)
                }
                i += 1
                j += 1
            }
        }
    }

    private func emit(old: TreeEntry?, new: TreeEntry?, prefix: inout [UInt8], into deltas: inout [RawDelta]) throws {
        let name = old?.name ?? new!.name
        let mark = prefix.count
        prefix.append(contentsOf: name)
        defer { prefix.removeSubrange(mark...) }

        let oldTree = old.flatMap { $0.mode.isTree ? $0 : nil }
        let newTree = new.flatMap { $0.mode.isTree ? $0 : nil }
        let oldLeaf = old.flatMap { $0.mode.isTree ? nil : $0 }
        let newLeaf = new.flatMap { $0.mode.isTree ? nil : $0 }

        if oldLeaf != nil || newLeaf != nil {
            deltas.append(RawDelta(
                path: prefix,
                old: oldLeaf.map { FileSide(id: $0.id, mode: $0.mode) },
                new: newLeaf.map { FileSide(id: $0.id, mode: $0.mode) }))
        }
        if oldTree != nil || newTree != nil {
            prefix.append(UInt8(ascii: "/"))
            let oldHandle = try oldTree.map { try TreeHandle(self, $0.id) }
            let newHandle = try newTree.map { try TreeHandle(self, $0.id) }
            try walk(old: oldHandle, new: newHandle, prefix: &prefix, into: &deltas)
        }
    }
}

/// Byte-wise comparison of two names: the order used to merge the entries of two trees.
///
/// Both entry lists are sorted with it first (git's own order puts a tree `a` after `a-b`, a blob
/// `a` before it; a plain byte order lets a file replaced by a folder meet itself).
@inline(__always)
func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    let count = min(a.count, b.count)
    var index = 0
    while index < count {
        let x = a[index], y = b[index]
        if x != y { return x < y ? -1 : 1 }
        index += 1
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

struct TreeEntry {
    var name: [UInt8]
    var id: ObjectID
    var mode: FileMode
}

/// Owns one `git_tree`.
final class TreeHandle {
    let pointer: OpaquePointer

    init(_ repository: Repository, _ id: ObjectID) throws {
        var oid = id.gitOID
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, repository.pointer, &oid), "reading tree \(id.hex)")
        guard let tree else { throw GitError(kind: .other, message: "libgit2 returned no tree for \(id.hex)") }
        pointer = tree
    }

    deinit { git_tree_free(pointer) }

    /// The entries, sorted by name bytes.
    func entries() -> [TreeEntry] {
        let count = git_tree_entrycount(pointer)
        var result: [TreeEntry] = []
        result.reserveCapacity(count)
        var sorted = true
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(pointer, index), let name = git_tree_entry_name(entry) else { continue }
            let length = strlenC(name)
            let bytes = name.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
            let item = TreeEntry(name: bytes, id: ObjectID(git_tree_entry_id(entry)),
                                 mode: FileMode(rawValue: git_tree_entry_filemode(entry).rawValue))
            if sorted, let last = result.last, compareBytes(last.name, item.name) > 0 { sorted = false }
            result.append(item)
        }
        if !sorted { result.sort { compareBytes($0.name, $1.name) < 0 } }
        return result
    }
}

@inline(__always)
func strlenC(_ pointer: UnsafePointer<CChar>) -> Int {
    var length = 0
    while pointer[length] != 0 { length += 1 }
    return length
}
