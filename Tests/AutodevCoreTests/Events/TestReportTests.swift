@testable import AutodevCore
import Foundation
import Testing

/// JUnit XML reports in the shapes real tools write them (written here from each tool's
/// documented format), and XML that only a real parser reads right.
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
            .init(classname: "tests.test_api", name: "test_pages", file: "tests/test_api.py", message: "assert 2 == 3\nwhere 2 = len(page)", suite: "pytest"),
            .init(classname: "tests.test_db", name: "test_connect", file: nil, message: "ConnectionError: \"db\" & more", suite: "pytest"),
        ])
        #expect(report.testCount == 4)
        let events = report.events(priority: 60)
        #expect(events.map(\.kind) == [.testFailed, .testFailed])
        #expect(events.map(\.path) == ["tests/test_api.py", "tests.test_db"])
        #expect(events[0].detail == "tests.test_api.test_pages: assert 2 == 3")
        // The same failure is the same event in every run.
        #expect(try TestReport.parse(Array(Self.pytest.utf8), path: "other.xml").events(priority: 60).map(\.id) == events.map(\.id))
    }

    /// (tool, report, the failures as "classname.name: message").
    static let shapes: [(String, String, [String])] = [
        ("pytest: xfail, skip and output that looks like a failure", """
            <?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0" skipped="2" tests="3" \
            time="0.1" timestamp="2024-01-01T00:00:00.000000" hostname="ci"><testcase classname="tests.test_x" name="test_ok" time="0.001">\
            <system-out><![CDATA[printing <failure message="x"> and <error/> in the output]]></system-out>\
            <system-err>&lt;failure&gt;</system-err></testcase>\
            <testcase classname="tests.test_x" name="test_xfail" time="0.001"><skipped type="pytest.xfail" message="known bug: &lt;error&gt;" /></testcase>\
            <testcase classname="tests.test_x" name="test_param[a-&gt;b]" time="0.001"><skipped type="pytest.skip" message="no db">tests/test_x.py:9: no db</skipped></testcase>\
            </testsuite></testsuites>
            """, []),
        ("Maven Surefire: a flaky test that passed on a rerun, one that failed every rerun", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.example.CartTest" time="0.5" tests="3" errors="0" skipped="0" failures="1">
              <properties><property name="java.version" value="17.0.9"/><property name="line.separator" value="&#10;"/></properties>
              <testcase name="addsItem" classname="com.example.CartTest" time="0.1">
                <flakyFailure message="expected: &lt;1&gt; but was: &lt;0&gt;" type="org.opentest4j.AssertionFailedError">
                  <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <1> but was: <0>
                at com.example.CartTest.addsItem(CartTest.java:12)]]></stackTrace>
                  <system-out><![CDATA[]]></system-out>
                </flakyFailure>
              </testcase>
              <testcase name="removesItem" classname="com.example.CartTest" time="0.1">
                <failure message="boom" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: boom
                at com.example.CartTest.removesItem(CartTest.java:20)]]></failure>
                <rerunFailure message="boom again" type="java.lang.AssertionError"><stackTrace><![CDATA[java.lang.AssertionError]]></stackTrace></rerunFailure>
              </testcase>
              <testcase name="total" classname="com.example.CartTest" time="0.01"/>
            </testsuite>
            """, ["com.example.CartTest.removesItem: boom"]),
        ("Gradle", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="com.example.ParserTest" tests="2" skipped="0" failures="1" errors="0" timestamp="2024-05-01T10:00:00" hostname="ci" time="0.02">
              <properties/>
              <testcase name="parsesEmpty()" classname="com.example.ParserTest" time="0.01">
                <failure message="org.opentest4j.AssertionFailedError: expected: &lt;true&gt; but was: &lt;false&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: expected: &lt;true&gt; but was: &lt;false&gt;
            \tat app//org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
            </failure>
              </testcase>
              <testcase name="parsesOne()" classname="com.example.ParserTest" time="0.01"/>
              <system-out><![CDATA[]]></system-out>
              <system-err><![CDATA[]]></system-err>
            </testsuite>
            """, ["com.example.ParserTest.parsesEmpty(): org.opentest4j.AssertionFailedError: expected: <true> but was: <false>"]),
        ("Gradle test-retry: failed, then passed on the retry", """
            <testsuite name="com.example.NetTest" tests="3" failures="1">
              <testcase name="connects()" classname="com.example.NetTest" time="0.1"><failure message="timeout" type="java.net.SocketTimeoutException">...</failure></testcase>
              <testcase name="connects()" classname="com.example.NetTest" time="0.1"/>
              <testcase name="reads()" classname="com.example.NetTest" time="0.1"/>
            </testsuite>
            """, []),
        ("go-junit-report", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites tests="3" failures="1">
            \t<testsuite name="example.com/shop/cart" tests="3" failures="1" errors="0" id="0" hostname="ci" time="0.010" timestamp="2024-05-01T10:00:00Z">
            \t\t<properties>
            \t\t\t<property name="go.version" value="go1.22.1 linux/amd64"></property>
            \t\t</properties>
            \t\t<testcase name="TestAdd" classname="example.com/shop/cart" time="0.000"></testcase>
            \t\t<testcase name="TestRemove/empty_cart" classname="example.com/shop/cart" time="0.000">
            \t\t\t<failure message="Failed"><![CDATA[    cart_test.go:20: got 0, want 1]]></failure>
            \t\t</testcase>
            \t\t<testcase name="TestSkip" classname="example.com/shop/cart" time="0.000">
            \t\t\t<skipped message="cart_test.go:30: not on CI"></skipped>
            \t\t</testcase>
            \t</testsuite>
            </testsuites>
            """, ["example.com/shop/cart.TestRemove/empty_cart: Failed"]),
        ("Ginkgo", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites tests="3" disabled="1" errors="0" failures="1" time="0.01">
              <testsuite name="Books Suite" package="/src/books" tests="3" disabled="1" skipped="0" errors="0" failures="1" time="0.01" timestamp="2024-05-01T10:00:00">
                <properties><property name="SuiteSucceeded" value="false"></property></properties>
                <testcase name="[It] Books can be loaded" classname="Books Suite" status="passed" time="0.001"></testcase>
                <testcase name="[It] Books can extract the author" classname="Books Suite" status="failed" time="0.002">
                  <failure message="Expected&#xA;    &lt;string&gt;: Victor&#xA;to equal&#xA;    &lt;string&gt;: Hugo" type="failed">[FAILED] Expected
                In [It] at: /src/books/books_test.go:20</failure>
                  <system-err>&gt; Enter [It] Books can extract the author</system-err>
                </testcase>
                <testcase name="[It] Books pending" classname="Books Suite" status="pending" time="0"><skipped message="pending"></skipped></testcase>
              </testsuite>
            </testsuites>
            """, ["Books Suite.[It] Books can extract the author: Expected\n    <string>: Victor\nto equal\n    <string>: Hugo"]),
        ("jest-junit: the message is the failure's text", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="jest tests" tests="2" failures="1" errors="0" time="1.2">
              <testsuite name="src/sum.test.js" errors="0" failures="1" skipped="0" timestamp="2024-05-01T10:00:00" time="1.1" tests="2">
                <testcase classname="sum adds numbers" name="sum adds numbers" time="0.004">
                </testcase>
                <testcase classname="sum handles &lt;negative&gt; numbers" name="sum handles &lt;negative&gt; numbers" time="0.01">
                  <failure>

            Error: expect(received).toBe(expected) // Object.is equality

            Expected: -1
            Received: 1
                at Object.toBe (/src/sum.test.js:9:20)</failure>
                </testcase>
              </testsuite>
            </testsuites>
            """, ["sum handles <negative> numbers.sum handles <negative> numbers: Error: expect(received).toBe(expected) // Object.is equality"]),
        ("PHPUnit: nested suites, file and line, the message in the text", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="" tests="3" assertions="3" errors="1" failures="1" skipped="0" time="0.01">
                <testsuite name="Unit" tests="3" assertions="3" errors="1" failures="1" skipped="0" time="0.01">
                  <testsuite name="App\\Tests\\MoneyTest" file="/app/tests/MoneyTest.php" tests="3" assertions="3" errors="1" failures="1" skipped="0" time="0.01">
                    <testcase name="testAdd" file="/app/tests/MoneyTest.php" line="12" class="App\\Tests\\MoneyTest" classname="App.Tests.MoneyTest" assertions="1" time="0.001"/>
                    <testcase name="testSubtract" file="/app/tests/MoneyTest.php" line="20" class="App\\Tests\\MoneyTest" classname="App.Tests.MoneyTest" assertions="1" time="0.001">
                      <failure type="PHPUnit\\Framework\\ExpectationFailedException">App\\Tests\\MoneyTest::testSubtract
            Failed asserting that 2 matches expected 3.

            /app/tests/MoneyTest.php:22</failure>
                    </testcase>
                    <testcase name="testDivide" file="/app/tests/MoneyTest.php" line="28" class="App\\Tests\\MoneyTest" classname="App.Tests.MoneyTest" assertions="1" time="0.001">
                      <error type="DivisionByZeroError">App\\Tests\\MoneyTest::testDivide
            DivisionByZeroError: Division by zero

            /app/src/Money.php:40</error>
                    </testcase>
                  </testsuite>
                </testsuite>
              </testsuite>
            </testsuites>
            """, ["App.Tests.MoneyTest.testSubtract: Failed asserting that 2 matches expected 3.",
                  "App.Tests.MoneyTest.testDivide: DivisionByZeroError: Division by zero"]),
        ("cargo-nextest: flaky and rerun failures", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="nextest-run" tests="3" failures="1" errors="0" uuid="45c50ba7-4a9f-4f5c-a1f4-3b1d2f5e7a10" timestamp="2024-05-01T10:00:00.000+00:00" time="0.2">
                <testsuite name="shop::cart" tests="3" disabled="0" errors="0" failures="1">
                    <testcase name="tests::adds" classname="shop::cart" timestamp="2024-05-01T10:00:00.000+00:00" time="0.01">
                        <flakyFailure timestamp="2024-05-01T10:00:00.000+00:00" time="0.01" type="test failure">
                            <system-out>running 1 test</system-out>
                            <system-err>thread 'tests::adds' panicked at src/cart.rs:10:9</system-err>
                        </flakyFailure>
                    </testcase>
                    <testcase name="tests::removes" classname="shop::cart" timestamp="2024-05-01T10:00:00.000+00:00" time="0.01">
                        <failure type="test failure">thread 'tests::removes' panicked at src/cart.rs:40:9:
            assertion `left == right` failed</failure>
                        <rerunFailure timestamp="2024-05-01T10:00:00.000+00:00" time="0.01" type="test failure">thread 'tests::removes' panicked</rerunFailure>
                        <system-out></system-out>
                        <system-err>thread 'tests::removes' panicked at src/cart.rs:40:9:</system-err>
                    </testcase>
                    <testcase name="tests::total" classname="shop::cart" timestamp="2024-05-01T10:00:00.000+00:00" time="0.01"/>
                </testsuite>
            </testsuites>
            """, ["shop::cart.tests::removes: thread 'tests::removes' panicked at src/cart.rs:40:9:"]),
        ("dotnet test with the JUnit logger", """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites>
              <testsuite name="Shop.Tests.dll" tests="2" skipped="0" failures="1" errors="0" time="0.1" timestamp="2024-05-01T10:00:00" hostname="ci" id="0" package="Shop.Tests.dll">
                <properties />
                <testcase classname="Shop.Tests.CartTests" name="Adds_item" time="0.01" />
                <testcase classname="Shop.Tests.CartTests" name="Removes_item(count: 2)" time="0.02">
                  <failure type="failure" message="Assert.Equal() Failure&#xD;&#xA;Expected: 1&#xD;&#xA;Actual:   0">   at Shop.Tests.CartTests.Removes_item(Int32 count) in /src/CartTests.cs:line 20</failure>
                </testcase>
                <system-out>Test run for Shop.Tests.dll</system-out>
                <system-err></system-err>
              </testsuite>
            </testsuites>
            """, ["Shop.Tests.CartTests.Removes_item(count: 2): Assert.Equal() Failure\r\nExpected: 1\r\nActual:   0"]),
        ("Bazel", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
            <testsuite name="//shop:cart_test" tests="1" failures="0" errors="1">
            <testcase name="//shop:cart_test" status="run" duration="3" time="3"><error message="exited with error code 1"></error></testcase>
            <system-out>
            Generated test.log (if the file is not UTF-8, then this may be unreadable):
            <![CDATA[exec ${PAGER:-/usr/bin/less} "$0" || exit 1
            --- FAIL: TestX <testcase name="other"><failure/></testcase>]]>
            </system-out>
            </testsuite>
            </testsuites>
            """, ["//shop:cart_test: exited with error code 1"]),
        ("swift test --xunit-output", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
            <testsuite name="TestResults" errors="0" tests="2" failures="1" skipped="0" time="0.1">
            <testcase classname="ShopTests.CartTests" name="testAdd" time="0.01">
            </testcase>
            <testcase classname="ShopTests.CartTests" name="testRemove" time="0.01">
            <failure message="failed"></failure>
            </testcase>
            </testsuite>
            </testsuites>
            """, ["ShopTests.CartTests.testRemove: failed"]),
        ("Catch2: '>' in attributes, a comment holding a failing test, an <errorDetails> element", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="shop-tests" errors="0" failures="1" tests="3" hostname="tbd" time="0.01" timestamp="2024-05-01T10:00:00Z">
                <!-- <testcase classname="x" name="commented out"><failure message="no"/></testcase> -->
                <testcase classname="shop-tests.global" name="sizes > 0" time="0.001" status="run"/>
                <testcase classname="shop-tests.global" name="totals -> sum" time="0.001" status="run"><errorDetails>none</errorDetails></testcase>
                <testcase classname="shop-tests.global" name="a &lt; b" time="0.001" status="run">
                  <failure message="REQUIRE( a > b )" type="REQUIRE">FAILED:
              REQUIRE( a > b )
            at /src/test.cpp:12</failure>
                </testcase>
              </testsuite>
            </testsuites>
            """, ["shop-tests.global.a < b: REQUIRE( a > b )"]),
        ("namespaces, a DOCTYPE with an entity, processing instructions", """
            <?xml version="1.0"?>
            <!DOCTYPE j:testsuites [ <!ENTITY suite "shop"> ]>
            <?xml-stylesheet type="text/xsl" href="junit.xsl"?>
            <j:testsuites xmlns:j="urn:example:junit" xmlns="urn:other">
              <j:testsuite name="&suite;"><?pi inside?>
                <j:testcase classname="&suite;.Cart" name="ok"/>
                <j:testcase classname="&suite;.Cart" name="bad&#x2014;one"><j:failure message="&#8220;quoted&#8221;"/></j:testcase>
              </j:testsuite>
            </j:testsuites>
            """, ["shop.Cart.bad\u{2014}one: \u{201C}quoted\u{201D}"]),
        ("a failure outside any testcase, a testcase straight under <testsuites>", """
            <testsuites><failure message="not a test"/><testcase name="alone"><error>crashed</error></testcase></testsuites>
            """, ["alone: crashed"]),
        ("a skipped test with a failure is skipped", """
            <testsuite name="s"><testcase classname="c" name="t"><skipped/><failure message="x"/></testcase></testsuite>
            """, []),
    ]

    @Test(arguments: shapes)
    func reportsAreReadAsTheirToolsMeanThem(_ tool: String, _ xml: String, _ expected: [String]) throws {
        let report = try TestReport.parse(Array(xml.utf8), path: "report.xml")
        #expect(report.failures.map { "\($0.classname.isEmpty ? "" : $0.classname + ".")\($0.name): \($0.message)" } == expected, "\(tool)")
        #expect(report.events(priority: 60).count == expected.count)
    }

    @Test func suitesFilesAndLinesAreKept() throws {
        let report = try TestReport.parse(Array(Self.shapes[7].1.utf8), path: "r.xml")
        #expect(report.failures.map(\.suite) == ["Unit/App\\Tests\\MoneyTest", "Unit/App\\Tests\\MoneyTest"])
        #expect(report.failures.map(\.file) == ["/app/tests/MoneyTest.php", "/app/tests/MoneyTest.php"])
        #expect(report.failures.map(\.line) == [20, 28])
        #expect(report.events(priority: 60).map(\.path) == ["/app/tests/MoneyTest.php", "/app/tests/MoneyTest.php"])
    }

    @Test func testsOfOneNameInTwoSuitesOrFilesAreTwoEvents() throws {
        let xml = """
            <testsuites>
              <testsuite name="unit"><testcase classname="Cart" name="adds"><failure message="a"/></testcase></testsuite>
              <testsuite name="integration"><testcase classname="Cart" name="adds"><failure message="b"/></testcase></testsuite>
              <testsuite name="unit"><testcase classname="Cart" name="adds" file="other.py"><failure message="c"/></testcase></testsuite>
            </testsuites>
            """
        let events = try TestReport.parse(Array(xml.utf8), path: "r.xml").events(priority: 60)
        #expect(events.count == 3)
        #expect(Set(events.map(\.id)).count == 3)
    }

    @Test func aRetryCountsAsItsLastAttempt() throws {
        func failed(_ attempts: [Bool]) throws -> Int {
            let cases = attempts.map { $0 ? "<testcase name=\"t\"/>" : "<testcase name=\"t\"><failure/></testcase>" }.joined()
            return try TestReport.parse(Array("<testsuite>\(cases)</testsuite>".utf8), path: "r.xml").failures.count
        }
        #expect(try failed([false, true]) == 0)
        #expect(try failed([false, false, true]) == 0)
        #expect(try failed([true, false]) == 1)
        #expect(try failed([false, true, false]) == 1)
        #expect(try failed([false, false]) == 1)
    }

    @Test(arguments: [
        ("UTF-8 with a BOM", [0xEF, 0xBB, 0xBF] + Array("<testsuite><testcase name=\"caf\u{E9}\"><failure/></testcase></testsuite>".utf8), "caf\u{E9}"),
        ("ISO-8859-1 as declared", Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite><testcase name=\"caf".utf8) + [0xE9]
            + Array("\"><failure/></testcase></testsuite>".utf8), "caf\u{E9}"),
        ("UTF-16 with a BOM", [0xFF, 0xFE] + "<?xml version=\"1.0\" encoding=\"UTF-16\"?><testsuite><testcase name=\"caf\u{E9}\"><failure/></testcase></testsuite>"
            .utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, "caf\u{E9}"),
    ] as [(String, [UInt8], String)])
    func encodingsAreReadAsDeclared(_ what: String, _ bytes: [UInt8], _ name: String) throws {
        #expect(try TestReport.parse(bytes, path: "r.xml").failures.map(\.name) == [name], "\(what)")
    }

    @Test(arguments: [
        ("<html><body>not a report</body></html>", "line 1: the root element is <html>, not <testsuites> or <testsuite>"),
        ("<testsuite><testcase name=\"a\"><failure/>", "no element found"),
        ("", "line 1, column 1: no element found"),
        ("<testsuite><testcase name=\"a\" name=\"b\"/></testsuite>", "duplicate attribute"),
        ("<testsuite>&nbsp;</testsuite>", "undefined entity"),
        ("<testsuite></testcase>", "mismatched tag"),
        ("<x:testsuite/>", "unbound prefix"),
        ("<?xml version=\"1.0\" encoding=\"windows-1252\"?><testsuite/>", "reports are read as UTF-8, UTF-16, ISO-8859-1 or US-ASCII"),
        ("<testsuite name=\"\u{1}\"/>", "not well-formed"),
    ])
    func somethingElseIsAClearUsageError(_ text: String, _ problem: String) {
        #expect {
            try TestReport.parse(Array(text.utf8), path: "bad.xml")
        } throws: { error in
            guard let error = error as? AutodevError else { return false }
            return error.exitStatus == .usage && error.code == .invalidTestReport
                && error.message.hasPrefix("test report bad.xml cannot be used: ") && error.message.contains(problem)
        }
    }

    @Test func invalidUTF8IsAnErrorWithItsPlace() {
        #expect {
            try TestReport.parse(Array("<testsuite>\n<testcase name=\"".utf8) + [0xC3, 0x28] + Array("\"/></testsuite>".utf8), path: "bad.xml")
        } throws: { error in
            (error as? AutodevError)?.message.contains("line 2, column") == true
        }
    }

    /// A billion laughs: ten levels of ten references would expand to 3 GB; expat stops it.
    @Test func entityExpansionIsBounded() throws {
        var doctype = "<!DOCTYPE testsuite [<!ENTITY l0 \"lollollollollollollollollollollollollollollollollollollollollollollollollollol\">"
        for level in 1...10 { doctype += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
        doctype += "]>"
        let xml = doctype + "<testsuite><testcase name=\"&l10;\"><failure/></testcase></testsuite>"
        let clock = ContinuousClock()
        let started = clock.now
        #expect {
            try TestReport.parse(Array(xml.utf8), path: "laughs.xml")
        } throws: { error in
            (error as? AutodevError)?.message.contains("entity expansion is bounded") == true
        }
        #expect(clock.now - started < .seconds(5))
    }

    @Test func aLargeReportIsStreamedFromItsFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("autodev-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Over several read chunks, with an element cut at every chunk boundary somewhere.
        var xml = "<testsuites><testsuite name=\"big\">"
        for index in 0..<20_000 {
            xml += index % 1000 == 7
                ? "<testcase classname=\"pkg.C\" name=\"t\(index)\"><failure message=\"m\(index)\">\(String(repeating: "x", count: 100))</failure></testcase>\n"
                : "<testcase classname=\"pkg.C\" name=\"t\(index)\" time=\"0.001\"><system-out><![CDATA[<failure>]]></system-out></testcase>\n"
        }
        xml += "</testsuite></testsuites>"
        let path = folder.appendingPathComponent("report.xml").path
        try Data(xml.utf8).write(to: URL(fileURLWithPath: path))
        let report = try TestReport.load(path)
        #expect(report.testCount == 20_000)
        #expect(report.failures.map(\.name) == (0..<20).map { "t\($0 * 1000 + 7)" })
        #expect(report.failures.first?.message == "m7")
        #expect(try TestReport.parse(Array(xml.utf8), path: path).failures == report.failures)
    }

    @Test func aReportNested200000DeepIsAClearErrorNamingTheFileAndTheDepth() throws {
        let depth = 200_000
        let xml = "<testsuites>" + String(repeating: "<testsuite name=\"s\">", count: depth) + String(repeating: "</testsuite>", count: depth) + "</testsuites>"
        #expect { try TestReport.parse(Array(xml.utf8), path: "reports/deep.xml") } throws: { error in
            let message = "\(error)"
            return message.contains("reports/deep.xml") && message.contains("deeper than \(JUnitParser.maxDepth) levels")
                && message.contains("depth \(JUnitParser.maxDepth + 1)")
        }
    }

    @Test func suitesNestedToTheLimitKeepTheirPathAndFile() throws {
        // The root, 253 suites, the testcase and its failure: 256 levels, the limit.
        let levels = JUnitParser.maxDepth - 3
        var xml = "<testsuites>"
        for level in 0..<levels { xml += "<testsuite name=\"s\(level)\"\(level == 10 ? " file=\"t/ten.py\"" : "")>" }
        xml += "<testcase name=\"deep\"><failure message=\"m\"/></testcase>"
        for level in (0..<levels).reversed() {
            xml += "</testsuite>"
            if level == 11 { xml += "<testcase name=\"eleven\"><failure message=\"m\"/></testcase>" }
        }
        xml += "</testsuites>"
        let report = try TestReport.parse(Array(xml.utf8), path: "r.xml")
        #expect(report.failures.map(\.name) == ["deep", "eleven"])
        #expect(report.failures[0].suite == (0..<levels).map { "s\($0)" }.joined(separator: "/"))
        #expect(report.failures[0].file == "t/ten.py")
        // After suite 11 closed, the test is in suites 0-10: the path shrinks, the file stays.
        #expect(report.failures[1].suite == (0...10).map { "s\($0)" }.joined(separator: "/"))
        #expect(report.failures[1].file == "t/ten.py")
    }
}
