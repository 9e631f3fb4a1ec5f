/// A failed libpq call: what the server or the library said, and the SQLSTATE when there is one.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Five characters (`40001`), or nil when the failure was the connection's, not a statement's.
    public var sqlState: String?
    /// True when the connection is gone (server down, network cut): the caller falls back to
    /// its local store rather than retrying the statement.
    public var connectionLost: Bool

    public init(message: String, sqlState: String? = nil, connectionLost: Bool = false) {
        self.message = message
        self.sqlState = sqlState
        self.connectionLost = connectionLost
    }

    public var description: String { message + (sqlState.map { " (SQLSTATE \($0))" } ?? "") }

    /// A serialization failure or deadlock: the transaction may be run again.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
}
