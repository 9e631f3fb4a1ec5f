@testable import AutodevCore
import AutodevLLM
import AutodevTestSupport
import Foundation
import Testing

/// `kind = "anthropic"` against a real server speaking the Messages API.
@Suite struct AnthropicProviderTests {
    static func provider(_ server: HTTPTestServer, path: String = "") throws -> AnthropicProvider {
        try AnthropicProvider(config: anthropicConfig(server.baseURL + path), environment: keys)
    }

    @Test func aWholeAnswerComesBackWithUsageIncludingTheCache() throws {
        let server = try HTTPTestServer(responses: [.json(messagesReply("Sources/A.swift\n```swift\nstruct A {}\n```\n"),
                                                          headers: [("anthropic-ratelimit-requests-remaining", "49"), ("request-id", "req_1")])])
        defer { server.stop() }
        let answer = try Self.provider(server).complete(request, stopRequested: never)
        #expect(answer.text == "Sources/A.swift\n```swift\nstruct A {}\n```\n")
        #expect(answer.finish == .complete)
        #expect(answer.inputTokens == 20 + 100 + 900)
        #expect(answer.cachedInputTokens == 900)
        #expect(answer.outputTokens == 55)
        #expect(answer.model == "claude-sonnet-4-5-20250929")
        #expect(answer.headers["anthropic-ratelimit-requests-remaining"] == "49")
    }

    @Test func theRequestIsWhatTheMessagesAPIExpects() throws {
        let server = try HTTPTestServer(responses: [.json(messagesReply("ok"))])
        defer { server.stop() }
        _ = try Self.provider(server).complete(request, stopRequested: never)
        let sent = try #require(server.requests.first)
        #expect(sent.target == "/v1/messages")
        #expect(sent.headers["x-api-key"] == anthropicKey)
        #expect(sent.headers["anthropic-version"] == "2023-06-01")
        #expect(sent.headers["authorization"] == nil)
        #expect(sent.headers["content-type"] == "application/json")
        let body = try #require(sent.json())
        #expect(body["model"] as? String == "claude-sonnet-4-5")
        #expect(body["system"] as? String == request.system)
        #expect(body["max_tokens"] as? Int == 1024)
        #expect(body["temperature"] as? Double == 0.2)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "user", "content": request.prompt]])
        #expect(Set(body.keys) == ["model", "system", "max_tokens", "messages", "temperature"])
        #expect(sent.raw.components(separatedBy: anthropicKey).count == 2)  // the key once, in x-api-key
    }

    @Test(arguments: ["/v1", "/v1/", "/v1/messages", "/"])
    func theEndpointIsFoundFromTheBaseURL(_ path: String) throws {
        let server = try HTTPTestServer(responses: [.json(messagesReply("ok"))])
        defer { server.stop() }
        _ = try Self.provider(server, path: path).complete(request, stopRequested: never)
        #expect(server.requests.first?.target == "/v1/messages")
    }

    @Test func onlyTextBlocksMakeTheAnswer() throws {
        let reply = #"{"type":"message","content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"a"},{"type":"text","text":"b"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":2}}"#
        let server = try HTTPTestServer(responses: [.json(reply)])
        defer { server.stop() }
        let answer = try Self.provider(server).complete(request, stopRequested: never)
        #expect(answer.text == "ab")
        #expect(answer.inputTokens == 3)
        #expect(answer.cachedInputTokens == nil)
    }

    @Test func stopReasonMaxTokensIsTruncated() throws {
        let server = try HTTPTestServer(responses: [.json(messagesReply("struct A {", stop: "max_tokens"))])
        defer { server.stop() }
        let answer = try Self.provider(server).complete(request, stopRequested: never)
        #expect(answer.finish == .truncated)
        #expect(answer.text == "struct A {")
    }

    @Test func a529OverloadedIsTransientWithRetryAfter() throws {
        let body = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_2"}"#
        let server = try HTTPTestServer(responses: [.json(529, body, headers: [("retry-after", "30")])])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .transient)
        #expect(error.status == 529)
        #expect(error.retryAfterSeconds == 30)
        #expect(error.message.contains("Overloaded"))
    }

    @Test func a401NamesTheVariableNeverTheKey() throws {
        let body = #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key \#(anthropicKey)"}}"#
        let server = try HTTPTestServer(responses: [.json(401, body)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("the key in $ANTHROPIC_API_KEY was rejected"))
        #expect(!error.message.contains(anthropicKey))
    }

    @Test func aLowCreditBalanceIsQuota() throws {
        let body = #"{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}"#
        let server = try HTTPTestServer(responses: [.json(400, body)])
        defer { server.stop() }
        #expect(try #require(completion(try Self.provider(server)).error).kind == .quota)
    }

    @Test func aBillingErrorIsQuota() throws {
        let body = #"{"type":"error","error":{"type":"billing_error","message":"billing"}}"#
        let server = try HTTPTestServer(responses: [.json(402, body)])
        defer { server.stop() }
        #expect(try #require(completion(try Self.provider(server)).error).kind == .quota)
    }

    @Test func a404SaysUnknownModelOrWrongBaseURL() throws {
        let body = #"{"type":"error","error":{"type":"not_found_error","message":"model: claude-sonnet-4-5"}}"#
        let server = try HTTPTestServer(responses: [.json(404, body)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("unknown model 'claude-sonnet-4-5' or wrong base_url"))
    }

    @Test func anErrorInsideA200IsPermanent() throws {
        let server = try HTTPTestServer(responses: [.json(#"{"type":"error","error":{"type":"api_error","message":"boom"}}"#)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("boom"))
    }

    @Test(arguments: [
        (#"{"type":"message","content":[],"stop_reason":"end_turn"}"#, "no text"),
        (#"{"type":"message","stop_reason":"end_turn"}"#, "no 'content' blocks"),
        ("<html>gateway</html>", "not JSON"),
    ])
    func aReplyWithoutAnAnswerIsMalformed(_ body: String, _ problem: String) throws {
        let server = try HTTPTestServer(responses: [.json(body)])
        defer { server.stop() }
        let error = try #require(completion(try Self.provider(server)).error)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("is not a Messages API reply: \(problem)"))
    }

    @Test func aStopDuringASlowAnswerEndsTheCallWithinASecond() throws {
        let gate = HTTPTestServer.Gate()
        let server = try HTTPTestServer(responses: [.json(messagesReply("late"), hold: gate)])
        defer { server.stop(); gate.open() }
        let provider = try Self.provider(server)
        let stop = StopFlag()
        let call = Background { (completion(provider, stop: stop.check), monotonicNow()) }
        #expect(server.waitForRequests(1))
        let stopped = monotonicNow()
        stop.raise()
        let (result, returned) = try #require(call.wait())
        #expect(result.error?.kind == .stopped)
        #expect(returned - stopped < 1000, "returned \(returned - stopped) ms after the stop")
    }
}
