internal import CSQLite

/// A prepared statement, owned by this object and finalized in `deinit`. It keeps its
/// database alive. Parameters are numbered from 1, columns from 0, as in SQLite.
public final class SQLiteStatement {
    let handle: OpaquePointer
    let database: SQLiteDatabase

    init(database: SQLiteDatabase, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        try SQLiteError.check(sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil), database.handle, path: database.path)
        guard let statement else { throw SQLiteError(code: SQLITE_MISUSE, message: "empty statement: \(sql)", path: database.path) }
        handle = statement
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears the bindings and rewinds, for the next use.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ index: Int32, _ value: Double) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    public func bind(_ index: Int32, _ value: String?) throws(SQLiteError) {
        guard let value else { return try check(sqlite3_bind_null(handle, index)) }
        try check(sqlite3_bind_text(handle, index, value, -1, autodev_sqlite_transient()))
    }

    public func bind(_ index: Int32, blob value: [UInt8]) throws(SQLiteError) {
        try check(value.withUnsafeBytes { raw in
            // A zero-length blob still needs a non-null pointer to be a blob, not NULL.
            sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), autodev_sqlite_transient())
        })
    }

    /// Binds each value in order from parameter 1.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .integer(let v): try bind(index, v)
            case .real(let v): try bind(index, v)
            case .text(let v): try bind(index, v)
            case .blob(let v): try bind(index, blob: v)
            case .null: try bind(index, nil as String?)
            }
        }
    }

    /// Steps once: true when a row is ready, false when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        try check(code)
        return false
    }

    /// Runs a statement that returns no rows, then resets it.
    public func run(_ values: [SQLiteValue] = []) throws(SQLiteError) {
        reset()
        try bind(values)
        _ = try step()
        reset()
    }

    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private func check(_ code: Int32) throws(SQLiteError) {
        try SQLiteError.check(code, database.handle, path: database.path)
    }
}

/// A value to bind.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}
