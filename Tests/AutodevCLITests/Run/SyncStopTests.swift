import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Stop requests, kills and runaway input: a sync ends within a second of SIGINT or SIGTERM,
/// keeps what finished, and leaves no generator process or scratch copy behind.
///
/// Generators tell the test what they are doing through FIFOs (an open blocks until the other
/// side opens), never through time. The one time bound asserted is the issue's: a stop within
/// 1 s. The tests allow 2 s — the bound plus a second for a loaded 2-core CI machine, where
/// starting the process alone has taken 200 ms; before the change these took 10–30 s.
@Suite struct SyncStopTests {
    static let stopBound = 2.0

    /// `autodev sync` in the fixture with extra environment, not started yet.
    static func syncProcess(_ fixture: GitFixture, _ arguments: [String] = [], environment: [String: String]) -> Process {
        let process = SyncSafetyTests.syncProcess(fixture)
        process.arguments = ["sync"] + arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AUTODEV_") { env[key] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        return process
    }

    static func fifo(_ path: String) throws -> String {
        guard mkfifo(path, 0o600) == 0 else { throw FixtureError("mkfifo \(path) failed") }
        return path
    }

    /// Opens a FIFO for reading (waiting for its writer) and reads until every writer closed it.
    static func readAll(_ path: String) throws -> String {
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    static func seconds(since start: timespec) -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9
    }

    static func now() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now
    }

    static func status(_ fixture: GitFixture) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
    }

    @Test func sigtermDuringGeneratorsStopsThemWithinASecondAndLosesNoWork() throws {
        let marker = try TemporaryDirectory(prefix: "autodev-stop")
        defer { marker.remove() }
        let ready = try Self.fifo(marker.path + "/ready")
        // One at a time: the first generator finishes; the second starts a child in its group,
        // says which, and waits for it (30 s: far past the stop bound).
        let fixture = try SyncSafetyTests.withGenerator(
            "if mkdir $MARK/first 2>/dev/null; then echo kept > kept-$AUTODEV_REQUIREMENT_KEY.txt; else sleep 30 & echo $! > $MARK/ready; wait; fi")
        // The generator reports its child's pid through $MARK on the host: unsandboxed, on
        // purpose (the process group is what is tested; SandboxCommandTests has the sandbox).
        let process = Self.syncProcess(fixture, environment: ["MARK": marker.path, "AUTODEV_LOOP_MAX_CONCURRENT_TASKS": "1",
                                                              "AUTODEV_VALIDATE_SANDBOX": "none", "AUTODEV_VALIDATE_ENV": "MARK"])
        try process.run()
        let child = try #require(Int32(try Self.readAll(ready).trimmingCharacters(in: .whitespacesAndNewlines)))
        let start = Self.now()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let elapsed = Self.seconds(since: start)
        #expect(process.terminationStatus == 143)
        #expect(elapsed < Self.stopBound, "exit came \(elapsed) s after SIGTERM")
        // The generator's whole group was reaped before sync exited.
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(child)"), "the generator's child \(child) outlived the sync")
        // A generator's output settles work only through the check, which a stopped run does not
        // run: nothing unchecked is committed, and both pieces of work are pending, none lost.
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil)
        let status = try Self.status(fixture)
        #expect((status["pending"] as? [Any])?.count == 2)
        #expect(((status["loop"] as? [String: Any])?["state"] as? String) == "shutdown")
        // Without the stop, the next run does the rest.
        try fixture.write("config/patterns.toml", "")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
    }

    @Test func aSyncKilledWithSIGKILLTakesItsGeneratorsAlongAndTheNextRunRemovesItsScratchCopy() throws {
        let marker = try TemporaryDirectory(prefix: "autodev-kill")
        defer { marker.remove() }
        let ready = try Self.fifo(marker.path + "/ready")
        let alive = try Self.fifo(marker.path + "/alive")
        let temporary = marker.path + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        // The child holds `alive` open for writing: the test's read ends when it is dead.
        let fixture = try SyncSafetyTests.withGenerator("sleep 30 > $MARK/alive & echo $! > $MARK/ready; wait")
        let process = Self.syncProcess(fixture, environment: ["MARK": marker.path, "TMPDIR": temporary,
                                                              "AUTODEV_VALIDATE_SANDBOX": "none", "AUTODEV_VALIDATE_ENV": "MARK",
                                                              "AUTODEV_LOOP_MAX_CONCURRENT_TASKS": "1"])
        try process.run()
        _ = try Self.readAll(ready)
        let handle = try #require(FileHandle(forReadingAtPath: alive))
        defer { try? handle.close() }
        // Scratch copies are made as generators start: one, not one per piece of work.
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("autodev-scratch-") }.count == 1)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let start = Self.now()
        _ = handle.readDataToEndOfFile()
        let elapsed = Self.seconds(since: start)
        #expect(elapsed < Self.stopBound, "the generator lived \(elapsed) s after its sync was killed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("autodev-scratch-") }.count == 1)
        try fixture.write("config/patterns.toml", "")
        let rerun = try SyncCommandTests.sync(fixture, [], environment: ["TMPDIR": temporary])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
    }

    @Test func sigintWhileWaitingForAnotherSyncEndsTheWaitAtOnce() throws {
        let fixture = try SyncCommandTests.project()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let fd = try SyncSafetyTests.holdLock(fixture)
        defer { close(fd) }
        let process = Self.syncProcess(fixture, environment: [:])
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        var seen = ""
        while !seen.contains("waiting") {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("waiting for the sync already running"))
        // A fail-safe, not synchronization: if the signal is ignored, the lock is released after
        // 10 s so the test ends (and fails on the time) instead of hanging.
        let lockFD = fd
        DispatchQueue.global().asyncAfter(deadline: .now() + 10) { flock(lockFD, LOCK_UN) }
        let start = Self.now()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let elapsed = Self.seconds(since: start)
        #expect(process.terminationStatus == 130)
        #expect(elapsed < Self.stopBound, "exit came \(elapsed) s after SIGINT")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil)
    }

    @Test func aStopWhileDecidingEndsTheRunWithNothingWritten() throws {
        let fixture = try SyncCommandTests.project()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let history = try AutodevBinary.run(["history", "--json"], in: fixture.path).stdout
        // SIGTERM arrives once the changes are classified: the decision step sees it at its first spec.
        let result = try SyncCommandTests.sync(fixture, [], environment: ["AUTODEV_TEST_SIGNAL_AT": "classified"])
        #expect(result.status == 143, "\(result.stderr)")
        #expect(result.stderr.contains("stopped by signal 15 while"), "\(result.stderr)")
        #expect(try AutodevBinary.run(["history", "--json"], in: fixture.path).stdout == history)
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(try SyncCommandTests.resultsFiles(fixture).count == 4)
    }

    @Test(arguments: ["classified", "locked"])
    func aStopBeforeAPassFinishesStillPrintsTheReportAsJSON(_ step: String) throws {
        let fixture = try SyncCommandTests.project()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["AUTODEV_TEST_SIGNAL_AT": step])
        #expect(result.status == 143, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "stdout: \(result.stdout)")
        #expect(report["interruptedBy"] as? Int == 15)
        #expect((report["passes"] as? [Any])?.isEmpty == true)  // the stopped pass kept nothing
        let stopped = try #require(report["stopped"] as? String)
        #expect(stopped.hasPrefix("stopped by signal 15 while \(step == "locked" ? "reading the changed paths" : "")"), "\(stopped)")
        #expect(result.stderr.contains(stopped))
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        // The partial report went to --report FILE too.
        let file = fixture.directory.path + "/report.json"
        let again = try SyncCommandTests.sync(fixture, ["--report", file], environment: ["AUTODEV_TEST_SIGNAL_AT": step])
        #expect(again.status == 143)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect(written["exitStatus"] as? Int == 143, "\(written)")
    }

    @Test func aGeneratorsOutputGoesToTheRunLogSoJSONStaysJSON() throws {
        let fixture = try SyncSafetyTests.withGenerator(
            "echo to-stdout-$AUTODEV_REQUIREMENT_KEY; echo to-stderr-$AUTODEV_REQUIREMENT_KEY >&2; echo x > gen-$AUTODEV_REQUIREMENT_KEY.txt")
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("to-stdout-US1") && !result.stderr.contains("to-stderr-US1"))
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "\(result.stdout)")
        let run = try #require((report["passes"] as? [[String: Any]])?.first?["run"] as? String)
        let logs = fixture.path + "/.auto-dev/loop/logs/" + run
        // Beside the generators' logs: the check's on the processed commit and one of both
        // outputs, checked together (one scratch tree and one run when they pass).
        let all = try FileManager.default.contentsOfDirectory(atPath: logs)
        let names = all.filter { !$0.contains("validate") && $0 != "baseline.log" }
        #expect(names.count == 2)
        #expect(all.filter { $0.hasPrefix("validate-2-answers-") }.count == 1, "\(all)")
        for name in names {
            let text = try String(contentsOfFile: logs + "/" + name, encoding: .utf8)
            #expect(text.hasPrefix("to-stdout-") && text.contains("\nto-stderr-"), "\(text)")
        }
    }

    @Test func aRunawayRegexIsAConfigurationErrorNamingThePattern() throws {
        let fixture = try SyncCommandTests.project()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        // 100 characters of words that end in a full stop: (\w+\s?)+$ backtracks exponentially.
        let text = "System MUST let every user export all of the saved reports as one archive file at one go when asked."
        #expect(text.count == 100)
        try fixture.write("specs/002-slow/spec.md", "- **FR-001**: \(text)\n")
        try fixture.commit("a long requirement")
        try fixture.write("config/patterns.toml", """
            [[pattern]]
            name = "runaway"
            text = '(\\w+\\s?)+$'
            then = "skip"
            """)
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("config/patterns.toml:1: pattern 'runaway'"), "\(result.stderr)")
        #expect(result.stderr.contains("backtracking steps"), "\(result.stderr)")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
    }

    @Test func namedCapturesOfAUserRegexReachTheGenerator() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write("config/patterns.toml", """
            [[pattern]]
            name = "header"
            text = 'include a (?<what>\\w+) row'
            then = "command"
            command = "echo $AUTODEV_MATCH_WHAT $AUTODEV_MATCH_0 > what-$AUTODEV_REQUIREMENT_KEY.txt"
            """)
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try fixture.git(["show", "autodev/results:what-FR-001.txt"]) == "header include a header row\n")
    }
}
