import AutodevTestSupport
import Foundation
import Testing

/// Work queued for a model (no provider yet, a budget reached) is withdrawn when a later commit
/// shows the author did it by hand: its task ticked, or its requirement committed with code. A
/// replay of a public Kiro history left 181 of 305 queued items ticked by the author, each a
/// call waiting to be paid for work already done.
@Suite struct WithdrawnWorkTests {
    static let tasks = """
        # Implementation Plan

        - [ ] 1. Add `export_csv()` to `src/export.py`
          - Write rows with a header
        - [ ] 2. Add `import_csv()` to `src/importer.py`
          - Read rows back
        - [ ] 3. Add `merge_csv()` to `src/merge.py`
          - Merge two files
        """

    static func awaiting(_ fixture: GitFixture) throws -> [String] {
        let status = try #require(try JSONSerialization.jsonObject(
            with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        return (status["awaitingLLM"] as? [String] ?? []).sorted()
    }

    static func requestFiles(_ fixture: GitFixture) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.auto-dev/loop/pending")) ?? []).sorted()
    }

    static func withdrawnLog(_ fixture: GitFixture) throws -> [[String: Any]] {
        let folder = fixture.path + "/.auto-dev/loop/decisions"
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().flatMap { name in
            try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n").compactMap { line in
                (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).flatMap { $0["rule"] as? String == "work-withdrawn" ? $0 : nil }
            }
        }
    }

    @Test func queuedWorkTheAuthorFinishedIsWithdrawnAndItsRequestRemoved() throws {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try fixture.write("src/app.py", "x = 1\n")
        #expect(try AutodevBinary.run(["init"], in: fixture.path).status == 0)
        try fixture.commit("base")
        #expect(try SyncCommandTests.sync(fixture).status == 0)

        try fixture.write(".kiro/specs/export/tasks.md", Self.tasks)
        try fixture.commit("plan export")
        let planned = try SyncCommandTests.sync(fixture)
        #expect(planned.status == 0, "\(planned.stderr)")
        #expect(try Self.awaiting(fixture).count == 3)
        #expect(Self.requestFiles(fixture).count == 3)

        // Task 1 ticked by hand: its request goes, the others stay.
        try fixture.write(".kiro/specs/export/tasks.md", Self.tasks.replacingOccurrences(of: "- [ ] 1.", with: "- [x] 1."))
        try fixture.commit("export done by hand")
        let ticked = try SyncCommandTests.sync(fixture)
        #expect(ticked.status == 0, "\(ticked.stderr)")
        #expect(ticked.stdout.contains("Task 1 (.kiro/specs/export/tasks.md): queued work withdrawn, the task is ticked"), "\(ticked.stdout)")
        #expect(try Self.awaiting(fixture).count == 2)
        #expect(Self.requestFiles(fixture).count == 2)

        // Task 2 rewritten and implemented in the same commit: the newest decision (implemented
        // alongside) withdraws it too; task 3 still waits for a model.
        try fixture.write(".kiro/specs/export/tasks.md", Self.tasks
            .replacingOccurrences(of: "- [ ] 1.", with: "- [x] 1.")
            .replacingOccurrences(of: "Read rows back", with: "Read rows back, skipping the header"))
        try fixture.write("src/importer.py", "def import_csv(path):\n    return []\n")
        try fixture.commit("import, by hand")
        let alongside = try SyncCommandTests.sync(fixture)
        #expect(alongside.status == 0, "\(alongside.stderr)")
        #expect(try Self.awaiting(fixture).count == 1)
        #expect(Self.requestFiles(fixture).count == 1)
        let withdrawn = try Self.withdrawnLog(fixture)
        #expect(withdrawn.compactMap { $0["requirement"] as? String }.sorted() == ["Task 1", "Task 2"])
        #expect(withdrawn.allSatisfy { ($0["work"] as? String)?.isEmpty == false })
        let request = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/pending/" + Self.requestFiles(fixture)[0], encoding: .utf8)
        #expect(request.contains("merge_csv"))
    }
}
