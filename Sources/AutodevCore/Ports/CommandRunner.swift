internal import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// One command for `/bin/sh -c`: where it runs, how it is confined, what it reads and where its
/// output goes.
public struct CommandSpec: Sendable {
    public var command: String
    public var directory: String
    /// How it runs and its whole environment: the one way a command reaches the machine
    /// (`Sandbox.forModelCode` for code autodev did not write, `Sandbox.host` for the user's
    /// own tools).
    public var sandbox: Sandbox
    /// Variables autodev sets for this command (`AUTODEV_*`), over the sandbox's environment.
    public var variables: [String: String]
    /// Its stdin (nil: /dev/null).
    public var input: [UInt8]?
    public var timeoutSeconds: Int
    /// stdout is captured up to this many bytes (more ends the command: `.tooMuchOutput`).
    public var maxOutputBytes: Int
    /// Where stderr goes when it is not merged (nil: discarded).
    public var errorLog: String?
    /// Whether stderr joins stdout in `output` (a validation command's feedback needs both).
    public var mergeErrors: Bool

    public init(command: String, directory: String, sandbox: Sandbox, variables: [String: String] = [:], input: [UInt8]? = nil,
                timeoutSeconds: Int, maxOutputBytes: Int = 16 << 20, errorLog: String? = nil, mergeErrors: Bool = false) {
        self.command = command
        self.directory = directory
        self.sandbox = sandbox
        self.variables = variables
        self.input = input
        self.timeoutSeconds = timeoutSeconds
        self.maxOutputBytes = maxOutputBytes
        self.errorLog = errorLog
        self.mergeErrors = mergeErrors
    }
}

public struct CommandResult: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed after `timeoutSeconds`.
        case timedOut
        /// Ended because a stop was requested.
        case stopped
        /// Wrote more than `maxOutputBytes` and was killed.
        case tooMuchOutput
        /// Could not be started.
        case notStarted(String)
    }

    public var ending: Ending
    /// stdout (and stderr when merged), at most `maxOutputBytes`.
    public var output: [UInt8]
    public var milliseconds: Int64
}

/// Runs commands: the generator tier, the validation gate and `command` providers share it.
public protocol CommandRunner: Sendable {
    func run(_ spec: CommandSpec, stopRequested: () -> StopReason?) -> CommandResult
}

/// A started command: its own process group under a supervisor (Sources/CSpawn) that kills the
/// group if autodev dies; a timeout or a stop sends the group SIGTERM; after `grace` the
/// supervisor is told to end the program now (SIGUSR1: it kills the program, then ends and reaps
/// what the program left, bubblewrap's sandbox too), and after another `grace` the whole group
/// gets SIGKILL. Every process of the group is reaped before it counts as ended.
final class RunningCommand {
    enum Why { case stopped, timedOut, tooMuchOutput }
    enum Status: Equatable { case exited(Int32), signalled(Int32) }

    /// Between SIGTERM and "end now", and between "end now" and SIGKILL to the group, in
    /// milliseconds: short, as a stop must end within 1 s.
    static let grace: Int64 = 300

    let pid: pid_t
    let deadline: Int64
    /// Why it is being ended; when the next step is due; whether the supervisor was told to end
    /// it now (then the next step is SIGKILL to the group).
    private(set) var ending: (why: Why, killAt: Int64, endNowSent: Bool)?

    private init(pid: pid_t, deadline: Int64) {
        self.pid = pid
        self.deadline = deadline
    }

    /// Starts `/bin/sh -c command` in `directory` as `sandbox` says (under bubblewrap, or
    /// plain), in its own process group. Call it from a thread that lives as long as the run
    /// (see `autodev_spawn_group`). nil when it could not be started.
    static func start(_ command: String, directory: String, sandbox: Sandbox, variables: [String: String], inputFD: Int32, outputFD: Int32,
                      errorFD: Int32, timeoutSeconds: Int) -> RunningCommand? {
        guard let invocation = sandbox.invocation(command, directory: directory, variables: variables) else { return nil }
        _ = autodev_become_subreaper()
        let argv: [UnsafeMutablePointer<CChar>?] = invocation.arguments.map { $0.withCString { strdup($0) } } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = invocation.environment.map { "\($0.key)=\($0.value)".withCString { strdup($0) } } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // Under bubblewrap the supervisor also ends what the sandbox left outside the group.
        let pid = autodev_spawn_group_io(invocation.path, argv, envp, directory, inputFD, outputFD, errorFD,
                                         sandbox.mode == .bubblewrap ? 1 : 0)
        guard pid > 0 else { return nil }
        // Clamped, so no input can overflow.
        return RunningCommand(pid: pid, deadline: milliseconds() + Int64(min(max(timeoutSeconds, 0), 86_400 * 7)) * 1000)
    }

    /// The status once it ended (its whole group reaped), nil while it runs. Past its deadline
    /// it is asked to end.
    func poll() -> Status? {
        var code: Int32 = 0, signal: Int32 = 0
        let now = Self.milliseconds()
        if autodev_peek_exit(pid, &code, &signal) == 1 {
            autodev_reap_group(pid)  // what it left behind in its group, too
            return signal == 0 ? .exited(code) : .signalled(signal)
        }
        if let ending, now >= ending.killAt {
            // SIGKILL to the group straight away would kill the supervisor before it ends what
            // bubblewrap left outside the group: those would come back to autodev as zombies
            // nobody reaps. So the supervisor ends it first; the group's SIGKILL is the backstop.
            guard ending.endNowSent else {
                kill(pid, SIGUSR1)
                self.ending = (ending.why, now + Self.grace, true)
                return nil
            }
            autodev_reap_group(pid)
            return .signalled(SIGKILL)
        }
        if ending == nil, now >= deadline { end(.timedOut) }
        return nil
    }

    /// SIGTERM to the group; "end now" follows after `grace`, SIGKILL to the group after another.
    func end(_ why: Why) {
        guard ending == nil else { return }
        kill(-pid, SIGTERM)
        ending = (why, Self.milliseconds() + Self.grace, false)
    }

    static func milliseconds() -> Int64 { SystemClock().monotonicMilliseconds() }
}

/// The machine's processes.
public struct ProcessRunner: CommandRunner {
    public init() {}

    public func run(_ spec: CommandSpec, stopRequested: () -> StopReason?) -> CommandResult {
        let started = RunningCommand.milliseconds()
        func result(_ ending: CommandResult.Ending, _ output: [UInt8] = []) -> CommandResult {
            CommandResult(ending: ending, output: output, milliseconds: RunningCommand.milliseconds() - started)
        }
        // stdin from an unlinked temporary file: no pipe to keep fed while polling.
        var inputFD: Int32 = -1
        if let input = spec.input {
            var template = Array((spec.sandbox.hostTemporaryFolder + "/autodev-input-XXXXXX").utf8CString)
            inputFD = mkstemp(&template)
            guard inputFD >= 0 else { return result(.notStarted("cannot create a temporary file for its input")) }
            unlink(String(cString: template))
            var written = 0
            while written < input.count {
                let n = input[written...].withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) }
                guard n > 0 else { close(inputFD); return result(.notStarted("cannot write its input")) }
                written += n
            }
            lseek(inputFD, 0, SEEK_SET)
        }
        defer { if inputFD >= 0 { close(inputFD) } }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return result(.notStarted("cannot create a pipe")) }
        let (readFD, writeFD) = (pipeFDs[0], pipeFDs[1])
        _ = fcntl(readFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        var errorFD = writeFD
        if !spec.mergeErrors {
            if let log = spec.errorLog {
                try? FileSystem.makeDirectories(String(log[..<(log.lastIndex(of: "/") ?? log.startIndex)]))
                errorFD = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            } else {
                errorFD = -1
            }
            if errorFD < 0 { errorFD = open("/dev/null", O_WRONLY | O_CLOEXEC) }
        }
        guard let running = RunningCommand.start(spec.command, directory: spec.directory, sandbox: spec.sandbox, variables: spec.variables,
                                                 inputFD: inputFD, outputFD: writeFD, errorFD: errorFD, timeoutSeconds: spec.timeoutSeconds) else {
            close(readFD); close(writeFD)
            if errorFD != writeFD && errorFD >= 0 { close(errorFD) }
            return result(.notStarted(spec.sandbox.mode == .bubblewrap ? "cannot start bubblewrap" : "cannot start /bin/sh"))
        }
        close(writeFD)
        if errorFD != writeFD && errorFD >= 0 { close(errorFD) }
        defer { close(readFD) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func drain() {
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                guard n > 0 else { return }
                let room = spec.maxOutputBytes - output.count
                output.append(contentsOf: buffer.prefix(min(n, max(room, 0))))
                if n > room { running.end(.tooMuchOutput); return }
            }
        }
        while true {
            if stopRequested() != nil { running.end(.stopped) }
            drain()
            if let status = running.poll() {
                drain()
                switch running.ending?.why {
                case .stopped?: return result(.stopped, output)
                case .timedOut?: return result(.timedOut, output)
                case .tooMuchOutput?: return result(.tooMuchOutput, output)
                case nil:
                    switch status {
                    case .exited(let code): return result(.exited(code), output)
                    case .signalled(let signal): return result(.signalled(signal), output)
                    }
                }
            }
            var poller = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            _ = Glibc.poll(&poller, 1, 5)  // wakes on output; else looks at the child and the stop flag every 5 ms
        }
    }
}
