/// A failure autodev reports to its user: a stable code, a message that names the thing and
/// says what to do, and the exit status that goes with it.
public struct AutodevError: Error, Sendable, CustomStringConvertible {
    /// Exit statuses, documented in `--help`, the man page and docs/exit-status.md.
    public enum ExitStatus: Int32, Sendable, CaseIterable {
        /// Something failed that is not the user's input (I/O, libgit2, a bug).
        case failure = 1
        /// The configuration is invalid: file, key and line are named.
        case config = 2
        /// The repository or a revision cannot be used: not a repository, unknown revision, a
        /// checkpoint missing from a shallow clone, `--worktree` in a bare repository, a
        /// repository format libgit2 1.5 cannot read (SHA-256 object names, reftable refs).
        case repository = 3
        /// Someone else moved autodev's results branch or checkpoint during or between runs;
        /// nothing was overwritten.
        case conflict = 4
        /// The command line is wrong (unknown flag, missing value, malformed range).
        case usage = 64
        /// Another `sync` holds the repository's lock and `--no-wait` was given (EX_TEMPFAIL).
        case busy = 75
        /// Stopped by SIGINT: finished work was kept, the rest stays pending.
        case interrupted = 130
        /// Stopped by SIGTERM: finished work was kept, the rest stays pending.
        case terminated = 143

        /// What the status means, for `--help`, the man page and docs/exit-status.md: the one
        /// table they are all printed from.
        public var meaning: String {
            switch self {
            case .failure: "failure not caused by the input (I/O, libgit2, a bug); for sync also work that failed: a generator command, a conflict parked the first time"
            case .config: "invalid configuration (the message names file, key and line)"
            case .repository: "the repository or a revision cannot be used (not a repository, unknown revision, checkpoint missing from a shallow clone, --worktree in a bare repository)"
            case .conflict: "the results branch or the checkpoint was moved by someone else; nothing was overwritten (the message says how to restore it)"
            case .usage: "usage error (unknown subcommand, option or action, with a suggestion when one is close; malformed range; a --test-report file that cannot be read or is not JUnit XML)"
            case .busy: "try again later: another sync is running and --no-wait was given, or sync --ci lost the push race twice (nothing was overwritten; the next scheduled run continues)"
            case .interrupted: "sync stopped by SIGINT (finished work saved, the rest pending)"
            case .terminated: "sync stopped by SIGTERM (likewise)"
            }
        }

        /// Every status autodev exits with, 0 first, with its meaning.
        public static var table: [(code: Int32, meaning: String)] {
            [(0, "success (an empty range is success: \"no changes\")")] + allCases.map { ($0.rawValue, $0.meaning) }
        }
    }

    public enum Code: String, Sendable {
        case invalidConfig, notARepository, unknownRevision, malformedRange, shallowHistory,
             bareRepository, gitFailure, ioFailure, lockBusy, resultsMoved, invalidPatterns, invalidTemplate,
             generatorFailed, outputCollision, unsafePath, interrupted, unsupportedRepository, missingObject,
             invalidTestReport, cacheFailure
    }

    public let code: Code
    public let message: String
    public let exitStatus: ExitStatus
    /// The config key involved, when there is one.
    public let key: String?

    public var description: String { message }

    public init(_ code: Code, _ message: String, exitStatus: ExitStatus, key: String? = nil) {
        self.code = code
        self.message = message
        self.exitStatus = exitStatus
        self.key = key
    }

    /// A stop request (SIGINT or SIGTERM) that ended the run at a point where nothing is kept.
    public static func stopped(by signal: Int32, while doing: String) -> AutodevError {
        AutodevError(.interrupted, "stopped by signal \(signal) while \(doing)", exitStatus: signal == 15 ? .terminated : .interrupted)
    }

    static func config(file: String, line: Int?, key: String? = nil, _ problem: String) -> AutodevError {
        let place = line.map { "\(file):\($0)" } ?? file
        return AutodevError(.invalidConfig, "\(place): \(problem)", exitStatus: .config, key: key)
    }
}
