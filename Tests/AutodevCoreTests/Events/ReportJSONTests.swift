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
            var report = DiffEventsReport(range: range, changes: changes, events: events, notes: ["a \"note\"", "b/c"])
            if range.to == "def" {
                report.decisions = [
                    Decision(eventId: "id1", action: .newImplementation, reason: "new \"one\"", rule: "requirement-added",
                             requirement: .init(key: "FR-001", format: .specKit, spec: "specs/001-x/spec.md", title: "T\u{1}é/x",
                                                textHash: "abc", change: .added, previousKey: nil),
                             links: ["src/a.py", "b/\"c\""]),
                    Decision(eventId: "id2", action: .skip, reason: "renamed", rule: "requirement-renamed",
                             requirement: .init(key: "FR-002", format: .kiro, spec: "s.md", title: "t", textHash: "h",
                                                change: .renamed, previousKey: "FR-009"),
                             links: []),
                    Decision(eventId: "id3", action: .validate, reason: "deps", rule: "dependency-updated", requirement: nil, links: []),
                ]
            } else if range.from == nil && range.to == nil {
                report.decisions = []
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let expected = String(decoding: try encoder.encode(report), as: UTF8.self)
            #expect(ReportJSON.encode(report) == expected)
        }
    }
}
