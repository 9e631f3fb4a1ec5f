@testable import AutodevCore
import AutodevLLM
import AutodevTestSupport
import Foundation
import Testing

/// `kind = "openai"` against a real server speaking chat completions.
@Suite struct OpenAIProviderTests {
    static func provider(_ server: HTTPTestServer, model: String = "qwen2.5-coder:14b", timeoutSeconds: Int = 30,
                         environment: [String: String] = keys, clock: any WallClock = SystemClock()) throws -> OpenAIProvider {
        try OpenAIProvider(config: openAIConfig(server.baseURL + "/v1", model: model, timeoutSeconds: timeoutSeconds),
                           environment: environment, clock: clock)
    }

    @Test func aWholeAnswerComesBackWithUsageModelAndHeaders() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("Sources/App/FR001.swift\n```swift\nlet x = 1\n```\n"),
                                                          headers: [("x-ratelimit-remaining-requests", "99")])])
        defer { server.stop() }
        let answer = try Self.provider(server).complete(request, stopRequested: never)
        #expect(answer.text == "Sources/App/FR001.swift\n```swift\nlet x = 1\n```\n")
        #expect(answer.finish == .complete)
        #expect(answer.inputTokens == 120)
        #expect(answer.outputTokens == 34)
        #expect(answer.cachedInputTokens == 64)
        #expect(answer.model == "qwen2.5-coder:14b")
        #expect(answer.headers["x-ratelimit-remaining-requests"] == "99")
        #expect(answer.latencyMilliseconds >= 0)
    }

    @Test func theRequestIsWhatChatCompletionsExpects() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("ok"))])
        defer { server.stop() }
        _ = try Self.provider(server).complete(request, stopRequested: never)
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.target == "/v1/chat/completions")
        #expect(sent.headers["authorization"] == "Bearer \(openAIKey)")
        #expect(sent.headers["content-type"] == "application/json")
        let body = try #require(sent.json())
        #expect(body["model"] as? String == "qwen2.5-coder:14b")
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": request.system], ["role": "user", "content": request.prompt]])
        #expect(body["max_tokens"] as? Int == 1024)
        #expect(body["max_completion_tokens"] == nil)
        #expect(body["temperature"] as? Double == 0.2)
        #expect(Set(body.keys) == ["model", "messages", "max_tokens", "temperature"])  // nothing a local server could reject
    }

    @Test func noSystemMessageIsSentWhenThereIsNone() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("ok"))])
        defer { server.stop() }
        let bare = LLMRequest(system: "", prompt: "hi", maxOutputTokens: 10, temperature: 0)
        _ = try Self.provider(server).complete(bare, stopRequested: never)
        let messages = try #require(server.requests.first?.json()?["messages"] as? [[String: String]])
        #expect(messages == [["role": "user", "content": "hi"]])
    }

    /// OpenAI's own API, reached through the test server as an HTTP proxy (`http_proxy`), so
    /// the host the provider sees is api.openai.com.
    @Test(arguments: [("gpt-4o-mini", true), ("o3-mini", false), ("gpt-5", false), ("o1", false), ("omni-coder", true)])
    func openAIsAPIGetsMaxCompletionTokensAndNoTemperatureForReasoningModels(_ model: String, _ sendsTemperature: Bool) throws {
        let proxy = try HTTPTestServer(responses: [.json(chatReply("ok", model: model))])
        defer { proxy.stop() }
        let provider = try OpenAIProvider(config: openAIConfig("http://api.openai.com/v1", model: model),
                                          environment: keys.merging(["http_proxy": proxy.baseURL]) { $1 })
        _ = try provider.complete(request, stopRequested: never)
        let sent = try #require(proxy.requests.first)
        #expect(sent.target == "http://api.openai.com/v1/chat/completions")
        let body = try #require(sent.json())
        #expect(body["max_completion_tokens"] as? Int == 1024)
        #expect(body["max_tokens"] == nil)
        #expect((body["temperature"] != nil) == sendsTemperature)
    }

    @Test func finishReasonLengthIsTruncated() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("let x =", finish: "length")), .json(chatReply("", finish: "length"))])
        defer { server.stop() }
        let provider = try Self.provider(server)
        let cut = try provider.complete(request, stopRequested: never)
        #expect(cut.finish == .truncated)
        #expect(cut.text == "let x =")
        // A reasoning model that spent the whole limit thinking: no text, still truncated.
        let thought = try provider.complete(request, stopRequested: never)
        #expect(thought.finish == .truncated)
        #expect(thought.text.isEmpty)
    }

    @Test func anotherFinishReasonIsNamed() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("partial", finish: "content_filter"))])
        defer { server.stop() }
        #expect(try Self.provider(server).complete(request, stopRequested: never).finish == .other("content_filter"))
    }

    @Test func contentAsAnArrayOfTextPartsIsJoined() throws {
        let reply = #"{"choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},"finish_reason":"stop"}]}"#
        let server = try HTTPTestServer(responses: [.json(reply)])
        defer { server.stop() }
        let answer = try Self.provider(server).complete(request, stopRequested: never)
        #expect(answer.text == "ab")
        #expect(answer.inputTokens == nil)  // no usage: a local server that sends none
    }

    @Test func a401NamesTheVariableNeverTheKey() throws {
        // OpenAI's real 401 quotes part of the key; this one quotes all of it.
        let body = #"{"error":{"message":"Incorrect API key provided: \#(openAIKey).","type":"invalid_request_error","code":"invalid_api_key"}}"#
        let server = try HTTPTestServer(responses: [.json(401, body)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.status == 401)
        #expect(error.message.contains("the key in $OPENAI_API_KEY was rejected"))
        #expect(error.message.contains("provider 'local' (\(server.baseURL)/v1)"))
        #expect(!error.message.contains(openAIKey))
        #expect(!String(describing: error).contains(openAIKey))
        #expect(!String(reflecting: error).contains(openAIKey))
    }

    @Test func a403IsAlsoARejectedKey() throws {
        let server = try HTTPTestServer(responses: [.json(403, #"{"error":{"message":"forbidden"}}"#)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("$OPENAI_API_KEY was rejected"))
    }

    @Test(arguments: [nil, "", "  "] as [String?])
    func aMissingKeyVariableIsAConfigErrorBeforeAnyCall(_ value: String?) throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("ok"))])
        defer { server.stop() }
        var environment: [String: String] = [:]
        if let value { environment["OPENAI_API_KEY"] = value }
        let error = #expect(throws: AutodevError.self) { try Self.provider(server, environment: environment) }
        #expect(error?.code == .invalidConfig)
        #expect(error?.exitStatus == .config)
        #expect(error?.message.contains("$OPENAI_API_KEY is not set") == true)
        #expect(error?.message.contains("provider 'local'") == true)
        #expect(server.requests.isEmpty)
    }

    @Test func noKeyVariableSendsNoAuthorization() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("ok"))])
        defer { server.stop() }
        let provider = try OpenAIProvider(config: openAIConfig(server.baseURL + "/v1", apiKeyEnv: nil), environment: keys)
        _ = try provider.complete(request, stopRequested: never)
        #expect(server.requests.first?.headers["authorization"] == nil)
    }

    @Test func theKeyReachesTheServerOnlyInTheAuthorizationHeader() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("ok"))])
        defer { server.stop() }
        _ = try Self.provider(server).complete(request, stopRequested: never)
        let raw = try #require(server.requests.first?.raw)
        #expect(raw.components(separatedBy: openAIKey).count == 2)
        #expect(raw.contains("authorization: Bearer \(openAIKey)"))
    }

    @Test func theProviderNeverDescribesItsKey() throws {
        let server = try HTTPTestServer(responses: [])
        defer { server.stop() }
        let provider = try Self.provider(server)
        var dumped = ""
        dump(provider, to: &dumped)
        for text in [String(describing: provider), String(reflecting: provider), dumped] {
            #expect(!text.contains(openAIKey))
        }
        #expect(dumped.contains("OPENAI_API_KEY"))
    }

    @Test func a404SaysUnknownModelOrWrongBaseURL() throws {
        let server = try HTTPTestServer(responses: [.json(404, #"{"error":{"message":"model 'qwen2.5-coder:14b' not found"}}"#)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("unknown model 'qwen2.5-coder:14b' or wrong base_url"))
        #expect(error.message.contains("not found"))
    }

    @Test func a400CarriesTheProvidersMessage() throws {
        let server = try HTTPTestServer(responses: [.json(400, #"{"error":{"message":"Unsupported parameter: 'max_tokens'","type":"invalid_request_error"}}"#)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.status == 400)
        #expect(error.message.contains("Unsupported parameter: 'max_tokens'"))
    }

    @Test(arguments: [
        ("retry-after", "7", 7.0),
        ("retry-after-ms", "1500", 1.5),
        ("retry-after", "Thu, 01 Jan 2026 00:01:40 GMT", 100.0),  // the manual clock says 00:00:00
    ])
    func a429IsTransientWithTheDelayTheServerAsks(_ header: String, _ value: String, _ seconds: Double) throws {
        let server = try HTTPTestServer(responses: [.json(429, #"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#,
                                                          headers: [(header, value)])])
        defer { server.stop() }
        let clock = ManualClock(now: 1_767_225_600)  // 2026-01-01T00:00:00Z
        let error = try #require(completion(try Self.provider(server, clock: clock)).error)
        #expect(error.kind == .transient)
        #expect(error.status == 429)
        #expect(error.retryAfterSeconds == seconds)
        #expect(error.headers[header] == value)
        #expect(error.message.contains("Rate limit reached"))
    }

    @Test func a429ForInsufficientQuotaIsQuota() throws {
        let body = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}"#
        let server = try HTTPTestServer(responses: [.json(429, body, headers: [("retry-after", "20")])])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .quota)
        #expect(error.retryAfterSeconds == nil)
        #expect(error.message.contains("out of quota"))
    }

    @Test(arguments: [408, 409, 500, 502, 503, 529])
    func serverTroubleIsTransient(_ status: Int) throws {
        let server = try HTTPTestServer(responses: [.json(status, #"{"error":{"message":"try later"}}"#)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .transient)
        #expect(error.status == status)
        #expect(error.message.contains("HTTP \(status) from provider 'local'"))
    }

    @Test func xShouldRetryFalseMakesA500Permanent() throws {
        let server = try HTTPTestServer(responses: [.json(500, "{}", headers: [("x-should-retry", "false")])])
        defer { server.stop() }
        #expect(try #require(completion(try Self.provider(server)).error).kind == .permanent)
    }

    @Test func a200WithHTMLIsAMalformedReplyQuotingASafeExcerpt() throws {
        let html = "<!DOCTYPE html>\n<html><head><title>Login</title></head><body>\u{1B}[31m" + String(repeating: "x", count: 5000) + "</body></html>"
        let server = try HTTPTestServer(responses: [.text(200, html, contentType: "text/html")])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("is not a chat-completions reply: not JSON"))
        #expect(error.message.contains("<!DOCTYPE html> <html><head><title>Login</title>"))
        #expect(!error.message.contains("\u{1B}"))
        #expect(error.message.count < 500)
    }

    @Test(arguments: [
        (#"{"choices":[]}"#, "'choices' is empty"),
        (#"{"object":"list","data":[]}"#, "no 'choices'"),
        (#"{"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}"#, "content is empty"),
        (#"{"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}"#, "content is empty"),
        (#"[1,2]"#, "not JSON"),
    ])
    func aReplyWithoutAnAnswerIsMalformed(_ body: String, _ problem: String) throws {
        let server = try HTTPTestServer(responses: [.json(body)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains(problem))
    }

    @Test func anErrorInsideA200IsPermanentWithItsMessage() throws {
        let server = try HTTPTestServer(responses: [.json(#"{"error":{"message":"upstream provider failed","code":502}}"#)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("upstream provider failed"))
    }

    @Test func aTenMegabyteAnswerIsAnErrorNotACrash() throws {
        let server = try HTTPTestServer(responses: [HTTPTestServer.Response(headers: [("Content-Type", "application/json")],
                                                                            body: .repeating(UInt8(ascii: " "), count: 10_000_000))])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("exceeded the limit of \(HTTPRequest.defaultMaxResponseBytes) bytes"))
    }

    @Test func anUnreachableEndpointIsTransientAndSaysWhatToCheck() throws {
        let closed = try ClosedPort()
        let provider = try OpenAIProvider(config: openAIConfig("http://127.0.0.1:\(closed.port)/v1"), environment: keys)
        let error = try #require(completion(provider).error)
        #expect(error.kind == .transient)
        #expect(error.status == nil)
        #expect(error.message.contains("provider 'local' (http://127.0.0.1:\(closed.port)/v1): cannot connect"))
        #expect(error.message.contains("is the server running, and is base_url right?"))
    }

    @Test func anUnresolvableHostIsTransient() throws {
        let provider = try OpenAIProvider(config: openAIConfig("http://no-such-host.invalid/v1"), environment: keys)
        let error = try #require(completion(provider).error)
        #expect(error.kind == .transient)
        #expect(error.message.contains("cannot resolve the host"))
    }

    @Test func userInfoInTheBaseURLIsNeverShown() throws {
        let closed = try ClosedPort()
        let provider = try OpenAIProvider(config: openAIConfig("http://user:hunter2@127.0.0.1:\(closed.port)/v1?key=abc"), environment: keys)
        let error = try #require(completion(provider).error)
        #expect(!error.message.contains("hunter2"))
        #expect(!error.message.contains("key=abc"))
        #expect(error.message.contains("(http://127.0.0.1:\(closed.port)/v1)"))
    }

    @Test func aStopDuringASlowAnswerEndsTheCallWithinASecond() throws {
        let gate = HTTPTestServer.Gate()
        let server = try HTTPTestServer(responses: [.json(chatReply("late"), hold: gate)])
        defer { server.stop(); gate.open() }
        let provider = try Self.provider(server, timeoutSeconds: 120)
        let stop = StopFlag()
        let call = Background { (completion(provider, stop: stop.check), monotonicNow()) }
        #expect(server.waitForRequests(1))
        let stopped = monotonicNow()
        stop.raise()
        let (result, returned) = try #require(call.wait())
        let error = try #require(result.error)
        #expect(error.kind == .stopped)  // not a timeout: the timeout is 120 s
        #expect(error.message.contains("abandoned on a stop request"))
        #expect(returned - stopped < 1000, "returned \(returned - stopped) ms after the stop")
        #expect(server.waitForDisconnectsWhileHeld(1))
    }

    @Test func aStopBeforeTheCallSendsNothing() throws {
        let server = try HTTPTestServer(responses: [.json(chatReply("ok"))])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server), stop: { .interrupt }).error)
        #expect(error.kind == .stopped)
        #expect(server.requests.isEmpty)
    }

    @Test func anAnswerSlowerThanTimeoutSecondsIsATransientTimeout() throws {
        let gate = HTTPTestServer.Gate()
        let server = try HTTPTestServer(responses: [.json(chatReply("late"), hold: gate)])
        defer { server.stop(); gate.open() }
        let started = monotonicNow()
        let error = try #require(completion(try Self.provider(server, timeoutSeconds: 1)).error)
        let elapsed = monotonicNow() - started
        #expect(error.kind == .transient)
        #expect(error.message.contains("no complete answer within timeout_seconds = 1"))
        #expect(elapsed >= 950 && elapsed < 6000, "\(elapsed) ms")
    }

    @Test func theFactoryBuildsEachHTTPKindAndRefusesOthers() throws {
        let openai = try makeHTTPProvider(openAIConfig("http://127.0.0.1:1/v1"), keys)
        #expect(openai is OpenAIProvider)
        let anthropic = try makeHTTPProvider(anthropicConfig("http://127.0.0.1:1"), keys)
        #expect(anthropic is AnthropicProvider)
        #expect(throws: AutodevError.self) { try makeHTTPProvider(ProviderConfig(name: "c", kind: .command, command: "cat"), keys) }
        let bad = #expect(throws: AutodevError.self) { try makeHTTPProvider(openAIConfig("127.0.0.1:8080/v1"), keys) }
        #expect(bad?.message.contains("is not an http:// or https:// URL") == true)
        let noModel = #expect(throws: AutodevError.self) { try makeHTTPProvider(openAIConfig("http://127.0.0.1:1/v1", model: ""), keys) }
        #expect(noModel?.message.contains("no model") == true)
    }
}
