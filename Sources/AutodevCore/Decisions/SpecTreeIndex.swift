import AutodevGit

/// The Markdown files of the trees seen by earlier runs, kept in `.auto-dev/cache/spec-trees`
/// by tree id, so that listing the spec files of a commit (`Explainer.copiesElsewhere`,
/// `Explainer.linkIndex`) reads only the trees that changed since the last run, not every
/// tree of the repository: a folder whose id is in the index is not read again, and neither
/// is anything below it.
///
/// A listing holds what `Repository.files(inTree:under:)` would take from one tree object:
/// its Markdown files (by name, `SpecDocument.isMarkdown`, so the same for every path the tree
/// is found at) with their ids and modes, and every subfolder with its id, each in the tree's
/// own order; and whether a Markdown file is anywhere below it. Keyed by tree id, a listing is
/// never stale; the walk (`forEachMarkdownFile`) visits them in the order of that method's
/// walk, so the files come out in the same order as the whole walk's Markdown files.
///
/// Every listing's subfolders have listings of their own (a file that breaks this is not read),
/// so a walk from a known tree reads nothing. A run keeps only the listings below the trees it
/// walked (the folders of the repository, not of its history).
///
/// The file: a header line `autodev-spec-trees <version> <listings> <checksum of the rest>`,
/// then one line per tree, `<tree id> <0|1>` (whether a Markdown file is below), then for each
/// entry `\t<octal mode> <id> <name>` (files first, then folders; `%`, tab and line feed in a
/// name written `%25`, `%09`, `%0A`). A missing file, one of another version, or one that does
/// not read back is ignored and rebuilt: it is a cache, never a reason to fail.
final class SpecTreeIndex {
    static let version = 1
    static let header = "autodev-spec-trees"

    struct Entry: Equatable {
        var name: String
        var id: ObjectID
        var mode: UInt32
    }

    struct Listing: Equatable {
        /// The tree's Markdown files (blobs, links, submodules), in the tree's order.
        var files: [Entry]
        /// The tree's subfolders (mode 040000), in the tree's order.
        var folders: [Entry]
        /// Whether a Markdown file is in this tree or below it.
        var markdown: Bool
    }

    /// Where the index is kept; nil: kept in memory for this run only.
    let path: String?
    /// Whether `save` may write (a preview reads the index but writes nothing).
    let writable: Bool
    private var listings: [ObjectID: Listing] = [:]
    private var loadedCount = 0
    /// Trees walked this run: what `save` keeps the listings of.
    private var roots = Set<ObjectID>()
    /// Tree objects read from the repository this run (the tests count them: they follow what
    /// changed since the last run, not the size of the repository).
    private(set) var treesRead = 0

    /// The index of a state folder (`Workspace.stateRoot`).
    static func path(stateRoot: String) -> String { stateRoot + "/cache/spec-trees" }

    init(path: String?, writable: Bool) {
        self.path = path
        self.writable = writable
        if let path, let bytes = try? FileSystem.readIfPresent(path) {
            listings = Self.decode(bytes) ?? [:]
            loadedCount = listings.count
        }
    }

    /// Calls `body` with the path and side of every Markdown file of `tree`, in the order of
    /// `Repository.files(inTree: tree, under: "")`, until it returns false. Throws (before any
    /// call) when a tree the index does not hold could not be read.
    func forEachMarkdownFile(in tree: ObjectID, repository: Repository, _ body: (String, FileSide) -> Bool) throws {
        try resolve(tree, repository)
        roots.insert(tree)
        // The walk of `Repository.files(inTree:under:)`: a folder's files in order, then its
        // subfolders from a stack (the last one first).
        var pending: [(ObjectID, String)] = [(tree, "")]
        while let (id, base) = pending.popLast() {
            guard let listing = listings[id] else { continue }  // never: every listing's folders have listings
            for file in listing.files {
                guard body(base + file.name, FileSide(id: file.id, mode: FileMode(rawValue: file.mode))) else { return }
            }
            for folder in listing.folders where listings[folder.id]?.markdown == true {
                pending.append((folder.id, base + folder.name + "/"))
            }
        }
    }

    /// Makes sure `root` and every tree below it have listings, reading the trees the index
    /// does not hold (depth first, a folder's listing once its subfolders have theirs).
    private func resolve(_ root: ObjectID, _ repository: Repository) throws {
        guard listings[root] == nil else { return }
        var pending: [ObjectID] = [root]
        var partial: [ObjectID: Listing] = [:]
        while let id = pending.last {
            if listings[id] != nil {
                pending.removeLast()
                continue
            }
            if var listing = partial.removeValue(forKey: id) {
                listing.markdown = !listing.files.isEmpty || listing.folders.contains { listings[$0.id]?.markdown == true }
                listings[id] = listing
                pending.removeLast()
                continue
            }
            treesRead += 1
            var listing = Listing(files: [], folders: [], markdown: false)
            for entry in try repository.entries(ofTree: id) {
                let name = String(decoding: entry.name, as: UTF8.self)
                if entry.side.mode.isTree {
                    listing.folders.append(Entry(name: name, id: entry.side.id, mode: entry.side.mode.rawValue))
                } else if SpecDocument.isMarkdown(name) {
                    listing.files.append(Entry(name: name, id: entry.side.id, mode: entry.side.mode.rawValue))
                }
            }
            partial[id] = listing
            for folder in listing.folders where listings[folder.id] == nil && partial[folder.id] == nil {
                pending.append(folder.id)
            }
        }
    }

    /// The ids of the listings below the trees walked this run.
    private func reachable() -> Set<ObjectID> {
        var seen = Set<ObjectID>()
        var pending = Array(roots)
        while let id = pending.popLast() {
            guard let listing = listings[id], seen.insert(id).inserted else { continue }
            for folder in listing.folders { pending.append(folder.id) }
        }
        return seen
    }

    /// Writes the listings below the trees walked this run, when they differ from the file's;
    /// a failure to write is not the run's (the next run reads the trees again).
    func save() {
        guard let path, writable, !roots.isEmpty else { return }
        let keep = reachable()
        // Listings are only ever added: the same count means the same listings.
        guard keep.count != loadedCount || listings.count != loadedCount else { return }
        try? FileSystem.writeAtomically(path, Self.encode(listings, only: keep))
    }

    // MARK: The file

    static func encode(_ listings: [ObjectID: Listing], only keep: Set<ObjectID>? = nil) -> [UInt8] {
        let ids = (keep.map(Array.init) ?? Array(listings.keys)).filter { listings[$0] != nil }.sorted()
        var body: [UInt8] = []
        body.reserveCapacity(ids.count * 100)
        for id in ids {
            let listing = listings[id]!
            body.append(contentsOf: id.hex.utf8)
            body.append(contentsOf: listing.markdown ? [0x20, 0x31] : [0x20, 0x30])
            for entry in listing.files + listing.folders {
                body.append(0x09)
                body.append(contentsOf: String(entry.mode, radix: 8).utf8)
                body.append(0x20)
                body.append(contentsOf: entry.id.hex.utf8)
                body.append(0x20)
                for byte in entry.name.utf8 {
                    switch byte {
                    case 0x25: body.append(contentsOf: Array("%25".utf8))
                    case 0x09: body.append(contentsOf: Array("%09".utf8))
                    case 0x0A: body.append(contentsOf: Array("%0A".utf8))
                    default: body.append(byte)
                    }
                }
            }
            body.append(0x0A)
        }
        return CacheFileFrame.encode(name: header, version: version, entries: ids.count, body: body)
    }

    /// The listings of an index file; nil when it is not one of this version, is damaged, or
    /// names a subfolder it holds no listing of.
    static func decode(_ bytes: [UInt8]) -> [ObjectID: Listing]? {
        guard let (count, body) = CacheFileFrame.decode(bytes, name: header, version: version) else { return nil }
        var listings: [ObjectID: Listing] = [:]
        listings.reserveCapacity(count)
        for line in body.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            let fields = line.split(separator: 0x09, omittingEmptySubsequences: false)
            guard let first = fields.first, first.count == 42, first[first.startIndex + 40] == 0x20,
                  let id = ObjectID(hex: String(decoding: first.prefix(40), as: UTF8.self)) else { return nil }
            let flag = first[first.startIndex + 41]
            guard flag == 0x30 || flag == 0x31 else { return nil }
            var listing = Listing(files: [], folders: [], markdown: flag == 0x31)
            for field in fields.dropFirst() {
                guard let space = field.firstIndex(of: 0x20), let mode = UInt32(String(decoding: field[..<space], as: UTF8.self), radix: 8),
                      field.endIndex - space > 42, field[space + 41] == 0x20,
                      let entryID = ObjectID(hex: String(decoding: field[(space + 1)..<(space + 41)], as: UTF8.self)),
                      let name = unescape(field[(space + 42)...]) else { return nil }
                let entry = Entry(name: name, id: entryID, mode: mode)
                if FileMode(rawValue: mode).isTree {
                    listing.folders.append(entry)
                } else {
                    guard listing.folders.isEmpty else { return nil }  // files come first
                    listing.files.append(entry)
                }
            }
            guard listings.updateValue(listing, forKey: id) == nil else { return nil }
        }
        guard listings.count == count else { return nil }
        // Every subfolder has a listing, and the Markdown flags agree with them.
        for listing in listings.values {
            var below = !listing.files.isEmpty
            for folder in listing.folders {
                guard let inside = listings[folder.id] else { return nil }
                below = below || inside.markdown
            }
            guard below == listing.markdown else { return nil }
        }
        return listings
    }

    private static func unescape(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty else { return nil }
        guard bytes.contains(0x25) else { return String(decoding: bytes, as: UTF8.self) }
        var name: [UInt8] = []
        name.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x25 {
                guard index + 2 < bytes.endIndex else { return nil }
                switch (bytes[index + 1], bytes[index + 2]) {
                case (0x32, 0x35): name.append(0x25)
                case (0x30, 0x39): name.append(0x09)
                case (0x30, 0x41): name.append(0x0A)
                default: return nil
                }
                index += 3
            } else {
                name.append(byte)
                index += 1
            }
        }
        return String(decoding: name, as: UTF8.self)
    }
}
