internal import AutodevCore

/// `sync --ci`'s side of the remote: autodev's refs fetched before the run and pushed after it,
/// atomically and only if nobody else moved them meanwhile.
///
/// The refs are the checkpoint (`loop.checkpoint_ref`), the queue (`refs/autodev/queue`) and
/// the results branch. The remote's values at fetch time are the push's expectations
/// (`git push --atomic --force-with-lease=REF:OLD`): a runner that finished second finds the
/// remote moved, pushes nothing, and `sync --ci` fetches the winner's refs and runs again on
/// them, which redoes nothing the winner did.
struct CIRemote {
    let git: GitCommand
    let remote: String
    let refs: [String]
    /// What the remote held for each ref when it was fetched; nil: the remote did not have it.
    private(set) var expected: [String: String?] = [:]
    private(set) var log: [String] = []

    init(directory: String, remote: String, refs: [String]) {
        git = GitCommand(directory: directory)
        self.remote = remote
        self.refs = refs
    }

    func say(_ line: String) {
        Output.diagnostic("autodev ci: " + line)
    }

    /// Fetches autodev's refs from the remote, overwriting the local ones (the remote is the
    /// truth in CI). Returns whether any local ref changed.
    mutating func fetch(shallow: Bool) throws -> Bool {
        let before = try refs.map { try git.value(of: $0) }
        let listed = try git.check(["ls-remote", "--refs", remote] + refs, "listing autodev's refs on \(remote)")
        var remoteValues: [String: String] = [:]
        for line in listed.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2 { remoteValues[String(parts[1])] = String(parts[0]) }
        }
        let present = refs.filter { remoteValues[$0] != nil }
        if !present.isEmpty {
            // In a shallow clone, only the commits themselves: the history below them is
            // fetched by --deepen when the run needs it.
            let depth = shallow ? ["--depth=1"] : []
            try git.check(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head"] + depth + [remote] + present.map { "+\($0):\($0)" },
                          "fetching autodev's refs from \(remote)")
        }
        expected = [:]
        for ref in refs {
            expected[ref] = present.contains(ref) ? try git.value(of: ref) : String?.none
        }
        say("fetched from \(remote): " + refs.map { ref in "\(ref) \(expected[ref].flatMap { $0 }.map { String($0.prefix(12)) } ?? "(none)")" }.joined(separator: ", "))
        let after = try refs.map { try git.value(of: $0) }
        return before != after
    }

    /// In a shallow clone, makes sure the commits from the checkpoint to HEAD are here; with
    /// `deepen`, fetches them, else stops naming what is needed (exit 3).
    func ensureHistory(checkpointRef: String, deepen: Bool) throws {
        guard let checkpoint = try git.value(of: checkpointRef) else { return }
        func reachable() throws -> Bool { try git.run(["merge-base", "--is-ancestor", checkpoint, "HEAD"]).succeeded }
        let time = Int(try git.run(["log", "-1", "--format=%ct", checkpoint]).stdout.trimmingCharacters()) ?? 0
        let date = try git.run(["log", "-1", "--format=%cI", checkpoint]).stdout.trimmingCharacters()
        let present = refs.filter { (expected[$0] ?? nil) != nil }
        // autodev's refs were fetched one commit deep; the run reads their history back to
        // the checkpoint (the results branch's earlier commits).
        let since = "--shallow-since=\(time - 1)"
        try git.check(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", since, remote] + present.map { "+\($0):\($0)" },
                      "fetching the history of autodev's refs")
        // The run also reads the checkpoint's parent: one commit below every shallow boundary.
        let oneDeeper = { try git.check(["fetch", "--quiet", "--no-tags", "--deepen=1", remote], "deepening the clone by one commit") }
        if try reachable() { _ = try oneDeeper(); return }
        guard deepen else {
            throw AutodevError(.shallowHistory, """
                this clone is shallow and does not reach the checkpoint \(checkpoint.prefix(12)) (committed \(date)): \
                the run needs the history from it to HEAD. Run again with --deepen (it fetches that history: \
                git fetch --shallow-since=\(date)), or clone with the full history (actions/checkout: fetch-depth: 0)
                """)
        }
        say("deepening the clone to the checkpoint's commit date \(date)")
        try git.check(["fetch", "--quiet", "--no-tags", since, remote], "deepening the clone")
        if try reachable() { _ = try oneDeeper(); return }
        say("the checkpoint is still not an ancestor of HEAD: fetching the whole history")
        try git.check(["fetch", "--quiet", "--no-tags", "--unshallow", remote], "unshallowing the clone")
        // A checkpoint that is still not an ancestor: main was force-pushed; the run works
        // from the merge base and says so.
    }

    /// Whether the remote's checkpoint is ahead of HEAD: another runner processed a newer
    /// commit than this job checked out, so there is nothing left for this one.
    func isSuperseded(checkpointRef: String) throws -> Bool {
        guard let checkpoint = try git.value(of: checkpointRef), let head = try git.value(of: "HEAD"), checkpoint != head else { return false }
        return try git.run(["merge-base", "--is-ancestor", head, checkpoint]).succeeded
    }

    /// Whether a failed push's output says another runner moved the ref first: the lease
    /// checked by the client ("stale info"), or — when both pushes passed that check at the
    /// same moment — the server's own compare-and-swap under its ref lock ("cannot lock ref …:
    /// is at X but expected Y", "reference already exists", and with --atomic "atomic
    /// transaction failed"; seen with ten runners pushing at once). A hook's refusal is not a race.
    static func lostRace(_ text: String) -> Bool {
        guard !text.contains("hook declined") else { return false }
        return ["stale info", "fetch first", "non-fast-forward", "atomic push failed", "atomic transaction failed",
                "cannot lock ref", "reference already exists", "failed to update ref"].contains(where: text.contains)
    }

    enum PushOutcome: String, Encodable {
        case pushed, nothingToPush = "nothing-to-push", lostRace = "lost-race", superseded
    }

    /// Pushes the refs the run moved, all or none, each only if the remote still holds what was
    /// fetched.
    func push() throws -> (outcome: PushOutcome, pushed: [String: String?]) {
        var updates: [String: String?] = [:]
        var arguments = ["push", "--atomic", "--porcelain", "--no-verify", remote]
        var refspecs: [String] = []
        for ref in refs {
            let local = try git.value(of: ref)
            let old = expected[ref] ?? nil
            guard local != old else { continue }
            updates[ref] = local
            arguments.append("--force-with-lease=\(ref):\(old ?? "")")
            refspecs.append(local.map { "\($0):\(ref)" } ?? ":\(ref)")
        }
        guard !refspecs.isEmpty else {
            say("nothing to push: autodev's refs are as fetched")
            return (.nothingToPush, [:])
        }
        let result = try git.run(arguments + refspecs)
        if result.succeeded {
            say("pushed to \(remote): " + updates.keys.sorted().map { "\($0) \(updates[$0].flatMap { $0 }.map { String($0.prefix(12)) } ?? "(deleted)")" }.joined(separator: ", "))
            return (.pushed, updates)
        }
        let text = result.stdout + result.stderr
        if Self.lostRace(text) {
            say("lost the race: another runner moved autodev's refs on \(remote) since the fetch; nothing was pushed")
            return (.lostRace, [:])
        }
        let detail = text.split(separator: "\n").suffix(4).joined(separator: "; ")
        throw AutodevError(.gitFailure, "pushing autodev's refs to \(remote) failed (git push exited with \(result.status)): \(detail); nothing was overwritten — check the job's push permission (contents: write) and credentials")
    }
}
