import AutodevTestSupport
import Foundation
import Testing

/// autodev parses its own command line (see Sources/AutodevCLI/Arguments.swift): every form a
/// user types must mean what it says, and every mistake must be exit 64 naming the mistake.
@Suite struct CommandLineTests {
    static func project() throws -> (GitFixture, String) {
        let fixture = try GitFixture()
        try fixture.write("Sources/App.swift", "struct App {}\n")
        let base = try fixture.commit("base")
        try fixture.write("Sources/App.swift", "struct App { var name = 1 }\n")
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-001**: System MUST work.\n")
        try fixture.commit("change")
        return (fixture, base)
    }

    @Test func everySpellingOfTheSameRequestGivesTheSameReport() throws {
        let (fixture, base) = try Self.project()
        let expected = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json"], in: fixture.path)
        #expect(expected.status == 0, "\(expected.stderr)")
        let outside = fixture.directory.path
        for arguments in [
            ["diff-events", "--json", "\(base)..HEAD"],                          // options before the argument
            ["diff-events", "-C", fixture.path, "\(base)..HEAD", "--json"],       // -C after the subcommand
            ["diff-events", "-C\(fixture.path)", "\(base)..HEAD", "--json"],      // -Cpath
            ["-C", fixture.path, "diff-events", "\(base)..HEAD", "--json"],       // -C before it, like git
            ["diff-events", "--json", "--", "\(base)..HEAD"],                     // -- ends the options
        ] {
            let result = try AutodevBinary.run(arguments, in: arguments.contains(fixture.path) || arguments.contains("-C\(fixture.path)") ? outside : fixture.path)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout == expected.stdout, "\(arguments)")
        }
        // --option=value and a repeated option.
        let report = fixture.directory.path + "/report.xml"
        try Data("<testsuite><testcase classname=\"A\" name=\"b\"><failure message=\"x\"/></testcase></testsuite>".utf8).write(to: URL(fileURLWithPath: report))
        let once = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json", "--test-report=\(report)"], in: fixture.path)
        let twice = try AutodevBinary.run(["diff-events", "\(base)..HEAD", "--json", "--test-report", report, "--test-report", report], in: fixture.path)
        #expect(once.status == 0 && twice.status == 0, "\(once.stderr) \(twice.stderr)")
        #expect(once.stdout.contains("testFailed"))
        #expect(once.stdout == twice.stdout, "the same failure reported twice is one event")
    }

    @Test("mistakes are exit 64 with the mistake named and the usage", arguments: [
        (["diff-events", "--no-such-flag"], "Unknown option '--no-such-flag'"),
        (["diff-events", "-x"], "Unknown option '-x'"),
        (["diff-events", "--json=yes"], "'--json' takes no value"),
        (["diff-events", "--test-report"], "Missing value for '--test-report <file>'"),
        (["diff-events", "HEAD~1..HEAD", "HEAD"], "Unexpected argument 'HEAD'"),
        (["sync", "--hook", "a", "--hook", "b"], "'--hook' given more than once"),
        (["history", "--limit", "many"], "The value 'many' is invalid for '--limit <limit>'"),
        (["history", "--limit", "0"], "--limit must be at least 1"),
        (["history", "list"], "use 'autodev history' or 'autodev history show RUN'"),
        (["demo"], "Missing expected argument '<directory>'"),
        (["metrics", "--json", "--prometheus"], "give --json or --prometheus, not both"),
        (["metrics", "--output"], "Missing value for '--output <file>'"),
        (["report"], "give the folder to write the report in: autodev report --html DIR"),
        (["sync", "--dry-run", "--report-html", "out"], "--report-html shows what runs kept; a --dry-run keeps nothing"),
        (["frobnicate"], "Unknown subcommand 'frobnicate'"),
        (["help", "frobnicate"], "Unknown subcommand 'frobnicate'"),
    ])
    func mistakes(arguments: [String], message: String) throws {
        let (fixture, _) = try Self.project()
        let result = try AutodevBinary.run(arguments, in: fixture.path)
        #expect(result.status == 64, "\(arguments)")
        #expect(result.stderr.contains("Error: \(message)"), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        if arguments.first != "frobnicate" && arguments.first != "help" {
            #expect(result.stderr.contains("Usage: autodev \(arguments[0])"), "\(result.stderr)")
        }
    }

    @Test func helpAndVersion() throws {
        let (fixture, _) = try Self.project()
        for arguments in [["diff-events", "--help"], ["diff-events", "HEAD", "-h"], ["help", "diff-events"]] {
            let result = try AutodevBinary.run(arguments, in: fixture.path)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stdout.contains("USAGE: autodev diff-events [-C <path>] [<range|path> ...] [--backfill] [--worktree] [--test-report <file> ...] [--json] [--explain]"))
            #expect(result.stdout.contains("  --explain               Also show the requirements touched"))
        }
        // `--help` after `--` is an argument, not a request for help.
        let literal = try AutodevBinary.run(["diff-events", "--", "--help"], in: fixture.path)
        #expect(literal.status == 64 || literal.status == 3, "\(literal.stderr)")
        for arguments in [[], ["--help"], ["help"]] {
            let result = try AutodevBinary.run(arguments, in: fixture.path)
            #expect(result.status == 0)
            #expect(result.stdout.contains("SUBCOMMANDS:"))
            for command in ["init", "sync", "status", "history", "metrics", "report", "diff-events", "config", "demo"] {
                #expect(result.stdout.contains("\n  \(command) "), "\(command) listed")
            }
            #expect(result.stdout.contains("EXIT STATUS"))
            #expect(result.stdout.contains("AUTODEV_THREADS") && result.stdout.contains("AUTODEV_TRACE=1"))
        }
        let version = try AutodevBinary.run(["--version"], in: fixture.path)
        #expect(version.status == 0 && version.stdout == "autodev 0.1.0 (commit unknown)\n", "\(version.stdout)")
    }
}
