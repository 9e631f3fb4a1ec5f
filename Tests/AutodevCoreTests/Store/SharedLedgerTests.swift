@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// The shared ledger on real clones of a real bare repository, moved by the real `git` command
/// (as `sync --ci` moves it): merges never lose or double a charge, a lost race is fetched and
/// merged, and a reservation the merged ledger cannot afford is refused.
@Suite struct SharedLedgerTests {
    /// `git fetch` / `git push --force-with-lease`, as the CLI's transport runs them.
    final class GitTransport: LedgerTransport {
        let directory: String
        let remoteName = "origin"
        init(_ directory: String) { self.directory = directory }

        func git(_ arguments: [String]) throws(AutodevError) -> ProcessResult {
            do { return try Subprocess.run(GitFixture.gitPath, arguments, in: directory) } catch {
                throw AutodevError(.gitFailure, "cannot run git: \(error)")
            }
        }

        func fetch(_ ref: String) throws(AutodevError) -> String? {
            let fetched = try git(["fetch", "-q", "origin", "+\(ref):\(ref)"])
            if fetched.status != 0 {
                if fetched.stderr.contains("couldn't find remote ref") { return nil }
                throw AutodevError(.gitFailure, fetched.stderr)
            }
            return try git(["rev-parse", ref]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func push(_ commit: String, to ref: String, expected: String?) throws(AutodevError) -> Bool {
            let pushed = try git(["push", "-q", "--force-with-lease=\(ref):\(expected ?? "")", "origin", "\(commit):\(ref)"])
            if pushed.status == 0 { return true }
            if pushed.stderr.contains("stale info") { return false }
            throw AutodevError(.gitFailure, pushed.stderr)
        }
    }

    struct Runner {
        /// Keeps the scratch folder (the remote and every clone) alive while the runner is.
        let fixture: GitFixture
        let path: String
        let ledger: SpendLedger
        let shared: SharedLedger
    }

    static func runners(_ count: Int) throws -> (GitFixture, [Runner]) {
        let author = try GitFixture()
        try author.write("a.txt", "a\n")
        try author.commit("a")
        let remote = author.directory.path + "/remote.git"
        try author.git(["init", "-q", "--bare", "-b", "main", remote])
        try author.git(["push", "-q", remote, "main"])
        let runners = try (0..<count).map { index in
            let path = author.directory.path + "/runner\(index)"
            try author.git(["clone", "-q", "file://" + remote, path])
            let ledger = SpendLedger(path: path + "/.git/autodev/spend.jsonl")
            let shared = SharedLedger(gitDirectory: path + "/.git", ledger: ledger, store: StateStore(root: path + "/.auto-dev"),
                                      transport: GitTransport(path))
            shared.pause = { _ in }
            return Runner(fixture: author, path: path, ledger: ledger, shared: shared)
        }
        return (author, runners)
    }

    static func line(_ id: String, _ kind: SpendLedger.Line.Kind = .reserved, cost: Double = 1) -> SpendLedger.Line {
        SpendLedger.Line(kind: kind, id: id, at: FileSystem.now(), provider: "p", cost: cost, tokens: 10, run: "r", work: nil, outcome: kind == .settled ? "answered" : nil)
    }

    @Test func aRunnerThatLostTheRaceFetchesMergesAndPushesAndNoChargeIsLostOrDoubled() throws {
        let (_, runners) = try Self.runners(2)
        let (a, b) = (runners[0], runners[1])
        try a.shared.pull(resilience: false)
        try b.shared.pull(resilience: false)
        // Both fetched the same (no ledger yet); A pushes first, B's push from the stale fetch loses.
        try a.ledger.reserve(Self.line("a1"))
        #expect(try a.shared.publish())
        try b.ledger.reserve(Self.line("b1"))
        #expect(try b.shared.publish() == false)
        // B fetches A's line, merges and pushes the union.
        #expect(b.shared.flush() == nil)
        #expect(b.ledger.entries().map(\.id) == ["b1", "a1"])
        try a.ledger.settle(Self.line("a1", .settled, cost: 0.25))
        #expect(a.shared.flush() == nil)
        try b.shared.pull(resilience: false)
        try a.shared.pull(resilience: false)
        for runner in [a, b] {
            let entries = runner.ledger.entries()
            #expect(Set(entries.map(\.id)) == ["a1", "b1"])
            #expect(abs(runner.ledger.spent(now: FileSystem.now(), run: nil).day - 1.25) < 1e-9)
            // Pulling again adds nothing: the union is by kind and call id.
            let lines = try String(contentsOfFile: runner.ledger.path, encoding: .utf8).split(separator: "\n").count
            try runner.shared.pull(resilience: false)
            #expect(try String(contentsOfFile: runner.ledger.path, encoding: .utf8).split(separator: "\n").count == lines)
            #expect(lines == 3)
            #expect(SharedLedger.unpushed(gitDirectory: runner.path + "/.git", ledger: runner.ledger) == 0)
        }
    }

    @Test func aReservationIsRefusedWhenTheMergedLedgerCannotAffordIt() throws {
        let (_, runners) = try Self.runners(2)
        let (a, b) = (runners[0], runners[1])
        let budget: Double = 1.5
        func check(_ runner: Runner) -> () -> (reason: String, resumesAt: Int64?)? {
            { runner.ledger.spent(now: FileSystem.now(), run: nil).day + 1 > budget ? ("over budget", nil) : nil }
        }
        #expect(a.shared.reserve(Self.line("a1"), check: check(a)) == .reserved)
        try a.ledger.reserve(Self.line("a1"))
        // B has never fetched: its own ledger is empty, the merged one is not.
        #expect(b.ledger.entries().isEmpty)
        #expect(b.shared.reserve(Self.line("b1"), check: check(b)) == .refused("over budget", resumesAt: nil))
        #expect(b.ledger.entries().map(\.id) == ["a1"])
        // Nothing of B's went to the remote.
        try a.shared.pull(resilience: false)
        #expect(a.ledger.entries().map(\.id) == ["a1"])
    }

    @Test func aRunnerThatCannotPushKeepsItsLinesAndSaysHowMany() throws {
        let (author, runners) = try Self.runners(1)
        let a = runners[0]
        try a.shared.pull(resilience: false)
        try a.ledger.reserve(Self.line("a1"))
        #expect(try a.shared.publish())
        try a.ledger.settle(Self.line("a1", .settled, cost: 0.5))
        // The remote goes away.
        try FileManager.default.moveItem(atPath: author.directory.path + "/remote.git", toPath: author.directory.path + "/gone.git")
        let problem = try #require(a.shared.flush())
        #expect(problem.contains("1 line stay in \(a.ledger.path)"), "\(problem)")
        #expect(SharedLedger.unpushed(gitDirectory: a.path + "/.git", ledger: a.ledger) == 1)
        try FileManager.default.moveItem(atPath: author.directory.path + "/gone.git", toPath: author.directory.path + "/remote.git")
        #expect(a.shared.flush() == nil)
        #expect(SharedLedger.unpushed(gitDirectory: a.path + "/.git", ledger: a.ledger) == 0)
    }

    @Test func breakersMergeToTheLastMoveAndDeadlinesToTheLatest() {
        var open = CircuitBreaker()
        _ = open.allow(now: 0, resetSeconds: 300)
        for _ in 0..<5 { open.failed(now: 100, threshold: 5, message: "503") }
        #expect(open.state == .open)
        var laterOpen = open
        laterOpen.since = 200
        // A runner that fetched the open breaker, probed after the reset and got an answer.
        var probed = open
        let probeGoes = probed.allow(now: 400, resetSeconds: 300)
        #expect(probeGoes)
        probed.succeeded()
        #expect(probed.state == .closed)
        var failing = CircuitBreaker()
        failing.failed(now: 50, threshold: 5, message: "503")
        failing.since = 0
        let a = SharedLedger.Shared(breakers: ["p": CircuitBreaker(), "q": open, "r": CircuitBreaker(), "t": open],
                                    notBefore: ["p": 500, "q": 100], calibration: ["p": 1.1])
        let b = SharedLedger.Shared(breakers: ["p": open, "q": laterOpen, "r": failing, "s": failing, "t": probed],
                                    notBefore: ["p": 400, "q": 900], calibration: ["p": 1.3, "q": 0.9])
        for merged in [SharedLedger.merge(a, b), SharedLedger.merge(b, a)] {
            #expect(merged.breakers["p"] == open, "an opening beats a breaker that never moved")
            #expect(merged.breakers["q"] == laterOpen, "the later opening wins")
            #expect(merged.breakers["r"] == failing, "at the same time, the one with more failures")
            #expect(merged.breakers["s"] == failing)
            #expect(merged.breakers["t"] == probed, "a successful probe after the opening closes the shared breaker")
            #expect(merged.notBefore == ["p": 500, "q": 900], "the later deadline")
        }
        #expect(SharedLedger.merge(a, b).calibration == ["p": 1.3, "q": 0.9])
    }
}
