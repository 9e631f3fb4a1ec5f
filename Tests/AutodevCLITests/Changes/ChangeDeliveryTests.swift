import AutodevTestSupport
import Foundation
import Testing

/// A feature is the unit of delivery: the built binary asks a scripted model on a loopback
/// OpenAI-compatible server for a feature whose items all edit one existing file and share a
/// module; every item lands in one change, each step is shown what the earlier ones wrote, a
/// later feature builds on the results branch, writers that never saw the current content are
/// merged three-way, and "nothing to do" settles an item.
@Suite struct ChangeDeliveryTests {
    static let storeAtHead = "# store module HEAD_MARKER\ndef open_store():\n    return {}\n\n# end of store\n"
    static let initAtHead = "# package\n# exports end\n"

    /// Answers every `## Work` section with SEARCH/REPLACE edits of src/store.py and
    /// src/__init__.py around their end markers (so each edit only applies on top of the earlier
    /// ones); FR-009 is answered "nothing to do".
    /// `leaveOut`: a requirement key the model skips in a request of several items.
    static func answer(to prompt: String, leaveOut: String? = nil) -> String {
        var out = ""
        let sections = prompt.components(separatedBy: "\n## Work ").dropFirst()
        for section in sections {
            let id = section.prefix(while: { !$0.isWhitespace })
            guard let line = section.split(separator: "\n").first(where: { $0.hasPrefix("Requirement ") }) else { continue }
            let key = line.dropFirst("Requirement ".count).prefix(while: { $0 != ":" })
            if let leaveOut, key == leaveOut, sections.count > 1 { continue }
            let feature = line.firstRange(of: "(specs/").map { line[$0.upperBound...].prefix(while: \.isNumber) } ?? ""
            if key == "FR-009" {
                out += "=== WORK \(id) ===\nNOTHING TO DO \(id): already implemented in src/store.py: open_store\n\n"
                continue
            }
            let function = "f\(feature)_" + key.lowercased().replacingOccurrences(of: "-", with: "_")
            if feature.hasPrefix("1") {
                // Features 1xx each get a module of their own (a new file).
                out += "=== WORK \(id) ===\nsrc/m\(feature).py\n```python\n<<<<<<< SEARCH\n=======\ndef \(function)():\n    return 1\n>>>>>>> REPLACE\n```\n\n"
                continue
            }
            out += """
                === WORK \(id) ===
                src/store.py
                ```python
                <<<<<<< SEARCH
                # end of store
                =======
                def \(function)():
                    return "\(key)"

                # end of store
                >>>>>>> REPLACE
                ```

                src/__init__.py
                ```python
                <<<<<<< SEARCH
                # exports end
                =======
                from .store import \(function)
                # exports end
                >>>>>>> REPLACE
                ```


                """
        }
        return out.isEmpty ? "OK" : out
    }

    static func reply(_ request: HTTPTestServer.Request) -> HTTPTestServer.Response { reply(request, leaveOut: nil) }

    static func reply(_ request: HTTPTestServer.Request, leaveOut: String?) -> HTTPTestServer.Response {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "test-model",
                                   "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": answer(to: prompt, leaveOut: leaveOut)]]],
                                   "usage": ["prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100]]
        return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    static func prompt(_ request: HTTPTestServer.Request) -> String {
        let messages = request.json()?["messages"] as? [[String: Any]] ?? []
        return messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
    }

    /// Requirements that name the file they change; `logged` is their second version.
    static func spec(_ count: Int, logged: Bool = false) -> String {
        var text = "# Store\n\n## Requirements\n\n"
        for n in 1...count {
            text += "- **FR-\(String(format: "%03d", n))**: System MUST offer operation \(n)\(logged ? ", logged," : "") in src/store.py\n"
        }
        return text
    }

    /// An adopted Python project with a provider, a check, and batch_size 4. Its features'
    /// requirements exist at adoption (the baseline) and name src/store.py; a test changes
    /// them, so each becomes work to update src/store.py, linked to it.
    static func project(server: HTTPTestServer, features: [(String, Int)] = [("002-store", 9)]) throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            \(server.providerTable())
            edit_format = "search-replace"

            [loop.llm_optimization]
            batch_size = 4

            [triage]
            enabled = false  # these tests count tier 5's requests (TriageHTTPTests covers triage)

            [validate]
            command = "! grep -rq BROKEN src"
            """)
        try fixture.write("src/store.py", storeAtHead)
        try fixture.write("src/__init__.py", initAtHead)
        for (feature, count) in features { try fixture.write("specs/\(feature)/spec.md", spec(count)) }
        try fixture.commit("Set up")
        #expect(try sync(fixture).status == 0)  // adopts
        return fixture
    }

    static func sync(_ fixture: GitFixture) throws -> ProcessResult {
        try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
    }

    static func pass(_ result: ProcessResult) throws -> [String: Any] {
        try #require((try AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first)
    }

    @Test func aFeatureOfNineItemsOnOneFileLandsAsOneChangeEachStepSeeingTheEarlierOnes() throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let fixture = try Self.project(server: server)
        let head = try fixture.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try fixture.write("specs/002-store/spec.md", Self.spec(9, logged: true))
        try fixture.commit("Log every store operation")
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let pass = try Self.pass(result)
        let items = try #require(pass["items"] as? [[String: Any]])
        #expect(items.count == 9, "\(items)")
        #expect(items.allSatisfy { $0["tier"] as? String == "llm" }, "\(items)")
        let implemented = items.filter { ($0["outcome"] as? String ?? "").contains("as part of change specs/002-store (9 items, 3 steps); validation passed") }
        #expect(implemented.count == 8, "\(items)")
        // The "nothing to do" answer settles FR-009: no files, not pending, not counted avoided.
        let settled = items.filter { ($0["outcome"] as? String ?? "").hasPrefix("settled by the model") }
        #expect(settled.count == 1 && (settled.first?["outcome"] as? String ?? "").contains("already implemented in src/store.py"), "\(items)")
        #expect((settled.first?["files"] as? [String])?.isEmpty == true)
        #expect(pass["pending"] as? Int == 0)
        #expect(pass["llmCallsAvoided"] as? Int == 0, "\(pass)")

        // 9 items, batch_size 4: three steps, three calls, no feedback round.
        let requests = server.requests.map(Self.prompt)
        #expect(requests.count == 3)
        // HEAD's content is in the first prompt; each later prompt holds what the earlier steps wrote.
        #expect(requests[0].contains("HEAD_MARKER") && !requests[0].contains("def f002_fr_001"))
        #expect(requests[1].contains("def f002_fr_004()") && requests[1].contains("from .store import f002_fr_004"), "\(requests[1])")
        #expect(!requests[1].contains("does not exist yet"))
        #expect(requests[2].contains("def f002_fr_008()"))

        // Git as the oracle: one results commit on the processed commit, holding every item.
        let store = try fixture.git(["show", "autodev/results:src/store.py"])
        let exports = try fixture.git(["show", "autodev/results:src/__init__.py"])
        for n in 1...8 {
            #expect(store.contains("def f002_fr_00\(n)()"), "\(store)")
            #expect(exports.contains("from .store import f002_fr_00\(n)\n"), "\(exports)")
        }
        #expect(store.hasPrefix("# store module HEAD_MARKER\n") && store.hasSuffix("# end of store\n"))
        #expect(try fixture.git(["rev-list", "--count", "autodev/results", "^\(head)", "^HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let message = try fixture.git(["log", "-1", "--format=%B", "autodev/results"])
        #expect(message.contains("Autodev-Change: specs/002-store\n") && message.contains("Autodev-Cost: "), "\(message)")
        let work = message.split(separator: "\n").first { $0.hasPrefix("Autodev-Work: ") }?.split(separator: ",").count
        #expect(work == 9, "\(message)")
        #expect(try fixture.git(["diff", "--name-only", "HEAD", "autodev/results"]) == "src/__init__.py\nsrc/store.py\n")

        // Settled and done: a run with nothing new asks nothing.
        let again = try Self.sync(fixture)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(server.requests.count == 3)
    }

    @Test func aLaterFeatureOnTheSameFileIsBuiltOnTheResultsBranch() throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let fixture = try Self.project(server: server, features: [("002-store", 3), ("003-index", 2)])
        try fixture.write("specs/002-store/spec.md", Self.spec(3, logged: true))
        try fixture.commit("Log the store's operations")
        #expect(try Self.sync(fixture).status == 0)
        // The index's own words: the same text as the store's would be a copy of those
        // requirements (requirement-copied), not work of its own.
        try fixture.write("specs/003-index/spec.md", Self.spec(2, logged: true).replacingOccurrences(of: "offer operation", with: "offer index operation"))
        try fixture.commit("Log the index's operations")
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests.map(Self.prompt)
        #expect(requests.count == 2)
        // The second feature's prompt shows the file as the results branch holds it.
        #expect(requests[1].contains("def f002_fr_003()"), "\(requests[1])")
        let store = try fixture.git(["show", "autodev/results:src/store.py"])
        for function in ["f002_fr_001", "f002_fr_002", "f002_fr_003", "f003_fr_001", "f003_fr_002"] {
            #expect(store.contains("def \(function)()"), "\(store)")
        }
        // The new tip is the index feature alone, on a commit carrying the store feature's files
        // (built on the earlier processed commit, not merged yet).
        let diff = try fixture.git(["diff", "autodev/results^", "autodev/results"])
        #expect(diff.contains("+def f003_fr_001()") && !diff.contains("+def f002_fr_001()"), "\(diff)")
        #expect(try fixture.git(["log", "-1", "--format=%B", "autodev/results"]).contains("Autodev-Change: specs/003-index\n"))
        #expect(try fixture.git(["log", "-1", "--format=%B", "autodev/results^"]).hasPrefix("autodev: generated files of earlier runs"))
    }

    /// An item the step's answer left out is asked alone after the step's other parts are laid
    /// over the tree, so its edit builds on them and no later part overwrites it.
    @Test func anItemLeftOutOfAStepIsAskedAloneOnTheWholeStepsResult() throws {
        let server = try HTTPTestServer { Self.reply($0, leaveOut: "FR-002") }
        let fixture = try Self.project(server: server, features: [("002-store", 3)])
        try fixture.write("specs/002-store/spec.md", Self.spec(3, logged: true))
        try fixture.commit("Log the store's operations")
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests.map(Self.prompt)
        #expect(requests.count == 2)
        #expect(requests.last?.contains("def f002_fr_003()") == true, "the re-ask shows the step's other parts")
        let store = try fixture.git(["show", "autodev/results:src/store.py"])
        for n in 1...3 { #expect(store.contains("def f002_fr_00\(n)()"), "\(store)") }
    }

    /// A model's answer for a step of many items can pass its output limit (a whole-file answer
    /// for the 19 items of a real Spec Kit feature was about 9,000 tokens; 8,192 is the default
    /// `max_output_tokens`). The same step asked again is cut off again; it is asked in halves
    /// instead, and every item lands.
    @Test func aStepWhoseAnswerIsCutOffAtTheOutputLimitIsAskedInHalves() throws {
        let server = try HTTPTestServer { request in
            let prompt = Self.prompt(request)
            guard prompt.components(separatedBy: "\n## Work ").count - 1 > 2 else { return Self.reply(request) }
            // More than two items: the answer stops at the limit, in the middle of a block.
            let cut = String(Self.answer(to: prompt).prefix(300))
            let body: [String: Any] = ["id": "x", "object": "chat.completion", "model": "test-model",
                                       "choices": [["index": 0, "finish_reason": "length", "message": ["role": "assistant", "content": cut]]],
                                       "usage": ["prompt_tokens": 1000, "completion_tokens": 8192, "total_tokens": 9192]]
            return .json(String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self))
        }
        let fixture = try Self.project(server: server, features: [("002-store", 4)])
        try fixture.write("specs/002-store/spec.md", Self.spec(4, logged: true))
        try fixture.commit("Log the store's operations")
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests.map(Self.prompt)
        // One step of 4 cut off, then two steps of 2: three calls, all counted.
        #expect(requests.count == 3, "\(requests.count) requests")
        #expect(requests.dropFirst().allSatisfy { $0.components(separatedBy: "\n## Work ").count - 1 == 2 })
        #expect(requests[2].contains("def f002_fr_002()"), "the second half is shown the first half's files")
        let pass = try Self.pass(result)
        let items = try #require(pass["items"] as? [[String: Any]])
        #expect(items.count == 4 && items.allSatisfy { ($0["outcome"] as? String ?? "").contains("as part of change specs/002-store (4 items, 2 steps)") }, "\(items)")
        #expect((pass["llm"] as? [String: Any])?["calls"] as? Int == 3, "\(pass)")
        let store = try fixture.git(["show", "autodev/results:src/store.py"])
        for n in 1...4 { #expect(store.contains("def f002_fr_00\(n)()"), "\(store)") }
    }

    /// Four items whose linked files do not fit one prompt together: the step is split until
    /// every file is shown whole, and the items still land as one change.
    @Test func aStepTooBigForTheContextBudgetIsSplitRatherThanCut() throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let fixture = try Self.project(server: server, features: [])
        var big: [String] = []
        for n in 1...4 {
            var text = ""
            for line in 0..<120 { text += "VALUE_\(n)_\(line) = \"\(String(repeating: "abcdefgh", count: 4))\"\n" }
            big.append(text + "# END big \(n)\n")
            try fixture.write("src/big\(n).py", big[n - 1])
        }
        let spec = { (logged: Bool) in
            "# Big\n\n" + (1...4).map { "- **FR-00\($0)**: System MUST offer operation \($0)\(logged ? ", logged," : "") in src/big\($0).py\n" }.joined()
        }
        try fixture.write("specs/002-big/spec.md", spec(false))
        try fixture.write("config/autodev.toml", try String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)
            .replacingOccurrences(of: "batch_size = 4", with: "batch_size = 4\nmax_context_tokens = 6000"))
        try fixture.commit("Big files")
        #expect(try Self.sync(fixture).status == 0)
        try fixture.write("specs/002-big/spec.md", spec(true))
        try fixture.commit("Log the big operations")
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests.map(Self.prompt)
        #expect(requests.count >= 2, "one step of 4 would cut files: \(requests.count) request(s)")
        for n in 1...4 { #expect(requests.contains { $0.contains("# END big \(n)") }, "src/big\(n).py shown whole") }
        #expect(!requests.contains { $0.contains("src/big") && $0.contains("trimmed to fit the context budget") })
        let items = try #require(try Self.pass(result)["items"] as? [[String: Any]])
        #expect(items.count == 4 && items.allSatisfy { ($0["outcome"] as? String ?? "").contains("as part of change specs/002-big") }, "\(items)")
    }

    /// Two features in one run: two stacked commits, each diff one feature's, and a reviewer can
    /// take the second without the first.
    @Test func twoFeaturesInOneRunAreTwoCommitsThatCherryPickAlone() throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let fixture = try Self.project(server: server, features: [])
        try fixture.write("specs/101-alpha/spec.md", "# Alpha\n\n- **FR-001**: System MUST compute alpha\n")
        try fixture.write("specs/102-beta/spec.md", "# Beta\n\n- **FR-001**: System MUST compute beta\n")
        try fixture.commit("Two features")
        let head = try fixture.head()
        let result = try Self.sync(fixture)
        #expect(result.status == 0, "\(result.stderr)")
        let commits = try fixture.git(["rev-list", "--reverse", "autodev/results", "^\(head)"]).split(separator: "\n").map(String.init)
        #expect(commits.count == 2)
        var changed: [String] = []
        for commit in commits {
            changed.append(try fixture.git(["diff", "--name-only", commit + "^", commit]).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(changed.sorted() == ["src/m101.py", "src/m102.py"], "\(changed)")
        // Take only the second feature onto the user's branch (a scratch branch here).
        _ = try fixture.git(["checkout", "-q", "-b", "review", head])
        _ = try fixture.git(["cherry-pick", try #require(commits.last)])
        #expect(try fixture.git(["diff", "--name-only", head, "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines) == changed.last)
    }

    /// A template never saw what the model wrote: its output is merged three-way on HEAD's
    /// content; a real conflict holds it back once and is not a failure of every later run.
    @Test(arguments: [false, true])
    func aTemplateWritingAGeneratedFileIsMergedOrParkedOnAConflict(_ conflicting: Bool) throws {
        let server = try HTTPTestServer(handler: Self.reply)
        let fixture = try Self.project(server: server, features: [("002-store", 2)])
        try fixture.write("specs/002-store/spec.md", Self.spec(2, logged: true))
        try fixture.commit("Log the store's operations")
        #expect(try Self.sync(fixture).status == 0)
        let modelVersion = try fixture.git(["show", "autodev/results:src/store.py"])
        // The template rewrites HEAD's file: its first line (clean) or the line the model edited next to.
        let rendered = conflicting ? Self.storeAtHead.replacingOccurrences(of: "# end of store", with: "# store ends here")
                                   : Self.storeAtHead.replacingOccurrences(of: "# store module HEAD_MARKER", with: "# store module, audited")
        try fixture.write("config/templates/store.mustache", "{{! autodev\npath: src/store.py\nkind: answer\n}}\n" + rendered)
        try fixture.write("specs/004-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST audit the store\n")
        try fixture.commit("A template that touches the store")
        let result = try Self.sync(fixture)
        let store = try fixture.git(["show", "autodev/results:src/store.py"])
        if conflicting {
            #expect(result.status == 1, "\(result.stdout)")
            #expect(result.stderr.contains("held back") && result.stderr.contains("src/store.py"), "\(result.stderr)")
            #expect(store == modelVersion)
            let tip = try fixture.git(["rev-parse", "autodev/results"])
            // Parked: the next runs exit 0, change nothing and ask nothing.
            for _ in 0..<2 {
                let again = try Self.sync(fixture)
                #expect(again.status == 0, "\(again.stderr)")
                let pass = try Self.pass(again)
                #expect(pass["pending"] as? Int == 1)
                #expect((pass["notes"] as? [String] ?? []).contains { $0.hasPrefix("still held back: ") && $0.contains("src/store.py") }, "\(pass)")
            }
            #expect(try fixture.git(["rev-parse", "autodev/results"]) == tip)
        } else {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(store.hasPrefix("# store module, audited\n"), "\(store)")
            #expect(store.contains("def f002_fr_001()") && store.contains("def f002_fr_002()"), "\(store)")
        }
        #expect(server.requests.count == 1)
    }
}
