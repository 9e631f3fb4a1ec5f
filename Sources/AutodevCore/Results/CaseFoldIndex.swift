internal import AutodevGit

/// Finds a generated path that differs from another only in what a case-insensitive file system
/// ignores (case, HFS+-ignorable code points, NTFS trailing dots and spaces, Unicode
/// normalisation): `SRC/app.py` beside `src/app.py`. Checked out on macOS or Windows the two
/// are one file, and whichever is written last silently wins.
///
/// Compares against the processed tree (read folder by folder along each path, only the
/// folders asked about) and every output added so far (earlier results and this run's). Not
/// thread-safe: one per pass, used on the pass's thread.
final class CaseFoldIndex {
    private let base: TreeLookup?
    private let repository: Repository
    /// Folded path → the path as written, for every file and folder known.
    private var known: [String: String] = [:]
    /// Paths (files and folders) known exactly as written.
    private var exact: Set<String> = []
    /// Folders of the processed tree already read into `known`.
    private var loaded: Set<String> = []

    init(base: TreeLookup?, repository: Repository, paths: some Sequence<String>) {
        self.base = base
        self.repository = repository
        for path in paths { add(path) }
    }

    /// Every prefix of `paths` (folders and files), folded → as written: the other paths of one
    /// piece of work, checked against each other before any is added.
    static func prefixes(_ paths: some Sequence<String>) -> [String: String] {
        var result: [String: String] = [:]
        for path in paths {
            forEachPrefix(path) { written, folded in
                if result[folded] == nil { result[folded] = written }
            }
        }
        return result
    }

    /// The first prefix of `path` (a folder or the path itself) that clashes, with the known
    /// path it clashes with, or nil. `siblings` (from ``prefixes(_:)``): the same work's other paths.
    func clash(_ path: String, siblings: [String: String] = [:]) throws(AutodevError) -> (mine: String, other: String)? {
        var found: (mine: String, other: String)?
        var failure: AutodevError?
        Self.forEachPrefix(path) { written, folded in
            guard found == nil, failure == nil else { return }
            let parent = written.split(separator: "/").dropLast().joined(separator: "/")
            do throws(AutodevError) { try load(parent) } catch { failure = error; return }
            if exact.contains(written) { return }
            if let other = known[folded] ?? siblings[folded], other != written { found = (written, other) }
        }
        if let failure { throw failure }
        return found
    }

    /// Records `path` (and its folders) as written.
    func add(_ path: String) {
        Self.forEachPrefix(path) { written, folded in
            exact.insert(written)
            if known[folded] == nil { known[folded] = written }
        }
    }

    private func load(_ folder: String) throws(AutodevError) {
        guard let base, !loaded.contains(folder) else { return }
        loaded.insert(folder)
        guard let names = try gitCall(repository, { try base.names(inFolder: folder) }) else { return }
        for name in names { add(folder.isEmpty ? name : folder + "/" + name) }
    }

    /// Calls `body` with each prefix of `path` from the root down: as written, and folded.
    private static func forEachPrefix(_ path: String, _ body: (_ written: String, _ folded: String) -> Void) {
        var written = ""
        var folded = ""
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if !written.isEmpty {
                written += "/"
                folded += "/"
            }
            written += part
            folded += PathPolicy.fold(part)
            body(written, folded)
        }
    }
}
