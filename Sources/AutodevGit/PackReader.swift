internal import CGitPack
#if canImport(Glibc)
import Glibc
#endif

/// The repository's pack files, mapped once and shared by every thread's `PackReader`.
///
/// `@unchecked Sendable`: the C side is immutable once open (see CGitPack.h).
final class PackStore: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Maps the packs in `objectsDirectory/pack`; nil when memory runs out.
    init?(objectsDirectory: String) {
        guard let pointer = autodev_packs_open(objectsDirectory + "/pack") else { return nil }
        self.pointer = pointer
    }

    deinit { autodev_packs_close(pointer) }

    var isEmpty: Bool { autodev_packs_count(pointer) == 0 }
}

/// Reads objects straight from the pack files, for one thread at a time; see CGitPack.h.
final class PackReader {
    enum Kind: Int32 {
        case commit = 1, tree = 2, blob = 3, tag = 4
    }

    private let store: PackStore
    private let pointer: OpaquePointer

    init?(_ store: PackStore) {
        guard !store.isEmpty, let pointer = autodev_pack_reader_new(store.pointer) else { return nil }
        self.store = store
        self.pointer = pointer
    }

    deinit { autodev_pack_reader_free(pointer) }

    /// The object's bytes when it is a `kind` in the packs; nil when the caller must ask libgit2
    /// (not packed, damaged, another type, or no memory).
    func read(_ id: ObjectID, as kind: Kind) -> [UInt8]? {
        // The id's 20 bytes in order: (UInt64, UInt64, UInt32) lays out at offsets 0, 8 and 16.
        var raw = (id.a, id.b, id.c)
        var type: Int32 = 0
        var data: UnsafeMutablePointer<UInt8>?
        var size = 0
        let result = withUnsafeBytes(of: &raw) { oid in
            autodev_pack_read(pointer, oid.baseAddress!.assumingMemoryBound(to: UInt8.self), &type, &data, &size)
        }
        guard result == 0 else { return nil }
        defer { free(data) }
        guard type == kind.rawValue else { return nil }
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}

/// git's commit-graph file, when the repository has one (see CGitPack's commit_graph.c).
///
/// `@unchecked Sendable`: the C side is immutable once open.
final class CommitGraph: @unchecked Sendable {
    private let pointer: OpaquePointer

    /// nil when `objectsDirectory/info/commit-graph` is absent or not readable by this reader.
    init?(objectsDirectory: String) {
        guard let pointer = autodev_commit_graph_open(objectsDirectory + "/info/commit-graph") else { return nil }
        self.pointer = pointer
    }

    deinit { autodev_commit_graph_close(pointer) }

    /// A commit's tree and parents; nil when the graph does not hold it (or is damaged there).
    func lookup(_ id: ObjectID) -> (tree: ObjectID, parents: [ObjectID])? {
        var raw = (id.a, id.b, id.c)
        var tree = [UInt8](repeating: 0, count: 20)
        var parents = [UInt8](repeating: 0, count: 20 * 16)
        var count = 0
        let result = withUnsafeBytes(of: &raw) { oid in
            autodev_commit_graph_lookup(pointer, oid.baseAddress!.assumingMemoryBound(to: UInt8.self), &tree, &parents, 16, &count)
        }
        guard result == 0 else { return nil }
        let treeID = tree.withUnsafeBytes { ObjectID(bytes: $0) }
        let parentIDs = (0..<count).map { index in
            parents.withUnsafeBytes { ObjectID(bytes: UnsafeRawBufferPointer(rebasing: $0[(20 * index)..<(20 * index + 20)])) }
        }
        return (treeID, parentIDs)
    }
}
