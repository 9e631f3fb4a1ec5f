@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// The pieces behind `autodev metrics` and `report --html`: the cumulative histogram, the
/// timings API on an injected clock, the Prometheus text (read back by the reference parser)
/// and the page's escaping of untrusted text.
@Suite struct MetricsTests {
    @Test func aHistogramCountsEachObservationInTheFirstBucketThatHoldsItAndIsCumulativeOnOutput() {
        var histogram = LatencyHistogram()
        for value: Int64 in [0, 5, 6, 10, 11, 700_000] { histogram.observe(milliseconds: value) }
        #expect(histogram.count == 6 && histogram.sumMilliseconds == 700_032)
        let cumulative = histogram.cumulative
        #expect(cumulative.count == LatencyHistogram.standardBounds.count + 1)
        #expect(cumulative[0].le == 5 && cumulative[0].count == 2, "0 and 5 are ≤ 5 ms")
        #expect(cumulative[1].le == 10 && cumulative[1].count == 4)
        #expect(cumulative[2].le == 25 && cumulative[2].count == 5)
        #expect(cumulative.last!.le == nil && cumulative.last!.count == 6, "700 s only in +Inf")
        #expect(cumulative[cumulative.count - 2].count == 5)
        #expect(zip(cumulative, cumulative.dropFirst()).allSatisfy { $0.count <= $1.count })
    }

    @Test func quantilesInterpolateWithinTheirBucketAsHistogramQuantileDoes() {
        var histogram = LatencyHistogram()
        #expect(histogram.quantile(0.5) == nil)
        for _ in 0..<4 { histogram.observe(milliseconds: 20) }  // all in (10, 25]
        #expect(histogram.quantile(0.5) == 17.5, "10 + 15 × 2/4")
        #expect(histogram.quantile(1) == 25)
        histogram.observe(milliseconds: 1_000_000)
        #expect(histogram.quantile(0.99) == 600_000, "in +Inf: the largest bound")
    }

    @Test func histogramsAddUpAndOneWithOtherBoundsIsReplacedNotMixed() {
        var a = LatencyHistogram(), b = LatencyHistogram()
        a.observe(milliseconds: 3)
        b.observe(milliseconds: 3)
        b.observe(milliseconds: 4000)
        a.add(b)
        #expect(a.count == 3 && a.sumMilliseconds == 4006 && a.counts[0] == 2)
        var old = LatencyHistogram(bounds: [1, 2])
        old.observe(milliseconds: 1)
        old.add(b)
        #expect(old == b)
    }

    @Test func measureTimesTheBodyOnTheInjectedClockWhetherItReturnsOrThrows() {
        let clock = ManualClock(now: 1_800_000_000)
        let timings = RunTimings(clock: clock)
        let value = timings.measure(.tier("pattern")) { () -> Int in
            clock.advance(milliseconds: 1234)
            return 7
        }
        #expect(value == 7)
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try timings.measure(.validation) { () throws(Failure) -> Void in
                clock.advance(milliseconds: 40)
                throw Failure()
            }
        }
        timings.observe(.llmCall(provider: "p"), milliseconds: 9)
        let snapshot = timings.snapshot()
        #expect(snapshot["tier:pattern"]?.sumMilliseconds == 1234 && snapshot["tier:pattern"]?.cumulative[7].count == 0
                && snapshot["tier:pattern"]?.cumulative[8].count == 1, "1234 ms: above 1 s, within 2.5 s")
        #expect(snapshot["validation"]?.sumMilliseconds == 40)
        #expect(snapshot["llm_call:p"]?.count == 1)
        #expect(RunTimings.Series(key: "llm_call:p") == .llmCall(provider: "p"))
    }

    @Test func aRunRedoneAfterACrashAddsItsLatenciesOnce() throws {
        let folder = try TemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let store = StateStore(root: folder.path)
        let recorder = RunRecorder(store: store)
        var histogram = LatencyHistogram()
        histogram.observe(milliseconds: 120)
        let record = RunRecord(id: "run-1", startedAt: 1, finishedAt: 2, from: nil, to: nil, status: .completed, events: 1, decisions: [:],
                               workItems: 0, skips: [:], tiers: [:], llmCallsAvoided: 0, pending: 0, awaitingLLM: 0, resultsCommit: nil,
                               conflicts: [], notes: [], llm: nil)
        let counts = RunRecorder.Counts(events: 1, decisions: [], items: [], eventKinds: ["codeModified": 1])
        for _ in 0..<2 { try recorder.persist(run: record, decisions: [], counts: counts, state: SyncState(), latency: ["sync": histogram]) }
        let metrics = store.loadMetrics().0
        #expect(metrics.latency?["sync"]?.count == 1 && metrics.runs == 1 && metrics.eventKinds == ["codeModified": 1])
        // And it survives the round trip through metrics.json.
        let data = try JSONEncoder().encode(metrics)
        #expect(try JSONDecoder().decode(Metrics.self, from: data) == metrics)
    }

    @Test func thePrometheusTextParsesWithTheReferenceParserAndKeepsHostileLabelValues() throws {
        var metrics = Metrics()
        metrics.runs = 3
        metrics.decisions = ["newImplementation": 2, "skip": 1]
        metrics.errors = ["a\"b\\c\nd": 2]
        var histogram = LatencyHistogram()
        for value: Int64 in [3, 30, 300, 3000] { histogram.observe(milliseconds: value) }
        metrics.latency = ["sync": histogram, "llm_call:pro\"vider": histogram]
        let resilience = ResilienceReport(spending: .init(today: 0.5, month: 1.25, tokensToday: 0, maxCostPerDay: 2, maxCostPerMonth: 0, maxCostPerRun: 0,
                                                          maxTokensPerDay: 0, unconfirmedCalls: 0, ledger: "-"),
                                          providers: [], health: Health(freeDiskBytes: nil, freeDiskPath: nil, residentMemoryBytes: nil, calls: [], now: 0,
                                                                        windowSeconds: 1, maxErrorRate: 1, budgetLeft: 0.75, providerQuotaLeft: [:]),
                                          warnings: [])
        let snapshot = MetricsSnapshot(metrics: metrics, state: SyncState(), runs: [], resilience: resilience)
        let parsed = try PrometheusParser.parse(PrometheusText.render(snapshot))
        #expect(parsed["autodev_runs counter"]?.first?.value == 3, "\(parsed.keys.sorted())")
        #expect(parsed["autodev_errors counter"]?.first?.labels["code"] == "a\"b\\c\nd")
        #expect(parsed["autodev_budget_left_ratio gauge"]?.first?.value == 0.75)
        #expect(parsed["autodev_cost_month_usd gauge"]?.first?.value == 1.25)
        let sync = try #require(parsed["autodev_sync_duration_seconds histogram"])
        #expect(sync.first { $0.name.hasSuffix("_count") }?.value == 4)
        #expect(sync.first { $0.name.hasSuffix("_sum") }?.value == 3.333)
        #expect(sync.first { $0.labels["le"] == "0.005" }?.value == 1 && sync.first { $0.labels["le"] == "+Inf" }?.value == 4)
        let calls = try #require(parsed["autodev_llm_call_duration_seconds histogram"])
        #expect(calls.allSatisfy { $0.labels["provider"] == "pro\"vider" })
    }

    @Test func untrustedTextCannotLeaveItsPlaceInThePageAndTheEmbeddedDataReadsBackWhole() throws {
        let hostile = "</script><img src=x onerror=alert(1)><script>alert(2)</script> & \u{2028}"
        var state = SyncState()
        state.failedValidation = ["w": FailedValidation(fingerprint: "f", rounds: 2, output: hostile, at: 0, subject: hostile)]
        let resilience = ResilienceReport(spending: .init(today: 0, month: 0, tokensToday: 0, maxCostPerDay: 0, maxCostPerMonth: 0, maxCostPerRun: 0,
                                                          maxTokensPerDay: 0, unconfirmedCalls: 0, ledger: "-"),
                                          providers: [], health: Health(freeDiskBytes: nil, freeDiskPath: nil, residentMemoryBytes: nil, calls: [], now: 0,
                                                                        windowSeconds: 1, maxErrorRate: 1, budgetLeft: 1, providerQuotaLeft: [:]),
                                          warnings: [hostile])
        var metrics = Metrics()
        metrics.tiers = [hostile: 1]
        let snapshot = MetricsSnapshot(metrics: metrics, state: state, runs: [], resilience: resilience)
        let data = ReportData(metrics: snapshot, state: state, runs: [], resilience: resilience, warnings: [], now: 1_800_000_000)
        let page = try HTMLReport.render(data)
        #expect(!page.contains("<img") && !page.contains("alert(2)</script>"))
        #expect(page.components(separatedBy: "<script").count == 3, "only the data block and the page's own script")
        #expect(page.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
        let start = try #require(page.range(of: "<script type=\"application/json\" id=\"autodev-data\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let embedded = String(page[start.upperBound..<end.lowerBound])
        #expect(!embedded.contains("<") && !embedded.contains("\u{2028}"))
        #expect(try JSONDecoder().decode(ReportData.self, from: Data(embedded.utf8)) == data)
    }
}
