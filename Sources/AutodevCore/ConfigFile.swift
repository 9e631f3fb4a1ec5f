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
            throw AutodevError(.ioFailure, "cannot read \(relativePath): \(error); fix its permissions or remove it",
                               exitStatus: .config)
        }
        var text: String?
        if let bytes {
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw AutodevError.config(file: relativePath, line: nil, "the file is not valid UTF-8")
            }
            text = decoded
        }
        return try ConfigLoader.load(text: text, file: relativePath, environment: environment)
    }
}
