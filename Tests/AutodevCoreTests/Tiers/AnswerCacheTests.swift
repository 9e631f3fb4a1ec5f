@testable import AutodevCore
import AutodevGit
import AutodevTestSupport
import Foundation
import Testing

/// Tier 3's key and store, tier 4's similarity and adaptation, over a real SQLite file and
/// real git trees; time from a `ManualClock`.
@Suite struct AnswerCacheTests {
    static func answer(_ key: String, words: String, gate: String = "newImplementation|-|specKit specs|cfg",
                       files: [String: String] = ["src/a.py": "print('a')\n"], at now: Int64) -> CachedAnswer {
        let subject = ReuseSubject(key: "FR-001", slug: "fr-001", folder: "specs/001-a", words: Similarity.words(words))
        return CachedAnswer(key: key, provider: "p", model: "m", gate: gate, subject: subject, shingles: Similarity.shingles(subject.words),
                            files: files.mapValues { Array($0.utf8) }, inputTokens: 100, outputTokens: 50, cost: 0.01, createdAt: now)
    }

    static func cache(_ directory: String, ttlHours: Int = 1, maxMegabytes: Int = 0) throws -> SQLiteAnswerCache {
        try SQLiteAnswerCache(path: directory + "/cache/answers.sqlite", ttlHours: ttlHours, maxMegabytes: maxMegabytes)
    }

    static let long = "Users can export the monthly sales report as a CSV file from the reports page; the file holds one row per order with its date, customer, amount and currency, and the export finishes within five seconds for a year of orders"

    @Test func anAnswerIsFoundByItsKeyUntilItsTTLPassesAndPruneRemovesItThen() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let clock = ManualClock(now: 1_800_000_000)
        let cache = try Self.cache(scratch.path, ttlHours: 2)
        try cache.store(Self.answer("k1", words: "export csv", at: clock.now()))
        #expect(try cache.exact("k1", now: clock.now())?.files["src/a.py"] == Array("print('a')\n".utf8))
        #expect(try cache.exact("k2", now: clock.now()) == nil)
        clock.advance(milliseconds: 7_199_000)
        #expect(try cache.exact("k1", now: clock.now()) != nil, "1 s before the TTL")
        clock.advance(milliseconds: 1000)
        #expect(try cache.exact("k1", now: clock.now()) == nil, "at the TTL")
        #expect(try cache.stats(now: clock.now()).expired == 1)
        #expect(try cache.prune(now: clock.now()) == AnswerCachePrune(expired: 1, evicted: 0))
        #expect(try cache.stats(now: clock.now()).entries == 0)
    }

    @Test func overTheSizeCapTheLeastRecentlyUsedAnswerGoesFirst() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let clock = ManualClock(now: 1_800_000_000)
        let cache = try Self.cache(scratch.path, ttlHours: 0, maxMegabytes: 1)
        let big = String(repeating: "x", count: 400_000)
        try cache.store(Self.answer("old", words: "one", files: ["a": big], at: clock.now()))
        clock.advance(milliseconds: 1000)
        try cache.store(Self.answer("used", words: "two", files: ["b": big], at: clock.now()))
        clock.advance(milliseconds: 1000)
        try cache.markUsed("old", now: clock.now())  // now "used" is the least recently used
        clock.advance(milliseconds: 1000)
        try cache.store(Self.answer("new", words: "three", files: ["c": big], at: clock.now()))
        #expect(try cache.exact("used", now: clock.now()) == nil, "evicted: least recently used")
        #expect(try cache.exact("old", now: clock.now()) != nil)
        #expect(try cache.exact("new", now: clock.now()) != nil)
        #expect(try cache.stats(now: clock.now()).bytes <= 1_048_576)
    }

    @Test func aSimilarQuestionIsFoundOnlyAboveTheThresholdAndWithinItsGate() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let now: Int64 = 1_800_000_000
        let cache = try Self.cache(scratch.path)
        try cache.store(Self.answer("csv", words: Self.long, at: now))
        let near = Similarity.shingles(Similarity.words(Self.long.replacingOccurrences(of: "CSV", with: "JSON")))
        let hit = try #require(try cache.similar(shingles: near, gate: "newImplementation|-|specKit specs|cfg", threshold: 0.85, now: now, excluding: nil))
        #expect(hit.answer.key == "csv")
        #expect(hit.jaccard >= 0.85 && hit.jaccard < 1)
        #expect(try cache.similar(shingles: near, gate: "updateImplementation|-|specKit specs|cfg", threshold: 0.85, now: now, excluding: nil) == nil,
                "another kind of work")
        let two = Similarity.shingles(Similarity.words(Self.long.replacingOccurrences(of: "CSV", with: "JSON").replacingOccurrences(of: "monthly", with: "weekly")
            .replacingOccurrences(of: "five", with: "ten")))
        #expect(try cache.similar(shingles: two, gate: "newImplementation|-|specKit specs|cfg", threshold: 0.85, now: now, excluding: nil) == nil,
                "three words changed: below 0.85")
    }

    @Test func lshFindsPairsAboveTheThresholdAndTheCandidatesAreExactlyVerified() {
        // 200 random texts of 40 words; each has a twin with one word changed.
        var generator = SeededRandom(seed: 14)
        let vocabulary = (0..<500).map { "w\($0)" }
        var index = SimilarityIndex()
        var texts: [[String]] = []
        for _ in 0..<200 {
            let words = (0..<40).map { _ in vocabulary.randomElement(using: &generator)! }
            texts.append(words)
            _ = index.add(bandKeys: Similarity.bandKeys(Similarity.signature(Similarity.shingles(words))), gate: 1)
        }
        index.seal()
        var found = 0, pairs = 0
        for (entry, words) in texts.enumerated() {
            var twin = words
            twin[20] = "changed"
            let shingles = Similarity.shingles(twin)
            let jaccard = Similarity.jaccard(shingles, Similarity.shingles(words))
            guard jaccard >= 0.85 else { continue }
            pairs += 1
            if index.candidates(bandKeys: Similarity.bandKeys(Similarity.signature(shingles)), gate: 1).contains(UInt32(entry)) { found += 1 }
            #expect(index.candidates(bandKeys: Similarity.bandKeys(Similarity.signature(shingles)), gate: 2).isEmpty)
        }
        #expect(pairs > 150)
        // 99.4 % expected at J = 0.85, more above it.
        #expect(Double(found) / Double(pairs) > 0.95, "\(found) of \(pairs)")
    }

    @Test func adaptationReplacesTheRequirementsIdentifiersPathsAndChangedWords() {
        let old = ReuseSubject(key: "FR-003", slug: "export-csv", folder: "specs/003-export-csv",
                               words: Similarity.words("Users can export the report as CSV from the dashboard"))
        let new = ReuseSubject(key: "FR-004", slug: "export-json", folder: "specs/004-export-json",
                               words: Similarity.words("Users can export the report as JSON from the settings"))
        let files = ["src/FR_003_export.py": "# FR-003 (specs/003-export-csv)\ndef export_csv(report):\n    return to_csv(report)  # Dashboard, CSV, DashboardView\nfrom_dashboard = True\ncsvfile = 1\n"]
        let adapted = ReuseAdapter.adapt(files.mapValues { Array($0.utf8) }, from: old, to: new)
        let text = String(decoding: adapted["src/FR_004_export.py"] ?? [], as: UTF8.self)
        #expect(text == "# FR-004 (specs/004-export-json)\ndef export_json(report):\n    return to_json(report)  # Settings, JSON, SettingsView\nfrom_settings = True\ncsvfile = 1\n", "\(adapted)")
    }

    @Test func theKeyChangesWithAContextFileTheModelAndThePromptFormatAndNotWithAnUnreadFile() throws {
        let fixture = try PromptBuilderTests.fixture()
        let item = PromptBuilder.Item(PromptBuilderTests.work("a", links: ["src/auth/login.py"]))
        let provider = PromptBuilderTests.provider()
        func key(_ source: any PromptSource, _ provider: ProviderConfig = provider, format: Int = ReuseKey.promptFormatVersion,
                 config: String = "cfg") throws -> String {
            try ReuseKey.exact(item, source: source, provider: provider, maxContextTokens: 8000, configFingerprint: config, formatVersion: format)
        }
        let base = try key(PromptBuilderTests.source(fixture))
        #expect(try key(PromptBuilderTests.source(fixture)) == base, "the same question: the same key")
        var other = provider
        other.model = "another-model"
        #expect(try key(PromptBuilderTests.source(fixture), other) != base, "model")
        other = provider
        other.temperature = 0.7
        #expect(try key(PromptBuilderTests.source(fixture), other) != base, "parameters")
        #expect(try key(PromptBuilderTests.source(fixture), format: ReuseKey.promptFormatVersion + 1) != base, "prompt format")
        #expect(try key(PromptBuilderTests.source(fixture), config: "other") != base, "configuration")

        for path in ["src/auth/login.py", "specs/001-login/plan.md", "src/billing/invoice.py"] {
            try fixture.write(path, "# changed\n" + (String(data: FileManager.default.contents(atPath: fixture.path + "/" + path)!, encoding: .utf8) ?? ""))
            try fixture.git(["add", "-A"])
            _ = try fixture.commit("change \(path)")
            #expect(try key(PromptBuilderTests.source(fixture)) != base, "\(path) is part of the context")
            try fixture.git(["revert", "--no-edit", "HEAD"])
            #expect(try key(PromptBuilderTests.source(fixture)) == base, "reverted \(path)")
        }
        // A file the prompt never reads (a binary asset: no language, not linked, no document).
        try fixture.write("assets/logo.bin", "\u{0}\u{1}")
        try fixture.git(["add", "-A"])
        _ = try fixture.commit("asset")
        let withAsset = try key(PromptBuilderTests.source(fixture))
        try fixture.write("assets/logo.bin", "\u{0}\u{2}")
        try fixture.git(["add", "-A"])
        _ = try fixture.commit("asset changed")
        #expect(try key(PromptBuilderTests.source(fixture)) == withAsset, "an unread file's content is not part of the question")
        #expect(withAsset != base, "but the list of paths is (the repository map shows it)")
        // A rewrapped requirement is the same question.
        var rewrapped = item
        rewrapped.work.requirement?.text = "System  MUST\nhash passwords"
        #expect(try ReuseKey.exact(rewrapped, source: PromptBuilderTests.source(fixture), provider: provider, maxContextTokens: 8000,
                                   configFingerprint: "cfg") == withAsset)
    }

    @Test func aStoreKilledMidWriteLeavesAReadableCache() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let path = scratch.path + "/cache/answers.sqlite"
        do {
            let cache = try Self.cache(scratch.path)
            try cache.store(Self.answer("before", words: "kept", at: 1_800_000_000))
        }
        // A child process that stores answers in a loop; killed with SIGKILL during one.
        let script = scratch.path + "/writer.py"
        try """
            import sqlite3, sys, os
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            i = 0
            while True:
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO answers(key, provider, model, gate, subject, shingles, bands, files, input_tokens, output_tokens, cost, created_at, last_used_at, uses, bytes) VALUES (?, 'p', 'm', 'g', '{}', x'', x'', ?, 0, 0, 0, 1800000000, 1800000000, 0, 1)", ("k%d" % i, os.urandom(200000)))
                if i == 20:
                    print("ready", flush=True)
                db.execute("COMMIT")
                i += 1
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        child.arguments = [script, path]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        // Wait for the child to be inside its 21st transaction, then kill it there.
        _ = pipe.fileHandleForReading.availableData
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        let cache = try Self.cache(scratch.path)
        #expect(try cache.isIntact())
        #expect(try cache.exact("before", now: 1_800_000_000) != nil)
        let stats = try cache.stats(now: 1_800_000_000)
        #expect(stats.entries >= 21, "the committed writes are there")
        try cache.store(Self.answer("after", words: "more", at: 1_800_000_000))
        #expect(try cache.exact("after", now: 1_800_000_000) != nil)
    }
}
