internal import CLibgit2
internal import AutodevSupport

/// A git repository opened with libgit2: normal, bare or a linked worktree.
///
/// Owns one `git_repository` handle. Not `Sendable`: libgit2 handles are used from one task.
public final class Repository {
    let pointer: OpaquePointer

    /// The pack files, when another handle on the same repository has mapped them already.
    var sharedPacks: PackStore?
    private var packReaderOpened = false
    private var packReaderStorage: PackReader?

    init(pointer: OpaquePointer, packs: PackStore? = nil) {
        self.pointer = pointer
        self.sharedPacks = packs
    }

    /// Reads objects straight from the pack files (see `PackReader`), opened on first use; nil
    /// when the repository has no packs. Objects written after that are loose, which libgit2
    /// reads.
    var packReader: PackReader? {
        if !packReaderOpened {
            packReaderOpened = true
            let store = sharedPacks ?? PackStore(objectsDirectory: commonDirectory + "objects")
            sharedPacks = store
            packReaderStorage = store.flatMap { PackReader($0) }
        }
        return packReaderStorage
    }

    private var commitGraphOpened = false
    private var commitGraphStorage: CommitGraph?

    /// git's commit-graph, opened on first use; nil when there is none (or the repository is
    /// shallow, where parents recorded in commits may be missing).
    var commitGraph: CommitGraph? {
        if !commitGraphOpened {
            commitGraphOpened = true
            commitGraphStorage = isShallow ? nil : CommitGraph(objectsDirectory: commonDirectory + "objects")
        }
        return commitGraphStorage
    }

    /// The mapped pack files, to share with handles for other threads.
    var packStore: PackStore? {
        _ = packReader
        return sharedPacks
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository containing `path`, searching upwards like git does.
    public static func discover(from path: String) throws -> Repository {
        try Libgit2.ensureInitialised()
        Trace.phase("libgit2 initialisation")
        var handle: OpaquePointer?
        let result = git_repository_open_ext(&handle, path, 0, nil)
        if result == GIT_ENOTFOUND.rawValue {
            throw GitError(kind: .notARepository, code: result,
                           message: "not a git repository (or any parent up to the root): \(path)")
        }
        if result < 0 { throw Self.openFailure(result, path: path) }
        guard let handle else {
            throw GitError(kind: .other, message: "libgit2 returned no repository for \(path)")
        }
        return Repository(pointer: handle)
    }

    /// Opens exactly the repository at `path` (its work tree or its git directory), no search.
    public static func open(at path: String) throws -> Repository {
        try Libgit2.ensureInitialised()
        var handle: OpaquePointer?
        let result = git_repository_open_ext(&handle, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if result == GIT_ENOTFOUND.rawValue {
            throw GitError(kind: .notARepository, code: result, message: "not a git repository: \(path)")
        }
        if result < 0 { throw Self.openFailure(result, path: path) }
        guard let handle else {
            throw GitError(kind: .other, message: "libgit2 returned no repository for \(path)")
        }
        return Repository(pointer: handle)
    }

    /// The error for a failed open; a repository format libgit2 1.5 cannot read (an extension
    /// it refuses, such as SHA-256 object names or reftable refs) is `.unsupportedFormat`, its
    /// message naming what the repository uses.
    private static func openFailure(_ result: Int32, path: String) -> GitError {
        let error = GitError.last(code: result, operation: "opening the repository at \(path)")
        let marker = "unsupported extension name extensions."
        guard let range = error.message.firstRange(of: marker) else { return error }
        let name = error.message[range.upperBound...].prefix { !$0.isWhitespace }
        let what: String, advice: String
        switch name.lowercased() {
        case "objectformat":
            what = "SHA-256 object names (extensions.objectFormat)"
            advice = "run it on a SHA-1 repository"
        case "refstorage":
            what = "reftable refs (extensions.refStorage)"
            advice = "convert the refs with git refs migrate --ref-format=files (git 2.46 or later), or use a clone made with the files ref format"
        default:
            what = "the git extension extensions.\(name)"
            advice = "use a clone made without it"
        }
        return GitError(kind: .unsupportedFormat, code: result,
                        message: "the repository at \(path) uses \(what), which autodev (libgit2 \(Libgit2.version)) cannot read yet; \(advice)",
                        operation: "opening the repository at \(path)")
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }
    public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

    /// The working tree, with a trailing slash; nil for a bare repository.
    public var workdir: String? {
        git_repository_workdir(pointer).map { decodeCString($0) }
    }

    /// The git directory (`.git/`, a bare repository's folder, or a worktree's private folder).
    public var gitDirectory: String { decodeCString(git_repository_path(pointer)) }

    /// The directory shared by all worktrees (where refs and objects live).
    public var commonDirectory: String { decodeCString(git_repository_commondir(pointer)) }

    /// The commit HEAD points to; nil on an unborn branch (a repository with no commits).
    public func head() throws -> ObjectID? {
        if git_repository_head_unborn(pointer) == 1 { return nil }
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, pointer, "HEAD")
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue { return nil }
        try GitError.check(result, "reading HEAD")
        return try peelToCommit(ObjectID(oid), what: "HEAD")
    }

    /// The object a reference points at (peeled through symbolic refs), or nil if it does not exist.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, pointer, name)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(result, "reading reference \(name)")
        return ObjectID(oid)
    }

    /// Resolves a revision (`HEAD~2`, a tag, a short id, a branch) to the commit it names.
    ///
    /// Ancestry suffixes (`~N`, `^N`, `^`) are walked here — through git's commit-graph when the
    /// repository has one, else reading commits from the pack files — after libgit2 has resolved
    /// the rest: libgit2 parses every commit of a `HEAD~1000` through its locked object database
    /// (4 ms). Anything else, and shallow repositories, go to libgit2
    /// whole.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        if let (base, steps) = Self.ancestrySuffix(revision), !isShallow {
            var commit = try resolveCommitWithLibgit2(base)
            for (kind, count) in steps {
                if kind == UInt8(ascii: "~") {
                    for _ in 0..<count {
                        guard let parent = try parents(of: commit).first else { throw Self.unknown(revision) }
                        commit = parent
                    }
                } else if count > 0 {
                    let parents = try parents(of: commit)
                    guard count <= parents.count else { throw Self.unknown(revision) }
                    commit = parents[count - 1]
                }
            }
            return commit
        }
        return try resolveCommitWithLibgit2(revision)
    }

    private static func unknown(_ revision: String) -> GitError {
        GitError(kind: .notFound, code: GIT_ENOTFOUND.rawValue, message: "unknown revision '\(revision)'")
    }

    /// Splits `base~3^2~` into `base` and its steps (`~`/`^` with a count); nil when the
    /// revision has no such suffix or the base is empty.
    static func ancestrySuffix(_ revision: String) -> (String, [(UInt8, Int)])? {
        let bytes = Array(revision.utf8)
        var end = bytes.count
        var steps: [(UInt8, Int)] = []
        while end > 0 {
            var digitsStart = end
            while digitsStart > 0, bytes[digitsStart - 1] >= UInt8(ascii: "0"), bytes[digitsStart - 1] <= UInt8(ascii: "9") { digitsStart -= 1 }
            guard digitsStart > 0, bytes[digitsStart - 1] == UInt8(ascii: "~") || bytes[digitsStart - 1] == UInt8(ascii: "^") else { break }
            let digits = bytes[digitsStart..<end]
            guard digits.count <= 9 else { return nil }
            let count = digits.isEmpty ? 1 : Int(String(decoding: digits, as: UTF8.self))!
            steps.append((bytes[digitsStart - 1], count))
            end = digitsStart - 1
        }
        guard !steps.isEmpty, end > 0 else { return nil }
        let base = String(decoding: bytes[..<end], as: UTF8.self)
        // `x^{tree}`-style peels, `@{...}` reflog forms and `:/text` searches end elsewhere or
        // carry their own syntax: let libgit2 have those whole.
        if base.contains(":") || base.hasSuffix("}") { return nil }
        return (base, steps.reversed())
    }

    /// A commit's parents: from git's commit-graph, or the pack files, or libgit2.
    func parents(of id: ObjectID) throws -> [ObjectID] {
        if let entry = commitGraph?.lookup(id) { return entry.parents }
        if let bytes = packReader?.read(id, as: .commit), let parents = Self.parseParents(bytes) { return parents }
        return try commit(id).parents
    }

    /// The `parent` lines that follow a commit object's `tree` line; nil if it does not look
    /// like a commit.
    static func parseParents(_ bytes: [UInt8]) -> [ObjectID]? {
        let treeLine = Array("tree ".utf8), parentLine = Array("parent ".utf8)
        guard bytes.starts(with: treeLine), bytes.count >= 46, bytes[45] == 0x0A else { return nil }
        var parents: [ObjectID] = []
        var index = 46
        while bytes.count - index >= 48, bytes[index..<(index + 7)].elementsEqual(parentLine), bytes[index + 47] == 0x0A {
            guard let id = ObjectID(hex: String(decoding: bytes[(index + 7)..<(index + 47)], as: UTF8.self)) else { return nil }
            parents.append(id)
            index += 48
        }
        return parents
    }

    private func resolveCommitWithLibgit2(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        let result = git_revparse_single(&object, pointer, revision)
        switch result {
        case GIT_ENOTFOUND.rawValue:
            throw GitError(kind: .notFound, code: result, message: "unknown revision '\(revision)'")
        case GIT_EAMBIGUOUS.rawValue:
            throw GitError(kind: .ambiguous, code: result, message: "ambiguous revision '\(revision)': use more characters of the id")
        case GIT_EINVALIDSPEC.rawValue:
            throw GitError(kind: .invalidSpec, code: result, message: "invalid revision '\(revision)'")
        default:
            try GitError.check(result, "resolving '\(revision)'")
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let peelResult = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        if peelResult < 0 {
            throw GitError(kind: .invalidSpec, code: peelResult, message: "'\(revision)' does not name a commit")
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled))
    }

    /// Whether the object database holds `id` (false for commits cut off by a shallow clone).
    public func contains(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return false }
        defer { git_odb_free(odb) }
        var oid = id.gitOID
        return git_odb_exists(odb, &oid) == 1
    }

    /// The best common ancestor of two commits, or nil when they share no history.
    public func mergeBase(_ one: ObjectID, _ two: ObjectID) throws -> ObjectID? {
        var out = git_oid()
        var a = one.gitOID, b = two.gitOID
        let result = git_merge_base(&out, pointer, &a, &b)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(result, "finding the merge base of \(one.hex) and \(two.hex)")
        return ObjectID(out)
    }

    /// Reads a commit's tree, parents and message.
    public func commit(_ id: ObjectID) throws -> CommitInfo {
        var oid = id.gitOID
        var commit: OpaquePointer?
        try GitError.check(git_commit_lookup(&commit, pointer, &oid), "reading commit \(id.hex)")
        defer { git_commit_free(commit) }
        let parentCount = git_commit_parentcount(commit)
        var parents: [ObjectID] = []
        for index in 0..<parentCount {
            if let parent = git_commit_parent_id(commit, index) { parents.append(ObjectID(parent)) }
        }
        let message = git_commit_message(commit).map { decodeCString($0) } ?? ""
        return CommitInfo(id: id, tree: ObjectID(git_commit_tree_id(commit)), parents: parents,
                          message: message, time: Int64(git_commit_time(commit)))
    }

    private func peelToCommit(_ id: ObjectID, what: String) throws -> ObjectID {
        var oid = id.gitOID
        var object: OpaquePointer?
        try GitError.check(git_object_lookup(&object, pointer, &oid, GIT_OBJECT_ANY), "reading \(what)")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try GitError.check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), "peeling \(what) to a commit")
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled))
    }

    /// Rename settings from the repository's git configuration (`diff.renames`, `diff.renameLimit`).
    public func renameOptionsFromConfig() -> RenameOptions {
        var options = RenameOptions()
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return options }
        defer { git_config_free(config) }
        var flag: Int32 = 0
        if git_config_get_bool(&flag, config, "diff.renames") == 0 {
            options.enabled = flag != 0
        } else {
            // "copies"/"copy" are not booleans: they mean renames and copies (git's -C).
            var buffer = git_buf()
            if git_config_get_string_buf(&buffer, config, "diff.renames") == 0 {
                let value = buffer.ptr.map { String(cString: $0).lowercased() } ?? ""
                options.enabled = true
                options.copies = value == "copies" || value == "copy"
                git_buf_dispose(&buffer)
            }
        }
        var limit: Int32 = 0
        if git_config_get_int32(&limit, config, "diff.renameLimit") == 0 {
            options.limit = Int(limit)
        }
        return options
    }
}

/// A commit's essentials, detached from libgit2.
public struct CommitInfo: Hashable, Sendable {
    public var id: ObjectID
    public var tree: ObjectID
    public var parents: [ObjectID]
    public var message: String
    /// Committer time, seconds since the epoch.
    public var time: Int64

    /// The first line of the message.
    public var summary: String {
        String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}
