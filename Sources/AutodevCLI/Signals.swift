#if canImport(Glibc)
import Glibc
#endif
import Synchronization
internal import AutodevCore

/// SIGINT and SIGTERM ask a sync to stop between two pieces of work; the handler only records
/// which signal came (an atomic store is async-signal-safe).
enum Signals {
    private static let received = Atomic<Int32>(0)

    static func install() {
        // A parent may have started us with these signals blocked (threads of a test runner or
        // of a Dispatch-based tool do); unblock them so a stop request arrives.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for signal in [SIGINT, SIGTERM] {
            Glibc.signal(signal) { number in
                Signals.received.store(number, ordering: .relaxed)
            }
        }
    }

    /// The stop asked for, nil until a signal came.
    static var stopRequested: StopReason? { StopReason(signal: received.load(ordering: .relaxed)) }
}
