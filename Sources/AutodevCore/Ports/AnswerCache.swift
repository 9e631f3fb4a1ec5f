/// An answer kept for reuse: the files a validated (or, with no validation configured,
/// accepted) answer wrote for one piece of work, and what the work was, for tier 4.
public struct CachedAnswer: Sendable, Equatable {
    /// The exact key (`ReuseKey.exact`): SHA-256 hex.
    public var key: String
    public var provider: String
    public var model: String
    /// Work kind, language and layout (`ReuseKey.gate`): tier 4 compares only within a gate.
    public var gate: String
    /// What the answer was for, so tier 4 can adapt it to another requirement.
    var subject: ReuseSubject
    /// Sorted distinct shingles of the subject's text (`Similarity.shingles`).
    public var shingles: [UInt32]
    public var files: [String: [UInt8]]
    /// This item's share of the call(s) that produced the answer.
    public var inputTokens: Int
    public var outputTokens: Int
    public var cost: Double
    public var createdAt: Int64
    public var lastUsedAt: Int64
    public var uses: Int

    init(key: String, provider: String, model: String, gate: String, subject: ReuseSubject, shingles: [UInt32],
                files: [String: [UInt8]], inputTokens: Int, outputTokens: Int, cost: Double, createdAt: Int64) {
        self.key = key
        self.provider = provider
        self.model = model
        self.gate = gate
        self.subject = subject
        self.shingles = shingles
        self.files = files
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cost = cost
        self.createdAt = createdAt
        lastUsedAt = createdAt
        uses = 0
    }
}

/// The identifiers of the requirement an answer was written for.
struct ReuseSubject: Sendable, Codable, Equatable {
    /// `FR-001`.
    public var key: String
    public var slug: String
    /// The spec folder (`specs/001-export`).
    public var folder: String
    /// The normalized words of title, text and criteria.
    public var words: [String]

    public init(key: String, slug: String, folder: String, words: [String]) {
        self.key = key
        self.slug = slug
        self.folder = folder
        self.words = words
    }
}

/// A similar earlier answer and how alike its question was.
public struct SimilarAnswer: Sendable, Equatable {
    public var answer: CachedAnswer
    /// Exact Jaccard similarity of the shingle sets.
    public var jaccard: Double
}

/// What the cache holds (`autodev cache stats`).
public struct AnswerCacheStats: Sendable, Codable, Equatable {
    public var entries: Int
    /// Bytes of answers and shingles (the size cap counts these).
    public var bytes: Int
    public var expired: Int
    public var oldest: Int64?
    public var newest: Int64?
    public var uses: Int
    public var path: String
    public var ttlHours: Int
    public var maxMegabytes: Int
}

/// What a prune removed.
public struct AnswerCachePrune: Sendable, Codable, Equatable {
    public var expired = 0
    /// Removed to get under the size cap, least recently (then least often) used first.
    public var evicted = 0
}

/// Tiers 3 and 4's store, owned by the core; SQLite behind it (`SQLiteAnswerCache`). Times
/// are passed in (from the run's clock), so TTL and eviction are tested without waiting.
public protocol AnswerCache: AnyObject {
    /// The answer stored under `key`, if it is younger than the TTL.
    func exact(_ key: String, now: Int64) throws(AutodevError) -> CachedAnswer?
    /// The most similar unexpired answer within `gate` at Jaccard ≥ `threshold`, other than
    /// `excluding` (a key), or nil.
    func similar(shingles: [UInt32], gate: String, threshold: Double, now: Int64, excluding: String?) throws(AutodevError) -> SimilarAnswer?
    /// Stores (or replaces) an answer, then evicts what is over the size cap.
    func store(_ answer: CachedAnswer) throws(AutodevError)
    /// Records a reuse (for eviction by use).
    func markUsed(_ key: String, now: Int64) throws(AutodevError)
    /// Drops an answer that proved wrong.
    func remove(_ key: String) throws(AutodevError)
    /// Removes expired answers, then the least used until under the size cap.
    func prune(now: Int64) throws(AutodevError) -> AnswerCachePrune
    func stats(now: Int64) throws(AutodevError) -> AnswerCacheStats
    /// Removes every answer; returns how many there were.
    func clear() throws(AutodevError) -> Int
}
