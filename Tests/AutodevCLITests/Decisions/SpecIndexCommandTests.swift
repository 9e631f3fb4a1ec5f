import AutodevTestSupport
import Foundation
import Testing

/// The spec index end to end: `sync` keeps it, with the spec trees by id, in
/// `.auto-dev/cache/specs.sqlite`, and `diff-events --explain --json` decides a range the same
/// without it, with it, and with it damaged, and writes nothing.
@Suite struct SpecIndexCommandTests {
    @Test func syncKeepsTheIndexAndPreviewsDecideTheSameWithItWithoutItAndWithItDamaged() throws {
        let fixture = try GitFixture()
        try fixture.write("pyproject.toml", "[project]\nname = 'app'\n")
        try fixture.write("src/app.py", "print('app')\n")
        try SyncCommandTests.initAnswering(fixture)
        try fixture.commit("base with autodev init")
        #expect(try AutodevBinary.run(["sync"], in: fixture.path).status == 0)
        for number in 1...12 {
            let text = number == 5 ? "The exporter MUST write one CSV row per invoice line item" : "System MUST print report \(number) with a running page footer"
            try fixture.write("specs/\(String(format: "%03d", number))-feature/spec.md",
                              "# Feature \(number)\n\n## Requirements\n\n- **FR-00\(number % 10)**: \(text)\n")
        }
        try fixture.commit("twelve features")
        #expect(try AutodevBinary.run(["sync"], in: fixture.path).status == 0)
        let index = fixture.path + "/.auto-dev/cache/specs.sqlite"
        // The first sync of the features kept the specs it read.
        #expect(FileManager.default.fileExists(atPath: index))
        let base = try fixture.head()
        try fixture.write("specs/013-invoices/spec.md",
                          "# Invoices\n\n## Requirements\n\n- **FR-031**: the exporter must write one CSV row per invoice line-item.\n- **FR-032**: System MUST total every invoice in its own currency\n")
        try fixture.commit("invoices")
        let range = "\(base)..HEAD"

        func preview() throws -> String {
            let result = try AutodevBinary.run(["diff-events", "--explain", "--json", range], in: fixture.path)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        try FileManager.default.removeItem(atPath: index)
        let without = try preview()
        #expect(without.contains("\"rule\":\"requirement-copied\""))
        #expect(without.contains("FR-005 in specs/005-feature/spec.md"))
        #expect(!FileManager.default.fileExists(atPath: index), "a preview writes no index")

        // A sync over the same range rebuilds it; the preview of the range reads it.
        #expect(try AutodevBinary.run(["sync"], in: fixture.path).status == 0)
        let written = try Data(contentsOf: URL(fileURLWithPath: index))
        #expect(try preview() == without)
        #expect(try Data(contentsOf: URL(fileURLWithPath: index)) == written, "a preview writes no index")
        #expect(!FileManager.default.fileExists(atPath: index + "-journal") && !FileManager.default.fileExists(atPath: index + "-wal"))

        // Damaged (a page's bytes changed, cut, not a database): the same decisions, and left as it is.
        var damaged = written
        for position in stride(from: 4096, to: damaged.count, by: 4096) { damaged[position + 100] ^= 0x01 }
        for bytes in [damaged, written.prefix(written.count / 2), Data("autodev-spec-index 999 0 0\n".utf8)] {
            try bytes.write(to: URL(fileURLWithPath: index))
            #expect(try preview() == without)
            #expect(try Data(contentsOf: URL(fileURLWithPath: index)) == bytes)
        }
    }
}
