internal import Synchronization

/// The latencies one run measured, on their way into metrics.json's histograms
/// (`Metrics.latency`). Every time comes from the run's injected clock (`WallClock`), so a
/// test with a `ManualClock` knows each figure exactly.
///
/// The recording API, for any stage of a run (small on purpose; other code calls it):
///
///     timings.observe(.validation, milliseconds: 420)           // a time measured elsewhere
///     let answer = try timings.measure(.tier("pattern")) { … }  // times the closure
///     timings.observe(.init(name: "stage", label: "decide"), milliseconds: 3)
///
/// A series is a name and an optional label; the known ones are `sync` (one pass of a run),
/// `tier` (label: the tier), `llm_call` (label: the provider) and `validation`. A new name
/// becomes `autodev_<name>_duration_seconds{label="…"}` in `autodev metrics` with nothing
/// else to change. `RunRecorder.persist` adds a run's observations to the totals once, with
/// the run's other counts (a run redone after a crash is not counted twice).
final class RunTimings: Sendable {
    /// What was timed: `name` (snake case) and an optional label value.
    public struct Series: Hashable, Sendable, Codable {
        public var name: String
        public var label: String?

        public init(name: String, label: String? = nil) {
            self.name = name
            self.label = label
        }

        /// One pass of `sync`, from its start to its state saved.
        public static let sync = Series(name: "sync")
        /// One run of `[validate] command` (baseline or answer).
        public static let validation = Series(name: "validation")
        /// One piece of work in tiers 1–2 (label pattern, template, offline, …), or one change
        /// through tier 5 (`llm`), or the reuse stage of tiers 3–4 (`reuse`).
        public static func tier(_ tier: String) -> Series { Series(name: "tier", label: tier) }
        /// One request to a model (label: the provider's name).
        public static func llmCall(provider: String) -> Series { Series(name: "llm_call", label: provider) }

        /// The key in metrics.json: `name` or `name:label`.
        public var key: String { label.map { "\(name):\($0)" } ?? name }

        public init(key: String) {
            if let colon = key.firstIndex(of: ":") {
                self.init(name: String(key[..<colon]), label: String(key[key.index(after: colon)...]))
            } else {
                self.init(name: key)
            }
        }

        /// The Prometheus label name for `label`: what it is for the known series.
        public var labelName: String {
            switch name {
            case "tier": "tier"
            case "llm_call": "provider"
            default: "label"
            }
        }
    }

    private let clock: any WallClock
    private let histograms = Mutex<[String: LatencyHistogram]>([:])

    public init(clock: any WallClock) {
        self.clock = clock
    }

    public func observe(_ series: Series, milliseconds: Int64) {
        histograms.withLock { $0[series.key, default: LatencyHistogram()].observe(milliseconds: milliseconds) }
    }

    /// Runs `body` and observes how long it took, whether it returned or threw.
    public func measure<T, E: Error>(_ series: Series, _ body: () throws(E) -> T) throws(E) -> T {
        let started = clock.monotonicMilliseconds()
        defer { observe(series, milliseconds: clock.monotonicMilliseconds() - started) }
        return try body()
    }

    /// What was observed so far, by series key.
    public func snapshot() -> [String: LatencyHistogram] {
        histograms.withLock { $0 }
    }
}
