@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// The value-type state machines of `Resilience/`, driven by an injected clock: no test sleeps.
@Suite struct ResilienceTests {
    // 2026-12-01 23:59:30 UTC
    static let lateOnDecember1: Int64 = 1_796_169_570

    @Test func utcDatesAgreeWithTheCalendarAcrossDayMonthAndYearBoundaries() {
        #expect(UTCCalendar.format(0) == "1970-01-01 00:00 UTC")
        #expect(UTCCalendar.format(Self.lateOnDecember1) == "2026-12-01 23:59 UTC")
        #expect(UTCCalendar.format(UTCCalendar.startOfNextDay(Self.lateOnDecember1)) == "2026-12-02 00:00 UTC")
        #expect(UTCCalendar.format(UTCCalendar.startOfNextMonth(Self.lateOnDecember1)) == "2027-01-01 00:00 UTC")
        #expect(UTCCalendar.format(UTCCalendar.startOfNextMonth(1_709_164_800)) == "2024-03-01 00:00 UTC")  // 2024-02-29
        // Every day of four years round-trips (leap years included).
        var day: Int64 = 1_704_067_200  // 2024-01-01
        for _ in 0..<1461 {
            #expect(UTCCalendar.seconds(UTCCalendar.civil(day + 43_210)) == day)
            day += 86_400
        }
    }

    @Test func aDailyCapDefersUntilMidnightUTCAndTheNextDayGoesOn() {
        let budget = Budget(maxCostPerRun: 0, maxCostPerDay: 10, maxCostPerMonth: 100, maxTokensPerDay: 0)
        let now = Self.lateOnDecember1
        let refused = budget.refusal(spent: .init(run: 0, day: 9.5, month: 20, dayTokens: 0), cost: 0.6, tokens: 100, now: now)
        #expect(refused == Budget.Refusal(reason: "daily budget of $10.00 reached; resumes 2026-12-02 00:00 UTC",
                                          resumesAt: UTCCalendar.startOfNextDay(now)))
        #expect(budget.refusal(spent: .init(run: 0, day: 9.4, month: 20, dayTokens: 0), cost: 0.6, tokens: 100, now: now) == nil)
        // A ledger sums by UTC day: after midnight yesterday's spending no longer counts for the day.
        let ledger = SpendLedger(path: NSTemporaryDirectory() + "ledger-\(UUID().uuidString).jsonl")
        for index in 0..<19 {
            try? ledger.reserve(.init(kind: .reserved, id: "c\(index)", at: now - 60, provider: "p", cost: 1, tokens: 10, run: "r"))
            try? ledger.settle(.init(kind: .settled, id: "c\(index)", at: now - 59, provider: "p", cost: 0.5, tokens: 10, run: "r"))
        }
        let before = ledger.spent(now: now, run: "r")
        #expect(abs(before.day - 9.5) < 1e-9 && before.dayTokens == 190)
        #expect(budget.refusal(spent: before, cost: 0.6, tokens: 0, now: now) != nil)
        let after = ledger.spent(now: now + 31, run: "next")
        #expect(after.day == 0 && abs(after.month - 9.5) < 1e-9 && after.run == 0)
        #expect(budget.refusal(spent: after, cost: 0.6, tokens: 0, now: now + 31) == nil)
    }

    @Test func aMonthlyCapResumesOnTheFirstOfTheNextMonth() {
        let budget = Budget(maxCostPerMonth: 100)
        let refused = budget.refusal(spent: .init(month: 99.9), cost: 0.2, tokens: 0, now: Self.lateOnDecember1)
        #expect(refused?.reason == "monthly budget of $100.00 reached; resumes 2027-01-01 00:00 UTC")
        let ledger = SpendLedger(path: NSTemporaryDirectory() + "ledger-\(UUID().uuidString).jsonl")
        try? ledger.reserve(.init(kind: .reserved, id: "a", at: Self.lateOnDecember1 - 3600, provider: "p", cost: 99.9, tokens: 1))
        #expect(abs(ledger.spent(now: Self.lateOnDecember1, run: nil).month - 99.9) < 1e-9)
        #expect(ledger.spent(now: UTCCalendar.startOfNextMonth(Self.lateOnDecember1), run: nil).month == 0)
    }

    /// Compaction dates its cutoff by the line being written (the run's clock), not the wall
    /// clock: a ledger whose calls were made under a clock in 2020 keeps January 2020 when a
    /// line of February 2020 is appended, and drops what is older than two months before it.
    @Test func compactionPastOneMegabyteCutsByTheAppendedLinesTimeNotTheWallClock() throws {
        let path = NSTemporaryDirectory() + "ledger-\(UUID().uuidString).jsonl"
        let ledger = SpendLedger(path: path)
        let september2019: Int64 = 1_568_000_000, january2020: Int64 = 1_579_046_400, february2020: Int64 = 1_581_292_800
        let provider = String(repeating: "p", count: 300)
        // Written in one go (3,500 appends would be 3,500 fsyncs).
        let encoder = JSONEncoder()
        var lines = [SpendLedger.Line(kind: .reserved, id: "old", at: september2019, provider: provider, cost: 1, tokens: 1)]
        lines += (0..<3_500).map { .init(kind: .reserved, id: "j\($0)", at: january2020, provider: provider, cost: 0.01, tokens: 1) }
        var bytes = Data()
        for line in lines { bytes += try encoder.encode(line) + Data([0x0A]) }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 > 1_048_576)
        try ledger.reserve(.init(kind: .reserved, id: "new", at: february2020, provider: provider, cost: 0.01, tokens: 1))
        let ids = ledger.entries().map(\.id)
        #expect(ids.count == 3_501)
        #expect(ids.first == "j0" && ids.last == "new" && !ids.contains("old"))
    }

    @Test func aCallKilledMidCallIsChargedOnceAtItsUpperBoundAndATornLineIsSkipped() throws {
        let path = NSTemporaryDirectory() + "ledger-\(UUID().uuidString).jsonl"
        let ledger = SpendLedger(path: path)
        try ledger.reserve(.init(kind: .reserved, id: "a", at: 100, provider: "p", cost: 0.3, tokens: 900))
        try ledger.settle(.init(kind: .settled, id: "a", at: 101, provider: "p", cost: 0.1, tokens: 500, outcome: "answered"))
        try ledger.reserve(.init(kind: .reserved, id: "b", at: 102, provider: "p", cost: 0.3, tokens: 900))
        // The kill: half a settled line for b.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"cost":0.1,"id":"b","ki"#.utf8))
        handle.closeFile()
        try ledger.reserve(.init(kind: .reserved, id: "c", at: 103, provider: "p", cost: 0.2, tokens: 100))
        // Settling twice charges once.
        try ledger.settle(.init(kind: .settled, id: "c", at: 104, provider: "p", cost: 0.05, tokens: 50))
        try ledger.settle(.init(kind: .settled, id: "c", at: 105, provider: "p", cost: 0.05, tokens: 50))
        let entries = ledger.entries()
        #expect(entries.map(\.id) == ["a", "b", "c"])
        #expect(entries.map(\.settled) == [true, false, true])
        #expect(abs(entries.map(\.cost).reduce(0, +) - 0.45) < 1e-9)
    }

    @Test func aThousandRequestsNeverExceedTheLimitsInAny60SecondWindow() {
        var limiter = RateLimiter(requestsPerMinute: 50, tokensPerMinute: 20_000)
        var random = SeededRandom(seed: 13)
        var now: Int64 = 1_000_000
        var sent: [(at: Int64, tokens: Int)] = []
        for index in 0..<1000 {
            let upFront = 200 + Int(random.next() % 1800)
            now += Int64(random.next() % 900)
            now += limiter.delay(tokens: upFront, now: now)
            #expect(limiter.delay(tokens: upFront, now: now) == 0)
            limiter.take(id: "\(index)", tokens: upFront, now: now)
            // Reconciled with usage: never more than the up-front charge here.
            let used = upFront - Int(random.next() % 150)
            limiter.reconcile(id: "\(index)", tokens: used)
            sent.append((now, used))
        }
        var worstRequests = 0, worstTokens = 0
        for (index, start) in sent.enumerated() {
            let inWindow = sent[index...].prefix { $0.at < start.at + 60_000 }
            worstRequests = max(worstRequests, inWindow.count)
            worstTokens = max(worstTokens, inWindow.map(\.tokens).reduce(0, +))
        }
        #expect(worstRequests <= 50)
        #expect(worstTokens <= 20_000)
        // Tokens bind here (about 1,100 a call): the limiter uses most of what it is allowed.
        #expect(worstTokens >= 16_000, "\(worstTokens)")
    }

    @Test func headersNarrowTheLimiterUntilTheirReset() {
        var limiter = RateLimiter(requestsPerMinute: 0, tokensPerMinute: 0)
        limiter.update(headers: ["x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1m30s",
                                 "x-ratelimit-remaining-tokens": "5000", "x-ratelimit-limit-tokens": "100000", "x-ratelimit-reset-tokens": "250ms"],
                       now: 10_000)
        #expect(limiter.delay(tokens: 10, now: 10_000) == 90_000)
        #expect(limiter.quotaLeft(now: 10_000) == 0.05)
        var anthropic = RateLimiter(requestsPerMinute: 0, tokensPerMinute: 0)
        let now = UTCCalendar.seconds(.init(year: 2026, month: 12, day: 1)) * 1000
        anthropic.update(headers: ["anthropic-ratelimit-tokens-remaining": "100", "anthropic-ratelimit-tokens-limit": "80000",
                                   "anthropic-ratelimit-tokens-reset": "2026-12-01T00:00:42Z"], now: now)
        #expect(anthropic.delay(tokens: 1000, now: now) == 42_000)
        #expect(anthropic.delay(tokens: 50, now: now) == 0)
        #expect(RateLimiter.duration("6m0s") == 360_000 && RateLimiter.duration("12ms") == 12 && RateLimiter.duration("1.5s") == 1500)
    }

    private func allow(_ breaker: inout CircuitBreaker, _ now: Int64) -> Bool { breaker.allow(now: now, resetSeconds: 60) }

    @Test func theBreakerOpensAtTheThresholdLetsOneProbeThroughAfterTheResetAndClosesOnSuccess() {
        var breaker = CircuitBreaker()
        for failure in 1...3 {
            #expect(allow(&breaker, 100))
            breaker.failed(now: 100, threshold: 3, message: "HTTP 500")
            #expect(breaker.state == (failure < 3 ? .closed : .open))
        }
        #expect(!allow(&breaker, 159))
        #expect(allow(&breaker, 160))
        #expect(breaker.state == .halfOpen)
        #expect(!allow(&breaker, 161), "one probe at a time")
        breaker.failed(now: 161, threshold: 3, message: "HTTP 500")
        #expect(breaker.state == .open)
        #expect(!allow(&breaker, 220))
        #expect(allow(&breaker, 221))
        breaker.succeeded()
        #expect(breaker.state == .closed && breaker.consecutiveFailures == 0)
    }

    @Test(arguments: [
        (LLMError(.transient, status: 429, "rate", retryAfterSeconds: 2), 1, Int64?.some(2000)),
        (LLMError(.transient, status: 503, "down", retryAfterSeconds: 0.25), 1, Int64?.some(250)),
        (LLMError(.transient, status: 500, "down"), 1, Int64?.some(1000)),
        (LLMError(.transient, status: 500, "down"), 3, Int64?.some(4000)),
        (LLMError(.transient, status: 500, "down"), 9, Int64?.some(8000)),
        (LLMError(.transient, status: 500, "down"), 11, Int64?.none),
        (LLMError(.permanent, status: 400, "bad"), 1, Int64?.none),
        (LLMError(.permanent, status: 401, "key"), 1, Int64?.none),
        (LLMError(.permanent, status: 404, "model"), 1, Int64?.none),
        (LLMError(.quota, status: 429, "insufficient_quota"), 1, Int64?.none),
    ])
    func backoffRetriesOnlyTransientFailuresAndHonoursRetryAfter(error: LLMError, retry: Int, expected: Int64?) {
        let backoff = Backoff(maxRetries: 10, baseSeconds: 1, maxSeconds: 8)
        #expect(backoff.delay(retry: retry, after: error, jitter: 0) == expected)
        if let expected, error.retryAfterSeconds == nil {
            // Jitter takes off at most a quarter.
            let jittered = backoff.delay(retry: retry, after: error, jitter: 0.99) ?? 0
            #expect(jittered < expected && jittered >= expected * 3 / 4)
        }
    }

    @Test func safeModeNeedsTenCallsAndLiftsWhenTheFailuresAgeOut() {
        let failing = (0..<10).map { Health.Call(at: 1000 + Int64($0), provider: "p", failed: $0 < 2) }
        let health = Health(freeDiskBytes: nil, freeDiskPath: nil, residentMemoryBytes: nil, calls: failing, now: 1010, windowSeconds: 300,
                            maxErrorRate: 0.1, budgetLeft: 1, providerQuotaLeft: [:])
        #expect(health.mode == .safe && health.errorRate == 0.2)
        let few = Health(freeDiskBytes: nil, freeDiskPath: nil, residentMemoryBytes: nil, calls: Array(failing.prefix(3)), now: 1010,
                         windowSeconds: 300, maxErrorRate: 0.1, budgetLeft: 1, providerQuotaLeft: [:])
        #expect(few.mode == .normal)
        let later = Health(freeDiskBytes: nil, freeDiskPath: nil, residentMemoryBytes: nil, calls: failing, now: 1400, windowSeconds: 300,
                           maxErrorRate: 0.1, budgetLeft: 1, providerQuotaLeft: [:])
        #expect(later.mode == .normal)
        #expect(Health(freeDiskBytes: 5 * 1_048_576, freeDiskPath: "/x", residentMemoryBytes: nil, calls: [], now: 0, windowSeconds: 1,
                       maxErrorRate: 0.1, budgetLeft: 1, providerQuotaLeft: [:]).diskProblem(floorBytes: 100 * 1_048_576)?.contains("health.min_free_disk_mb") == true)
    }
}
