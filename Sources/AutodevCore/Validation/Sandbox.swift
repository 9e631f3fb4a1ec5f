internal import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a command runs: the one door for every process autodev starts (`RunningCommand.start`).
///
/// Code autodev did not write — the `[validate] command` with a model's answer in the tree,
/// generator commands — runs under bubblewrap (`bwrap`, the sandbox Flatpak uses): the file
/// system read-only except its scratch copy, a private `/tmp`, `/run` and home folder, the
/// repository and credential folders hidden, no network unless `[validate] network = true`,
/// its own PID namespace that dies with autodev (so `setsid sleep 777 &` cannot outlive the
/// run), and an environment that is an allowlist (`Sandbox+Policy.swift`). A `command`
/// provider is the user's own tool and runs as the user (`host`).
public struct Sandbox: Sendable, Equatable {
    public enum Mode: String, Sendable, Codable {
        /// Under bubblewrap.
        case bubblewrap = "bwrap"
        /// As a plain process (`[validate] sandbox = "none"`, or a trusted command).
        case none
    }

    /// One mount made over the read-only root, in order.
    public enum Mount: Sendable, Equatable, CustomStringConvertible {
        /// An empty, private tmpfs over a folder (its content hidden).
        case hide(String)
        /// /dev/null over a file (its content hidden).
        case hideFile(String)
        /// A folder made visible again, read-only (a toolchain inside a hidden home).
        case readOnly(String)

        public var description: String {
            switch self {
            case .hide(let path): "hide \(path)"
            case .hideFile(let path): "hide \(path)"
            case .readOnly(let path): "read-only \(path)"
            }
        }
    }

    public var mode: Mode
    /// Whether the command may use the network (bubblewrap only; `none` cannot take it away).
    public var network: Bool
    /// The command's whole environment.
    public var environment: [String: String]
    /// Where scratch copies and input files are made on the host (TMPDIR, else /tmp).
    public var hostTemporaryFolder: String
    /// Mounts over the read-only root, in order (bubblewrap only).
    public var mounts: [Mount]
    /// The bubblewrap executable found on PATH (nil: not installed).
    public var bubblewrap: String?
    /// The secret values autodev holds: scrubbed from what the command writes before it is
    /// logged or shown to a model (`scrub`).
    var secrets: SecretValues = .none

    public init(mode: Mode, network: Bool, environment: [String: String], hostTemporaryFolder: String, mounts: [Mount], bubblewrap: String?) {
        self.mode = mode
        self.network = network
        self.environment = environment
        self.hostTemporaryFolder = hostTemporaryFolder
        self.mounts = mounts
        self.bubblewrap = bubblewrap
    }

    /// The user's own commands (a `command` provider): the whole environment, no confinement.
    public static func host(environment: [String: String]) -> Sandbox {
        Sandbox(mode: .none, network: true, environment: environment, hostTemporaryFolder: Generator.temporaryFolder(environment),
                mounts: [], bubblewrap: nil)
    }

    /// What to execute for `/bin/sh -c command` in `directory`, with `variables` added to the
    /// environment; nil when bubblewrap is wanted and not installed.
    public func invocation(_ command: String, directory: String, variables: [String: String] = [:])
        -> (path: String, arguments: [String], environment: [String: String])? {
        let environment = self.environment.merging(variables) { _, added in added }
        guard mode == .bubblewrap else { return ("/bin/sh", ["/bin/sh", "-c", command], environment) }
        guard let bubblewrap else { return nil }
        return (bubblewrap, ["bwrap"] + bubblewrapArguments(scratch: directory) + ["--", "/bin/sh", "-c", command], environment)
    }

    /// The sandbox: `/` read-only, fresh `/dev`, `/proc` (of its own PID namespace) and `/tmp`,
    /// `/run` private (sockets such as docker.sock live there, and a read-only mount does not
    /// stop a connect()), every namespace unshared (the network's unless allowed), killed when
    /// its parent dies, a new session (no TIOCSTI into autodev's terminal); then the policy's
    /// mounts; the scratch copy last, writable, as the working folder.
    func bubblewrapArguments(scratch: String) -> [String] {
        var arguments = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        if FileSystem.isDirectory("/run") {
            arguments += ["--tmpfs", "/run"]
            // Name resolution through systemd-resolved's stub, when the network is allowed.
            if network, FileSystem.isDirectory("/run/systemd/resolve") { arguments += ["--ro-bind", "/run/systemd/resolve", "/run/systemd/resolve"] }
        }
        // bubblewrap's own PID 1 stays (the command keeps normal signal handling and has its
        // orphans reaped); it runs in a session of its own, outside the group autodev kills, and
        // bubblewrap can return while it is still ending the namespace, so the supervisor adopts
        // and reaps it (CSpawn `end_orphans`): nothing of the sandbox outlives the command.
        arguments += ["--unshare-all"] + (network ? ["--share-net"] : []) + ["--die-with-parent", "--new-session"]
        for mount in mounts {
            switch mount {
            case .hide(let path): arguments += ["--tmpfs", path]
            case .hideFile(let path): arguments += ["--ro-bind", "/dev/null", path]
            case .readOnly(let path): arguments += ["--ro-bind", path, path]
            }
        }
        arguments += ["--bind", scratch, scratch, "--chdir", scratch]
        return arguments
    }

    /// What the command wrote, as it may be logged or shown to a model: every known secret
    /// value in every form and every secret pattern replaced.
    public func scrub(_ output: [UInt8]) -> [UInt8] {
        SecretGuard(known: secrets).scrub(output)
    }

    // MARK: Can it run here?

    private static let probes = Mutex<[String: String?]>([:])

    /// Why model code cannot run in this sandbox here, or nil when it can: bubblewrap not
    /// installed, or failing (no user namespaces, a seccomp profile that refuses them). Learned
    /// once per process by starting the sandbox itself on an empty folder.
    public func problem() -> String? {
        guard mode == .bubblewrap else { return nil }
        guard let bubblewrap else {
            return "bubblewrap is not installed (no `bwrap` on PATH)"
        }
        let key = ([bubblewrap, String(network)] + mounts.map(\.description)).joined(separator: "\n")
        if let known = Self.probes.withLock({ $0[key] }) { return known }
        let found = probe(bubblewrap)
        Self.probes.withLock { $0[key] = found }
        return found
    }

    private func probe(_ bubblewrap: String) -> String? {
        guard let folder = Generator.makeScratchFolder(hostTemporaryFolder) else {
            return "no folder for a sandbox check could be made in \(hostTemporaryFolder)"
        }
        defer { Generator.removeTree(folder) }
        let result = ProcessRunner().run(CommandSpec(command: "exit 0", directory: folder, sandbox: self, timeoutSeconds: 30,
                                                     maxOutputBytes: 16_384, mergeErrors: true), stopRequested: { nil })
        if case .exited(0) = result.ending { return nil }
        let said = String(decoding: result.output, as: UTF8.self).split(separator: "\n").first.map { ": \($0)" } ?? ""
        let how = switch result.ending {
        case .exited(let code): "exited with status \(code)"
        case .signalled(let signal): "was killed by signal \(signal)"
        case .notStarted(let why): "could not be started (\(why))"
        case .timedOut, .stopped, .tooMuchOutput: "did not start a sandbox within 30 s"
        }
        return "bubblewrap (\(bubblewrap)) cannot make a sandbox here: it \(how)\(said)"
    }

    /// The message for work refused because of `problem`: what happened and the two ways out.
    public static func refusal(_ problem: String) -> String {
        "\(problem); model code (the [validate] command, generator commands) does not run unconfined: install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap) or set [validate] sandbox = \"none\" to accept running it without a sandbox"
    }
}
