@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// The gate against a baseline, with real processes and a real repository: a check that writes
/// a JUnit report with one failing test per file under `failing/` (and none when `noreport`
/// exists), and exits 1 when any test fails.
@Suite struct ValidationGateTests {
    static let check = """
        cases='<testcase classname="t" name="ok"/>'
        for f in failing/*; do [ -e "$f" ] && cases="$cases<testcase classname=\\"t\\" name=\\"${f#failing/}\\"><failure message=\\"${f#failing/} is red\\"/></testcase>"; done
        [ -e noreport ] || printf '<testsuite name="all">%s</testsuite>\\n' "$cases" > junit.xml
        echo "ran: $cases"
        ls failing/* >/dev/null 2>&1 && exit 1
        exit 0
        """

    /// A repository whose processed commit already has one failing test, `unrelated`.
    static func setUp() throws -> (GitFixture, Repository, ObjectID) {
        let fixture = try GitFixture()
        try fixture.write("check.sh", check)
        try fixture.write("failing/unrelated", "x\n")
        let head = try fixture.commit("a project with a red test")
        let repository = try Repository.open(at: fixture.path)
        let tree = try repository.commit(try #require(ObjectID(hex: head))).tree
        return (fixture, repository, tree)
    }

    static func gate(_ repository: Repository, report: String?) -> ValidationGate {
        ValidationGate(repository: repository, command: "sh check.sh", timeoutSeconds: 60, sandbox: .host(environment: ProcessInfo.processInfo.environment),
                       runner: ProcessRunner(), report: report)
    }

    static func blobs(_ repository: Repository, _ files: [String: String]) throws -> [String: ObjectID] {
        try files.mapValues { try repository.writeBlob(Array($0.utf8)) }
    }

    @Test func withAReportAnAnswerIsJudgedByTheTestsItBreaks() throws {
        let (fixture, repository, tree) = try Self.setUp()
        defer { withExtendedLifetime(fixture) {} }  // its folder lives as long as the test
        let gate = Self.gate(repository, report: "junit.xml")
        let baseline = try #require(gate.baseline(baseTree: tree, files: [:], commit: nil, logPath: nil, now: 7, stopRequested: { nil }))
        #expect(!baseline.passed && baseline.failures?.count == 1 && !baseline.blocksAnswers, "\(baseline)")
        #expect(baseline.matches(tree: tree, gate: gate))
        #expect(!baseline.matches(tree: try gate.tree(baseTree: tree, files: try Self.blobs(repository, ["src/a.py": "a\n"])), gate: gate))

        // Fails only as the processed commit does: passed.
        let clean = try Self.blobs(repository, ["src/a.py": "a\n"])
        #expect(gate.judge(baseTree: tree, files: clean, against: baseline, logPath: nil, stopRequested: { nil }) == .passed)
        // Breaks a test: the feedback names it, and only it.
        let breaking = try Self.blobs(repository, ["failing/parser": "x\n"])
        guard case .failed(let text) = gate.judge(baseTree: tree, files: breaking, against: baseline, logPath: nil, stopRequested: { nil }) else {
            Issue.record("a new failing test must fail the answer")
            return
        }
        #expect(text.contains("t.parser") && text.contains("parser is red"), "\(text)")
        #expect(!text.contains("t.unrelated") && !text.contains("unrelated is red"), "\(text)")
        #expect(text.contains("1 test fails on the processed commit already"), "\(text)")
        // No report from the answer's run: nothing to judge by but the exit status.
        let silent = try Self.blobs(repository, ["noreport": "x\n"])
        guard case .failed(let why) = gate.judge(baseTree: tree, files: silent, against: baseline, logPath: nil, stopRequested: { nil }) else {
            Issue.record("an answer whose report is missing must not pass on the baseline's account")
            return
        }
        #expect(why.contains("did not write junit.xml"), "\(why)")
    }

    @Test func withoutAReportARedBaselineBlocksAndAnswersAreJudgedByTheExitStatus() throws {
        let (fixture, repository, tree) = try Self.setUp()
        defer { withExtendedLifetime(fixture) {} }  // its folder lives as long as the test
        let gate = Self.gate(repository, report: nil)
        let baseline = try #require(gate.baseline(baseTree: tree, files: [:], commit: nil, logPath: nil, now: 7, stopRequested: { nil }))
        #expect(!baseline.passed && baseline.failures == nil && baseline.blocksAnswers)
        #expect(baseline.waitReason.contains("fix it or set [validate] report"), "\(baseline.waitReason)")
        #expect(baseline.output.contains("exited with status 1"), "\(baseline.output)")
        let clean = try Self.blobs(repository, ["src/a.py": "a\n"])
        guard case .failed = gate.judge(baseTree: tree, files: clean, against: baseline, logPath: nil, stopRequested: { nil }) else {
            Issue.record("without a report the exit status decides")
            return
        }
    }

    @Test func aStopIsNoVerdict() throws {
        let (fixture, repository, tree) = try Self.setUp()
        defer { withExtendedLifetime(fixture) {} }  // its folder lives as long as the test
        let gate = Self.gate(repository, report: "junit.xml")
        #expect(gate.baseline(baseTree: tree, files: [:], commit: nil, logPath: nil, now: 7, stopRequested: { .terminate }) == nil)
    }
}
