@testable import AutodevCore
import Testing

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
    ])
    func builtInClassification(path: String, category: PathCategory) throws {
        let classifier = try Classifier(config: Config())
        #expect(classifier.classify(path)?.category == category)
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

    @Test func defaultPriorityOrderPutsFailingTestsFirstAndPlainCodeLast() {
        let ordered = EventKind.allCases.sorted { $0.defaultPriority > $1.defaultPriority }
        #expect(ordered == [.testFailed, .specificationChanged, .testAdded, .dependencyUpdated, .configurationChanged, .codeModified])
        let config = Config()
        #expect(EventKind.allCases.map { config.priority(of: $0) } == EventKind.allCases.map(\.defaultPriority))
    }
}
