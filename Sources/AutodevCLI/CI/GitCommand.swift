#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore

/// Runs the `git` command, for what libgit2 is not used for: talking to a remote. The
/// environment is inherited, so a CI system's credential helpers and tokens work as they do for
/// its own git steps.
struct GitCommand {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var succeeded: Bool { status == 0 }
    }

    /// Where git runs (`git -C`).
    let directory: String

    func run(_ arguments: [String]) throws -> Result {
        let argv = ["git", "-C", directory] + arguments
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else {
            throw AutodevError(.gitFailure, "cannot start git: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        posix_spawn_file_actions_addclose(&actions, out[0])
        posix_spawn_file_actions_addclose(&actions, err[0])
        var pid: pid_t = 0
        var pointers = argv.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        let spawned = posix_spawnp(&pid, "git", &actions, nil, &pointers, environ)
        close(out[1])
        close(err[1])
        defer { close(out[0]); close(err[0]) }
        guard spawned == 0 else {
            throw AutodevError(.gitFailure, "cannot run git (\(String(cString: strerror(spawned)))): sync --ci needs the git command on the PATH")
        }
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var open = [out[0], err[0]]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for descriptor in descriptors where descriptor.revents != 0 {
                let count = read(descriptor.fd, &buffer, buffer.count)
                if count > 0 {
                    if descriptor.fd == out[0] { stdout += buffer[0..<count] } else { stderr += buffer[0..<count] }
                } else if count == 0 || errno != EINTR {
                    open.removeAll { $0 == descriptor.fd }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs git and throws, naming the command and quoting git's error, when it fails.
    @discardableResult
    func check(_ arguments: [String], _ what: String) throws -> Result {
        let result = try run(arguments)
        guard result.succeeded else {
            let detail = result.stderr.split(separator: "\n").suffix(4).joined(separator: "; ")
            throw AutodevError(.gitFailure, "\(what) failed: git \(arguments.joined(separator: " ")) exited with \(result.status): \(detail)")
        }
        return result
    }

    /// A ref's value, nil when it does not exist.
    func value(of ref: String) throws -> String? {
        let result = try run(["rev-parse", "--verify", "-q", ref])
        return result.succeeded ? result.stdout.trimmingCharacters() : nil
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}
