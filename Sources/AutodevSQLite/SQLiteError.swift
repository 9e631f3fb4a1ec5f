internal import CSQLite

/// A failed SQLite call: the result code and SQLite's message, with the database it was about.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var path: String

    public var description: String { "\(path): \(message) (SQLite \(code))" }

    /// True for a database another process holds locked for longer than the busy timeout.
    public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }

    /// Turns a result code into a thrown error, reading the connection's message at once (it
    /// belongs to the last call on that connection).
    static func check(_ code: Int32, _ handle: OpaquePointer?, path: String) throws(SQLiteError) {
        guard code != SQLITE_OK && code != SQLITE_ROW && code != SQLITE_DONE else { return }
        let text = handle.flatMap { sqlite3_errmsg($0) }.flatMap { String(validatingCString: $0) } ?? "error \(code)"
        throw SQLiteError(code: code, message: text, path: path)
    }
}
