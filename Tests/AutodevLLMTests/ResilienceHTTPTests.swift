@testable import AutodevCore
import AutodevGit
import AutodevLLM
import AutodevTestSupport
import Foundation
import Synchronization
import Testing

/// Cost control and resilience across one-shot runs, against a real HTTP server on 127.0.0.1:
/// each `sync` is run in process with an injected `ManualClock` shared by the run and the HTTP
/// providers, so retry waits, breaker resets and UTC days pass without sleeping.
@Suite struct ResilienceHTTPTests {
    /// 2026-12-01 12:00 UTC.
    static let noon: Int64 = 1_796_126_400

    static func answer(to prompt: String) -> String {
        var out = ""
        for line in prompt.split(separator: "\n") where line.hasPrefix("## Work ") {
            let id = line.dropFirst("## Work ".count)
            out += "=== WORK \(id) ===\nSources/Generated/W\(id.prefix(8)).swift\n```swift\nenum W\(id.prefix(8)) {}\n```\n\n"
        }
        return out
    }

    static func ok(_ request: HTTPTestServer.Request, promptTokens: Int = 1000) -> HTTPTestServer.Response {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "m",
                                   "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": answer(to: prompt)]]],
                                   "usage": ["prompt_tokens": promptTokens, "completion_tokens": 0, "total_tokens": promptTokens]]
        return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    /// A repository whose spec gained `count` requirements since the adopted baseline.
    static func project(providers: [(name: String, url: String)], extra: String = "", count: Int = 1,
                        clock: ManualClock) throws -> (GitFixture, Sync) {
        let fixture = try GitFixture()
        var config = "[loop.llm_optimization]\nbatch_size = 1\n\n" + extra + "\n"
        for provider in providers {
            config += """
                [[llm.providers]]
                name = "\(provider.name)"
                kind = "openai"
                base_url = "\(provider.url)"
                model = "m"
                max_output_tokens = 100
                input_price_per_mtok = 1000.0
                output_price_per_mtok = 0.0

                """
        }
        try fixture.write("config/autodev.toml", config)
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        let made = try sync(fixture, clock: clock)
        #expect(made.passes.first?.llm == nil)
        var text = "# A\n\n- **FR-000**: System MUST start\n"
        for index in 1...count { text += "- **FR-\(String(format: "%03d", index))**: System MUST do thing \(index)\n" }
        try fixture.write("specs/001-a/spec.md", text)
        try fixture.commit("More requirements")
        return (fixture, try syncer(fixture, clock: clock))
    }

    static func syncer(_ fixture: GitFixture, clock: ManualClock) throws -> Sync {
        let repository = try Repository.discover(from: fixture.path)
        let config = try ConfigFile.load(for: repository, environment: [:])
        return Sync(repository: repository, config: config, environment: [:], clock: clock,
                    providerFactory: { config, environment throws(AutodevError) in try httpProvider(for: config, environment: environment, clock: clock) })
    }

    @discardableResult
    static func sync(_ fixture: GitFixture, clock: ManualClock) throws -> SyncReport {
        try syncer(fixture, clock: clock).run(SyncOptions())
    }

    /// The state as `status` reads it: pending work from the queue in git (state.json leaves it out).
    static func state(_ fixture: GitFixture) throws -> SyncState {
        try syncer(fixture, clock: ManualClock(now: 0)).workspace.currentState().0
    }

    static func ledger(_ fixture: GitFixture) -> SpendLedger {
        SpendLedger(path: fixture.path + "/.git/autodev/spend.jsonl")
    }

    @Test func a429WithRetryAfter2IsRetriedNoSoonerThan2Seconds() throws {
        let served = Mutex(0)
        let server = try HTTPTestServer { request in
            let n = served.withLock { $0 += 1; return $0 }
            if n == 1 { return .json(429, #"{"error":{"message":"Rate limit reached","type":"requests"}}"#, headers: [("Retry-After", "2")]) }
            return Self.ok(request)
        }
        let clock = ManualClock(now: Self.noon)
        let (fixture, sync) = try Self.project(providers: [("p", server.baseURL + "/v1")], clock: clock)
        let before = clock.sleeps.count
        let report = try sync.run(SyncOptions())
        #expect(server.requests.count == 2)
        #expect(Array(clock.sleeps.dropFirst(before)) == [2000], "the only wait is the server's 2 s")
        #expect(report.passes.first?.pending == 0, "\(report.passes.first?.failures ?? [])")
        #expect(!(try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"])).isEmpty)
    }

    @Test func aBurstOf500sOpensTheBreakerAndLaterRunsSkipTheProviderUntilTheReset() throws {
        let healthy = Atomic<Bool>(false)
        let server = try HTTPTestServer { request in
            healthy.load(ordering: .relaxed) ? Self.ok(request) : .json(500, #"{"error":{"message":"boom"}}"#)
        }
        let clock = ManualClock(now: Self.noon)
        let (fixture, sync) = try Self.project(providers: [("p", server.baseURL + "/v1")],
                                               extra: "[loop.recovery]\nmax_retries = 5\ncircuit_breaker_threshold = 3\ncircuit_breaker_reset_seconds = 60\n",
                                               clock: clock)
        _ = try sync.run(SyncOptions())
        #expect(server.requests.count == 3, "opened after 3 consecutive failures, no more retries")
        // Later runs inside the reset period do not call the provider.
        for _ in 0..<3 {
            clock.advance(milliseconds: 10_000)
            let report = try Self.sync(fixture, clock: clock)
            #expect(report.passes.first?.pending == 1)
        }
        #expect(server.requests.count == 3)
        let wait = try #require(try Self.state(fixture).llmWaits?.values.first)
        #expect(wait.reason.contains("circuit breaker of provider 'p' is open"), "\(wait.reason)")
        // After the reset, one probe; it fails, so no retries follow and the breaker opens again.
        clock.advance(milliseconds: 60_000)
        _ = try Self.sync(fixture, clock: clock)
        #expect(server.requests.count == 4)
        _ = try Self.sync(fixture, clock: clock)
        #expect(server.requests.count == 4)
        // The next probe finds the provider well: the work is done and the breaker closes.
        healthy.store(true, ordering: .relaxed)
        clock.advance(milliseconds: 61_000)
        let report = try Self.sync(fixture, clock: clock)
        #expect(server.requests.count == 5)
        #expect(report.passes.first?.pending == 0)
        let repository = try Repository.discover(from: fixture.path)
        let status = ResilienceReport.current(repository: repository, config: try ConfigFile.load(for: repository, environment: [:]),
                                              store: StateStore(root: fixture.path + "/.auto-dev"), now: clock.now())
        #expect(status.providers.first?.breaker == "closed")
    }

    @Test func insufficientQuotaGoesStraightToTheFallbackWhichIsRecorded() throws {
        let server = try HTTPTestServer { request in
            if request.target.hasPrefix("/a/") {
                return .json(429, #"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
                             headers: [("Retry-After", "1")])
            }
            return Self.ok(request)
        }
        let clock = ManualClock(now: Self.noon)
        let (fixture, sync) = try Self.project(providers: [("a", server.baseURL + "/a/v1"), ("b", server.baseURL + "/b/v1")], clock: clock)
        let before = clock.sleeps.count
        let report = try sync.run(SyncOptions())
        #expect(server.requests.map { String($0.target.prefix(3)) } == ["/a/", "/b/"])
        #expect(clock.sleeps.count == before, "no retry, no wait")
        #expect(report.passes.first?.pending == 0)
        #expect(try fixture.git(["log", "-1", "--format=%B", "autodev/results"]).contains("Autodev-Model: b/m"))
    }

    @Test func aDailyCapStopsThreeRunsAtTheCapAndTheNextDayContinuesFromThePendingWork() throws {
        let server = try HTTPTestServer { Self.ok($0) }  // $1.00 a call
        let clock = ManualClock(now: Self.noon)
        let (fixture, sync) = try Self.project(providers: [("p", server.baseURL + "/v1")],
                                               extra: "[llm.budget]\nmax_cost_per_run = 0\nmax_cost_per_day = 10.0\nmax_cost_per_month = 0\n",
                                               count: 14, clock: clock)
        _ = try sync.run(SyncOptions())
        let first = server.requests.count
        #expect(first >= 8 && first <= 10, "\(first)")
        // The 14 items are one change: run 1's later steps show the files its earlier steps
        // wrote, so their estimate is larger and may not fit the last dollar that run 2's first
        // step (with nothing to show yet) fits. Runs 2 and 3 together never pass the cap.
        var counts: [Int] = []
        for _ in 0..<2 {
            clock.advance(milliseconds: 3_600_000)
            _ = try Self.sync(fixture, clock: clock)
            counts.append(server.requests.count)
        }
        let capped = server.requests.count
        #expect(capped >= first && capped <= 10 && counts[0] == counts[1], "runs 2 and 3 stop at the cap: \(first), \(counts)")
        let spentToday = Self.ledger(fixture).spent(now: clock.now(), run: nil).day
        #expect(spentToday <= 10 && abs(spentToday - Double(capped)) < 1e-9)
        let state = try Self.state(fixture)
        #expect(state.pending.count == 14 - capped)
        #expect(state.llmWaits?.values.allSatisfy { $0.reason == "daily budget of $10.00 reached; resumes 2026-12-02 00:00 UTC" } == true,
                "\(state.llmWaits ?? [:])")
        #expect(state.llmWaits?.count == 14 - capped)
        // The next UTC day: the pending work goes first and is finished; nothing is asked twice.
        clock.advance(milliseconds: 10 * 3_600_000)
        let report = try Self.sync(fixture, clock: clock)
        #expect(report.passes.first?.pending == 0, "\(report.passes.first?.failures ?? [])")
        #expect(server.requests.count == 14)
        let files = try fixture.git(["ls-tree", "-r", "--name-only", "autodev/results", "Sources/Generated"]).split(separator: "\n")
        #expect(files.count == 14)
        #expect(try Self.state(fixture).llmWaits == nil)
    }
}
