/// A small, realistic spec-driven history for `autodev demo`: specs, code, tests, a dependency
/// and a configuration change, a rename and a deletion.
public enum DemoHistory {
    public struct Step: Sendable {
        public let message: String
        /// Path → new content; nil deletes the file.
        public let files: [(path: String, content: String?)]
    }

    public static let steps: [Step] = [
        Step(message: "Start a small Swift package", files: [
            ("README.md", "# Greeter\n\nA tiny package used to show autodev.\n"),
            (".gitignore", ".build/\n.auto-dev/\n"),
            ("Package.swift", """
                // swift-tools-version: 6.0
                import PackageDescription

                let package = Package(
                    name: "Greeter",
                    targets: [
                        .target(name: "Greeter"),
                        .testTarget(name: "GreeterTests", dependencies: ["Greeter"]),
                    ]
                )

                """),
            ("Sources/Greeter/Greeter.swift", """
                public struct Greeter {
                    public init() {}
                    public func greet(_ name: String) -> String { "Hello, \\(name)!" }
                }

                """),
            ("Tests/GreeterTests/GreeterTests.swift", """
                import XCTest
                @testable import Greeter

                final class GreeterTests: XCTestCase {
                    func testGreetsByName() {
                        XCTAssertEqual(Greeter().greet("Ada"), "Hello, Ada!")
                    }
                }

                """),
        ]),
        Step(message: "Specify sign-in (FR-001, FR-002)", files: [
            ("specs/001-sign-in/spec.md", """
                # Feature Specification: Sign-in

                ### User Story 1 - Sign in with a password (Priority: P1)

                A registered user signs in with e-mail and password.

                **Acceptance Scenarios**:

                1. **Given** a registered user, **When** they enter the right password, **Then** they are signed in.
                2. **Given** a registered user, **When** they enter a wrong password three times, **Then** the account is locked for 15 minutes.

                ## Requirements

                - **FR-001**: System MUST verify passwords with a salted hash.
                - **FR-002**: System MUST lock an account after three failed attempts.

                """),
            ("specs/001-sign-in/tasks.md", """
                # Tasks: Sign-in

                - [ ] T001 [US1] Create Sources/Greeter/SignIn.swift
                - [ ] T002 [US1] Add Tests/GreeterTests/SignInTests.swift

                """),
        ]),
        Step(message: "Add failing tests for sign-in (T002)", files: [
            ("Tests/GreeterTests/SignInTests.swift", """
                import Testing
                @testable import Greeter

                @Suite struct SignInTests {
                    @Test func acceptsTheRightPassword() {
                        #expect(SignIn().attempt(password: "right") == .signedIn)
                    }

                    @Test func locksAfterThreeFailures() {
                        let signIn = SignIn()
                        for _ in 0..<3 { _ = signIn.attempt(password: "wrong") }
                        #expect(signIn.attempt(password: "right") == .locked)
                    }
                }

                """),
        ]),
        Step(message: "Add swift-argument-parser", files: [
            ("Package.swift", """
                // swift-tools-version: 6.0
                import PackageDescription

                let package = Package(
                    name: "Greeter",
                    dependencies: [
                        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
                    ],
                    targets: [
                        .target(name: "Greeter"),
                        .testTarget(name: "GreeterTests", dependencies: ["Greeter"]),
                    ]
                )

                """),
        ]),
        Step(message: "Run the tests in CI and tune autodev", files: [
            (".github/workflows/ci.yml", """
                name: ci
                on: [push]
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - run: swift test

                """),
            ("config/autodev.toml", """
                # autodev settings for the demo
                [loop]
                max_events_per_run = 50

                [events]
                extra_ignore = ["docs/generated/**"]

                """),
        ]),
        Step(message: "Rename Greeter.swift to Greeting.swift and drop the README", files: [
            ("Sources/Greeter/Greeter.swift", nil),
            ("Sources/Greeter/Greeting.swift", """
                public struct Greeter {
                    public init() {}
                    public func greet(_ name: String) -> String { "Hello, \\(name)!" }
                }

                """),
            ("README.md", nil),
            ("docs/generated/api.md", "# API\n\nGenerated.\n"),
        ]),
    ]
}
