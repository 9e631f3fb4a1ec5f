@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// The index of spec content keys kept between runs (`SpecIndex`): real repositories, the
/// decisions of one range compared with no index, a cold one, a warm one and damaged ones.
@Suite struct SpecIndexTests {
    static let original = "The service MUST retry failed webhook deliveries with exponential backoff"

    /// A feature of one requirement (`FR-<number>`).
    static func feature(_ title: String, _ number: Int, _ text: String) -> String {
        "# Feature Specification: \(title)\n\n## Requirements\n\n- **FR-\(String(format: "%03d", number))**: \(text)\n"
    }

    /// 30 features, the seventh holding `original` as FR-007; then a commit adding a feature
    /// with a renumbered copy of it (FR-012, case and punctuation changed) and a new requirement.
    static func history() throws -> (fixture: GitFixture, base: String, head: String) {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "print('app')\n")
        for number in 1...30 {
            let text = number == 7 ? original : "System MUST export report \(number) as a PDF with page numbers"
            try fixture.write("specs/\(String(format: "%03d", number))-feature/spec.md", feature("Feature \(number)", number == 7 ? 7 : 1, text))
        }
        let base = try fixture.commit("thirty features")
        try fixture.write("specs/031-webhooks/spec.md", """
            # Feature Specification: Webhooks

            ## Requirements

            - **FR-012**: the service must retry failed webhook deliveries, with exponential backoff.
            - **FR-013**: System MUST sign every webhook delivery with the tenant's secret key
            """)
        let head = try fixture.commit("webhooks")
        return (fixture, base, head)
    }

    static func report(_ fixture: GitFixture, _ range: String, stateRoot: String?, write: Bool = true) throws -> DiffEventsReport {
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        var builder = try EventBuilder(repository: repository, config: config)
        if let stateRoot { builder.keepSpecIndex(stateRoot: stateRoot, write: write) }
        return try builder.report(for: .explicit(range), explain: true)
    }

    static func json(_ report: DiffEventsReport) -> String {
        String(decoding: ReportJSON.bytes(report), as: UTF8.self)
    }

    /// The entries of the store that read back (nil: no readable store).
    static func entries(_ stateRoot: String) throws -> [String: SpecIndex.Entry]? {
        SpecCacheStore.rows(path: SpecIndex.path(stateRoot: stateRoot))?.entries.compactMapValues(\.0)
    }

    /// `bytes` as an SQL blob literal.
    static func literal(_ bytes: [UInt8]) -> String {
        "X'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
    }

    @Test func decisionsAreTheSameWithNoIndexAColdOneAWarmOneAndDamagedOnes() throws {
        let (fixture, base, head) = try Self.history()
        let state = try TemporaryDirectory()
        let range = "\(base)..\(head)"
        let without = try Self.report(fixture, range, stateRoot: nil)
        let copy = try #require(without.decisions?.first { $0.requirement?.key == "FR-012" })
        #expect(copy.rule == "requirement-copied")
        #expect(copy.reason.contains("FR-007 in specs/007-feature/spec.md"))
        #expect(without.decisions?.first { $0.requirement?.key == "FR-013" }?.action == .newImplementation)

        let cold = try Self.report(fixture, range, stateRoot: state.path)
        #expect(Self.json(cold) == Self.json(without))
        // Every untouched spec parsed once to make its entry, and the range's new one kept.
        #expect(cold.specIndexUse?.found == 0)
        #expect(cold.specIndexUse?.made == 31)
        #expect(try Self.entries(state.path)?.count == 31)

        let warm = try Self.report(fixture, range, stateRoot: state.path)
        #expect(Self.json(warm) == Self.json(without))
        // Of the 30 untouched specs only the one holding the copied text was read.
        #expect(warm.specIndexUse?.found == 30)
        #expect(warm.specIndexUse?.skipped == 29)
        #expect(warm.specIndexUse?.made == 1)

        let path = SpecIndex.path(stateRoot: state.path)
        let good = try FileSystem.read(path)
        // One entry damaged (a byte of its keys changed): that spec is parsed again, its entry
        // written again; the others are found.
        let original = try #require(SpecCacheStore.rows(path: path)?.entries["specs/007-feature/spec.md"]?.0)
        var body = SpecCacheStore.encodeEntry(original, path: "specs/007-feature/spec.md")
        body[24] ^= 0x04
        try SpecCacheStore.execute(path: path, "UPDATE entries SET body = \(Self.literal(body)) WHERE path = 'specs/007-feature/spec.md'")
        #expect(try Self.entries(state.path)?.count == 30)
        let oneDamaged = try Self.report(fixture, range, stateRoot: state.path)
        #expect(Self.json(oneDamaged) == Self.json(without))
        #expect(oneDamaged.specIndexUse?.found == 29)
        #expect(oneDamaged.specIndexUse?.made == 2)
        #expect(try Self.entries(state.path)?["specs/007-feature/spec.md"] == original)

        var cut = good
        cut.removeSubrange((good.count / 2)...)
        var flippedHeader = good
        flippedHeader[3] ^= 0x20
        let damaged: [(String, () throws -> Void)] = [
            ("cut in half", { try FileSystem.writeAtomically(path, cut) }),
            ("its header damaged", { try FileSystem.writeAtomically(path, flippedHeader) }),
            ("another schema", { try SpecCacheStore.execute(path: path, "UPDATE meta SET value = '0' WHERE name = 'schema'") }),
            ("not a database", { try FileSystem.writeAtomically(path, Array("garbage\n\u{0}\u{1}".utf8)) }),
            ("empty", { try FileSystem.writeAtomically(path, []) }),
        ]
        for (what, damage) in damaged {
            try FileSystem.writeAtomically(path, good)
            try damage()
            let again = try Self.report(fixture, range, stateRoot: state.path)
            #expect(Self.json(again) == Self.json(without), "\(what)")
            // Nothing found (a file cut in half may still give the rows of its first pages:
            // each is checked).
            #expect(what == "cut in half" || again.specIndexUse?.found == 0, "\(what)")
            // Made again whole.
            #expect(try Self.entries(state.path)?.count == 31, "\(what)")
        }
        // A preview reads the index and writes nothing.
        try FileSystem.writeAtomically(path, Array("garbage\n".utf8))
        let preview = try Self.report(fixture, range, stateRoot: state.path, write: false)
        #expect(Self.json(preview) == Self.json(without))
        #expect(try FileSystem.read(path) == Array("garbage\n".utf8))
        try FileSystem.writeAtomically(path, good)
        let readOnly = try Self.report(fixture, range, stateRoot: state.path, write: false)
        #expect(Self.json(readOnly) == Self.json(without))
        #expect(readOnly.specIndexUse?.found == 30)
        #expect(try FileSystem.read(path) == good)
        #expect(!FileSystem.exists(path + "-journal") && !FileSystem.exists(path + "-wal"))
    }

    @Test func aRenumberedCopyInAnUntouchedSpecIsFoundThroughTheIndex() throws {
        let (fixture, base, head) = try Self.history()
        let state = try TemporaryDirectory()
        _ = try Self.report(fixture, "\(base)..\(head)", stateRoot: state.path)  // warms the index

        // The next range copies the original again, renumbered, into a feature of its own; and
        // deletes a feature (its entry goes with the run: `entriesOfDeletedAndRenamedSpecsGoWithTheRun`).
        try fixture.write("specs/032-retries/spec.md", Self.feature("Retries", 41, "The Service MUST retry failed Webhook-deliveries with exponential backoff!"))
        try fixture.remove("specs/002-feature/spec.md")
        let next = try fixture.commit("retries")
        let report = try Self.report(fixture, "\(head)..\(next)", stateRoot: state.path)
        let copy = try #require(report.decisions?.first { $0.requirement?.key == "FR-041" })
        #expect(copy.rule == "requirement-copied")
        // The first of the two untouched holders in the tree walk's order (the one without
        // the index, too: compared below).
        #expect(copy.reason.contains("FR-012 in specs/031-webhooks/spec.md"))
        // 29 old features and the webhooks one, all from the index; the two holding the text read.
        #expect(report.specIndexUse?.found == 30)
        #expect(report.specIndexUse?.skipped == 28)
        #expect(Self.json(report) == Self.json(try Self.report(fixture, "\(head)..\(next)", stateRoot: nil)))
        let rows = try #require(SpecCacheStore.rows(path: SpecIndex.path(stateRoot: state.path)))
        #expect(rows.entries.count == 31)
        #expect(rows.entries["specs/002-feature/spec.md"] == nil)
        #expect(rows.entries["specs/032-retries/spec.md"]?.0?.keys == [SpecIndex.hash(RequirementIdentity.contentKey(Self.original))])
        // The run wrote the one entry it made, not the 31 it found or left.
        let last = try #require(rows.entries.values.map(\.1).max())
        #expect(rows.entries.filter { $0.value.1 == last }.map(\.key) == ["specs/032-retries/spec.md"])
    }

    /// A spec deleted and one renamed away: their entries are deleted by the run that saw it
    /// (in the transaction of its rows), not by a preview; the others stay, and the decisions
    /// are those without an index.
    @Test func entriesOfDeletedAndRenamedSpecsGoWithTheRun() throws {
        let (fixture, base, head) = try Self.history()
        let state = try TemporaryDirectory()
        _ = try Self.report(fixture, "\(base)..\(head)", stateRoot: state.path)
        let gone = ["specs/003-feature/spec.md", "specs/005-feature/spec.md"]
        let before = try #require(try Self.entries(state.path))
        for path in gone + ["specs/004-feature/spec.md"] { #expect(before[path] != nil, "\(path)") }

        try fixture.remove(gone[0])
        try fixture.remove(gone[1])
        try fixture.write("specs/005-renamed/spec.md", Self.feature("Feature 5", 1, "System MUST export report 5 as a PDF with page numbers"))
        try fixture.write("specs/033-audit/spec.md", Self.feature("Audit", 1, "System MUST keep an audit trail of every webhook delivery attempt"))
        let next = try fixture.commit("a feature deleted, one renamed, one added")
        let range = "\(head)..\(next)"
        let preview = try Self.report(fixture, range, stateRoot: state.path, write: false)
        #expect(try Self.entries(state.path)?.keys.sorted() == before.keys.sorted())
        #expect(preview.changes.contains { $0.status == .renamed && $0.oldPath == gone[1] })

        let run = try Self.report(fixture, range, stateRoot: state.path)
        #expect(Self.json(run) == Self.json(try Self.report(fixture, range, stateRoot: nil)))
        let after = try #require(try Self.entries(state.path))
        for path in gone { #expect(after[path] == nil, "\(path)") }
        #expect(Set(before.keys).subtracting(gone).isSubset(of: Set(after.keys)))
        #expect(after["specs/004-feature/spec.md"] == before["specs/004-feature/spec.md"])
        #expect(after["specs/033-audit/spec.md"] != nil)
    }

    @Test func anEntryReadsBackAndRefusesWhatItDidNotWrite() throws {
        let blob = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        for (path, entry) in [("specs/a b/spec.md", SpecIndex.Entry(blob: blob, keys: [1, 0xffff_ffff_ffff_ffff])),
                              ("specs/empty.md", SpecIndex.Entry(blob: blob, keys: []))] {
            let body = SpecCacheStore.encodeEntry(entry, path: path)
            #expect(SpecCacheStore.decodeEntry(body, path: path) == entry)
            // Under another path, or with any single byte changed, or cut: not read.
            #expect(SpecCacheStore.decodeEntry(body, path: path + "x") == nil)
            #expect(SpecCacheStore.decodeEntry(Array(body.dropLast()), path: path) == nil)
            for position in body.indices {
                var changed = body
                changed[position] ^= 0x04
                #expect(SpecCacheStore.decodeEntry(changed, path: path) == nil, "byte \(position)")
            }
        }
    }
}
