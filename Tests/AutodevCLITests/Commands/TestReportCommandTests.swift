import AutodevTestSupport
import Foundation
import Testing

/// `--test-report` through the binary: a report that cannot be used is exit 64 with the file
/// and the problem named, and nothing written; real-shaped reports make their events.
@Suite struct TestReportCommandTests {
    static let bad: [(String, [UInt8], String)] = [
        ("empty.xml", [], "line 1, column 1: no element found"),
        ("page.html", Array("<html><body>not a report</body></html>".utf8), "line 1: the root element is <html>, not <testsuites> or <testsuite>"),
        ("cut.xml", Array("<testsuites>\n<testsuite name=\"s\">\n<testcase name=\"a\">".utf8), "line 3, column 20: no element found"),
        ("latin.xml", Array("<?xml version=\"1.0\" encoding=\"windows-1252\"?><testsuite/>".utf8), "reports are read as UTF-8, UTF-16, ISO-8859-1 or US-ASCII"),
        ("laughs.xml", Array(Self.billionLaughs.utf8), "entity expansion is bounded"),
        ("binary.xml", [0x00, 0x01, 0x02, 0xFF], "not well-formed"),
    ]

    static let billionLaughs: String = {
        var doctype = "<!DOCTYPE testsuite [<!ENTITY l0 \"lollollollollollollollollollollollollollollollollollollol\">"
        for level in 1...10 { doctype += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
        return doctype + "]><testsuite><testcase name=\"&l10;\"/></testsuite>"
    }()

    @Test(arguments: ["diff-events", "sync"])
    func aReportThatCannotBeUsedIsExit64NamingTheFileAndWritesNothing(_ command: String) throws {
        let fixture = try SyncCommandTests.project()
        let before = try SyncCommandTests.userView(fixture)
        let checkpoint = try? fixture.git(["rev-parse", "refs/autodev/checkpoint"])
        let state = try? Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/state.json"))
        for (name, bytes, problem) in Self.bad {
            let path = fixture.directory.path + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let result = try AutodevBinary.run([command, "--test-report", path], in: fixture.path)
            #expect(result.status == 64, "\(name): \(result.stderr)")
            #expect(result.stderr.contains("test report \(path) cannot be used: "), "\(name): \(result.stderr)")
            #expect(result.stderr.contains(problem), "\(name): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(name)")
        }
        for path in [fixture.directory.path + "/missing.xml", fixture.directory.path] {
            let result = try AutodevBinary.run([command, "--test-report", path], in: fixture.path)
            #expect(result.status == 64)
            #expect(result.stderr.contains("test report \(path) cannot be used: it cannot be read: "), "\(result.stderr)")
        }
        #expect(try SyncCommandTests.userView(fixture) == before)
        #expect((try? fixture.git(["rev-parse", "refs/autodev/checkpoint"])) == checkpoint)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: fixture.path + "/.auto-dev/loop/state.json"))) == state)
    }

    @Test func onlyTheTestsThatReallyFailedBecomeEvents() throws {
        let fixture = try SyncCommandTests.project()
        let report = fixture.directory.path + "/surefire.xml"
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="com.example.CartTest" tests="3" failures="1">
              <testcase name="flaky" classname="com.example.CartTest"><flakyFailure message="once"/></testcase>
              <testcase name="quiet" classname="com.example.CartTest"><system-out><![CDATA[<failure message="in the log"/>]]></system-out></testcase>
              <testcase name="broken" classname="com.example.CartTest" file="src/test/java/CartTest.java"><failure message="expected &lt;1&gt;"/></testcase>
            </testsuite>
            """.write(toFile: report, atomically: true, encoding: .utf8)
        let result = try AutodevBinary.run(["diff-events", "HEAD", "--json", "--test-report", report], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let failed = try #require(object["events"] as? [[String: Any]]).filter { $0["kind"] as? String == "testFailed" }
        #expect(failed.map { $0["detail"] as? String } == ["com.example.CartTest.broken: expected <1>"])
        #expect(failed.map { $0["path"] as? String } == ["src/test/java/CartTest.java"])
    }
}
