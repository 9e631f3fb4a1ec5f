@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// Paths generated work may not write, with git's own `verify_path` as the oracle: git (with
/// core.protectHFS and core.protectNTFS on) refuses to put a path in an index exactly when
/// autodev's never-rules refuse it, for `.git` and every name HFS+ or NTFS reads as `.git`.
@Suite struct PathPolicyTests {
    /// Whether `git update-index` accepts `path` into an index (its `verify_path`).
    static func gitAccepts(_ path: String, in fixture: GitFixture, blob: String) -> Bool {
        (try? fixture.git(["-c", "core.protectHFS=true", "-c", "core.protectNTFS=true", "update-index", "--add",
                           "--cacheinfo", "100644,\(blob),\(path)"])) != nil
    }

    static let gitLookAlikes = [
        ".git/config", ".GIT/x", ".Git/hooks/pre-commit", ".g\u{200C}it/config", ".gi\u{200D}t/x", "\u{FEFF}.git/x",
        ".\u{200E}git/x", ".git\u{200F}/x", ".g\u{202A}it/x", ".g\u{202E}it/x", ".g\u{206A}it/x", ".g\u{206F}it/x",
        "git~1/config", "GIT~1/x", "x/GiT~1/y", ".git./x", ".git /x", ".git. . /x", ".git::$INDEX_ALLOCATION/x",
        "a/b/.git/x", ".git\\config",
    ]

    static let ordinary = [".gitx/y", ".github/ISSUE_TEMPLATE/bug.md", "git~2/x", "git~1x/y", "src/git/x.py", "docs/.gitkeep",
                           "src/app.py", ".gi/t", "g.it/x"]

    @Test func gitLookAlikesAreRefusedWhereGitRefusesThem() throws {
        let fixture = try GitFixture()
        try fixture.write("f", "x\n")
        let blob = try fixture.git(["hash-object", "-w", "f"]).trimmingCharacters(in: .whitespacesAndNewlines)
        for path in Self.gitLookAlikes {
            #expect(!Self.gitAccepts(path, in: fixture, blob: blob), "git accepts \(path.debugDescription): not a look-alike")
            #expect(GeneratedPath.problem(path) != nil, "\(path.debugDescription) is not refused")
            #expect(PathPolicy(allowed: [try Glob("**")]).problem(path) != nil, "allow_paths opened \(path.debugDescription)")
        }
        for path in Self.ordinary {
            #expect(Self.gitAccepts(path, in: fixture, blob: blob), "git refuses \(path.debugDescription)")
            #expect(PathPolicy().problem(path) == nil, "\(path.debugDescription): \(PathPolicy().problem(path) ?? "")")
        }
    }

    @Test(arguments: [
        ".auto-dev/x", ".Auto-Dev/x", ".AUTO-DEV/loop/state.json", ".auto-dev./x", ".auto\u{200C}-dev/x", "AUTO-D~1/x", ".auto-dev",
        "", "/etc/passwd", "a//b", "./a", "a/../b", "a/\u{0}b", "a/\u{1B}b", "a/\u{7F}",
    ])
    func neverWrittenWhateverTheSettings(_ path: String) throws {
        #expect(GeneratedPath.problem(path) != nil)
        #expect(PathPolicy(allowed: [try Glob("**"), try Glob(".Auto-Dev/**")]).problem(path) != nil)
    }

    @Test(arguments: [
        (".gitmodules", ".gitmodules"), ("sub/.gitattributes", ".gitattributes"), (".gitignore", ".gitignore"),
        (".GITMODULES", ".gitmodules"), (".gitmodules.", ".gitmodules"), (".gitmodules ", ".gitmodules"),
        (".g\u{200C}itattributes", ".gitattributes"), ("GITMOD~1", ".gitmodules"), ("gi7eba~1", ".gitmodules"),
        ("gi250a~9", ".gitignore"), ("lib/GITATT~2", ".gitattributes"),
        (".github/workflows/evil.yml", ".github/workflows/"), (".GitHub/Workflows/evil.yml", ".github/workflows/"),
        (".github/actions/setup/action.yml", ".github/actions/"), ("GITHUB~1/WORKFL~1/x.yml", ".github/workflows/"),
        (".gitlab-ci.yml", ".gitlab-ci.yml"), (".circleci/config.yml", ".circleci/"), (".travis.yml", ".travis.yml"),
        ("azure-pipelines.yml", "azure-pipelines.yml"), ("Jenkinsfile", "Jenkinsfile"), (".buildkite/pipeline.yml", ".buildkite/"),
        (".pre-commit-config.yaml", ".pre-commit-config.yaml"), ("lefthook.yml", "lefthook.yml"), (".lefthook.yml", ".lefthook.yml"),
        (".husky/pre-commit", ".husky/"),
    ])
    func protectedPathsAreRefusedInAnyCaseAndLookAlike(_ path: String, _ what: String) throws {
        let problem = try #require(PathPolicy().problem(path), "\(path.debugDescription) is not refused")
        #expect(problem.lowercased().contains(what.lowercased()), "\(problem)")
        #expect(problem.contains("[answers] allow_paths"))
    }

    @Test func allowPathsOpensAProtectedPathAsWrittenOnly() throws {
        let policy = PathPolicy(allowed: [try Glob(".github/workflows/*.yml"), try Glob(".gitignore")])
        #expect(policy.problem(".github/workflows/ci.yml") == nil)
        #expect(policy.problem(".gitignore") == nil)
        // A look-alike of an allowed path is not what the user allowed.
        #expect(policy.problem(".GitHub/workflows/ci.yml") != nil)
        #expect(policy.problem(".gitlab-ci.yml") != nil)
        #expect(policy.problem(".gitmodules") != nil)
    }

    @Test func aConfigWithAllowPathsBuildsThePolicyAndABadGlobIsAConfigError() throws {
        let config = try ConfigLoader.load(text: "[answers]\nallow_paths = [\".gitattributes\"]\nmax_files = 5\n",
                                           file: "config/autodev.toml", environment: [:])
        #expect(PathPolicy(config: config).problem(".gitattributes") == nil)
        #expect(PathPolicy(config: config).problem(".gitmodules") != nil)
        #expect(config[.answersMaxFiles] == 5)
        #expect(try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])[.answersMaxFiles] == 200)
        #expect { try ConfigLoader.load(text: "[answers]\nallow_paths = [\"   \"]\n", file: "config/autodev.toml", environment: [:]) } throws: { error in
            "\(error)".contains("answers.allow_paths")
        }
    }

    @Test func foldingIsCaseHFSAndNTFSBlind() {
        #expect(PathPolicy.fold("SRC") == PathPolicy.fold("src"))
        #expect(PathPolicy.fold("STRASSE") == PathPolicy.fold("straße"))
        #expect(PathPolicy.fold("s\u{200C}rc") == PathPolicy.fold("src"))
        #expect(PathPolicy.fold("src. ") == PathPolicy.fold("src"))
        #expect(PathPolicy.fold("caf\u{E9}") == PathPolicy.fold("cafe\u{301}"))
        #expect(PathPolicy.fold("src") != PathPolicy.fold("srcs"))
    }
}
