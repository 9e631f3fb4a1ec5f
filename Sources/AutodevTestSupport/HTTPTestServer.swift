internal import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 for tests: an ephemeral port, plain POSIX sockets, an
/// accept thread and a thread per connection. Answers come from a script (in order) or a
/// handler; every request is recorded as it arrived (method, target, headers, body), so a test
/// can assert what was sent — and what was not. It serves as a proxy target too: a request in
/// absolute form (`POST http://host/path`) or a `CONNECT host:443` arrives like any other.
public final class HTTPTestServer: @unchecked Sendable {
    /// The `[[llm.providers]]` table the command-line tests configure: an OpenAI-compatible
    /// provider named "test" at this server, its key in `TEST_LLM_KEY`. Keys that vary
    /// (prices, edit format) follow it in the caller's TOML.
    public func providerTable() -> String {
        """
        [[llm.providers]]
        name = "test"
        kind = "openai"
        base_url = "\(baseURL)/v1"
        model = "test-model"
        api_key_env = "TEST_LLM_KEY"
        """
    }

    // @unchecked Sendable: `state` guards every mutable field; the listening socket and port
    // are set in `init` and only read afterwards.

    public struct Request: Sendable {
        public let method: String
        /// As sent: `/v1/chat/completions`, `http://host/v1/…` through a proxy, `host:443` for CONNECT.
        public let target: String
        /// Lower-cased names.
        public let headers: [String: String]
        public let body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The body parsed as a JSON object, when it is one.
        public func json() -> [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
        /// The whole request as received, headers and body, for "never sent X" assertions.
        public var raw: String {
            "\(method) \(target)\n" + headers.map { "\($0.key): \($0.value)" }.sorted().joined(separator: "\n") + "\n\n" + text
        }
    }

    public struct Response: Sendable {
        public enum Body: Sendable {
            case bytes([UInt8])
            /// `count` copies of `byte`, written in chunks (a large answer without holding it).
            case repeating(UInt8, count: Int)
        }

        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: Body
        /// Held until the gate opens or the client goes away (the test decides; no timers).
        public var hold: Gate?
        /// Close the connection without a byte of answer.
        public var closeWithoutAnswer = false
        /// Send the body with `Transfer-Encoding: chunked` (no Content-Length, so the client
        /// learns the size only as it reads).
        public var chunked = false

        public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: Body = .bytes([]), hold: Gate? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.hold = hold
        }

        /// A 200 with a JSON body.
        public static func json(_ text: String, headers: [(name: String, value: String)] = [], hold: Gate? = nil) -> Response {
            json(200, text, headers: headers, hold: hold)
        }

        public static func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = [], hold: Gate? = nil) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: .bytes(Array(text.utf8)), hold: hold)
        }

        public static func text(_ status: Int = 200, _ text: String, contentType: String = "text/plain",
                                headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", contentType)] + headers, body: .bytes(Array(text.utf8)))
        }

        public static var close: Response {
            var response = Response()
            response.closeWithoutAnswer = true
            return response
        }
    }

    /// Holds a response until `open()`; the connection thread also wakes when the client leaves.
    public final class Gate: @unchecked Sendable {
        // @unchecked Sendable: the pipe's descriptors are fixed at init; writing and polling
        // them is thread-safe.
        private var fds: [Int32] = [-1, -1]

        public init() {
            _ = fds.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
        }

        deinit {
            close(fds[0])
            close(fds[1])
        }

        public func open() {
            var byte: UInt8 = 1
            _ = write(fds[1], &byte, 1)
        }

        /// Waits for `open()` or for `client` to close; true if the client left.
        func wait(client: Int32) -> Bool {
            while true {
                var polls = [pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0), pollfd(fd: client, events: Int16(POLLIN), revents: 0)]
                let ready = poll(&polls, 2, -1)
                if ready < 0 { if errno == EINTR { continue }; return true }
                if polls[0].revents != 0 { return false }
                if polls[1].revents != 0 {
                    var byte: UInt8 = 0
                    let peeked = recv(client, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
                    if peeked <= 0 { return true }
                    // The client sent more (a pipelined request): keep holding.
                    _ = poll(&polls, 1, -1)
                    return false
                }
            }
        }
    }

    private struct State {
        var requests: [Request] = []
        var script: [Response]
        var clients: Set<Int32> = []
        var disconnectedWhileHeld = 0
        var stopped = false
    }

    public let port: Int
    private let listener: Int32
    private let handler: (@Sendable (Request) -> Response)?
    private let lock = NSCondition()
    private var state: State

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Answers with `responses` in order; past the end, 500 "no scripted response left".
    public convenience init(responses: [Response]) throws {
        try self.init(script: responses, handler: nil)
    }

    /// Answers every request with `handler`.
    public convenience init(handler: @escaping @Sendable (Request) -> Response) throws {
        try self.init(script: [], handler: handler)
    }

    private init(script: [Response], handler: (@Sendable (Request) -> Response)?) throws {
        self.handler = handler
        state = State(script: script)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw Self.failure("bind/listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting and drops every open connection (held responses included).
    public func stop() {
        lock.lock()
        let wasStopped = state.stopped
        state.stopped = true
        let clients = state.clients
        lock.unlock()
        if wasStopped { return }
        shutdown(listener, Int32(SHUT_RDWR))
        for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
    }

    /// Every request received so far, in order of arrival.
    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return state.requests
    }

    /// How many held responses ended because the client went away.
    public var disconnectedWhileHeld: Int {
        lock.lock()
        defer { lock.unlock() }
        return state.disconnectedWhileHeld
    }

    /// Blocks until `count` requests have arrived (no polling: woken by the connection thread),
    /// or `limitSeconds` passed as a guard against a test that would hang; false then.
    @discardableResult
    public func waitForRequests(_ count: Int, limitSeconds: Double = 30) -> Bool {
        waitUntil(limitSeconds: limitSeconds) { $0.requests.count >= count }
    }

    /// Blocks until `count` held responses ended because the client went away (a client that
    /// abandoned its call), or `limitSeconds` passed; false then.
    @discardableResult
    public func waitForDisconnectsWhileHeld(_ count: Int, limitSeconds: Double = 30) -> Bool {
        waitUntil(limitSeconds: limitSeconds) { $0.disconnectedWhileHeld >= count }
    }

    private func waitUntil(limitSeconds: Double, _ condition: (State) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: limitSeconds)
        lock.lock()
        defer { lock.unlock() }
        while !condition(state) {
            if !lock.wait(until: deadline) { return condition(state) }
        }
        return true
    }

    // MARK: serving

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                break
            }
            lock.lock()
            if state.stopped {
                lock.unlock()
                close(client)
                break
            }
            state.clients.insert(client)
            lock.unlock()
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
        close(listener)
    }

    private func serve(_ client: Int32) {
        defer {
            lock.lock()
            state.clients.remove(client)
            lock.unlock()
            close(client)
        }
        var buffer: [UInt8] = []
        while let request = readRequest(client, &buffer) {
            lock.lock()
            state.requests.append(request)
            let response: Response
            if let handler {
                lock.unlock()
                response = handler(request)
            } else {
                response = state.script.isEmpty ? .text(500, "no scripted response left") : state.script.removeFirst()
                lock.unlock()
            }
            lock.lock()
            lock.broadcast()
            lock.unlock()
            if let gate = response.hold, gate.wait(client: client) {
                lock.lock()
                state.disconnectedWhileHeld += 1
                lock.broadcast()
                lock.unlock()
                return
            }
            if response.closeWithoutAnswer { return }
            guard answer(response, on: client) else { return }
            if request.method == "CONNECT" || request.headers["connection"]?.lowercased() == "close" { return }
        }
    }

    /// One request from the connection, or nil when it closed or sent something unreadable.
    private func readRequest(_ client: Int32, _ buffer: inout [UInt8]) -> Request? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while true {
            if let found = Self.find(separator, in: buffer) { headEnd = found; break }
            guard receive(client, into: &buffer) else { return nil }
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + separator.count)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased().trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        if headers["expect"]?.lowercased() == "100-continue" {
            guard sendAll(client, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return nil }
        }
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let decoded = readChunked(client, &buffer) else { return nil }
            body = decoded
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length > 0 {
            while buffer.count < length { guard receive(client, into: &buffer) else { return nil } }
            body = Array(buffer[..<length])
            buffer.removeFirst(length)
        }
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private func readChunked(_ client: Int32, _ buffer: inout [UInt8]) -> [UInt8]? {
        var body: [UInt8] = []
        let crlf: [UInt8] = [13, 10]
        while true {
            var lineEnd = Self.find(crlf, in: buffer)
            while lineEnd == nil {
                guard receive(client, into: &buffer) else { return nil }
                lineEnd = Self.find(crlf, in: buffer)
            }
            guard let end = lineEnd, let size = Int(String(decoding: buffer[..<end], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { return nil }
            buffer.removeFirst(end + 2)
            while buffer.count < size + 2 { guard receive(client, into: &buffer) else { return nil } }
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }

    private func receive(_ client: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(client, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer += chunk[..<count]
            return true
        }
    }

    private func answer(_ response: Response, on client: Int32) -> Bool {
        let length: Int
        switch response.body {
        case .bytes(let bytes): length = bytes.count
        case .repeating(_, let count): length = count
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for header in response.headers { head += "\(header.name): \(header.value)\r\n" }
        head += response.chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: \(length)\r\n\r\n"
        guard sendAll(client, Array(head.utf8)) else { return false }
        let piece = { (bytes: [UInt8]) -> Bool in
            guard response.chunked else { return self.sendAll(client, bytes) }
            return self.sendAll(client, Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10])
        }
        switch response.body {
        case .bytes(let bytes):
            guard bytes.isEmpty || piece(bytes) else { return false }
        case .repeating(let byte, let count):
            let chunk = [UInt8](repeating: byte, count: 65_536)
            var left = count
            while left > 0 {
                let size = min(left, chunk.count)
                guard piece(Array(chunk[..<size])) else { return false }
                left -= size
            }
        }
        return !response.chunked || sendAll(client, Array("0\r\n\r\n".utf8))
    }

    private func sendAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 529: "Overloaded"
        default: "Status"
        }
    }

    private static func failure(_ call: String) -> NSError {
        NSError(domain: "HTTPTestServer", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "\(call) failed: \(String(cString: strerror(errno)))"])
    }
}
