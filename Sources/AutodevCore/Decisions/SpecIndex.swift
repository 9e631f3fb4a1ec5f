import AutodevGit

/// The requirement content keys each spec file holds, kept between runs in
/// `.auto-dev/cache/spec-index`, so that looking for copies of a new requirement
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
/// The file: a header line `autodev-spec-index <version> <entries> <checksum of the rest>`,
/// then one line per entry, `<blob id> <key>,<key>,…\t<path>`. A missing file, one of another
/// version, or one whose checksum or lines do not read back is ignored (the index is rebuilt
/// as files are read): it is a cache, never a reason to fail or to decide differently. It holds
/// only the spec files seen in the last run that looked (at most `Explainer.specIndexLimit`
/// plus the range's own), so it is pruned of blobs no longer in the tree as it is written.
final class SpecIndex {
    static let version = 1
    static let header = "autodev-spec-index"
    /// At most this many entries (a first run reads every spec; a later one looks at no more
    /// than `Explainer.specIndexLimit` untouched ones).
    static let maximumEntries = 2 * Explainer.specIndexLimit

    struct Entry: Equatable {
        var blob: ObjectID
        var keys: [UInt64]
    }

    /// Where the index is kept; nil: this run keeps no index (nothing read, nothing written).
    let path: String?
    /// Whether `save` may write (a preview such as `diff-events` reads it but writes nothing).
    let writable: Bool
    /// The listings of spec trees kept beside it (`.auto-dev/cache/spec-trees`), so that the
    /// walk to the spec files reads only the trees changed since the last run; nil with `path`.
    let trees: SpecTreeIndex?
    /// The entries read from the file, by path.
    private var loaded: [String: Entry] = [:]
    /// The entries of this run: those looked up and found, and those made from files read.
    private var next: [String: Entry] = [:]
    /// Whether this run walked every spec file it could (then `next` replaces the file whole;
    /// otherwise it is laid over what was loaded).
    var walked = false
    /// What this run did, for tests and profiles: entries found, entries made, files skipped
    /// through an entry.
    private(set) var found = 0
    private(set) var made = 0
    private(set) var skipped = 0

    /// The index of a state folder (`Workspace.stateRoot`).
    static func path(stateRoot: String) -> String { stateRoot + "/cache/spec-index" }

    init(path: String?, writable: Bool) {
        self.path = path
        self.writable = writable
        trees = path.map { path in
            let folder = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? "."
            return SpecTreeIndex(path: folder + "/spec-trees", writable: writable)
        }
        if let path, let bytes = try? FileSystem.readIfPresent(path) {
            loaded = Self.decode(bytes) ?? [:]
        }
    }

    /// Whether files read for this run's decisions should be parsed to make entries.
    var builds: Bool { path != nil && writable }

    /// The entry of `path` at `blob`, if the index has one (kept for the next run).
    func entry(path: String, blob: ObjectID) -> Entry? {
        guard let entry = next[path] ?? loaded[path], entry.blob == blob else { return nil }
        next[path] = entry
        found += 1
        return entry
    }

    /// Records what `document` (read from `blob` at `path`) holds. Paths with a tab or a line
    /// break are not kept (the line format has no escapes): they are read every run.
    /// Returns the document's keys (`keys(of:)`).
    @discardableResult
    func record(path: String, blob: ObjectID, document: SpecDocument) -> [UInt64] {
        let keys = Self.keys(of: document)
        guard self.path != nil, next.count < Self.maximumEntries || next[path] != nil,
              !path.utf8.contains(9), !path.utf8.contains(10), !path.utf8.contains(13) else { return keys }
        next[path] = Entry(blob: blob, keys: keys)
        made += 1
        return keys
    }

    func noteSkipped() { skipped += 1 }

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

    /// Writes the index when this run changed it; a failure to write is not the run's (the
    /// next run rebuilds what is missing).
    func save() {
        guard let path, writable else { return }
        trees?.save()
        var entries = next
        if !walked {
            guard made > 0 else { return }
            entries = loaded.merging(next) { _, new in new }
            if entries.count > Self.maximumEntries { entries = next }
        }
        guard entries != loaded else { return }
        try? FileSystem.writeAtomically(path, Self.encode(entries))
    }

    // MARK: The file

    static func encode(_ entries: [String: Entry]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(entries.count * 96)
        for (path, entry) in entries.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            body.append(contentsOf: entry.blob.hex.utf8)
            body.append(0x20)
            for (position, key) in entry.keys.enumerated() {
                if position > 0 { body.append(0x2C) }
                CacheFileFrame.appendHex(key, to: &body)
            }
            body.append(0x09)
            body.append(contentsOf: path.utf8)
            body.append(0x0A)
        }
        return CacheFileFrame.encode(name: header, version: version, entries: entries.count, body: body)
    }

    /// The entries of an index file; nil when it is not one of this version, or damaged.
    static func decode(_ bytes: [UInt8]) -> [String: Entry]? {
        guard let (count, body) = CacheFileFrame.decode(bytes, name: header, version: version) else { return nil }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(count)
        for line in body.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            guard line.count > 42, let space = line.firstIndex(of: 0x20), let tab = line.firstIndex(of: 0x09), space < tab,
                  let blob = ObjectID(hex: String(decoding: line[line.startIndex..<space], as: UTF8.self)) else { return nil }
            var keys: [UInt64] = []
            let list = line[(space + 1)..<tab]
            if !list.isEmpty {
                for part in list.split(separator: 0x2C, omittingEmptySubsequences: false) {
                    guard let key = UInt64(String(decoding: part, as: UTF8.self), radix: 16) else { return nil }
                    keys.append(key)
                }
            }
            let path = String(decoding: line[(tab + 1)...], as: UTF8.self)
            guard !path.isEmpty, entries.updateValue(Entry(blob: blob, keys: keys), forKey: path) == nil else { return nil }
        }
        guard entries.count == count else { return nil }
        return entries
    }
}
