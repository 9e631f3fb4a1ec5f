/// One HTTP POST, with the limits it runs under.
public struct HTTPRequest: Sendable {
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var url: String
    public var headers: [Header]
    public var body: [UInt8]
    /// Time to establish the connection (TCP and TLS, through a proxy if any).
    public var connectTimeoutMilliseconds: Int
    /// Time for the whole exchange, connecting included.
    public var timeoutMilliseconds: Int
    /// A larger response is abandoned as it arrives and reported as `.tooLarge`.
    public var maxResponseBytes: Int
    /// Where proxies come from: the run's environment, not the process's (`ProxySettings`).
    public var environment: [String: String]

    /// 4 MiB: far above any answer of 64k output tokens (about 256 KB of text, doubled by JSON
    /// escaping), far below what would hurt if a server sent garbage.
    public static let defaultMaxResponseBytes = 4 << 20

    public init(url: String, headers: [Header] = [], body: [UInt8], connectTimeoutMilliseconds: Int = 10_000,
                timeoutMilliseconds: Int = 300_000, maxResponseBytes: Int = defaultMaxResponseBytes,
                environment: [String: String] = [:]) {
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxResponseBytes = maxResponseBytes
        self.environment = environment
    }
}

/// What the server answered, whatever the status.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Lower-cased names; a repeated header's values joined with ", ".
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
