import AutodevTestSupport
import Foundation
import Testing

/// Large ranges are walked and classified on several threads, in a packed repository read
/// through autodev's own pack reader. The report must not depend on any of that: the same bytes
/// with one thread or many, and the change set git reports.
@Suite struct ThreadsCommandTests {
    @Test func aLargeRangeGivesTheSameReportOnOneThreadOrMany() throws {
        let fixture = try GitFixture()
        // 40 folders × 10 files: Swift sources and XCTest files, so classification reads blobs
        // and scans tests; plus a binary file per folder.
        for folder in 0..<40 {
            for file in 0..<8 {
                try fixture.write("Sources/M\(folder)/F\(file).swift", (0..<30).map { "let v\($0) = \($0 * file)" }.joined(separator: "\n") + "\n")
            }
            try fixture.write("Tests/M\(folder)Tests/T.swift", "import XCTest\nfinal class T: XCTestCase {\n    func testOne() {}\n}\n")
            try fixture.write("Assets/M\(folder)/icon.bin", Data([0, 1, 2, UInt8(folder)]))
        }
        let base = try fixture.commit("base")
        for folder in 0..<40 {
            for file in 0..<8 where (folder + file) % 3 != 0 {
                try fixture.write("Sources/M\(folder)/F\(file).swift", (0..<30).map { "let v\($0) = \($0 * file + folder)" }.joined(separator: "\n") + "\n")
            }
            try fixture.write("Tests/M\(folder)Tests/T.swift", "import XCTest\nfinal class T: XCTestCase {\n    func testOne() {}\n    func testTwo\(folder)() {}\n}\n")
            try fixture.write("Assets/M\(folder)/icon.bin", Data([0, 1, 2, UInt8(folder), 9]))
            if folder % 5 == 0 {
                // A rename with an edit, and a deletion.
                try fixture.git(["mv", "Sources/M\(folder)/F0.swift", "Sources/M\(folder)/Renamed.swift"])
                try fixture.remove("Sources/M\(folder)/F3.swift")
            }
        }
        try fixture.commit("change most of it")
        try fixture.git(["repack", "-adq", "--depth=20"])
        let range = "\(base)..HEAD"

        let one = try AutodevBinary.run(["diff-events", range, "--json"], in: fixture.path, environment: ["AUTODEV_THREADS": "1"])
        #expect(one.status == 0, "\(one.stderr)")
        for threads in ["2", "4"] {
            let many = try AutodevBinary.run(["diff-events", range, "--json"], in: fixture.path, environment: ["AUTODEV_THREADS": threads])
            #expect(many.status == 0, "\(many.stderr)")
            #expect(many.stdoutData == one.stdoutData, "\(threads) threads")
        }

        let report = try #require(try JSONSerialization.jsonObject(with: one.stdoutData) as? [String: Any])
        let changes = try #require(report["changes"] as? [[String: Any]])
        #expect(changes.count > 256, "enough changes to be classified on several threads")
        let letters = ["added": "A", "deleted": "D", "modified": "M", "renamed": "R", "copied": "C", "typechange": "T"]
        let ours = changes.map { "\(letters[$0["status"] as! String]!) \($0["path"] as! String)" }.sorted()
        let theirs = try fixture.git(["diff", "--name-status", "-M", range]).split(separator: "\n").map { line in
            let fields = line.split(separator: "\t")
            return "\(fields[0].prefix(1)) \(fields.last!)"
        }.sorted()
        #expect(ours == theirs)
        let binary = changes.filter { $0["binary"] as? Bool == true }.count
        #expect(binary == 40, "every icon.bin is binary, nothing else")
        let events = try #require(report["events"] as? [[String: Any]])
        #expect(events.filter { $0["kind"] as? String == "testAdded" }.count == 40)
    }
}

extension ThreadsCommandTests {
    /// 160 files moved and edited at once, in a packed repository: a 160 × 160 similarity matrix
    /// while other threads classify; every pairing must be git's, whatever the threads.
    @Test func manyInexactRenamesPairAsGitDoes() throws {
        let fixture = try GitFixture()
        func body(_ index: Int, edited: Bool) -> String {
            (0..<40).map { line in
                edited && line % 9 == index % 9 ? "changed \(index) \(line)" : "file \(index) line \(line) value \(index * 31 + line)"
            }.joined(separator: "\n") + "\n"
        }
        for index in 0..<160 {
            try fixture.write("old/group\(index % 8)/file\(index).txt", body(index, edited: false))
        }
        let base = try fixture.commit("base")
        for index in 0..<160 {
            try fixture.remove("old/group\(index % 8)/file\(index).txt")
            try fixture.write("new/g\(index % 5)/renamed\(index).txt", body(index, edited: true))
        }
        try fixture.commit("move and edit everything")
        try fixture.git(["repack", "-adq"])
        let range = "\(base)..HEAD"
        let theirs = try fixture.git(["diff", "--name-status", "-M", range]).split(separator: "\n").map { line -> String in
            let fields = line.split(separator: "\t")
            return "\(fields[0].prefix(1)) \(fields.count == 3 ? fields[1] + " -> " : "")\(fields.last!)"
        }.sorted()
        #expect(theirs.filter { $0.hasPrefix("R") }.count == 160, "git pairs them all")
        var outputs: [Data] = []
        for threads in ["1", "2", "4"] {
            let result = try AutodevBinary.run(["diff-events", range, "--json"], in: fixture.path, environment: ["AUTODEV_THREADS": threads])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(result.stdoutData)
            let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
            let changes = try #require(report["changes"] as? [[String: Any]])
            let letters = ["added": "A", "deleted": "D", "modified": "M", "renamed": "R", "copied": "C", "typechange": "T"]
            let ours = changes.map { change -> String in
                let old = (change["oldPath"] as? String).map { $0 + " -> " } ?? ""
                return "\(letters[change["status"] as! String]!) \(old)\(change["path"] as! String)"
            }.sorted()
            #expect(ours == theirs, "\(threads) threads")
        }
        #expect(outputs[1] == outputs[0] && outputs[2] == outputs[0])
    }
}
