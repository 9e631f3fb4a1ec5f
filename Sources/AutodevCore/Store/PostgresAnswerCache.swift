internal import AutodevPostgres
internal import FoundationEssentials

/// Tiers 3 and 4's answers in the organisation's shared store (`autodev_answers`), so an answer
/// one repository's run paid for serves every repository pointing at the store. The same rows,
/// key, TTL, size cap and eviction as `SQLiteAnswerCache`; a reused answer is still judged by
/// the validation gate of the repository that reuses it (tiers 3 and 4 do that, not the cache).
///
/// In a sync (`tolerant`) a store that cannot be reached is a cache miss and a lost write, with
/// one warning: the cache only saves calls, and a run must not stop for it. `autodev cache`
/// reports the failure instead.
final class PostgresAnswerCache: AnswerCache {
    let store: PostgresStore
    public let ttlSeconds: Int64
    public let maxBytes: Int
    let tolerant: Bool
    /// Called with the first failure of a tolerant cache.
    var warn: (String) -> Void = { _ in }
    private var warned = false
    private var index: SimilarityIndex?
    private var indexRows: [Int64] = []

    public init(store: PostgresStore, ttlHours: Int, maxMegabytes: Int, tolerant: Bool) {
        self.store = store
        ttlSeconds = Int64(ttlHours) * 3600
        maxBytes = maxMegabytes * 1_048_576
        self.tolerant = tolerant
    }

    private func fresh(_ createdAt: Int64, now: Int64) -> Bool { ttlSeconds == 0 || now - createdAt < ttlSeconds }

    /// `body`'s result, or — tolerant, with the store down — `fallback` and a warning.
    private func guarded<T>(_ doing: String, fallback: T, _ body: (PostgresConnection) throws(PostgresError) -> T) throws(AutodevError) -> T {
        do {
            return try store.run(doing, body)
        } catch {
            guard tolerant else { throw AutodevError(.cacheFailure, error.message) }
            if !warned {
                warned = true
                warn("\(error.message); the answer cache is skipped for the rest of this run (it only saves calls)")
            }
            return fallback
        }
    }

    private static let columns = "key, provider, model, gate, subject, shingles, files, input_tokens, output_tokens, cost, created_at, last_used_at, uses"

    private func answer(_ row: [String?]) -> CachedAnswer? {
        guard row.count == 13, let key = row[0], let subjectText = row[4],
              let subject = try? JSONDecoder().decode(ReuseSubject.self, from: Data(subjectText.utf8)),
              let filesBytes = PostgresStore.bytes(row[6]), let files = SQLiteAnswerCache.decodeFiles(filesBytes),
              let shingles = PostgresStore.bytes(row[5]) else { return nil }
        func int(_ i: Int) -> Int64 { row[i].flatMap { Int64($0) } ?? 0 }
        var answer = CachedAnswer(key: key, provider: row[1] ?? "", model: row[2] ?? "", gate: row[3] ?? "", subject: subject,
                                  shingles: SQLiteAnswerCache.decodeWords(shingles), files: files, inputTokens: Int(int(7)),
                                  outputTokens: Int(int(8)), cost: row[9].flatMap(Double.init) ?? 0, createdAt: int(10))
        answer.lastUsedAt = int(11)
        answer.uses = Int(int(12))
        return answer
    }

    public func exact(_ key: String, now: Int64) throws(AutodevError) -> CachedAnswer? {
        let rows = try guarded("read an answer", fallback: []) { (db) throws(PostgresError) in
            try db.query("SELECT \(Self.columns) FROM autodev_answers WHERE key = $1", [key])
        }
        guard let row = rows.first, let found = answer(row), fresh(found.createdAt, now: now) else { return nil }
        return found
    }

    /// The in-memory LSH index over every stored answer's band keys (once per process).
    private func loadIndex() throws(AutodevError) {
        guard index == nil else { return }
        let rows = try guarded("read the answers' index", fallback: nil) { (db) throws(PostgresError) -> [[String?]]? in
            try db.query("SELECT id, gate, bands FROM autodev_answers ORDER BY id")
        }
        guard let rows else { return }
        var built = SimilarityIndex()
        var ids: [Int64] = []
        for row in rows {
            guard row.count == 3, let id = row[0].flatMap({ Int64($0) }), let bands = PostgresStore.bytes(row[2]) else { continue }
            let keys = SQLiteAnswerCache.decodeWords(bands)
            guard keys.count == Similarity.bands else { continue }
            _ = built.add(bandKeys: keys, gate: Similarity.fnv32(row[1] ?? ""), sealing: false)
            ids.append(id)
        }
        built.seal()
        index = built
        indexRows = ids
    }

    public func similar(shingles: [UInt32], gate: String, threshold: Double, now: Int64, excluding: String?) throws(AutodevError) -> SimilarAnswer? {
        guard !shingles.isEmpty else { return nil }
        try loadIndex()
        guard let index else { return nil }
        let keys = Similarity.bandKeys(Similarity.signature(shingles))
        let ids = index.candidates(bandKeys: keys, gate: Similarity.fnv32(gate)).map { String(indexRows[Int($0)]) }
        guard !ids.isEmpty else { return nil }
        let rows = try guarded("read answers", fallback: []) { (db) throws(PostgresError) in
            try db.query("SELECT \(Self.columns) FROM autodev_answers WHERE id = ANY($1::bigint[])", ["{" + ids.joined(separator: ",") + "}"])
        }
        var best: SimilarAnswer?
        for row in rows {
            guard let found = answer(row), found.gate == gate, found.key != excluding, fresh(found.createdAt, now: now) else { continue }
            let jaccard = Similarity.jaccard(shingles, found.shingles)
            if jaccard >= threshold, jaccard > (best?.jaccard ?? -1) { best = SimilarAnswer(answer: found, jaccard: jaccard) }
        }
        return best
    }

    public func store(_ answer: CachedAnswer) throws(AutodevError) {
        let subject = (try? JSONEncoder().encode(answer.subject)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let files = SQLiteAnswerCache.encodeFiles(answer.files)
        let shingles = SQLiteAnswerCache.encodeWords(answer.shingles)
        let keys = Similarity.bandKeys(Similarity.signature(answer.shingles))
        let bytes = files.count + shingles.count + subject.utf8.count
        let repository = store.settings.repository
        let id = try guarded("store an answer", fallback: nil) { (db) throws(PostgresError) -> Int64? in
            try db.query("""
                INSERT INTO autodev_answers(key, provider, model, gate, subject, shingles, bands, files, input_tokens, output_tokens, cost,
                                            created_at, last_used_at, uses, bytes, repository)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                ON CONFLICT (key) DO UPDATE SET provider = EXCLUDED.provider, model = EXCLUDED.model, gate = EXCLUDED.gate,
                    subject = EXCLUDED.subject, shingles = EXCLUDED.shingles, bands = EXCLUDED.bands, files = EXCLUDED.files,
                    input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens, cost = EXCLUDED.cost,
                    created_at = EXCLUDED.created_at, last_used_at = EXCLUDED.last_used_at, uses = EXCLUDED.uses,
                    bytes = EXCLUDED.bytes, repository = EXCLUDED.repository
                RETURNING id
                """, [answer.key, answer.provider, answer.model, answer.gate, subject, PostgresStore.hex(shingles),
                      PostgresStore.hex(SQLiteAnswerCache.encodeWords(keys)), PostgresStore.hex(files), String(answer.inputTokens),
                      String(answer.outputTokens), String(answer.cost), String(answer.createdAt), String(answer.lastUsedAt),
                      String(answer.uses), String(bytes), repository]).first?.first.flatMap { $0.flatMap { Int64($0) } }
        }
        if let id, index != nil {
            _ = index?.add(bandKeys: keys, gate: Similarity.fnv32(answer.gate))
            indexRows.append(id)
        }
        _ = try evictOverCap()
    }

    public func markUsed(_ key: String, now: Int64) throws(AutodevError) {
        try guarded("record a reuse", fallback: ()) { (db) throws(PostgresError) in
            try db.query("UPDATE autodev_answers SET uses = uses + 1, last_used_at = $1 WHERE key = $2", [String(now), key])
        }
    }

    public func remove(_ key: String) throws(AutodevError) {
        try guarded("drop an answer", fallback: ()) { (db) throws(PostgresError) in
            try db.query("DELETE FROM autodev_answers WHERE key = $1", [key])
        }
        index = nil
    }

    /// Deletes the least recently (then least often) used answers until within the cap.
    private func evictOverCap() throws(AutodevError) -> Int {
        guard maxBytes > 0 else { return 0 }
        let evicted = try guarded("be pruned", fallback: 0) { (db) throws(PostgresError) -> Int in
            try db.query("""
                WITH ranked AS (SELECT id, SUM(bytes) OVER (ORDER BY last_used_at DESC, uses DESC, id DESC) AS running FROM autodev_answers)
                DELETE FROM autodev_answers WHERE id IN (SELECT id FROM ranked WHERE running > $1) RETURNING id
                """, [String(maxBytes)]).count
        }
        if evicted > 0 { index = nil }
        return evicted
    }

    public func prune(now: Int64) throws(AutodevError) -> AnswerCachePrune {
        var result = AnswerCachePrune()
        if ttlSeconds > 0 {
            result.expired = try guarded("be pruned", fallback: 0) { (db) throws(PostgresError) -> Int in
                try db.query("DELETE FROM autodev_answers WHERE created_at <= $1 RETURNING id", [String(now - ttlSeconds)]).count
            }
        }
        result.evicted = try evictOverCap()
        if result.expired + result.evicted > 0 { index = nil }
        return result
    }

    public func stats(now: Int64) throws(AutodevError) -> AnswerCacheStats {
        let row = try guarded("be read", fallback: []) { (db) throws(PostgresError) -> [String?] in
            try db.query("""
                SELECT COUNT(*), COALESCE(SUM(bytes), 0), MIN(created_at), MAX(created_at), COALESCE(SUM(uses), 0),
                       COUNT(*) FILTER (WHERE $1::bigint > 0 AND created_at <= $2::bigint) FROM autodev_answers
                """, [String(ttlSeconds), String(now - ttlSeconds)]).first ?? []
        }
        func int(_ i: Int) -> Int64? { i < row.count ? row[i].flatMap { Int64($0) } : nil }
        return AnswerCacheStats(entries: Int(int(0) ?? 0), bytes: Int(int(1) ?? 0), expired: Int(int(5) ?? 0), oldest: int(2), newest: int(3),
                                uses: Int(int(4) ?? 0), path: store.displayName, ttlHours: Int(ttlSeconds / 3600), maxMegabytes: maxBytes / 1_048_576)
    }

    public func clear() throws(AutodevError) -> Int {
        index = nil
        return try guarded("be cleared", fallback: 0) { (db) throws(PostgresError) -> Int in
            try db.query("DELETE FROM autodev_answers RETURNING id").count
        }
    }
}
