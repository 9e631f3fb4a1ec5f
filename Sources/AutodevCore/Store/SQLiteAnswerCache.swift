internal import AutodevSQLite
internal import FoundationEssentials

/// The answer cache in `.auto-dev/cache/answers.sqlite` (WAL): one row per answer, with its
/// files, its shingles and its 16 LSH band keys. Tier 4's index is built in memory from the
/// band keys on the first similarity lookup of a process (`SimilarityIndex`); candidates are
/// verified against the shingles stored in the row.
///
/// Every write is one transaction, so a process killed while writing leaves the store as it
/// was before that write or after it.
public final class SQLiteAnswerCache: AnswerCache {
    public static let schemaVersion = 1
    private let database: SQLiteDatabase
    public let path: String
    public let ttlSeconds: Int64
    public let maxBytes: Int
    /// Called inside a store's transaction, before it commits (the crash tests kill there).
    var beforeCommit: () -> Void = {}
    private var index: SimilarityIndex?
    private var indexRows: [Int64] = []
    /// The stored bytes, summed once per process and then kept up to date (one sync at a time
    /// writes the cache: the run lock), so a store does not scan the table.
    private var storedBytes: Int?

    /// `.auto-dev/cache/answers.sqlite`.
    public static func path(stateRoot: String) -> String { stateRoot + "/cache/answers.sqlite" }

    /// Opens (creating) the cache at `path`. `ttlHours` 0 keeps answers forever; `maxMegabytes`
    /// 0 sets no cap.
    public init(path: String, ttlHours: Int, maxMegabytes: Int) throws(AutodevError) {
        self.path = path
        ttlSeconds = Int64(ttlHours) * 3600
        maxBytes = maxMegabytes * 1_048_576
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !folder.isEmpty { try FileSystem.makeDirectories(folder) }
        do {
            database = try SQLiteDatabase(path: path)
            try database.execute("""
                CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS answers(
                    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, model TEXT NOT NULL,
                    gate TEXT NOT NULL, subject TEXT NOT NULL, shingles BLOB NOT NULL, bands BLOB NOT NULL, files BLOB NOT NULL,
                    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cost REAL NOT NULL,
                    created_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL, uses INTEGER NOT NULL, bytes INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS answers_use ON answers(last_used_at, uses);
                INSERT OR IGNORE INTO meta(name, value) VALUES ('schema', '\(Self.schemaVersion)');
                """)
        } catch {
            throw Self.failure(error, path: path, doing: "open")
        }
    }

    static func failure(_ error: SQLiteError, path: String, doing: String) -> AutodevError {
        AutodevError(.cacheFailure, "the answer cache \(path) could not \(doing): \(error.message). It only saves LLM calls: delete it (autodev cache clear, or rm \(path)*) and it is rebuilt")
    }

    private func run<T>(_ doing: String, _ body: () throws(SQLiteError) -> T) throws(AutodevError) -> T {
        do { return try body() } catch { throw Self.failure(error, path: path, doing: doing) }
    }

    private func fresh(_ createdAt: Int64, now: Int64) -> Bool { ttlSeconds == 0 || now - createdAt < ttlSeconds }

    private static let columns = "key, provider, model, gate, subject, shingles, files, input_tokens, output_tokens, cost, created_at, last_used_at, uses"

    private func answer(_ row: SQLiteStatement) -> CachedAnswer? {
        guard let key = row.text(0), let subjectText = row.text(4),
              let subject = try? JSONDecoder().decode(ReuseSubject.self, from: Data(subjectText.utf8)),
              let files = Self.decodeFiles(row.blob(6)) else { return nil }
        var answer = CachedAnswer(key: key, provider: row.text(1) ?? "", model: row.text(2) ?? "", gate: row.text(3) ?? "",
                                  subject: subject, shingles: Self.decodeWords(row.blob(5)), files: files,
                                  inputTokens: Int(row.int(7)), outputTokens: Int(row.int(8)), cost: row.double(9), createdAt: row.int(10))
        answer.lastUsedAt = row.int(11)
        answer.uses = Int(row.int(12))
        return answer
    }

    public func exact(_ key: String, now: Int64) throws(AutodevError) -> CachedAnswer? {
        try run("be read") { () throws(SQLiteError) -> CachedAnswer? in
            let statement = try database.prepare("SELECT \(Self.columns) FROM answers WHERE key = ?")
            try statement.bind(1, key)
            guard try statement.step(), let found = answer(statement), fresh(found.createdAt, now: now) else { return nil }
            return found
        }
    }

    /// Builds the in-memory index from the stored band keys (once per process).
    func loadIndex() throws(AutodevError) {
        guard index == nil else { return }
        var built = SimilarityIndex()
        var rows: [Int64] = []
        try run("be read") { () throws(SQLiteError) in
            let statement = try database.prepare("SELECT id, gate, bands FROM answers ORDER BY id")
            while try statement.step() {
                let keys = Self.decodeWords(statement.blob(2))
                guard keys.count == Similarity.bands else { continue }
                _ = built.add(bandKeys: keys, gate: Similarity.fnv32(statement.text(1) ?? ""), sealing: false)
                rows.append(statement.int(0))
            }
        }
        built.seal()
        index = built
        indexRows = rows
    }

    public func similar(shingles: [UInt32], gate: String, threshold: Double, now: Int64, excluding: String?) throws(AutodevError) -> SimilarAnswer? {
        guard !shingles.isEmpty else { return nil }
        try loadIndex()
        guard let index else { return nil }
        let keys = Similarity.bandKeys(Similarity.signature(shingles))
        var best: SimilarAnswer?
        try run("be read") { () throws(SQLiteError) in
            let statement = try database.prepare("SELECT \(Self.columns) FROM answers WHERE id = ?")
            for entry in index.candidates(bandKeys: keys, gate: Similarity.fnv32(gate)) {
                statement.reset()
                try statement.bind(1, indexRows[Int(entry)])
                guard try statement.step(), let found = answer(statement), found.gate == gate, found.key != excluding,
                      fresh(found.createdAt, now: now) else { continue }
                let jaccard = Similarity.jaccard(shingles, found.shingles)
                if jaccard >= threshold, jaccard > (best?.jaccard ?? -1) { best = SimilarAnswer(answer: found, jaccard: jaccard) }
            }
        }
        return best
    }

    public func store(_ answer: CachedAnswer) throws(AutodevError) {
        let subject = (try? JSONEncoder().encode(answer.subject)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let files = Self.encodeFiles(answer.files)
        let shingles = Self.encodeWords(answer.shingles)
        let keys = Similarity.bandKeys(Similarity.signature(answer.shingles))
        let bytes = files.count + shingles.count + subject.utf8.count
        let replaced = try run("be read") { () throws(SQLiteError) -> Bool in
            let statement = try database.prepare("SELECT 1 FROM answers WHERE key = ?")
            try statement.bind(1, answer.key)
            return try statement.step()
        }
        let id = try run("be written") { () throws(SQLiteError) -> Int64 in
            try database.transaction { () throws(SQLiteError) -> Int64 in
                let statement = try database.prepare("""
                    INSERT OR REPLACE INTO answers(key, provider, model, gate, subject, shingles, bands, files, input_tokens, output_tokens,
                                                   cost, created_at, last_used_at, uses, bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                try statement.bind([.text(answer.key), .text(answer.provider), .text(answer.model), .text(answer.gate), .text(subject),
                                    .blob(shingles), .blob(Self.encodeWords(keys)), .blob(files), .integer(Int64(answer.inputTokens)),
                                    .integer(Int64(answer.outputTokens)), .real(answer.cost), .integer(answer.createdAt),
                                    .integer(answer.lastUsedAt), .integer(Int64(answer.uses)), .integer(Int64(bytes))])
                _ = try statement.step()
                beforeCommit()
                return database.lastInsertRowID
            }
        }
        if index != nil {
            _ = index?.add(bandKeys: keys, gate: Similarity.fnv32(answer.gate))
            indexRows.append(id)
        }
        storedBytes = replaced ? nil : storedBytes.map { $0 + bytes }
        _ = try evictOverCap()
    }

    public func markUsed(_ key: String, now: Int64) throws(AutodevError) {
        try run("be written") { () throws(SQLiteError) in
            try database.prepare("UPDATE answers SET uses = uses + 1, last_used_at = ? WHERE key = ?").run([.integer(now), .text(key)])
        }
    }

    public func remove(_ key: String) throws(AutodevError) {
        try run("be written") { () throws(SQLiteError) in
            try database.prepare("DELETE FROM answers WHERE key = ?").run([.text(key)])
        }
        storedBytes = nil
        index = nil
    }

    /// Deletes the least recently used answers (fewest uses first among equals) until the
    /// stored bytes are within the cap.
    private func evictOverCap() throws(AutodevError) -> Int {
        guard maxBytes > 0 else { return 0 }
        return try run("be pruned") { () throws(SQLiteError) -> Int in
            if storedBytes == nil {
                let total = try database.prepare("SELECT COALESCE(SUM(bytes), 0) FROM answers")
                _ = try total.step()
                storedBytes = Int(total.int(0))
            }
            var over = (storedBytes ?? 0) - maxBytes
            guard over > 0 else { return 0 }
            var victims: [Int64] = []
            let oldest = try database.prepare("SELECT id, bytes FROM answers ORDER BY last_used_at, uses, id")
            while over > 0, try oldest.step() {
                victims.append(oldest.int(0))
                over -= Int(oldest.int(1))
                storedBytes = (storedBytes ?? 0) - Int(oldest.int(1))
            }
            try database.transaction { () throws(SQLiteError) in
                let delete = try database.prepare("DELETE FROM answers WHERE id = ?")
                for victim in victims { try delete.run([.integer(victim)]) }
            }
            if !victims.isEmpty { index = nil }  // rebuilt on the next similarity lookup
            return victims.count
        }
    }

    public func prune(now: Int64) throws(AutodevError) -> AnswerCachePrune {
        var result = AnswerCachePrune()
        if ttlSeconds > 0 {
            result.expired = try run("be pruned") { () throws(SQLiteError) -> Int in
                try database.prepare("DELETE FROM answers WHERE created_at <= ?").run([.integer(now - ttlSeconds)])
                return database.changes
            }
        }
        result.evicted = try evictOverCap()
        if result.expired > 0 { storedBytes = nil }
        if result.expired + result.evicted > 0 { index = nil }
        return result
    }

    public func stats(now: Int64) throws(AutodevError) -> AnswerCacheStats {
        try run("be read") { () throws(SQLiteError) -> AnswerCacheStats in
            let statement = try database.prepare("""
                SELECT COUNT(*), COALESCE(SUM(bytes), 0), MIN(created_at), MAX(created_at), COALESCE(SUM(uses), 0),
                       COALESCE(SUM(CASE WHEN ? > 0 AND created_at <= ? THEN 1 ELSE 0 END), 0) FROM answers
                """)
            try statement.bind([.integer(ttlSeconds), .integer(now - ttlSeconds)])
            _ = try statement.step()
            return AnswerCacheStats(entries: Int(statement.int(0)), bytes: Int(statement.int(1)), expired: Int(statement.int(5)),
                                    oldest: statement.isNull(2) ? nil : statement.int(2), newest: statement.isNull(3) ? nil : statement.int(3),
                                    uses: Int(statement.int(4)), path: path, ttlHours: Int(ttlSeconds / 3600), maxMegabytes: maxBytes / 1_048_576)
        }
    }

    public func clear() throws(AutodevError) -> Int {
        index = nil
        storedBytes = nil
        return try run("be cleared") { () throws(SQLiteError) -> Int in
            try database.prepare("DELETE FROM answers").run()
            let count = database.changes
            try database.execute("VACUUM")
            return count
        }
    }

    /// `PRAGMA integrity_check` says ok.
    public func isIntact() throws(AutodevError) -> Bool {
        try run("be checked") { () throws(SQLiteError) -> Bool in try database.isIntact() }
    }

    // MARK: Encoding

    static func encodeWords(_ values: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 4)
        for value in values { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    static func decodeWords(_ bytes: [UInt8]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(bytes.count / 4)
        var at = 0
        while at + 4 <= bytes.count {
            let b0 = UInt32(bytes[at]), b1 = UInt32(bytes[at + 1]), b2 = UInt32(bytes[at + 2]), b3 = UInt32(bytes[at + 3])
            out.append(b0 | (b1 << 8) | (b2 << 16) | (b3 << 24))
            at += 4
        }
        return out
    }

    /// Path length, path, content length, content — 4-byte little-endian lengths, paths sorted.
    static func encodeFiles(_ files: [String: [UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            out += encodeWords([UInt32(path.utf8.count)]) + Array(path.utf8) + encodeWords([UInt32(content.count)]) + content
        }
        return out
    }

    static func decodeFiles(_ bytes: [UInt8]) -> [String: [UInt8]]? {
        var files: [String: [UInt8]] = [:]
        var at = 0
        func length() -> Int? {
            guard at + 4 <= bytes.count else { return nil }
            defer { at += 4 }
            return Int(decodeWords(Array(bytes[at..<(at + 4)]))[0])
        }
        while at < bytes.count {
            guard let pathLength = length(), at + pathLength <= bytes.count else { return nil }
            let path = String(decoding: bytes[at..<(at + pathLength)], as: UTF8.self)
            at += pathLength
            guard let contentLength = length(), at + contentLength <= bytes.count else { return nil }
            files[path] = Array(bytes[at..<(at + contentLength)])
            at += contentLength
        }
        return files
    }
}
