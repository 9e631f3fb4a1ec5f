@testable import AutodevCore
import Testing

@Suite struct GlobTests {
    @Test("globs match like gitignore patterns", arguments: [
        ("*.md", "README.md", true),
        ("*.md", "docs/deep/guide.md", true),
        ("*.md", "docs/guide.mdx", false),
        ("specs/**", "specs/001-login/spec.md", true),
        ("specs/**", "other/specs/x.md", false),
        ("**/node_modules/**", "web/node_modules/react/index.js", true),
        ("**/node_modules/**", "node_modules/a.js", true),
        ("Tests/**/*.swift", "Tests/AppTests/LoginTests.swift", true),
        ("Tests/**/*.swift", "Tests/Login.swift", true),
        ("*.test.{js,ts}", "src/a.test.ts", true),
        ("*.test.{js,ts}", "src/a.test.tsx", false),
        ("test_*.py", "pkg/tests/test_login.py", true),
        ("requirements*.txt", "requirements-dev.txt", true),
        ("[Mm]akefile", "Makefile", true),
        ("file?.txt", "file1.txt", true),
        ("file?.txt", "file10.txt", false),
        ("/SPEC.md", "SPEC.md", true),
        ("docs/", "docs/a/b.md", true),
        ("a/*/c", "a/b/c", true),
        ("a/*/c", "a/b/x/c", false),
        ("a/**/c", "a/c", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(path) == expected)
    }

    @Test("malformed globs are rejected", arguments: ["{a,b", "[abc", "a}"])
    func rejectsMalformed(pattern: String) {
        #expect(throws: GlobError.self) { try Glob(pattern) }
    }
}
