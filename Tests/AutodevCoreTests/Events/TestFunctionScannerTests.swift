@testable import AutodevCore
import Testing

@Suite struct TestFunctionScannerTests {
    @Test("test functions are found per language", arguments: [
        ("a.swift", """
            final class LoginTests: XCTestCase {
                func testAcceptsPassword() {}
                func helper() {}
            }
            @Suite struct S {
                @Test func locksAccount() {}
                @Test("shows a message")
                func showsMessage() async throws {}
            }
            """, ["testAcceptsPassword", "locksAccount", "showsMessage"]),
        ("test_a.py", """
            def test_login():
                pass

            class TestLock:
                def test_locks(self):
                    pass
                def helper(self):
                    pass

            async def test_async():
                pass
            """, ["test_login", "TestLock.test_locks", "test_async"]),
        ("t.rs", """
            #[test]
            fn parses() {}
            #[tokio::test]
            async fn fetches() {}
            fn helper() {}
            """, ["parses", "fetches"]),
        ("a_test.go", """
            func TestLogin(t *testing.T) {}
            func (s *Suite) TestLock() {}
            func helper() {}
            """, ["TestLogin", "TestLock"]),
        ("a.test.ts", """
            describe('login', () => {
              it('accepts the password', () => {});
              test("locks after three tries", async () => {});
              it.skip(`pending one`, () => {});
            });
            """, ["accepts the password", "locks after three tries"]),
        ("LoginTest.java", """
            class LoginTest {
                @Test
                void acceptsPassword() {}
                @ParameterizedTest
                public void locks(int n) {}
                void helper() {}
            }
            """, ["acceptsPassword", "locks"]),
        ("LoginTest.kt", """
            @Test fun `accepts the password`() {}
            @Test
            fun locks() {}
            """, ["accepts the password", "locks"]),
    ])
    func findsTests(path: String, source: String, expected: [String]) throws {
        // The same names whether the file has LF or CRLF line ends.
        let crlf = Array(source.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n").utf8)
        let language = try #require(TestFunctionScanner.language(forPath: path))
        #expect(TestFunctionScanner.testNames(in: source, language: language) == expected)
        #expect(TestFunctionScanner.testNames(in: crlf, language: language) == expected)
    }

    @Test("lines between declarations still count", arguments: [
        // A module-level line ends the class, so the next test is not the class's.
        ("test_a.py", "class TestA:\n    def test_one(self):\n        pass\nvalue = 1\ndef test_two():\n    pass\n",
         ["TestA.test_one", "test_two"]),
        // A comment between an attribute and its function keeps the attribute.
        ("t.rs", "#[test]\n// checks parsing\nfn parses() {}\n", ["parses"]),
        ("LoginTest.java", "@Test\n// the happy path\npublic void accepts() {}\n", ["accepts"]),
        // Commented-out tests are not tests.
        ("a.swift", "// func testOld() {}\nfunc testNew() {}\n", ["testNew"]),
    ])
    func scansAcrossLines(path: String, source: String, expected: [String]) throws {
        let language = try #require(TestFunctionScanner.language(forPath: path))
        #expect(TestFunctionScanner.testNames(in: source, language: language) == expected)
    }

    @Test func invalidUTF8DoesNotHideTests() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x0A] + Array("func TestX(t *testing.T) {}\n".utf8) + [0xC3, 0x0A]
        #expect(TestFunctionScanner.testNames(in: bytes, language: .go) == ["TestX"])
    }

    @Test func onlyNewlyAddedTestsCount() {
        #expect(TestFunctionScanner.addedTests(old: ["a", "b"], new: ["a", "b", "c"]) == ["c"])
        #expect(TestFunctionScanner.addedTests(old: ["a"], new: ["a", "a"]) == ["a"])
        #expect(TestFunctionScanner.addedTests(old: ["a", "b"], new: ["b"]).isEmpty)
    }
}
