internal import CExpat
#if canImport(Glibc)
import Glibc
#endif

/// Streams a JUnit XML report through expat and keeps only what becomes events: the tests
/// that failed. Memory grows with the failures, never with the passing tests or the size of
/// their output.
///
/// expat is a conforming XML 1.0 parser: entities, character references, CDATA, comments,
/// processing instructions, a DOCTYPE's internal subset, namespaces (elements are matched by
/// local name, so `<j:testsuite xmlns:j="…">` is a testsuite), a BOM, and the encodings UTF-8,
/// UTF-16, ISO-8859-1 and US-ASCII as the XML declaration says. External entities are never
/// loaded (no handler is set), and entity expansion is bounded by expat's amplification
/// limit, so a billion-laughs file is an error, not a hang.
final class JUnitParser {
    /// What makes a report unusable: a message with the line and column when expat knows them.
    struct Problem: Error {
        var message: String
    }

    private let parser: XML_Parser
    private enum Element { case suite, testcase, failure, other }
    private var elements: [Element] = []
    /// The open suites' path of names (outermost first, `/`-joined), one string for all: each
    /// open suite keeps only where its part ends and its file. A copy of the path per suite made
    /// memory grow with depth squared (10-24 GB for a report nested 100,000-200,000 deep).
    private var suitePath: [UInt8] = []
    private var suites: [(startsAt: Int, file: String?)] = []
    /// The innermost open suite with a `file`, as an index into `suites`.
    private var fileSuites: [Int] = []
    private var current: TestCase?
    private var collecting = false
    private var sawRoot = false
    private var stopped: Problem?
    private var failures: [TestReport.Failure?] = []
    private var failedAt: [Identity: Int] = [:]

    /// What makes two `<testcase>`s the same test.
    private struct Identity: Hashable {
        var suite, classname, name, file: String
    }
    private(set) var testCount = 0

    /// One `<testcase>` being read.
    private struct TestCase {
        var failure: TestReport.Failure
        var failed = false
        var skipped = false
        var text = ""
    }

    /// Separates a namespace URI from the local name in expat's element names; it cannot
    /// occur in XML text (a C0 control).
    private static let separator = CChar(0x1F)
    /// The most of a failure's message or text kept for its event.
    static let messageLimit = 500
    /// Elements may nest this deep. Real reports nest a few levels (suites in suites in a
    /// `<testsuites>`); expat itself keeps a stack per level, so depth must be bounded.
    static let maxDepth = 256

    init() {
        parser = XML_ParserCreateNS(nil, Self.separator)
        // The defaults, said aloud: at most 100 times amplification once expansion passes 4 MiB.
        _ = XML_SetBillionLaughsAttackProtectionMaximumAmplification(parser, 100)
        _ = XML_SetBillionLaughsAttackProtectionActivationThreshold(parser, 4 << 20)
        XML_SetUserData(parser, Unmanaged.passUnretained(self).toOpaque())
        XML_SetElementHandler(parser, { user, name, attributes in
            guard let user, let name else { return }
            Unmanaged<JUnitParser>.fromOpaque(user).takeUnretainedValue().start(name, attributes)
        }, { user, _ in
            guard let user else { return }
            Unmanaged<JUnitParser>.fromOpaque(user).takeUnretainedValue().end()
        })
        XML_SetCharacterDataHandler(parser, { user, text, count in
            guard let user, let text else { return }
            Unmanaged<JUnitParser>.fromOpaque(user).takeUnretainedValue().characters(text, Int(count))
        })
    }

    deinit {
        XML_ParserFree(parser)
    }

    /// Parses the next bytes of the report; `final` with the last (possibly empty) chunk.
    func feed(_ bytes: UnsafeRawBufferPointer, final: Bool) throws(Problem) {
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        if XML_Parse(parser, base, Int32(bytes.count), final ? 1 : 0) != XML_STATUS_OK {
            if let stopped { throw stopped }
            let code = XML_GetErrorCode(parser)
            let text = XML_ErrorString(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
            var hint = ""
            if code == XML_ERROR_AMPLIFICATION_LIMIT_BREACH {
                hint = " (entity expansion is bounded: a JUnit report needs no entity declarations)"
            } else if code == XML_ERROR_UNKNOWN_ENCODING || code == XML_ERROR_INCORRECT_ENCODING {
                hint = " (reports are read as UTF-8, UTF-16, ISO-8859-1 or US-ASCII)"
            }
            throw Problem(message: "line \(XML_GetCurrentLineNumber(parser)), column \(XML_GetCurrentColumnNumber(parser) + 1): \(text)\(hint)")
        }
    }

    /// The failed tests, in the order the report lists them.
    func finish() -> [TestReport.Failure] {
        failures.compactMap { $0 }
    }

    private func stop(_ problem: String) {
        stopped = Problem(message: "line \(XML_GetCurrentLineNumber(parser)): \(problem)")
        XML_StopParser(parser, 0)
    }

    private func start(_ qualified: UnsafePointer<CChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>?) {
        let name = Self.localName(qualified)
        if !sawRoot {
            sawRoot = true
            guard name == "testsuites" || name == "testsuite" else {
                return stop("the root element is <\(name)>, not <testsuites> or <testsuite>; give a JUnit XML report (pytest --junitxml, Gradle, Maven Surefire, go-junit-report, jest-junit, swift test --xunit-output)")
            }
        }
        guard elements.count < Self.maxDepth else {
            return stop("elements nest deeper than \(Self.maxDepth) levels (<\(name)> at depth \(elements.count + 1)); a JUnit report nests a few levels: give the report your test runner wrote")
        }
        let parent = elements.last
        var element = Element.other
        switch name {
        case "testsuite" where current == nil:
            let values = Self.attributes(attributes, ["name", "file"])
            let name = values[0] ?? ""
            let start = suitePath.count
            if !suitePath.isEmpty, !name.isEmpty { suitePath.append(UInt8(ascii: "/")) }
            suitePath += name.utf8
            if values[1] != nil { fileSuites.append(suites.count) }
            suites.append((start, values[1]))
            element = .suite
        case "testcase" where current == nil:
            let values = Self.attributes(attributes, ["classname", "name", "file", "line"])
            testCount += 1
            current = TestCase(failure: .init(classname: values[0] ?? "", name: values[1] ?? "(unnamed)",
                                              file: values[2] ?? fileSuites.last.flatMap { suites[$0].file },
                                              message: "", suite: String(decoding: suitePath, as: UTF8.self), line: values[3].flatMap { Int($0) }))
            element = .testcase
        // A failure or error of the test itself (Surefire's rerunFailure and rerunError come
        // with one); flakyFailure and flakyError are reruns of a test that then passed.
        case "failure" where parent == .testcase, "error" where parent == .testcase,
             "rerunFailure" where parent == .testcase, "rerunError" where parent == .testcase:
            if current?.failed == false {
                current?.failed = true
                let message = Self.attributes(attributes, ["message"])[0] ?? ""
                current?.failure.message = String(message.prefix(Self.messageLimit))
                collecting = message.isEmpty
            }
            element = .failure
        case "skipped" where parent == .testcase:
            current?.skipped = true
        default:
            break
        }
        elements.append(element)
    }

    private func end() {
        switch elements.popLast() {
        case .suite?:
            if let suite = suites.popLast() {
                suitePath.removeSubrange(suite.startsAt...)
                if fileSuites.last == suites.count { fileSuites.removeLast() }
            }
        case .failure?:
            collecting = false
        case .testcase?:
            if let test = current { record(test) }
            current = nil
        default:
            break
        }
    }

    private func characters(_ text: UnsafePointer<CChar>, _ count: Int) {
        guard collecting, let kept = current?.text.utf8.count, kept < Self.messageLimit * 4 else { return }
        let piece = text.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: min(count, Self.messageLimit * 4 - kept)), as: UTF8.self)
        }
        current?.text += piece
    }

    /// A skipped test is not a failure, whatever else it holds. The same test listed again
    /// (a retry: Gradle's test-retry, jest's retries, repeated runs) counts as its last
    /// attempt: a failure that passed later is no failure.
    private func record(_ test: TestCase) {
        var failure = test.failure
        if test.skipped { return }
        guard test.failed else {
            if failedAt.isEmpty { return }
            let identity = Identity(suite: failure.suite, classname: failure.classname, name: failure.name, file: failure.file ?? "")
            if let index = failedAt.removeValue(forKey: identity) { failures[index] = nil }
            return
        }
        if failure.message.isEmpty {
            // The first line of the text, past PHPUnit's `Class::method` heading.
            let lines = test.text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
            let line = lines.first { !$0.hasSuffix("::" + failure.name) } ?? lines.first ?? ""
            failure.message = String(line.prefix(Self.messageLimit))
        }
        let identity = Identity(suite: failure.suite, classname: failure.classname, name: failure.name, file: failure.file ?? "")
        if let index = failedAt[identity] {
            failures[index] = failure
        } else {
            failedAt[identity] = failures.count
            failures.append(failure)
        }
    }

    /// `uri␟local` (a namespaced element) or `local` → `local`.
    private static func localName(_ qualified: UnsafePointer<CChar>) -> String {
        let name = String(cString: qualified)
        guard let cut = name.utf8.lastIndex(of: UInt8(separator)) else { return name }
        return String(name[name.utf8.index(after: cut)...])
    }

    /// The values of the attributes asked for (unprefixed, by name), in the order asked,
    /// already decoded by expat.
    private static func attributes(_ list: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ names: [StaticString]) -> [String?] {
        var result = [String?](repeating: nil, count: names.count)
        guard let list else { return result }
        var index = 0
        while let key = list[index], let value = list[index + 1] {
            for (slot, name) in names.enumerated() where result[slot] == nil {
                let matches = name.withUTF8Buffer { wanted in
                    wanted.withMemoryRebound(to: CChar.self) { strncmp(key, $0.baseAddress!, wanted.count) == 0 && key[wanted.count] == 0 }
                }
                if matches { result[slot] = String(cString: value) }
            }
            index += 2
        }
        return result
    }
}
