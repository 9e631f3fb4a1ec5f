/// A request that got no HTTP response: the library, the network, a limit or a stop. The
/// message is libcurl's account of it (host and port, never headers or the body); providers
/// add their name and base URL.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// libcurl.so.4 is missing or unusable.
        case libraryUnavailable
        /// The request itself is unusable (a URL libcurl rejects, an option it refuses).
        case invalidRequest
        /// The host name (or the proxy's) did not resolve.
        case cannotResolve
        /// Nobody accepted the connection (refused, unreachable).
        case cannotConnect
        /// The connect timeout or the total timeout passed.
        case timedOut
        /// TLS failed: handshake, certificate verification against the system CA store.
        case tls
        /// The connection broke or closed before a whole response arrived.
        case connectionLost
        /// The response was larger than the request's `maxResponseBytes`.
        case tooLarge
        /// `stopRequested` returned non-zero; the transfer was abandoned.
        case stopped
        /// Any other libcurl failure.
        case failed
    }

    public var kind: Kind
    public var message: String
    /// The request (its headers at least) had been written to the server when the transfer
    /// failed, as libcurl's `CURLINFO_REQUEST_SIZE` says: the server may be working on it.
    public var requestSent: Bool

    public init(_ kind: Kind, _ message: String, requestSent: Bool = false) {
        self.kind = kind
        self.message = message
        self.requestSent = requestSent
    }

    public var description: String { message }
}
