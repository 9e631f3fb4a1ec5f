@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

@Suite struct BinaryAttributeTests {
    /// Which paths git calls binary in a range: its numstat prints "-" for them.
    static func gitBinary(_ fixture: GitFixture, _ range: String) throws -> [String: Bool] {
        var binary: [String: Bool] = [:]
        for line in try fixture.git(["diff", "--numstat", range]).split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 2)
            binary[String(fields[2])] = fields[0] == "-"
        }
        return binary
    }

    /// `binary` agrees with git, .gitattributes included: git's numstat prints "-" for binary.
    @Test func theBinaryFlagFollowsGitattributesLikeGit() throws {
        let fixture = try GitFixture()
        try fixture.write("README.md", "x\n")
        let base = try fixture.commit("base")
        try fixture.write(".gitattributes", "*.lock -diff\n*.bin diff\nassets/** binary\n")
        try fixture.write("yarn.lock", "text that git is told not to diff\n")
        try fixture.write("forced.bin", Data([0x61, 0x00, 0x62, 0x0A]))
        try fixture.write("raw.dat", Data([0x00, 0x01, 0x02]))
        try fixture.write("assets/logo.svg", "<svg/>\n")
        try fixture.write("src/a.py", "print(1)\n")
        try fixture.commit("attributes")
        let gitBinary = try Self.gitBinary(fixture, "\(base)..HEAD")
        let report = try DecisionHistoryTests.report(fixture, "\(base)..HEAD", explain: false)
        let ours = Dictionary(uniqueKeysWithValues: report.changes.map { ($0.path, $0.binary) })
        #expect(ours == gitBinary)
        #expect(ours["yarn.lock"] == true)
        #expect(ours["forced.bin"] == false)
        #expect(ours["raw.dat"] == true)
        #expect(ours["assets/logo.svg"] == true)
    }

    /// A `.gitattributes` deep in the tree counts too, in a range and in the work tree, while
    /// the root one says nothing about diffs.
    @Test func nestedGitattributesCountLikeGit() throws {
        let fixture = try GitFixture()
        try fixture.write(".gitattributes", "*.sh text eol=lf\n")
        try fixture.write("README.md", "x\n")
        let base = try fixture.commit("base")
        try fixture.write("data/fixtures/.gitattributes", "*.snap -diff\n")
        try fixture.write("data/fixtures/deep/one.snap", "text git is told not to diff\n")
        try fixture.write("data/fixtures/two.txt", "plain text\n")
        try fixture.write("data/other.snap", "not under the nested file\n")
        try fixture.commit("nested attributes")
        let gitBinary = try Self.gitBinary(fixture, "\(base)..HEAD")
        #expect(gitBinary["data/fixtures/deep/one.snap"] == true)
        let report = try DecisionHistoryTests.report(fixture, "\(base)..HEAD", explain: false)
        #expect(Dictionary(uniqueKeysWithValues: report.changes.map { ($0.path, $0.binary) }) == gitBinary)

        // The same in the work tree: a changed file under the nested attributes.
        try fixture.write("data/fixtures/deep/one.snap", "changed, still not to be diffed\n")
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let worktree = try EventBuilder(repository: repository, config: config).report(for: .worktree)
        let changed = try #require(worktree.changes.first { $0.path == "data/fixtures/deep/one.snap" })
        #expect(changed.binary)
        let gitWorktree = try fixture.git(["diff", "--numstat", "HEAD"])
        #expect(gitWorktree.hasPrefix("-\t-\tdata/fixtures/deep/one.snap"))
    }
}
