/// A failure autodev reports to its user: a stable code, a message that names the thing and
/// says what to do, and the exit status that goes with it.
public struct AutodevError: Error, Sendable, CustomStringConvertible {
    /// Exit statuses, documented in `--help`, the man page and docs/exit-status.md.
    /// Exit statuses, documented in `--help`, the man page and docs/exit-status.md, all three
    /// printed from this enum (a test holds the docs file to it). Which status an error exits
    /// with is decided once, by its code (`Code.exitStatus`), never where it is thrown.
    public enum ExitStatus: Int32, Sendable, CaseIterable {
        /// The command did what was asked; an empty range is success too.
        case success = 0
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
        /// The command line is wrong (unknown flag, missing value, malformed range): 64 is
        /// sysexits' EX_USAGE, as swift-argument-parser's `ValidationError` exits.
        case usage = 64
        /// Another `sync` holds the repository's lock and `--no-wait` was given (EX_TEMPFAIL).
        case busy = 75
        /// Stopped by SIGINT (128 + 2, see `StopReason.exitStatus`): finished work was kept,
        /// the rest stays pending.
        case interrupted = 130
        /// Stopped by SIGTERM (128 + 15): finished work was kept, the rest stays pending.
        case terminated = 143

        /// What the status means, short, for `--help` and the man page.
        public var meaning: String {
            switch self {
            case .success: "success (an empty range is success: \"no changes\")"
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

        /// What the status means, in full, for docs/exit-status.md (Markdown).
        public var documentation: String {
            switch self {
            case .success: "success; an empty range is success (\"no changes\")"
            case .failure: "a failure not caused by the input (I/O, libgit2, a bug); for `sync` also work that failed (a generator command, a conflict parked the first time); under `sync --ci`, a `git fetch` or `git push` that failed (the message quotes git)"
            case .config: "invalid configuration — the message names file, key and line (or the environment variable); a `[validate] command` whose program is not installed where autodev runs (`/bin/sh` exits 127, \"not found\": the message names the program and says to install it or set `[validate] command`; only the sync that first finds it exits 2, later ones exit 0 while `status` and `doctor` show it, and its `validate` decisions are recorded \"not validated\"); a hook manager's file `autodev hooks install` will not edit (a `lefthook-local.yml` with its own `post-commit:`); a `loop.checkpoint_ref` outside `refs/autodev/`, or a `loop.results_branch` that is not a valid branch name, is the branch checked out, or is an existing branch autodev did not create"
            case .repository: "the repository or a revision cannot be used: a shallow clone that does not reach the checkpoint under `sync --ci` without `--deepen`, not a repository, unknown revision, a checkpoint or parent missing from a shallow clone, a checkpoint that is not a commit or names an object a full clone does not have (the message says to delete it, and the next sync adopts afresh), `--worktree` in a bare repository, a repository libgit2 1.5 cannot read (SHA-256 object names, reftable refs, an unknown extension)"
            case .conflict: "the results branch (or the checkpoint or queue) was moved by someone else, or points at something that is not a commit; nothing was overwritten, the message says how to inspect it and put autodev's own branch back"
            case .usage: "usage error: unknown subcommand, flag or action (with \"Did you mean …?\" when one is close), malformed range, `RANGE` together with `--worktree`, a `--test-report` file that cannot be read or is not JUnit XML, a `test-event --path` that makes no event of the kind asked, an unknown run for `history show`, a file given to `report --html`"
            case .busy: "another sync is running and `--no-wait` was given; or `sync --ci` lost the race for autodev's refs twice (nothing pushed or overwritten; the next run continues)"
            case .interrupted: "`sync` stopped by SIGINT (within a second, also while deciding or waiting for the lock): finished work saved, the rest pending"
            case .terminated: "`sync` stopped by SIGTERM, likewise"
            }
        }

        /// Every status autodev exits with, 0 first, with its meaning.
        public static var table: [(code: Int32, meaning: String)] {
            allCases.map { ($0.rawValue, $0.meaning) }
        }
    }

    /// What went wrong, stable across versions (run history records it). Each code declares
    /// the status it exits with, so one code never exits two ways.
    public enum Code: String, Sendable, CaseIterable {
        case invalidConfig, notARepository, unknownRevision, malformedRange, shallowHistory,
             bareRepository, gitFailure, ioFailure, lockBusy, resultsMoved, invalidPatterns, invalidTemplate,
             generatorFailed, outputCollision, unsafePath, interrupted, unsupportedRepository, missingObject,
             invalidTestReport, cacheFailure
        /// An argument names something that is not there or cannot be used (`history show`
        /// of an unknown run, `report --html` given a file, a `test-event --path` that makes no
        /// event of the kind asked): a usage error, not an I/O failure.
        case invalidArgument
        /// autodev broke one of its own rules (a bug), not the user's input.
        case internalError

        /// The one mapping from an error to the process's exit status; the CLI applies it once.
        public var exitStatus: ExitStatus {
            switch self {
            case .invalidConfig, .invalidPatterns, .invalidTemplate, .unsafePath: .config
            case .notARepository, .unknownRevision, .shallowHistory, .bareRepository, .unsupportedRepository,
                 .missingObject: .repository
            case .resultsMoved: .conflict
            case .malformedRange, .invalidTestReport, .invalidArgument: .usage
            case .lockBusy: .busy
            // A stop's status is its signal's (`AutodevError.stopReason`); SIGINT when unknown.
            case .interrupted: StopReason.interrupt.exitStatus
            case .gitFailure, .ioFailure, .generatorFailed, .outputCollision, .cacheFailure, .internalError: .failure
            }
        }
    }

    public let code: Code
    public let message: String
    /// The config key involved, when there is one.
    public let key: String?
    /// The signal that stopped the run, for `.interrupted`.
    public let stopReason: StopReason?

    /// The status the process exits with: the stop's, else the code's.
    public var exitStatus: ExitStatus { stopReason?.exitStatus ?? code.exitStatus }

    public var description: String { message }

    public init(_ code: Code, _ message: String, key: String? = nil) {
        self.code = code
        self.message = message
        self.key = key
        stopReason = nil
    }

    /// A stop request (SIGINT or SIGTERM) that ended the run; it exits with the signal's status.
    public init(stoppedBy reason: StopReason, _ message: String) {
        code = .interrupted
        self.message = message
        key = nil
        stopReason = reason
    }

    /// A stop request that ended the run at a point where nothing is kept.
    public static func stopped(by reason: StopReason, while doing: String) -> AutodevError {
        AutodevError(stoppedBy: reason, "stopped by signal \(reason.signal) while \(doing)")
    }

    static func config(file: String, line: Int?, key: String? = nil, _ problem: String) -> AutodevError {
        let place = line.map { "\(file):\($0)" } ?? file
        return AutodevError(.invalidConfig, "\(place): \(problem)", key: key)
    }
}
