@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// A terminal that helps: a near miss gets the name meant, the shells complete what `--help`
/// lists, the man page says what `--help` says, and every exit status is documented.
@Suite struct TerminalHelpTests {
    static func repository() throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        try fixture.commit("base")
        return fixture
    }

    @Test("a near miss is exit 64 with the name meant", arguments: [
        (["stauts"], "Unknown subcommand 'stauts'. Did you mean 'status'?"),
        (["help", "synk"], "Unknown subcommand 'synk'. Did you mean 'sync'?"),
        (["--verison"], "Unknown option '--verison'. Did you mean '--version'?"),
        (["sync", "--dryrun"], "Unknown option '--dryrun'. Did you mean '--dry-run'?"),
        (["diff-events", "--worktre"], "Unknown option '--worktre'. Did you mean '--worktree'?"),
        (["hooks", "instal"], "Unknown action 'instal'. Did you mean 'install'? Use install, uninstall, status or run."),
        (["cache", "prnue"], "Unknown action 'prnue'. Did you mean 'prune'? Use stats, prune or clear."),
        (["completions", "zhs"], "Unknown shell 'zhs'. Did you mean 'zsh'? Use bash, zsh or fish."),
    ])
    func nearMisses(arguments: [String], message: String) throws {
        let fixture = try Self.repository()
        let result = try AutodevBinary.run(arguments, in: fixture.path)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("Error: \(message)\n"), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a far miss gets no guess", arguments: [["frobnicate"], ["sy"], ["hooks", "zzz"], ["sync", "--frob"]])
    func farMisses(arguments: [String]) throws {
        let fixture = try Self.repository()
        let result = try AutodevBinary.run(arguments, in: fixture.path)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error: Unknown"), "\(result.stderr)")
        #expect(!result.stderr.contains("Did you mean"), "\(result.stderr)")
    }

    @Test func aMistypedVariableIsNamedWithTheOneMeantAndOthersAreLeftAlone() throws {
        let fixture = try Self.repository()
        let result = try AutodevBinary.run(["config", "--effective"], in: fixture.path, environment: [
            "AUTODEV_LOOP_MAX_EVENT_PER_RUN": "5",          // one letter short
            "AUTODEV_LOOP_MAX_LLM_CALLS_PER_RUN": "3",      // right
            "AUTODEV_REPOSITORY": "https://example.invalid", // a CI script's own, close to nothing
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "autodev: warning: AUTODEV_LOOP_MAX_EVENT_PER_RUN is not a variable autodev reads, so it has no effect. Did you mean 'AUTODEV_LOOP_MAX_EVENTS_PER_RUN'?\n", "\(result.stderr)")
        #expect(result.stdout.contains("= 3    # environment AUTODEV_LOOP_MAX_LLM_CALLS_PER_RUN"), "\(result.stdout)")
    }

    @Test func distancesCountASwapAsOneEdit() {
        #expect(DidYouMean.distance("stauts", "status") == 1)
        #expect(DidYouMean.distance("instal", "install") == 1)
        #expect(DidYouMean.distance("kitten", "sitting") == 3)
        #expect(DidYouMean.distance("", "abc") == 3)
        #expect(DidYouMean.closest(to: "Stauts", among: ["sync", "status"]) == "status")
        #expect(DidYouMean.closest(to: "sy", among: ["sync", "status"]) == nil)
    }

    @Test func everyExitStatusIsInTheHelpAndTheManPage() throws {
        let fixture = try Self.repository()
        let help = try AutodevBinary.run(["--help"], in: fixture.path).stdout
        let man = try Self.render(try AutodevBinary.run(["man"], in: fixture.path).stdout)
        for (code, _) in AutodevError.ExitStatus.table {
            #expect(help.contains("\n  \(code) "), "\(code) in --help")
            #expect(man.contains("\n       \(code) "), "\(code) in the man page")
        }
        #expect(help.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("sync --ci lost the push race twice"))
        for line in help.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    }

    /// The page as `man` shows it (groff, plain ASCII), with groff's warnings.
    static func render(_ page: String) throws -> String {
        let file = NSTemporaryDirectory() + "autodev-\(UUID().uuidString).1"
        try Data(page.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try Subprocess.run("/usr/bin/env", ["groff", "-man", "-Tutf8", "-P-cbou", "-ww", file], in: "/", environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0 && result.stderr.isEmpty, "groff: \(result.stderr)")
        return result.stdout
    }

    @Test func theManPageHoldsEverySubcommandAndOptionOfTheHelp() throws {
        let fixture = try Self.repository()
        let page = try AutodevBinary.run(["man"], in: fixture.path)
        #expect(page.status == 0)
        let man = try Self.render(page.stdout).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let root = try AutodevBinary.run(["--help"], in: fixture.path).stdout
        let subcommands = root.components(separatedBy: "SUBCOMMANDS:\n")[1].components(separatedBy: "\n\n")[0].split(separator: "\n")
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(subcommands.count >= 12, "\(subcommands)")
        for command in subcommands {
            let help = try AutodevBinary.run(["help", command], in: fixture.path).stdout
            try #require(help.contains("USAGE: ") && help.contains("OPTIONS:\n"), "\(command)")
            let usage = help.components(separatedBy: "USAGE: ")[1].prefix { $0 != "\n" }
            #expect(man.contains(usage.split(separator: " ").joined(separator: " ")), "usage of \(command) in the man page")
            let options = help.components(separatedBy: "OPTIONS:\n")[1].split(separator: "\n")
                .filter { $0.hasPrefix("  -") }.compactMap { $0.split(separator: " ").first.map(String.init) }
            for option in options where option != "-h," {
                #expect(man.contains(option), "\(command) \(option) in the man page")
            }
        }
    }

    static func script(_ shell: String, _ fixture: GitFixture) throws -> String {
        let result = try AutodevBinary.run(["completions", shell], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let file = fixture.directory.path + "/autodev.\(shell)"
        try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    static func shell(_ arguments: [String], _ fixture: GitFixture) throws -> ProcessResult {
        try Subprocess.run("/usr/bin/env", arguments, in: fixture.path, environment: ProcessInfo.processInfo.environment.merging(["HOME": fixture.directory.path]) { $1 })
    }

    @Test("the completion script parses in its shell", arguments: [("bash", "bash"), ("zsh", "zsh"), ("fish", "fish")])
    func completionsParse(shell: String, program: String) throws {
        let fixture = try Self.repository()
        let file = try Self.script(shell, fixture)
        let result = try Self.shell([program, "-n", file], fixture)
        #expect(result.status == 0, "\(program) -n: \(result.stderr)")
    }

    @Test func bashCompletesSubcommandsOptionsAndActions() throws {
        let fixture = try Self.repository()
        let file = try Self.script("bash", fixture)
        func complete(_ words: [String]) throws -> [String] {
            let line = words.map { "'\($0)'" }.joined(separator: " ")
            let result = try Self.shell(["bash", "-c", "source '\(file)'; COMP_WORDS=(\(line)); COMP_CWORD=\(words.count - 1); _autodev; printf '%s\\n' \"${COMPREPLY[@]}\""], fixture)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["autodev", "sta"]) == ["status"])
        #expect(try complete(["autodev", "hooks", "inst"]) == ["install"])
        #expect(try complete(["autodev", "-C", ".", "hooks", "un"]) == ["uninstall"])
        #expect(try complete(["autodev", "sync", "--dr"]) == ["--dry-run"])
        #expect(try complete(["autodev", "completions", ""]) == ["bash", "zsh", "fish"])
        #expect(try complete(["autodev", "help", "dif"]) == ["diff-events"])
    }

    @Test func fishCompletesSubcommandsOptionsAndActions() throws {
        let fixture = try Self.repository()
        let file = try Self.script("fish", fixture)
        func complete(_ line: String) throws -> [String] {
            let result = try Self.shell(["fish", "--no-config", "-c", "source '\(file)'; complete -C '\(line)'"], fixture)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        }
        #expect(try complete("autodev sta") == ["status"])
        #expect(try complete("autodev hooks inst") == ["install"])
        #expect(try complete("autodev sync --dr") == ["--dry-run"])
    }

    @Test func zshRegistersTheCompletionAfterCompinit() throws {
        let fixture = try Self.repository()
        let file = try Self.script("zsh", fixture)
        let result = try Self.shell(["zsh", "-f", "-c", "autoload -U compinit && compinit -u -D && source '\(file)' && print -r -- ${_comps[autodev]}"], fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "_autodev\n", "\(result.stdout) \(result.stderr)")
    }
}
