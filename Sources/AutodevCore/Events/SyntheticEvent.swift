public import AutodevGit

/// A made-up event of one kind, for `autodev test --event KIND` (and the stress test): a commit
/// on top of HEAD that changes one file, or for `testFailed` a JUnit report naming a failing
/// test, so the event goes through the real pipeline — classification, decisions, tiers —
/// exactly as a person's change would.
///
/// The commit is written to the object database only: no ref points at it (git gc removes it),
/// and HEAD, the index and the work tree are untouched.
public struct SyntheticEvent: Sendable {
    public let kind: EventKind
    public let path: String

    public init(kind: EventKind, path: String?) {
        self.kind = kind
        self.path = path ?? Self.defaultPath(for: kind)
    }

    /// A path the built-in globs classify as `kind`.
    public static func defaultPath(for kind: EventKind) -> String {
        switch kind {
        case .specificationChanged: "specs/900-autodev-test-event/spec.md"
        case .testAdded, .testFailed: "tests/test_autodev_test_event.py"
        case .dependencyUpdated: "requirements-autodev-test-event.txt"
        case .configurationChanged: "config/autodev-test-event.yml"
        case .codeModified: "src/autodev_test_event.py"
        }
    }

    /// `specificationChanged` or `specification_changed` (the config's name), any case.
    public static func kind(named name: String) -> EventKind? {
        let folded = String(name.lowercased().filter { $0 != "_" && $0 != "-" })
        return EventKind.allCases.first { $0.rawValue.lowercased() == folded }
    }

    /// The failing test a `testFailed` event reports.
    public var testName: String { "test_autodev_test_event" }

    /// What the file holds after the change: new content for a new file; for an existing one, its
    /// content with one line added (a comment in the file's language where it has one).
    public func content(existing: [UInt8]?) -> [UInt8] {
        if let existing {
            var bytes = existing
            if let last = bytes.last, last != 0x0A { bytes.append(0x0A) }
            let lead = Self.commentLead(for: path)
            let note = "changed by autodev test --event \(kind.rawValue)"
            let line = lead.isEmpty ? "\n" : lead == "<!--" ? "<!-- \(note) -->\n" : "\(lead) \(note)\n"
            bytes += Array(line.utf8)
            return bytes
        }
        let text = switch kind {
        case .specificationChanged: """
            # Feature Specification: autodev test event

            ### User Story 1 - Test event reaches the pipeline (Priority: P1)

            A maintainer checks that a spec change is seen.

            1. **Given** a spec change, **When** autodev runs, **Then** the change is decided.

            - **FR-001**: System MUST record the synthetic requirement

            """
        case .testAdded, .testFailed: "def \(testName)():\n    assert True\n"
        case .dependencyUpdated: "autodev-test-event==1.0\n"
        case .configurationChanged: "autodev_test_event: true\n"
        case .codeModified: "def autodev_test_event():\n    return 1\n"
        }
        return Array(text.utf8)
    }

    static func commentLead(for path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.split(separator: ".", omittingEmptySubsequences: false).dropFirst().last.map { String($0).lowercased() } ?? ""
        switch ext {
        case "py", "pyi", "toml", "txt", "yml", "yaml", "sh", "bash", "rb", "r", "pl", "cfg", "ini", "tf", "tfvars", "mod", "lock": return "#"
        case "swift", "js", "jsx", "ts", "tsx", "mjs", "cjs", "go", "rs", "java", "kt", "kts", "scala", "c", "h", "cc", "cpp", "hpp", "cs", "dart", "php", "groovy", "gradle", "proto": return "//"
        case "md", "markdown", "html", "xml": return "<!--"
        case "sql", "lua": return "--"
        default: return ["Makefile", "Dockerfile", "Gemfile", "Pipfile", "justfile"].contains(name) ? "#" : ""
        }
    }

    /// Writes the change as a commit whose parent is `head` (no ref moves); returns it. For
    /// `testFailed` the tree is HEAD's own when the test file exists, so the report is the only
    /// event; otherwise the test file is added with it.
    public func commit(in repository: Repository, head: ObjectID, time: Int64) throws(AutodevError) -> ObjectID {
        try gitCall(repository) {
            let base = try repository.commit(head).tree
            let existing = try repository.fileContent(atPath: path, inCommit: head)
            var tree = base
            if kind != .testFailed || existing == nil {
                let blob = try repository.writeBlob(content(existing: existing))
                tree = try repository.writeTree(base: base, blobs: [path: blob])
            }
            return try repository.createCommit(tree: tree, parents: [head], message: "autodev test --event \(kind.rawValue) \(path)\n",
                                               author: "autodev", email: "autodev@localhost", time: time)
        }
    }

    /// The JUnit report of a `testFailed` event: one failure of `testName` in `path`.
    public func testReport() throws(AutodevError) -> TestReport? {
        guard kind == .testFailed else { return nil }
        func escaped(_ text: String) -> String {
            var out = ""
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                default: out.append(character)
                }
            }
            return out
        }
        let dotted = path.split(separator: "/").joined(separator: ".")
        let module = dotted.hasSuffix(".py") ? String(dotted.dropLast(3)) : dotted
        let xml = """
            <?xml version="1.0"?>
            <testsuites><testsuite name="autodev-test-event" tests="1" failures="1">
            <testcase classname="\(escaped(module))" name="\(testName)" file="\(escaped(path))"><failure message="synthetic failure">AssertionError: synthetic failure from autodev test --event</failure></testcase>
            </testsuite></testsuites>
            """
        return try TestReport.parse(Array(xml.utf8), path: "autodev-test-event.xml")
    }
}
