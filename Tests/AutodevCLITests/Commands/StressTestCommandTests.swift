import AutodevTestSupport
import Foundation
import Testing

/// `autodev stress-test`: real syncs over synthetic events in scratch repositories; the test
/// checks what it counted against the event mix it made, not how fast it went.
@Suite struct StressTestCommandTests {
    // Sizes are small: each templated answer runs the validation gate (a scratch copy and a process).
    @Test(arguments: [(1, 24, 8, false), (2, 31, 10, false), (2, 301, 100, true)])
    func itRunsEveryEventThroughRealSyncsAndCountsThem(_ concurrency: Int, _ events: Int, _ batch: Int, _ patternsOnly: Bool) throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-stress-tmp")
        defer { scratch.remove() }
        let result = try AutodevBinary.run(["stress-test", "--events", "\(events)", "--batch", "\(batch)", "--concurrency", "\(concurrency)", "--json"]
                                           + (patternsOnly ? ["--patterns-only"] : []),
                                           in: scratch.path, environment: ["TMPDIR": scratch.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(report["events"] as? Int == events)
        let shares = (0..<concurrency).map { events / concurrency + ($0 < events % concurrency ? 1 : 0) }
        let runs = shares.map { ($0 + batch - 1) / batch }.reduce(0, +)
        #expect(report["runs"] as? Int == runs)
        // A quarter of each repository's features are "legacy" (skipped by the pattern, tier 1),
        // counted from feature 0 in each; the rest are answered by the templates (tier 2).
        // With --patterns-only, all of them.
        let legacy = patternsOnly ? events : shares.map { ($0 + 3) / 4 }.reduce(0, +)
        let tiers = try #require(report["tiers"] as? [String: Int])
        #expect(tiers["pattern"] == legacy, "\(tiers)")
        #expect(tiers["template"] == (patternsOnly ? nil : events - legacy), "\(tiers)")
        #expect(report["modelCalls"] as? Int == 0)
        let perEvent = try #require(report["perEvent"] as? [String: Any])
        #expect(perEvent["count"] as? Int == events)
        let p50 = try #require((perEvent["p50"] as? NSNumber)?.doubleValue)
        let p99 = try #require((perEvent["p99"] as? NSNumber)?.doubleValue)
        #expect(p50 > 0 && p50 <= p99)
        let stages = try #require(report["stages"] as? [String: [String: Any]])
        #expect(Set(stages.keys).isSuperset(of: ["setup", "events", "deciding", "tiers", "results", "saving"]), "\(stages.keys)")
        #expect(((stages["tiers"]?["perRun"] as? [String: Any])?["count"] as? Int) == runs)
        #expect(((report["peakMemoryMiB"] as? NSNumber)?.doubleValue ?? 0) > 1)
        // The scratch repositories are gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test func theTextReportNamesThroughputPercentilesAndMemory() throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-stress-tmp")
        defer { scratch.remove() }
        let result = try AutodevBinary.run(["stress-test", "--events", "20", "--batch", "10"], in: scratch.path, environment: ["TMPDIR": scratch.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("20 events in 2 syncs (10 per commit, 1 repository at once)\n"), "\(result.stdout)")
        for line in ["throughput: ", "per event ", "stage tiers ", "work done: 5 by pattern, 15 by template; model calls: 0", "peak memory: "] {
            #expect(result.stdout.contains(line), "\(line)")
        }
        let bad = try AutodevBinary.run(["stress-test", "--events", "0"], in: scratch.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--events must be at least 1"))
    }
}
