@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// A range's events are held once while its decisions are made: each change's decisions read
/// its events as a slice of the report's array, sorted after them, and a classification keeps
/// only a spec's contents (a test file of 2,000,000 tests was held through the decisions).
/// The oracle is the report without decisions, whose events never took that path.
@Suite struct EventsHeldOnceTests {
    /// Specs, tests, code and configuration changed together, a spec deleted and a test report
    /// with failures: events of every kind from several changes.
    static func range() throws -> (fixture: GitFixture, range: String, report: TestReport) {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = \"held\"\n")
        try fixture.write("src/app.py", "def run():\n    return 1\n")
        try fixture.write("specs/001-export/spec.md", SpecIndexTests.feature("Export", 1, "System MUST export reports as PDF files"))
        try fixture.write("specs/002-import/spec.md", SpecIndexTests.feature("Import", 1, "System MUST import reports from CSV files"))
        try fixture.write("tests/test_app.py", "def test_run():\n    assert True\n")
        let base = try fixture.commit("base")
        try fixture.write("specs/001-export/spec.md", """
            # Feature Specification: Export

            ## Requirements

            - **FR-001**: System MUST export reports as PDF files with page numbers
            - **FR-002**: System MUST export reports as CSV files
            """)
        try fixture.remove("specs/002-import/spec.md")
        try fixture.write("specs/003-audit/spec.md", SpecIndexTests.feature("Audit", 1, "System MUST keep an audit trail of every export"))
        try fixture.write("tests/test_app.py", (0..<40).map { "def test_case_\($0)():\n    assert \($0) == \($0)\n" }.joined())
        try fixture.write("tests/test_more.py", "def test_more():\n    assert True\n\ndef test_again():\n    assert True\n")
        try fixture.write("src/app.py", "def run():\n    return 2\n")
        try fixture.write("pyproject.toml", "[project]\nname = \"held\"\nversion = \"2\"\n")
        let head = try fixture.commit("everything")
        let xml = """
            <?xml version="1.0"?><testsuites><testsuite name="s" tests="3" failures="2">
            <testcase classname="tests.test_app" name="test_case_3" file="tests/test_app.py"><failure message="no">x</failure></testcase>
            <testcase classname="tests.test_app" name="test_case_1" file="tests/test_app.py"><failure message="no">x</failure></testcase>
            <testcase classname="tests.test_app" name="test_case_2" file="tests/test_app.py"/>
            </testsuite></testsuites>
            """
        return (fixture, "\(base)..\(head)", try TestReport.parse(Array(xml.utf8), path: "report.xml"))
    }

    @Test func theEventsAreThoseOfTheReportWithoutDecisions() throws {
        let (fixture, range, testReport) = try Self.range()
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let builder = try EventBuilder(repository: repository, config: config)
        let plain = try builder.report(for: .explicit(range), explain: false, testReports: [testReport])
        let explained = try builder.report(for: .explicit(range), explain: true, testReports: [testReport])
        #expect(plain.events.count > 45)
        #expect(Set(plain.events.map(\.kind)).isSuperset(of: [.specificationChanged, .testAdded, .testFailed, .codeModified]))
        #expect(explained.events == plain.events)
        #expect(explained.events == plain.events.sorted(by: EventBuilder.eventOrder))
        // Every event decided, each decision naming an event of the range, the failed tests first.
        let decisions = try #require(explained.decisions)
        let position = Dictionary(explained.events.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(decisions.map(\.eventId)) == Set(explained.events.map(\.id)))
        let failed = decisions.prefix { position[$0.eventId].map { explained.events[$0].kind == .testFailed } ?? false }
        #expect(failed.count == 2)
    }

    @Test func aClassificationKeepsOnlyASpecsContents() throws {
        let (fixture, range, _) = try Self.range()
        let repository = try Repository.open(at: fixture.path)
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let builder = try EventBuilder(repository: repository, config: config)
        let parts = range.components(separatedBy: "..")
        let diff = try repository.diff(from: try repository.resolveCommit(parts[0]), to: try repository.resolveCommit(parts[1]),
                                       renames: builder.renameOptions())
        var kept: [String: Int] = [:]
        for change in diff.changes {
            let result = builder.classifyOne(change, keepContents: true)
            kept[change.path] = result.contents.count
            #expect(builder.classifyOne(change, keepContents: false).contents.isEmpty)
        }
        for spec in ["specs/001-export/spec.md", "specs/002-import/spec.md", "specs/003-audit/spec.md"] {
            #expect((kept[spec] ?? 0) > 0, "\(spec)")
        }
        #expect(kept["tests/test_app.py"] == 0)
        #expect(kept["tests/test_more.py"] == 0)
        #expect(kept["src/app.py"] == 0)
    }
}
