@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// "The prompt carries the code" (issue 19): the spec's body, its contracts before its prose,
/// the files the work touches found by name and by identifier, the budget spent by rank.
@Suite struct PromptRelevanceTests {
    /// Plan prose long enough that it cannot fit a tight budget: sections of rationale.
    static let planSections = ["## Technical Context", "## Constitution Check", "## Complexity Tracking", "## Phase 0: Research Notes",
                               "## Risks"]

    /// A Spec Kit feature over a Python project in a `backend/` sub-project (the shape of a
    /// `specify init` repository after `/plan` and `/tasks`), with a frontend beside it.
    static func fixture(orderStoreLines: Int = 3) throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("specs/003-orders/spec.md", """
            # Feature Specification: Order items

            **Feature Branch**: `003-orders`
            **Status**: Draft

            ## User Scenarios & Testing *(mandatory)*

            ### User Story 1 - Add items to an order (Priority: P1)

            A clerk adds items to the open order by name.

            **Acceptance Scenarios**:

            1. **Given** an empty order, **When** the clerk adds "apple", **Then** the order holds one item named apple.

            ## Requirements *(mandatory)*

            ### Functional Requirements

            - **FR-001**: System MUST add an item to the `OrderStore` by name.
            - **FR-002**: System MUST reject an empty name with a clear error.

            ## Success Criteria *(mandatory)*

            - **SC-001**: Adding an item takes one call: ORDER-BODY-LAST-LINE.

            """)
        var plan = "# Implementation Plan: Order items\n\n**Branch**: `003-orders` | **Spec**: [spec.md](./spec.md)\n\n## Summary\n\nAdd items to orders.\n\n"
        for heading in planSections {
            plan += heading + "\n\n"
            for line in 0..<60 { plan += "Prose of \(heading.dropFirst(3)) line \(line): the reasoning behind a choice, at length.\n" }
            plan += "\n"
        }
        plan += "## Project Structure\n\n```text\nbackend/\n├── app/\n│   ├── models.py\n│   └── store/\n│       └── order_store.py\n└── tests/\n```\n"
        try fixture.write("specs/003-orders/plan.md", plan)
        try fixture.write("specs/003-orders/contracts/store-api.md", """
            # Store API

            The functions the tests call.

            ```python
            def add_item(store, name) -> Item:
                \"\"\"Adds an item named `name`; raises ValueError when it is empty.\"\"\"
            ```

            CONTRACT-LAST-LINE

            """)
        try fixture.write("specs/003-orders/data-model.md", "# Data Model\n\n## Item\n\n| field | type |\n|---|---|\n| name | str |\n")
        try fixture.write("specs/003-orders/tasks.md", """
            # Tasks: Order items

            ## Phase 1: Setup

            - [ ] T001 Add the `Item` dataclass to `models.py`
            - [ ] T002 [US1] Implement add_item in the store module

            """)
        try fixture.write("backend/pyproject.toml", "[project]\nname = \"orders\"\n")
        try fixture.write("backend/app/__init__.py", "")
        try fixture.write("backend/app/models.py", "from dataclasses import dataclass\n\n\n@dataclass\nclass Item:\n    name: str\n")
        try fixture.write("backend/app/store/__init__.py", "")
        let store = (0..<orderStoreLines).map { "    # store note \($0)\n" }.joined()
        try fixture.write("backend/app/store/order_store.py", "class OrderStore:\n" + store + "    def __init__(self):\n        self.items = []\n")
        try fixture.write("backend/app/pricing.py", "class PriceCalculator:\n    def total(self, items):\n        return 0\n")
        try fixture.write("backend/tests/test_store.py", "from app.store.order_store import OrderStore\n\n\ndef test_empty():\n    assert OrderStore().items == []\n")
        try fixture.write("frontend/src/App.tsx", "export function App() { return null }\n")
        try fixture.write("frontend/src/models.ts", "export interface Order { id: string }\n")
        try fixture.git(["add", "-A"])
        _ = try fixture.commit("feature 003")
        return fixture
    }

    static func work(_ key: String = "FR-001", title: String = "System MUST add an item to the `OrderStore` by name.",
                     spec: String = "specs/003-orders/spec.md", links: [String] = []) -> WorkItem {
        WorkItem(id: key.lowercased(), eventId: "event-" + key, eventKind: .specificationChanged, priority: 50, path: spec, detail: "",
                 action: .newImplementation, reason: "requirement added", rule: "new-requirement",
                 requirement: .init(key: key, title: title, text: title, criteria: [], spec: spec, format: .specKit,
                                    slug: WorkItem.slug(title), textHash: "hash", change: .added),
                 links: links, firstSeen: 0)
    }

    static func build(_ fixture: GitFixture, _ items: [PromptBuilder.Item], maxContext: Int = 8000,
                      format: ProviderConfig.EditFormat = .whole) throws -> BuiltPrompt {
        let provider = ProviderConfig(name: "local", kind: .openai, maxOutputTokens: 4096, contextTokens: 32768, editFormat: format)
        return try PromptBuilder(source: try PromptBuilderTests.source(fixture), provider: provider, maxContextTokens: maxContext, batchSize: 5)
            .build(items)
    }

    /// The content of the fenced block that follows `title` on its own line.
    static func block(after title: String, in prompt: String) throws -> String {
        let start = try #require(prompt.range(of: "\n\(title)\n"), "\(title) is not shown")
        let rest = prompt[start.upperBound...]
        let fence = rest.prefix { $0 == "`" }
        try #require(fence.count >= 3, "\(title) is not followed by a fenced block")
        let body = try #require(rest.firstIndex(of: "\n").map { rest.index(after: $0) })
        let end = try #require(rest[body...].range(of: "\n" + fence + "\n"))
        return String(rest[body...end.lowerBound])
    }

    @Test("a contract naming the interface survives a tight budget while the plan's prose is cut, whole sections at a time")
    func contractSurvives() throws {
        let fixture = try Self.fixture()
        let built = try Self.build(fixture, [.init(Self.work())], maxContext: 2600)
        let prompt = built.request.prompt
        #expect(built.estimatedTokens <= built.budget)
        let contract = try Self.block(after: "specs/003-orders/contracts/store-api.md", in: prompt)
        #expect(contract == String(decoding: try fixture.read("specs/003-orders/contracts/store-api.md"), as: UTF8.self), "the contract is whole")
        #expect(contract.contains("def add_item(store, name) -> Item:"))
        // The plan is cut: its prose sections go, each whole, never a slice of one.
        let plan = try #require(built.trimmed.first { $0.what == "specs/003-orders/plan.md" })
        #expect(plan.keptBytes < plan.originalBytes)
        for heading in Self.planSections where !prompt.contains("\n" + heading + "\n") {
            #expect(!prompt.contains("Prose of \(heading.dropFirst(3)) line"), "a cut section leaves nothing behind")
        }
        for heading in Self.planSections where prompt.contains("\n" + heading + "\n") {
            #expect(prompt.contains("Prose of \(heading.dropFirst(3)) line 59:"), "a kept section is whole")
        }
        #expect(Self.planSections.contains { !prompt.contains("\n" + $0 + "\n") })
    }

    @Test("the same budget shared in equal slices would have cut the contract; by rank it is whole even when documents crowd it")
    func contractBeforeProseUnderCrowding() throws {
        let fixture = try Self.fixture()
        // Research and quickstart as big as the plan: three long prose documents and one short contract.
        let prose = (0..<200).map { "Research prose line \($0), long enough to matter for the budget.\n" }.joined()
        try fixture.write("specs/003-orders/research.md", "# Research\n\n## Findings\n\n" + prose)
        try fixture.write("specs/003-orders/quickstart.md", "# Quickstart\n\n## Steps\n\n" + prose)
        try fixture.git(["add", "-A"])
        _ = try fixture.commit("more documents")
        for budget in [2000, 3000, 5000] {
            let built = try Self.build(fixture, [.init(Self.work())], maxContext: budget)
            #expect(built.request.prompt.contains("CONTRACT-LAST-LINE"), "budget \(budget)")
            #expect(built.estimatedTokens <= built.budget)
        }
    }

    @Test("slash-joined words and dotted names read as links (first/last/only, src.models) are not offered as files that do not exist yet; a missing file name is")
    func wordsAreNotFiles() throws {
        let fixture = try Self.fixture()
        let work = Self.work(links: ["first/last/only", "y/yes/n/no", "src.models", "project.scripts", "src/orders/delete.py"])
        let prompt = try Self.build(fixture, [.init(work)], maxContext: 30000).request.prompt
        #expect(!prompt.contains("first/last/only"), "\(prompt)")
        #expect(!prompt.contains("y/yes/n/no"))
        #expect(!prompt.contains("src.models") && !prompt.contains("project.scripts"))
        #expect(prompt.contains("src/orders/delete.py: does not exist yet"))
        #expect(prompt.contains("Linked paths: src/orders/delete.py\n"))
    }

    @Test("a file the plan marks as changed (# EXTENDED) ranks with the files the tasks name: shown under a budget that leaves out a file the plan names in passing")
    func planMarkedFileRanksHigh() throws {
        let fixture = try Self.fixture()
        var plan = String(decoding: try fixture.read("specs/003-orders/plan.md"), as: UTF8.self)
        plan += "\nThe frontend (`App.tsx`) is unchanged.\n\n```text\nbackend/app/\n└── pricing.py    # EXTENDED: add order totals\n```\n"
        try fixture.write("specs/003-orders/plan.md", plan)
        _ = try fixture.commit("plan marks pricing.py")
        var markedAlone = false
        for budget in stride(from: 1200, through: 3000, by: 100) {
            guard let prompt = try? Self.build(fixture, [.init(Self.work())], maxContext: budget).request.prompt else { continue }
            let marked = prompt.contains("class PriceCalculator")
            let passing = prompt.contains("export function App()")
            #expect(marked || !passing, "at \(budget) tokens a file named in passing is shown before the one marked to change")
            if marked { #expect(prompt.contains("`pricing.py` is named in plan.md, marked as changing")) }
            if marked && !passing { markedAlone = true }
        }
        #expect(markedAlone, "some budget holds the marked file and leaves out the one named in passing")
    }

    @Test("spec.md's body is in the prompt, whole, before the contracts and the plan")
    func specBody() throws {
        let fixture = try Self.fixture()
        let built = try Self.build(fixture, [.init(Self.work("SC-001", title: "Adding an item takes one call"))])
        let prompt = built.request.prompt
        let body = try Self.block(after: "specs/003-orders/spec.md", in: prompt)
        #expect(body == String(decoding: try fixture.read("specs/003-orders/spec.md"), as: UTF8.self))
        let spec = try #require(prompt.range(of: "\nspecs/003-orders/spec.md\n")?.lowerBound)
        let contract = try #require(prompt.range(of: "\nspecs/003-orders/contracts/store-api.md\n")?.lowerBound)
        let plan = try #require(prompt.range(of: "\nspecs/003-orders/plan.md\n")?.lowerBound)
        let work = try #require(prompt.range(of: "\n# Work\n")?.lowerBound)
        #expect(spec < contract && contract < plan && plan < work)
    }

    @Test("a requirement naming OrderStore finds the file in a sub-project that defines it, and shows its content")
    func identifierFindsDefinition() throws {
        let fixture = try Self.fixture()
        let built = try Self.build(fixture, [.init(Self.work())])
        let prompt = built.request.prompt
        let shown = try Self.block(after: "backend/app/store/order_store.py", in: prompt)
        #expect(shown == String(decoding: try fixture.read("backend/app/store/order_store.py"), as: UTF8.self))
        #expect(prompt.contains("- backend/app/store/order_store.py: defines `OrderStore`, shown below"))
        let work = try #require(prompt.range(of: "## Work fr-001")?.lowerBound)
        #expect(try #require(prompt.range(of: "\nbackend/app/store/order_store.py\n```python\n")?.lowerBound) > work, "shown with its item")
        // A class in a file not named after it is found by its definition alone.
        let priced = try Self.build(fixture, [.init(Self.work("FR-009", title: "The PriceCalculator MUST total an order"))])
        #expect(priced.request.prompt.contains("- backend/app/pricing.py: defines `PriceCalculator`, shown below"))
        #expect(try Self.block(after: "backend/app/pricing.py", in: priced.request.prompt).hasPrefix("class PriceCalculator:\n"))
        // Without the name, no such file is offered.
        let plain = try Self.build(fixture, [.init(Self.work("FR-008", title: "System MUST log every change"))])
        #expect(!plain.request.prompt.contains("\nbackend/app/pricing.py\n```"))
    }

    @Test("a test to make pass finds the module it imports, in a sub-project")
    func testImportsFindModule() throws {
        let fixture = try Self.fixture()
        let work = WorkItem(id: "t", eventId: "event-t", eventKind: .testAdded, priority: 50, path: "backend/tests/test_store.py",
                            detail: "test_empty", action: .implementToPassTest, reason: "test added", rule: "new-test",
                            requirement: nil, links: [], firstSeen: 0)
        let built = try Self.build(fixture, [.init(work)])
        let prompt = built.request.prompt
        #expect(prompt.contains("- backend/app/store/order_store.py: module `app.store.order_store` is there, shown below"))
        #expect(try Self.block(after: "backend/app/store/order_store.py", in: prompt).hasPrefix("class OrderStore:\n"))
        #expect(try Self.block(after: "backend/tests/test_store.py", in: prompt).hasPrefix("from app.store.order_store import OrderStore\n"))
    }

    @Test("a backticked models.py in tasks.md resolves to its sub-project path and is shown")
    func bareNameResolves() throws {
        let fixture = try Self.fixture()
        let built = try Self.build(fixture, [.init(Self.work("FR-002", title: "System MUST reject an empty name with a clear error."))])
        let prompt = built.request.prompt
        #expect(prompt.contains("\n# Files the documents name\n"))
        #expect(prompt.contains("- backend/app/models.py: `models.py` is named in tasks.md, shown below"))
        #expect(try Self.block(after: "backend/app/models.py", in: prompt) == String(decoding: try fixture.read("backend/app/models.py"), as: UTF8.self))
        #expect(!prompt.contains("\nfrontend/src/models.ts\n```"), "another extension is another file")
        // The plan's project tree names order_store.py bare: found there too when nothing else found it.
        #expect(prompt.contains("- backend/app/store/order_store.py: `order_store.py` is named in plan.md, shown below"))
        // The stable part comes first: documents and the files they name precede the work.
        let named = try #require(prompt.range(of: "\n# Files the documents name\n")?.lowerBound)
        let work = try #require(prompt.range(of: "\n# Work\n")?.lowerBound)
        #expect(named < work)
    }

    @Test("a tier-3 key does not depend on whether the source had indexed its symbols, and covers the file found by identifier")
    func reuseKeyStable() throws {
        let fixture = try Self.fixture()
        let provider = ProviderConfig(name: "local", kind: .openai, maxOutputTokens: 4096, contextTokens: 32768, editFormat: .whole)
        func key(_ source: any PromptSource) throws -> String {
            try ReuseKey.exact(.init(Self.work()), source: source, provider: provider, maxContextTokens: 8000, configFingerprint: "c")
        }
        let cold = try key(try PromptBuilderTests.source(fixture))
        let warmed = try PromptBuilderTests.source(fixture)
        _ = warmed.definitions(secrets: SecretGuard())
        #expect(try key(warmed) == cold)
        #expect(try key(warmed) == cold)
        // A file no link names, found because it defines `OrderStore`, is in the key.
        try fixture.write("backend/app/store/order_store.py", "class OrderStore:\n    items = ()\n")
        try fixture.git(["add", "-A"])
        _ = try fixture.commit("store changed")
        #expect(try key(try PromptBuilderTests.source(fixture)) != cold)
    }

    @Test("the feature's own documents and Markdown named in its tasks are documents, not files to edit")
    func documentsAreNotFiles() throws {
        let fixture = try Self.fixture()
        try fixture.write("specs/003-orders/tasks.md", "# Tasks\n\n- [ ] T001 See `tasks/WP01-store.md`, `docs/guide.md` and `pyproject.toml`\n")
        try fixture.write("specs/003-orders/tasks/WP01-store.md", "# WP01\n\nwork package prompt\n")
        try fixture.write("docs/guide.md", "# Guide\n")
        try fixture.git(["add", "-A"])
        _ = try fixture.commit("work packages")
        let prompt = try Self.build(fixture, [.init(Self.work("FR-002", title: "System MUST reject an empty name with a clear error."))]).request.prompt
        #expect(prompt.contains("- backend/pyproject.toml: `pyproject.toml` is named in tasks.md, shown below"))
        #expect(!prompt.contains("WP01-store.md: "))
        #expect(!prompt.contains("docs/guide.md: "))
    }

    @Test("in search-replace mode the file to edit is shown byte for byte while documents are cut around it")
    func searchReplaceExact() throws {
        let fixture = try Self.fixture(orderStoreLines: 150)
        let path = "backend/app/store/order_store.py"
        let head = Array(try fixture.git(["show", "HEAD:" + path]).utf8)
        for budget in [2600, 4000, 8000] {
            let built = try Self.build(fixture, [.init(Self.work(links: [path]))], maxContext: budget, format: .searchReplace)
            let shown = try Self.block(after: path, in: built.request.prompt)
            #expect(Array(shown.utf8) == head, "budget \(budget)")
            #expect(!built.trimmed.contains { $0.what == path })
            #expect(built.estimatedTokens <= built.budget)
        }
        // The same tight budget cuts the plan rather than the file.
        let tight = try Self.build(fixture, [.init(Self.work(links: [path]))], maxContext: 2600, format: .searchReplace)
        #expect(tight.trimmed.contains { $0.what == "specs/003-orders/plan.md" })
    }

    @Test("in search-replace mode a file to edit that alone is over the budget is an exact prefix, and the prompt says so")
    func searchReplaceTooBig() throws {
        let fixture = try Self.fixture(orderStoreLines: 3000)
        let path = "backend/app/store/order_store.py"
        let head = try fixture.git(["show", "HEAD:" + path])
        let built = try Self.build(fixture, [.init(Self.work(links: [path]))], maxContext: 3000, format: .searchReplace)
        let shown = try Self.block(after: path, in: built.request.prompt)
        #expect(head.hasPrefix(shown) && shown.count < head.count && shown.hasSuffix("\n"))
        let trim = try #require(built.trimmed.first { $0.what == path })
        #expect(trim.keptBytes == shown.utf8.count)
        let lines = head.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        let shownLines = shown.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(built.request.prompt.contains("[… shown in part to fit the context budget: lines 1–\(shownLines) of \(lines) "))
        #expect(built.request.prompt.contains("a SEARCH may only copy lines shown here]"))
        #expect(built.estimatedTokens <= built.budget)
    }

    @Test("the trim report names the sections cut, the prompt marks them where they were, and kept plus cut is the whole")
    func trimReportNamesCuts() throws {
        let fixture = try Self.fixture()
        let built = try Self.build(fixture, [.init(Self.work())], maxContext: 2600)
        let plan = try #require(built.trimmed.first { $0.what == "specs/003-orders/plan.md" })
        let cut = Self.planSections.filter { !built.request.prompt.contains("\n" + $0 + "\n") }
        try #require(!cut.isEmpty)
        #expect(plan.description.hasPrefix("specs/003-orders/plan.md \(ContextTrim.size(plan.originalBytes)) → \(ContextTrim.size(plan.keptBytes)) (cut: "))
        for heading in cut { #expect(plan.description.contains(heading), "\(heading) is named") }
        #expect(built.request.prompt.contains("[… cut to fit the context budget: \(cut[0])"))
        let original = try fixture.read("specs/003-orders/plan.md").count
        #expect(plan.originalBytes == original)
        let keptText = try Self.block(after: "specs/003-orders/plan.md", in: built.request.prompt)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("[… cut to fit") }.joined(separator: "\n")
        #expect(keptText.utf8.count == plan.keptBytes)
        // Deterministic: the same inputs, the same bytes and the same report.
        let again = try Self.build(fixture, [.init(Self.work())], maxContext: 2600)
        #expect(again == built)
    }

    @Test("names of files in text: backticked paths and bare names, plain words with a known extension; no URLs, no prose")
    func namedFiles() {
        let text = "Create `app/models/x.py` and update store.py, then `README.md`; see https://example.com/a.py and e.g. v1.2 or `../up.py`."
        #expect(CodeLookup.namedFiles(in: text) == ["app/models/x.py", "README.md", "store.py"])
    }

    @Test("names resolve against the repository: exactly, under a sub-project, or as a bare name matching few files")
    func resolve() {
        let lookup = CodeLookup(paths: ["backend/app/models/x.py", "backend/app/store.py", "a/__init__.py", "b/__init__.py", "c/__init__.py",
                                        "d/__init__.py", "node_modules/x/store.py", ".env"], secrets: SecretGuard())
        #expect(lookup.resolve("app/models/x.py") == ["backend/app/models/x.py"])
        #expect(lookup.resolve("backend/app/store.py") == ["backend/app/store.py"])
        #expect(lookup.resolve("store.py") == ["backend/app/store.py"], "vendored copies are not the project's")
        #expect(lookup.resolve("__init__.py").isEmpty, "a name matching many files says nothing")
        #expect(lookup.resolve(".env").isEmpty)
    }

    @Test("identifiers worth looking up: backticked names, CamelCase, snake_case and module names; not plain words")
    func identifiers() {
        let text = "The `OrderStore` MUST expose `def add_item(store, name)` via app.store.order_store; the PriceCalculator totals. Store it. Run `pack validate` or `validate(x)`."
        #expect(CodeLookup.identifiers(in: text) == ["OrderStore", "add_item", "validate", "app.store.order_store", "PriceCalculator"])
    }

    @Test("a feature's documents by role for each spec format", arguments: [
        ("specs/001-x/tasks.md", SpecFormat.specKit, ["specs/001-x/spec.md", "specs/001-x/plan.md", "specs/001-x/tasks.md", "specs/001-x/contracts/api.yaml",
                                                      "specs/001-x/research.md", "specs/002-y/plan.md"],
         ["body specs/001-x/spec.md", "contract specs/001-x/contracts/api.yaml", "document specs/001-x/plan.md", "document specs/001-x/tasks.md",
          "document specs/001-x/research.md"]),
        ("openspec/changes/add-x/specs/auth/spec.md", .openSpec, ["openspec/changes/add-x/proposal.md", "openspec/changes/add-x/design.md",
                                                                  "openspec/changes/add-x/tasks.md", "openspec/changes/add-x/specs/auth/spec.md",
                                                                  "openspec/changes/add-x/specs/billing/spec.md", "openspec/specs/auth/spec.md"],
         ["body openspec/changes/add-x/specs/auth/spec.md", "body openspec/changes/add-x/proposal.md", "body openspec/changes/add-x/specs/billing/spec.md",
          "document openspec/changes/add-x/design.md", "document openspec/changes/add-x/tasks.md"]),
        (".kiro/specs/login/tasks.md", .kiro, [".kiro/specs/login/requirements.md", ".kiro/specs/login/design.md", ".kiro/specs/login/tasks.md"],
         ["body .kiro/specs/login/requirements.md", "body .kiro/specs/login/design.md", "document .kiro/specs/login/tasks.md"]),
        ("docs/stories/1.2.story.md", .bmad, ["docs/stories/1.1.story.md", "docs/stories/1.2.story.md", "docs/architecture.md"],
         ["body docs/stories/1.2.story.md"]),
        ("PRPs/add-cache.md", .prp, ["PRPs/add-cache.md", "PRPs/other.md"], ["body PRPs/add-cache.md"]),
    ])
    func featureDocuments(_ spec: String, _ format: SpecFormat, _ paths: [String], _ expected: [String]) {
        let found = FeatureDocuments.find(specs: [(spec, format)], paths: paths.sorted(), secrets: SecretGuard())
        #expect(found.map { "\($0.role) \($0.path)" } == expected)
    }

    @Test("Markdown is cut at headings outside code fences; sections with signatures or API tables are interfaces")
    func sections() {
        let text = "intro\n# A\nprose\n```python\n# not a heading\ndef add_item(store, name):\n```\n## B\nJust prose (with a note).\n## C\n| call | result |\n|---|---|\n| add_item(store, name) | Item |\n### Routes\nGET /orders lists them\n"
        let document = DocumentSections(text, markdown: true)
        #expect(document.sections.map(\.heading) == ["", "# A", "## B", "## C", "### Routes"])
        #expect(document.sections.map(\.isInterface) == [false, true, false, true, false])
        #expect(document.sections.map(\.text).joined() == text)
        let noNewline = DocumentSections("# A\nx", markdown: true)
        #expect(noNewline.sections.map(\.text).joined() == "# A\nx")
    }
}
