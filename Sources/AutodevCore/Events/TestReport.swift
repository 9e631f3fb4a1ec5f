#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failed tests read from a JUnit XML report (`--test-report`), the source of testFailed events.
///
/// The report is streamed through a real XML parser (``JUnitParser``, on expat), so text that
/// only looks like markup — `<failure` in CDATA output, a failing test inside a comment, a `>`
/// in an attribute — is read as what it is. A test failed when its `<testcase>` holds a
/// `<failure>` or `<error>` (Surefire's `rerunFailure`/`rerunError` too) and no `<skipped>`;
/// `flakyFailure`/`flakyError` (failed, then passed on a rerun) are not failures, nor is a test
/// listed again later as passing (a retry). Nested `<testsuite>`s, a `<testsuites>` root or a
/// bare `<testsuite>` are all read.
public struct TestReport: Sendable {
    public struct Failure: Sendable, Equatable {
        public var classname: String
        public var name: String
        /// The source file when the report says (`file="…"` on the test or its suite), else nil.
        public var file: String?
        public var message: String
        /// The names of the enclosing `<testsuite>`s, outermost first, joined by `/`.
        public var suite: String = ""
        /// The line in `file` when the report says (`line="…"`).
        public var line: Int? = nil

        /// What makes two reports' failures the same test: suites, class, name and file (the
        /// line moves with edits, the message with the failure).
        public var identity: String { [suite, classname, name, file ?? ""].joined(separator: "\u{1F}") }

        /// `classname.name`, or the name alone.
        public var displayName: String { classname.isEmpty ? name : classname + "." + name }
    }

    public var path: String
    public var failures: [Failure]
    /// How many `<testcase>` elements the report holds.
    public var testCount: Int = 0

    /// Streams a report file; an unreadable or malformed one is a usage error (64) naming it.
    public static func load(_ path: String) throws(AutodevError) -> TestReport {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw invalid(path, "it cannot be read: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let parser = JUnitParser()
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw invalid(path, "it cannot be read: \(String(cString: strerror(errno)))")
            }
            var problem: JUnitParser.Problem?
            chunk.withUnsafeBytes { bytes in
                do throws(JUnitParser.Problem) { try parser.feed(UnsafeRawBufferPointer(rebasing: bytes[0..<count]), final: count == 0) } catch { problem = error }
            }
            if let problem { throw invalid(path, problem.message) }
            if count == 0 { break }
        }
        return TestReport(path: path, failures: parser.finish(), testCount: parser.testCount)
    }

    /// Parses a report held in memory.
    public static func parse(_ bytes: [UInt8], path: String) throws(AutodevError) -> TestReport {
        let parser = JUnitParser()
        var problem: JUnitParser.Problem?
        bytes.withUnsafeBytes { bytes in
            do throws(JUnitParser.Problem) { try parser.feed(bytes, final: true) } catch { problem = error }
        }
        if let problem { throw invalid(path, problem.message) }
        return TestReport(path: path, failures: parser.finish(), testCount: parser.testCount)
    }

    static func invalid(_ path: String, _ problem: String) -> AutodevError {
        AutodevError(.invalidTestReport, "test report \(path) cannot be used: \(problem)")
    }

    /// The testFailed events of this report: one per failed test, with a stable id. A test is
    /// identified by its suites, classname, name and file, so two tests of one name in two
    /// suites or files are two events.
    func events(priority: Int) -> [Event] {
        failures.map { failure in
            let test = failure.classname.isEmpty ? failure.name : failure.classname + "." + failure.name
            let path = failure.file ?? (failure.classname.isEmpty ? self.path : failure.classname)
            let firstLine = failure.message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let identity = failure.suite.isEmpty ? test : failure.suite + "\n" + test
            return Event(id: Event.makeID(kind: .testFailed, path: path, oldBlob: nil, newBlob: nil, test: identity),
                         kind: .testFailed, priority: priority, path: path,
                         detail: firstLine.isEmpty ? test : "\(test): \(firstLine)")
        }
    }
}
