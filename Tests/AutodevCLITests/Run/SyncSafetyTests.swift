import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Crashes, concurrent runs and bad input: nothing is lost, nothing is done twice.
@Suite struct SyncSafetyTests {
    /// The outcome a run must reach however often it is interrupted.
    struct Outcome: Equatable {
        var resultsTree: String
        var decisions: Set<String>
        var resultsCommits: Int
        /// metrics.json's run and event counters: a redone run is counted once.
        var counted: [Int]
    }

    static func outcome(_ fixture: GitFixture) throws -> Outcome {
        let folder = fixture.path + "/.auto-dev/loop/decisions"
        var decisions = Set<String>()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".jsonl") {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let fields = ["eventId", "work", "action", "rule", "tier", "outcome"].map { "\(record[$0] ?? "-")" }
                decisions.insert(fields.joined(separator: "|") + "|" + "\(record["files"] ?? "")")
            }
        }
        let commits = try fixture.git(["log", "--format=%H", "--grep=^Autodev-Run:", "autodev/results"])
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/metrics.json"))) as? [String: Any])
        return Outcome(resultsTree: try fixture.git(["rev-parse", "autodev/results^{tree}"]),
                       decisions: decisions, resultsCommits: commits.split(separator: "\n").count,
                       counted: [metrics["runs"] as? Int ?? -1, metrics["events"] as? Int ?? -1])
    }

    /// `autodev sync` in the fixture, not started yet, its output discarded.
    static func syncProcess(_ fixture: GitFixture) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AutodevBinary.path)
        process.arguments = ["sync"]
        process.currentDirectoryURL = URL(fileURLWithPath: fixture.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return process
    }

    static let steps = ["locked", "decided", "resolved", "results-ref", "results-written", "persisted", "queue-ref", "checkpoint"]

    @Test func aKillAtEveryNamedStepThenARerunReachesTheSameResult() throws {
        let reference = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(reference).status == 0)
        let expected = try Self.outcome(reference)
        #expect(expected.resultsCommits == 1)

        for step in Self.steps {
            let fixture = try SyncCommandTests.project()
            let head = try fixture.head()
            let killed = try SyncCommandTests.sync(fixture, [], environment: ["AUTODEV_TEST_KILL_AT": step])
            #expect(killed.status == SIGKILL, "\(step): \(killed.stderr)")
            // The checkpoint is never ahead of the results.
            if (try? fixture.git(["rev-parse", "refs/autodev/checkpoint"])) == head + "\n" {
                #expect(try fixture.git(["rev-parse", "autodev/results^{tree}"]) == expected.resultsTree, "\(step)")
            }
            let rerun = try SyncCommandTests.sync(fixture)
            #expect(rerun.status == 0, "\(step): \(rerun.stderr)")
            #expect(try Self.outcome(fixture) == expected, "\(step)")
            #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == head + "\n")
        }
    }

    @Test func killsAtRandomMomentsLoseNothingAndDoubleNothing() throws {
        let reference = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(reference).status == 0)
        let expected = try Self.outcome(reference)
        var random = SeededRandom(seed: 20261125)
        for round in 0..<8 {
            let fixture = try SyncCommandTests.project()
            // Several kills in a row, each at a random moment, then a run that is left alone.
            for _ in 0..<3 {
                let process = Self.syncProcess(fixture)
                try process.run()
                usleep(UInt32(random.next() % 60_000))  // the fault: a kill at a random moment
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            let rerun = try SyncCommandTests.sync(fixture)
            #expect(rerun.status == 0, "round \(round): \(rerun.stderr)")
            #expect(try Self.outcome(fixture) == expected, "round \(round)")
        }
    }

    @Test func twoSyncsStartedTogetherBothFinishWithoutDuplicateWork() throws {
        let fixture = try SyncCommandTests.project()
        let processes = (0..<2).map { _ in Self.syncProcess(fixture) }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.map(\.terminationStatus) == [0, 0])
        let outcome = try Self.outcome(fixture)
        #expect(outcome.resultsCommits == 1)
        let history = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["history", "--json"], in: fixture.path).stdoutData) as? [[String: Any]])
        #expect(history.filter { ($0["events"] as? Int ?? 0) > 0 }.count == 2)  // the base run and this one
    }

    /// Holds the repository's sync lock from the test process.
    static func holdLock(_ fixture: GitFixture) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: fixture.path + "/.auto-dev/loop", withIntermediateDirectories: true)
        let fd = open(fixture.path + "/.auto-dev/loop/lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        #expect(flock(fd, LOCK_EX) == 0)
        return fd
    }

    @Test func aHeldLockMeansWaitOrExit75OrARerunRequestFromAHook() throws {
        let fixture = try SyncCommandTests.project()
        let fd = try Self.holdLock(fixture)
        let busy = try SyncCommandTests.sync(fixture, ["--no-wait"])
        #expect(busy.status == 75)
        #expect(busy.stderr.contains("another sync"))
        let hook = try SyncCommandTests.sync(fixture, ["--hook", "post-commit"])
        #expect(hook.status == 0)
        #expect(FileManager.default.fileExists(atPath: fixture.path + "/.auto-dev/loop/rerun-wanted"))

        // A plain sync waits, says so, and runs when the lock is released.
        let process = Self.syncProcess(fixture)
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
        close(fd)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "/.auto-dev/loop/rerun-wanted"))
        #expect(try Self.outcome(fixture).resultsCommits == 1)
    }

    @Test func aHookThatFindsTheSyncRunningLeavesARerunAndTheRunningSyncPicksTheCommitUp() throws {
        // The generator, while the sync runs, makes a commit and calls the hook's sync, once.
        let marker = try TemporaryDirectory(prefix: "autodev-marker")
        defer { marker.remove() }
        let fixture = try Self.withGenerator(
            "mkdir $MARK/once 2>/dev/null || exit 0; mkdir -p $REPO/specs/009-late && echo '- **FR-009**: System MUST be late' > $REPO/specs/009-late/spec.md && git -C $REPO add -A && git -C $REPO -c user.name=t -c user.email=t@t commit -qm late && $AUTODEV_BIN -C $REPO sync --hook post-commit > $MARK/hook.out 2>&1; echo $? > $MARK/hook.status")
        try fixture.commit("generator pattern")  // the pattern is part of HEAD now
        // The generator commits to the repository itself: unsandboxed, on purpose.
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["MARK": marker.path, "REPO": fixture.path, "AUTODEV_BIN": AutodevBinary.path,
                                                                                  "AUTODEV_VALIDATE_SANDBOX": "none", "AUTODEV_VALIDATE_ENV": "MARK,REPO,AUTODEV_BIN"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: marker.path + "/hook.status", encoding: .utf8) == "0\n")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let passes = try #require(report["passes"] as? [[String: Any]])
        #expect(passes.count == 2)  // the second pass is the rerun the hook asked for
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == (try fixture.git(["rev-parse", "HEAD"])))
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "/.auto-dev/loop/rerun-wanted"))
    }

    static func loopState(_ fixture: GitFixture) throws -> [String: Any] {
        let state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/state.json"))) as? [String: Any])
        return try #require(state["loop"] as? [String: Any])
    }

    @Test func aRunThatFailsAfterStartingLeavesTheLoopIdleAndNoOrphanRequests() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        // Work for an LLM (its request is written mid-run), then a failure before the run saves:
        // the decision log's folder is a file.
        try fixture.write("tests/test_api.py", "def test_lists_users():\n    pass\n")
        try fixture.commit("Add a test")
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let decisions = fixture.path + "/.auto-dev/loop/decisions"
        try FileManager.default.removeItem(atPath: decisions)
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: decisions))
        for _ in 0..<2 {
            let failed = try SyncCommandTests.sync(fixture)
            #expect(failed.status == 1)
            #expect(failed.stderr.contains(decisions))
            let loop = try Self.loopState(fixture)
            #expect(loop["state"] as? String == "idle")
            #expect(loop["pid"] == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop/pending") == [])
            #expect(try AutodevBinary.run(["status"], in: fixture.path).stdout.contains("loop: idle\n"))
            #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        }
        try FileManager.default.removeItem(atPath: decisions)
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop/pending").count == 1)
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) != checkpoint)
    }

    @Test func statusDoesNotShowASyncThatDiedAsProcessing() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/sh")
        gone.arguments = ["-c", "exit 0"]
        try gone.run()
        gone.waitUntilExit()
        let path = fixture.path + "/.auto-dev/loop/state.json"
        var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        state["loop"] = ["state": "processing", "pid": Int(gone.processIdentifier), "since": 1, "task": "x"]
        try JSONSerialization.data(withJSONObject: state).write(to: URL(fileURLWithPath: path))
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("loop: idle\n"), "\(status.stdout)")
        #expect(status.stderr.contains("pid \(gone.processIdentifier)) ended without finishing"))
        // A live pid (this test's) is still shown as processing.
        state["loop"] = ["state": "processing", "pid": Int(getpid()), "since": 1, "task": "x"]
        try JSONSerialization.data(withJSONObject: state).write(to: URL(fileURLWithPath: path))
        #expect(try AutodevBinary.run(["status"], in: fixture.path).stdout.contains("loop: processing (x)"))
    }

    @Test func aResultsBranchMovedBySomeoneElseStopsTheRunWithExit4() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        _ = try fixture.git(["branch", "-f", "autodev/results", "HEAD~1"])
        try fixture.write("specs/003-x/spec.md", "- **FR-001**: System MUST x\n")
        try fixture.commit("another spec")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 4)
        #expect(result.stderr.contains("someone moved it"))
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
    }

    @Test(arguments: [
        ("[[pattern]]\nname = \"x\"\nthen = \"explode\"\n", "config/patterns.toml:1:", "explode"),
        ("[[pattern]]\nname = \"x\"\nthen = \"skip\"\n\n[[pattern]]\npath = \"   \"\nthen = \"skip\"\n", "config/patterns.toml:5:", "invalid glob"),
        ("[[pattern]]\npath = \"!src/**\"\nthen = \"skip\"\n", "config/patterns.toml:1:", "invalid glob '!src/**': it starts with '!'"),
        ("[[pattern]\n", "config/patterns.toml:1:", "invalid TOML"),
        ("[[pattern]]\nthen = \"template\"\ntemplate = \"nope\"\n", "config/patterns.toml:1:", "template 'nope' does not exist"),
        ("[[pattern]]\nthen = \"command\"\ncommand = \"true\"\ntimeout_seconds = 9223372036854775807\n", "config/patterns.toml:1:", "'timeout_seconds' must be an integer from 1 to 86400"),
        ("[[pattern]]\nthen = \"skip\"\ntext = \"(unclosed\"\n", "config/patterns.toml:1:", "invalid regular expression '(unclosed': missing closing parenthesis"),
    ])
    func invalidPatternsNameFileLineAndProblem(_ text: String, _ place: String, _ problem: String) throws {
        let fixture = try SyncCommandTests.project()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        try fixture.write("config/patterns.toml", text)
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 2)
        #expect(result.stderr.contains(place), "\(result.stderr)")
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
    }

    @Test(arguments: [
        ("../escape-{{slug}}.py", "has an empty, '.' or '..' component"),
        ("/tmp/escape-{{slug}}.py", "is not relative to the repository"),
        (".git/hooks/{{slug}}", "is inside .git"),
        ("linked/{{slug}}.py", "goes through the symlink 'linked'"),
    ])
    func generatedPathsMustStayInsideTheRepository(_ path: String, _ problem: String) throws {
        let fixture = try SyncCommandTests.project()
        try fixture.symlink("linked", to: "/tmp")
        try fixture.write("config/templates/escape.mustache", "{{! autodev\npath: \(path)\n}}\nx\n")
        try fixture.commit("an escaping template")
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 2)
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil)
    }

    @Test func anInvalidTemplateNamesFileAndLine() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write("config/templates/broken.mustache", "{{! autodev\npath: x.py\n}}\nline one\n{{#criteria}}\nnever closed\n")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 2)
        #expect(result.stderr.contains("config/templates/broken.mustache:5: {{#criteria}} is never closed"), "\(result.stderr)")
    }

    static func withGenerator(_ command: String, timeout: Int = 30) throws -> GitFixture {
        let fixture = try SyncCommandTests.project()
        try fixture.write("config/patterns.toml", """
            [[pattern]]
            name = "generate"
            kind = "specificationChanged"
            then = "command"
            command = "\(command)"
            timeout_seconds = \(timeout)
            """)
        return fixture
    }

    @Test func aGeneratorCommandRunsInAScratchCopyAndItsChangesAreTheResult() throws {
        let fixture = try Self.withGenerator("mkdir -p gen && echo \\\"$AUTODEV_REQUIREMENT_KEY\\\" > gen/$AUTODEV_REQUIREMENT_KEY.txt")
        let before = try SyncCommandTests.userView(fixture)
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try SyncCommandTests.resultsFiles(fixture) == ["gen/FR-001.txt", "gen/US1.txt"])
        #expect(try fixture.git(["show", "autodev/results:gen/US1.txt"]) == "US1\n")
        #expect(try SyncCommandTests.userView(fixture) == before)
    }

    @Test func generatorsRunConcurrentlyUpToMaxConcurrentTasks() throws {
        // Each generator waits (bounded) until both have started: with two at once, each sees 2.
        let barrier = try TemporaryDirectory(prefix: "autodev-barrier")
        defer { barrier.remove() }
        let fixture = try Self.withGenerator(
            "touch $BARRIER/$AUTODEV_REQUIREMENT_KEY; n=0; while [ $(ls $BARRIER | wc -l) -lt 2 ] && [ $n -lt 400 ]; do n=$((n+1)); sleep 0.05; done; ls $BARRIER | wc -l | tr -d ' ' > seen-$AUTODEV_REQUIREMENT_KEY.txt")
        // The generators meet in a folder of the host: unsandboxed, on purpose.
        let result = try SyncCommandTests.sync(fixture, [], environment: ["BARRIER": barrier.path, "AUTODEV_LOOP_MAX_CONCURRENT_TASKS": "2",
                                                                          "AUTODEV_VALIDATE_SANDBOX": "none", "AUTODEV_VALIDATE_ENV": "BARRIER"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try fixture.git(["show", "autodev/results:seen-US1.txt"]) == "2\n")
        #expect(try fixture.git(["show", "autodev/results:seen-FR-001.txt"]) == "2\n")
    }

    @Test(arguments: [("exit 3", 30, "exited with status 3"), ("sleep 30", 1, "did not finish within 1 s")])
    func aFailingOrHangingGeneratorIsAClearErrorAndLosesNothing(_ command: String, _ timeout: Int, _ message: String) throws {
        let fixture = try Self.withGenerator(command, timeout: timeout)
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 1)
        #expect(result.stderr.contains("pattern 'generate'"), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil)
        // The failed work is pending, not lost: fixed, the next run does it.
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((status["pending"] as? [Any])?.count == 2)
        #expect(((status["loop"] as? [String: Any])?["state"] as? String) == "idle")
        try fixture.write("config/patterns.toml", "")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(try SyncCommandTests.resultsFiles(fixture).count == 4)
    }

    @Test func anUnwritableStateFolderIsAClearErrorAndTheCheckpointStays() throws {
        let fixture = try SyncCommandTests.project()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        // A file where a folder must go: refused whoever runs the test (root ignores chmod).
        try FileManager.default.removeItem(atPath: fixture.path + "/.auto-dev/loop/history")
        try fixture.write(".auto-dev/loop/history", "not a folder")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 1)
        #expect(result.stderr.contains(".auto-dev/loop/history"), "\(result.stderr)")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        // Fixed, the next run does the work.
        try FileManager.default.removeItem(atPath: fixture.path + "/.auto-dev/loop/history")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(try SyncCommandTests.resultsFiles(fixture).count == 4)
    }

    /// Whether this machine lets the tests mount a tiny tmpfs (root in a container that allows it).
    static let canMountTmpfs: Bool = {
        guard getuid() == 0, let dir = try? TemporaryDirectory(prefix: "autodev-mount-probe") else { return false }
        defer { dir.remove() }
        let mounted = (try? Subprocess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", dir.path]))?.status == 0
        if mounted { _ = try? Subprocess.run("/bin/umount", [dir.path]) }
        return mounted
    }()

    @Test(.enabled(if: canMountTmpfs, "needs to mount a tmpfs"))
    func aFullDiskIsAClearErrorAndLosesNothing() throws {
        let fixture = try SyncCommandTests.project()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let loop = fixture.path + "/.auto-dev/loop"
        try FileManager.default.moveItem(atPath: loop, toPath: loop + ".saved")
        try FileManager.default.createDirectory(atPath: loop, withIntermediateDirectories: true)
        #expect(try Subprocess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=8k", "tmpfs", loop]).status == 0)
        defer { _ = try? Subprocess.run("/bin/umount", ["-l", loop]) }
        _ = try? Subprocess.run("/bin/sh", ["-c", "cat /dev/zero > \(loop)/filler"])  // fill it up
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("free some disk space"), "\(result.stderr)")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        // With space again, the next run does the work.
        _ = try Subprocess.run("/bin/umount", [loop])
        try FileManager.default.removeItem(atPath: loop)
        try FileManager.default.moveItem(atPath: loop + ".saved", toPath: loop)
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(try SyncCommandTests.resultsFiles(fixture).count == 4)
    }

    @Test func aCorruptStateFileIsSetAsideAndTheRunGoesOn() throws {
        let fixture = try SyncCommandTests.project()
        try fixture.write(".auto-dev/loop/state.json", "{ not json")
        // Read-only looks report it and leave it where it is.
        for arguments in [["status"], ["sync", "--dry-run"]] {
            let look = try AutodevBinary.run(arguments, in: fixture.path)
            #expect(look.status == 0, "\(arguments): \(look.stderr)")
            #expect(look.stderr.contains("state.json is unusable"), "\(arguments)")
        }
        #expect(FileManager.default.fileExists(atPath: fixture.path + "/.auto-dev/loop/state.json"))
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("was set aside"))
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop")
        #expect(names.contains { $0.hasPrefix("state.json.corrupt-") })
        #expect(try SyncCommandTests.resultsFiles(fixture).count == 4)
    }

    @Test func aSignalStopsBetweenPiecesOfWorkAndTheRestStaysPending() throws {
        let fixture = try SyncCommandTests.project()
        // SIGTERM delivered before the first piece of work: everything stays pending, exit 143.
        let result = try SyncCommandTests.sync(fixture, [], environment: ["AUTODEV_TEST_SIGNAL_AT": "decided"])
        #expect(result.status == 143, "\(result.stderr)")
        let status = try #require(try JSONSerialization.jsonObject(with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        #expect((status["pending"] as? [Any])?.count == 2)
        #expect(((status["loop"] as? [String: Any])?["state"] as? String) == "shutdown")
        let rerun = try SyncCommandTests.sync(fixture)
        #expect(rerun.status == 0)
        #expect(try SyncCommandTests.resultsFiles(fixture).count == 4)
    }
}
