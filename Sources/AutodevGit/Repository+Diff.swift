internal import CLibgit2
internal import AutodevSupport
#if canImport(Glibc)
import Glibc
#endif

/// A change before rename detection: a path with its old and new sides.
struct RawDelta: Sendable {
    var path: [UInt8]
    var old: FileSide?
    var new: FileSide?
}

/// Every changed path between two trees, before rename detection.
public struct TreeChanges: Sendable {
    let deltas: [RawDelta]
    /// The `.gitattributes` files (path, blob) in the new tree's folders that hold changes —
    /// every file whose attributes could apply to a changed path, wherever it is nested.
    public let attributeFiles: [(path: String, id: ObjectID)]

    /// The paths present on both sides: modified, or changed in type. Rename detection leaves
    /// them as they are.
    public var modified: [FileChange] {
        deltas.compactMap { delta in
            guard let old = delta.old, let new = delta.new else { return nil }
            return RenameDetector.modification(path: delta.path, old: old, new: new)
        }
    }
}

/// A pair of trees still to compare, and the folder they are (`a/b/`, or empty for the root).
struct TreePair: Sendable {
    var prefix: [UInt8]
    var old: ObjectID?
    var new: ObjectID?
}

extension Repository {
    /// The net change from one commit's tree to another's, with git's rename detection.
    ///
    /// `from` nil means the empty tree (everything in `to` is added). Identical subtrees are
    /// skipped by id, as git's own tree diff does, so the cost follows the size of the change,
    /// not the size of the repository.
    public func diff(from: ObjectID?, to: ObjectID, renames: RenameOptions) throws -> DiffResult {
        try resolveRenames(treeChanges(from: from, to: to), renames: renames)
    }

    /// The net change between two trees, by tree id.
    public func diffTrees(from oldTree: ObjectID?, to newTree: ObjectID?, renames: RenameOptions) throws -> DiffResult {
        try resolveRenames(treeChanges(fromTree: oldTree, toTree: newTree), renames: renames)
    }

    /// The first half of `diff`: every changed path, before renames are paired. Its `modified`
    /// changes are final already, so a caller can start on them while `resolveRenames` runs.
    ///
    /// `stop` is looked at before each folder pair (on every walking thread); once it returns
    /// true the walk ends early and what it holds is incomplete — the caller, which asked to
    /// stop, must throw it away. A walk of 200,000 paths took 1.4 s.
    public func treeChanges(from: ObjectID?, to: ObjectID, stop: @escaping @Sendable () -> Bool = { false }) throws -> TreeChanges {
        let oldTree = try from.map { try commit($0).tree }
        return try treeChanges(fromTree: oldTree, toTree: try commit(to).tree, stop: stop)
    }

    func treeChanges(fromTree oldTree: ObjectID?, toTree newTree: ObjectID?,
                     stop: @escaping @Sendable () -> Bool = { false }) throws -> TreeChanges {
        var attributes: [(path: [UInt8], id: ObjectID)] = []
        let deltas = oldTree == newTree ? [] : try treeDeltas(TreePair(prefix: [], old: oldTree, new: newTree), attributes: &attributes, stop: stop)
        Trace.phase("tree walk (\(deltas.count) paths)")
        return TreeChanges(deltas: deltas, attributeFiles: attributes.map { (RenameDetector.string($0.path), $0.id) })
    }

    static let attributesName = Array(".gitattributes".utf8)

    /// The second half of `diff`: pairs deletions with additions the way git does. Once `stop`
    /// returns true (it is looked at for every destination of the similarity matrix) the
    /// pairing ends early and the result is incomplete, as with `treeChanges`.
    public func resolveRenames(_ changes: TreeChanges, renames: RenameOptions,
                               stop: @escaping () -> Bool = { false }) throws -> DiffResult {
        defer { Trace.phase("rename detection") }
        return try RenameDetector(repository: self, options: renames, stop: stop).resolve(changes.deltas)
    }

    /// Every changed path under a pair of trees, in no particular order.
    ///
    /// Reading trees is most of a large diff's time. The comparison starts on this thread,
    /// breadth-first; once `fanOut` folder pairs are waiting, they are shared among worker
    /// threads (each with its own handle and pack reader), each taking whole pairs depth-first.
    /// A small change — one commit, say — is done before that and starts no thread.
    /// `workers` and `fanOut` are for tests.
    func treeDeltas(_ root: TreePair, workers: Int = availableWorkers(), fanOut: Int? = nil) throws -> [RawDelta] {
        var attributes: [(path: [UInt8], id: ObjectID)] = []
        return try treeDeltas(root, attributes: &attributes, workers: workers, fanOut: fanOut)
    }

    func treeDeltas(_ root: TreePair, attributes: inout [(path: [UInt8], id: ObjectID)],
                    workers: Int = availableWorkers(), fanOut: Int? = nil,
                    stop: @escaping @Sendable () -> Bool = { false }) throws -> [RawDelta] {
        var deltas: [RawDelta] = []
        if workers == 1 {
            var stack = [root]
            while !stop(), let pair = stack.popLast() { try compare(pair, into: &deltas, subtrees: &stack, attributes: &attributes) }
            return deltas
        }
        let fanOut = fanOut ?? 8 * workers
        var queue = [root]
        var next = 0
        while next < queue.count && queue.count - next < fanOut && !stop() {
            let pair = queue[next]
            next += 1
            try compare(pair, into: &deltas, subtrees: &queue, attributes: &attributes)
        }
        let frontier = Array(queue[next...])
        guard !frontier.isEmpty else { return deltas }
        Trace.phase("tree walk fan-out (\(frontier.count) folder pairs)")
        let units = frontier
        nonisolated(unsafe) let caller = self
        let source = threadSource
        // One thread more than `workers`: measured on 2 cores, a third walker kept both busy
        // through page faults and the tail of the last large folder (100 commits: 4.4 to 3.6 ms).
        let parts = try runOnWorkers(units: units.count, workers: workers + 1, makeContext: { worker in
            // Worker 0 borrows the caller's handle: the caller is blocked until all are done.
            worker == 0 ? caller : try source.openForObjects()
        }, work: { repository, unit in
            var found: [RawDelta] = []
            var attributes: [(path: [UInt8], id: ObjectID)] = []
            var stack = [units[unit]]
            while !stop(), let pair = stack.popLast() {
                try repository.compare(pair, into: &found, subtrees: &stack, attributes: &attributes)
            }
            return (found, attributes)
        })
        for part in parts {
            deltas.append(contentsOf: part.0)
            attributes.append(contentsOf: part.1)
        }
        return deltas
    }

    /// Compares one pair of trees: changed files go to `deltas`, changed folders to `subtrees`,
    /// and the new tree's `.gitattributes`, if it has one, to `attributes`.
    private func compare(_ pair: TreePair, into deltas: inout [RawDelta], subtrees: inout [TreePair],
                         attributes: inout [(path: [UInt8], id: ObjectID)]) throws {
        let oldEntries = try pair.old.map { try treeEntries($0) } ?? []
        let newEntries = try pair.new.map { try treeEntries($0) } ?? []
        if let file = newEntries.first(where: { $0.name.count == 14 && $0.name == Self.attributesName && !$0.mode.isTree }) {
            attributes.append((pair.prefix + file.name, file.id))
        }
        var i = 0, j = 0
        while i < oldEntries.count || j < newEntries.count {
            let order: Int  // <0 old only, >0 new only, 0 both
            if i == oldEntries.count {
                order = 1
            } else if j == newEntries.count {
                order = -1
            } else {
                order = compareBytes(oldEntries[i].name, newEntries[j].name)
            }
            var old: TreeEntry?, new: TreeEntry?
            if order <= 0 { old = oldEntries[i]; i += 1 }
            if order >= 0 { new = newEntries[j]; j += 1 }
            if let o = old, let n = new, o.id == n.id, o.mode == n.mode { continue }

            let name = old?.name ?? new!.name
            let oldLeaf = old.flatMap { $0.mode.isTree ? nil : $0 }
            let newLeaf = new.flatMap { $0.mode.isTree ? nil : $0 }
            if oldLeaf != nil || newLeaf != nil {
                deltas.append(RawDelta(path: pair.prefix + name,
                                       old: oldLeaf.map { FileSide(id: $0.id, mode: $0.mode) },
                                       new: newLeaf.map { FileSide(id: $0.id, mode: $0.mode) }))
            }
            let oldTree = old.flatMap { $0.mode.isTree ? $0.id : nil }
            let newTree = new.flatMap { $0.mode.isTree ? $0.id : nil }
            if oldTree != nil || newTree != nil {
                subtrees.append(TreePair(prefix: pair.prefix + name + [UInt8(ascii: "/")], old: oldTree, new: newTree))
            }
        }
    }
}

extension Repository {
    /// A tree's entries sorted by name bytes: from the pack files when they hold it, else
    /// through libgit2.
    func treeEntries(_ id: ObjectID) throws -> [TreeEntry] {
        guard let bytes = packReader?.read(id, as: .tree) else { return try TreeHandle(self, id).entries() }
        return try TreeEntry.parse(bytes, tree: id)
    }
}

extension TreeEntry {
    /// Parses a tree object: `<octal mode> <name>\0<20-byte id>`, repeated.
    static func parse(_ bytes: [UInt8], tree: ObjectID) throws -> [TreeEntry] {
        var entries: [TreeEntry] = []
        var sorted = true
        let malformed = GitError(kind: .other, message: "tree \(tree.hex) is malformed")
        try bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var index = 0
            while index < count {
                var mode: UInt32 = 0
                while index < count, buffer[index] != 0x20 {
                    let digit = buffer[index] &- 0x30
                    guard digit < 8, mode < 0o1000000 else { throw malformed }
                    mode = mode * 8 + UInt32(digit)
                    index += 1
                }
                guard index < count else { throw malformed }
                index += 1
                let nameStart = index
                while index < count, buffer[index] != 0 { index += 1 }
                guard index < count, index > nameStart, count - index - 1 >= 20 else { throw malformed }
                let name = Array(buffer[nameStart..<index])
                index += 1
                let id = ObjectID(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[index..<(index + 20)])))
                index += 20
                let entry = TreeEntry(name: name, id: id, mode: FileMode(rawValue: normalizedMode(mode)))
                if sorted, let last = entries.last, compareBytes(last.name, entry.name) > 0 { sorted = false }
                entries.append(entry)
            }
        }
        if !sorted { entries.sort { compareBytes($0.name, $1.name) < 0 } }
        return entries
    }

    /// libgit2's reading of a tree entry's mode (`git_tree_entry_filemode`), so that both ways of
    /// reading a tree agree: legacy modes such as 100664 read as 100644.
    static func normalizedMode(_ mode: UInt32) -> UInt32 {
        let type = mode & 0o170000
        if type == 0o040000 { return 0o040000 }
        if mode & 0o100 != 0 { return 0o100755 }
        if type == 0o160000 { return 0o160000 }
        if type == 0o120000 { return 0o120000 }
        return 0o100644
    }
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
