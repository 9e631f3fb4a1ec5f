import Foundation
import Testing

/// The README is a front door, not the manual: at most 250 lines, and every link into docs/
/// (from the README and between the docs pages) names a file that exists.
@Suite struct DocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The targets of Markdown links `[text](target)` that are relative paths, without anchors.
    static func links(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "](") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: ")") else { break }
            let target = String(rest[..<close]).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if !target.isEmpty, !target.contains("://"), !target.hasPrefix("mailto:") { out.append(target) }
            rest = rest[close...]
        }
        return out
    }

    @Test func theReadmeIsAFrontDoorOfAtMost250Lines() throws {
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).count - (readme.hasSuffix("\n") ? 1 : 0)
        #expect(lines <= 250, "README.md has \(lines) lines")
        for section in ["## Quick start", "## Two commands", "## Commands"] {
            #expect(readme.contains("\n" + section + "\n"), "\(section)")
        }
        #expect(Self.links(in: readme).filter { $0.hasPrefix("docs/") }.count >= 8)
    }

    @Test func everyLinkIntoDocsResolves() throws {
        let docs = Self.root + "/docs"
        var pages = [(Self.root + "/README.md", Self.root)]
        for name in try FileManager.default.contentsOfDirectory(atPath: docs) where name.hasSuffix(".md") {
            pages.append((docs + "/" + name, docs))
        }
        #expect(pages.count >= 9)
        for (page, folder) in pages {
            let text = try String(contentsOfFile: page, encoding: .utf8)
            for link in Self.links(in: text) {
                #expect(FileManager.default.fileExists(atPath: folder + "/" + link), "\(page) links to \(link), which does not exist")
            }
        }
    }
}
