public import ArgumentParser
internal import AutodevCore
internal import AutodevSupport
#if canImport(Glibc)
import Glibc
#endif

/// The `autodev` command: subcommands live in their own files.
public struct AutodevCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "autodev",
        abstract: "Turn changes in a git repository into reviewed code, with as few LLM calls as possible.",
        discussion: """
            EXIT STATUS
              0   success (an empty range is success: "no changes")
              1   failure not caused by the input (I/O, libgit2, a bug)
              2   invalid configuration (the message names file, key and line)
              3   the repository or a revision cannot be used (not a repository,
                  unknown revision, checkpoint missing from a shallow clone,
                  --worktree in a bare repository)
              4   the results branch or the checkpoint was moved by someone else;
                  nothing was overwritten (the message says how to restore it)
              64  usage error (unknown flag, malformed range, a --test-report file
                  that cannot be read or is not JUnit XML)
              75  another sync is running and --no-wait was given
              130 sync stopped by SIGINT (finished work saved, the rest pending)
              143 sync stopped by SIGTERM (likewise)
            """,
        version: AutodevVersion.string,
        subcommands: [Init.self, Sync.self, Status.self, History.self, DiffEvents.self, ConfigCommand.self, Demo.self]
    )

    public init() {}
}

enum AutodevVersion {
    static let string = "0.1.0"
}

/// What the `autodev` executable calls.
public enum Entrypoint {
    public static func run() {
        Trace.start()
        var arguments = Array(CommandLine.arguments.dropFirst())
        // Like git, `-C <path>` before the subcommand changes directory first (repeatable; each
        // relative to the previous one).
        while arguments.count >= 2, arguments[0] == "-C" {
            let path = arguments[1]
            arguments.removeFirst(2)
            guard !path.isEmpty else { continue }
            if chdir(path) != 0 {
                Output.diagnostic("autodev: error: cannot change to directory '\(path)': \(String(cString: strerror(errno)))")
                exit(AutodevError.ExitStatus.repository.rawValue)
            }
        }
        AutodevCommand.main(arguments)
    }
}
