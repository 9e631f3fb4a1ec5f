import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// `--help`, the man page and docs/exit-status.md say what the one table
/// (`AutodevError.ExitStatus`) says, row for row: a status added, dropped or reworded in the
/// code and not in one of them fails here.
@Suite struct ExitStatusTableTests {
    /// Each status's text in a printed section: from one status's number to the next, words
    /// joined by single spaces (wrapping differs between help and groff).
    static func rows(_ section: String, codes: [Int32]) -> [String] {
        let words = section.split(whereSeparator: \.isWhitespace).map(String.init)
        var rows: [String] = []
        var index = 0
        for (position, code) in codes.enumerated() {
            guard let start = words[index...].firstIndex(of: String(code)) else { return rows }
            let next = position + 1 < codes.count ? words[(start + 1)...].firstIndex(of: String(codes[position + 1])) : nil
            rows.append(words[start..<(next ?? words.count)].joined(separator: " "))
            index = next ?? words.count
        }
        return rows
    }

    static var expected: [String] {
        AutodevError.ExitStatus.table.map { code, meaning in
            "\(code) " + meaning.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }

    @Test func theHelpPrintsEveryRowOfTheTable() throws {
        let help = try AutodevBinary.run(["--help"], in: NSTemporaryDirectory())
        #expect(help.status == AutodevError.ExitStatus.success.rawValue)
        let section = try #require(help.stdout.components(separatedBy: "EXIT STATUS\n").last?.components(separatedBy: "\n\n").first)
        #expect(Self.rows(section, codes: AutodevError.ExitStatus.allCases.map(\.rawValue)) == Self.expected)
    }

    @Test func theManPagePrintsEveryRowOfTheTable() throws {
        let page = try AutodevBinary.run(["man"], in: NSTemporaryDirectory())
        let man = try TerminalHelpTests.render(page.stdout)
        let after = try #require(man.components(separatedBy: "\nEXIT STATUS\n").last)
        let section = try #require(after.components(separatedBy: "\nENVIRONMENT\n").first)
        #expect(Self.rows(section, codes: AutodevError.ExitStatus.allCases.map(\.rawValue)) == Self.expected)
    }

    /// The docs page's table is the one `autodev man --exit-status-markdown` prints, which is
    /// built from the table; scripts/exit-status-doc rewrites the page when this fails.
    @Test func theDocsPageHoldsTheTableTheCodePrints() throws {
        let printed = try AutodevBinary.run(["man", "--exit-status-markdown"], in: NSTemporaryDirectory())
        #expect(printed.status == 0, "\(printed.stderr)")
        let page = try String(contentsOfFile: DocsTests.root + "/docs/exit-status.md", encoding: .utf8)
        let table = page.split(separator: "\n").filter { $0.hasPrefix("|") }.map { $0 + "\n" }.joined()
        #expect(table == printed.stdout, "docs/exit-status.md disagrees with AutodevError.ExitStatus: run scripts/exit-status-doc")
        // One row per status, each with its own number, in the table's order.
        let numbers = table.split(separator: "\n").dropFirst(2).compactMap { $0.split(separator: "|").first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) } }
        #expect(numbers == AutodevError.ExitStatus.allCases.map(\.rawValue))
    }

    /// The codes whose statuses used to be chosen where they were thrown, end to end: an
    /// unknown run for `history show` and a file given to `report --html` are usage errors (64),
    /// as before; a config file that cannot be read is a configuration error (2).
    @Test func errorsThatOnceChoseTheirOwnStatusExitAsBefore() throws {
        let fixture = try TerminalHelpTests.repository()
        let missing = try AutodevBinary.run(["history", "show", "run-nope"], in: fixture.path)
        #expect(missing.status == 64, "\(missing.stderr)")
        try fixture.write("report.html", "x\n")
        let html = try AutodevBinary.run(["report", "--html", "report.html"], in: fixture.path)
        #expect(html.status == 64, "\(html.stderr)")
        #expect(html.stderr.contains("is a file, not a folder"), "\(html.stderr)")
        try FileManager.default.createDirectory(atPath: fixture.path + "/config/autodev.toml", withIntermediateDirectories: true)
        let config = try AutodevBinary.run(["config", "--effective"], in: fixture.path)
        #expect(config.status == 2, "\(config.stderr)")
        #expect(config.stderr.contains("config/autodev.toml"), "\(config.stderr)")
    }
}
