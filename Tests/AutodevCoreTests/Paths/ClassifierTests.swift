@testable import AutodevCore
import Testing
import AutodevTestSupport
import Foundation

@Suite struct ClassifierTests {
    @Test("the built-in globs classify common ecosystems", arguments: [
        ("specs/001-login/spec.md", PathCategory.specs),
        (".kiro/specs/auth/requirements.md", .specs),
        ("openspec/changes/add-2fa/proposal.md", .specs),
        ("PRPs/feature.md", .specs),
        ("docs/stories/1.2.story.md", .specs),
        ("SPEC.md", .specs),
        ("specs/login.spec.js", .tests),  // a JavaScript test that lives in specs/
        ("Tests/AppTests/LoginTests.swift", .tests),
        ("pkg/test_login.py", .tests),
        ("internal/auth/login_test.go", .tests),
        ("web/src/login.test.tsx", .tests),
        ("app/src/test/java/com/x/LoginTest.java", .tests),
        ("crates/core/tests/it.rs", .tests),
        ("Package.swift", .dependencies),
        ("Cargo.lock", .dependencies),
        ("web/package.json", .dependencies),
        ("pnpm-lock.yaml", .dependencies),
        ("requirements.txt", .dependencies),
        ("go.sum", .dependencies),
        ("pom.xml", .dependencies),
        ("Gemfile.lock", .dependencies),
        (".github/workflows/ci.yml", .configuration),
        ("config/autodev.toml", .configuration),
        ("tsconfig.json", .configuration),
        ("Sources/App/Login.swift", .code),
        ("src/main.rs", .code),
        ("web/node_modules/react/index.js", .ignore),
        (".auto-dev/loop/state.json", .ignore),
        ("vendor/github.com/x/y.go", .ignore),
        // Coverage reports are generated output of a test run, not configuration or code.
        ("htmlcov/index.html", .ignore),
        ("backend/htmlcov/status.json", .ignore),
        ("coverage/lcov-report/index.html", .ignore),
        ("web/coverage/lcov-report/src/app.ts.html", .ignore),
        ("coverage/lcov.info", .ignore),
        ("coverage.xml", .ignore),
        ("web/src/coverage.ts", .code),
        // A coding agent's commands are instructions to the agent, not specs, even when named
        // like one (issue 21: a replay read `.claude/commands/hm/requirements.md` as a spec).
        (".claude/commands/hm/requirements.md", .ignore),
        (".github/prompts/speckit.tasks.prompt.md", .ignore),
        ("docs/requirements.md", .specs),
        (".claude/PRPs/user-import.md", .specs),
        // Projects that keep their specs beside the agent's folder (issue 21, a fresh replay:
        // `.claude/specs/<feature>/tasks.md` was read as nothing until configured by hand).
        (".claude/specs/page-capture/tasks.md", .specs),
        (".claude/specs/04b-date-filter.md", .specs),
    ])
    func builtInClassification(path: String, category: PathCategory) throws {
        let classifier = try Classifier(config: Config())
        #expect(classifier.classify(path)?.category == category)
    }

    /// What the classifier must say, without its index: each category's globs (the key, then
    /// its `extra_` key) as one `.gitignore`, categories in order.
    static func expected(_ config: Config, _ path: String) throws -> (PathCategory, String)? {
        for category in PathCategory.allCases {
            let patterns = config[.globs(category)] + config[.extraGlobs(category)]
            let list = try GlobList(patterns)
            if let index = list.decidingIndex(path), !list.globs[index].isNegated { return (category, patterns[index]) }
        }
        return nil
    }

    /// The classifier looks rules up by file name, extension and path components instead of
    /// trying them all; it must pick exactly the rule that trying them all in order picks.
    @Test func theIndexPicksTheSameRuleAsTryingEveryGlob() throws {
        let config = Config()
        let classifier = try Classifier(config: config)
        let folders = ["", "src/", "a/node_modules/", "node_modules/", "x/vendor/y/", "Tests/App/", "tests/", "pkg/tests/unit/",
                       "specs/001/", "docs/stories/", ".github/workflows/", "config/", "web/src/__tests__/", "app/src/test/java/",
                       "deep/er/.build/", "Pods/", "crates/a/tests/", "spec/models/", "benches/", "x.py/", "a.min.js/",
                       "Makefile/", "src/test/", "specs.md/", "tests.rs/"]
        let names = ["main.swift", "LoginTests.swift", "test_a.py", "a_test.py", "conftest.py", "x.rs", "a_test.go", "a.test.ts",
                     "a.spec.js", "b.min.js", "app.map", "Package.swift", "package.json", "requirements-dev.txt", "go.mod",
                     "Dockerfile", "x.tf", "README.md", "node_modules", "vendor", "AppTest.java", "model_spec.rb", "x.pyc",
                     ".DS_Store", "tsconfig.base.json", "spec.md", "logo.png", "Makefile", "a.cpp", ".eslintrc.json",
                     "vite.config.ts", "docker-compose.dev.yml"]
        var checked = 0
        for folder in folders {
            for name in names {
                let path = folder + name
                let expected = try ClassifierTests.expected(config, path)
                let actual = classifier.classify(path)
                #expect(actual?.category == expected?.0 && actual?.glob.pattern == expected?.1,
                        "\(path): \(actual?.label ?? "none") instead of \(expected.map { "\($0.0): \($0.1)" } ?? "none")")
                checked += 1
            }
        }
        #expect(checked == folders.count * names.count)
    }

    /// The same on random configurations (negations, folders-only and anchored globs, classes,
    /// escapes) and random paths, seeded.
    @Test(arguments: [UInt64(11), 12, 13, 14])
    func theIndexAgreesWithTheListsOnRandomGlobs(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        func toml(_ patterns: [String]) -> String {
            "[" + patterns.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
                .joined(separator: ", ") + "]"
        }
        for _ in 0..<20 {
            var lines = ["[events]"]
            for key in ["ignore", "extra_ignore", "tests", "extra_tests", "specs", "code", "extra_code"] {
                let patterns = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                    GitignoreOracleTests.randomPattern(&random, hasPrefixFix: true)
                }
                lines.append("\(key) = \(toml(patterns))")
            }
            let config = try ConfigLoader.load(text: lines.joined(separator: "\n"), file: "autodev.toml", environment: [:])
            let classifier = try Classifier(config: config)
            for _ in 0..<200 {
                let path = GitignoreOracleTests.randomPath(&random)
                let expected = try ClassifierTests.expected(config, path)
                let actual = classifier.classify(path)
                #expect(actual?.category == expected?.0 && actual?.glob.pattern == expected?.1,
                        "seed \(seed), \(lines): \(path): \(actual?.label ?? "none") instead of \(expected.map { "\($0.0): \($0.1)" } ?? "none")")
            }
        }
    }

    @Test func unmatchedPathsHaveNoRule() throws {
        let classifier = try Classifier(config: Config())
        #expect(classifier.classify("README.md") == nil)
        #expect(classifier.classify("assets/logo.png") == nil)
    }

    @Test func configuredGlobsExtendAndReplaceTheDefaults() throws {
        let config = try ConfigLoader.load(text: """
            [events]
            extra_ignore = ["generated/**"]
            specs = ["requirements/**"]
            """, file: "autodev.toml", environment: [:])
        let classifier = try Classifier(config: config)
        #expect(classifier.classify("generated/api.swift")?.label == "events.extra_ignore: generated/**")
        #expect(classifier.classify("requirements/login.md")?.category == .specs)
        #expect(classifier.classify("specs/001/spec.md")?.category != .specs)
    }

    @Test func aNegatedExtraGlobTakesPathsOutOfTheBuiltInList() throws {
        let config = try ConfigLoader.load(text: """
            [events]
            extra_tests = ["!e2e/**"]
            extra_ignore = ["generated/", "!generated/keep.swift"]
            """, file: "autodev.toml", environment: [:])
        let classifier = try Classifier(config: config)
        #expect(classifier.classify("internal/login_test.go")?.category == .tests)
        // Out of the tests: the path goes on to the next categories and is code.
        #expect(classifier.classify("e2e/login_test.go")?.label == "events.code: *.go")
        // A folder taken in takes its files with it; a `!` for a file inside cannot undo that (as git).
        #expect(classifier.classify("src/generated/keep.swift")?.label == "events.extra_ignore: generated/")
    }

    @Test func defaultPriorityOrderPutsFailingTestsFirstAndPlainCodeLast() {
        let ordered = EventKind.allCases.sorted { $0.defaultPriority > $1.defaultPriority }
        #expect(ordered == [.testFailed, .specificationChanged, .testAdded, .dependencyUpdated, .configurationChanged, .codeModified])
        let config = Config()
        #expect(EventKind.allCases.map { config.priority(of: $0) } == EventKind.allCases.map(\.defaultPriority))
    }
}
