@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// `WorkItem.slug` reads ASCII titles by bytes: the same slugs as the Unicode path (kept here as
/// the oracle, as it was before), for ASCII text of every byte and for text that is not ASCII.
@Suite struct WorkItemSlugTests {
    static func oracle(_ text: String) -> String {
        var out = ""
        var dash = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if dash && !out.isEmpty { out.append("-") }
                dash = false
                out.unicodeScalars.append(scalar)
            } else {
                dash = true
            }
        }
        if out.utf8.count > 40 {
            var cut = String(out.utf8.prefix(40))!
            if let dash = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: dash) >= 8 { cut = String(cut[..<dash]) }
            out = cut
        }
        return out.isEmpty ? "requirement" : out
    }

    @Test func asciiByBytesIsTheSameAsTheUnicodePath() {
        var texts = ["FR-001 System MUST hash passwords", "", "---", "A", "Zz09 @[`{ /:", "x\r\ny", "FR-9: " + String(repeating: "Word ", count: 20),
                     "\u{212A}elvin", "İstanbul office", "Café MUST open", "数据 MUST export 3 rows"]
        // Every ASCII byte, alone and between letters.
        for byte in 0..<128 { texts.append("a" + String(UnicodeScalar(UInt8(byte))) + "B\(byte)") }
        // Deterministic pseudo-random ASCII titles.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int(seed % 70) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.unicodeScalars.append(UnicodeScalar(UInt8(truncatingIfNeeded: seed >> 33) & 0x7F))
            }
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            texts.append(text)
        }
        for text in texts { #expect(WorkItem.slug(text) == Self.oracle(text), "\(text.debugDescription)") }
        #expect(WorkItem.slug("\u{212A}elvin") == "kelvin")
    }

    @Test func listingByPrefixFindsOnlyThoseNames() throws {
        let folder = try TemporaryDirectory()
        for name in ["autodev-scratch-1-a", "autodev-scratch-22-b", "autodev-scratc", "xautodev-scratch-3", "other"] {
            FileManager.default.createFile(atPath: folder.path + "/" + name, contents: Data())
        }
        #expect(FileSystem.list(folder.path, prefix: "autodev-scratch-").sorted() == ["autodev-scratch-1-a", "autodev-scratch-22-b"])
        #expect(FileSystem.list(folder.path, prefix: "").sorted() == FileSystem.list(folder.path))
        #expect(FileSystem.list(folder.path + "/missing", prefix: "a").isEmpty)
    }
}
