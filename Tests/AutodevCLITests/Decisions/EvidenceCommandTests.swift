import AutodevTestSupport
import Foundation
import Testing

/// End to end, the built binary on a real repository: a Spanish Kiro spec, a Chinese task list
/// and an English one over a sub-project, decided from the code (issue 21). Adoption still
/// creates no work; the preview and the sync agree on what is work.
@Suite struct EvidenceCommandTests {
    static func project() throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try SyncCommandTests.initAnswering(fixture)
        try fixture.write("backend/app/models/interview_message.py", "class InterviewMessage: ...\n")
        try fixture.write("backend/app/storage/memory_store.py", "class MemoryStore:\n    def add(self, item): ...\n")
        try fixture.write("backend/app/offline/sync.py", "def sync(): ...\n")
        try fixture.write(".kiro/specs/entrevistas/requirements.md", """
            # Documento de requisitos

            ### Requisito 1: Guardar mensajes

            1. CUANDO llega un mensaje ENTONCES el sistema DEBERÁ guardarlo
            """)
        try fixture.write(".kiro/specs/entrevistas/tasks.md", """
            # Plan de implementación

            - [x] 1.1 Modelo de mensajes en `app/models/interview_message.py`
              - _Requisitos: 1.1_
            - [ ] 2.1 Eliminar archivos de implementación offline anterior
              - `backend/app/offline/sync.py`
            """)
        try fixture.write("specs/003-stats/tasks.md", """
            # Tasks: Stats

            - [ ] T001 Add count_completed() to MemoryStore in app/storage/memory_store.py
            - [ ] T002 为 `MemoryStore` 添加 `add()` 方法
            """)
        try fixture.commit("Interviews and stats, specified")
        return fixture
    }

    static func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    /// `diff-events --explain --backfill --json`: the decisions a backfill would make, with
    /// their rules and reasons.
    static func backfillPreview(_ fixture: GitFixture) throws -> [String: String] {
        let result = try AutodevBinary.run(["diff-events", "--explain", "--backfill", "--json"], in: fixture.path)
        #expect(result.status == 0, "\(result.stderr)")
        let decisions = try #require(try Self.json(result)["decisions"] as? [[String: Any]])
        var byKey: [String: String] = [:]
        for decision in decisions {
            guard let requirement = decision["requirement"] as? [String: Any], let key = requirement["key"] as? String else { continue }
            byKey[key] = "\(decision["action"] as? String ?? "?") [\(decision["rule"] as? String ?? "?")] \(decision["reason"] as? String ?? "")"
        }
        return byKey
    }

    @Test func theBackfillPreviewReadsTheCodeAndTheFirstSyncStillCreatesNoWork() throws {
        let fixture = try Self.project()
        let preview = try Self.backfillPreview(fixture)
        #expect(preview["Requirement 1"]?.hasPrefix("skip [requirement-done]") == true, "\(preview)")
        #expect(preview["Task 1.1"]?.hasPrefix("skip [requirement-done]") == true, "\(preview)")
        #expect(preview["Task 2.1"] == "newImplementation [removal-pending] a task that deletes or moves files, not done: backend/app/offline/sync.py still there")
        #expect(preview["T001"] == "newImplementation [requirement-added] new requirement; `count_completed` is not in backend/app/storage/memory_store.py yet")
        #expect(preview["T002"] == "skip [requirement-added-implemented] already implemented: `MemoryStore`, `add` are in backend/app/storage/memory_store.py")

        // Adoption: no work, and the onboarding summary counts exactly the two open items.
        let adopted = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(adopted.status == 0, "\(adopted.stderr)")
        let pass = try #require((try Self.json(adopted)["passes"] as? [[String: Any]])?.first)
        #expect((pass["items"] as? [Any])?.isEmpty == true, "\(pass)")
        let adoption = try #require(pass["adoption"] as? [String: Any])
        #expect(adoption["backfillable"] as? Int == 2, "\(adoption)")

        // The person deletes the offline files and adds count_completed: the next sync has no
        // work — no restore of the deleted files, no task left open.
        try fixture.remove("backend/app/offline/sync.py")
        try fixture.write("backend/app/storage/memory_store.py", "class MemoryStore:\n    def add(self, item): ...\n\n    def count_completed(self):\n        return 0\n")
        try fixture.commit("Drop offline; count completed")
        let events = try AutodevBinary.run(["diff-events", "--explain", "--json"], in: fixture.path)
        #expect(events.status == 0, "\(events.stderr)")
        let decisions = try #require(try Self.json(events)["decisions"] as? [[String: Any]])
        #expect(decisions.allSatisfy { $0["action"] as? String == "skip" }, "\(decisions)")
        let synced = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(synced.status == 0, "\(synced.stderr)")
        let next = try #require((try Self.json(synced)["passes"] as? [[String: Any]])?.first)
        #expect((next["items"] as? [Any])?.isEmpty == true, "\(next)")
        #expect(preview.count == 5)
        let after = try Self.backfillPreview(fixture)
        #expect(after["Task 2.1"] == "skip [removal-done] done: backend/app/offline/sync.py is gone")
        #expect(after["T001"] == "skip [requirement-added-implemented] already implemented: `count_completed`, `MemoryStore` are in backend/app/storage/memory_store.py")
    }
}
