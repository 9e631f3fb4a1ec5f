import AutodevTestSupport
import Foundation
import Testing

/// `loop.checkpoint_ref` and `loop.results_branch` never reach a branch of the user's: autodev's
/// refs live under `refs/autodev/` and on a results branch autodev created.
@Suite struct RefSettingsTests {
    /// The project after its first sync, with a `feature` branch of the user's, the setting in
    /// `config/autodev.toml` (line 2), and a new spec to work on.
    static func project(_ key: String, _ value: String) throws -> (GitFixture, [String: String]) {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        try fixture.git(["branch", "feature", "HEAD~1"])
        try fixture.write("config/autodev.toml", "[loop]\n\(key) = \"\(value)\"\n")
        try fixture.write("specs/002-import/spec.md", "- **FR-001**: System MUST import CSV files\n")
        try fixture.commit("Specify import")
        return (fixture, try refs(fixture))
    }

    static func refs(_ fixture: GitFixture) throws -> [String: String] {
        var refs: [String: String] = [:]
        for line in try fixture.git(["for-each-ref", "--format=%(refname) %(objectname)"]).split(separator: "\n") {
            let parts = line.split(separator: " ")
            refs[String(parts[0])] = String(parts[1])
        }
        return refs
    }

    @Test(arguments: [
        ("refs/heads/feature", "must be a valid ref name under refs/autodev/"),
        ("refs/heads/autodev/results", "must be a valid ref name under refs/autodev/"),
        ("HEAD", "must be a valid ref name under refs/autodev/"),
        ("refs/autodev/bad..name", "must be a valid ref name under refs/autodev/"),
        ("refs/autodev/queue", "holds autodev's queue"),
    ])
    func aCheckpointRefOutsideAutodevsRefsIsAConfigurationError(_ value: String, _ problem: String) throws {
        let (fixture, before) = try Self.project("checkpoint_ref", value)
        for arguments in [["sync"], ["config", "--effective"], ["status"]] {
            let result = try AutodevBinary.run(arguments, in: fixture.path)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("config/autodev.toml:2"), "\(result.stderr)")
            #expect(result.stderr.contains("loop.checkpoint_ref"), "\(result.stderr)")
            #expect(result.stderr.contains(problem), "\(result.stderr)")
        }
        #expect(try Self.refs(fixture) == before)
    }

    @Test(arguments: [
        ("main", "is the branch checked out (HEAD)"),
        ("feature", "exists and autodev did not create it"),
        ("bad..name", "must be a valid branch name"),
        ("refs/heads/x", "must be a valid branch name"),
        ("-x", "must be a valid branch name"),
    ])
    func aResultsBranchThatIsNotAutodevsIsAConfigurationError(_ value: String, _ problem: String) throws {
        let (fixture, before) = try Self.project("results_branch", value)
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("loop.results_branch"), "\(result.stderr)")
        #expect(result.stderr.contains("config/autodev.toml:2"), "\(result.stderr)")
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(!result.stderr.contains("git branch -f"), "\(result.stderr)")
        #expect(try Self.refs(fixture) == before)
    }

    @Test func aResultsBranchFromTheEnvironmentIsNamedWithItsVariable() throws {
        let fixture = try SyncCommandTests.project()
        let before = try Self.refs(fixture)
        let result = try SyncCommandTests.sync(fixture, [], environment: ["AUTODEV_LOOP_RESULTS_BRANCH": "main"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("loop.results_branch (environment AUTODEV_LOOP_RESULTS_BRANCH)"), "\(result.stderr)")
        #expect(try Self.refs(fixture) == before)
    }

    @Test func aMovedResultsBranchIsRestoredOnlyToAutodevsOwnCommit() throws {
        let fixture = try SyncCommandTests.project()
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        let ours = try fixture.revParse("autodev/results")
        _ = try fixture.git(["branch", "-f", "autodev/results", "HEAD~1"])
        try fixture.write("specs/003-x/spec.md", "- **FR-001**: System MUST x\n")
        try fixture.commit("another spec")
        // The state records autodev's tip on it: exit 4, put it back on that commit.
        let moved = try SyncCommandTests.sync(fixture)
        #expect(moved.status == 4)
        #expect(moved.stderr.contains("git branch -f autodev/results \(ours)"), "\(moved.stderr)")
        #expect(try fixture.git(["log", "-1", "--format=%B", ours]).contains("Autodev-Run: "))
        // Without the state, nothing says the branch is autodev's: a configuration error, no advice to move it.
        try FileManager.default.removeItem(atPath: fixture.path + "/.auto-dev")
        let unknown = try SyncCommandTests.sync(fixture)
        #expect(unknown.status == 2, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("loop.results_branch (default)"), "\(unknown.stderr)")
        #expect(!unknown.stderr.contains("git branch -f"), "\(unknown.stderr)")
    }
}
