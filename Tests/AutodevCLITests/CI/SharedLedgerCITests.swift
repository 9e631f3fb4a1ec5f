import AutodevTestSupport
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One budget for every CI runner of a repository: `sync --ci` runners on fresh clones of one
/// bare remote (`file://`) share the spending ledger through `refs/autodev/ledger`, in turn and
/// at once, against a loopback provider that counts the requests it gets.
@Suite struct SharedLedgerCITests {
    /// A provider on 127.0.0.1 that counts requests and answers each with `completionTokens`
    /// output tokens of usage.
    final class Counter: Sendable {
        let value = Mutex(0)
    }

    final class Provider: Sendable {
        let requests = Counter()
        let completionTokens: Int
        let server: HTTPTestServer

        init(completionTokens: Int = 100) throws {
            self.completionTokens = completionTokens
            let requests = self.requests
            server = try HTTPTestServer { request in
                requests.value.withLock { $0 += 1 }
                let messages = request.json()?["messages"] as? [[String: Any]] ?? []
                let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
                let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "m",
                                           "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": Tier5HTTPTests.answer(to: prompt)]]],
                                           "usage": ["prompt_tokens": 50, "completion_tokens": completionTokens, "total_tokens": 50 + completionTokens]]
                return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            }
        }

        var count: Int { requests.value.withLock { $0 } }
    }

    /// A project whose every call may cost at most $1.00 (100 output tokens at $10,000 per
    /// million, input free), under a daily budget of `dailyBudget`, on a bare remote, adopted by
    /// a first CI run (no call).
    static func project(_ provider: Provider, dailyBudget: Double) throws -> (author: GitFixture, remote: String) {
        let author = try GitFixture()
        try author.write("config/autodev.toml", """
            [loop.llm_optimization]
            batch_size = 1

            [llm.budget]
            max_cost_per_run = 0
            max_cost_per_day = \(dailyBudget)
            max_cost_per_month = 0

            [[llm.providers]]
            name = "p"
            kind = "openai"
            base_url = "\(provider.server.baseURL)/v1"
            model = "m"
            max_output_tokens = 100
            input_price_per_mtok = 0.0
            output_price_per_mtok = 10000.0
            """)
        try author.write("src/app.py", "print('app')\n")
        try author.commit("base")
        let remote = author.directory.path + "/remote.git"
        try author.git(["init", "-q", "--bare", "-b", "main", remote])
        try author.git(["remote", "add", "origin", "file://" + remote])
        try author.git(["push", "-q", "origin", "main"])
        let adopter = try SyncCITests.runner(author, "file://" + remote, name: "adopter")
        let adopted = try SyncCITests.ci(adopter)
        #expect(adopted.status == 0, "\(adopted.stderr)")
        #expect(provider.count == 0)
        return (author, "file://" + remote)
    }

    /// One new requirement that only a model can implement: one call.
    static func addRequirement(_ author: GitFixture, _ number: Int) throws {
        try author.write("specs/00\(number)-f/spec.md", "# Feature \(number)\n\n- **FR-001**: System MUST compute the number \(number)\n")
        try author.commit("Specify feature \(number)")
        try author.git(["push", "-q", "origin", "main"])
    }

    /// The remote's ledger as every runner counts it: each call at its settled cost, or at its
    /// reservation when it was never settled.
    static func remoteCharges(_ author: GitFixture) throws -> (calls: Int, total: Double, unsettled: Int) {
        let text = try author.git(["--git-dir", author.directory.path + "/remote.git", "show", "refs/autodev/ledger:spend.jsonl"])
        var reserved: [String: Double] = [:], settled: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["id"] as? String), cost = object["cost"] as? Double ?? 0
            if object["kind"] as? String == "reserved" {
                #expect(reserved[id] == nil, "a reservation is in the shared ledger once")
                reserved[id] = cost
            } else {
                #expect(settled[id] == nil, "a settlement is in the shared ledger once")
                settled[id] = cost
            }
        }
        let total = reserved.keys.map { settled[$0] ?? reserved[$0]! }.reduce(0, +)
        return (reserved.count, total, reserved.keys.filter { settled[$0] == nil }.count)
    }

    /// Starts `sync --ci` in `directory` without waiting; its output goes to files beside it.
    static func start(_ directory: String, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AutodevBinary.path)
        process.arguments = ["sync", "--ci", "--report", directory + ".report.json"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AUTODEV") { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        FileManager.default.createFile(atPath: directory + ".out", contents: nil)
        FileManager.default.createFile(atPath: directory + ".err", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: directory + ".out")
        process.standardError = FileHandle(forWritingAtPath: directory + ".err")
        try process.run()
        return process
    }

    @Test func twoRunnersInTurnOnFreshClonesSpendOneDailyBudgetOnce() throws {
        let provider = try Provider()
        let (author, remote) = try Self.project(provider, dailyBudget: 1.5)
        try Self.addRequirement(author, 1)
        let one = try SyncCITests.runner(author, remote, name: "one")
        let first = try SyncCITests.ci(one)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(provider.count == 1, "the first runner's call fits the budget")
        #expect(first.stderr.contains("the spending ledger on origin holds this clone's charges"), "\(first.stderr)")
        // What the call taught about the provider's token counts travels too.
        let learned = try author.git(["--git-dir", author.directory.path + "/remote.git", "show", "refs/autodev/ledger:resilience.json"])
        let calibration = try #require(try JSONSerialization.jsonObject(with: Data(learned.utf8)) as? [String: Any])["calibration"] as? [String: Double]
        #expect(calibration?["p"] != nil, "\(learned)")
        // A later job on a fresh clone, with new work: the day's budget is the same one.
        try Self.addRequirement(author, 2)
        let two = try SyncCITests.runner(author, remote, name: "two")
        let second = try SyncCITests.ci(two)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(provider.count == 1, "a fresh clone counts the first runner's $1.00: no second call")
        let status = try AutodevBinary.run(["status"], in: two)
        #expect(status.stdout.contains("daily budget of $1.50 reached"), "\(status.stdout)")
        #expect(status.stdout.contains("budget: $1.0000 today of $1.50"), "\(status.stdout)")
        #expect(status.stdout.contains("shared ledger: refs/autodev/ledger, every charge pushed"), "\(status.stdout)")
        let charges = try Self.remoteCharges(author)
        #expect(charges.calls == 1 && charges.unsettled == 0)
        #expect(charges.total <= 1.5)
    }

    @Test(arguments: [(1.5, 1), (3.5, 3)])
    func tenRunnersAtOnceMakeAtMostTheCallsTheDailyBudgetHolds(dailyBudget: Double, fits: Int) throws {
        let provider = try Provider()
        let (author, remote) = try Self.project(provider, dailyBudget: dailyBudget)
        try Self.addRequirement(author, 1)
        let runners = try (0..<10).map { try SyncCITests.runner(author, remote, name: "r\($0)") }
        let processes = try runners.map { try Self.start($0) }
        for process in processes { process.waitUntilExit() }
        for (runner, process) in zip(runners, processes) {
            let stderr = (try? String(contentsOfFile: runner + ".err", encoding: .utf8)) ?? ""
            // 75: lost the race for the checkpoint twice (nothing pushed or overwritten).
            #expect([0, 75].contains(process.terminationStatus), "\(runner): \(stderr)")
        }
        let calls = provider.count
        #expect(calls >= 1 && calls <= fits, "\(calls) calls with room for \(fits)")
        let charges = try Self.remoteCharges(author)
        #expect(charges.calls == calls, "every request that left a runner is in the shared ledger")
        #expect(charges.total <= dailyBudget, "spent \(charges.total) of \(dailyBudget)")
        #expect(charges.unsettled == 0, "every settlement reached the remote")
        // The runners that were refused say why.
        let refused = runners.filter { ((try? String(contentsOfFile: $0 + ".report.json", encoding: .utf8)) ?? "").contains("daily budget of $") }
        #expect(refused.count >= 1, "at least one runner waited for the budget")
    }

    @Test func aRunnerKilledAfterItsReservationLeavesItCountedByTheNext() throws {
        let provider = try Provider()
        let (author, remote) = try Self.project(provider, dailyBudget: 1.5)
        try Self.addRequirement(author, 1)
        let killed = try SyncCITests.runner(author, remote, name: "killed")
        let result = try SyncCITests.ci(killed, [], environment: ["AUTODEV_TEST_KILL_AT": "llm-reserved"])
        #expect(result.status == SIGKILL || result.status == 128 + SIGKILL, "\(result.status) \(result.stderr)")
        #expect(provider.count == 0, "killed before the request went")
        let next = try SyncCITests.runner(author, remote, name: "next")
        let run = try SyncCITests.ci(next)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(provider.count == 0, "the killed runner's $1.00 reservation is counted: no call fits")
        let status = try AutodevBinary.run(["status"], in: next)
        #expect(status.stdout.contains("daily budget of $1.50 reached"), "\(status.stdout)")
        #expect(status.stdout.contains("1 call killed mid-call charged at their upper bound"), "\(status.stdout)")
        let charges = try Self.remoteCharges(author)
        #expect(charges.calls == 1 && charges.unsettled == 1 && charges.total == 1.0)
    }

    @Test func aRetryAfterOfADaySeenByOneRunnerHoldsForAFreshClone() throws {
        let requests = Counter()
        let server = try HTTPTestServer { _ in
            requests.value.withLock { $0 += 1 }
            return .json(429, #"{"error":{"message":"come back tomorrow","type":"requests"}}"#, headers: [("Retry-After", "86400")])
        }
        let provider = try Provider()
        let (author, remote) = try Self.project(provider, dailyBudget: 0)
        // The provider that answers is replaced by one that asks to wait a day.
        let config = try String(contentsOfFile: author.path + "/config/autodev.toml", encoding: .utf8)
        try author.write("config/autodev.toml", config.replacingOccurrences(of: provider.server.baseURL, with: server.baseURL))
        try author.commit("another provider")
        try author.git(["push", "-q", "origin", "main"])
        try Self.addRequirement(author, 1)
        let one = try SyncCITests.runner(author, remote, name: "one")
        #expect(try SyncCITests.ci(one).status == 0)
        let asked = requests.value.withLock { $0 }
        #expect(asked >= 1)
        #expect(try AutodevBinary.run(["status"], in: one).stdout.contains("asked not to be called before"))
        try Self.addRequirement(author, 2)
        let two = try SyncCITests.runner(author, remote, name: "two")
        let run = try SyncCITests.ci(two)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(requests.value.withLock { $0 } == asked, "the fresh clone waits as the provider asked")
        let status = try AutodevBinary.run(["status"], in: two)
        #expect(status.stdout.contains("provider 'p': breaker") && status.stdout.contains("asked not to be called before"), "\(status.stdout)")
        let shared = try author.git(["--git-dir", author.directory.path + "/remote.git", "show", "refs/autodev/ledger:resilience.json"])
        #expect(shared.contains("\"notBefore\""), "\(shared)")
    }

    @Test func chargesThatCannotBePushedAreReportedAndTheNextRunPushesThem() throws {
        // Each answer really costs $0.10 of its $1.00 reservation.
        let provider = try Provider(completionTokens: 10)
        let (author, remote) = try Self.project(provider, dailyBudget: 1.5)
        // The remote takes reservations but refuses any ledger holding a settlement.
        let hook = author.directory.path + "/remote.git/hooks/pre-receive"
        try Executable.write("""
            #!/bin/sh
            while read old new ref; do
              if [ "$ref" = refs/autodev/ledger ] && git show "$new:spend.jsonl" | grep -q '"kind":"settled"'; then
                echo "ledger settlements refused for this test" >&2; exit 1
              fi
            done
            exit 0
            """, to: hook, mode: "755")
        try Self.addRequirement(author, 1)
        let one = try SyncCITests.runner(author, remote, name: "one")
        let first = try SyncCITests.ci(one, ["--report", one + ".json", "--summary", one + ".md"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(provider.count == 1)
        #expect(first.stderr.contains("warning: cannot push the spending ledger to refs/autodev/ledger on origin"), "\(first.stderr)")
        #expect(first.stderr.contains("the next sync --ci from this clone pushes them"))
        let ci = try #require(try SyncCITests.report(one + ".json")["ci"] as? [String: Any])
        #expect((ci["ledger"] as? String)?.hasPrefix("not pushed: ") == true, "\(ci)")
        #expect(try String(contentsOfFile: one + ".md", encoding: .utf8).contains("**The spending ledger was not pushed**: cannot push"))
        let status = try AutodevBinary.run(["status"], in: one)
        #expect(status.stdout.contains("1 line of this clone's spending not pushed yet"), "\(status.stdout)")
        #expect(status.stderr.contains("could not be pushed"), "\(status.stderr)")
        // Meanwhile a fresh runner counts the call at its reservation: no room for another.
        try Self.addRequirement(author, 2)
        let two = try SyncCITests.runner(author, remote, name: "two")
        #expect(try SyncCITests.ci(two).status == 0)
        #expect(provider.count == 1)
        #expect(try Self.remoteCharges(author).unsettled == 1)
        // The remote takes settlements again: the first clone's next run (nothing left for it
        // to do: runner two moved the checkpoint past its HEAD) pushes its line...
        try FileManager.default.removeItem(atPath: hook)
        let again = try SyncCITests.ci(one)
        #expect(again.status == 0, "\(again.stderr)")
        let charges = try Self.remoteCharges(author)
        #expect(charges.unsettled == 0, "the settlement reached the remote")
        #expect(charges.calls == 1 && abs(charges.total - 0.1) < 1e-9, "\(charges)")
        #expect(try AutodevBinary.run(["status"], in: one).stdout.contains("every charge pushed"))
        // ...and with the call charged at its $0.10, a fresh runner has room for feature 2's call.
        let three = try SyncCITests.runner(author, remote, name: "three")
        #expect(try SyncCITests.ci(three).status == 0)
        #expect(provider.count == 2)
        let total = try Self.remoteCharges(author)
        #expect(total.calls == 2 && abs(total.total - 0.2) < 1e-9, "\(total)")
    }
}
