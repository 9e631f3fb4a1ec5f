public import Foundation

/// A real repository in a temporary directory, built commit by commit with the `git` command.
public final class GitFixture {
    public let directory: TemporaryDirectory
    public var path: String { directory.path + "/repo" }
    private var clock: Int = 1_700_000_000

    /// `initOptions` go to `git init`, e.g. `--object-format=sha256`.
    public init(bare: Bool = false, initOptions: [String] = []) throws {
        directory = try TemporaryDirectory(prefix: "autodev-repo")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git((bare ? ["init", "-q", "--bare", "-b", "main"] : ["init", "-q", "-b", "main"]) + initOptions)
        if !bare {
            try git(["config", "user.name", "Fixture"])
            try git(["config", "user.email", "fixture@example.com"])
            try git(["config", "commit.gpgsign", "false"])
        }
    }

    deinit { directory.remove() }

    public static var gitPath: String { Subprocess.which("git") ?? "/usr/bin/git" }

    /// Whether this machine's git can make a repository with these `git init` options (e.g.
    /// `--ref-format=reftable` needs git 2.45), for tests that skip when it cannot.
    public static func canInit(_ options: [String]) -> Bool {
        guard let scratch = try? TemporaryDirectory(prefix: "autodev-probe") else { return false }
        defer { scratch.remove() }
        let result = try? Subprocess.run(gitPath, ["init", "-q"] + options + [scratch.path + "/repo"])
        return result?.status == 0
    }

    /// A partial clone of this repository, as monorepo CI jobs make it: `git clone --no-local
    /// --filter=<filter> --no-checkout`, then, with `sparse` folders, a cone sparse checkout of
    /// them (which sets `extensions.worktreeConfig`), then a checkout. Blobs the filter left out
    /// are missing from the clone (outside the sparse folders); returns the clone's path.
    public func partialClone(filter: String = "blob:limit=1k", sparse: [String] = []) throws -> String {
        try git(["config", "uploadpack.allowFilter", "true"])
        try git(["config", "uploadpack.allowAnySHA1InWant", "true"])
        let clone = directory.path + "/partial-\(clock)"
        clock += 60
        try git(["clone", "-q", "--no-local", "--filter=\(filter)", "--no-checkout", "file://" + path, clone])
        let run = { (arguments: [String]) throws in
            let result = try Subprocess.run(Self.gitPath, ["-C", clone] + arguments)
            guard result.status == 0 else {
                throw FixtureError("git \(arguments.joined(separator: " ")) in the clone failed (\(result.status)): \(result.stderr)")
            }
        }
        if !sparse.isEmpty { try run(["sparse-checkout", "set", "--cone"] + sparse) }
        try run(["checkout", "-q", "main"])
        try run(["config", "user.name", "Fixture"])
        try run(["config", "user.email", "fixture@example.com"])
        return clone
    }

    /// Runs git in the repository; throws when it fails.
    @discardableResult
    public func git(_ arguments: [String], in subdirectory: String? = nil) throws -> String {
        clock += 60
        var env = ProcessInfo.processInfo.environment
        env["GIT_AUTHOR_DATE"] = "\(clock) +0000"
        env["GIT_COMMITTER_DATE"] = "\(clock) +0000"
        let result = try Subprocess.run(Self.gitPath, arguments, in: subdirectory.map { path + "/" + $0 } ?? path, environment: env)
        guard result.status == 0 else {
            throw FixtureError("git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    public func write(_ relativePath: String, _ content: String) throws {
        try write(relativePath, Data(content.utf8))
    }

    public func write(_ relativePath: String, _ data: Data) throws {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: full) || (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) != nil {
            try FileManager.default.removeItem(atPath: full)
        }
        try data.write(to: URL(fileURLWithPath: full))
    }

    public func read(_ relativePath: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path + "/" + relativePath))
    }

    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + relativePath)
    }

    public func symlink(_ relativePath: String, to target: String) throws {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: full)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    public func setExecutable(_ relativePath: String, _ executable: Bool) throws {
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644],
                                              ofItemAtPath: path + "/" + relativePath)
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    public func commit(_ message: String = "change") throws -> String {
        try git(["add", "-A"])
        try git(["commit", "-q", "--allow-empty", "-m", message])
        return try head()
    }

    public func head() throws -> String {
        try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func revParse(_ revision: String) throws -> String {
        try git(["rev-parse", revision]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// git's own answer: `git diff --name-status -M -z` between two revisions, as
    /// (status letter, path, old path) triples, sorted by path.
    public func gitNameStatus(_ arguments: [String]) throws -> [NameStatus] {
        let output = try git(["-c", "core.quotePath=false", "diff", "--name-status", "-z", "--no-ext-diff"] + arguments)
        return NameStatus.parse(zOutput: output)
    }
}

/// One line of `git diff --name-status`: the status letter, the path, and for renames the old path.
public struct NameStatus: Hashable, Comparable, CustomStringConvertible, Sendable {
    public var status: String
    public var path: String
    public var oldPath: String?

    public init(status: String, path: String, oldPath: String? = nil) {
        self.status = status
        self.path = path
        self.oldPath = oldPath
    }

    public var description: String { oldPath.map { "\(status) \($0) -> \(path)" } ?? "\(status) \(path)" }

    public static func < (lhs: NameStatus, rhs: NameStatus) -> Bool {
        (lhs.path, lhs.status, lhs.oldPath ?? "") < (rhs.path, rhs.status, rhs.oldPath ?? "")
    }

    public static func parse(zOutput: String) -> [NameStatus] {
        var fields = zOutput.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        if fields.last == "" { fields.removeLast() }
        var result: [NameStatus] = []
        var index = 0
        while index < fields.count {
            let status = fields[index]
            let letter = String(status.prefix(1))
            if letter == "R" || letter == "C" {
                result.append(NameStatus(status: status, path: fields[index + 2], oldPath: fields[index + 1]))
                index += 3
            } else {
                result.append(NameStatus(status: letter, path: fields[index + 1]))
                index += 2
            }
        }
        return result.sorted()
    }
}
