@testable import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// autodev reads trees and blobs straight from pack files (CGitPack). Every object it reads
/// must be byte-for-byte what `git cat-file` gives, whatever the packing: offset deltas,
/// reference deltas, long delta chains, several packs next to loose objects. Whatever it
/// cannot read must fall back to libgit2, and damage must be an error, never wrong bytes.
@Suite struct PackReaderTests {
    /// A random history packed with `git repack` and the given extra arguments.
    static func packedHistory(seed: UInt64, commits: Int = 24, repack: [String], config: [String] = []) throws -> (GitFixture, [String]) {
        let fixture = try GitFixture()
        var history = RandomHistory(seed: seed)
        try history.build(in: fixture, commits: commits)
        try fixture.git(config + ["repack", "-adq"] + repack)
        return (fixture, history.commits)
    }

    /// Every tree and blob reachable in the repository, with its type.
    static func objects(_ fixture: GitFixture) throws -> [(id: String, type: String)] {
        let listing = try fixture.git(["cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"])
        return listing.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[1] == "tree" || parts[1] == "blob" else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
    }

    static func gitBytes(_ fixture: GitFixture, _ id: String, _ type: String) throws -> [UInt8] {
        let result = try Subprocess.run(GitFixture.gitPath, ["cat-file", type, id], in: fixture.path)
        return Array(result.stdoutData)
    }

    @Test("every object reads as git reads it", arguments: [
        (["-f", "--depth=50", "--window=250"], [String]()),                             // offset deltas, long chains
        (["-f", "--depth=3", "--window=10"], ["-c", "repack.useDeltaBaseOffset=false"]), // reference deltas
        (["-f", "--depth=0"], [String]()),                                                // no deltas at all
    ])
    func everyObjectMatchesGit(repack: [String], config: [String]) throws {
        let (fixture, _) = try Self.packedHistory(seed: 5, repack: repack, config: config)
        let repository = try Repository.open(at: fixture.path)
        let reader = try #require(repository.packReader, "the repository has a pack")
        let objects = try Self.objects(fixture)
        #expect(objects.count > 50)
        for object in objects {
            let id = try #require(ObjectID(hex: object.id))
            let read = try #require(reader.read(id, as: object.type == "tree" ? .tree : .blob), "\(object.type) \(object.id) not read from the pack")
            #expect(read == (try Self.gitBytes(fixture, object.id, object.type)), "\(object.type) \(object.id)")
            // Asking for the wrong type is "not here", so libgit2 gives the proper error.
            #expect(reader.read(id, as: object.type == "tree" ? .blob : .tree) == nil)
        }
        // The packs really hold deltas of both kinds where asked (or this test proves little).
        let verify = try fixture.git(["verify-pack", "-v"] + (try Self.packIndexes(fixture)))
        if repack.contains("--depth=0") {
            #expect(!verify.contains("chain length"))
        } else {
            #expect(verify.contains("chain length = 2"))
        }
    }

    static func packIndexes(_ fixture: GitFixture) throws -> [String] {
        let folder = fixture.path + "/.git/objects/pack"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".idx") }.map { folder + "/" + $0 }
    }

    @Test func diffsOverPackedAndLooseObjectsMatchGit() throws {
        // Two packs (one old, one newer) and loose objects on top.
        let (fixture, first) = try Self.packedHistory(seed: 8, repack: ["-f", "--depth=50"])
        var more = RandomHistory(seed: 81)
        try more.build(in: fixture, commits: 8)
        try fixture.git(["repack", "-dq"])  // the new objects into a second pack
        var loose = RandomHistory(seed: 82)
        try loose.build(in: fixture, commits: 6)
        #expect(try Self.packIndexes(fixture).count == 2)

        let repository = try Repository.open(at: fixture.path)
        let commits = first + more.commits + loose.commits
        for (index, from) in commits.enumerated() where index % 4 == 0 {
            let to = commits[(index * 7 + 5) % commits.count]
            let ours = try repository.diff(from: try #require(ObjectID(hex: from)), to: try #require(ObjectID(hex: to)), renames: RenameOptions())
            #expect(DiffOracleTests.nameStatus(ours.changes) == (try fixture.gitNameStatus(["-M", from, to])), "\(from)..\(to)")
        }
    }

    @Test func damagedPackDataIsAnErrorNotWrongBytes() throws {
        let fixture = try GitFixture()
        // One large, incompressible-enough blob so the damage lands inside its zlib data.
        var text = ""
        for line in 0..<4000 { text += "line \(line) \(line * 7919 % 1009)\n" }
        try fixture.write("big.txt", text)
        _ = try fixture.commit("big")
        try fixture.git(["repack", "-adq"])
        let id = try fixture.git(["rev-parse", "HEAD:big.txt"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let pack = try #require(try Self.packIndexes(fixture).first).replacingOccurrences(of: ".idx", with: ".pack")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: pack))
        let middle = bytes.count / 2
        bytes[middle] ^= 0xFF
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pack)
        try bytes.write(to: URL(fileURLWithPath: pack))

        let repository = try Repository.open(at: fixture.path)
        let objectID = try #require(ObjectID(hex: id))
        #expect(repository.packReader?.read(objectID, as: .blob) == nil, "the pack reader must not return damaged data")
        #expect(throws: GitError.self) { try repository.blobContent(objectID) }
    }
}
