internal import CSQLite

/// One connection to a SQLite database, owned by this object and closed in `deinit`.
///
/// Opened in WAL mode with `synchronous = NORMAL`: a commit is atomic and survives the process
/// being killed at any instruction (WAL replays or discards the last transaction on the next
/// open); only an operating-system crash may lose the latest commits, which for a cache costs
/// LLM calls, never correctness.
///
/// Not thread-safe: one connection per thread (SQLite is built serialized, but statements are
/// not meant to be shared); it is therefore not `Sendable`.
public final class SQLiteDatabase {
    let handle: OpaquePointer
    public let path: String

    /// Opens (creating) the database at `path`; `busyTimeoutMilliseconds` is how long a call
    /// waits for another process's write lock. `readOnly` opens an existing database without
    /// writing anything (no journal change); `wal` false keeps SQLite's rollback journal, which
    /// a read-only connection can read without the `-shm` file WAL needs.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000, readOnly: Bool = false, wal: Bool = true) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let text = db.flatMap { sqlite3_errmsg($0) }.flatMap { String(validatingCString: $0) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteError(code: code, message: text, path: path)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        guard !readOnly else { return }
        try execute(wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE")
        try execute("PRAGMA synchronous = NORMAL")
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        try SQLiteError.check(sqlite3_exec(handle, sql, nil, nil, nil), handle, path: path)
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE`: the write lock is taken up front, so
    /// two writers wait instead of failing half-way); rolled back if `body` throws.
    public func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// `PRAGMA integrity_check` says "ok".
    public func isIntact() throws(SQLiteError) -> Bool {
        let statement = try prepare("PRAGMA integrity_check")
        guard try statement.step() else { return false }
        return statement.text(0) == "ok"
    }
}
