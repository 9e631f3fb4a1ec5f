@testable import AutodevCore
import AutodevTestSupport
import Testing

/// What a change needs of the answer format and the planner: items of one answer build on each
/// other, "nothing to do" settles an item, and a feature's work comes in the spec's order.
@Suite struct ChangeAnswerTests {
    let edits = AnswerFormat(editFormat: .searchReplace)

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("the parts of one answer apply in order: the second item's SEARCH matches the first item's edit")
    func partsBuildOnEachOther() throws {
        let text = """
            === WORK w1 ===
            src/store.py
            ```python
            <<<<<<< SEARCH
            # end
            =======
            def one(): pass
            # end
            >>>>>>> REPLACE
            ```
            === WORK w2 ===
            src/store.py
            ```python
            <<<<<<< SEARCH
            def one(): pass
            =======
            def one(): pass
            def two(): pass
            >>>>>>> REPLACE
            ```
            """
        let parsed = try edits.parse(LLMAnswer(text: text, finish: .complete), work: ["w1", "w2"], current: { $0 == "src/store.py" ? Array("# store\n# end\n".utf8) : nil })
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.files["w1"] == ["src/store.py": bytes("# store\ndef one(): pass\n# end\n")])
        #expect(parsed.files["w2"] == ["src/store.py": bytes("# store\ndef one(): pass\ndef two(): pass\n# end\n")])
    }

    @Test("NOTHING TO DO settles an item: already implemented in a file that exists, or not code work")
    func nothingToDo() throws {
        let text = """
            === WORK w1 ===
            NOTHING TO DO w1: already implemented in `src/store.py`: open_store
            === WORK w2 ===
            **NOTHING TO DO w2: not code work: a release decision**
            === WORK w3 ===
            NOTHING TO DO w3: already implemented in src/missing.py
            === WORK w4 ===
            NOTHING TO DO w4: it is fine
            """
        let parsed = try edits.parse(LLMAnswer(text: text, finish: .complete), work: ["w1", "w2", "w3", "w4"], current: { $0 == "src/store.py" ? [1] : nil })
        #expect(parsed.settled["w1"]?.path == "src/store.py")
        #expect(parsed.settled["w2"]?.reason == "not code work: a release decision" && parsed.settled["w2"]?.path == nil)
        #expect(parsed.settled["w3"] == nil && parsed.problems["w3"]?.message.contains("no such file") == true)
        #expect(parsed.settled["w4"] == nil && parsed.problems["w4"]?.message.contains("not code work") == true)
        #expect(parsed.files.isEmpty && parsed.missing.isEmpty)
        // A one-item answer needs neither a marker nor the id.
        let alone = try edits.parse(LLMAnswer(text: "NOTHING TO DO: not code work: documentation only\n", finish: .complete), work: ["w9"], current: { _ in nil })
        #expect(alone.settled["w9"]?.reason == "not code work: documentation only")
        // Inside a fenced block it is file content, not an answer.
        let fenced = try edits.parse(LLMAnswer(text: "notes.md\n```\nNOTHING TO DO: not code work: x\n```\n", finish: .complete), work: ["w9"], current: { _ in nil })
        #expect(fenced.settled.isEmpty && fenced.files["w9"] != nil)
        #expect(AnswerFormat.instructions(for: .whole).contains("NOTHING TO DO <work id>: already implemented in <path>"))
    }

    @Test("a feature is one change; tasks come first by line, then requirements by line; test work is keyed by its file")
    func planner() {
        func item(_ id: String, spec: String, kind: Requirement.Kind, line: Int) -> WorkItem {
            var work = PromptBuilderTests.work(id, spec: spec)
            work.requirement?.ordinal = WorkItem.RequirementFields.ordinal(kind: kind, line: line)
            return work
        }
        let queue = [
            item("b", spec: "specs/002-store/spec.md", kind: .requirement, line: 9),
            item("x", spec: "specs/003-index/spec.md", kind: .requirement, line: 3),
            item("t2", spec: "specs/002-store/tasks.md", kind: .task, line: 12),
            item("a", spec: "specs/002-store/spec.md", kind: .requirement, line: 4),
            item("t1", spec: "specs/002-store/tasks.md", kind: .task, line: 7),
            PromptBuilderTests.work("p", action: .implementToPassTest, path: "tests/test_store.py", detail: "test_open"),
        ]
        let changes = ChangePlanner.plan(queue)
        #expect(changes.map(\.key) == ["specs/002-store", "specs/003-index", "tests/test_store.py"])
        #expect(changes[0].items.map(\.id) == ["t1", "t2", "a", "b"])
        #expect(changes[0].steps(size: 3).map { $0.map(\.id) } == [["t1", "t2", "a"], ["b"]])
    }
}
