#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Phase timings, for finding where a run's time goes without a profiler.
///
/// With `AUTODEV_TRACE=1` in the environment, `Trace.phase(_:)` prints the wall time since the
/// previous phase (the first one: since `Trace.start()`, called first thing in `main`) on stderr,
/// e.g. `autodev: trace: tree walk (375 changes) 9.31 ms`. Without it a phase costs one check of
/// a flag. Phases are marked from the main thread only.
public enum Trace {
    public static let enabled: Bool = {
        guard let value = getenv("AUTODEV_TRACE") else { return false }
        return value.pointee != 0 && !(value[0] == UInt8(ascii: "0") && value[1] == 0)
    }()

    nonisolated(unsafe) private static var last: Double = 0

    public static func start() {
        guard enabled else { return }
        last = now()
    }

    public static func phase(_ name: @autoclosure () -> String) {
        guard enabled else { return }
        let time = now()
        let line = "autodev: trace: \(name()) \(format(time - last)) ms\n"
        last = time
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1_000_000
    }

    private static func format(_ milliseconds: Double) -> String {
        let hundredths = Int((milliseconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
