import AutodevTestSupport
import Foundation
import Testing

/// Issue 21's largest wrong kind on unseen repositories: a feature's merge implements tasks its
/// tasks.md leaves unticked (ticked later in a docs-only commit). The rules see no tick and
/// often no file; triage asks, with the lines of the code that hold each task's names and
/// quoted phrases as evidence. Against a real HTTP server on 127.0.0.1 and a real merge.
@Suite struct TriageEvidenceHTTPTests {
    static let search = """
        from app.context import SearchContext

        MIN_QUERY_LENGTH = 2


        def search_notes(notes, query, context: SearchContext):
            query = query.strip()
            if len(query) < MIN_QUERY_LENGTH:
                raise ValueError("Search needs at least 2 characters")
            found = [note for note in notes if query.lower() in note.title.lower()]
            context.remember(found)
            return found

        """
    static let context = """
        class SearchContext:
            \"\"\"The last results, so that "the first one" means something in the next message.\"\"\"

            def __init__(self):
                self.last = []

            def remember(self, results):
                self.last = list(results)

        """
    /// T002 and T003 are done by the merge's code though unticked; T004 and T005 are open. T003
    /// gives the class it adds (`SearchContext`), which the merge declares: the rules see that
    /// (`implemented-alongside`); T002's quoted phrase is left to triage.
    static let tasks = """
        # Tasks: Search notes by title

        ## Phase 1: Search

        - [x] T001 Create `search_notes()` in backend/app/search.py
        - [ ] T002 Add a check that rejects short queries with "Search needs at least 2 characters"
        - [ ] T003 Add SearchContext memory of the last results so follow-up questions can refer to them
        - [ ] T004 Add a CSV download of the results with `export_results_csv()` in backend/app/export.py
        - [ ] T005 Add paging to long result lists, twenty notes at a time

        """

    /// A notes app adopted with no search, then a merge of a branch that adds the search code,
    /// its test and its tasks.md together.
    static func project(config: String) throws -> GitFixture {
        let fixture = try GitFixture()
        if !config.isEmpty { try fixture.write("config/autodev.toml", config) }
        try fixture.write("backend/app/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
        try fixture.write("specs/001-notes/tasks.md", "# Tasks: Notes\n\n- [x] T001 Create the app in backend/app/main.py\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture, [], environment: ["TEST_LLM_KEY": "k"]).status == 0)  // adopts
        _ = try fixture.git(["checkout", "-q", "-b", "002-search"])
        try fixture.write("backend/app/search.py", search)
        try fixture.write("backend/app/context.py", context)
        try fixture.write("backend/tests/test_search.py", """
            from app.context import SearchContext
            from app.search import search_notes


            def test_short_query_is_rejected():
                try:
                    search_notes([], "a", SearchContext())
                except ValueError:
                    return
                assert False

            """)
        try fixture.write("specs/002-search/tasks.md", tasks)
        try fixture.commit("Search notes by title")
        _ = try fixture.git(["checkout", "-q", "-"])
        _ = try fixture.git(["merge", "-q", "--no-ff", "-m", "Merge branch 002-search", "002-search"])
        return fixture
    }

    /// The decisions of every run, by task key.
    static func decisions(_ fixture: GitFixture) throws -> [String: [String: Any]] {
        let folder = fixture.path + "/.auto-dev/loop/decisions"
        var byKey: [String: [String: Any]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".jsonl") {
            for line in try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if let key = record["requirement"] as? String, (record["spec"] as? String)?.contains("002-search") == true { byKey[key] = record }
            }
        }
        return byKey
    }

    /// "N yes" for an item whose evidence shows a line of the code (`… at path:line: …`), as a
    /// model reading the evidence would answer; "N no" otherwise.
    static func answer(_ prompt: String) -> String {
        var answers: [Int: Bool] = [:]
        var item = 0
        for line in prompt.split(separator: "\n") {
            if let number = Int(line.prefix { $0.isNumber }), line.dropFirst(String(number).count).hasPrefix(". ") {
                item = number
                answers[item] = false
            } else if item > 0, line.contains(" at backend/app/") {
                answers[item] = true
            }
        }
        return answers.keys.sorted().map { "\($0) \(answers[$0]! ? "yes" : "no")" }.joined(separator: "\n")
    }

    @Test func tasksTheMergeImplementedAreAskedWithTheirCodeLinesAndSkippedOnAYes() throws {
        let server = try HTTPTestServer { request in
            let messages = request.json()?["messages"] as? [[String: Any]] ?? []
            let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
            if TriageHTTPTests.isTriage(request) { return TriageHTTPTests.reply(Self.answer(prompt)) }
            return TriageHTTPTests.reply(Tier5HTTPTests.answer(to: prompt), input: 1200, output: 80)
        }
        let fixture = try Self.project(config: server.providerTable())
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")

        let triage = server.requests.filter(TriageHTTPTests.isTriage)
        #expect(triage.count == 1, "one batched question")
        let messages = try #require(triage.first?.json()?["messages"] as? [[String: Any]])
        let prompt = messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        // The lines that hold the tasks' phrase and name, where git finds them.
        let grep = try fixture.git(["grep", "-n", "Search needs at least 2", "HEAD", "--", "backend/app/search.py"])
        let parts = grep.split(separator: ":", maxSplits: 3).map(String.init)
        #expect(parts.count == 4)
        #expect(prompt.contains("backend/app/search.py:\(parts[2]): \(parts[3].trimmingCharacters(in: .whitespacesAndNewlines))"), "\(prompt)")
        #expect(!prompt.contains("(T003)"), "the rules decided T003 from the class the merge declares: \(prompt)")
        // The open tasks have no name in the code the range wrote: nothing suggests they are
        // done, so they are not asked about (tokens spent for a sure "no").
        #expect(!prompt.contains("export_results_csv") && !prompt.contains("(T004)") && !prompt.contains("(T005)"), "\(prompt)")
        #expect(!prompt.contains("`backend`"), "a part of a path is no name to look up")
        #expect(prompt.contains("backend/app/search.py") && prompt.contains("backend/app/context.py"), "the feature's changed files: \(prompt)")
        #expect(!prompt.contains("T001"), "a ticked task is not asked about")

        let decisions = try Self.decisions(fixture)
        for key in ["T002"] {
            #expect(decisions[key]?["action"] as? String == "skip", "\(key): \(decisions[key] ?? [:])")
            #expect(decisions[key]?["rule"] as? String == "triage-skip")
            #expect((decisions[key]?["reason"] as? String)?.contains("triage") == true)
        }
        #expect(decisions["T003"]?["rule"] as? String == "implemented-alongside", "\(decisions["T003"] ?? [:])")
        for key in ["T004", "T005"] {
            #expect(decisions[key]?["action"] as? String == "newImplementation", "\(key) stays work: \(decisions[key] ?? [:])")
        }
        let pass = try TriageHTTPTests.pass(result)
        let accounting = try #require(pass["accounting"] as? [String: Any])
        #expect(accounting["triageCalls"] as? Int == 1)
        #expect(accounting["callsMade"] as? Int == server.requests.count, "every request that left the machine is a call")
    }

    @Test func withoutAProviderTheRulesDecideAloneAndThePreviewNamesTheDoubt() throws {
        let fixture = try Self.project(config: "")
        let preview = try AutodevBinary.run(["diff-events", "HEAD^1..HEAD", "--json", "--explain"], in: fixture.path)
        let previewed = try #require(try DiffEventsCommandTests.json(preview)["decisions"] as? [[String: Any]])
        let unsure = previewed.filter { ($0["unsure"] as? String)?.contains("already do what this task asks") == true }
        #expect(Set(unsure.compactMap { ($0["requirement"] as? [String: Any])?["key"] as? String }) == ["T002"], "\(previewed)")

        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let decisions = try Self.decisions(fixture)
        for key in ["T002", "T004", "T005"] {
            #expect(decisions[key]?["action"] as? String == "newImplementation", "\(key): \(decisions[key] ?? [:])")
        }
        #expect(decisions["T003"]?["rule"] as? String == "implemented-alongside", "\(decisions["T003"] ?? [:])")
        #expect(decisions.values.allSatisfy { $0["rule"] as? String != "triage-skip" })
    }
}
