import AutodevGit

/// The Markdown files of the trees seen by earlier runs, kept by tree id (`SpecCacheStore`), so
/// that listing the spec files of a commit (`Explainer.copiesElsewhere`,
/// `Explainer.linkIndex`) reads only the trees that changed since the last run, not every
/// tree of the repository: a folder whose id is kept is not read again.
///
/// A listing holds what `Repository.files(inTree:under:)` would take from one tree object:
/// its Markdown files (by name, `SpecDocument.isMarkdown`, so the same for every path the tree
/// is found at) with their ids and modes, and every subfolder with its id, each in the tree's
/// own order; and whether a Markdown file is anywhere below it (when known). Keyed by tree id,
/// a listing is never stale; the walk (`forEachMarkdownFile`) visits them in the order of that
/// method's walk, so the files come out in the same order as the whole walk's Markdown files.
///
/// Listings are looked up one at a time as the walk reaches them (a walk cut short by
/// `Explainer.specIndexLimit` reads no further), a tree not kept is read from the repository
/// then, and `save` writes only the listings read or learned this run. Listings no longer below
/// the walked trees (old roots) are deleted when they have become as many as the kept ones
/// (`SpecCacheStore.save`), so the store holds about the folders of the repository, not of its
/// history.
final class SpecTreeIndex {
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
        /// Whether a Markdown file is in this tree or below it; nil: not known yet (a folder
        /// with subfolders read before they were; the walk goes in, as it would without it).
        var markdown: Bool?
    }

    /// Where the listings are kept; nil: in memory for this run only.
    let store: SpecCacheStore?
    /// The listings this run's walks reached, read from the repository, or from the store
    /// without a Markdown flag (`save` may learn it from their subfolders').
    private var known: [ObjectID: Listing] = [:]
    /// The Markdown flag of the other listings read from the store: all `save` needs of them.
    /// A walk of `Explainer.specIndexLimit` spec files held every listing it passed (its peak
    /// grew with the repository up to that limit: about 180 bytes a folder); a second walk of
    /// the run looks them up in the store again.
    private var flags: [ObjectID: Bool] = [:]
    /// The listings to write: read from the repository, or whose Markdown flag this run learned.
    private var changed = Set<ObjectID>()
    /// Trees walked this run.
    private var roots: [ObjectID] = []
    /// Tree objects read from the repository this run (the tests count them: they follow what
    /// changed since the last run, not the size of the repository).
    private(set) var treesRead = 0

    init(store: SpecCacheStore?) {
        self.store = store
    }

    /// Calls `body` with the path and side of every Markdown file of `tree`, in the order of
    /// `Repository.files(inTree: tree, under: "")`, until it returns false. Throws (before any
    /// call) when `tree` itself could not be read; a folder below it that cannot be read (a
    /// damaged repository) ends the walk there.
    func forEachMarkdownFile(in tree: ObjectID, repository: Repository, _ body: (String, FileSide) -> Bool) throws {
        try forEachMarkdownFile(in: tree, repository: repository, enter: nil, leave: nil, body)
    }

    /// What the walk does with a folder it reaches (`enter`): go in, pass it, or stop.
    enum FolderStep { case enter, pass, stop }

    /// As above; with `enter`, each folder below `tree` that may hold Markdown is offered (its
    /// path, ending in "/", and its tree id) before its files: `.pass` leaves it out (none of its files is
    /// given to `body`), `.stop` ends the walk. `leave` is called with a folder entered once
    /// all of it was walked (not when the walk ended inside it).
    func forEachMarkdownFile(in tree: ObjectID, repository: Repository, enter: ((String, ObjectID) -> FolderStep)?,
                             leave: ((String, ObjectID) -> Void)?, _ body: (String, FileSide) -> Bool) throws {
        let root = try listing(tree, repository)
        if !roots.contains(tree) { roots.append(tree) }
        guard root.markdown != false else { return }
        // The walk of `Repository.files(inTree:under:)`: a folder's files in order, then its
        // subfolders, the last one first, each walked whole before the one before it. A frame
        // per open folder (not every subfolder pushed at once: a folder of 100,000 features
        // would put 100,000 paths on the stack).
        for file in root.files {
            guard body(file.name, FileSide(id: file.id, mode: FileMode(rawValue: file.mode))) else { return }
        }
        var frames: [(listing: Listing, base: String, id: ObjectID, next: Int)] = [(root, "", tree, root.folders.count - 1)]
        while let top = frames.indices.last {
            let index = frames[top].next
            guard index >= 0 else {
                let done = frames.removeLast()
                if top > 0 { leave?(done.base, done.id) }
                continue
            }
            frames[top].next -= 1
            let folder = frames[top].listing.folders[index]
            guard let listing = try? listing(folder.id, repository) else { return }
            guard listing.markdown != false else { continue }
            let base = frames[top].base + folder.name + "/"
            if let enter {
                switch enter(base, folder.id) {
                case .enter: break
                case .pass: continue
                case .stop: return
                }
            }
            for file in listing.files {
                guard body(base + file.name, FileSide(id: file.id, mode: FileMode(rawValue: file.mode))) else { return }
            }
            if listing.folders.isEmpty {
                leave?(base, folder.id)
            } else {
                frames.append((listing, base, folder.id, listing.folders.count - 1))
            }
        }
    }

    /// The listing of tree `id`: from this run's, the store's, or read from the repository.
    private func listing(_ id: ObjectID, _ repository: Repository) throws -> Listing {
        if let listing = known[id] { return listing }
        if let listing = store?.listing(id) {
            if let flag = listing.markdown { flags[id] = flag } else { known[id] = listing }
            return listing
        }
        treesRead += 1
        var listing = Listing(files: [], folders: [], markdown: nil)
        for entry in try repository.entries(ofTree: id) {
            let name = String(decoding: entry.name, as: UTF8.self)
            if entry.side.mode.isTree {
                listing.folders.append(Entry(name: name, id: entry.side.id, mode: entry.side.mode.rawValue))
            } else if SpecDocument.isMarkdown(name) {
                listing.files.append(Entry(name: name, id: entry.side.id, mode: entry.side.mode.rawValue))
            }
        }
        if !listing.files.isEmpty {
            listing.markdown = true
        } else if listing.folders.isEmpty {
            listing.markdown = false
        }
        known[id] = listing
        changed.insert(id)
        return listing
    }

    /// Whether a Markdown file is below `id`, from the listings this run knows (nil: a folder
    /// below was not reached).
    private func markdown(_ id: ObjectID, _ memo: inout [ObjectID: Bool?]) -> Bool? {
        if let cached = memo[id] { return cached }
        if let flag = flags[id] { return flag }
        guard let listing = known[id] else { return nil }
        if let flag = listing.markdown { return flag }
        var result: Bool? = false
        for folder in listing.folders {
            switch markdown(folder.id, &memo) {
            case true?: result = true
            case nil: if result == false { result = nil }
            case false?: break
            }
            if result == true { break }
        }
        memo[id] = result
        return result
    }

    /// Writes `entries` (`SpecIndex`'s), the listings read or learned this run, and which
    /// listings this run's walks reached (one transaction); a failure to write is not the
    /// run's (the next run reads the trees again).
    func save(entries: [(String, SpecIndex.Entry)] = [], removed: [String] = [], summaries: [(String, SpecIndex.Summary)] = [],
              removedFolders: [String] = []) {
        guard let store, store.writable else { return }
        guard !known.isEmpty || !flags.isEmpty else {
            store.save(entries: entries, listings: [], roots: nil, removed: removed, summaries: summaries, removedFolders: removedFolders)
            return
        }
        var memo: [ObjectID: Bool?] = [:]
        for (id, listing) in known where listing.markdown == nil {
            if let flag = markdown(id, &memo) {
                known[id]?.markdown = flag
                changed.insert(id)
            }
        }
        store.save(entries: entries, listings: changed.map { ($0, known[$0]!) }, roots: roots, removed: removed, summaries: summaries,
                   removedFolders: removedFolders)
    }
}
