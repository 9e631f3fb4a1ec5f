@testable import AutodevCLI
@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// `sync`'s progress as a person and a CI log see it: the built binary with stderr on a real
/// pseudo-terminal (python's pty module) or a pipe; `history` with start time and duration.
@Suite struct ProgressCommandTests {
    struct TerminalRun: Decodable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with stderr on a pseudo-terminal and stdout on a pipe.
    static func onTerminal(_ arguments: [String], in directory: String, environment: [String: String]) throws -> TerminalRun {
        let script = """
            import json, os, pty, subprocess, sys, threading
            controller, terminal = pty.openpty()
            child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL)
            os.close(terminal)
            chunks = []
            def drain():
                while True:
                    try:
                        data = os.read(controller, 4096)
                    except OSError:
                        break
                    if not data:
                        break
                    chunks.append(data)
            reader = threading.Thread(target=drain)
            reader.start()
            out = child.stdout.read()
            status = child.wait()
            reader.join()
            print(json.dumps({"status": status, "stdout": out.decode(), "stderr": b"".join(chunks).decode()}))
            """
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AUTODEV_") || key == "CI" || key == "NO_COLOR" { env[key] = nil }
        env["TERM"] = "xterm"
        env.merge(environment) { $1 }
        let result = try Subprocess.run(Subprocess.which("python3") ?? "/usr/bin/python3", ["-c", script, AutodevBinary.path] + arguments,
                                        in: directory, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(TerminalRun.self, from: Data(result.stdout.utf8))
    }

    @Test func onATerminalSyncDrawsOneUpdatingLineAndErasesItBeforeTheSummary() throws {
        let fixture = try SyncCommandTests.project()
        let run = try Self.onTerminal(["sync"], in: fixture.path, environment: ["AUTODEV_PROGRESS_DELAY_MS": "0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\rautodev: \u{1B}[1mtiers\u{1B}[0m 0/2"), "\(run.stderr.debugDescription)")
        #expect(run.stderr.contains("\rautodev: \u{1B}[1msaving\u{1B}[0m"), "\(run.stderr.debugDescription)")
        // One line: no newline in the progress, and it is erased at the end.
        #expect(!run.stderr.contains("\n"), "\(run.stderr.debugDescription)")
        #expect(run.stderr.hasSuffix("\r\u{1B}[K"), "\(run.stderr.debugDescription)")
        #expect(run.stdout.contains("work done: 2 by template"), "\(run.stdout)")
    }

    @Test func noColorOnATerminalDrawsTheLineWithoutColour() throws {
        let fixture = try SyncCommandTests.project()
        let run = try Self.onTerminal(["sync"], in: fixture.path, environment: ["AUTODEV_PROGRESS_DELAY_MS": "0", "NO_COLOR": "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\rautodev: tiers 0/2"), "\(run.stderr.debugDescription)")
        #expect(!run.stderr.contains("\u{1B}[1m") && !run.stderr.contains("\u{1B}[0m"), "\(run.stderr.debugDescription)")
    }

    @Test(arguments: [["--ci-env"], ["--hook", "post-commit"]])
    func inCIAndHooksATerminalGetsPlainLines(_ how: [String]) throws {
        let fixture = try SyncCommandTests.project()
        var environment = ["AUTODEV_PROGRESS_DELAY_MS": "0"]
        var arguments = ["sync"]
        if how == ["--ci-env"] { environment["CI"] = "true" } else { arguments += how }
        let run = try Self.onTerminal(arguments, in: fixture.path, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.replacingOccurrences(of: "\r\n", with: "\n").contains("\r"), "\(run.stderr.debugDescription)")
        #expect(!run.stderr.contains("\u{1B}"), "\(run.stderr.debugDescription)")
        #expect(run.stderr.contains("autodev: progress: tiers 0/2 (0 s)\r\n"), "\(run.stderr.debugDescription)")
    }

    @Test func inAPipeJSONOnStdoutStaysOneObjectAndProgressIsPlainLinesOnStderr() throws {
        let fixture = try SyncCommandTests.project()
        let run = try SyncCommandTests.sync(fixture, ["--json"], environment: ["AUTODEV_PROGRESS_DELAY_MS": "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any]
        #expect(object?["passes"] != nil, "\(run.stdout)")
        #expect(!run.stdout.contains("progress"))
        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("autodev: progress: ") }
        #expect(lines.contains { $0.hasPrefix("autodev: progress: tiers 0/2") }, "\(run.stderr)")
        #expect(lines.contains { $0.hasPrefix("autodev: progress: saving") }, "\(run.stderr)")
        #expect(!run.stderr.contains("\r") && !run.stderr.contains("\u{1B}"), "\(run.stderr.debugDescription)")
    }

    @Test func aQuickRunShowsNoProgress() throws {
        // The default delay is a second: this sync of two pieces of work takes less on any machine
        // that runs the suite, and then stderr stays empty as before.
        let fixture = try SyncCommandTests.project()
        let run = try SyncCommandTests.sync(fixture, ["--json"], environment: ["AUTODEV_PROGRESS_DELAY_MS": "60000"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    @Test func historyShowsWhenEachRunStartedAndHowLongItTook() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let list = try AutodevBinary.run(["history", "--json"], in: fixture.path)
        let runs = try #require(try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]])
        let latest = try #require(runs.first)
        let started = try #require((latest["startedAt"] as? NSNumber)?.int64Value)
        let duration = try #require((latest["durationMilliseconds"] as? NSNumber)?.int64Value)
        #expect(duration >= 0)
        let text = try AutodevBinary.run(["history"], in: fixture.path).stdout
        let first = try #require(text.split(separator: "\n").first.map(String.init))
        // The start as UTC, computed here with Foundation as an independent oracle.
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(started))) + " UTC"
        #expect(first.contains("  \(expected)  "), "\(first)")
        let hundredths = (duration + 5) / 10
        #expect(first.contains("  \(hundredths / 100).\(String(format: "%02d", hundredths % 100)) s  completed"), "\(first)")
        let id = try #require(latest["id"] as? String)
        let shown = try AutodevBinary.run(["history", "show", id], in: fixture.path).stdout
        #expect(shown.contains("started: \(expected); took "), "\(shown)")
    }

    @Test(arguments: [(0, "0.00 s"), (994, "0.99 s"), (9_994, "9.99 s"), (12_340, "12.3 s"), (125_400, "2 min 05 s")] as [(Int64, String)])
    func durationsRead(_ milliseconds: Int64, _ expected: String) {
        #expect(AutodevCLI.StatusText.duration(milliseconds: milliseconds) == expected)
    }
}
