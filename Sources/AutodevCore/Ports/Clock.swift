#if canImport(Glibc)
import Glibc
#endif

/// Time as the run sees it: wall-clock seconds for records and budgets, monotonic milliseconds
/// for timeouts, and a sleep that a stop request cuts short. Tests pass a `ManualClock`, so a
/// rate limiter, a breaker or a backoff is tested without sleeping.
public protocol WallClock: Sendable {
    /// Seconds since the epoch.
    func now() -> Int64
    /// Milliseconds from an arbitrary origin that never goes backwards.
    func monotonicMilliseconds() -> Int64
    /// Waits `milliseconds`, looking at `stopRequested` at least every 50 ms. Returns false
    /// when a stop cut the wait short.
    func sleep(milliseconds: Int64, stopRequested: () -> StopReason?) -> Bool
    /// Milliseconds since the epoch, for limits that must hold across runs.
    func nowMilliseconds() -> Int64
}

extension WallClock {
    public func nowMilliseconds() -> Int64 { now() * 1000 }
}

/// The machine's clocks.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }

    public func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    public func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    public func sleep(milliseconds: Int64, stopRequested: () -> StopReason?) -> Bool {
        let end = monotonicMilliseconds() + max(0, milliseconds)
        while true {
            if stopRequested() != nil { return false }
            let left = end - monotonicMilliseconds()
            if left <= 0 { return true }
            usleep(useconds_t(min(left, 50) * 1000))
        }
    }
}

/// A clock that moves only when told to: `sleep` advances it at once. For tests.
final class ManualClock: WallClock, @unchecked Sendable {
    private var seconds: Int64
    private var milliseconds: Int64 = 0
    /// Every sleep asked for, in milliseconds, in order.
    public private(set) var sleeps: [Int64] = []

    public init(now: Int64) { seconds = now }

    public func now() -> Int64 { seconds + milliseconds / 1000 }
    public func monotonicMilliseconds() -> Int64 { milliseconds }
    public func nowMilliseconds() -> Int64 { seconds * 1000 + milliseconds }
    public func advance(milliseconds delta: Int64) { milliseconds += delta }

    public func sleep(milliseconds delta: Int64, stopRequested: () -> StopReason?) -> Bool {
        if stopRequested() != nil { return false }
        sleeps.append(delta)
        milliseconds += max(0, delta)
        return true
    }
}
