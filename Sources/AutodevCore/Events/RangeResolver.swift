public import AutodevGit

/// What to compare.
public enum RangeRequest: Sendable, Equatable {
    /// From the checkpoint ref to HEAD (everything at HEAD when there is no checkpoint).
    case sinceCheckpoint
    /// `A..B`, `A...B` or a single commit (that commit against its first parent).
    case explicit(String)
    /// Staged, unstaged and untracked changes against HEAD.
    case worktree
    /// The specs at HEAD under these paths (every spec when empty), read for work as if new:
    /// what an adoption recorded as the baseline, queued when the user asks.
    case backfill([String])

    /// Whether a run over this range moves the checkpoint: a run from the checkpoint does, and
    /// a backfill that adopts a repository with no checkpoint yet.
    func movesCheckpoint(_ range: ResolvedRange) -> Bool {
        switch self {
        case .sinceCheckpoint: true
        case .backfill: range.checkpoint == nil
        case .explicit, .worktree: false
        }
    }
}

/// A resolved range: commits to diff, and how they were chosen.
struct ResolvedRange: Sendable, Equatable {
    public var from: ObjectID?
    /// nil together with `worktree == false` means there is nothing to compare (no commits yet).
    public var to: ObjectID?
    public var worktree: Bool
    public var notes: [String]
    /// No checkpoint yet (or a backfill): what is at HEAD is the baseline, specs included unless
    /// `backfill` says which to read for work.
    public var firstRun = false
    /// `--backfill [PATH…]`: the specs at HEAD under these paths (all when empty) are read for
    /// work as if new, and nothing else is; nil for an ordinary range.
    public var backfill: [String]?
    /// For a range from the checkpoint: the value the checkpoint ref had (the `from` of the range
    /// may be a merge base instead), which moving it must compare against.
    public var checkpoint: ObjectID?
}

public enum RangeResolver {
    /// A checkpoint that names no commit: a blob, tree or tag put there, or (in a clone that is
    /// not shallow) an object the repository does not have. A missing one in a shallow clone is
    /// left to the caller's "deepen the clone" message.
    static func checkCheckpoint(_ checkpoint: ObjectID, ref: String, in repository: Repository) throws(AutodevError) {
        let reset = "delete it (git update-ref -d \(ref)) and the next sync adopts what is at HEAD, or point it at a commit"
        guard repository.contains(checkpoint) else {
            if repository.isShallow { return }
            throw AutodevError(.unknownRevision, """
                the checkpoint \(ref) points at \(checkpoint.hex), which this repository does not have (it is not shallow, \
                so fetching more history will not bring it: it was pruned or came from another clone); \(reset)
                """)
        }
        do {
            _ = try repository.commit(checkpoint)
        } catch {
            throw AutodevError(.unknownRevision, "the checkpoint \(ref) points at \(checkpoint.hex.prefix(12)), which is not a commit (a blob, tree or tag was put there); \(reset)")
        }
    }

    /// `./specs/001-x/` → `specs/001-x`: a repository path prefix.
    static func normalizedBackfillPath(_ path: String) -> String {
        var text = Substring(path)
        while text.hasPrefix("./") { text = text.dropFirst(2) }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }


    static func resolve(_ request: RangeRequest, in repository: Repository, checkpointRef: String) throws(AutodevError) -> ResolvedRange {
        do {
            switch request {
            case .worktree:
                if repository.isBare {
                    throw AutodevError(.bareRepository, "--worktree needs a working tree, and \(repository.gitDirectory) is a bare repository; give a range instead")
                }
                let head = try repository.head()
                return ResolvedRange(from: head, to: nil, worktree: true,
                                     notes: head == nil ? ["no commits yet: every file in the working tree is new"] : [])
            case .sinceCheckpoint:
                guard let head = try repository.head() else {
                    return ResolvedRange(from: nil, to: nil, worktree: false, notes: ["no commits yet: nothing to compare"])
                }
                guard let checkpoint = try repository.referenceTarget(checkpointRef) else {
                    var range = ResolvedRange(from: nil, to: head, worktree: false,
                                              notes: ["no checkpoint (\(checkpointRef)) yet: adopting the repository; everything at HEAD, its specs' requirements included, is the baseline"])
                    range.firstRun = true
                    return range
                }
                try checkCheckpoint(checkpoint, ref: checkpointRef, in: repository)
                guard repository.contains(checkpoint) else {
                    throw AutodevError(.shallowHistory, """
                        the checkpoint \(checkpointRef) points at \(checkpoint.hex), which is not in this \
                        \(repository.isShallow ? "shallow clone" : "repository"); fetch more history \
                        (git fetch --deepen=1000, or git fetch --unshallow) and run again, or give an explicit range
                        """)
                }
                var range = ResolvedRange(from: checkpoint, to: head, worktree: false, notes: [])
                range.checkpoint = checkpoint
                // A branch switch, a rebase or a reset leaves HEAD off the checkpoint's line: diffing
                // from the checkpoint would read the other branch's work as deleted. Start from
                // where the two lines meet instead.
                if try !repository.isAncestor(checkpoint, of: head) {
                    if let base = try repository.mergeBase(checkpoint, head) {
                        range.from = base
                        range.notes.append("HEAD is not a descendant of the checkpoint \(checkpoint.hex.prefix(12)) (a branch switch, rebase or reset): compared from their merge base \(base.hex.prefix(12))")
                    } else {
                        range.from = nil
                        range.firstRun = true
                        range.notes.append("HEAD shares no history with the checkpoint \(checkpoint.hex.prefix(12)): adopting it afresh; everything at HEAD, its specs' requirements included, is the baseline")
                    }
                }
                return range
            case .explicit(let text):
                return try resolveExplicit(text, in: repository)
            case .backfill(let paths):
                guard let head = try repository.head() else {
                    return ResolvedRange(from: nil, to: nil, worktree: false, notes: ["no commits yet: nothing to backfill"])
                }
                let shown = paths.isEmpty ? "every spec" : "the specs under " + paths.joined(separator: ", ")
                var range = ResolvedRange(from: nil, to: head, worktree: false,
                                          notes: ["backfill: \(shown) at HEAD read for work as if new; code, tests and everything else are the baseline"])
                range.firstRun = true
                range.backfill = paths.map(normalizedBackfillPath)
                range.checkpoint = try repository.referenceTarget(checkpointRef)
                return range
            }
        } catch let error as AutodevError {
            throw error
        } catch let error as GitError {
            throw translate(error, repository: repository)
        } catch {
            throw AutodevError(.gitFailure, "\(error)")
        }
    }

    /// Splits `A..B` / `A...B`; nil sides mean HEAD, as in git.
    static func parse(_ text: String) throws(AutodevError) -> (from: String?, to: String?, symmetric: Bool)? {
        func malformed() -> AutodevError {
            AutodevError(.malformedRange, "malformed range '\(text)': use A..B, A...B or a single commit")
        }
        if text.isEmpty { throw malformed() }
        for (separator, symmetric) in [("...", true), ("..", false)] {
            if let range = text.firstRange(of: separator) {
                let left = String(text[..<range.lowerBound])
                let right = String(text[range.upperBound...])
                if right.contains("..") || left.contains("..") || (left.isEmpty && right.isEmpty) { throw malformed() }
                if right.hasPrefix(".") { throw malformed() }
                return (left.isEmpty ? nil : left, right.isEmpty ? nil : right, symmetric)
            }
        }
        return nil
    }

    private static func resolveExplicit(_ text: String, in repository: Repository) throws -> ResolvedRange {
        if let parts = try parse(text) {
            let from = try repository.resolveCommit(parts.from ?? "HEAD")
            let to = try repository.resolveCommit(parts.to ?? "HEAD")
            if parts.symmetric {
                guard let base = try repository.mergeBase(from, to) else {
                    throw AutodevError(.unknownRevision, "'\(text)': \(parts.from ?? "HEAD") and \(parts.to ?? "HEAD") have no common ancestor")
                }
                return ResolvedRange(from: base, to: to, worktree: false, notes: [])
            }
            return ResolvedRange(from: from, to: to, worktree: false, notes: [])
        }
        let commit = try repository.resolveCommit(text)
        let info = try repository.commit(commit)
        guard let parent = info.parents.first else {
            return ResolvedRange(from: nil, to: commit, worktree: false, notes: ["\(text) is a root commit: compared with the empty tree"])
        }
        guard repository.contains(parent) else {
            throw AutodevError(.shallowHistory, """
                the parent of \(text) (\(parent.hex)) is not in this shallow clone; fetch more history \
                (git fetch --deepen=1) and run again
                """)
        }
        var notes: [String] = []
        if info.parents.count > 1 { notes.append("\(text) is a merge commit: compared with its first parent") }
        return ResolvedRange(from: parent, to: commit, worktree: false, notes: notes)
    }

    public static func translate(_ error: GitError, repository: Repository?) -> AutodevError {
        switch error.kind {
        case .notARepository:
            return AutodevError(.notARepository, "\(error.message); run autodev inside a git repository or point -C at one")
        case .notFound, .ambiguous, .invalidSpec:
            var message = error.message
            if repository?.isShallow == true {
                message += " (this is a shallow clone: the commit may be outside it; git fetch --deepen=N or --unshallow)"
            }
            return AutodevError(.unknownRevision, message)
        case .missingObject:
            return AutodevError(.missingObject, "\(error.message): fetch it or deepen (this is a partial clone or a damaged one)")
        case .unsupportedFormat:
            return AutodevError(.unsupportedRepository, error.message)
        case .modified:
            return AutodevError(.resultsMoved, "\(error.description); someone else moved it meanwhile, nothing was overwritten")
        case .unbornBranch, .other:
            return AutodevError(.gitFailure, error.description)
        }
    }
}
