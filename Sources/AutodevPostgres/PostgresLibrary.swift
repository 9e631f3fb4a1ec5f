internal import CLibpq

/// libpq, opened with dlopen on the first connection and kept for the life of the process (see
/// Sources/CLibpq/shim.h for why it is not linked).
final class PostgresLibrary: @unchecked Sendable {
    // @unchecked Sendable: the table behind `api` is written once in `init` (under swift_once,
    // through `shared`) and only read afterwards; it is never freed.

    /// The shared object autodev asks the loader for (Debian's libpq5, which libpq-dev needs).
    static let soname = "libpq.so.5"

    static let shared: Result<PostgresLibrary, PostgresError> = {
        do throws(PostgresError) { return .success(try PostgresLibrary()) } catch { return .failure(error) }
    }()

    let api: UnsafeMutablePointer<autodev_pq>

    private init() throws(PostgresError) {
        api = .allocate(capacity: 1)
        api.initialize(to: autodev_pq())
        if let failure = autodev_pq_load(api, Self.soname) {
            let detail = String(validatingCString: failure) ?? "unknown loader error"
            throw PostgresError(message: "\(Self.soname) could not be loaded (\(detail)): install Debian's libpq5 package (apt-get install libpq5)",
                                connectionLost: true)
        }
    }
}
