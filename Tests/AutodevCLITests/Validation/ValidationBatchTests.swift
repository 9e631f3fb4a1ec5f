import AutodevTestSupport
import Foundation
import Testing

/// The validation gate checks a pass's templated answers together: one scratch copy and one
/// run of the project's check when they all pass; when it fails, the answer that breaks it is
/// still found (by halves) and only it is discarded (a scaffold for tier 5); the others land.
/// The check is a real script that counts its own runs in a file outside the scratch copy.
@Suite struct ValidationBatchTests {
    /// A project whose check appends "answers" (the tree has generated files under src/) or
    /// "baseline" (it has none) to `runs`, and fails when a generated file says BROKEN; an
    /// answer template that writes one module per requirement with its title in it; adopted.
    static func project(runs: String) throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("README.md", "# app\n")
        let check = "if [ -d src ]; then echo answers >> '\(runs)'; else echo baseline >> '\(runs)'; fi; ! grep -rq BROKEN src 2>/dev/null"
        try fixture.write("config/autodev.toml", """
            [validate]
            command = "\(check.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))"
            sandbox = "none"

            """)
        try fixture.write("config/templates/module.mustache", """
            {{! autodev
            path: src/{{featureIdent}}/{{ident}}.py
            when: newImplementation
            kind: answer
            }}
            \"\"\"{{key}}: {{title}}\"\"\"

            """)
        try fixture.commit("base")
        let adopted = try SyncCommandTests.sync(fixture)
        #expect(adopted.status == 0, "\(adopted.stderr)")
        return fixture
    }

    /// A spec with `count` requirements; the one at `broken` (if any) makes its module say BROKEN.
    static func specify(_ fixture: GitFixture, count: Int, broken: Int?) throws {
        var spec = "# Export\n\n## Requirements\n\n"
        for index in 0..<count {
            let number = String(format: "%03d", index + 1)
            spec += "- **FR-\(number)**: System MUST export \(index == broken ? "BROKEN " : "")column \(index + 1)\n"
        }
        try fixture.write("specs/001-export/spec.md", spec)
        try fixture.commit("Specify export")
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func eightTemplatedAnswersThatPassCostOneRunOfTheCheck() throws {
        let runs = try TemporaryDirectory(prefix: "autodev-runs")
        defer { runs.remove() }
        let counter = runs.path + "/runs"
        let fixture = try Self.project(runs: counter)
        try Self.specify(fixture, count: 8, broken: nil)
        try? FileManager.default.removeItem(atPath: counter)  // what adopting ran, if anything
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let items = try #require(try Tier5CommandTests.pass(result)["items"] as? [[String: Any]])
        #expect(items.count == 8)
        #expect(items.allSatisfy { $0["tier"] as? String == "template" && ($0["outcome"] as? String ?? "").contains("validation passed") }, "\(items)")
        #expect(try SyncCommandTests.resultsFiles(fixture).count == 8)
        // One run on the processed commit (the baseline), one with all eight answers.
        #expect(Self.lines(counter).sorted() == ["answers", "baseline"], "\(Self.lines(counter))")
    }

    @Test(arguments: [0, 4, 7])
    func aFailingAnswerAmongEightIsFoundAndDiscardedAlone(_ broken: Int) throws {
        let runs = try TemporaryDirectory(prefix: "autodev-runs")
        defer { runs.remove() }
        let counter = runs.path + "/runs"
        let fixture = try Self.project(runs: counter)
        try Self.specify(fixture, count: 8, broken: broken)
        try? FileManager.default.removeItem(atPath: counter)
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let items = try #require(try Tier5CommandTests.pass(result)["items"] as? [[String: Any]])
        #expect(items.count == 8)
        // Only the BROKEN one failed (a scaffold, written out for a model: no provider here);
        // the seven others passed and landed.
        for item in items {
            let outcome = item["outcome"] as? String ?? ""
            if (item["subject"] as? String ?? "").hasPrefix("FR-" + String(format: "%03d", broken + 1)) {
                #expect(item["tier"] as? String == "offline" && outcome.contains("template output failed validation"), "\(item)")
            } else {
                #expect(item["tier"] as? String == "template" && outcome.contains("validation passed"), "\(item)")
            }
        }
        let landed = try SyncCommandTests.resultsFiles(fixture)
        #expect(landed.count == 7, "\(landed)")
        #expect(!landed.contains { $0.contains("fr_" + String(format: "%03d", broken + 1)) }, "\(landed)")
        for path in landed { #expect(!(try fixture.git(["show", "autodev/results:" + path])).contains("BROKEN")) }
        // Fewer runs than one per answer: the whole (fails), then halves down to the answer.
        let answerRuns = Self.lines(counter).filter { $0 == "answers" }.count
        #expect(answerRuns >= 2 && answerRuns <= 7, "\(Self.lines(counter))")
        #expect(Self.lines(counter).filter { $0 == "baseline" }.count == 1)
    }
}
