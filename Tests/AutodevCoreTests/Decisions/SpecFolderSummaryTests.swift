@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// The folder summaries of the spec index (`SpecIndex.Summary`): the walk for copies of a new
/// requirement passes a folder whose specs hold none of the new requirements' content keys with
/// one lookup, and goes into one that holds one; the decisions stay those without an index,
/// under another classifier and with a damaged summary too. Real repositories.
@Suite struct SpecFolderSummaryTests {
    /// Four groups of five features (`specs/gN/00M-feature/spec.md`, one requirement each, the
    /// third of g2 holding `SpecIndexTests.original`) and a guide; then a commit adding a
    /// feature of a fifth group with a requirement found nowhere else.
    static func history() throws -> (fixture: GitFixture, base: String, head: String) {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "print('app')\n")
        try fixture.write("docs/guide.md", "# Guide\n\nHow to use the app.\n")
        for group in 1...4 {
            for number in 1...5 {
                let text = group == 2 && number == 3 ? SpecIndexTests.original
                    : "System MUST export report \(group * 10 + number) of the group as a PDF with page numbers"
                try fixture.write("specs/g\(group)/00\(number)-feature/spec.md",
                                  SpecIndexTests.feature("Feature \(group).\(number)", group == 2 && number == 3 ? 7 : 1, text))
            }
        }
        let base = try fixture.commit("four groups")
        try fixture.write("specs/g5/001-audit/spec.md",
                          SpecIndexTests.feature("Audit", 13, "System MUST keep an audit trail of every webhook delivery attempt"))
        let head = try fixture.commit("audit")
        return (fixture, base, head)
    }

    /// A feature of the fifth group with a renumbered copy of the original and a new requirement.
    static func addRetries(_ fixture: GitFixture) throws -> String {
        try fixture.write("specs/g5/002-retries/spec.md", """
            # Feature Specification: Retries

            ## Requirements

            - **FR-041**: The Service MUST retry failed Webhook-deliveries with exponential backoff!
            - **FR-042**: System MUST sign every webhook delivery with the tenant's secret key
            """)
        return try fixture.commit("retries")
    }

    static func report(_ fixture: GitFixture, _ range: String, stateRoot: String?, config text: String? = nil) throws -> DiffEventsReport {
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: text, file: "config/autodev.toml", environment: [:])
        var builder = try EventBuilder(repository: repository, config: config)
        if let stateRoot { builder.keepSpecIndex(stateRoot: stateRoot, write: true) }
        return try builder.report(for: .explicit(range), explain: true)
    }

    @Test func aFolderWithoutANewKeyIsPassedAndOneWithACopyIsReadAsWithoutTheIndex() throws {
        let (fixture, base, head) = try Self.history()
        let state = try TemporaryDirectory()
        let first = try Self.report(fixture, "\(base)..\(head)", stateRoot: state.path)
        #expect(SpecIndexTests.json(first) == SpecIndexTests.json(try Self.report(fixture, "\(base)..\(head)", stateRoot: nil)))
        // g1–g4 seen whole (five specs each), and specs/ (21); a folder of one spec has none.
        #expect(first.specIndexUse?.summariesMade == 5)
        #expect(first.specIndexUse?.foldersPassed == 0)

        let next = try Self.addRetries(fixture)
        let range = "\(head)..\(next)"
        let without = try Self.report(fixture, range, stateRoot: nil)
        let copy = try #require(without.decisions?.first { $0.requirement?.key == "FR-041" })
        #expect(copy.rule == "requirement-copied")
        #expect(copy.reason.contains("FR-007 in specs/g2/003-feature/spec.md"))
        #expect(without.decisions?.first { $0.requirement?.key == "FR-042" }?.action == .newImplementation)

        let warm = try Self.report(fixture, range, stateRoot: state.path)
        #expect(SpecIndexTests.json(warm) == SpecIndexTests.json(without))
        // g1, g3 and g4 passed whole (15 specs, not one entry looked up); g2 holds the copied
        // text's key: its five entries looked up, the one holding it read; g5's audit found
        // (a folder of one spec has no summary) and skipped.
        #expect(warm.specIndexUse?.foldersPassed == 3)
        #expect(warm.specIndexUse?.skipped == 15 + 4 + 1)
        #expect(warm.specIndexUse?.found == 5 + 1)

        // A summary that does not read back (one byte of its keys changed): that folder is
        // walked file by file, the decisions unchanged.
        let path = SpecIndex.path(stateRoot: state.path)
        let good = try #require(Self.summaries(state.path)?["specs/g3/"])
        var body = SpecCacheStore.encodeSummary(good, path: "specs/g3/")
        body[40] ^= 0x10
        try SpecCacheStore.execute(path: path, "UPDATE folders SET body = \(SpecIndexTests.literal(body)) WHERE path = 'specs/g3/'")
        let damaged = try Self.report(fixture, range, stateRoot: state.path)
        #expect(SpecIndexTests.json(damaged) == SpecIndexTests.json(without))
        #expect(damaged.specIndexUse?.foldersPassed == 2)
        #expect(damaged.specIndexUse?.found == 5 + 5 + 1)
        // Made again from what the walk saw.
        #expect(try Self.summaries(state.path)?["specs/g3/"] == good)
    }

    @Test func aSummaryIsUsedOnlyUnderTheClassifierItWasMadeWith() throws {
        let (fixture, base, head) = try Self.history()
        let state = try TemporaryDirectory()
        _ = try Self.report(fixture, "\(base)..\(head)", stateRoot: state.path)
        let next = try Self.addRetries(fixture)
        let range = "\(head)..\(next)"
        // g1 ignored: its specs are no longer counted; under the old summaries they were.
        let config = "[events]\nextra_ignore = [\"specs/g1/**\"]\n"
        let without = try Self.report(fixture, range, stateRoot: nil, config: config)
        let other = try Self.report(fixture, range, stateRoot: state.path, config: config)
        #expect(SpecIndexTests.json(other) == SpecIndexTests.json(without))
        #expect(other.specIndexUse?.foldersPassed == 0)
        // Made again under this classifier (g1 holds no spec now: no summary), then used.
        let again = try Self.report(fixture, range, stateRoot: state.path, config: config)
        #expect(SpecIndexTests.json(again) == SpecIndexTests.json(without))
        #expect(again.specIndexUse?.foldersPassed == 2)
    }

    @Test func theSummariesOfDeletedOrMovedFoldersAreRemoved() throws {
        let (fixture, base, head) = try Self.history()
        let state = try TemporaryDirectory()
        _ = try Self.report(fixture, "\(base)..\(head)", stateRoot: state.path)
        let next = try Self.addRetries(fixture)
        _ = try Self.report(fixture, "\(head)..\(next)", stateRoot: state.path)
        let before = try #require(try Self.summaries(state.path))
        #expect(Set(before.keys).isSuperset(of: ["specs/g1/", "specs/g2/", "specs/g3/", "specs/g4/"]))

        // g3 deleted, g4 moved to g7: their rows go with the run; g1 and g2 stay.
        try fixture.remove("specs/g3")
        try fixture.git(["mv", "specs/g4", "specs/g7"])
        let gone = try fixture.commit("g3 dropped, g4 moved")
        let report = try Self.report(fixture, "\(next)..\(gone)", stateRoot: state.path)
        let without = try Self.report(fixture, "\(next)..\(gone)", stateRoot: nil)
        #expect(SpecIndexTests.json(report) == SpecIndexTests.json(without))
        let after = try #require(try Self.summaries(state.path))
        #expect(after["specs/g3/"] == nil)
        #expect(after["specs/g4/"] == nil)
        #expect(after["specs/g1/"] == before["specs/g1/"])
        #expect(after["specs/g2/"] == before["specs/g2/"])
    }

    @Test func aSummaryReadsBackAndRefusesWhatItDidNotWrite() throws {
        let tree = try #require(ObjectID(hex: String(repeating: "cd", count: 20)))
        for (path, summary) in [("specs/a b/", SpecIndex.Summary(tree: tree, classifier: 7, count: 12, keys: [1, 0xffff_ffff_ffff_ffff])),
                                ("specs/", SpecIndex.Summary(tree: tree, classifier: 0, count: 2, keys: []))] {
            let body = SpecCacheStore.encodeSummary(summary, path: path)
            #expect(SpecCacheStore.decodeSummary(body, path: path) == summary)
            #expect(SpecCacheStore.decodeSummary(body, path: "specs/other/") == nil)
            #expect(SpecCacheStore.decodeSummary(Array(body.dropLast()), path: path) == nil)
            for position in body.indices {
                var changed = body
                changed[position] ^= 0x04
                #expect(SpecCacheStore.decodeSummary(changed, path: path) == nil, "byte \(position)")
            }
        }
    }

    /// The folder summaries of the store that read back, by folder path.
    static func summaries(_ stateRoot: String) throws -> [String: SpecIndex.Summary]? {
        SpecCacheStore.summaries(path: SpecIndex.path(stateRoot: stateRoot))
    }
}
