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
        // counted from feature 0 in each; one in 20 of the others (feature 1, 21, …) goes to the
        // simulated model (tier 5), one call per sync that has any; the rest are answered by the
        // templates (tier 2). With --patterns-only, all of them are legacy.
        var legacy = 0, modelled = 0, calls = 0
        for share in shares {
            for index in 0..<share where !patternsOnly {
                if index % 4 == 0 { legacy += 1 } else if index % 20 == 1 { modelled += 1 }
            }
            if !patternsOnly { calls += stride(from: 0, to: share, by: batch).filter { first in (first..<min(share, first + batch)).contains { $0 % 20 == 1 } }.count }
        }
        if patternsOnly { legacy = events }
        let tiers = try #require(report["tiers"] as? [String: Int])
        #expect(tiers["pattern"] == legacy, "\(tiers)")
        #expect(tiers["llm"] == (modelled == 0 ? nil : modelled), "\(tiers)")
        #expect(tiers["template"] == (patternsOnly ? nil : events - legacy - modelled), "\(tiers)")
        #expect(report["modelCalls"] as? Int == calls)
        #expect(((report["modelMilliseconds"] as? NSNumber)?.doubleValue ?? 0) > 0 || calls == 0)
        let perEvent = try #require(report["perEvent"] as? [String: Any])
        #expect(perEvent["count"] as? Int == events)
        let p50 = try #require((perEvent["p50"] as? NSNumber)?.doubleValue)
        let p99 = try #require((perEvent["p99"] as? NSNumber)?.doubleValue)
        #expect(p50 > 0 && p50 <= p99)
        let stages = try #require(report["stages"] as? [String: [String: Any]])
        #expect(Set(stages.keys).isSuperset(of: ["setup", "events", "deciding", "tiers", "results", "saving"] + (calls > 0 ? ["model"] : [])), "\(stages.keys)")
        #expect(((report["eventsPerCPUSecond"] as? NSNumber)?.doubleValue ?? 0) > 0)
        // The throughput's time is the syncs' (their stages, summed), not the commits written
        // between them: with one repository the two are the same marks.
        if concurrency == 1 {
            let stagesMilliseconds = stages.values.compactMap { ($0["totalMilliseconds"] as? NSNumber)?.doubleValue }.reduce(0, +)
            let seconds = try #require((report["seconds"] as? NSNumber)?.doubleValue)
            #expect(abs(seconds * 1000 - stagesMilliseconds) <= 1e-6 * stagesMilliseconds + 1e-3, "\(seconds) s, stages \(stagesMilliseconds) ms")
            let setup = try #require((report["setupSeconds"] as? NSNumber)?.doubleValue)
            #expect(setup > 0)
        }
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
        for line in ["throughput: ", "per event ", "stage tiers ", "work done: 1 by llm, 5 by pattern, 14 by template; model calls: 1 (", "peak memory: "] {
            #expect(result.stdout.contains(line), "\(line)")
        }
        let bad = try AutodevBinary.run(["stress-test", "--events", "0"], in: scratch.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--events must be at least 1"))
    }
}
