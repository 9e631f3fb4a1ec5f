@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// The decision log's lines are written by hand (`DecisionRecord.appendJSON`): they must be the
/// bytes JSONEncoder wrote before, for every field present or absent and every character.
@Suite struct DecisionLogJSONTests {
    static let odd = ["plain", "", "quote\"d/back\\slash.md", "tab\there\nnew\rline", "ctl\u{00}\u{01}\u{08}\u{0C}\u{1F}\u{7F}",
                      "ünï/cødé ✓ 漢字 😀", "line\u{2028}sep\u{2029}", "a/b/c", "\u{FFFD}"]

    static func records() -> [DecisionRecord] {
        var records: [DecisionRecord] = []
        for (index, text) in odd.enumerated() {
            for shape in 0..<16 {
                let present = { (bit: Int) in shape & (1 << bit) != 0 }
                records.append(DecisionRecord(
                    run: "run-\(index)", eventId: "e\(index)" + text, work: present(0) ? "w" + text : nil,
                    action: DecisionAction.allCases[(index + shape) % DecisionAction.allCases.count],
                    rule: "rule/" + text, reason: text + " because \"x\"", requirement: present(1) ? "FR-00\(index) " + text : nil,
                    spec: present(2) ? "specs/\(text)/spec.md" : nil, textHash: present(3) ? "h\(shape)" : nil,
                    tier: shape % 3 == 0 ? nil : (shape % 3 == 1 ? "pattern" : text), outcome: "skipped-by-pattern" + text,
                    files: Array(odd.prefix(shape % 4)) + (shape % 5 == 0 ? [text] : [])))
            }
        }
        return records
    }

    @Test func everyLineIsWhatJSONEncoderWrote() throws {
        let store = StateStore(root: "/nonexistent")
        for record in Self.records() {
            var line: [UInt8] = []
            #expect(record.appendJSON(to: &line))
            let expected = try store.encode(record, pretty: false)
            #expect(line == expected, "\(String(decoding: line, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test func aRecordWithModelCallsIsLeftToTheEncoder() throws {
        var record = Self.records()[0]
        record.calls = [LLMCallRecord(provider: "p", model: "m", work: ["w"], attempt: 1, estimatedTokens: 10, inputTokens: 10,
                                      outputTokens: 5, cost: 0.01, latencyMilliseconds: 20, outcome: .answered, problem: nil,
                                      redactions: 0, trimmed: [])]
        var line: [UInt8] = [1]
        #expect(!record.appendJSON(to: &line))
        #expect(line == [1], "nothing appended")
    }

    /// The whole log file, written and read back through the store: the same bytes as one
    /// JSONEncoder line per record, records with model calls among them.
    @Test func theLogFileIsTheEncodersAndReadsBack() throws {
        let folder = try TemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let store = StateStore(root: folder.path)
        var records = Self.records()
        records[3].calls = [LLMCallRecord(provider: "p", model: "m", work: ["w"], attempt: 2, estimatedTokens: 1, inputTokens: 1,
                                          outputTokens: 1, cost: 0, latencyMilliseconds: 1, outcome: .answered, problem: "p/\"",
                                          redactions: 1, trimmed: ["t"])]
        try store.save(decisions: records, run: "run-9")
        var expected: [UInt8] = []
        for var record in records {
            record.run = "run-9"
            expected += try store.encode(record, pretty: false)
            expected.append(0x0A)
        }
        #expect(try FileSystem.read(store.decisionsFolder + "/run-9.jsonl") == expected)
        #expect(store.decisions(run: "run-9") == records.map { var copy = $0; copy.run = "run-9"; return copy })
    }
}
