internal import AutodevSQLite
import AutodevGit

/// Where the decision caches (`SpecIndex`'s entries by spec path, `SpecTreeIndex`'s listings by
/// tree id) are kept between runs: one SQLite database, `.auto-dev/cache/specs.sqlite`, read
/// and written by key. Until now each cache was a file read, parsed and written whole by every
/// run (23 % of a 30,000-event stress test's samples, and memory that grew with the
/// repository); a run now reads the rows its walk reaches and writes only the rows it made.
///
/// It is a cache, never a reason to fail or to decide differently:
/// - every row carries a checksum of its key and body; a row that does not read back is a
///   miss (the spec is parsed, the tree read from the repository) and is written again;
/// - a database that cannot be opened, is of another schema, or fails a query (damaged,
///   not a database) is deleted and made again by a run that writes, and ignored by a preview;
/// - all of a run's writes are one transaction (rollback journal, so a preview can read it
///   read-only without touching it): a process killed while saving leaves the run before.
///
/// Each written row carries the number of the run that wrote it (`run`; the tests read it:
/// a run writes what changed, not the repository).
final class SpecCacheStore {
    /// 2: the folder summaries (`folders`) were added.
    static let schemaVersion = 2

    let path: String
    let writable: Bool
    private var database: SQLiteDatabase?
    private var entryQuery: SQLiteStatement?
    private var listingQuery: SQLiteStatement?
    private var summaryQuery: SQLiteStatement?
    /// A query failed this run (the database is damaged): `save` makes the file again.
    private var failed = false
    /// Whether this run's read transaction is open. All lookups of a run share one: outside a
    /// transaction SQLite takes and drops its file lock and checks for a hot journal on every
    /// query (`fcntl` and `fstat`: 42 % of a 15,000-event stress test's samples were kernel).
    private var reading = false
    /// What the last `save` wrote and deleted (tests and profiles).
    private(set) var entriesWritten = 0
    private(set) var listingsWritten = 0
    private(set) var listingsDeleted = 0
    private(set) var entriesDeleted = 0
    private(set) var summariesWritten = 0
    private(set) var summariesDeleted = 0
    /// Rows of garbage allowed beyond twice the last compaction's before the next one.
    var compactionSlack: Int64 = 4096

    /// The store of a state folder (`Workspace.stateRoot`).
    static func path(stateRoot: String) -> String { stateRoot + "/cache/specs.sqlite" }

    init(path: String, writable: Bool) {
        self.path = path
        self.writable = writable
        if writable {
            let folder = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? "."
            try? FileSystem.makeDirectories(folder)
            database = Self.open(path, readOnly: false)
            if database == nil {
                // Damaged, or of another schema: made again.
                Self.remove(path)
                database = Self.open(path, readOnly: false)
            }
        } else if FileSystem.exists(path) {
            database = Self.open(path, readOnly: true)
        }
    }

    private static func open(_ path: String, readOnly: Bool) -> SQLiteDatabase? {
        do {
            let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 2000, readOnly: readOnly, wal: false)
            if !readOnly {
                try database.execute("""
                    CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS entries(path TEXT PRIMARY KEY, body BLOB NOT NULL, run INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS trees(id BLOB PRIMARY KEY, body BLOB NOT NULL, run INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS folders(path TEXT PRIMARY KEY, body BLOB NOT NULL, run INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT OR IGNORE INTO meta(name, value) VALUES ('schema', '\(schemaVersion)');
                    """)
            }
            let schema = try database.prepare("SELECT value FROM meta WHERE name = 'schema'")
            guard try schema.step(), schema.text(0) == String(schemaVersion) else { return nil }
            return database
        } catch {
            return nil
        }
    }

    private static func remove(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { FileSystem.remove(path + suffix) }
    }

    /// Whether the store can be read this run.
    var isOpen: Bool { database != nil && !failed }

    // MARK: Reading

    /// The entry kept for `path`, if one reads back.
    func entry(path: String) -> SpecIndex.Entry? {
        guard let body = lookUp(&entryQuery, "SELECT body FROM entries WHERE path = ?", .text(path)) else { return nil }
        return Self.decodeEntry(body, path: path)
    }

    /// The listing kept for tree `id`, if one reads back.
    func listing(_ id: ObjectID) -> SpecTreeIndex.Listing? {
        var key: [UInt8] = []
        id.appendRawBytes(to: &key)
        guard let body = lookUp(&listingQuery, "SELECT body FROM trees WHERE id = ?", .blob(key)) else { return nil }
        return Self.decodeListing(body, id: id)
    }

    /// The summary kept for the spec folder at `path` (ending in "/"), if one reads back.
    func summary(folder path: String) -> SpecIndex.Summary? {
        guard let body = lookUp(&summaryQuery, "SELECT body FROM folders WHERE path = ?", .text(path)) else { return nil }
        return Self.decodeSummary(body, path: path)
    }

    private func lookUp(_ statement: inout SQLiteStatement?, _ sql: String, _ key: SQLiteValue) -> [UInt8]? {
        guard let database, !failed else { return nil }
        do {
            if !reading {
                try database.execute("BEGIN")
                reading = true
            }
            if statement == nil { statement = try database.prepare(sql) }
            guard let query = statement else { return nil }
            query.reset()
            try query.bind([key])
            guard try query.step() else { return nil }
            let body = query.blob(0)
            query.reset()
            return body
        } catch {
            // Busy past the timeout (a preview beside a sync) is only a miss; anything else is damage.
            if !error.isBusy { failed = true }
            return nil
        }
    }

    // MARK: Writing

    /// Writes `entries` and `listings` in one transaction, and deletes the entries of `removed`
    /// (spec paths the run's range deleted or renamed away: without it their rows stayed
    /// forever, one per spec path the repository ever had) and the folder summaries of
    /// `removedFolders` (the folders above them, `SpecIndex.folders(above:)`). With `roots` (the trees this run
    /// walked), the listings no longer below them (the old roots, the old folders on changed
    /// paths) are deleted now and then (see the compaction below), so the store holds about the
    /// folders of the repository, not of its history. A failure leaves the store as it was (the next run reads
    /// the trees again); a store found damaged this run is deleted and made again from what
    /// this run made.
    func save(entries: [(String, SpecIndex.Entry)], listings: [(ObjectID, SpecTreeIndex.Listing)], roots: [ObjectID]?,
              removed: [String] = [], summaries: [(String, SpecIndex.Summary)] = [], removedFolders: [String] = []) {
        guard writable, database != nil else { return }
        entryQuery = nil
        listingQuery = nil
        summaryQuery = nil
        if reading {
            try? database?.execute("COMMIT")
            reading = false
        }
        if failed {
            // Found damaged while reading: made again, with what this run made.
            self.database = nil
            Self.remove(path)
            self.database = Self.open(path, readOnly: false)
            failed = false
        }
        guard let database, !entries.isEmpty || !listings.isEmpty || !removed.isEmpty || !summaries.isEmpty || !removedFolders.isEmpty
        else { return }
        var written = (0, 0, 0, 0)
        var summariesWritten = 0, summariesDeleted = 0
        do {
            try database.transaction { () throws(SQLiteError) in
                let counter = try database.prepare("SELECT value FROM meta WHERE name = 'runs'")
                var run: Int64 = 1
                if try counter.step() { run += Int64(counter.text(0) ?? "") ?? 0 }
                counter.reset()
                try database.prepare("INSERT OR REPLACE INTO meta(name, value) VALUES ('runs', ?)").run([.text(String(run))])
                let dropEntry = try database.prepare("DELETE FROM entries WHERE path = ?")
                for path in removed {
                    try dropEntry.run([.text(path)])
                    written.3 += database.changes
                }
                let dropSummary = try database.prepare("DELETE FROM folders WHERE path = ?")
                for path in removedFolders {
                    try dropSummary.run([.text(path)])
                    summariesDeleted += database.changes
                }
                let putEntry = try database.prepare("INSERT OR REPLACE INTO entries(path, body, run) VALUES (?, ?, ?)")
                for (path, entry) in entries {
                    try putEntry.run([.text(path), .blob(Self.encodeEntry(entry, path: path)), .integer(run)])
                    written.0 += 1
                }
                // A folder's summary is replaced when its tree changes (kept by path, like the
                // entries); one of a folder the range emptied or moved was deleted above.
                let putSummary = try database.prepare("INSERT OR REPLACE INTO folders(path, body, run) VALUES (?, ?, ?)")
                for (path, summary) in summaries {
                    try putSummary.run([.text(path), .blob(Self.encodeSummary(summary, path: path)), .integer(run)])
                    summariesWritten += 1
                }
                let putListing = try database.prepare("INSERT OR REPLACE INTO trees(id, body, run) VALUES (?, ?, ?)")
                for (id, listing) in listings {
                    var key: [UInt8] = []
                    id.appendRawBytes(to: &key)
                    try putListing.run([.blob(key), .blob(Self.encodeListing(listing, id: id)), .integer(run)])
                    written.1 += 1
                }
                guard let roots, !roots.isEmpty else { return }
                // Compaction: when the table has grown to twice what the last one kept (plus
                // `compactionSlack`), only the listings below this run's roots are kept. The
                // replaced ones (old roots, the old folders on changed paths) are a few a run,
                // so this is rare and its cost, one lookup per kept listing, is spread thin.
                let count = try database.prepare("SELECT count(*) FROM trees")
                let rows = try count.step() ? count.int(0) : 0
                count.reset()
                let kept = try database.prepare("SELECT value FROM meta WHERE name = 'kept'")
                let live = try kept.step() ? Int64(kept.text(0) ?? "") ?? 0 : 0
                kept.reset()
                guard rows > 2 * live + compactionSlack else { return }
                // The trees reached are marked in a temporary table, not a set in memory: a
                // repository of 1,000,000 spec folders kept 1,000,000 ids here (tens of MB at
                // each compaction, the stress test's peak growing with the repository); SQLite
                // keeps the table in its own bounded page cache.
                try database.execute("CREATE TEMP TABLE IF NOT EXISTS reached(id BLOB PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.reached")
                let mark = try database.prepare("INSERT OR IGNORE INTO temp.reached(id) VALUES (?)")
                let lookup = try database.prepare("SELECT body FROM trees WHERE id = ?")
                var pending = roots
                while let id = pending.popLast() {
                    var key: [UInt8] = []
                    id.appendRawBytes(to: &key)
                    try mark.run([.blob(key)])
                    guard database.changes > 0 else { continue }
                    lookup.reset()
                    try lookup.bind([.blob(key)])
                    guard try lookup.step(), let listing = Self.decodeListing(lookup.blob(0), id: id) else { continue }
                    pending.append(contentsOf: listing.folders.map(\.id))
                }
                lookup.reset()
                try database.prepare("DELETE FROM trees WHERE id NOT IN (SELECT id FROM temp.reached)").run()
                written.2 = database.changes
                try database.execute("DELETE FROM temp.reached")
                try database.prepare("INSERT OR REPLACE INTO meta(name, value) VALUES ('kept', ?)").run([.text(String(rows - Int64(written.2)))])
            }
            (entriesWritten, listingsWritten, listingsDeleted, entriesDeleted) = written
            self.summariesWritten = summariesWritten
            self.summariesDeleted = summariesDeleted
        } catch {
            if !error.isBusy {
                self.database = nil
                Self.remove(path)
            }
        }
    }

    // MARK: Rows

    /// An entry's body: the blob id (20 bytes), the keys (8 bytes each, little-endian), then the
    /// checksum of the path and all before it.
    static func encodeEntry(_ entry: SpecIndex.Entry, path: String) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(28 + 8 * entry.keys.count)
        entry.blob.appendRawBytes(to: &body)
        for key in entry.keys { appendWord(key, to: &body) }
        appendWord(checksum(Array(path.utf8), body[...]), to: &body)
        return body
    }

    static func decodeEntry(_ body: [UInt8], path: String) -> SpecIndex.Entry? {
        guard body.count >= 28, (body.count - 28) % 8 == 0,
              let sum = word(body, at: body.count - 8), sum == checksum(Array(path.utf8), body[..<(body.count - 8)]),
              let blob = ObjectID(rawBytes: body[0..<20]) else { return nil }
        var keys: [UInt64] = []
        var offset = 20
        while offset < body.count - 8 {
            guard let key = word(body, at: offset) else { return nil }
            keys.append(key)
            offset += 8
        }
        return SpecIndex.Entry(blob: blob, keys: keys)
    }

    /// A folder summary's body: the tree id (20 bytes), the classifier's fingerprint, the number
    /// of spec files and the keys (8 bytes each, little-endian), then the checksum of the path
    /// and all before it.
    static func encodeSummary(_ summary: SpecIndex.Summary, path: String) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(44 + 8 * summary.keys.count)
        summary.tree.appendRawBytes(to: &body)
        appendWord(summary.classifier, to: &body)
        appendWord(UInt64(summary.count), to: &body)
        for key in summary.keys { appendWord(key, to: &body) }
        appendWord(checksum(Array(path.utf8), body[...]), to: &body)
        return body
    }

    static func decodeSummary(_ body: [UInt8], path: String) -> SpecIndex.Summary? {
        guard body.count >= 44, (body.count - 44) % 8 == 0,
              let sum = word(body, at: body.count - 8), sum == checksum(Array(path.utf8), body[..<(body.count - 8)]),
              let tree = ObjectID(rawBytes: body[0..<20]), let classifier = word(body, at: 20), let count = word(body, at: 28),
              count <= UInt64(Int.max) else { return nil }
        var keys: [UInt64] = []
        keys.reserveCapacity((body.count - 44) / 8)
        var offset = 36
        while offset < body.count - 8 {
            guard let key = word(body, at: offset) else { return nil }
            keys.append(key)
            offset += 8
        }
        return SpecIndex.Summary(tree: tree, classifier: classifier, count: Int(count), keys: keys)
    }

    /// A listing's body: the Markdown flag (0 none below, 1 some, 2 not known yet), the number
    /// of files, then each entry (files, then folders) as mode (4 bytes), id (20), name length
    /// (4) and name, then the checksum of the tree id and all before it.
    static func encodeListing(_ listing: SpecTreeIndex.Listing, id: ObjectID) -> [UInt8] {
        var body: [UInt8] = [listing.markdown.map { $0 ? 1 : 0 } ?? 2]
        appendHalf(UInt32(listing.files.count), to: &body)
        for entry in listing.files + listing.folders {
            appendHalf(entry.mode, to: &body)
            entry.id.appendRawBytes(to: &body)
            appendHalf(UInt32(entry.name.utf8.count), to: &body)
            body.append(contentsOf: entry.name.utf8)
        }
        var key: [UInt8] = []
        id.appendRawBytes(to: &key)
        appendWord(checksum(key, body[...]), to: &body)
        return body
    }

    static func decodeListing(_ body: [UInt8], id: ObjectID) -> SpecTreeIndex.Listing? {
        guard body.count >= 13 else { return nil }
        var key: [UInt8] = []
        id.appendRawBytes(to: &key)
        let end = body.count - 8
        guard let sum = word(body, at: end), sum == checksum(key, body[..<end]), body[0] <= 2,
              let fileCount = half(body, at: 1) else { return nil }
        var listing = SpecTreeIndex.Listing(files: [], folders: [], markdown: body[0] == 2 ? nil : body[0] == 1)
        var offset = 5
        var index = 0
        while offset < end {
            guard offset + 28 <= end, let mode = half(body, at: offset), let entryID = ObjectID(rawBytes: body[(offset + 4)..<(offset + 24)]),
                  let length = half(body, at: offset + 24), length > 0, offset + 28 + Int(length) <= end else { return nil }
            let name = String(decoding: body[(offset + 28)..<(offset + 28 + Int(length))], as: UTF8.self)
            let entry = SpecTreeIndex.Entry(name: name, id: entryID, mode: mode)
            if index < fileCount {
                listing.files.append(entry)
            } else {
                guard FileMode(rawValue: mode).isTree else { return nil }
                listing.folders.append(entry)
            }
            index += 1
            offset += 28 + Int(length)
        }
        guard index >= fileCount, listing.markdown != false || listing.files.isEmpty else { return nil }
        return listing
    }

    private static func checksum(_ key: [UInt8], _ body: ArraySlice<UInt8>) -> UInt64 {
        SpecIndex.hash(key + [0] + body)
    }

    private static func appendWord(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func appendHalf(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private static func word(_ bytes: [UInt8], at offset: Int) -> UInt64? {
        guard offset >= 0, offset + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        return value
    }

    private static func half(_ bytes: [UInt8], at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << UInt32(8 * index) }
        return value
    }

    // MARK: For tests

    /// Every row, with the number of the run that wrote it (nil: no readable store).
    static func rows(path: String) -> (entries: [String: (SpecIndex.Entry?, Int64)], listings: [ObjectID: (SpecTreeIndex.Listing?, Int64)])? {
        guard FileSystem.exists(path), let database = try? SQLiteDatabase(path: path, readOnly: true, wal: false) else { return nil }
        var entries: [String: (SpecIndex.Entry?, Int64)] = [:]
        var listings: [ObjectID: (SpecTreeIndex.Listing?, Int64)] = [:]
        do {
            let a = try database.prepare("SELECT path, body, run FROM entries")
            while try a.step() {
                let path = a.text(0) ?? ""
                entries[path] = (decodeEntry(a.blob(1), path: path), a.int(2))
            }
            let b = try database.prepare("SELECT id, body, run FROM trees")
            while try b.step() {
                guard let id = ObjectID(rawBytes: b.blob(0)[...]) else { continue }
                listings[id] = (decodeListing(b.blob(1), id: id), b.int(2))
            }
        } catch {
            return nil
        }
        return (entries, listings)
    }

    /// Every folder summary that reads back, by folder path (nil: no readable store).
    static func summaries(path: String) -> [String: SpecIndex.Summary]? {
        guard FileSystem.exists(path), let database = try? SQLiteDatabase(path: path, readOnly: true, wal: false) else { return nil }
        var summaries: [String: SpecIndex.Summary] = [:]
        do {
            let query = try database.prepare("SELECT path, body FROM folders")
            while try query.step() {
                let path = query.text(0) ?? ""
                if let summary = decodeSummary(query.blob(1), path: path) { summaries[path] = summary }
            }
        } catch {
            return nil
        }
        return summaries
    }

    /// Runs `sql` on the store (tests damage rows with it).
    static func execute(path: String, _ sql: String) throws {
        try SQLiteDatabase(path: path, wal: false).execute(sql)
    }
}
