public import Foundation

/// Builds a random but reproducible history in a `GitFixture`: adds, small and large edits,
/// deletions, renames with and without edits, duplicates, mode changes, binary files, symlinks,
/// a file replaced by a folder, odd file names, and merges.
public struct RandomHistory {
    public private(set) var commits: [String] = []
    private var random: SeededRandom
    private var files: [String: [String]] = [:]   // path -> lines (text files we track)
    private var counter = 0

    private static let words = ["alpha", "beta", "gamma", "delta", "login", "user", "token", "spec", "cache",
                                "event", "retry", "queue", "branch", "commit", "render", "parse", "value"]
    private static let directories = ["", "src/", "src/core/", "Tests/", "docs/", "specs/001-a/", "a-b/",
                                      "with space/", "unicodé/", "deep/er/path/"]
    private static let extensions = [".swift", ".py", ".md", ".txt", ".json", ""]

    public init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    public mutating func build(in fixture: GitFixture, commits count: Int) throws {
        for _ in 0..<4 { try addFile(fixture) }
        commits.append(try fixture.commit("initial"))
        for step in 1..<count {
            if step % 9 == 0, files.count > 4 {
                try merge(fixture)
                continue
            }
            let operations = Int.random(in: 1...4, using: &random)
            for _ in 0..<operations { try randomOperation(fixture) }
            commits.append(try fixture.commit("step \(step)"))
        }
    }

    private mutating func newPath() -> String {
        counter += 1
        let directory = Self.directories.randomElement(using: &random)!
        let ext = Self.extensions.randomElement(using: &random)!
        let name = ["file", "Mod", "x", "ünï", "name with space", "a"].randomElement(using: &random)!
        return "\(directory)\(name)\(counter)\(ext)"
    }

    private mutating func randomLines(_ count: Int) -> [String] {
        (0..<count).map { _ in
            (0..<Int.random(in: 1...8, using: &random)).map { _ in Self.words.randomElement(using: &random)! }
                .joined(separator: " ")
        }
    }

    private mutating func addFile(_ fixture: GitFixture, path: String? = nil) throws {
        let target = path ?? newPath()
        let lines = randomLines(Int.random(in: 0...40, using: &random))
        files[target] = lines
        try fixture.write(target, lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))
    }

    private mutating func save(_ fixture: GitFixture, _ path: String) throws {
        let lines = files[path] ?? []
        try fixture.write(path, lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))
    }

    private mutating func randomOperation(_ fixture: GitFixture) throws {
        let paths = files.keys.sorted()
        let choice = Int.random(in: 0..<100, using: &random)
        guard let path = paths.randomElement(using: &random) else { return try addFile(fixture) }
        switch choice {
        case 0..<20:
            try addFile(fixture)
        case 20..<40:  // small edit
            var lines = files[path]!
            if lines.isEmpty || Bool.random(using: &random) {
                lines.insert(contentsOf: randomLines(2), at: Int.random(in: 0...lines.count, using: &random))
            } else {
                lines[Int.random(in: 0..<lines.count, using: &random)] = randomLines(1)[0]
            }
            files[path] = lines
            try save(fixture, path)
        case 40..<48:  // rewrite
            files[path] = randomLines(Int.random(in: 1...30, using: &random))
            try save(fixture, path)
        case 48..<58:
            files[path] = nil
            try fixture.remove(path)
        case 58..<72:  // rename, sometimes with an edit
            let target = Bool.random(using: &random)
                ? (path.split(separator: "/").dropLast().joined(separator: "/") + (path.contains("/") ? "/" : "") + "renamed\(counter)" + ".txt")
                : newPath()
            counter += 1
            guard files[target] == nil else { return }
            var lines = files[path]!
            files[path] = nil
            try fixture.remove(path)
            if Bool.random(using: &random), !lines.isEmpty {
                lines[Int.random(in: 0..<lines.count, using: &random)] = randomLines(1)[0]
            }
            files[target] = lines
            try save(fixture, target)
        case 72..<78:  // duplicate content under another name
            let target = newPath()
            files[target] = files[path]
            try save(fixture, target)
        case 78..<84:
            try fixture.setExecutable(path, Bool.random(using: &random))
        case 84..<89:  // binary file
            let target = newPath() + ".bin"
            var bytes = [UInt8](repeating: 0, count: Int.random(in: 10...300, using: &random))
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &random) }
            bytes[0] = 0
            try fixture.write(target, Data(bytes))
        case 89..<93:  // a symlink, or a file turned into one (type change)
            files[path] = nil
            try fixture.symlink(path, to: "target-\(counter)")
        case 93..<96:  // file replaced by a folder of the same name
            files[path] = nil
            try fixture.remove(path)
            try addFile(fixture, path: path + "/inner.txt")
        default:  // same basename, other directory, edited (basename matching)
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let target = "moved\(counter)/" + name
            counter += 1
            var lines = files[path]!
            files[path] = nil
            try fixture.remove(path)
            lines.append(contentsOf: randomLines(1))
            files[target] = lines
            try save(fixture, target)
        }
    }

    private mutating func merge(_ fixture: GitFixture) throws {
        let branch = "side\(counter)"
        counter += 1
        try fixture.git(["checkout", "-q", "-b", branch])
        try addFile(fixture)
        let side = try fixture.commit("side work")
        try fixture.git(["checkout", "-q", "main"])
        try addFile(fixture)
        commits.append(try fixture.commit("main work"))
        do {
            try fixture.git(["merge", "-q", "--no-ff", "--no-edit", branch])
            commits.append(try fixture.head())
        } catch {
            _ = try? fixture.git(["merge", "--abort"])
        }
        commits.append(side)
        // Re-read the tracked text files from the merged tree.
        for (path, _) in files where !FileManager.default.fileExists(atPath: fixture.path + "/" + path) {
            files[path] = nil
        }
        let listing = try fixture.git(["ls-files", "-z"]).split(separator: "\0").map(String.init)
        for path in listing where files[path] == nil {
            if let data = try? fixture.read(path), !data.contains(0),
               (try? FileManager.default.destinationOfSymbolicLink(atPath: fixture.path + "/" + path)) == nil {
                let text = String(decoding: data, as: UTF8.self)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if lines.last == "" { lines.removeLast() }
                files[path] = lines
            }
        }
    }
}
