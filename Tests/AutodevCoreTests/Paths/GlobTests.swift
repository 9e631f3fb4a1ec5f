@testable import AutodevCore
import Testing

@Suite struct GlobTests {
    @Test("globs match as a .gitignore line does", arguments: [
        ("*.md", "README.md", true),
        ("*.md", "docs/deep/guide.md", true),
        ("*.md", "docs/guide.mdx", false),
        ("*.md", "notes.md/todo.txt", true),          // a folder named *.md covers its files
        ("specs/**", "specs/001-login/spec.md", true),
        ("specs/**", "other/specs/x.md", false),
        ("specs/**", "specs", false),                 // `x/**` is what is inside x, not x
        ("**/node_modules/**", "web/node_modules/react/index.js", true),
        ("**/node_modules/**", "node_modules/a.js", true),
        ("node_modules", "web/node_modules/react/index.js", true),
        ("Tests/**/*.swift", "Tests/AppTests/LoginTests.swift", true),
        ("Tests/**/*.swift", "Tests/Login.swift", true),
        ("test_*.py", "pkg/tests/test_login.py", true),
        ("requirements*.txt", "requirements-dev.txt", true),
        ("[Mm]akefile", "Makefile", true),
        ("file?.txt", "file1.txt", true),
        ("file?.txt", "file10.txt", false),
        ("/SPEC.md", "SPEC.md", true),
        ("/SPEC.md", "docs/SPEC.md", false),          // a leading slash anchors
        ("docs/", "docs/a/b.md", true),
        ("docs/", "docs", false),                     // a trailing slash: folders only
        ("build/", "src/build/out.o", true),          // ... at any depth
        ("*/", "README.md", false),
        ("*/", "src/a.swift", true),
        ("src/*", "src/a/b/c.swift", true),
        ("a/*/c", "a/b/c", true),
        ("a/*/c", "a/b/x/c", false),
        ("a/**/c", "a/c", true),
        ("a/**/c", "a/x/y/c", true),
        ("[[:upper:]]*.md", "README.md", true),
        ("[[:upper:]]*.md", "readme.md", false),
        ("[[:digit:]][[:digit:]]-*", "docs/01-intro.md", true),
        ("a[\\]]b", "a]b", true),                     // an escape inside brackets
        ("a\\*b", "a*b", true),
        ("a\\*b", "axb", false),
        ("notes.txt   ", "notes.txt", true),          // trailing spaces are dropped...
        ("notes.txt\\ ", "notes.txt ", true),         // ...unless escaped
        ("notes.txt\\ ", "notes.txt", false),
        ("a[bc", "a[bc", false),                      // a malformed bracket matches nothing
        ("[[:nope:]]", "a", false),
        ("\\#notes", "#notes", true),
        ("\\!important", "!important", true),
        ("foo**/bar", "foobar", false),               // git's t0008 "** not confused by matching leading prefix"
        ("foo**/bar", "foo/bar", true),
        ("*.test.{js,ts}", "src/a.test.ts", true),    // braces: autodev's extension
        ("*.test.{js,ts}", "src/a.test.tsx", false),
        ("{a,b}", "{a,b}", false),
        ("a{b", "a{b", true),                         // a brace without a partner is literal
        ("{a}", "{a}", true),                         // so is a group without a comma
        ("\\{a,b}", "{a,b}", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(path) == expected)
    }

    @Test("text that is no gitignore pattern is refused", arguments: ["", "   ", "#comment", "!", "/", "!/", "a\u{0}b"])
    func refusesNonPatterns(pattern: String) {
        #expect(throws: GlobError.self) { try Glob(pattern) }
    }

    @Test func aRefusalSaysWhatToWriteInstead() {
        let error = #expect(throws: GlobError.self) { try Glob("#notes") }
        #expect(error?.pattern == "#notes")
        #expect(error?.problem.contains("comment") == true && error?.problem.contains("\\#") == true)
    }

    @Test func negationIsReadButTheGlobStillMatchesItsPattern() throws {
        let glob = try Glob("!*.md")
        #expect(glob.isNegated)
        #expect(glob.matches("a.md"))
        #expect(!(try Glob("\\!a.md")).isNegated)
    }

    @Test func theLastMatchingGlobOfAListDecides() throws {
        let list = try GlobList(["*.md", "!README.md"])
        #expect(list.contains("docs/guide.md"))
        #expect(!list.contains("README.md"))
        #expect(list.decidingIndex("README.md") == 1)
        #expect(try GlobList(["!README.md", "*.md"]).contains("README.md"))
    }

    @Test func aFileInsideATakenFolderCannotBeTakenOut() throws {
        // git does not look inside an ignored folder, so `!docs/a.md` cannot bring it back...
        let folder = try GlobList(["docs/", "!docs/a.md"])
        #expect(folder.contains("docs/a.md"))
        #expect(folder.decidingIndex("docs/a.md") == 0)
        // ...but it can when the folder's contents are matched instead of the folder.
        let contents = try GlobList(["docs/*", "!docs/a.md"])
        #expect(!contents.contains("docs/a.md"))
        #expect(contents.contains("docs/b.md"))
    }
}
