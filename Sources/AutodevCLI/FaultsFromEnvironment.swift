#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore
import Synchronization

/// The crash-safety tests' hooks, read from the environment by the CLI alone (the core only
/// sees a `FaultInjector`). At the `FaultPoint` named by
/// - `AUTODEV_TEST_KILL_AT` the process kills itself with SIGKILL, so tests can prove a crash
///   anywhere loses nothing;
/// - `AUTODEV_TEST_SIGNAL_AT` it sends itself SIGTERM, to test graceful stops;
/// - `AUTODEV_TEST_PAUSE_AT`, with `AUTODEV_TEST_PAUSE_FIFO=PATH`, it stops once, for races
///   between two syncs: it opens the FIFO PATH for writing (the test, reading, learns it
///   arrived), then PATH.go for reading (it goes on when the test opens that for writing).
/// A name that is no `FaultPoint` is never reached, as before.
final class FaultsFromEnvironment: FaultInjector {
    private let killAt: String?
    private let signalAt: String?
    private let pauseAt: String?
    private let pauseFIFO: String?
    /// Once per run: a run that goes round again does not wait twice.
    private let pausedOnce = Atomic<Bool>(false)

    init(_ environment: [String: String]) {
        killAt = environment["AUTODEV_TEST_KILL_AT"]
        signalAt = environment["AUTODEV_TEST_SIGNAL_AT"]
        pauseAt = environment["AUTODEV_TEST_PAUSE_AT"]
        pauseFIFO = environment["AUTODEV_TEST_PAUSE_FIFO"]
    }

    func reached(_ point: FaultPoint) {
        if pauseAt == point.rawValue, let fifo = pauseFIFO, !pausedOnce.exchange(true, ordering: .relaxed) {
            let here = open(fifo, O_WRONLY)
            if here >= 0 { close(here) }
            let go = open(fifo + ".go", O_RDONLY)
            if go >= 0 { close(go) }
        }
        if killAt == point.rawValue {
            kill(getpid(), SIGKILL)
        }
        if signalAt == point.rawValue {
            kill(getpid(), SIGTERM)
        }
    }
}
