internal import AutodevGit

/// The note for content autodev could not read: the path, why, and what to do. The content is
/// then treated as unreadable (no test names, no requirements), and the run goes on.
enum ReadNote {
    static func text(path: String, error: any Error) -> String {
        if let error = error as? GitError, error.kind == .missingObject {
            // A partial clone (`--filter=blob:...`) that never fetched it; libgit2 cannot fetch.
            return "\(path): not in this clone (\(error.message.replacingMissingPrefix)): fetch it or deepen; read as unreadable content"
        }
        return "\(path): could not be read: \(error)"
    }

    /// `notes` without repeats, in first-seen order: several steps read the same blob.
    static func unique(_ notes: [String]) -> [String] {
        var seen = Set<String>()
        return notes.filter { seen.insert($0).inserted }
    }
}

private extension String {
    /// "blob X is not in this clone" → "blob X".
    var replacingMissingPrefix: String {
        let suffix = " is not in this clone"
        return hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
