@testable import AutodevCore
import AutodevGit
import Foundation
import Testing

@Suite struct ReportJSONTests {
    @Test func theHandWrittenJSONIsByteForByteWhatJSONEncoderWrites() throws {
        let odd = ["plain.swift", "quote\"d/back\\slash.md", "tab\there\nnewline", "ctl\u{01}\u{1F}\u{7F}", "ünï/cødé ✓.txt",
                   "line\u{2028}sep", "a/b/c"]
        var changes: [ChangeRecord] = []
        var events: [Event] = []
        for (index, path) in odd.enumerated() {
            changes.append(ChangeRecord(status: FileChange.Status.allCases[index % FileChange.Status.allCases.count], path: path,
                                        oldPath: index % 2 == 0 ? "old/" + path : nil, similarity: index % 2 == 0 ? 50 + index : nil,
                                        binary: index % 3 == 0, event: index % 4 == 0 ? nil : EventKind.allCases[index % 6],
                                        ignoredBy: index % 4 == 0 ? "events.ignore: **/x/**" : nil))
            events.append(Event(id: "id\(index)", kind: EventKind.allCases[index % 6], priority: index * 10, path: path, detail: "d\"\(index)"))
        }
        for range in [DiffEventsReport.RangeInfo(from: nil, to: "worktree"), DiffEventsReport.RangeInfo(from: "abc", to: "def"),
                      DiffEventsReport.RangeInfo(from: nil, to: nil)] {
            let report = DiffEventsReport(range: range, changes: changes, events: events, notes: ["a \"note\"", "b/c"])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let expected = String(decoding: try encoder.encode(report), as: UTF8.self)
            #expect(ReportJSON.encode(report) == expected)
        }
    }
}
