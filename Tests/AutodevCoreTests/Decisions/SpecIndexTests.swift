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

    static func entries(_ stateRoot: String) throws -> [String: SpecIndex.Entry]? {
        SpecIndex.decode(try FileSystem.read(SpecIndex.path(stateRoot: stateRoot)))
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
        let middle = good.count / 2
        var flipped = good
        flipped[middle] = flipped[middle] == 0x30 ? 0x31 : 0x30
        var olderFormat = good
        olderFormat.replaceSubrange(0..<(good.firstIndex(of: 0x0A)!), with: Array("autodev-spec-index 0 31 0".utf8))
        let damaged: [(String, [UInt8])] = [
            ("a digit changed", flipped),
            ("cut in half", Array(good[..<middle])),
            ("an older format", olderFormat),
            ("not an index", Array("garbage\n\u{0}\u{1}".utf8)),
            ("empty", []),
        ]
        for (what, bytes) in damaged {
            try FileSystem.writeAtomically(path, bytes)
            #expect(SpecIndex.decode(bytes) == nil, "\(what) was read as an index")
            let again = try Self.report(fixture, range, stateRoot: state.path)
            #expect(Self.json(again) == Self.json(without), "\(what)")
            #expect(again.specIndexUse?.found == 0, "\(what)")
            // Rebuilt whole.
            #expect(try Self.entries(state.path)?.count == 31, "\(what)")
        }
        // A preview reads the index and writes nothing.
        try FileSystem.writeAtomically(path, Array("garbage\n".utf8))
        let preview = try Self.report(fixture, range, stateRoot: state.path, write: false)
        #expect(Self.json(preview) == Self.json(without))
        #expect(try FileSystem.read(path) == Array("garbage\n".utf8))
    }

    @Test func aRenumberedCopyInAnUntouchedSpecIsFoundThroughTheIndex() throws {
        let (fixture, base, head) = try Self.history()
        let state = try TemporaryDirectory()
        _ = try Self.report(fixture, "\(base)..\(head)", stateRoot: state.path)  // warms the index

        // The next range copies the original again, renumbered, into a feature of its own; and
        // deletes a feature (its entry is pruned).
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
        let entries = try #require(try Self.entries(state.path))
        #expect(entries["specs/002-feature/spec.md"] == nil)
        #expect(entries.count == 31)
        #expect(entries["specs/032-retries/spec.md"]?.keys == [SpecIndex.hash(RequirementIdentity.contentKey(Self.original))])
    }

    @Test func theFileReadsBackAndRefusesWhatItDidNotWrite() throws {
        let blob = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        let entries: [String: SpecIndex.Entry] = [
            "specs/a b/spec.md": .init(blob: blob, keys: [1, 0xffff_ffff_ffff_ffff]),
            "specs/empty.md": .init(blob: blob, keys: []),
        ]
        let bytes = SpecIndex.encode(entries)
        #expect(SpecIndex.decode(bytes) == entries)
        #expect(SpecIndex.decode(SpecIndex.encode([:])) == [:])
        // Every single byte changed is noticed.
        for position in bytes.indices {
            var changed = bytes
            changed[position] ^= 0x04
            #expect(SpecIndex.decode(changed) != entries, "byte \(position)")
        }
    }
}
