@testable import AutodevCore
import Testing

@Suite struct TestReportTests {
    static let pytest = """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4">
        <testcase classname="tests.test_api" name="test_lists_users" file="tests/test_api.py" time="0.01" />
        <testcase classname="tests.test_api" name="test_pages" file="tests/test_api.py" time="0.02">
          <failure message="assert 2 == 3&#10;where 2 = len(page)">AssertionError: assert 2 == 3</failure>
        </testcase>
        <testcase classname="tests.test_db" name='test_connect' time="0.1"><error message="ConnectionError: &quot;db&quot; &amp; more"/></testcase>
        <testcase classname="tests.test_db" name="test_slow"><skipped message="slow"/></testcase>
        </testsuite></testsuites>
        """

    @Test func failedAndErroredTestsAreReadWithTheirMessages() throws {
        let report = try TestReport.parse(Array(Self.pytest.utf8), path: "report.xml")
        #expect(report.failures == [
            .init(classname: "tests.test_api", name: "test_pages", file: "tests/test_api.py", message: "assert 2 == 3\nwhere 2 = len(page)"),
            .init(classname: "tests.test_db", name: "test_connect", file: nil, message: "ConnectionError: \"db\" & more"),
        ])
        let events = report.events(priority: 60)
        #expect(events.map(\.kind) == [.testFailed, .testFailed])
        #expect(events.map(\.path) == ["tests/test_api.py", "tests.test_db"])
        #expect(events[0].detail == "tests.test_api.test_pages: assert 2 == 3")
        // The same failure is the same event in every run.
        #expect(try TestReport.parse(Array(Self.pytest.utf8), path: "other.xml").events(priority: 60).map(\.id) == events.map(\.id))
    }

    @Test(arguments: [
        ("<html><body>not a report</body></html>", "no <testsuite> element"),
        ("<testsuite><testcase name=\"a\"><failure/>", "never closed"),
    ])
    func somethingElseIsAClearUsageError(_ text: String, _ problem: String) {
        #expect {
            try TestReport.parse(Array(text.utf8), path: "bad.xml")
        } throws: { error in
            guard let error = error as? AutodevError else { return false }
            return error.exitStatus == .usage && error.message.contains("bad.xml") && error.message.contains(problem)
        }
    }
}
