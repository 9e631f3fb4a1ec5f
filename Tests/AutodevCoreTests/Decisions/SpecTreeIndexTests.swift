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

    /// The listings of the store that read back (nil: no readable store).
    static func listings(_ stateRoot: String) throws -> [ObjectID: SpecTreeIndex.Listing]? {
        SpecCacheStore.rows(path: SpecIndex.path(stateRoot: stateRoot))?.listings.compactMapValues(\.0)
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

        let path = SpecIndex.path(stateRoot: state.path)
        let good = try FileSystem.read(path)
        let repository = try Repository.open(at: fixture.path)
        let feature = try #require(try repository.entry(atPath: "specs/0007-feature", inTree: repository.commit(repository.resolveCommit(head)).tree)?.id)
        let specs = try #require(try repository.entry(atPath: "specs", inTree: repository.commit(repository.resolveCommit(head)).tree)?.id)
        var key: [UInt8] = []
        feature.appendRawBytes(to: &key)
        let listing = try #require(try Self.listings(state.path)?[feature])
        var body = SpecCacheStore.encodeListing(listing, id: feature)
        body[body.count / 2] ^= 0x01
        var specsKey: [UInt8] = []
        specs.appendRawBytes(to: &specsKey)
        // (what, damage, trees read again)
        let damaged: [(String, () throws -> Void, Int)] = [
            ("a listing's byte changed", {
                try SpecCacheStore.execute(path: path, "UPDATE trees SET body = \(SpecIndexTests.literal(body)) WHERE id = \(SpecIndexTests.literal(key))")
            }, 1),
            ("a listing missing", { try SpecCacheStore.execute(path: path, "DELETE FROM trees WHERE id = \(SpecIndexTests.literal(key))") }, 1),
            ("the folder of 31 features missing", { try SpecCacheStore.execute(path: path, "DELETE FROM trees WHERE id = \(SpecIndexTests.literal(specsKey))") }, 1),
            ("another schema", { try SpecCacheStore.execute(path: path, "UPDATE meta SET value = '0' WHERE name = 'schema'") }, 36),
            ("not a database", { try FileSystem.writeAtomically(path, Array("garbage\n\u{0}\u{1}".utf8)) }, 36),
            ("empty", { try FileSystem.writeAtomically(path, []) }, 36),
        ]
        for (what, damage, read) in damaged {
            try FileSystem.writeAtomically(path, good)
            try damage()
            let again = try SpecIndexTests.report(fixture, range, stateRoot: state.path)
            #expect(SpecIndexTests.json(again) == SpecIndexTests.json(without), "\(what)")
            #expect(again.specIndexUse?.treesRead == read, "\(what)")
            // Made again: every listing reads back.
            #expect(try Self.listings(state.path)?.count == 36, "\(what)")
            #expect(try Self.listings(state.path)?[feature] == listing, "\(what)")
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
        let before = try #require(SpecCacheStore.rows(path: SpecIndex.path(stateRoot: state.path)))
        let report = try SpecIndexTests.report(fixture, range, stateRoot: state.path)
        #expect(report.specIndexUse?.treesRead == 3)
        // The run wrote the three listings it read (the root, `specs`, the new feature) and
        // the new spec's entry, not the repository's: every other row is as it was.
        let after = try #require(SpecCacheStore.rows(path: SpecIndex.path(stateRoot: state.path)))
        let run = try #require(after.listings.values.map(\.1).max())
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.commit(repository.resolveCommit(next)).tree
        let written = try Set([tree, #require(try repository.entry(atPath: "specs", inTree: tree)?.id),
                               #require(try repository.entry(atPath: "specs/9002-retries", inTree: tree)?.id)])
        #expect(Set(after.listings.filter { $0.value.1 == run }.keys) == written)
        #expect(after.entries.filter { $0.value.1 == run }.map(\.key) == ["specs/9002-retries/spec.md"])
        for (id, row) in after.listings where !written.contains(id) {
            #expect(before.listings[id]?.1 == row.1)
        }
        let copy = try #require(report.decisions?.first { $0.requirement?.key == "FR-041" })
        #expect(copy.rule == "requirement-copied")
        #expect(SpecIndexTests.json(report) == SpecIndexTests.json(try SpecIndexTests.report(fixture, range, stateRoot: nil)))
        // The trees of the repository at the end of the range are kept, and the old root and
        // `specs` until a compaction: then they are gone.
        let expected = try Set(repository.files(inTree: repository.commit(repository.resolveCommit(next)).tree, under: "").map(\.path)
            .map { path in path.split(separator: "/").dropLast() }.flatMap { parts in (0...parts.count).map { parts.prefix($0).joined(separator: "/") } })
        #expect(try Self.listings(state.path)?.count == expected.count + 2)
        let path = SpecIndex.path(stateRoot: state.path)
        var key: [UInt8] = []
        try #require(written.first { $0 != tree }).appendRawBytes(to: &key)
        try SpecCacheStore.execute(path: path, "DELETE FROM trees WHERE id = \(SpecIndexTests.literal(key))")
        let index = SpecIndex(path: path, writable: true)
        index.store?.compactionSlack = 0
        var files = 0
        try index.trees?.forEachMarkdownFile(in: tree, repository: repository) { _, _ in
            files += 1
            return true
        }
        index.save()
        #expect(files == features + 3)
        #expect(index.store?.listingsDeleted == 2)
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

    @Test func aListingReadsBackAndRefusesWhatItDidNotWrite() throws {
        let tree = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        let leaf = try #require(ObjectID(hex: String(repeating: "cd", count: 20)))
        let blob = try #require(ObjectID(hex: String(repeating: "ef", count: 20)))
        let listings: [ObjectID: SpecTreeIndex.Listing] = [
            tree: .init(files: [.init(name: "a b%\t\n.md", id: blob, mode: 0o100644), .init(name: "run.md", id: blob, mode: 0o100755)],
                        folders: [.init(name: "x y", id: leaf, mode: 0o040000)], markdown: true),
            leaf: .init(files: [], folders: [], markdown: false),
            blob: .init(files: [], folders: [.init(name: "src", id: leaf, mode: 0o040000)], markdown: nil),
        ]
        for (id, listing) in listings {
            let body = SpecCacheStore.encodeListing(listing, id: id)
            #expect(SpecCacheStore.decodeListing(body, id: id) == listing)
            // Under another id, cut, or with any single byte changed: not read.
            #expect(SpecCacheStore.decodeListing(body, id: id == tree ? leaf : tree) == nil)
            #expect(SpecCacheStore.decodeListing(Array(body.dropLast()), id: id) == nil)
            for position in body.indices {
                var changed = body
                changed[position] ^= 0x04
                #expect(SpecCacheStore.decodeListing(changed, id: id) == nil, "byte \(position)")
            }
        }
    }
}
