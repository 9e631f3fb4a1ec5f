import AutodevLLM
import AutodevTestSupport
import Foundation
import Testing

/// The client against a real server on 127.0.0.1: what goes out, what comes back, and each way
/// a call can fail without an HTTP answer.
@Suite struct HTTPClientTests {
    @Test func aPostSendsItsBodyAndHeadersAndReturnsStatusLowerCasedHeadersAndBody() throws {
        let server = try HTTPTestServer(responses: [.text(201, "made", headers: [("X-Request-ID", "r-1"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])])
        defer { server.stop() }
        let response = try HTTPClient().post(
            HTTPRequest(url: server.baseURL + "/v1/things", headers: [.init("X-Custom", "yes")], body: Array("{\"a\":1}".utf8)),
            stopRequested: never)
        #expect(response.status == 201)
        #expect(String(decoding: response.body, as: UTF8.self) == "made")
        #expect(response.headers["x-request-id"] == "r-1")
        #expect(response.headers["set-cookie"] == "a=1, b=2")
        #expect(response.headers["X-Request-ID"] == nil)
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.target == "/v1/things")
        #expect(sent.headers["x-custom"] == "yes")
        #expect(sent.headers["expect"] == nil)  // no 100-continue round trip
        #expect(sent.text == "{\"a\":1}")
    }

    @Test func aLargeBodyArrivesWhole() throws {
        let server = try HTTPTestServer(responses: [.text(200, "ok")])
        defer { server.stop() }
        let body = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = try HTTPClient().post(HTTPRequest(url: server.baseURL + "/", body: body), stopRequested: never)
        #expect(server.requests.first?.body == body)
    }

    @Test(arguments: [false, true])
    func aTenMegabyteAnswerIsTooLargeNotReadIntoMemory(_ chunked: Bool) throws {
        // With a Content-Length libcurl refuses it before reading; chunked, the write callback
        // stops it at the limit.
        var response = HTTPTestServer.Response(body: .repeating(UInt8(ascii: "a"), count: 10_000_000))
        response.chunked = chunked
        let server = try HTTPTestServer(responses: [response])
        defer { server.stop() }
        let request = HTTPRequest(url: server.baseURL + "/", body: [])
        let error = #expect(throws: HTTPError.self) { try HTTPClient().post(request, stopRequested: never) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.contains("limit of \(HTTPRequest.defaultMaxResponseBytes) bytes") == true)
    }

    @Test func aChunkedAnswerIsReadWhole() throws {
        var response = HTTPTestServer.Response(body: .repeating(UInt8(ascii: "c"), count: 200_000))
        response.chunked = true
        let server = try HTTPTestServer(responses: [response])
        defer { server.stop() }
        #expect(try HTTPClient().post(HTTPRequest(url: server.baseURL + "/", body: []), stopRequested: never).body.count == 200_000)
    }

    @Test func anAnswerJustUnderTheLimitIsRead() throws {
        let server = try HTTPTestServer(responses: [HTTPTestServer.Response(body: .repeating(UInt8(ascii: "b"), count: 1_000_000))])
        defer { server.stop() }
        var request = HTTPRequest(url: server.baseURL + "/", body: [])
        request.maxResponseBytes = 1_000_000
        let response = try HTTPClient().post(request, stopRequested: never)
        #expect(response.body.count == 1_000_000)
    }

    @Test func aPortNobodyListensOnIsCannotConnect() throws {
        let closed = try ClosedPort()
        let port = closed.port
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient().post(HTTPRequest(url: "http://127.0.0.1:\(port)/v1", body: []), stopRequested: never)
        }
        #expect(error?.kind == .cannotConnect)
        #expect(error?.message.contains("\(port)") == true)
    }

    @Test func aServerThatClosesWithoutAnsweringIsConnectionLost() throws {
        let server = try HTTPTestServer(responses: [.close])
        defer { server.stop() }
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient().post(HTTPRequest(url: server.baseURL + "/", body: []), stopRequested: never)
        }
        #expect(error?.kind == .connectionLost)
    }

    @Test func aStopDuringASlowAnswerEndsTheCallWithinASecond() throws {
        let gate = HTTPTestServer.Gate()
        let server = try HTTPTestServer(responses: [.json("{}", hold: gate)])
        defer { server.stop(); gate.open() }
        let stop = StopFlag()
        let url = server.baseURL + "/slow"
        let call = Background { () -> (HTTPError?, Int64) in
            do throws(HTTPError) {
                _ = try HTTPClient().post(HTTPRequest(url: url, body: [], timeoutMilliseconds: 60_000), stopRequested: stop.check)
                return (nil, monotonicNow())
            } catch { return (error, monotonicNow()) }
        }
        #expect(server.waitForRequests(1))  // the request is at the server, held
        let stopped = monotonicNow()
        stop.raise()
        let (error, returned) = try #require(call.wait())
        #expect(error?.kind == .stopped)
        #expect(returned - stopped < 1000, "returned \(returned - stopped) ms after the stop")
        // The client went away: the server saw the connection close while it held the answer.
        #expect(server.waitForDisconnectsWhileHeld(1))
    }

    @Test func aSlowAnswerPastTheTotalTimeoutIsTimedOut() throws {
        let gate = HTTPTestServer.Gate()
        let server = try HTTPTestServer(responses: [.json("{}", hold: gate)])
        defer { server.stop(); gate.open() }
        let started = monotonicNow()
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient().post(HTTPRequest(url: server.baseURL + "/", body: [], timeoutMilliseconds: 700), stopRequested: never)
        }
        let elapsed = monotonicNow() - started
        #expect(error?.kind == .timedOut)
        #expect(elapsed >= 650 && elapsed < 5000, "\(elapsed) ms")
    }

    @Test func theRunsHTTPProxyVariableIsHonouredWithTheRequestInAbsoluteForm() throws {
        let proxy = try HTTPTestServer(responses: [.text(200, "via proxy")])
        defer { proxy.stop() }
        let request = HTTPRequest(url: "http://api.example.invalid/v1/chat/completions", body: Array("{}".utf8),
                                  environment: ["http_proxy": proxy.baseURL])
        let response = try HTTPClient().post(request, stopRequested: never)
        #expect(String(decoding: response.body, as: UTF8.self) == "via proxy")
        let sent = try #require(proxy.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.target == "http://api.example.invalid/v1/chat/completions")
        #expect(sent.headers["host"] == "api.example.invalid")
    }

    @Test func theRunsHTTPSProxyVariableGetsACONNECTForTheHost() throws {
        let proxy = try HTTPTestServer(responses: [.text(403, "no tunnels here")])
        defer { proxy.stop() }
        let request = HTTPRequest(url: "https://api.example.invalid/v1/messages", body: [], environment: ["HTTPS_PROXY": proxy.baseURL])
        #expect(throws: HTTPError.self) { try HTTPClient().post(request, stopRequested: never) }
        let sent = try #require(proxy.requests.first)
        #expect(sent.method == "CONNECT")
        #expect(sent.target == "api.example.invalid:443")
    }

    @Test func noProxyListsHostsThatGoDirect() throws {
        let proxy = try HTTPTestServer(responses: [.text(200, "proxy")])
        let direct = try HTTPTestServer(responses: [.text(200, "direct")])
        defer { proxy.stop(); direct.stop() }
        let request = HTTPRequest(url: direct.baseURL + "/v1", body: [], environment: ["http_proxy": proxy.baseURL, "NO_PROXY": "localhost,127.0.0.1"])
        let response = try HTTPClient().post(request, stopRequested: never)
        #expect(String(decoding: response.body, as: UTF8.self) == "direct")
        #expect(proxy.requests.isEmpty)
    }

    @Test func upperCaseHTTPProxyIsIgnoredForHTTPAsLibcurlDoes() throws {
        let proxy = try HTTPTestServer(responses: [.text(200, "proxy")])
        let direct = try HTTPTestServer(responses: [.text(200, "direct")])
        defer { proxy.stop(); direct.stop() }
        let request = HTTPRequest(url: direct.baseURL + "/v1", body: [], environment: ["HTTP_PROXY": proxy.baseURL])
        let response = try HTTPClient().post(request, stopRequested: never)
        #expect(String(decoding: response.body, as: UTF8.self) == "direct")
        #expect(proxy.requests.isEmpty)
    }

    @Test func proxySettingsFollowLibcurlsRules() {
        let env = ["https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2", "ALL_PROXY": "http://all:3", "no_proxy": "a.com"]
        #expect(ProxySettings(url: "https://x", environment: env) == .init(url: "https://x", environment: ["https_proxy": "http://lower:1", "no_proxy": "a.com"]))
        #expect(ProxySettings(url: "https://x", environment: env).proxy == "http://lower:1")
        #expect(ProxySettings(url: "http://x", environment: env).proxy == "http://all:3")
        #expect(ProxySettings(url: "http://x", environment: env).noProxy == "a.com")
        #expect(ProxySettings(url: "http://x", environment: [:]).proxy == "")
    }
}
