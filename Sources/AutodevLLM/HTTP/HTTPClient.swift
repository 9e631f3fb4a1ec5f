public import AutodevCore
internal import CCurl
#if canImport(Glibc)
internal import Glibc
#endif

/// A synchronous HTTP client over one libcurl easy handle, driven through a multi handle so a
/// stop request is seen within 100 ms (libcurl's own progress callback may wait a second).
///
/// Owns both handles and frees them in `deinit`. Not Sendable: one call at a time, from one
/// thread; providers make one client per call. TLS is verified against the system CA store
/// (libcurl's default); proxies come from the request's environment (`ProxySettings`).
public final class HTTPClient {
    private let library: CurlLibrary
    private let easy: UnsafeMutableRawPointer
    private let multi: UnsafeMutableRawPointer
    /// libcurl writes the detail of a failure here (CURLOPT_ERRORBUFFER).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// How often the transfer loop looks at `stopRequested` while nothing arrives.
    static let pollMilliseconds: Int32 = 100

    public init() throws(HTTPError) {
        library = try CurlLibrary.shared.get()
        guard let easy = autodev_curl_easy_init(library.api) else {
            throw HTTPError(.libraryUnavailable, "curl_easy_init failed (out of memory?)")
        }
        guard let multi = autodev_curl_multi_init(library.api) else {
            autodev_curl_easy_cleanup(library.api, easy)
            throw HTTPError(.libraryUnavailable, "curl_multi_init failed (out of memory?)")
        }
        self.easy = easy
        self.multi = multi
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        _ = autodev_curl_multi_cleanup(library.api, multi)
        autodev_curl_easy_cleanup(library.api, easy)
        errorBuffer.deallocate()
    }

    /// The libcurl that serves the calls (`libcurl/7.88.1 OpenSSL/3.0.15 …`).
    public var libraryVersion: String { library.version }

    /// Sends `request` as a POST and returns the response, whatever its status. Throws when no
    /// whole response arrived: network, TLS, a timeout, the size limit, or a stop.
    public func post(_ request: HTTPRequest, stopRequested: () -> StopReason?) throws(HTTPError) -> HTTPResponse {
        if stopRequested() != nil { throw HTTPError(.stopped, "stopped before the request was sent") }
        let restoreSignals = Self.blockSIGPIPE()
        defer { restoreSignals() }
        let api = library.api
        autodev_curl_easy_reset(api, easy)
        errorBuffer[0] = 0
        let sink = ResponseSink(limit: request.maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { if let headerList { autodev_curl_slist_free_all(api, headerList) } }
        // An empty Expect header: no `Expect: 100-continue` round trip before large bodies.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let appended = autodev_curl_slist_append(api, headerList, line) else {
                throw HTTPError(.failed, "curl_slist_append failed (out of memory?)")
            }
            headerList = appended
        }
        let proxy = ProxySettings(url: request.url, environment: request.environment)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        try withExtendedLifetime(sink) { () throws(HTTPError) in
            try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
            try set(CURLOPT_URL, string: request.url)
            try set(CURLOPT_NOSIGNAL, 1)
            try set(CURLOPT_POST, 1)
            try set(CURLOPT_FOLLOWLOCATION, 0)
            // Only http and https, also after a redirect a server might send.
            _ = autodev_curl_setopt_string(api, easy, CURLOPT_PROTOCOLS_STR, "http,https")
            try set(CURLOPT_HTTPHEADER, list: headerList)
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(request.body.count))
            // COPYPOSTFIELDS copies, so the body need not outlive the closure.
            let copied = request.body.withUnsafeBytes { bytes in
                autodev_curl_setopt_pointer(api, easy, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(errorBuffer))
            }
            try check(copied, CURLOPT_COPYPOSTFIELDS)
            try set(CURLOPT_CONNECTTIMEOUT_MS, max(1, min(request.connectTimeoutMilliseconds, request.timeoutMilliseconds)))
            try set(CURLOPT_TIMEOUT_MS, max(1, request.timeoutMilliseconds))
            // Refuses at once a response whose Content-Length says it is too large; the write
            // callback catches one that does not say.
            try set(CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(request.maxResponseBytes))
            try set(CURLOPT_ACCEPT_ENCODING, string: "")
            try set(CURLOPT_USERAGENT, string: "autodev")
            try set(CURLOPT_PROXY, string: proxy.proxy)
            try set(CURLOPT_NOPROXY, string: proxy.noProxy)
            try set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, context in
                guard let context else { return 0 }
                return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendBody(data, size * count)
            })
            try set(CURLOPT_WRITEDATA, pointer: sinkPointer)
            try set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, context in
                guard let context else { return 0 }
                return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendHeader(data, size * count)
            })
            try set(CURLOPT_HEADERDATA, pointer: sinkPointer)
            do throws(HTTPError) {
                try perform(stopRequested: stopRequested, sink: sink, request: request)
            } catch {
                // Whether the server got the request decides whether the call is charged.
                var sent = 0
                var failed = error
                if autodev_curl_getinfo_long(api, easy, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK, sent > 0 { failed.requestSent = true }
                throw failed
            }
        }
        var status = 0
        _ = autodev_curl_getinfo_long(api, easy, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// With CURLOPT_NOSIGNAL (required with threads) libcurl does not ignore SIGPIPE, and a
    /// TLS library writing to a socket the server closed could raise it and end the process:
    /// it is blocked on this thread for the call, and one raised meanwhile is consumed before
    /// the mask is restored (the way libcurl's documentation suggests for threaded programs).
    private static func blockSIGPIPE() -> () -> Void {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        return {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var now = timespec()
                _ = sigtimedwait(&pipeOnly, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
    }

    /// Runs the transfer to its end, looking at `stopRequested` between waits.
    private func perform(stopRequested: () -> StopReason?, sink: ResponseSink, request: HTTPRequest) throws(HTTPError) {
        let api = library.api
        let added = autodev_curl_multi_add_handle(api, multi, easy)
        guard added == CURLM_OK else { throw multiFailure(added) }
        defer { _ = autodev_curl_multi_remove_handle(api, multi, easy) }
        var running: Int32 = 1
        while true {
            let code = autodev_curl_multi_perform(api, multi, &running)
            guard code == CURLM_OK else { throw multiFailure(code) }
            if running == 0 { break }
            if stopRequested() != nil { throw HTTPError(.stopped, "stopped while waiting for the response") }
            let polled = autodev_curl_multi_poll(api, multi, Self.pollMilliseconds)
            guard polled == CURLM_OK else { throw multiFailure(polled) }
        }
        var result = CURLE_OK
        guard autodev_curl_multi_done(api, multi, &result) != 0 else {
            throw HTTPError(.failed, "the transfer ended without a result")
        }
        if result != CURLE_OK { throw failure(result, sink: sink, request: request) }
    }

    private func failure(_ code: CURLcode, sink: ResponseSink, request: HTTPRequest) -> HTTPError {
        let detail = String(validatingCString: errorBuffer).flatMap { $0.isEmpty ? nil : $0 } ?? library.describe(code)
        switch code {
        case CURLE_WRITE_ERROR where sink.exceeded, CURLE_FILESIZE_EXCEEDED:
            return HTTPError(.tooLarge, "the response exceeded the limit of \(request.maxResponseBytes) bytes")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return HTTPError(.cannotResolve, detail)
        case CURLE_COULDNT_CONNECT:
            return HTTPError(.cannotConnect, detail)
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPError(.timedOut, detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return HTTPError(.tls, detail)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
             CURLE_WEIRD_SERVER_REPLY:
            return HTTPError(.connectionLost, detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return HTTPError(.invalidRequest, detail)
        default:
            return HTTPError(.failed, detail)
        }
    }

    private func multiFailure(_ code: CURLMcode) -> HTTPError {
        let text = autodev_curl_multi_strerror(library.api, code).flatMap { String(validatingCString: $0) } ?? "code \(code.rawValue)"
        return HTTPError(.failed, "libcurl's multi interface failed: \(text)")
    }

    // MARK: typed options

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPError) {
        guard code == CURLE_OK else {
            throw HTTPError(.invalidRequest, "libcurl refused option \(option.rawValue): \(library.describe(code))")
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPError) {
        try check(autodev_curl_setopt_long(library.api, easy, option, value), option)
    }

    private func set(_ option: CURLoption, offset: curl_off_t) throws(HTTPError) {
        try check(autodev_curl_setopt_off(library.api, easy, option, offset), option)
    }

    private func set(_ option: CURLoption, string: String) throws(HTTPError) {
        // libcurl copies string options.
        try check(autodev_curl_setopt_string(library.api, easy, option, string), option)
    }

    private func set(_ option: CURLoption, pointer: UnsafeRawPointer) throws(HTTPError) {
        try check(autodev_curl_setopt_pointer(library.api, easy, option, pointer), option)
    }

    private func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) throws(HTTPError) {
        try check(autodev_curl_setopt_slist(library.api, easy, option, list), option)
    }

    private func set(_ option: CURLoption, callback: curl_write_callback) throws(HTTPError) {
        try check(autodev_curl_setopt_write(library.api, easy, option, callback), option)
    }
}

/// Collects one response for the C callbacks, which reach it through their user-data pointer.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    /// The body went past `limit`; the transfer was refused from that point.
    var exceeded = false

    init(limit: Int) { self.limit = limit }

    func appendBody(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard count > 0, let data else { return count }
        guard body.count + count <= limit else {
            exceeded = true
            return 0  // anything but `count` makes libcurl stop with CURLE_WRITE_ERROR
        }
        data.withMemoryRebound(to: UInt8.self, capacity: count) { body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
        return count
    }

    func appendHeader(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard count > 0, let data else { return count }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
        // A status line starts a new response: after `100 Continue` or a proxy's CONNECT reply.
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return count
        }
        guard let colon = line.firstIndex(of: ":") else { return count }
        let name = line[..<colon].lowercased().trimmingWhitespace()
        let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
        guard !name.isEmpty else { return count }
        if let earlier = headers[name] { headers[name] = earlier + ", " + value } else { headers[name] = value }
        return count
    }
}
