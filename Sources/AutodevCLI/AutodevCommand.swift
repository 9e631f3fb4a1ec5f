internal import AutodevCore
internal import AutodevSupport
internal import CBuildInfo
#if canImport(Glibc)
import Glibc
#endif

/// The `autodev` command: subcommands live in their own files.
enum AutodevCommand {
    static let abstract = "Turn changes in a git repository into reviewed code, with as few LLM calls as possible."
    /// The root help's sections after the subcommands' list; the man page prints the same.
    static var discussion: String {
        "EXIT STATUS\n" + exitStatusRows().joined(separator: "\n") + "\n\n" + environment
    }

    /// `  75  try again later: …`, wrapped, from the one table (AutodevError.ExitStatus).
    static func exitStatusRows() -> [String] {
        AutodevError.ExitStatus.table.flatMap { code, meaning in
            let lead = "  " + String(code) + String(repeating: " ", count: max(1, 4 - String(code).count))
            let lines = HelpText.wrapLines(meaning, width: HelpText.width - 6)
            return [lead + lines[0]] + lines.dropFirst().map { "      " + $0 }
        }
    }

    static let environmentRows: [(name: String, meaning: String)] = [
        ("AUTODEV_<KEY>", "a setting, over config/autodev.toml (see autodev config --effective), e.g. AUTODEV_LOOP_MAX_EVENTS_PER_RUN=50; a name one typo from a known one is warned about, with the name meant"),
        ("AUTODEV_THREADS", "how many cores to keep busy (default: all, at most 4); 1 runs everything on one thread"),
        ("AUTODEV_TRACE=1", "the wall time of each phase of a run, on stderr"),
        ("AUTODEV=0", "the git hooks do nothing (for one command: AUTODEV=0 git commit ...)"),
        ("AUTODEV_PROGRESS_DELAY_MS", "how long a run goes before its progress shows on stderr (default 1000): one updating line on a terminal, plain lines in CI (CI set, --ci), hooks and pipes"),
        ("NO_COLOR", "no colour in the progress line"),
    ]

    static var environment: String {
        "ENVIRONMENT\n" + environmentRows.map { name, meaning in
            let lines = HelpText.wrapLines(meaning, width: HelpText.width - 19)
            let indent = String(repeating: " ", count: 19)
            // A name longer than the column gets a line of its own, the meaning below it.
            guard name.count <= 15 else { return (["  " + name] + lines.map { indent + $0 }).joined(separator: "\n") }
            let lead = "  " + name + String(repeating: " ", count: 17 - name.count)
            return ([lead + lines[0]] + lines.dropFirst().map { indent + $0 }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Every subcommand: its declaration, and how to run it from parsed arguments.
    struct Entry: Sendable {
        let spec: CommandSpec
        /// Runs the command; what it returns is left for the process exit to reclaim.
        let run: @Sendable (ParsedArguments, String?) throws -> Any?
    }

    static let commands: [Entry] = [
        Entry(spec: Init.spec, run: { try Init($0, directory: $1).run(); return nil }),
        Entry(spec: Sync.spec, run: { try Sync($0, directory: $1).run(); return nil }),
        Entry(spec: Status.spec, run: { try Status($0, directory: $1).run(); return nil }),
        Entry(spec: History.spec, run: { try History($0, directory: $1).run(); return nil }),
        Entry(spec: MetricsCommand.spec, run: { try MetricsCommand($0, directory: $1).run(); return nil }),
        Entry(spec: ReportCommand.spec, run: { try ReportCommand($0, directory: $1).run(); return nil }),
        Entry(spec: Hooks.spec, run: { try Hooks($0, directory: $1).run(); return nil }),
        Entry(spec: DiffEvents.spec, run: { try DiffEvents($0, directory: $1).run() }),
        Entry(spec: ConfigCommand.spec, run: { try ConfigCommand($0, directory: $1).run(); return nil }),
        Entry(spec: Doctor.spec, run: { try Doctor($0, directory: $1).run(); return nil }),
        Entry(spec: CacheCommand.spec, run: { try CacheCommand($0, directory: $1).run(); return nil }),
        Entry(spec: TestEvent.spec, run: { try TestEvent($0, directory: $1).run(); return nil }),
        Entry(spec: StressTest.spec, run: { try StressTest($0, directory: $1).run(); return nil }),
        Entry(spec: Demo.spec, run: { arguments, _ in try Demo(arguments).run(); return nil }),
        Entry(spec: Completions.spec, run: { arguments, _ in Completions(arguments).run(); return nil }),
        Entry(spec: ManPage.spec, run: { arguments, _ in ManPage.run(arguments); return nil }),
    ]

    /// The subcommands' names, and `help`.
    static var names: [String] { commands.map(\.spec.name) + ["help"] }
}

enum AutodevVersion {
    static let number = "0.1.0"
    /// `autodev 0.1.0 (commit <sha>)`; the commit is the one scripts/install built from.
    static var string: String {
        "autodev \(number) (commit \(String(cString: autodev_build_commit())))"
    }
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
                let error = AutodevError(.notARepository, "cannot change to directory '\(path)': \(String(cString: strerror(errno)))")
                exit(report(error).rawValue)
            }
        }
        dispatch(arguments)
    }

    /// Runs the command line and exits with its status.
    ///
    /// A command may hand back what it built (a repository handle with its mapped pack files, a
    /// report of thousands of changes): it stays alive until `exit`, which reclaims it all at
    /// once, instead of being freed piece by piece first (0.7 ms of a 100-commit diff-events).
    static func dispatch(_ arguments: [String]) -> Never {
        exit(status(arguments).rawValue)
    }

    private static func status(_ arguments: [String]) -> AutodevError.ExitStatus {
        let rootHelp = { HelpText.root(abstract: AutodevCommand.abstract, discussion: AutodevCommand.discussion,
                                       commands: AutodevCommand.commands.map(\.spec)) }
        guard let first = arguments.first else {
            Output.write(rootHelp())
            return .success
        }
        switch first {
        case "-h", "--help":
            Output.write(rootHelp())
            return .success
        case "--version":
            Output.write(AutodevVersion.string + "\n")
            return .success
        case "help":
            guard arguments.count > 1 else {
                Output.write(rootHelp())
                return .success
            }
            guard let command = AutodevCommand.commands.first(where: { $0.spec.name == arguments[1] }) else {
                return usage(UsageError("Unknown subcommand '\(arguments[1])'" + DidYouMean.sentence(for: arguments[1], among: AutodevCommand.names)))
            }
            Output.write(HelpText.command(command.spec))
            return .success
        default:
            break
        }
        guard let command = AutodevCommand.commands.first(where: { $0.spec.name == first }) else {
            let message = first.hasPrefix("-")
                ? "Unknown option '\(first)'" + DidYouMean.sentence(for: first, among: ["-C", "--version", "--help"])
                : "Unknown subcommand '\(first)'" + DidYouMean.sentence(for: first, among: AutodevCommand.names)
            return usage(UsageError(message))
        }
        let rest = Array(arguments.dropFirst())
        // Help wins wherever it appears before `--`.
        for token in rest {
            if token == "--" { break }
            if token == "-h" || token == "--help" {
                Output.write(HelpText.command(command.spec))
                return .success
            }
        }
        do {
            let parsed = try ParsedArguments(rest, for: command.spec)
            Trace.phase("arguments")
            let leftovers = try command.run(parsed, parsed.value("C"))
            withExtendedLifetime(leftovers) { exit(AutodevError.ExitStatus.success.rawValue) }
        } catch let error as UsageError {
            return usage(error)
        } catch let error as ExitStatus {
            return error.status
        } catch let error as AutodevError {
            return report(error)
        } catch {
            Output.diagnostic("autodev: error: \(error)")
            return .failure
        }
    }

    /// The one place an `AutodevError` becomes what the user sees: its message on stderr and
    /// the status its code declares (`AutodevError.Code.exitStatus`).
    static func report(_ error: AutodevError) -> AutodevError.ExitStatus {
        Output.diagnostic("autodev: error: \(error.message)")
        return error.exitStatus
    }

    private static func usage(_ error: UsageError) -> AutodevError.ExitStatus {
        Output.diagnosticRaw(error.text)
        return .usage
    }
}
