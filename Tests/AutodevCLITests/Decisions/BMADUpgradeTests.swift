@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// Reading BMAD task marks wherever they sit (`SpecParser.bmad`) moves the text of every such
/// story's requirement. An upgrade must stay quiet: a repository adopted and synced before
/// gets no new work from the reading alone. Both ends of a sync's range are read by the same
/// reader, and what is kept between runs keyed by requirement content (the spec index) holds
/// no BMAD story or task, so the next sync decides only what its commits changed.
@Suite struct BMADUpgradeTests {
    static let story = """
        # Story 3.1: Sensor alerts

        ## 🎯 Overview

        As an operator I want an alert when a sensor goes quiet.

        ## 📋 Active tasks

        **`[ ]`** **`[TASK-3.1.1]`** **Raise the quiet-sensor alert in `src/alerts.py`**
        - **Subtasks:**
          - **[ ]** **[1a]** Add `check_quiet()` to `src/alerts.py`
          - **[ ]** **[1b]** Read the threshold from `src/settings.py`
        - **Progress:** `0%`

        **✅ [TASK-3.1.0]** Store the readings in `src/readings.py`
        - ✅ **[0a]** Add `save()` to `src/readings.py`

        ## 🔧 Architecture

        Sensors report every second; ten quiet seconds raise the alert.
        """

    static func awaiting(_ fixture: GitFixture) throws -> [String] {
        let status = try #require(try JSONSerialization.jsonObject(
            with: AutodevBinary.run(["status", "--json"], in: fixture.path).stdoutData) as? [String: Any])
        return (status["awaitingLLM"] as? [String] ?? []) + (status["pending"] as? [Any] ?? []).map { "\($0)" }
    }

    @Test func anAdoptedBMADRepositorySyncedAgainGetsNoWorkFromTheReading() throws {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try fixture.write("src/alerts.py", "def check_quiet(readings):\n    return False\n")
        try fixture.write("src/settings.py", "THRESHOLD = 10\n")
        try fixture.write("src/readings.py", "def save(reading):\n    pass\n")
        try fixture.write("docs/stories/3.1.story.md", Self.story)
        #expect(try AutodevBinary.run(["init"], in: fixture.path).status == 0)
        try fixture.commit("base")
        let adopted = try SyncCommandTests.sync(fixture)
        #expect(adopted.status == 0, "\(adopted.stderr)")
        #expect(try Self.awaiting(fixture).isEmpty)

        // A sync with nothing new: nothing.
        try fixture.write("src/readings.py", "def save(reading):\n    return reading\n")
        try fixture.commit("code only")
        #expect(try SyncCommandTests.sync(fixture).status == 0)
        #expect(try Self.awaiting(fixture).isEmpty)

        // The spec index, the one cache keyed by requirement content, keeps no key of a BMAD
        // story or task (it keeps functional requirements' keys): nothing read the old way lingers.
        let rows = try #require(SpecCacheStore.rows(path: SpecIndex.path(stateRoot: fixture.path + "/.auto-dev"))?.entries)
        let story = try #require(rows["docs/stories/3.1.story.md"]?.0, "the story has an index entry: \(rows.keys)")
        #expect(story.keys.isEmpty, "keys kept for a story: \(story.keys)")

        // Ticks in their wrappers, a progress figure, a progress log and re-worded prose: no work.
        try fixture.write("docs/stories/3.1.story.md", Self.story
            .replacingOccurrences(of: "**[ ]** **[1a]**", with: "**[x]** **[1a]**")
            .replacingOccurrences(of: "`0%`", with: "`50%`")
            .replacingOccurrences(of: "ten quiet seconds raise the alert.", with: "ten quiet seconds raise the alert once.\n\n## Progress log\n\n- check_quiet() written ✅"))
        try fixture.commit("docs: progress on 3.1")
        let progressed = try SyncCommandTests.sync(fixture)
        #expect(progressed.status == 0, "\(progressed.stderr)")
        #expect(try Self.awaiting(fixture).isEmpty, "\(progressed.stdout)")
        let preview = try AutodevBinary.run(["diff-events", "--explain", "--json", "HEAD~1..HEAD"], in: fixture.path)
        #expect(preview.status == 0)
        for action in ["newImplementation", "updateImplementation", "retireImplementation"] {
            #expect(!preview.stdout.contains("\"action\":\"\(action)\""), "\(preview.stdout)")
        }
    }
}
