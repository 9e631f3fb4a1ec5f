@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Synchronization
import Testing

/// `autodev metrics` and `autodev report --html` after real syncs against a loopback provider:
/// the provider's own request count, `status` and `history` are the oracles; the Prometheus
/// text is read back by the reference parser, the page by headless Chromium.
@Suite struct MetricsCommandTests {
    /// Two requirements for a provider that fails its second request once (retried): 3 requests.
    static func syncedProject(extra config: String = "", requirement: String = "System MUST log",
                              check: String? = nil) throws -> (GitFixture, HTTPTestServer) {
        let served = Mutex(0)
        let server = try HTTPTestServer { request in
            let n = served.withLock { $0 += 1; return $0 }
            if n == 2 { return .json(500, #"{"error":{"message":"overloaded"}}"#, headers: [("retry-after-ms", "1")]) }
            return Tier5HTTPTests.openAIReply(request)
        }
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            [loop.llm_optimization]
            batch_size = 1
            \(config)
            [[llm.providers]]
            name = "test"
            kind = "openai"
            base_url = "\(server.baseURL)/v1"
            model = "test-model"
            input_price_per_mtok = 2.5
            output_price_per_mtok = 10.0
            """)
        if let check { try fixture.write("ci/check.sh", check) }
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: \(requirement)\n- **FR-002**: System MUST stop\n")
        try fixture.commit("Two more requirements")
        return (fixture, server)
    }

    static func metricsJSON(_ fixture: GitFixture) throws -> [String: Any] {
        let result = try AutodevBinary.run(["metrics", "--json"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        return try AdoptionTests.json(result)
    }

    /// The value at a dot-separated path of a JSON object (`counters.calls.made`).
    static func value(_ object: [String: Any], _ path: String) -> Any? {
        var current: Any? = object
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            current = (current as? [String: Any])?[String(part)]
        }
        return current
    }

    static func firstNumber(after prefix: String, in text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Int(line.dropFirst(prefix.count).prefix { $0.isNumber })
    }

    @Test func metricsCountEveryRequestTheProviderServedAndAgreeWithStatusAndHistory() throws {
        let (fixture, server) = try Self.syncedProject()
        let run = try SyncCommandTests.sync(fixture)
        #expect(run.status == 0, "\(run.stderr)")
        let requests = server.requests.count
        #expect(requests == 3, "two work items, one retry")

        let json = try Self.metricsJSON(fixture)
        let status = try AutodevBinary.run(["status"], in: fixture.path).stdout
        let history = try #require(try JSONSerialization.jsonObject(with: try AutodevBinary.run(["history", "--json"], in: fixture.path).stdoutData) as? [[String: Any]])
        #expect(Self.value(json, "counters.calls.made") as? Int == requests, "\(json)")
        #expect(Self.value(json, "counters.calls.failed") as? Int == 1)
        #expect(Self.value(json, "counters.runs") as? Int == history.count && history.count == Self.firstNumber(after: "work items: \(Self.value(json, "counters.workItems") as? Int ?? -1) over ", in: status),
                "\(status)")
        #expect(Self.value(json, "counters.workItems") as? Int == 2)
        #expect(Self.value(json, "counters.tokens.input") as? Int == (requests - 1) * 1200 && Self.value(json, "counters.tokens.output") as? Int == (requests - 1) * 80)
        #expect(status.contains("LLM usage: \(requests) calls (1 without a usable answer), \((requests - 1) * 1200) tokens in"), "\(status)")
        #expect(Self.value(json, "gauges.pending") as? Int == Self.firstNumber(after: "pending: ", in: status))
        #expect(Self.value(json, "counters.tiers.llm") as? Int == 2 && Self.value(json, "counters.work.llm.landed") as? Int == 2, "\(json)")
        #expect(Self.value(json, "counters.errors.llm-failed") as? Int == 1)
        #expect(Self.value(json, "counters.eventsByKind.specificationChanged") as? Int == 2, "the adopted spec, then its change")
        // One observation per request, one per pass that ran; buckets cumulative up to the count.
        let calls = try #require(Self.value(json, "latency.llm_call:test") as? [String: Any], "\(json)")
        #expect(calls["count"] as? Int == requests)
        let buckets = try #require(calls["buckets"] as? [[String: Any]]).map { $0["count"] as? Int ?? -1 }
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0 <= $1 } && buckets.last == requests)
        #expect(Self.value(json, "latency.sync.count") as? Int == history.count)
        #expect(Self.value(json, "latency.tier:llm.count") as? Int == 1, "one change through tier 5")

        // The same figures in the Prometheus text, read by the reference parser.
        let text = try AutodevBinary.run(["metrics"], in: fixture.path)
        #expect(text.status == 0, "\(text.stderr)")
        let parsed = try PrometheusParser.parse(text.stdout)
        #expect(parsed["autodev_llm_calls counter"]?.first?.value == Double(requests), "\(parsed.keys.sorted())")
        #expect(parsed["autodev_runs counter"]?.first?.value == Double(history.count))
        #expect(parsed["autodev_pending_work gauge"]?.first?.value == Double(Self.value(json, "gauges.pending") as? Int ?? -1))
        let histogram = try #require(parsed["autodev_llm_call_duration_seconds histogram"])
        #expect(histogram.first { $0.name.hasSuffix("_count") && $0.labels["provider"] == "test" }?.value == Double(requests))
        #expect(histogram.first { $0.labels["le"] == "+Inf" }?.value == Double(requests))

        // --output: the same text, written atomically.
        let file = fixture.path + "/../autodev-\(UUID().uuidString).prom"
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try AutodevBinary.run(["metrics", "--output", file], in: fixture.path).stdout.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text.stdout)
        let both = try AutodevBinary.run(["metrics", "--json", "--prometheus"], in: fixture.path)
        #expect(both.status == 64 && both.stderr.contains("not both"), "\(both.stderr)")
    }

    @Test func aSyncStoppedByAnErrorIsCountedByItsCode() throws {
        let fixture = try GitFixture()
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        try fixture.write("specs/001-a/spec.md", "# A\n\n- **FR-000**: System MUST start\n- **FR-001**: System MUST log\n")
        try fixture.commit("A requirement")
        // The results branch set to the branch checked out: the pass refuses it (exit 2).
        let branch = try fixture.git(["symbolic-ref", "--short", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let refused = try SyncCommandTests.sync(fixture, environment: ["AUTODEV_LOOP_RESULTS_BRANCH": branch])
        #expect(refused.status == 2, "\(refused.stderr)")
        let json = try Self.metricsJSON(fixture)
        #expect(Self.value(json, "counters.errors") as? [String: Int] == ["invalidConfig": 1], "\(json)")
        let parsed = try PrometheusParser.parse(try AutodevBinary.run(["metrics"], in: fixture.path).stdout)
        #expect(parsed["autodev_errors counter"]?.first { $0.labels["code"] == "invalidConfig" }?.value == 1)
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func theHTMLReportShowsTheMetricsFiguresInChromiumWithNoConsoleErrorAndRunsNoSpecText() throws {
        let attack = "System MUST log </script><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','1')\"><script>document.documentElement.setAttribute('data-pwned','2')</script>"
        // Green on the processed commit, red (with hostile output) once generated code is in.
        let check = "test ! -d Sources/Generated || { echo '</pre><img src=y onerror=\"document.title=1\">'; exit 1; }\n"
        let (fixture, _) = try Self.syncedProject(extra: "[validate]\ncommand = \"sh ci/check.sh\"\n[loop.recovery]\nmax_retries = 0\n",
                                                  requirement: attack, check: check)
        let folder = fixture.path + "/../report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try SyncCommandTests.sync(fixture, ["--report-html", folder + "/from-sync"])
        #expect(run.status == 1 && run.stderr.contains("failed validation"), "the change failed validation: \(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/from-sync/index.html"), "sync --report-html wrote the page")
        let written = try AutodevBinary.run(["report", "--html", folder], in: fixture.path)
        #expect(written.status == 0 && written.stdout.contains("index.html"), "\(written.stderr)")
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        let json = try Self.metricsJSON(fixture)
        #expect(Self.value(json, "gauges.failedValidation") as? Int == 1 && (Self.value(json, "gauges.pending") as? Int ?? 0) >= 1, "\(json)")
        #expect(!page.contains("<img") && page.contains("&lt;img src=x onerror="), "the requirement is shown, escaped")
        #expect(page.range(of: #"(src|href|action)\s*=\s*["']?[a-z]+:"#, options: .regularExpression) == nil, "nothing to fetch")

        guard let chromium = Self.chromium else {
            print("skipped: the Chromium part of this test needs Debian's chromium (scripts/setup-deps installs it)")
            return
        }
        let profile = try TemporaryDirectory(prefix: "autodev-chromium")
        defer { try? FileManager.default.removeItem(atPath: profile.path) }
        let browser = try Subprocess.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile.path,
                                                    "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + folder + "/index.html"])
        #expect(browser.status == 0, "\(browser.stderr)")
        let consoleLines = browser.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        #expect(consoleLines.isEmpty, "console: \(consoleLines)")
        let dom = browser.stdout
        #expect(dom.contains("data-ready=\"\(Self.value(json, "counters.runs") as? Int ?? -1)\""), "the page's script ran: \(dom.prefix(400))")
        #expect(!dom.contains("data-pwned=") && !dom.contains("<img"), "no spec text ran or became markup")
        #expect(dom.contains("&lt;/script&gt;&lt;img src=x onerror="), "the hostile requirement is there, as text")

        // Every figure on the page equals `metrics --json` at its path.
        let pattern = try NSRegularExpression(pattern: #"<(?:span|tspan)[^>]*data-metric="([^"]+)"([^>]*)>([^<]*)</"#)
        let matches = pattern.matches(in: dom, range: NSRange(dom.startIndex..., in: dom))
        var checked: Set<String> = []
        for match in matches {
            let path = String(dom[Range(match.range(at: 1), in: dom)!])
            let attributes = String(dom[Range(match.range(at: 2), in: dom)!])
            let text = String(dom[Range(match.range(at: 3), in: dom)!])
            guard let expected = Self.value(json, path) else {
                Issue.record("\(path) is on the page and not in metrics --json")
                continue
            }
            switch expected {
            case let number as NSNumber:
                // Integers exactly; decimals to the places shown (a ratio is shown ×100).
                let scale = attributes.contains("data-scale=\"100\"") ? 100.0 : 1.0
                let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
                let shown = try #require(Double(text), "\(path): \(text)")
                let tolerance = decimals == 0 ? 1e-9 : 0.5 * pow(10, -Double(decimals)) + 1e-9
                #expect(abs(shown - number.doubleValue * scale) <= tolerance, "\(path): page \(text), metrics \(number)")
            case is NSNull:
                #expect(text == "–", "\(path): page \(text), metrics has none")
            default:
                Issue.record("\(path) is not a figure of metrics --json: \(String(describing: expected))")
            }
            checked.insert(path)
        }
        #expect(checked.count >= 20, "\(checked.sorted())")
        for path in ["counters.calls.made", "counters.runs", "gauges.pending", "gauges.failedValidation", "gauges.budgetLeftRatio",
                     "latency.llm_call:test.p50Seconds", "latency.sync.count", "counters.costUSD"] {
            #expect(checked.contains(path), "\(path) not on the page")
        }
    }
}
