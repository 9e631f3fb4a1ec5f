@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// A source that records what was read, over a real git tree.
final class RecordingSource: PromptSource {
    let inner: any PromptSource
    private(set) var reads: [String] = []
    init(_ inner: any PromptSource) { self.inner = inner }
    func paths() -> [String] { inner.paths() }
    func read(_ path: String) -> [UInt8]? {
        reads.append(path)
        return inner.read(path)
    }
}

@Suite struct PromptBuilderTests {
    static func work(_ id: String, title: String = "System MUST hash passwords", criteria: [String] = ["Given a password, when stored, then it is hashed"],
                     spec: String = "specs/001-login/spec.md", links: [String] = [], action: DecisionAction = .newImplementation,
                     path: String? = nil, detail: String = "") -> WorkItem {
        WorkItem(id: id, eventId: "event-" + id, eventKind: action == .implementToPassTest ? .testAdded : .specificationChanged, priority: 50,
                 path: path ?? spec, detail: detail, action: action, reason: "requirement added", rule: "new-requirement",
                 requirement: action == .implementToPassTest ? nil : WorkItem.RequirementFields(
                    key: "FR-" + id, title: title, text: title, criteria: criteria, spec: spec, format: .specKit,
                    slug: WorkItem.slug(title), textHash: "hash", change: .added),
                 links: links, firstSeen: 0)
    }

    static func provider(context: Int = 32768, output: Int = 4096, format: ProviderConfig.EditFormat = .whole) -> ProviderConfig {
        ProviderConfig(name: "local", kind: .openai, maxOutputTokens: output, contextTokens: context, editFormat: format)
    }

    /// A repository with a spec folder and its documents, source files in several languages,
    /// and secrets in a linked file, in `.env` and in a config file.
    static func fixture(bigLogin: Bool = false) throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("specs/001-login/spec.md", "# Login\n\n- **FR-a**: System MUST hash passwords\n")
        try fixture.write("specs/001-login/plan.md", "# Plan\n\nUse bcrypt.\n" + String(repeating: "Plan detail line.\n", count: bigLogin ? 2000 : 3))
        try fixture.write("specs/001-login/data-model.md", "# Data model\n\nUser(id, hash)\n")
        try fixture.write("specs/001-login/research.md", "# Research\n\nbcrypt vs argon2\n")
        try fixture.write("specs/001-login/contracts/api.yaml", "openapi: 3.0.0\npaths:\n  /login: {}\n")
        try fixture.write("specs/001-login/quickstart.md", "# Quickstart\n\nRun it.\n")
        try fixture.write("specs/002-billing/plan.md", "# Billing plan\n\nInvoices.\n")
        let login = bigLogin
            ? (0..<12000).map { "line_\($0) = \($0)\n" }.joined()
            : "import bcrypt\n\nOPENAI = \"\(FakeSecrets.openai)\"\n\ndef login(user, password):\n    return check(user, password)\n"
        try fixture.write("src/auth/login.py", login)
        try fixture.write("src/auth/session.py", "class Session:\n    pass\n")
        try fixture.write("src/billing/invoice.py", "def invoice():\n    pass\n")
        try fixture.write("Sources/App/Hash.swift", "public func hashPassword(_ text: String) -> String { text }\nstruct Hasher2 {}\n")
        try fixture.write("web/app.ts", "export function render() {}\nexport class View {}\n")
        try fixture.write(".env", "DEBUG=1\nGITHUB_TOKEN=\(FakeSecrets.github)\n")
        try fixture.write("config/settings.yml", "aws_access_key_id: \(FakeSecrets.awsAccessKey)\naws_secret_access_key: \(FakeSecrets.awsSecretKey)\nregion: eu-west-1\n")
        try fixture.write("tests/test_login.py", "def test_hashes():\n    assert login('a', 'b')\n")
        try fixture.git(["add", "-A"])
        _ = try fixture.commit("fixture")
        return fixture
    }

    static func source(_ fixture: GitFixture) throws -> GitTreeSource {
        let repository = try Repository.open(at: fixture.path)
        let head = try #require(try repository.head())
        return try GitTreeSource(repository: repository, commit: head)
    }

    static func builder(_ source: any PromptSource, maxContext: Int = 8000, provider: ProviderConfig = provider(), batch: Int = 5) -> PromptBuilder {
        PromptBuilder(source: source, provider: provider, maxContextTokens: maxContext, batchSize: batch)
    }

    func position(_ needle: String, in text: String) throws -> String.Index {
        try #require(text.range(of: needle)?.lowerBound, "\(needle) is missing")
    }

    @Test("stable part first: system, repository map, the spec's body, contracts, other documents, then the item's requirement, files and test")
    func order() throws {
        let fixture = try Self.fixture()
        let built = try Self.builder(try Self.source(fixture)).build([
            .init(Self.work("a", links: ["src/auth/session.py"])),
            .init(Self.work("t", action: .implementToPassTest, path: "tests/test_login.py", detail: "test_hashes")),
        ])
        #expect(built.request.system == PromptBuilder.system(for: .whole))
        #expect(built.request.system.contains(AnswerFormat.instructions(for: .whole)))
        #expect(!built.request.system.contains("FR-a") && !built.request.system.contains("specs/"))
        // The gate keeps a change only when the check passes: a test-first task's failing test
        // would be thrown away with its answer unless the model is told.
        for format in ProviderConfig.EditFormat.allCases {
            #expect(PromptBuilder.system(for: format).contains("kept only if the check passes"))
        }
        let prompt = built.request.prompt
        let marks = try ["# Repository map", "# Context documents", "\nspecs/001-login/spec.md\n", "specs/001-login/contracts/api.yaml",
                         "specs/001-login/plan.md", "specs/001-login/data-model.md", "specs/001-login/research.md", "specs/001-login/quickstart.md",
                         "# Work", "## Work a", "Requirement FR-a: System MUST hash passwords", "Acceptance criteria:",
                         "### Current files", "\nsrc/auth/session.py\n```python\nclass Session:", "## Work t",
                         "\ntests/test_login.py\n```python\ndef test_hashes():", "### Test to make pass"].map { try position($0, in: prompt) }
        #expect(marks == marks.sorted())
        #expect(!prompt.contains("Billing plan"), "another feature's documents stay out")
    }

    @Test("the budget is min(max_context_tokens, window - output tokens) and the estimate stays within it", arguments: [1500, 2500, 4000, 8000, 30000])
    func budgetHolds(_ maxContext: Int) throws {
        let fixture = try Self.fixture(bigLogin: true)
        let builder = Self.builder(try Self.source(fixture), maxContext: maxContext)
        #expect(builder.budget == min(maxContext, 32768 - 4096))
        let built = try builder.build([.init(Self.work("a", links: ["src/auth/login.py", "src/auth/session.py"]))])
        #expect(built.budget == builder.budget)
        #expect(built.estimatedTokens <= built.budget)
        let bytes = built.request.system.utf8.count + built.request.prompt.utf8.count
        #expect(Double(bytes) <= Double(built.budget) * TokenEstimator.Kind.code.charactersPerToken)
        // The budget is used, not left idle: more than half of it.
        #expect(built.estimatedTokens * 2 > built.budget)
    }

    @Test("a full batch of items with many files stays within the budget, and every file is shown or reported as trimmed",
          arguments: [2000, 3500, 6000, 12000])
    func batchBudget(_ maxContext: Int) throws {
        var files: [String: String] = ["specs/f/plan.md": String(repeating: "Plan line with some words.\n", count: 400)]
        var items: [PromptBuilder.Item] = []
        for item in 0..<5 {
            let links = (0..<3).map { "src/f/item\(item)_file\($0).py" }
            for (index, link) in links.enumerated() {
                files[link] = (0..<(200 * (index + 1))).map { "value_\($0) = compute(\($0), \(item))\n" }.joined()
            }
            items.append(.init(Self.work("w\(item)", spec: "specs/f/spec.md", links: links)))
        }
        let built = try Self.builder(MemorySource(files), maxContext: maxContext).build(items)
        #expect(built.estimatedTokens <= built.budget)
        for item in items {
            for link in item.work.links {
                let shown = built.request.prompt.contains("\n\(link)\n```python\nvalue_0 = compute(0, ")
                let trim = built.trimmed.first { $0.what == link }
                #expect(shown || trim != nil, "\(link) is neither shown nor reported")
                if let trim, trim.keptBytes == 0 {
                    #expect(built.request.prompt.contains("[left out to fit the context budget: \(ContextTrim.size(trim.originalBytes))]"))
                }
            }
        }
    }

    @Test("the model's window bounds the budget when it is the smaller")
    func windowBounds() {
        let builder = Self.builder(RecordingSource(MemorySource([:])), maxContext: 8000, provider: Self.provider(context: 4096, output: 1024))
        #expect(builder.budget == 3072)
    }

    @Test("a file too big is trimmed at a line and reported, not dropped silently")
    func bigFileTrimmed() throws {
        let fixture = try Self.fixture(bigLogin: true)
        let built = try Self.builder(try Self.source(fixture), maxContext: 3000).build([.init(Self.work("a", links: ["src/auth/login.py"]))])
        let trim = try #require(built.trimmed.first { $0.what == "src/auth/login.py" })
        #expect(trim.originalBytes > 150_000 && trim.keptBytes > 1000 && trim.keptBytes < 12_000)
        #expect(trim.description.hasPrefix("src/auth/login.py \(ContextTrim.size(trim.originalBytes)) → "))
        #expect(built.request.prompt.contains("line_0 = 0\n"))
        #expect(!built.request.prompt.contains("line_11999 = 11999"))
        #expect(built.request.prompt.contains("[… trimmed to fit the context budget: \(ContextTrim.size(trim.originalBytes)) → \(ContextTrim.size(trim.keptBytes))]"))
        // A long context document is trimmed too, and said so.
        let planned = try Self.builder(try Self.source(fixture), maxContext: 3000).build([.init(Self.work("a"))])
        #expect(planned.trimmed.contains { $0.what == "specs/001-login/plan.md" })
    }

    @Test("secrets in a linked file, in .env and in a config file never reach the request; .env is never read")
    func secretsStayHome() throws {
        let fixture = try Self.fixture()
        let source = RecordingSource(try Self.source(fixture))
        let built = try Self.builder(source).build([
            .init(Self.work("a", links: ["src/auth/login.py", ".env"]), targets: ["config/settings.yml"]),
        ])
        let sent = built.request.system + built.request.prompt
        for secret in [FakeSecrets.openai, FakeSecrets.github, FakeSecrets.awsAccessKey, FakeSecrets.awsSecretKey] {
            #expect(!sent.contains(secret))
        }
        #expect(!sent.contains("DEBUG=1"))
        #expect(!source.reads.contains(".env"))
        #expect(built.refused == [".env"])
        #expect(built.redactions == [.openaiKey: 1, .awsAccessKey: 1, .awsSecretKey: 1])
        #expect(sent.contains("OPENAI = \"[REDACTED openai-key]\""))
        #expect(sent.contains("- .env: not shown, it holds secrets"))
        #expect(sent.contains("region: eu-west-1"), "the rest of the config file is sent")
    }

    @Test("the same inputs give byte-identical requests")
    func deterministic() throws {
        let fixture = try Self.fixture()
        let items: [PromptBuilder.Item] = [.init(Self.work("a", links: ["src/auth/login.py"])), .init(Self.work("b"))]
        let first = try Self.builder(try Self.source(fixture)).build(items)
        let second = try Self.builder(try Self.source(fixture)).build(items)
        #expect(first == second)
        #expect(Array(first.request.prompt.utf8) == Array(second.request.prompt.utf8))
    }

    @Test("a batch has a section per item, each with its === WORK id === line, and a file two items link is shown once")
    func batchSections() throws {
        let fixture = try Self.fixture()
        let items = ["a", "b", "c"].map { PromptBuilder.Item(Self.work($0, links: ["src/auth/session.py"])) }
        let built = try Self.builder(try Self.source(fixture)).build(items)
        #expect(built.work == ["a", "b", "c"])
        let prompt = built.request.prompt
        #expect(prompt.contains("This request holds 3 work items. Answer each in its own part, starting the part with its line `=== WORK <id> ===`"))
        let marks = try ["a", "b", "c"].flatMap { id in
            [try position("## Work \(id)\nStart your answer's part for this item with the line `=== WORK \(id) ===`.", in: prompt)]
        }
        #expect(marks == marks.sorted())
        #expect(prompt.components(separatedBy: "class Session:").count == 2)
        #expect(prompt.contains("- src/auth/session.py: shown above, under work a"))
        // A single item has no marker instruction.
        let single = try Self.builder(try Self.source(fixture)).build([items[0]])
        #expect(!single.request.prompt.contains("=== WORK"))
    }

    @Test("files of the change an earlier item showed are one line per later item; an item's own linked file keeps its line")
    func sharedTargetsAreOneLine() throws {
        let fixture = try Self.fixture()
        let targets = ["src/auth/login.py", "src/auth/session.py"]
        let items = [PromptBuilder.Item(Self.work("a"), targets: targets), PromptBuilder.Item(Self.work("b"), targets: targets),
                     PromptBuilder.Item(Self.work("c", links: ["src/auth/session.py"]), targets: targets)]
        let prompt = try Self.builder(try Self.source(fixture)).build(items).request.prompt
        #expect(prompt.components(separatedBy: "class Session:").count == 2, "shown once, under a")
        #expect(prompt.components(separatedBy: "- the change's 2 other files: shown above, under work a").count == 2, "\(prompt)")
        #expect(prompt.contains("- src/auth/session.py: shown above, under work a"), "c links it: its own line")
        #expect(prompt.contains("- src/auth/login.py: shown above, under work a"), "c's one other file")
    }

    @Test("more items than batch_size, an empty batch or a window no larger than the output are refused")
    func refusals() throws {
        let source = MemorySource([:])
        let items = ["a", "b", "c"].map { PromptBuilder.Item(Self.work($0)) }
        let tooMany = #expect(throws: AutodevError.self) { try Self.builder(source, batch: 2).build(items) }
        #expect(tooMany?.key == "loop.llm_optimization.batch_size")
        #expect(throws: AutodevError.self) { try Self.builder(source).build([]) }
        let window = #expect(throws: AutodevError.self) {
            try Self.builder(source, provider: Self.provider(context: 4096, output: 4096)).build([items[0]])
        }
        #expect(window?.exitStatus == .config)
        #expect(window?.message.contains("context_tokens (4096) must be larger than max_output_tokens (4096)") == true)
        let huge = PromptBuilder.Item(Self.work("h", title: String(repeating: "very long requirement ", count: 2000)))
        let over = #expect(throws: AutodevError.self) { try Self.builder(source, maxContext: 1000).build([huge]) }
        #expect(over?.message.contains("over the context budget of 1000") == true)
    }

    @Test("batches group items of one spec folder, in order, at most batch_size each")
    func batches() {
        let items = [Self.work("a"), Self.work("x", spec: "specs/002-billing/spec.md"), Self.work("b"), Self.work("c"),
                     Self.work("t", action: .implementToPassTest, path: "tests/test_login.py")]
        let groups = PromptBuilder.batches(items, size: 2).map { $0.map(\.id) }
        #expect(groups == [["a", "b"], ["c"], ["x"], ["t"]])
    }

    @Test("the repository map ranks linked files, then their folder, then files sharing the requirement's words")
    func mapRanking() throws {
        let fixture = try Self.fixture()
        var relevance = RepositoryMap.Relevance()
        relevance.linked = ["src/auth/login.py"]
        relevance.folders = ["src/auth"]
        relevance.words = Set(RepositoryMap.words(in: "System MUST hash passwords"))
        let entries = RepositoryMap.entries(source: try Self.source(fixture), relevance: relevance, secrets: SecretGuard())
        #expect(entries.map(\.path) == ["src/auth/login.py", "src/auth/session.py", "Sources/App/Hash.swift", "src/billing/invoice.py",
                                        "tests/test_login.py", "web/app.ts"])
        #expect(entries[2].symbols == ["hashPassword", "Hasher2"])
    }

    @Test("top-level symbols per language", arguments: [
        ("a.swift", "import Foundation\n@MainActor public final class Store {\n    func inner() {}\n}\nextension Store.Key: Codable {}\nfunc helper() {}\nprivate let limit = 3\n",
         ["Store", "Store.Key", "helper", "limit"]),
        ("a.py", "import os\n\nclass Login:\n    def inner(self): pass\n\nasync def fetch():\n    pass\ndef run(): pass\n", ["Login", "fetch", "run"]),
        ("a.ts", "export default async function main() {}\nexport interface Props {}\nconst x = 1\nclass A {}\n", ["main", "Props", "x", "A"]),
        ("a.go", "package a\n\nfunc Run() {}\nfunc (s *Store) Get(k string) {}\ntype Store struct{}\n", ["Run", "Store.Get", "Store"]),
        ("a.rs", "pub struct Point;\npub(crate) fn make() {}\nimpl Display for Point {\n    fn fmt() {}\n}\nenum E {}\n", ["Point", "make", "impl Display for Point", "E"]),
        ("A.kt", "data class User(val id: Int)\nfun main() {}\nenum class Color { RED }\nobject Registry\n", ["User", "main", "Color", "Registry"]),
        ("A.java", "package a;\npublic final class App {\n    public static void main(String[] a) {}\n}\ninterface Port {}\n", ["App", "Port"]),
        ("a.c", "#include <stdio.h>\n#define LIMIT 3\nstruct point { int x; };\nstatic int add(int a, int b) {\n    return a + b;\n}\nint declared(void);\nstruct point *make_point(int x)\n{\n}\n__attribute__((format (printf, 1, 2)))\nstatic const char *usage[] = { 0 };\n",
         ["point", "add", "make_point"]),
    ])
    func symbols(_ path: String, _ text: String, _ expected: [String]) throws {
        let language = try #require(RepositoryMap.Language(path: path))
        #expect(RepositoryMap.symbols(in: Array(text.utf8)[...], language: language) == expected)
    }

    @Test("relevance words split camelCase and snake_case, lower-cased, without stop words")
    func words() {
        #expect(RepositoryMap.words(in: "hashPassword_v2 FR-001 the HTTPServer Ünïcode") == ["hash", "password", "httpserver", "ünïcode"])
    }

    @Test("the token estimate uses per-kind ratios and learns from the provider's counts, within bounds")
    func tokenEstimator() throws {
        let estimator = TokenEstimator()
        #expect(estimator.tokens(String(repeating: "x", count: 4400), kind: .code) == 1000)
        #expect(estimator.tokens(String(repeating: "x", count: 3400), kind: .prose) == 1000)
        #expect(TokenEstimator.Kind.of(path: "specs/a/plan.md") == .prose && TokenEstimator.Kind.of(path: "a.swift") == .code)
        let learned = estimator.calibrated(estimated: 1000, reported: 1500)
        #expect(learned.calibration == 1.25)
        #expect(learned.tokens(String(repeating: "x", count: 4400), kind: .code) == 1250)
        #expect(estimator.calibrated(estimated: 50, reported: 500) == estimator, "a probe teaches nothing")
        var runaway = estimator
        for _ in 0..<10 { runaway = runaway.calibrated(estimated: 1000, reported: 100_000) }
        #expect(runaway.calibration == 2.0)
        #expect(TokenEstimator(calibration: 0.01).calibration == 0.5)
        let decoded = try JSONDecoder().decode(TokenEstimator.self, from: JSONEncoder().encode(learned))
        #expect(decoded == learned)
    }
}

/// Files held in memory: a second real `PromptSource`, for tests that need no repository.
struct MemorySource: PromptSource {
    var files: [String: String]
    init(_ files: [String: String]) { self.files = files }
    func paths() -> [String] { files.keys.sorted() }
    func read(_ path: String) -> [UInt8]? { files[path].map { Array($0.utf8) } }
}
