#if canImport(Glibc)
import Glibc
#endif

/// Percentiles of millions of timings in fixed memory: log-spaced buckets, each 1 % wider than
/// the one below, from 0.1 µs to about 3 hours (2,546 counters, 20 KB), so `stress-test` keeps
/// the same memory at 10,000 events as at 1,000,000 (an array of every event's time was 8 MB a
/// million, and sorting it twice that). A percentile is the upper bound of the bucket its rank
/// falls in — within 1 % above the true nearest-rank value — clamped to the exact minimum and
/// maximum, which are kept, as are the count and the sum.
///
/// `LatencyHistogram` is the other histogram: Prometheus's few wide buckets in whole
/// milliseconds, for metrics across runs; far too coarse for one event's 0.05 ms.
struct QuantileHistogram: Sendable, Equatable {
    /// The lower edge of the first bucket, in milliseconds (0.1 µs); smaller values count there.
    static let smallest = 0.0001
    /// Each bucket's upper bound is this times its lower bound.
    static let growth = 1.01
    static let bucketCount = 2_546

    private(set) var counts = [Int](repeating: 0, count: QuantileHistogram.bucketCount)
    private(set) var count = 0
    private(set) var sum = 0.0
    private(set) var minimum = Double.infinity
    private(set) var maximum = 0.0

    static func bucket(of value: Double) -> Int {
        guard value > smallest else { return 0 }
        let index = Int((log(value / smallest) / log(growth)).rounded(.up))
        return Swift.min(bucketCount - 1, Swift.max(0, index))
    }

    /// The upper bound of bucket `index`, in milliseconds.
    static func upperBound(_ index: Int) -> Double { smallest * pow(growth, Double(index)) }

    mutating func observe(_ milliseconds: Double) {
        let value = Swift.max(0, milliseconds)
        counts[Self.bucket(of: value)] += 1
        count += 1
        sum += value
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
    }

    mutating func add(_ other: QuantileHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The nearest-rank `q` quantile (see the type's comment); 0 with no observations.
    func quantile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= rank { return Swift.min(maximum, Swift.max(minimum, Self.upperBound(index))) }
        }
        return maximum
    }
}
