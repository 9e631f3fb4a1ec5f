@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// Globs against git itself: the same lines in a real `.gitignore`, asked with
/// `git check-ignore --no-index -v` which line decides for each path (paths that do not exist
/// in the work tree are files to git, as the blobs autodev classifies are).
@Suite struct GitignoreOracleTests {
    /// A scratch repository whose `.gitignore` is rewritten for each list of patterns.
    struct Oracle {
        let directory: TemporaryDirectory
        let environment: [String: String]
        /// git before 2.52 matched `foo**/bar` against `foobar` (fixed by "match_pathname(): give
        /// fnmatch one char of prefix context"); autodev follows the fix.
        let hasPrefixFix: Bool

        init() throws {
            directory = try TemporaryDirectory(prefix: "autodev-gitignore")
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = directory.path  // no global excludes file
            environment.removeValue(forKey: "XDG_CONFIG_HOME")
            self.environment = environment
            try Subprocess.run("/usr/bin/env", ["git", "init", "-q", directory.path + "/repo"], environment: environment)
            let version = try Subprocess.run("/usr/bin/env", ["git", "--version"]).stdout
            let numbers = version.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            hasPrefixFix = numbers.count >= 2 && (numbers[0], numbers[1]) >= (2, 52)
        }

        /// For each path, the 0-based index of the line that decides, or nil.
        func decidingLines(_ patterns: [String], _ paths: [String]) throws -> [Int?] {
            let repo = directory.path + "/repo"
            try Data((patterns.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: repo + "/.gitignore"))
            let input = Data(paths.map { $0 + "\0" }.joined().utf8)
            let result = try Subprocess.run("/usr/bin/env", ["git", "-c", "core.excludesFile=/dev/null", "check-ignore",
                                                             "--no-index", "-v", "-n", "-z", "--stdin"],
                                            in: repo, environment: environment, input: input)
            // Exit 1 only says that nothing was ignored; anything else is a broken oracle.
            guard result.status == 0 || result.status == 1 else { throw FixtureError("git check-ignore: \(result.stderr)") }
            let fields = result.stdout.split(separator: "\0", omittingEmptySubsequences: false)
            var lines: [Int?] = []
            var index = 0
            while index + 3 < fields.count {
                // source, line number, pattern, path
                lines.append(Int(fields[index + 1]).map { $0 - 1 })
                #expect(String(fields[index + 3]) == paths[lines.count - 1])
                index += 4
            }
            guard lines.count == paths.count else { throw FixtureError("git check-ignore answered \(lines.count) of \(paths.count) paths") }
            return lines
        }
    }

    static let components = [
        "a", "b", "ab", "ba", "abc", "A", "Ab", "x.md", "x.txt", ".x", ".md", "a.b", "a b", "a ", "[a]",
        "a*b", "?", "#a", "!a", "-", "foo", "bar", "foobar", "build", "lib", "node_modules", "src", "docs",
        "README.md", "a\\b", "é", "1", "Z9",
    ]

    static let atoms = [
        "a", "b", "ab", "foo", "bar", "build", "src", "x", ".", "md", "A", " ", "é",
        "*", "*", "?", "**", "**", "[ab]", "[!a]", "[^b]", "[a-c]", "[]a]", "[[:upper:]]", "[[:lower:]]",
        "[[:alpha:]]", "[[:digit:]]", "[[:space:]]", "[[:punct:]]", "[\\]]", "[a-]", "[", "[[:bogus:]]", "[[:alpha:]",
        "\\*", "\\[", "\\ ", "\\a", "\\", "#", "!",
    ]

    /// A random pattern built from pieces that can match the components above.
    static func randomPattern(_ random: inout SeededRandom, hasPrefixFix: Bool) -> String {
        while true {
            var segments: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                // Half the segments are names that occur in paths, so that patterns match often.
                if Bool.random(using: &random) {
                    segments.append(components.randomElement(using: &random)!)
                    continue
                }
                var segment = ""
                for _ in 0..<Int.random(in: 1...2, using: &random) { segment += atoms.randomElement(using: &random)! }
                segments.append(segment)
            }
            var pattern = segments.joined(separator: "/")
            if Int.random(in: 0..<4, using: &random) == 0 { pattern = "/" + pattern }
            if Int.random(in: 0..<4, using: &random) == 0 { pattern += "/" }
            if Int.random(in: 0..<5, using: &random) == 0 { pattern = "!" + pattern }
            if Int.random(in: 0..<8, using: &random) == 0 { pattern += ["  ", " ", "\\ "].randomElement(using: &random)! }
            // A line that git reads as a comment, or one with nothing in it, is no glob.
            guard (try? Glob(pattern)) != nil else { continue }
            if !hasPrefixFix && hitsOldPrefixBug(pattern) { continue }
            return pattern
        }
    }

    /// Whether git before 2.52 would hand wildmatch a `**` without the byte before it.
    static func hitsOldPrefixBug(_ pattern: String) -> Bool {
        var bytes = Array(pattern.utf8)
        Glob.trimTrailingSpaces(&bytes)
        if bytes.first == UInt8(ascii: "!") { bytes.removeFirst() }
        if bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard bytes.contains(UInt8(ascii: "/")) else { return false }
        if bytes.first == UInt8(ascii: "/") { bytes.removeFirst() }
        guard let special = bytes.firstIndex(where: Wildmatch.isSpecial), special > 0, special + 1 < bytes.count else { return false }
        return bytes[special] == UInt8(ascii: "*") && bytes[special + 1] == UInt8(ascii: "*") && bytes[special - 1] != UInt8(ascii: "/")
    }

    static func randomPath(_ random: inout SeededRandom) -> String {
        (0..<Int.random(in: 1...4, using: &random)).map { _ in components.randomElement(using: &random)! }.joined(separator: "/")
    }

    /// The patterns the issue found wrong, and the common ones of real `.gitignore` files.
    static let commonPatterns = [
        "/README.md", "README.md", "node_modules", "node_modules/", "build", "build/", "/build/", "**/lib", "lib/",
        "frotz", "frotz/", "src/*", "src/**", "src/**/", "src/**/*.md", "*/", "**/", "**", "*", ".*", "*.md", "/*.md",
        "docs/*.md", "docs/**/*.md", "**/docs", "**/docs/**", "a/**/b", "a/*/b", "specs/**", "[[:upper:]]*",
        "[[:digit:]]", "[[:space:]]*", "*[[:punct:]]*", "\\#a", "\\!a", "a\\ ", "a  ", "a\\ \\ ", "a[", "[a", "x.[md",
        "[[:nope:]]", "[!.]*", "\\[a]", "[\\]]", "[a-c]*", "**/x.md", "x.md/", "foo/", "foo/**/", "foo**/bar",
        "a?b", "a\\*b", "*.txt", "!*.txt", "é", "*/b/*",
    ]

    static let commonPaths = [
        "README.md", "docs/README.md", "node_modules", "node_modules/a.js", "web/node_modules/x/y.js", "build",
        "build/out.o", "src/build/x", "src/build", "lib", "lib/a", "a/lib/b", "frotz", "frotz/a", "a/frotz/b",
        "src/a.md", "src/a/b.md", "src", "a.md", "docs/a.md", "docs/x/a.md", ".hidden", "a/.hidden/b", "a/b",
        "a/x/b", "a/x/y/b", "specs", "specs/a", "Abc", "abc", "1", "a/1", " a", "#a", "!a", "a ", "a  ", "a[",
        "[a", "[a]", "a", "x.md", "x.md/y", "foo/bar", "foobar", "foo/x/bar", "axb", "a*b", "a.txt", "b/a.txt", "é",
        "x/é/y", "a/b/c", "x/b/y",
    ]

    @Test func commonPatternsDecideAsGitDoes() throws {
        let oracle = try Oracle()
        defer { oracle.directory.remove() }
        for pattern in GitignoreOracleTests.commonPatterns {
            if !oracle.hasPrefixFix && GitignoreOracleTests.hitsOldPrefixBug(pattern) { continue }
            let list = try GlobList([pattern])
            let expected = try oracle.decidingLines([pattern], GitignoreOracleTests.commonPaths)
            for (path, line) in zip(GitignoreOracleTests.commonPaths, expected) {
                #expect(list.decidingIndex(path) == line, "'\(pattern)' on '\(path)': git says \(line.map(String.init) ?? "no match")")
            }
        }
    }

    @Test func negationsDecideAsGitDoes() throws {
        let lists = [
            ["*.md", "!README.md"], ["!README.md", "*.md"], ["docs/", "!docs/a.md"], ["docs/*", "!docs/a.md"],
            ["docs/**", "!docs/**/", "!docs/a.md"], ["build", "!build/"], ["*", "!*/", "!*.md"], ["a/", "!a/b/", "a/b/c"],
            ["**/x", "!a/**/x"], ["!*", "*"], ["*.md", "!x.md", "x.*"],
        ]
        let paths = ["README.md", "a.md", "docs/a.md", "docs/b.md", "docs/x/a.md", "build", "build/x", "x.md", "a/b/c",
                     "a/b/d", "a/c", "a/x", "b/x", "a/y/x", "x", "docs/README.md"]
        let oracle = try Oracle()
        defer { oracle.directory.remove() }
        for patterns in lists {
            let list = try GlobList(patterns)
            for (path, line) in zip(paths, try oracle.decidingLines(patterns, paths)) {
                #expect(list.decidingIndex(path) == line, "\(patterns) on '\(path)': git says \(line.map(String.init) ?? "no match")")
            }
        }
    }

    /// Random lists of random patterns (seeded: a failure names its seed) on random paths.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func randomListsDecideAsGitDoes(seed: UInt64) throws {
        let oracle = try Oracle()
        defer { oracle.directory.remove() }
        var random = SeededRandom(seed: seed)
        var compared = 0, matched = 0
        for _ in 0..<60 {
            let patterns = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                GitignoreOracleTests.randomPattern(&random, hasPrefixFix: oracle.hasPrefixFix)
            }
            let paths = (0..<80).map { _ in GitignoreOracleTests.randomPath(&random) }
            let list = try GlobList(patterns)
            for (path, line) in zip(paths, try oracle.decidingLines(patterns, paths)) {
                #expect(list.decidingIndex(path) == line,
                        "seed \(seed): \(patterns) on '\(path)': git says \(line.map(String.init) ?? "no match")")
                compared += 1
                if line != nil { matched += 1 }
            }
        }
        // The generator must make git match often enough for the comparison to mean something
        // (about one path in ten does).
        #expect(compared == 60 * 80)
        #expect(matched * 20 > compared, "only \(matched) of \(compared) paths matched a pattern")
    }
}
