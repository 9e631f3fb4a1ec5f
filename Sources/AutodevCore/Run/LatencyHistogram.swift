/// A cumulative latency histogram with fixed buckets, as Prometheus keeps one: counts per
/// bucket, the sum and the count, so a scraper can compute any quantile over any window
/// (`histogram_quantile`) and runs add up exactly (a mean cannot be added, nor a percentile).
///
/// The buckets are fixed (`standardBounds`, milliseconds) so every run's histogram adds to the
/// totals in metrics.json; a stored histogram with other bounds (an older autodev) is dropped
/// and starts again rather than being mixed.
struct LatencyHistogram: Sendable, Codable, Equatable {
    /// Upper bounds in milliseconds: 5 ms (a pattern) to 10 minutes (a slow model or test suite).
    public static let standardBounds: [Int64] = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
                                                 120_000, 300_000, 600_000]

    /// Upper bounds in milliseconds, ascending; the last bucket (`counts.last`) is +Inf.
    public var bounds: [Int64]
    /// Observations per bucket, *not* cumulative: `counts[i]` fell in (bounds[i-1], bounds[i]];
    /// one more entry than `bounds`, for what was above the largest bound.
    public var counts: [Int]
    public var count: Int
    public var sumMilliseconds: Int64

    public init(bounds: [Int64] = LatencyHistogram.standardBounds) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
        count = 0
        sumMilliseconds = 0
    }

    public mutating func observe(milliseconds: Int64) {
        let value = max(0, milliseconds)
        let index = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[index] += 1
        count += 1
        sumMilliseconds += value
    }

    /// Adds `other`'s observations; one with other bounds replaces this one's instead (see above).
    public mutating func add(_ other: LatencyHistogram) {
        guard other.bounds == bounds, other.counts.count == counts.count else {
            self = other
            return
        }
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        sumMilliseconds += other.sumMilliseconds
    }

    /// (upper bound in ms, nil for +Inf; observations at or below it), as `_bucket{le=…}` shows.
    public var cumulative: [(le: Int64?, count: Int)] {
        var running = 0
        var out: [(le: Int64?, count: Int)] = []
        for (index, bucketCount) in counts.enumerated() {
            running += bucketCount
            out.append((index < bounds.count ? bounds[index] : nil, running))
        }
        return out
    }

    /// The `q` quantile in milliseconds, estimated as Prometheus's `histogram_quantile` does:
    /// linear within the bucket it falls in (from 0 for the first); in the +Inf bucket, the
    /// largest bound. Nil with no observations.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = q * Double(count)
        var below = 0
        for (index, bucketCount) in counts.enumerated() {
            let above = below + bucketCount
            if Double(above) >= rank, bucketCount > 0 {
                guard index < bounds.count else { return Double(bounds.last ?? 0) }
                let lower = index == 0 ? 0 : Double(bounds[index - 1])
                let upper = Double(bounds[index])
                return lower + (upper - lower) * (rank - Double(below)) / Double(bucketCount)
            }
            below = above
        }
        return Double(bounds.last ?? 0)
    }
}
