@testable import AutodevCore
import Testing

@Suite struct RangeParsingTests {
    @Test("ranges split like git's", arguments: [
        ("a..b", "a", "b", false), ("a...b", "a", "b", true), ("a..", "a", nil, false), ("..b", nil, "b", false),
    ] as [(String, String?, String?, Bool)])
    func parses(text: String, from: String?, to: String?, symmetric: Bool) throws {
        let parts = try #require(try RangeResolver.parse(text))
        #expect(parts.from == from && parts.to == to && parts.symmetric == symmetric)
    }

    @Test func singleRevisionIsNotARange() throws {
        #expect(try RangeResolver.parse("HEAD~3") == nil)
    }

    @Test("malformed ranges are usage errors", arguments: ["..", "...", "a....b", "a..b..c", ""])
    func malformed(text: String) {
        #expect { _ = try RangeResolver.parse(text) } throws: { ($0 as? AutodevError)?.exitStatus == .usage }
    }
}
