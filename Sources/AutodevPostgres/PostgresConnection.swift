internal import CLibpq
#if canImport(Glibc)
import Glibc
#endif

/// One connection to a PostgreSQL server through libpq, with text parameters and text results
/// (bytea travels as `\x…` hex). Owns its `PGconn` and closes it in `deinit`.
///
/// Not thread-safe: one caller at a time (autodev's guards and tiers use it from the run's
/// thread, sequentially), as libpq's own rule for a connection is.
public final class PostgresConnection {
    private let library: PostgresLibrary
    private let handle: OpaquePointer

    /// Connects to `url` (`postgresql://user@host:port/db`); `password`, when given, is passed
    /// beside it (never inside it), and libpq reads PGPASSWORD and ~/.pgpass otherwise.
    public init(url: String, password: String?, connectTimeoutSeconds: Int, applicationName: String = "autodev") throws(PostgresError) {
        let library: PostgresLibrary
        switch PostgresLibrary.shared {
        case .success(let loaded): library = loaded
        case .failure(let error): throw error
        }
        self.library = library
        var pairs: [(String, String)] = [("dbname", url), ("connect_timeout", String(max(1, connectTimeoutSeconds))),
                                         ("application_name", applicationName),
                                         // The server's notices ("already exists, skipping") would go to stderr.
                                         ("options", "-c client_min_messages=error")]
        if let password { pairs.append(("password", password)) }
        let keywords = pairs.map { strdup($0.0) } + [nil]
        let values = pairs.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                library.api.pointee.connectdbParams!(k.baseAddress, v.baseAddress, 1)
            }
        }
        guard let connection else { throw PostgresError(message: "libpq could not allocate a connection", connectionLost: true) }
        handle = connection
        if library.api.pointee.status!(handle) != CONNECTION_OK {
            let message = Self.trimmed(library.api.pointee.errorMessage!(handle))
            // No PQfinish here: every property is set, so deinit runs and frees the handle.
            throw PostgresError(message: message.isEmpty ? "cannot connect" : message, connectionLost: true)
        }
    }

    deinit { library.api.pointee.finish!(handle) }

    /// Whether the connection still works as far as libpq knows (it learns of a lost server on
    /// the next statement).
    public var isOpen: Bool { library.api.pointee.status!(handle) == CONNECTION_OK }

    /// Runs one or more statements without parameters (schema set-up); results are discarded.
    public func execute(_ sql: String) throws(PostgresError) {
        let result = library.api.pointee.exec!(handle, sql)
        defer { library.api.pointee.clear!(result) }
        try check(result)
    }

    /// Runs one statement with `$1…` parameters (nil is NULL) and returns its rows as text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            library.api.pointee.execParams!(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
        }
        defer { library.api.pointee.clear!(result) }
        try check(result)
        let api = library.api.pointee
        let rows = Int(api.ntuples!(result)), fields = Int(api.nfields!(result))
        var out: [[String?]] = []
        out.reserveCapacity(rows)
        for row in 0..<rows {
            var values: [String?] = []
            for field in 0..<fields {
                if api.getisnull!(result, Int32(row), Int32(field)) != 0 { values.append(nil); continue }
                values.append(api.getvalue!(result, Int32(row), Int32(field)).flatMap { String(validatingCString: $0) })
            }
            out.append(values)
        }
        return out
    }

    /// Runs `body` in a transaction at `isolation` (`READ COMMITTED`, `SERIALIZABLE`), committing
    /// when it returns and rolling back when it throws; a serialization failure or deadlock runs
    /// it again, up to `attempts` times.
    public func transaction<T>(isolation: String = "READ COMMITTED", attempts: Int = 5,
                               _ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try execute("BEGIN ISOLATION LEVEL \(isolation)")
                let value = try body()
                try execute("COMMIT")
                return value
            } catch {
                if !error.connectionLost { try? execute("ROLLBACK") }
                guard error.isRetryable, attempt < attempts else { throw error }
            }
        }
    }

    private func check(_ result: OpaquePointer?) throws(PostgresError) {
        let api = library.api.pointee
        guard let result else {
            throw PostgresError(message: Self.trimmed(api.errorMessage!(handle)), connectionLost: api.status!(handle) != CONNECTION_OK)
        }
        let status = api.resultStatus!(result)
        guard status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY else { return }
        let state = api.resultErrorField!(result, autodev_pq_diag_sqlstate()).flatMap { String(validatingCString: $0) }
        var message = Self.trimmed(api.resultErrorMessage!(result))
        if message.isEmpty { message = Self.trimmed(api.errorMessage!(handle)) }
        // Class 08 is a connection exception; a lost server also leaves the connection bad.
        let lost = api.status!(handle) != CONNECTION_OK || state?.hasPrefix("08") == true || state?.hasPrefix("57P") == true
        throw PostgresError(message: message.isEmpty ? "statement failed" : message, sqlState: state, connectionLost: lost)
    }

    private static func trimmed(_ text: UnsafeMutablePointer<CChar>?) -> String {
        guard let text, let string = String(validatingCString: text) else { return "" }
        // libpq's messages span lines ("…\n\tIs the server running…"): one line for a note.
        return string.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == " " }).joined(separator: " ")
    }
}
