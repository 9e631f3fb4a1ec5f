@testable import AutodevCore
import AutodevGit
import AutodevLLM
import AutodevTestSupport
import Foundation
import Synchronization
import Testing

/// Charges that cannot be undercounted, against a real HTTP server on 127.0.0.1 (each `sync`
/// in process with an injected `ManualClock`, as in `ResilienceHTTPTests`): a provider's
/// negative usage is no credit, a call abandoned after it was sent stays charged at its
/// reservation, every retry is a call made, and a Retry-After of a day holds across runs.
@Suite struct ChargesHTTPTests {
    typealias R = ResilienceHTTPTests

    /// A chat-completions reply that answers the prompt and reports `usage` as given.
    static func reply(_ request: HTTPTestServer.Request, promptTokens: Int, completionTokens: Int) -> HTTPTestServer.Response {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "m",
                                   "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": R.answer(to: prompt)]]],
                                   "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens]]
        return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    /// Every line of the spending ledger, as written.
    static func lines(_ fixture: GitFixture) throws -> [SpendLedger.Line] {
        let text = try String(contentsOfFile: R.ledger(fixture).path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(SpendLedger.Line.self, from: Data($0.utf8)) }
    }

    /// A sync of `fixture` that a stop flag can stop.
    static func syncer(_ fixture: GitFixture, clock: ManualClock, stop: StopFlag) throws -> Sync {
        let repository = try Repository.discover(from: fixture.path)
        let config = try ConfigFile.load(for: repository, environment: [:])
        return Sync(repository: repository, config: config, environment: [:], clock: clock,
                    providerFactory: { config, environment throws(AutodevError) in try httpProvider(for: config, environment: environment, clock: clock) },
                    stopRequested: stop.check)
    }

    @Test func aNegativeUsageIsNoCreditAndTheDailyBudgetStillStopsCalls() throws {
        // The hostile server's numbers: charged as said, each call was a −$40,000 credit.
        let server = try HTTPTestServer { Self.reply($0, promptTokens: -40_000_000, completionTokens: -5) }
        let clock = ManualClock(now: R.noon)
        let (fixture, sync) = try R.project(providers: [("p", server.baseURL + "/v1")],
                                            extra: "[llm.budget]\nmax_cost_per_run = 0\nmax_cost_per_day = 1.5\n", count: 12, clock: clock)
        let report = try sync.run(SyncOptions())
        let served = server.requests.count
        #expect(served >= 1 && served < 12, "the cap stopped the run: \(served) of 12 served")
        #expect(report.passes.first?.pending == 12 - served)
        let lines = try Self.lines(fixture)
        let reserved = Dictionary(uniqueKeysWithValues: lines.filter { $0.kind == .reserved }.map { ($0.id, $0) })
        let settled = lines.filter { $0.kind == .settled }
        #expect(settled.count == served)
        for line in settled {
            // Not believed: the estimate stands in, which is exactly what was reserved (output is free here).
            #expect(line.cost > 0 && line.tokens > 0)
            #expect(abs(line.cost - (reserved[line.id]?.cost ?? -1)) < 1e-9, "\(line)")
        }
        let spent = R.ledger(fixture).spent(now: clock.now(), run: nil).day
        #expect(spent > 0 && spent <= 1.5 + 1e-9, "\(spent)")
        // The items are one change: the answered steps are taken when the change ends, after the
        // waiting ones; each waiting item says why it waits.
        let waiting = report.passes.first?.items.filter { $0.tier == "deferred" } ?? []
        #expect(waiting.count == 12 - served)
        #expect(waiting.allSatisfy { $0.outcome.contains("daily budget of $1.50 reached") }, "\(waiting.map(\.outcome))")
        // What the run recorded is what the ledger charged.
        let usage = try #require(report.passes.first?.llm)
        #expect(usage.calls == served && usage.inputTokens > 0 && usage.outputTokens >= 0)
        #expect(abs(usage.cost - spent) < 1e-9)
        // Later runs the same day make no call either.
        clock.advance(milliseconds: 3_600_000)
        _ = try R.sync(fixture, clock: clock)
        let shown = try Self.lines(fixture).map { "\($0.kind) \($0.cost) \($0.tokens) \($0.run ?? "")" }
        #expect(server.requests.count == served, "\(shown)")
    }

    @Test func aCallStoppedWhileTheProviderWorksStaysChargedAtItsReservation() throws {
        let gate = HTTPTestServer.Gate()
        defer { gate.open() }
        let stop = StopFlag()
        let server = try HTTPTestServer { request in
            // The request arrived: the provider works on it while the run is told to stop.
            stop.raise()
            var response = Self.reply(request, promptTokens: 10, completionTokens: 10)
            response.hold = gate
            return response
        }
        let clock = ManualClock(now: R.noon)
        let (fixture, _) = try R.project(providers: [("p", server.baseURL + "/v1")], clock: clock)
        let report = try? Self.syncer(fixture, clock: clock, stop: stop).run(SyncOptions())
        #expect(server.requests.count == 1)
        #expect(report?.interruptedBy != nil || report?.stopped != nil || report == nil)
        let lines = try Self.lines(fixture)
        let reserved = try #require(lines.first { $0.kind == .reserved })
        let settled = try #require(lines.first { $0.kind == .settled })
        #expect(settled.id == reserved.id && settled.outcome == "stopped")
        #expect(reserved.cost > 0)
        #expect(settled.cost == reserved.cost && settled.tokens == reserved.tokens, "charged at its reservation, not at $0")
        #expect(abs(R.ledger(fixture).spent(now: clock.now(), run: nil).day - reserved.cost) < 1e-9)
    }

    @Test func everyTimedOutAttemptIsACallMadeAndChargedAtItsReservation() throws {
        let gate = HTTPTestServer.Gate()
        defer { gate.open() }
        let server = try HTTPTestServer { request in
            var response = Self.reply(request, promptTokens: 10, completionTokens: 10)
            response.hold = gate  // never answered while the client waits
            return response
        }
        let clock = ManualClock(now: R.noon)
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            [loop.recovery]
            max_retries = 1

            # The retry must be sent: no run budget refuses it (each reservation is ~$0.6).
            [llm.budget]
            max_cost_per_run = 0

            [[llm.providers]]
            name = "p"
            kind = "openai"
            base_url = "\(server.baseURL)/v1"
            model = "m"
            max_output_tokens = 100
            timeout_seconds = 1
            input_price_per_mtok = 1000.0
            output_price_per_mtok = 1000.0
            """)
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        _ = try R.sync(fixture, clock: clock)
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST stop\n")
        try fixture.commit("More")
        let report = try R.sync(fixture, clock: clock)
        #expect(server.requests.count == 2, "the first ask and its one retry")
        let lines = try Self.lines(fixture)
        let reserved = lines.filter { $0.kind == .reserved }
        let settled = lines.filter { $0.kind == .settled }
        #expect(reserved.count == 2 && settled.count == 2)
        for (asked, charged) in zip(reserved, settled) {
            #expect(asked.id == charged.id && asked.cost > 0)
            #expect(charged.cost == asked.cost && charged.tokens == asked.tokens)
        }
        let pass = try #require(report.passes.first)
        #expect(pass.accounting?.callsMade == 2)
        #expect(pass.llm?.calls == 2 && pass.llm?.failedCalls == 2)
        #expect(abs((pass.llm?.cost ?? 0) - reserved.map(\.cost).reduce(0, +)) < 1e-9)
        #expect(pass.pending == 1)
    }

    @Test(arguments: [429, 503])
    func aRetryAfterOfADayIsRememberedByTheNextRunsAndShownInStatus(status: Int) throws {
        let healthy = Atomic<Bool>(false)
        let server = try HTTPTestServer { request in
            healthy.load(ordering: .relaxed) ? R.ok(request)
                : .json(status, #"{"error":{"message":"come back tomorrow"}}"#, headers: [("Retry-After", "86400")])
        }
        let clock = ManualClock(now: R.noon)
        let (fixture, sync) = try R.project(providers: [("p", server.baseURL + "/v1")], clock: clock)
        let report = try sync.run(SyncOptions())
        #expect(server.requests.count == 1)
        #expect(report.passes.first?.pending == 1)
        #expect(report.passes.first?.accounting?.callsMade == 1, "the refused request is a call made")
        #expect(report.passes.first?.failures.isEmpty == true, "the work waits; nothing failed")
        let tomorrow = R.noon + 86_400
        let wait = try #require(try R.state(fixture).llmWaits?.values.first)
        #expect(wait.resumesAt == tomorrow, "\(wait)")
        let repository = try Repository.discover(from: fixture.path)
        let config = try ConfigFile.load(for: repository, environment: [:])
        let store = StateStore(root: fixture.path + "/.auto-dev")
        let shown = ResilienceReport.current(repository: repository, config: config, store: store, now: clock.now())
        #expect(shown.providers.first?.notBefore == tomorrow)
        #expect(shown.lines().contains { $0.contains("provider 'p'") && $0.contains("not to be called before 2026-12-02 12:00 UTC") },
                "\(shown.lines())")
        // Later runs that day call nothing, even once the server would answer.
        healthy.store(true, ordering: .relaxed)
        for hours: Int64 in [1, 12, 10] {
            clock.advance(milliseconds: hours * 3_600_000)
            let later = try R.sync(fixture, clock: clock)
            #expect(later.passes.first?.pending == 1)
        }
        #expect(server.requests.count == 1)
        // The day is over: the work goes.
        clock.advance(milliseconds: 3_600_000)
        let next = try R.sync(fixture, clock: clock)
        #expect(server.requests.count == 2)
        #expect(next.passes.first?.pending == 0, "\(next.passes.first?.failures ?? [])")
        #expect(ResilienceReport.current(repository: repository, config: config, store: store, now: clock.now()).providers.first?.notBefore == nil)
    }

    @Test func usageIsChargedWithinWhatWasSentAndAllowed() {
        let text = "enum A {}"
        let estimatedOutput = TokenEstimator().tokens(text, kind: .code)
        // reported input, reported output → charged input, charged output, for a prompt
        // estimated at 1000 tokens, max_output_tokens 100 and a 32768-token context window.
        let cases: [(Int?, Int?, Int, Int)] = [
            (-40_000_000, -5, 1000, estimatedOutput),  // not believed: the estimates stand in
            (900, 80, 900, 80),
            (1_000_000_000_000, 1_000_000, 32768, 100),  // at most the window and the limit
            (5000, 10, 5000, 10),  // the estimate may be 4 × too low: the provider's count holds
            (nil, nil, 1000, estimatedOutput),
            (0, 0, 0, 0),
        ]
        for (input, output, chargedInput, chargedOutput) in cases {
            let usage = UsageBounds(reportedInput: input, reportedOutput: output, estimatedInput: 1000, answerText: text,
                                    maxOutputTokens: 100, contextTokens: 32768)
            #expect(usage.inputTokens == chargedInput && usage.outputTokens == chargedOutput, "\(String(describing: input)), \(String(describing: output))")
        }
        // With a small window, 4 × the estimate bounds the input.
        let small = UsageBounds(reportedInput: 1_000_000, reportedOutput: 1, estimatedInput: 1000, answerText: text, maxOutputTokens: 100,
                                contextTokens: 2048)
        #expect(small.inputTokens == 4000)
    }

    @Test func absurdUsageNumbersNeitherCrashTheProviderNorOverflow() throws {
        // 1e300 as a Double and Int.max summed with the cache counts used to trap the process.
        let server = try HTTPTestServer(responses: [
            .json(#"{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1e300,"completion_tokens":-1e300}}"#),
            .json(#"{"type":"message","role":"assistant","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":9223372036854775807,"cache_creation_input_tokens":9223372036854775807,"cache_read_input_tokens":9223372036854775807,"output_tokens":5}}"#),
        ])
        let openAI = try OpenAIProvider(config: openAIConfig(server.baseURL + "/v1"), environment: keys)
        let first = try #require(completion(openAI).value)
        #expect(first.inputTokens == 1_000_000_000_000 && first.outputTokens == -1_000_000_000_000)
        let anthropic = try AnthropicProvider(config: anthropicConfig(server.baseURL), environment: keys)
        let second = try #require(completion(anthropic).value)
        #expect(second.inputTokens == 3_000_000_000_000 && second.outputTokens == 5)
        // What is charged stays within what was sent and allowed.
        let charged = UsageBounds(reportedInput: second.inputTokens, reportedOutput: first.outputTokens, estimatedInput: 100, answerText: "ok",
                                  maxOutputTokens: 50, contextTokens: 8192)
        #expect(charged.inputTokens == 8192 && charged.outputTokens == TokenEstimator().tokens("ok", kind: .code))
    }
}
