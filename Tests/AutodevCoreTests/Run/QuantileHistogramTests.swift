@testable import AutodevCore
import Foundation
import Testing

/// stress-test's percentiles come from fixed buckets (`QuantileHistogram`), so its memory does
/// not grow with the events: the estimates must stay within the promised 1 % of the exact
/// nearest-rank values, and merging must equal observing everything in one.
@Suite struct QuantileHistogramTests {
    /// Exact nearest-rank quantile of sorted values (the oracle).
    static func exact(_ sorted: [Double], _ q: Double) -> Double {
        sorted[max(0, min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
    }

    @Test func percentilesAreWithinOnePercentOfTheExactNearestRank() {
        // Deterministic spread over six decades (0.001 ms to 1 s), skewed like latencies.
        var generator = SplitMix(seed: 23)
        var values: [Double] = []
        var histogram = QuantileHistogram()
        for _ in 0..<50_000 {
            let value = 0.001 * pow(10, 6 * Double(generator.next() % 1_000_000) / 1_000_000)
            values.append(value)
            histogram.observe(value)
        }
        let sorted = values.sorted()
        for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let estimate = histogram.quantile(q), truth = Self.exact(sorted, q)
            #expect(estimate >= truth, "q \(q): \(estimate) below \(truth)")
            #expect(estimate <= truth * 1.01, "q \(q): \(estimate) more than 1 % above \(truth)")
        }
        #expect(histogram.count == 50_000)
        #expect(histogram.maximum == sorted.last)
        #expect(histogram.quantile(1) == sorted.last)
        #expect(abs(histogram.sum - values.reduce(0, +)) < 1e-6 * histogram.sum)
        #expect(histogram.counts.count == QuantileHistogram.bucketCount)
    }

    @Test func mergedHistogramsEqualOneThatSawEverything() {
        var all = QuantileHistogram(), left = QuantileHistogram(), right = QuantileHistogram()
        for index in 0..<2_000 {
            let value = Double(index % 97) * 0.37 + 0.01
            all.observe(value)
            if index % 3 == 0 { left.observe(value) } else { right.observe(value) }
        }
        left.add(right)
        #expect(left.counts == all.counts)
        #expect(left.count == all.count && left.maximum == all.maximum && left.minimum == all.minimum)
        #expect(left.quantile(0.99) == all.quantile(0.99))
        #expect(QuantileHistogram().quantile(0.5) == 0)
    }

    /// A small deterministic generator (no system randomness in tests).
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
