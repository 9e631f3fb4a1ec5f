internal import AutodevPostgres
internal import FoundationEssentials

/// The organisation's shared store on PostgreSQL (`[store] url`): the spending ledger of every
/// repository (`autodev_charges`), each provider's breaker, limiter window and Retry-After
/// deadline (`autodev_providers`), and tiers 3 and 4's answers (`autodev_answers`, read by
/// `PostgresAnswerCache`).
///
/// A reservation is one transaction that first locks the one row of `autodev_budget_lock`
/// (`SELECT … FOR UPDATE`): runners racing for the last dollar take turns, each sums what was
/// spent with every earlier reservation in view, so no two of them pass a cap together.
///
/// The connection is opened on first use, so a sync that makes no call never connects.
final class PostgresStore: SharedStore {
    public static let schemaVersion = 1
    let settings: StoreSettings
    private let password: String?
    private var connection: PostgresConnection?
    /// Called inside a reservation's transaction once the spending is summed, before the
    /// budgets are checked (the race tests pause every runner there).
    var whileReserving: () -> Void = {}

    public init(settings: StoreSettings, password: String?) {
        self.settings = settings
        self.password = password
    }

    public var displayName: String { settings.displayName }

    /// The connection, opened and the schema made on first use (again after a lost one).
    func connected() throws(AutodevError) -> PostgresConnection {
        if let connection, connection.isOpen { return connection }
        connection = nil
        do {
            let opened = try PostgresConnection(url: settings.url, password: password, connectTimeoutSeconds: settings.connectTimeoutSeconds)
            try opened.execute(Self.schema)
            connection = opened
            return opened
        } catch {
            throw failure(error, doing: "be reached")
        }
    }

    /// Idempotent; the advisory lock keeps runners that start together from racing to create
    /// the same table (PostgreSQL's CREATE … IF NOT EXISTS is not safe against that).
    static let schema = """
        BEGIN;
        SELECT pg_advisory_xact_lock(727356001);
        CREATE TABLE IF NOT EXISTS autodev_meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO autodev_meta(name, value) VALUES ('schema', '\(schemaVersion)') ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS autodev_budget_lock(scope TEXT PRIMARY KEY);
        INSERT INTO autodev_budget_lock(scope) VALUES ('organisation') ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS autodev_charges(
            repository TEXT NOT NULL, id TEXT NOT NULL, run TEXT, provider TEXT NOT NULL, at BIGINT NOT NULL,
            cost DOUBLE PRECISION NOT NULL CHECK (cost >= 0), tokens BIGINT NOT NULL CHECK (tokens >= 0),
            settled BOOLEAN NOT NULL DEFAULT FALSE, outcome TEXT, work TEXT, PRIMARY KEY (repository, id));
        CREATE INDEX IF NOT EXISTS autodev_charges_at ON autodev_charges(at);
        CREATE TABLE IF NOT EXISTS autodev_providers(provider TEXT PRIMARY KEY, limiter TEXT, breaker TEXT, not_before BIGINT);
        CREATE TABLE IF NOT EXISTS autodev_answers(
            id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, model TEXT NOT NULL, gate TEXT NOT NULL,
            subject TEXT NOT NULL, shingles BYTEA NOT NULL, bands BYTEA NOT NULL, files BYTEA NOT NULL,
            input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, cost DOUBLE PRECISION NOT NULL,
            created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL, uses BIGINT NOT NULL, bytes BIGINT NOT NULL, repository TEXT);
        CREATE INDEX IF NOT EXISTS autodev_answers_use ON autodev_answers(last_used_at, uses);
        COMMIT;
        """

    func failure(_ error: PostgresError, doing: String) -> AutodevError {
        AutodevError(.ioFailure, "the shared store \(displayName) could not \(doing): \(error.description)")
    }

    /// Runs `body` on the connection; a lost connection is forgotten so the next use reconnects.
    func run<T>(_ doing: String, _ body: (PostgresConnection) throws(PostgresError) -> T) throws(AutodevError) -> T {
        let connection = try connected()
        do { return try body(connection) } catch {
            if error.connectionLost { self.connection = nil }
            throw failure(error, doing: doing)
        }
    }

    // MARK: The ledger

    public func reserve(_ line: SpendLedger.Line, repositoryBudget: Budget, organisationBudget: Budget, now: Int64) throws(AutodevError) -> Budget.Refusal? {
        let repository = settings.repository
        return try run("record a reservation") { (db) throws(PostgresError) -> Budget.Refusal? in
            try db.transaction { () throws(PostgresError) -> Budget.Refusal? in
                try db.query("SELECT scope FROM autodev_budget_lock WHERE scope = 'organisation' FOR UPDATE")
                let spent = try Self.sums(db, repository: repository, now: now, run: line.run)
                self.whileReserving()
                let cost = line.cost.isFinite ? max(0, line.cost) : 0, tokens = max(0, line.tokens)
                if let refusal = repositoryBudget.refusal(spent: spent.repository, cost: cost, tokens: tokens, now: now) {
                    return Budget.Refusal(reason: refusal.reason + " for repository \(repository) in the shared store", resumesAt: refusal.resumesAt)
                }
                if let refusal = organisationBudget.refusal(spent: spent.organisation, cost: cost, tokens: tokens, now: now) {
                    return Budget.Refusal(reason: "the organisation's " + refusal.reason + " (store.org_max_cost_per_day / _per_month, every repository in \(self.displayName))",
                                          resumesAt: refusal.resumesAt)
                }
                try db.query("""
                    INSERT INTO autodev_charges(repository, id, run, provider, at, cost, tokens, work)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
                    """, [repository, line.id, line.run, line.provider, String(line.at), String(cost), String(tokens),
                          line.work?.joined(separator: " ")])
                return nil
            }
        }
    }

    public func settle(_ line: SpendLedger.Line) throws(AutodevError) {
        guard line.cost.isFinite, line.cost >= 0, line.tokens >= 0 else { return }
        try run("record a settlement") { (db) throws(PostgresError) in
            try db.query("UPDATE autodev_charges SET cost = $3, tokens = $4, settled = TRUE, outcome = $5 WHERE repository = $1 AND id = $2 AND NOT settled",
                         [settings.repository, line.id, String(line.cost), String(line.tokens), line.outcome])
        }
    }

    public func replay(_ entries: [SpendLedger.Entry]) throws(AutodevError) {
        guard !entries.isEmpty else { return }
        try run("record the charges made while it was down") { (db) throws(PostgresError) in
            try db.transaction { () throws(PostgresError) in
                for entry in entries {
                    try db.query("""
                        INSERT INTO autodev_charges(repository, id, run, provider, at, cost, tokens, settled, outcome)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        ON CONFLICT (repository, id) DO UPDATE SET cost = EXCLUDED.cost, tokens = EXCLUDED.tokens, settled = TRUE, outcome = EXCLUDED.outcome
                        WHERE NOT autodev_charges.settled AND EXCLUDED.settled
                        """, [settings.repository, entry.id, entry.run, entry.provider, String(entry.at), String(max(0, entry.cost)),
                              String(max(0, entry.tokens)), entry.settled ? "true" : "false", entry.outcome])
                }
            }
        }
    }

    public func spent(now: Int64, run: String?) throws(AutodevError) -> (repository: Budget.Spent, organisation: Budget.Spent) {
        let repository = settings.repository
        return try self.run("be read") { (db) throws(PostgresError) in try Self.sums(db, repository: repository, now: now, run: run) }
    }

    /// One scan of the month's charges: this repository's day, tokens, month and run, and
    /// everyone's day and month. A reservation never settled stays charged at its upper bound.
    static func sums(_ db: PostgresConnection, repository: String, now: Int64, run: String?) throws(PostgresError) -> (repository: Budget.Spent, organisation: Budget.Spent) {
        let day = UTCCalendar.startOfDay(now), month = UTCCalendar.startOfMonth(now)
        let rows = try db.query("""
            SELECT COALESCE(SUM(cost) FILTER (WHERE repository = $1 AND at >= $2), 0),
                   COALESCE(SUM(tokens) FILTER (WHERE repository = $1 AND at >= $2), 0),
                   COALESCE(SUM(cost) FILTER (WHERE repository = $1), 0),
                   COALESCE(SUM(cost) FILTER (WHERE repository = $1 AND run = $4), 0),
                   COALESCE(SUM(cost) FILTER (WHERE at >= $2), 0),
                   COALESCE(SUM(tokens) FILTER (WHERE at >= $2), 0),
                   COALESCE(SUM(cost), 0)
            FROM autodev_charges WHERE at >= $3
            """, [repository, String(day), String(month), run])
        let row = rows.first ?? []
        func number(_ index: Int) -> Double { index < row.count ? row[index].flatMap(Double.init) ?? 0 : 0 }
        return (Budget.Spent(run: number(3), day: number(0), month: number(2), dayTokens: Int(number(1))),
                Budget.Spent(run: number(3), day: number(4), month: number(6), dayTokens: Int(number(5))))
    }

    // MARK: Breakers, limiter windows, deadlines

    public func merge(into state: inout ResilienceState, nowMilliseconds: Int64) throws(AutodevError) {
        let rows = try run("be read") { (db) throws(PostgresError) in
            try db.query("SELECT provider, limiter, breaker, not_before FROM autodev_providers")
        }
        let decoder = JSONDecoder()
        for row in rows {
            guard row.count == 4, let provider = row[0] else { continue }
            if let text = row[1], let shared = try? decoder.decode(RateLimiter.self, from: Data(text.utf8)) {
                state.limiters[provider] = Self.merged(shared, state.limiters[provider], nowMilliseconds: nowMilliseconds)
            }
            if let text = row[2], let breaker = try? decoder.decode(CircuitBreaker.self, from: Data(text.utf8)) {
                state.breakers[provider] = breaker
            }
            if let until = row[3].flatMap({ Int64($0) }) {
                state.notBefore = (state.notBefore ?? [:]).merging([provider: until]) { max($0, $1) }
            }
        }
    }

    public func save(_ state: ResilienceState, nowMilliseconds: Int64) throws(AutodevError) {
        let providers = Set(state.limiters.keys).union(state.breakers.keys).union((state.notBefore ?? [:]).keys).sorted()
        guard !providers.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let decoder = JSONDecoder()
        try run("record breakers and limits") { (db) throws(PostgresError) in
            try db.transaction { () throws(PostgresError) in
                for provider in providers {
                    try db.query("INSERT INTO autodev_providers(provider) VALUES ($1) ON CONFLICT DO NOTHING", [provider])
                    let row = try db.query("SELECT limiter, not_before FROM autodev_providers WHERE provider = $1 FOR UPDATE", [provider]).first ?? []
                    var limiter = state.limiters[provider]
                    if let text = row.first ?? nil, let shared = try? decoder.decode(RateLimiter.self, from: Data(text.utf8)) {
                        limiter = Self.merged(shared, limiter, nowMilliseconds: nowMilliseconds)
                    }
                    let notBefore = [state.notBefore?[provider], row.count > 1 ? row[1].flatMap { Int64($0) } : nil].compactMap { $0 }.max()
                    let limiterText = limiter.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
                    let breakerText = state.breakers[provider].flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
                    try db.query("""
                        UPDATE autodev_providers SET limiter = COALESCE($2, limiter), breaker = COALESCE($3, breaker), not_before = $4
                        WHERE provider = $1
                        """, [provider, limiterText, breakerText, notBefore.map { String($0) }])
                }
            }
        }
    }

    /// `shared`'s window with `local`'s calls it lacks (local's charge wins for a call both
    /// hold: it may be reconciled with the provider's usage); calls out of the window dropped.
    static func merged(_ shared: RateLimiter, _ local: RateLimiter?, nowMilliseconds: Int64) -> RateLimiter {
        var result = shared
        if let local {
            let localByID = Dictionary(local.charges.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            result.charges = shared.charges.map { localByID[$0.id] ?? $0 }
            let known = Set(shared.charges.map(\.id))
            result.charges += local.charges.filter { !known.contains($0.id) }
            result.charges.sort { $0.at < $1.at }
            result.requestsPerMinute = local.requestsPerMinute
            result.tokensPerMinute = local.tokensPerMinute
            for (mine, theirs) in [(local.serverRequests, shared.serverRequests)] where (mine?.resetsAt ?? 0) > (theirs?.resetsAt ?? 0) {
                result.serverRequests = mine
            }
            if (local.serverTokens?.resetsAt ?? 0) > (shared.serverTokens?.resetsAt ?? 0) {
                result.serverTokens = local.serverTokens
                result.serverTokenLimit = local.serverTokenLimit ?? shared.serverTokenLimit
            }
        }
        result.charges.removeAll { $0.at <= nowMilliseconds - RateLimiter.window }
        return result
    }

    // MARK: bytea

    /// `\x0a1b…`: bytea's text input.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// bytea's text output (`\x…`, the default bytea_output); nil for anything else.
    static func bytes(_ text: String?) -> [UInt8]? {
        guard let text else { return nil }
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
