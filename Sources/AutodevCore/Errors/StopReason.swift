#if canImport(Glibc)
import Glibc
#endif

/// Why a run was asked to stop: the signal that asked. Every loop that can stop looks at a
/// `() -> StopReason?` (nil: go on); the reason travels into the report and the exit status.
public enum StopReason: Sendable, Equatable, CaseIterable {
    /// SIGINT (Ctrl-C).
    case interrupt
    /// SIGTERM (a service manager, CI cancelling a job).
    case terminate

    /// The reason a signal number gives, nil for a signal autodev does not stop on.
    public init?(signal: Int32) {
        switch signal {
        case SIGINT: self = .interrupt
        case SIGTERM: self = .terminate
        default: return nil
        }
    }

    /// The signal's number, as messages and `sync --json`'s `interruptedBy` show it.
    public var signal: Int32 {
        switch self {
        case .interrupt: SIGINT
        case .terminate: SIGTERM
        }
    }

    /// The shell's convention for a process its signal ended: 128 + the signal's number (130,
    /// 143). The one place that sum is made.
    public var exitStatus: AutodevError.ExitStatus {
        guard let status = AutodevError.ExitStatus(rawValue: 128 + signal) else {
            preconditionFailure("AutodevError.ExitStatus has no row for 128 + \(signal)")
        }
        return status
    }
}

extension StopReason: Encodable {
    /// Encoded as the signal's number (`"interruptedBy": 15`), as reports always were.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(signal)
    }
}
