import AutodevGit

/// Committed settings (`config/…`) as the run sees them: from the work tree, or from HEAD in a
/// bare repository.
struct RepositoryFiles {
    let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    public func read(_ relativePath: String) throws(AutodevError) -> [UInt8]? {
        do {
            if let root = repository.workdir {
                return try FileSystem.readIfPresent(root + relativePath)
            }
            guard let head = try repository.head() else { return nil }
            return try repository.fileContent(atPath: relativePath, inCommit: head)
        } catch let error as AutodevError {
            throw error
        } catch {
            throw AutodevError(.ioFailure, "cannot read \(relativePath): \(error)")
        }
    }

    /// File names directly inside a folder.
    public func list(_ folder: String) -> [String] {
        if let root = repository.workdir {
            return FileSystem.list(root + folder).filter { !FileSystem.isDirectory(root + folder + "/" + $0) }
        }
        guard let head = try? repository.head(), let tree = try? repository.commit(head).tree,
              let files = try? repository.files(inTree: tree, under: folder) else { return [] }
        let prefix = folder + "/"
        return files.map(\.path).filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .map { String($0.dropFirst(prefix.count)) }.sorted()
    }
}
