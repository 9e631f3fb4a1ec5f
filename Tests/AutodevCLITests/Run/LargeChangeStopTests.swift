import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A stop during the tree walk, rename detection or classification of a huge change ends the
/// run within the stop bound, not after the whole change was read.
///
/// The change is one commit adding 30,000 files, made with `git fast-import` (seconds, where
/// 30,000 `git add`s would take minutes). The stopped run must end within the bound and say it
/// stopped in classification, which an uninterrupted run finishes (its trace line).
@Suite(.serialized) struct LargeChangeStopTests {
    static let files = 30_000

    /// A repository with a checkpoint at its first commit and a second commit adding `files`
    /// Swift files in 300 folders (HEAD; the work tree is not updated, sync does not read it).
    static func fixture() throws -> GitFixture {
        // A child that dies early must fail the test, not kill the runner with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        try fixture.commit("base")
        let adopted = try AutodevBinary.run(["sync"], in: fixture.path)
        #expect(adopted.status == 0, "\(adopted.stderr)")
        let branch = try fixture.git(["symbolic-ref", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var stream = "commit \(branch)\ncommitter T <t@example.com> 1700000100 +0000\ndata 5\nmany\nfrom \(try fixture.head())\n"
        for index in 0..<files {
            let body = "let v\(index) = \(index)\n"
            stream += "M 100644 inline src/m\(index % 300)/f\(index).swift\ndata \(body.utf8.count)\n\(body)\n"
        }
        let imported = try Subprocess.run(GitFixture.gitPath, ["fast-import", "--quiet"], in: fixture.path, input: Data(stream.utf8))
        #expect(imported.status == 0, "\(imported.stderr)")
        return fixture
    }

    /// `sync --json` with AUTODEV_TRACE=1, started; stderr is a pipe the test reads.
    static func start(_ fixture: GitFixture, environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = SyncStopTests.syncProcess(fixture, ["--json"], environment: environment.merging(["AUTODEV_TRACE": "1"]) { $1 })
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return (process, stdout, stderr)
    }

    /// Reads stderr until a line containing `marker` arrived; what was read.
    static func read(_ pipe: Pipe, until marker: String) -> String {
        var seen = ""
        while !seen.contains(marker) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        return seen
    }

    @Test func aStopDuringClassificationOfAHugeChangeEndsTheRunWithinTheBound() throws {
        let fixture = try Self.fixture()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let history = try AutodevBinary.run(["history", "--json"], in: fixture.path).stdout
        // The whole preview, uninterrupted: what a run must not wait for.
        var start = SyncStopTests.now()
        let preview = try AutodevBinary.run(["diff-events", "--json"], in: fixture.path)
        let full = SyncStopTests.seconds(since: start)
        #expect(preview.status == 0, "\(preview.stderr)")
        // No wall-clock threshold on the preview itself (a faster classifier must not fail this
        // test): that the stop came mid-classification is proven below by what the run said.

        // The signal comes once rename detection has ended: classification is under way.
        let (process, stdout, stderr) = try Self.start(fixture)
        let seen = Self.read(stderr, until: "rename detection")
        #expect(seen.contains("tree walk (\(Self.files) paths)"), "\(seen)")
        start = SyncStopTests.now()
        kill(process.processIdentifier, SIGTERM)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let rest = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let elapsed = SyncStopTests.seconds(since: start)
        #expect(process.terminationStatus == 143, "\(rest)")
        #expect(elapsed < SyncStopTests.stopBound, "exit came \(elapsed) s after SIGTERM; the whole preview takes \(full) s")
        // Stopped in classification (or at the check just before it), and said so, as JSON too.
        #expect(!rest.contains("trace: classification"), "classification ran to its end: \(rest)")
        let report = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any], "\(String(decoding: output, as: UTF8.self))")
        #expect(report["interruptedBy"] as? Int == 15)
        let stopped = try #require(report["stopped"] as? String)
        #expect(stopped.contains("classifying \(Self.files) changed paths") || stopped.contains("pairing renames"), "\(stopped)")
        #expect(rest.contains(stopped))
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        #expect(try AutodevBinary.run(["history", "--json"], in: fixture.path).stdout == history, "a stopped pass recorded a run")
    }

    @Test func aStopBeforeTheTreeWalkEndsItAtItsFirstFolder() throws {
        let fixture = try Self.fixture()
        let checkpoint = try fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        // SIGTERM as the lock is taken: the walk is the next thing that looks at the flag.
        let start = SyncStopTests.now()
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["AUTODEV_TEST_SIGNAL_AT": "locked", "AUTODEV_TRACE": "1"])
        let elapsed = SyncStopTests.seconds(since: start)
        #expect(result.status == 143, "\(result.stderr)")
        #expect(result.stderr.contains("stopped by signal 15 while reading the changed paths (tree walk)"), "\(result.stderr)")
        // The walk ended at once: it reported (far) fewer paths than the change has.
        #expect(!result.stderr.contains("tree walk (\(Self.files) paths)"), "\(result.stderr)")
        #expect(elapsed < SyncStopTests.stopBound + 1, "the stopped run took \(elapsed) s")
        #expect(try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == checkpoint)
        // Without a stop, the next run reads all of it.
        let rerun = try SyncCommandTests.sync(fixture, ["--json"], environment: ["AUTODEV_TRACE": "1"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("tree walk (\(Self.files) paths)"), "\(rerun.stderr)")
    }
}
