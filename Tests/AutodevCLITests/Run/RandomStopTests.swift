import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGKILL and SIGTERM at random moments of whole runs — generators (patterns.toml
/// `then = "command"`) and templates together — then a run left alone: the results equal an
/// uninterrupted run's, no piece of work is done in two runs, no scratch copy or generator
/// process is left, and every SIGTERM ends its sync within the stop bound.
///
/// The moments come from a seeded generator (a failure names its seed and round); the one
/// sleep is the fault itself, the wait before a signal, never a synchronization.
@Suite struct RandomStopTests {
    static let seed: UInt64 = 20261202

    /// The project (spec 001 committed, not synced) plus a spec whose three "include a … line"
    /// requirements go to a generator and whose other three go to templates. The generator
    /// records its pid in `$MARK/pids/` and takes a moment, so signals land while it runs.
    static func project() throws -> GitFixture {
        let fixture = try SyncCommandTests.project()
        try fixture.write("specs/002-report/spec.md", """
            # Feature Specification: Report

            - **FR-001**: System MUST include a total line
            - **FR-002**: System MUST include a date line
            - **FR-003**: System MUST include a name line
            - **FR-004**: System MUST print the report
            - **FR-005**: System MUST mail the report
            - **FR-006**: System MUST archive the report
            """)
        try fixture.write("config/patterns.toml", """
            [[pattern]]
            name = "rows"
            text = 'include a (?<what>\\w+) line'
            then = "command"
            command = "echo $$ > $MARK/pids/$$; sleep 0.3; echo $AUTODEV_MATCH_WHAT > row-$AUTODEV_MATCH_WHAT.txt"
            """)
        try fixture.commit("a report spec with generated rows")
        return fixture
    }

    /// The work ids that produced files, each with the runs that produced them.
    static func doneBy(_ fixture: GitFixture) throws -> [String: Set<String>] {
        let folder = fixture.path + "/.auto-dev/loop/decisions"
        var done: [String: Set<String>] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".jsonl") {
            for line in try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard let files = record["files"] as? [String], !files.isEmpty, let work = record["work"] as? String else { continue }
                done[work, default: []].insert(record["run"] as? String ?? "?")
            }
        }
        return done
    }

    /// Paths each results commit added or changed over the one before it, in all.
    static func committedPaths(_ fixture: GitFixture) throws -> [String] {
        var paths: [String] = []
        for commit in try fixture.git(["log", "--format=%H", "--grep=^Autodev-Run:", "autodev/results"]).split(separator: "\n") {
            let parents = try fixture.git(["rev-list", "--parents", "-n", "1", String(commit)]).split(separator: " ").dropFirst()
            let before = parents.count > 1 ? String(parents.last!).trimmingCharacters(in: .whitespacesAndNewlines) : String(commit) + "^"
            paths += try fixture.git(["diff", "--name-only", before, String(commit)]).split(separator: "\n").map(String.init)
        }
        return paths
    }

    @Test func randomKillsAndStopsOverWholeRunsWithGeneratorsLoseNothingAndDoNothingTwice() throws {
        let marker = try TemporaryDirectory(prefix: "autodev-random-stop")
        defer { marker.remove() }
        let temporary = marker.path + "/tmp", pids = marker.path + "/pids"
        for folder in [temporary, pids] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        // The generators report to the test through $MARK on the host: unsandboxed, on purpose
        // (this is the process-group machinery's test; SandboxCommandTests has the sandbox's).
        let environment = ["MARK": marker.path, "TMPDIR": temporary, "AUTODEV_VALIDATE_SANDBOX": "none", "AUTODEV_VALIDATE_ENV": "MARK"]

        let reference = try Self.project()
        let clean = try SyncCommandTests.sync(reference, [], environment: environment)
        #expect(clean.status == 0, "\(clean.stderr)")
        let expectedTree = try reference.git(["rev-parse", "autodev/results^{tree}"])
        let expectedFiles = try SyncCommandTests.resultsFiles(reference)
        #expect(expectedFiles.filter { $0.hasPrefix("row-") }.count == 3, "\(expectedFiles)")  // total, date, name
        let expectedWork = try Self.doneBy(reference).count

        var random = SeededRandom(seed: Self.seed)
        var stops = 0, kills = 0, stoppedMidRun = 0, stopTimes: [Double] = []
        for round in 0..<8 {
            let fixture = try Self.project()
            for attempt in 0..<3 {
                let process = SyncStopTests.syncProcess(fixture, environment: environment)
                try process.run()
                usleep(UInt32(random.next() % 700_000))  // the fault: a signal at a random moment
                let signal = random.next() % 2 == 0 ? SIGKILL : SIGTERM
                let start = SyncStopTests.now()
                kill(process.processIdentifier, signal)
                process.waitUntilExit()
                let elapsed = SyncStopTests.seconds(since: start)
                let place = "seed \(Self.seed), round \(round), attempt \(attempt)"
                if signal == SIGTERM {
                    stops += 1
                    stopTimes.append(elapsed)
                    // 143: stopped; 0: it had finished; killed by the signal itself: it came
                    // before the handler was installed, with nothing done.
                    let status = process.terminationStatus
                    if status == 143 { stoppedMidRun += 1 }
                    #expect(status == 143 || status == 0 || (process.terminationReason == .uncaughtSignal && status == SIGTERM),
                            "\(place): exit \(status)")
                    #expect(elapsed < SyncStopTests.stopBound, "\(place): exit came \(elapsed) s after SIGTERM")
                } else {
                    kills += 1
                }
            }
            let rerun = try SyncCommandTests.sync(fixture, [], environment: environment)
            let place = "seed \(Self.seed), round \(round)"
            #expect(rerun.status == 0, "\(place): \(rerun.stderr)")
            // The results equal the uninterrupted run's.
            #expect(try fixture.git(["rev-parse", "autodev/results^{tree}"]) == expectedTree, "\(place)")
            #expect(try SyncCommandTests.resultsFiles(fixture) == expectedFiles, "\(place)")
            // Nothing done twice: each piece of work produced its files in one run, and no
            // results commit brought a path the branch already had.
            let done = try Self.doneBy(fixture)
            #expect(done.count == expectedWork, "\(place): \(done)")
            #expect(done.values.allSatisfy { $0.count == 1 }, "\(place): \(done)")
            let committed = try Self.committedPaths(fixture)
            #expect(committed.count == Set(committed).count, "\(place): \(committed.sorted())")
            #expect(try SyncCommandTests.sync(fixture, ["--json"], environment: environment).stdout.contains("\"events\":0"), "\(place)")
            // No scratch copy left, no generator alive.
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("autodev-scratch-") } == [], "\(place)")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: pids) {
            let pid = try #require(pid_t(name))
            // Gone, or a zombie: dead, and left for init to reap (a container's init may not).
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let state = stat.split(separator: ")").last?.split(separator: " ").first
            #expect(stat.isEmpty || state == "Z", "generator \(pid) outlived its sync: \(stat)")
        }
        // The moments must reach into runs, not only land before or after them.
        #expect(stops >= 3 && kills >= 3 && stoppedMidRun >= 2, "\(stops) stops (\(stoppedMidRun) mid-run), \(kills) kills")
        print("random stops: \(stops) SIGTERM (\(stoppedMidRun) mid-run; slowest exit \(stopTimes.max() ?? 0) s), \(kills) SIGKILL")
    }
}
