import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The post-commit hook and a running sync: a commit the hook hands over is never lost.
///
/// The lost wake-up needs two syncs to interleave within a few milliseconds, which random
/// timing hits too rarely to prove anything. These tests force each interleaving instead: a
/// sync started with `AUTODEV_TEST_PAUSE_AT=STEP` tells the test through a FIFO when it reaches
/// that step and waits there for the test's go-ahead through another, so the test decides the
/// order. Each order runs in several rounds on one repository.
@Suite struct HookRaceTests {
    static func paused(_ fixture: GitFixture, _ arguments: [String], at step: String, fifo: String) -> Process {
        SyncStopTests.syncProcess(fixture, arguments, environment: ["AUTODEV_TEST_PAUSE_AT": step, "AUTODEV_TEST_PAUSE_FIFO": fifo])
    }

    /// The FIFOs of one pause point.
    static func pausePoint(_ path: String) throws -> String {
        _ = try SyncStopTests.fifo(path + ".go")
        return try SyncStopTests.fifo(path)
    }

    /// Returns once the paused sync has reached its step (it holds there).
    static func arrived(_ fifo: String) throws {
        _ = try SyncStopTests.readAll(fifo)
    }

    /// Lets a paused sync go on.
    static func release(_ fifo: String) throws {
        try #require(FileHandle(forWritingAtPath: fifo + ".go")).close()
    }

    static func caughtUp(_ fixture: GitFixture) throws -> Bool {
        try fixture.git(["rev-parse", "refs/autodev/checkpoint"]) == (try fixture.git(["rev-parse", "HEAD"]))
    }

    @Test func aHookThatFindsTheLockHeldAsTheSyncEndsTriesAgainAndRunsItself() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let folder = try TemporaryDirectory(prefix: "autodev-race")
        defer { folder.remove() }
        let running = try Self.pausePoint(folder.path + "/running"), hook = try Self.pausePoint(folder.path + "/hook")
        for round in 0..<5 {
            try fixture.write("specs/1\(round)-a/spec.md", "- **FR-001**: System MUST do a\(round)\n")
            try fixture.commit("a \(round)")
            // The sync has done its pass and found no rerun flag; it still holds the lock.
            let sync = Self.paused(fixture, [], at: "before-release", fifo: running)
            try sync.run()
            try Self.arrived(running)
            try fixture.write("specs/2\(round)-b/spec.md", "- **FR-001**: System MUST do b\(round)\n")
            try fixture.commit("b \(round)")
            // The hook finds the lock held and waits before leaving the flag...
            let hooked = Self.paused(fixture, ["--hook", "post-commit"], at: "hook-busy", fifo: hook)
            try hooked.run()
            try Self.arrived(hook)
            try Self.release(running)  // ...the sync releases the lock and ends...
            sync.waitUntilExit()
            try Self.release(hook)    // ...and only then the hook leaves the flag.
            hooked.waitUntilExit()
            #expect([sync.terminationStatus, hooked.terminationStatus] == [0, 0], "round \(round)")
            #expect(try Self.caughtUp(fixture), "round \(round): commit b was left unprocessed")
            _ = try SyncCommandTests.sync(fixture)  // the next round starts caught up
        }
    }

    @Test func aSyncLooksForTheRerunFlagAgainAfterReleasingTheLock() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let folder = try TemporaryDirectory(prefix: "autodev-race")
        defer { folder.remove() }
        let running = try Self.pausePoint(folder.path + "/running")
        for round in 0..<5 {
            try fixture.write("specs/1\(round)-a/spec.md", "- **FR-001**: System MUST do a\(round)\n")
            try fixture.commit("a \(round)")
            // The sync has done its pass and found no rerun flag; it still holds the lock.
            let sync = Self.paused(fixture, [], at: "before-release", fifo: running)
            try sync.run()
            try Self.arrived(running)
            try fixture.write("specs/2\(round)-b/spec.md", "- **FR-001**: System MUST do b\(round)\n")
            try fixture.commit("b \(round)")
            // The hook leaves the flag, tries the lock again (still held) and hands over.
            let hooked = try SyncCommandTests.sync(fixture, ["--hook", "post-commit"])
            #expect(hooked.status == 0, "round \(round): \(hooked.stderr)")
            #expect(hooked.stdout.contains("another sync is running"), "round \(round)")
            try Self.release(running)
            sync.waitUntilExit()
            #expect(sync.terminationStatus == 0, "round \(round)")
            #expect(try Self.caughtUp(fixture), "round \(round): commit b was left unprocessed")
            _ = try SyncCommandTests.sync(fixture)
        }
    }
}
