import AutodevGit
import AutodevTestSupport
import Testing

/// Repository shapes git makes: the ones libgit2 1.5 can read open, the others say why not.
@Suite struct RepositoryFormatTests {
    static let canMakeSHA256 = GitFixture.canInit(["--object-format=sha256"])
    static let canMakeReftable = GitFixture.canInit(["--ref-format=reftable"])

    @Test("extensions that change nothing autodev reads are accepted",
          arguments: [("worktreeConfig", "true"), ("preciousObjects", "true"), ("partialClone", "origin")])
    func acceptsHarmlessExtensions(name: String, value: String) throws {
        let fixture = try GitFixture()
        try fixture.write("a.txt", "a\n")
        let head = try fixture.commit()
        try fixture.git(["config", "core.repositoryFormatVersion", "1"])
        try fixture.git(["config", "extensions.\(name)", value])
        let repository = try Repository.discover(from: fixture.path)
        #expect(try repository.head()?.hex == head)
    }

    @Test func aSparsePartialCloneOpens() throws {
        let fixture = try GitFixture()
        try fixture.write("docs/a.md", "a\n")
        try fixture.write("src/big.txt", String(repeating: "x", count: 4096))
        let head = try fixture.commit()
        let clone = try fixture.partialClone(sparse: ["docs"])
        let config = try Subprocess.run(GitFixture.gitPath, ["-C", clone, "config", "extensions.worktreeConfig"])
        #expect(config.stdout.hasPrefix("true"), "git sparse-checkout no longer sets extensions.worktreeConfig")
        let repository = try Repository.discover(from: clone)
        #expect(try repository.head()?.hex == head)
    }

    @Test func anUnknownExtensionIsNamed() throws {
        let fixture = try GitFixture()
        try fixture.commit()
        try fixture.git(["config", "core.repositoryFormatVersion", "1"])
        try fixture.git(["config", "extensions.madeUpThing", "true"])
        #expect {
            _ = try Repository.discover(from: fixture.path)
        } throws: { error in
            guard let error = error as? GitError else { return false }
            return error.kind == .unsupportedFormat && error.message.contains("extensions.madeupthing")
        }
    }

    @Test(.enabled(if: canMakeSHA256, "this machine's git cannot make a SHA-256 repository"))
    func aSHA256RepositorySaysSo() throws {
        let fixture = try GitFixture(initOptions: ["--object-format=sha256"])
        try fixture.write("a.txt", "a\n")
        try fixture.commit()
        #expect {
            _ = try Repository.discover(from: fixture.path)
        } throws: { error in
            guard let error = error as? GitError else { return false }
            return error.kind == .unsupportedFormat && error.message.contains("SHA-256 object names")
                && error.message.contains("cannot read yet")
        }
    }

    @Test(.enabled(if: canMakeReftable, "this machine's git cannot make a reftable repository (git 2.45 or later can)"))
    func aReftableRepositorySaysSo() throws {
        let fixture = try GitFixture(initOptions: ["--ref-format=reftable"])
        try fixture.write("a.txt", "a\n")
        try fixture.commit()
        #expect {
            _ = try Repository.discover(from: fixture.path)
        } throws: { error in
            guard let error = error as? GitError else { return false }
            return error.kind == .unsupportedFormat && error.message.contains("reftable refs")
        }
    }
}
