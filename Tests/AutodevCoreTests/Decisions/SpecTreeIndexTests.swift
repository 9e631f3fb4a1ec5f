@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// The listings of spec trees kept between runs (`SpecTreeIndex`): the decisions of a range the
/// same with no index, a cold one, a warm one and damaged ones, and the trees read following
/// what changed, not the size of the repository.
@Suite struct SpecTreeIndexTests {
    /// `count` untouched features (the seventh holding `SpecIndexTests.original`) and some code;
    /// then a commit adding a feature with a renumbered copy of it and a new requirement.
    static func history(features count: Int) throws -> (fixture: GitFixture, base: String, head: String) {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "print('app')\n")
        try fixture.write("src/lib/util.py", "X = 1\n")
        try fixture.write("docs/guide.md", "# Guide\n\nHow to use the app.\n")
        for number in 1...count {
            let text = number == 7 ? SpecIndexTests.original : "System MUST export report \(number) as a PDF with page numbers"
            try fixture.write("specs/\(String(format: "%04d", number))-feature/spec.md",
                              SpecIndexTests.feature("Feature \(number)", number == 7 ? 7 : 1, text))
        }
        let base = try fixture.commit("features")
        try fixture.write("specs/9001-webhooks/spec.md", """
            # Feature Specification: Webhooks

            ## Requirements

            - **FR-012**: the service must retry failed webhook deliveries, with exponential backoff.
            - **FR-013**: System MUST sign every webhook delivery with the tenant's secret key
            """)
        let head = try fixture.commit("webhooks")
        return (fixture, base, head)
    }

    static func listings(_ stateRoot: String) throws -> [ObjectID: SpecTreeIndex.Listing]? {
        SpecTreeIndex.decode(try FileSystem.read(SpecTreeIndex.path(stateRoot: stateRoot)))
    }

    /// A new feature with another copy of the original, committed on HEAD.
    static func addRetries(_ fixture: GitFixture) throws -> String {
        try fixture.write("specs/9002-retries/spec.md",
                          SpecIndexTests.feature("Retries", 41, "The Service MUST retry failed Webhook-deliveries with exponential backoff!"))
        return try fixture.commit("retries")
    }

    @Test func decisionsAreTheSameWithNoTreeIndexAColdOneAWarmOneAndDamagedOnes() throws {
        let (fixture, base, head) = try Self.history(features: 30)
        let state = try TemporaryDirectory()
        let range = "\(base)..\(head)"
        let without = try SpecIndexTests.report(fixture, range, stateRoot: nil)
        #expect(without.decisions?.first { $0.requirement?.key == "FR-012" }?.rule == "requirement-copied")

        let cold = try SpecIndexTests.report(fixture, range, stateRoot: state.path)
        #expect(SpecIndexTests.json(cold) == SpecIndexTests.json(without))
        // Every tree read once: the root, src, src/lib, docs, specs and 31 features.
        #expect(cold.specIndexUse?.treesRead == 36)
        #expect(try Self.listings(state.path)?.count == 36)

        let warm = try SpecIndexTests.report(fixture, range, stateRoot: state.path)
        #expect(SpecIndexTests.json(warm) == SpecIndexTests.json(without))
        #expect(warm.specIndexUse?.treesRead == 0)

        let path = SpecTreeIndex.path(stateRoot: state.path)
        let good = try FileSystem.read(path)
        let middle = good.count / 2
        var flipped = good
        flipped[middle] = flipped[middle] == 0x30 ? 0x31 : 0x30
        var olderFormat = good
        olderFormat.replaceSubrange(0..<(good.firstIndex(of: 0x0A)!), with: Array("autodev-spec-trees 0 36 0".utf8))
        // A feature's listing missing (the header and checksum made to match): `specs` names a
        // folder the file holds nothing of.
        var lines = Array(good.split(separator: 0x0A).dropFirst())
        lines.remove(at: try #require(lines.firstIndex { String(decoding: $0, as: UTF8.self).hasSuffix(" spec.md") }))
        let withoutOne = Array(lines.joined(separator: [0x0A])) + [0x0A]
        let missing = Array("autodev-spec-trees 1 35 \(String(format: "%016llx", SpecIndex.hash(withoutOne)))\n".utf8) + withoutOne
        let damaged: [(String, [UInt8])] = [
            ("a digit changed", flipped),
            ("cut in half", Array(good[..<middle])),
            ("an older format", olderFormat),
            ("a listing missing", missing),
            ("not an index", Array("garbage\n\u{0}\u{1}".utf8)),
            ("empty", []),
        ]
        for (what, bytes) in damaged {
            try FileSystem.writeAtomically(path, bytes)
            #expect(SpecTreeIndex.decode(bytes) == nil, "\(what) was read as an index")
            let again = try SpecIndexTests.report(fixture, range, stateRoot: state.path)
            #expect(SpecIndexTests.json(again) == SpecIndexTests.json(without), "\(what)")
            #expect(again.specIndexUse?.treesRead == 36, "\(what)")
            // Rebuilt whole.
            #expect(try Self.listings(state.path)?.count == 36, "\(what)")
        }
        // A preview reads the index and writes nothing.
        try FileSystem.writeAtomically(path, Array("garbage\n".utf8))
        let preview = try SpecIndexTests.report(fixture, range, stateRoot: state.path, write: false)
        #expect(SpecIndexTests.json(preview) == SpecIndexTests.json(without))
        #expect(try FileSystem.read(path) == Array("garbage\n".utf8))
    }

    /// The next range after a warm run reads only the trees on the changed paths (the root,
    /// `specs` and the new feature): the same three with 10 untouched features or 1,000.
    @Test(arguments: [10, 1_000])
    func treesReadFollowTheChangeNotTheRepository(features: Int) throws {
        let (fixture, base, head) = try Self.history(features: features)
        let state = try TemporaryDirectory()
        let first = try SpecIndexTests.report(fixture, "\(base)..\(head)", stateRoot: state.path)
        #expect(first.specIndexUse?.treesRead == features + 6)

        let next = try Self.addRetries(fixture)
        let range = "\(head)..\(next)"
        let report = try SpecIndexTests.report(fixture, range, stateRoot: state.path)
        #expect(report.specIndexUse?.treesRead == 3)
        let copy = try #require(report.decisions?.first { $0.requirement?.key == "FR-041" })
        #expect(copy.rule == "requirement-copied")
        #expect(SpecIndexTests.json(report) == SpecIndexTests.json(try SpecIndexTests.report(fixture, range, stateRoot: nil)))
        // Only the trees of the repository at the end of the range are kept: the old root and
        // `specs` are gone, the new ones in.
        let repository = try Repository.open(at: fixture.path)
        let expected = try Set(repository.files(inTree: repository.commit(repository.resolveCommit(next)).tree, under: "").map(\.path)
            .map { path in path.split(separator: "/").dropLast() }.flatMap { parts in (0...parts.count).map { parts.prefix($0).joined(separator: "/") } })
        #expect(try Self.listings(state.path)?.count == expected.count)
    }

    /// A file deleted, a folder moved, a spec edited in place beside a copy added: each run
    /// reads the changed trees only, and decides as the whole walk does.
    @Test func editsMovesAndDeletionsDecideAsTheWholeWalk() throws {
        let (fixture, base, head) = try Self.history(features: 40)
        let state = try TemporaryDirectory()
        _ = try SpecIndexTests.report(fixture, "\(base)..\(head)", stateRoot: state.path)
        var from = head
        let steps: [(String, () throws -> Void)] = [
            ("a feature deleted", { try fixture.remove("specs/0003-feature/spec.md") }),
            ("the original moved", {
                try fixture.remove("specs/0007-feature/spec.md")
                try fixture.write("archive/0007-feature/spec.md", SpecIndexTests.feature("Feature 7", 7, SpecIndexTests.original))
            }),
            ("a copy added beside an edit", {
                try fixture.write("specs/0010-feature/spec.md", SpecIndexTests.feature("Feature 10", 1, "System MUST export report ten as a PDF"))
                try fixture.write("specs/9003-again/spec.md", SpecIndexTests.feature("Again", 77, "the service MUST retry failed webhook deliveries with exponential backoff"))
            }),
        ]
        for (what, change) in steps {
            try change()
            let to = try fixture.commit(what)
            let range = "\(from)..\(to)"
            let with = try SpecIndexTests.report(fixture, range, stateRoot: state.path)
            #expect(SpecIndexTests.json(with) == SpecIndexTests.json(try SpecIndexTests.report(fixture, range, stateRoot: nil)), "\(what)")
            // The folders changed since the last run that walked (one with no new requirement
            // text does not look for copies): a few, of the repository's 47.
            #expect((with.specIndexUse?.treesRead ?? 99) <= 6, "\(what)")
            from = to
        }
        let last = try #require(try SpecIndexTests.report(fixture, "\(head)..\(from)", stateRoot: state.path).decisions?
            .first { $0.requirement?.key == "FR-077" })
        #expect(last.rule == "requirement-copied")
    }

    /// Work-tree changes are laid over the index's listing of HEAD, sorted as the whole walk.
    @Test func workTreeChangesAreLaidOverTheListing() throws {
        let (fixture, base, head) = try Self.history(features: 20)
        let state = try TemporaryDirectory()
        _ = try SpecIndexTests.report(fixture, "\(base)..\(head)", stateRoot: state.path)
        try fixture.write("specs/9002-retries/spec.md",
                          SpecIndexTests.feature("Retries", 41, "The Service MUST retry failed Webhook-deliveries with exponential backoff!"))
        try fixture.remove("specs/0002-feature/spec.md")
        func worktree(_ stateRoot: String?) throws -> DiffEventsReport {
            let repository = try Repository.open(at: fixture.path)
            let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
            var builder = try EventBuilder(repository: repository, config: config)
            if let stateRoot { builder.keepSpecIndex(stateRoot: stateRoot, write: true) }
            return try builder.report(for: .worktree, explain: true)
        }
        let with = try worktree(state.path)
        #expect(with.specIndexUse?.treesRead == 0)
        #expect(SpecIndexTests.json(with) == SpecIndexTests.json(try worktree(nil)))
        #expect(with.decisions?.first { $0.requirement?.key == "FR-041" }?.rule == "requirement-copied")
    }

    @Test func theFileReadsBackAndRefusesWhatItDidNotWrite() throws {
        let tree = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        let leaf = try #require(ObjectID(hex: String(repeating: "cd", count: 20)))
        let blob = try #require(ObjectID(hex: String(repeating: "ef", count: 20)))
        let listings: [ObjectID: SpecTreeIndex.Listing] = [
            tree: .init(files: [.init(name: "a b%\t\n.md", id: blob, mode: 0o100644), .init(name: "run.md", id: blob, mode: 0o100755)],
                        folders: [.init(name: "x y", id: leaf, mode: 0o040000)], markdown: true),
            leaf: .init(files: [], folders: [], markdown: false),
        ]
        let bytes = SpecTreeIndex.encode(listings)
        #expect(SpecTreeIndex.decode(bytes) == listings)
        #expect(SpecTreeIndex.decode(SpecTreeIndex.encode([:])) == [:])
        // Every single byte changed is noticed.
        for position in bytes.indices {
            var changed = bytes
            changed[position] ^= 0x04
            #expect(SpecTreeIndex.decode(changed) != listings, "byte \(position)")
        }
    }
}
