public import AutodevGit

/// Finds and reads `config/autodev.toml`: from the work tree, or from HEAD in a bare repository.
public enum ConfigFile {
    public static let relativePath = "config/autodev.toml"

    public static func load(for repository: Repository, environment: [String: String]) throws(AutodevError) -> Config {
        let bytes: [UInt8]?
        do {
            if repository.workdir != nil {
                do {
                    bytes = try repository.workdirContent(relativePath)
                } catch let error as GitError where error.kind == .notFound {
                    bytes = nil
                }
            } else if let head = try repository.head() {
                bytes = try repository.fileContent(atPath: relativePath, inCommit: head)
            } else {
                bytes = nil
            }
        } catch {
            throw AutodevError(.invalidConfig, "cannot read \(relativePath): \(error); fix its permissions or remove it")
        }
        var text: String?
        if let bytes {
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw AutodevError.config(file: relativePath, line: nil, "the file is not valid UTF-8")
            }
            text = decoded
        }
        var config = try ConfigLoader.load(text: text, file: relativePath, environment: environment)
        if let name = linkedWorktreeName(repository), config.source(of: .checkpointRef)?.origin == .builtIn {
            // A linked work tree keeps its own checkpoint (and queue): see `WorkQueue.ref(forCheckpoint:)`.
            config.set("loop.checkpoint_ref", .string("refs/autodev/worktrees/\(name)/checkpoint"),
                       from: Config.Source(origin: .builtIn))
        }
        return config
    }

    /// The name of a linked work tree (`git worktree add`), as a ref component; nil for the main
    /// work tree and a bare repository. git keeps a linked work tree's files in
    /// `<common dir>/worktrees/<name>/`, so that folder's name is the work tree's.
    static func linkedWorktreeName(_ repository: Repository) -> String? {
        func trimmed(_ path: String) -> Substring { path.hasSuffix("/") ? path.dropLast() : Substring(path) }
        let own = trimmed(repository.gitDirectory), common = trimmed(repository.commonDirectory)
        guard repository.workdir != nil, own != common, let slash = own.lastIndex(of: "/") else { return nil }
        let name = own[own.index(after: slash)...].map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || "-_".contains(character)) ? character : "-"
        }
        return name.isEmpty ? nil : String(name)
    }
}
