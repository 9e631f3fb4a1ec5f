import AutodevGit

/// The requirement content keys each spec file holds, kept between runs (`SpecCacheStore`), so that looking for copies of a new requirement
/// (`Explainer.copiesElsewhere`) costs what the range changed, not the size of the repository:
/// a spec the range did not touch is read and parsed only when its entry says it holds the
/// content key of a new requirement.
///
/// An entry is keyed by path and blob id. The blob id makes it content-addressed (an entry is
/// never stale: an edited file has another id); the path is part of the key because a file's
/// format, and so what of it counts as a requirement, follows from its path. Content keys are
/// kept as 64-bit FNV-1a hashes: a collision only makes a file read for nothing, never a copy
/// missed. An entry only ever lets a file be *skipped* when none of its keys is a new
/// requirement's; a file that holds one is read and decided exactly as without the index.
///
/// The entries are kept in `SpecCacheStore` (`.auto-dev/cache/specs.sqlite`), read by path as
/// the walk reaches a file and written only when made: a run costs the files it looks at and
/// the files it reads, not the size of the index. A missing, damaged or older store, or an entry
/// that does not read back, is a miss (the file is read and its entry made again): it is a
/// cache, never a reason to fail or to decide differently. An entry is replaced when its path's
/// blob changes, and deleted with the run that deletes (or renames away) its path (`removed`).
final class SpecIndex {
    /// At most this many entries made in one run (a first run reads every spec; a later one
    /// looks at no more than `Explainer.specIndexLimit` untouched ones), so a run's memory
    /// does not follow a range of a million specs.
    static let maximumEntries = 2 * Explainer.specIndexLimit

    struct Entry: Equatable {
        var blob: ObjectID
        var keys: [UInt64]
    }

    /// What a spec folder holds, kept by its path (ending in "/") so that the walk for copies
    /// (`Explainer.copiesElsewhere`) passes a folder none of whose specs holds a new
    /// requirement's content key with one lookup, not one per file: at tree `tree` under the
    /// classifier of fingerprint `classifier`, `count` files below it are specs (what the walk
    /// counts against `Explainer.specIndexLimit`), and `keys` are their entries' keys together
    /// (sorted, unique). Made only from a folder the walk saw whole, every spec in it with keys
    /// known (an entry found or made); a folder of fewer than two specs or of more than
    /// `maximumKeys` keys has none.
    struct Summary: Equatable {
        var tree: ObjectID
        var classifier: UInt64
        var count: Int
        var keys: [UInt64]

        static let maximumKeys = 4096
    }

    /// Where the index is kept (`SpecCacheStore`); nil: this run keeps no index (nothing
    /// read, nothing written).
    let path: String?
    /// Whether `save` may write (a preview such as `diff-events` reads it but writes nothing).
    let writable: Bool
    /// The store the entries and the listings are read from and written to.
    let store: SpecCacheStore?
    /// The listings of spec trees kept beside it, so that the walk to the spec files reads
    /// only the trees changed since the last run; nil with `path`.
    let trees: SpecTreeIndex?
    /// Spec paths the run's range deleted or renamed away: their entries are deleted in the
    /// transaction that writes the run's rows.
    var removed: [String] = []
    /// The entries made this run (to be written), by path.
    private var madeEntries: [String: Entry] = [:]
    /// The folder summaries made this run (to be written), by folder path, and their keys in
    /// all (at most `maximumEntries`: the memory of a run stays bounded).
    private var madeSummaries: [String: Summary] = [:]
    private var madeSummaryKeys = 0
    /// Set by the walk when it saw every spec file it could. Entries are kept by path and
    /// replaced when their blob changes, so the store no longer needs it to prune.
    var walked = false
    /// What this run did, for tests and profiles: entries found, entries made, files skipped
    /// through an entry.
    private(set) var found = 0
    private(set) var made = 0
    private(set) var skipped = 0
    /// Folders passed through their summary, and summaries made, this run.
    private(set) var foldersPassed = 0
    private(set) var summariesMade = 0

    /// The store of a state folder (`Workspace.stateRoot`).
    static func path(stateRoot: String) -> String { SpecCacheStore.path(stateRoot: stateRoot) }

    init(path: String?, writable: Bool) {
        self.path = path
        self.writable = writable
        let store = path.map { SpecCacheStore(path: $0, writable: writable) }
        self.store = store
        trees = store.map { SpecTreeIndex(store: $0) }
        if let path, writable {
            // The whole-file caches this store replaces.
            let folder = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? "."
            FileSystem.remove(folder + "/spec-index")
            FileSystem.remove(folder + "/spec-trees")
        }
    }

    /// Whether files read for this run's decisions should be parsed to make entries.
    var builds: Bool { path != nil && writable }

    /// The entry of `path` at `blob`, if the index has one (kept for the next run).
    func entry(path: String, blob: ObjectID) -> Entry? {
        guard let entry = madeEntries[path] ?? store?.entry(path: path), entry.blob == blob else { return nil }
        found += 1
        return entry
    }

    /// Records what `document` (read from `blob` at `path`) holds. Paths with a tab or a line
    /// break are not kept (the line format has no escapes): they are read every run.
    /// Returns the document's keys (`keys(of:)`).
    @discardableResult
    func record(path: String, blob: ObjectID, document: SpecDocument) -> [UInt64] {
        let keys = Self.keys(of: document)
        guard self.path != nil, madeEntries.count < Self.maximumEntries || madeEntries[path] != nil,
              !path.utf8.contains(9), !path.utf8.contains(10), !path.utf8.contains(13) else { return keys }
        madeEntries[path] = Entry(blob: blob, keys: keys)
        made += 1
        return keys
    }

    func noteSkipped(_ files: Int = 1) { skipped += files }

    /// The keys of the entry made this run for `path` at `blob` (a spec of the range), not
    /// counted as found.
    func madeKeys(path: String, blob: ObjectID) -> [UInt64]? {
        guard let entry = madeEntries[path], entry.blob == blob else { return nil }
        return entry.keys
    }

    /// The summary of the folder at `path` with tree `tree`, made under the classifier of
    /// fingerprint `classifier`, if the index keeps one.
    func summary(folder path: String, tree: ObjectID, classifier: UInt64) -> Summary? {
        guard let summary = madeSummaries[path] ?? store?.summary(folder: path), summary.tree == tree,
              summary.classifier == classifier else { return nil }
        return summary
    }

    /// Notes a folder passed through its summary.
    func noteSkipped(folder summary: Summary) {
        foldersPassed += 1
        skipped += summary.count
    }

    /// Keeps `summary` for the folder at `path` (see `Summary` for which are kept).
    func record(folder path: String, summary: Summary) {
        guard self.path != nil, summary.count >= 2, summary.keys.count <= Summary.maximumKeys,
              madeSummaryKeys + summary.keys.count <= Self.maximumEntries,
              !path.utf8.contains(9), !path.utf8.contains(10), !path.utf8.contains(13) else { return }
        madeSummaries[path] = summary
        madeSummaryKeys += summary.keys.count
        summariesMade += 1
    }

    /// The hashed content keys of a document's requirements (`Requirement.contentKey`; kind
    /// `.requirement`, non-empty), sorted and unique.
    static func keys(of document: SpecDocument) -> [UInt64] {
        var keys = Set<UInt64>()
        for requirement in document.requirements where requirement.kind == .requirement {
            let key = requirement.contentKey
            if !key.isEmpty { keys.insert(hash(key)) }
        }
        return keys.sorted()
    }

    /// FNV-1a, 64 bits: stable across processes and machines.
    static func hash(_ text: String) -> UInt64 {
        hash(text.utf8)
    }

    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// Writes the entries made this run and the tree listings (one transaction); a failure to
    /// write is not the run's (the next run rebuilds what is missing).
    func save() {
        guard path != nil, writable else { return }
        trees?.save(entries: madeEntries.map { ($0.key, $0.value) }, removed: removed.filter { madeEntries[$0] == nil },
                    summaries: madeSummaries.map { ($0.key, $0.value) },
                    removedFolders: Self.folders(above: removed).subtracting(madeSummaries.keys).sorted())
    }

    /// Every folder above `paths` ("specs/", "specs/001-x/" for "specs/001-x/spec.md"). The
    /// summaries of the folders above a spec path the range deleted or renamed away go with the
    /// run's rows: such a folder is gone, or its tree changed (its summary no longer matches),
    /// and kept by path its row stayed forever (one per spec folder the repository ever had).
    static func folders<Paths: Sequence<String>>(above paths: Paths) -> Set<String> {
        var folders = Set<String>()
        for path in paths {
            var folder = Substring(path)
            while let slash = folder.utf8.lastIndex(of: UInt8(ascii: "/")) {
                folder = folder[..<slash]
                guard folders.insert(String(folder) + "/").inserted else { break }
            }
        }
        return folders
    }
}
