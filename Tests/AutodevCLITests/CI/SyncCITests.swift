import AutodevTestSupport
import Foundation
import Testing

/// `autodev sync --ci` against a real bare repository as the remote (`file://`), with runners
/// that are real clones of it.
@Suite struct SyncCITests {
    /// A project with autodev's starter files on a bare remote; returns the author's repository
    /// (which pushes to `remote`) and the remote's URL.
    static func project() throws -> (author: GitFixture, remote: String) {
        let author = try GitFixture()
        try author.write("pyproject.toml", "[project]\nname = 'app'\n")
        try author.write("src/app.py", "print('app')\n")
        try SyncCommandTests.initAnswering(author)
        try author.commit("base with autodev init")
        let remote = author.directory.path + "/remote.git"
        try author.git(["init", "-q", "--bare", "-b", "main", remote])
        try author.git(["remote", "add", "origin", "file://" + remote])
        try author.git(["push", "-q", "origin", "main"])
        return (author, "file://" + remote)
    }

    static func addSpec(_ author: GitFixture, _ number: Int) throws {
        try author.write("specs/00\(number)-f/spec.md", "# Feature\n\n- **FR-001**: System MUST do thing \(number)\n")
        try author.commit("Specify feature \(number)")
        try author.git(["push", "-q", "origin", "main"])
    }

    static func runner(_ author: GitFixture, _ remote: String, name: String, depth: Int? = nil) throws -> String {
        let path = author.directory.path + "/" + name
        try author.git(["clone", "-q"] + (depth.map { ["--depth", String($0)] } ?? []) + [remote, path])
        return path
    }

    static func git(_ directory: String, _ arguments: [String]) throws -> String {
        let result = try Subprocess.run(GitFixture.gitPath, arguments, in: directory)
        guard result.status == 0 else { throw FixtureError("git \(arguments) failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func ci(_ directory: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> ProcessResult {
        try AutodevBinary.run(["sync", "--ci"] + arguments, in: directory, environment: environment)
    }

    static func report(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func aRunnerSyncsAndPushesTheCheckpointQueueAndResultsWithAReportAndASummary() throws {
        let (author, remote) = try Self.project()
        let one = try Self.runner(author, remote, name: "one")
        let adopted = try Self.ci(one)
        #expect(adopted.status == 0, "\(adopted.stderr)")
        #expect(adopted.stderr.contains("autodev ci: pushed to origin: refs/autodev/checkpoint"))
        #expect(try Self.git(one, ["ls-remote", "origin", "refs/autodev/checkpoint"]).hasPrefix(try author.head()))
        try Self.addSpec(author, 1)
        _ = try Self.git(one, ["pull", "-q", "--ff-only"])
        let folder = author.directory.path
        let run = try Self.ci(one, ["--report", folder + "/report.json", "--summary", folder + "/summary.md", "--report-html", folder + "/html"])
        #expect(run.status == 0, "\(run.stderr)")
        let remoteResults = try Self.git(one, ["ls-remote", "origin", "refs/heads/autodev/results"])
        #expect(remoteResults.hasPrefix(try Self.git(one, ["rev-parse", "autodev/results"])))
        #expect(try Self.git(one, ["ls-remote", "origin", "refs/autodev/checkpoint"]).hasPrefix(try author.head()))
        let report = try Self.report(folder + "/report.json")
        let ci = try #require(report["ci"] as? [String: Any])
        #expect(ci["outcome"] as? String == "pushed")
        #expect(ci["attempts"] as? Int == 1)
        #expect(report["exitStatus"] as? Int == 0)
        #expect(((report["sync"] as? [String: Any])?["passes"] as? [[String: Any]])?.first?["tiers"] as? [String: Int] == ["template": 1])
        let summary = try String(contentsOfFile: folder + "/summary.md", encoding: .utf8)
        #expect(summary.contains("### Work done, by tier\n\n| tier | work |\n|---|---:|\n| template | 1 |"), "\(summary)")
        #expect(summary.contains("### What waits, and why"))
        #expect(summary.contains("LLM calls avoided (answered by patterns, templates, the cache and similar answers): 1"))
        #expect(summary.contains("Pushed to `origin`"))
        // The HTML report as an artifact: the template's work on it, the runs as `metrics` counts them.
        let page = try String(contentsOfFile: folder + "/html/index.html", encoding: .utf8)
        #expect(page.contains("data-metric=\"counters.tiers.template\">1<"), "\(page.prefix(2000))")
        let metrics = try AdoptionTests.json(try AutodevBinary.run(["metrics", "--json"], in: one))
        #expect(page.contains("<span data-metric=\"counters.runs\">\(MetricsCommandTests.value(metrics, "counters.runs") as? Int ?? -1)</span>"))
        // Again: nothing new, nothing pushed.
        let again = try Self.ci(one)
        #expect(again.status == 0)
        #expect(again.stderr.contains("nothing to push"))
    }

    @Test func aFreshShallowRunnerNamesTheDepthItNeedsThenDeepensAndContinuesWithoutRedoingWork() throws {
        let (author, remote) = try Self.project()
        let one = try Self.runner(author, remote, name: "one")
        #expect(try Self.ci(one).status == 0)  // adoption
        try Self.addSpec(author, 1)
        _ = try Self.git(one, ["pull", "-q", "--ff-only"])
        #expect(try Self.ci(one).status == 0)
        let firstResults = try Self.git(one, ["rev-parse", "autodev/results"])
        try Self.addSpec(author, 2)
        try Self.addSpec(author, 3)
        let two = try Self.runner(author, remote, name: "two", depth: 1)
        let refused = try Self.ci(two)
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("--deepen"))
        #expect(refused.stderr.contains("git fetch --shallow-since="))
        let deepened = try Self.ci(two, ["--deepen", "--report", author.directory.path + "/two.json"])
        #expect(deepened.status == 0, "\(deepened.stderr)")
        let passes = try #require((try Self.report(author.directory.path + "/two.json")["sync"] as? [String: Any])?["passes"] as? [[String: Any]])
        // Only features 2 and 3 are new work: feature 1 was done by runner one.
        #expect(passes.map { $0["tiers"] as? [String: Int] } == [["template": 2]])
        let results = try Self.git(two, ["rev-parse", "autodev/results"])
        // One commit per feature, on a first commit that carries feature 1's unmerged files and
        // keeps runner one's results as its second parent.
        let stack = try Self.git(two, ["rev-list", "--first-parent", "--reverse", "autodev/results", "^main"]).split(separator: "\n").map(String.init)
        #expect(stack.count == 3, "\(stack)")
        #expect(try Self.git(two, ["rev-parse", (stack.first ?? "-") + "^2"]) == firstResults)
        #expect(try Self.git(one, ["ls-remote", "origin", "refs/heads/autodev/results"]).hasPrefix(results))
        let files = try Self.git(two, ["ls-tree", "-r", "--name-only", "autodev/results", "src"]).split(separator: "\n")
        #expect(files.filter { $0.contains("f_00") }.count == 3, "\(files)")
    }

    @Test func twoRacingRunnersOneWinsTheOtherRerunsOnTheWinnersRefsAndNothingIsLostOrDoubled() throws {
        let (author, remote) = try Self.project()
        let one = try Self.runner(author, remote, name: "one")
        #expect(try Self.ci(one).status == 0)  // adoption
        try Self.addSpec(author, 1)
        let two = try Self.runner(author, remote, name: "two")
        _ = try Self.git(one, ["pull", "-q", "--ff-only"])
        let folder = try TemporaryDirectory(prefix: "autodev-race")
        defer { folder.remove() }
        let fifo = try HookRaceTests.pausePoint(folder.path + "/two")
        // Runner two fetches and runs, then holds before it releases its lock (and pushes)...
        let paused = Process()
        paused.executableURL = URL(fileURLWithPath: AutodevBinary.path)
        paused.arguments = ["sync", "--ci", "--report", folder.path + "/two.json"]
        paused.currentDirectoryURL = URL(fileURLWithPath: two)
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AUTODEV") { env[key] = nil }
        env["AUTODEV_TEST_PAUSE_AT"] = "before-release"
        env["AUTODEV_TEST_PAUSE_FIFO"] = fifo
        paused.environment = env
        paused.standardOutput = FileHandle.nullDevice
        paused.standardError = FileHandle.nullDevice
        try paused.run()
        try HookRaceTests.arrived(fifo)
        // ...while runner one, on a newer commit, does that work and more and pushes first.
        try Self.addSpec(author, 2)
        _ = try Self.git(one, ["pull", "-q", "--ff-only"])
        let won = try Self.ci(one)
        #expect(won.status == 0, "\(won.stderr)")
        let winner = try Self.git(one, ["rev-parse", "autodev/results"])
        try HookRaceTests.release(fifo)
        paused.waitUntilExit()
        #expect(paused.terminationStatus == 0)
        let report = try Self.report(folder.path + "/two.json")
        let ci = try #require(report["ci"] as? [String: Any])
        #expect(ci["attempts"] as? Int == 2)
        #expect(ci["outcome"] as? String == "superseded")
        // The remote holds the winner's work, once; runner two's local refs are the winner's.
        #expect(try Self.git(one, ["ls-remote", "origin", "refs/heads/autodev/results"]).hasPrefix(winner))
        #expect(try Self.git(two, ["rev-parse", "autodev/results"]) == winner)
        // Features 1 and 2, one commit each.
        #expect(try Self.git(one, ["rev-list", "--count", "autodev/results", "^main"]) == "2")
        #expect(try Self.git(one, ["ls-remote", "origin", "refs/autodev/checkpoint"]).hasPrefix(try author.head()))
        // Runner two, brought up to date, continues from the winner: nothing left to do.
        _ = try Self.git(two, ["pull", "-q", "--ff-only"])
        let next = try Self.ci(two)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("0 events"), "\(next.stdout)")
    }

    @Test func aForcePushedMainIsSyncedFromTheMergeBaseAndSaysSo() throws {
        let (author, remote) = try Self.project()
        try Self.addSpec(author, 1)
        let one = try Self.runner(author, remote, name: "one")
        #expect(try Self.ci(one).status == 0)  // adoption at feature 1
        try author.git(["reset", "-q", "--hard", "HEAD~1"])
        try author.write("specs/009-g/spec.md", "# Feature\n\n- **FR-001**: System MUST rewrite\n")
        try author.commit("rewritten history")
        try author.git(["push", "-q", "--force", "origin", "main"])
        let two = try Self.runner(author, remote, name: "two")
        let run = try Self.ci(two)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("not a descendant of the checkpoint"), "\(run.stdout)")
        #expect(try Self.git(two, ["ls-remote", "origin", "refs/autodev/checkpoint"]).hasPrefix(try author.head()))
    }

    @Test func ciOptionsAreCheckedAndAMissingRemoteIsAClearFailure() throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        try fixture.commit("a")
        let deepen = try AutodevBinary.run(["sync", "--deepen"], in: fixture.path)
        #expect(deepen.status == 64)
        #expect(deepen.stderr.contains("--deepen works with --ci only"))
        #expect(try AutodevBinary.run(["sync", "--ci", "HEAD~1..HEAD"], in: fixture.path).status == 64)
        let noRemote = try Self.ci(fixture.path)
        #expect(noRemote.status == 1)
        #expect(noRemote.stderr.contains("listing autodev's refs on origin failed"), "\(noRemote.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "/.auto-dev/loop/state.json"))
    }
}
