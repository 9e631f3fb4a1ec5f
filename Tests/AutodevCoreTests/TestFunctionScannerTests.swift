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
            """, ["accepts the password", "locks after three tries", "pending one"]),
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
        let language = try #require(TestFunctionScanner.language(forPath: path))
        #expect(TestFunctionScanner.testNames(in: source, language: language) == expected)
    }

    @Test func onlyNewlyAddedTestsCount() {
        #expect(TestFunctionScanner.addedTests(old: ["a", "b"], new: ["a", "b", "c"]) == ["c"])
        #expect(TestFunctionScanner.addedTests(old: ["a"], new: ["a", "a"]) == ["a"])
        #expect(TestFunctionScanner.addedTests(old: ["a", "b"], new: ["b"]).isEmpty)
    }
}
