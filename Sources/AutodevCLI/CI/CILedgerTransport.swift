internal import AutodevCore

/// `sync --ci`'s transport for the shared ledger (`refs/autodev/ledger`, see `SharedLedger`):
/// the `git` command, like the rest of `sync --ci`'s remote work, so the job's credential
/// helpers and tokens apply. The push is a compare-and-swap on the remote
/// (`--force-with-lease=REF:OLD`): of two runners pushing from the same fetched value, one wins.
final class CILedgerTransport: LedgerTransport {
    let git: GitCommand
    let remoteName: String

    init(directory: String, remote: String) {
        git = GitCommand(directory: directory)
        remoteName = remote
    }

    func fetch(_ ref: String) throws(AutodevError) -> String? {
        do {
            let result = try git.run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remoteName, "+\(ref):\(ref)"])
            if !result.succeeded {
                if result.stderr.contains("couldn't find remote ref") { return nil }
                let detail = result.stderr.split(separator: "\n").suffix(4).joined(separator: "; ")
                throw AutodevError(.gitFailure, "fetching \(ref) from \(remoteName) failed (git fetch exited with \(result.status)): \(detail)")
            }
            // What was fetched, not what ls-remote said a moment before: the push's lease.
            return try git.value(of: ref)
        } catch let error as AutodevError {
            throw error
        } catch {
            throw AutodevError(.gitFailure, "fetching \(ref) from \(remoteName) failed: \(error)")
        }
    }

    func push(_ commit: String, to ref: String, expected: String?) throws(AutodevError) -> Bool {
        let result: GitCommand.Result
        do {
            result = try git.run(["push", "--porcelain", "--no-verify", "--force-with-lease=\(ref):\(expected ?? "")", remoteName, "\(commit):\(ref)"])
        } catch let error as AutodevError {
            throw error
        } catch {
            throw AutodevError(.gitFailure, "pushing \(ref) to \(remoteName) failed: \(error)")
        }
        if result.succeeded { return true }
        let text = result.stdout + result.stderr
        // Another runner's push got there first: its lease check, or its ref lock on the server.
        if CIRemote.lostRace(text) { return false }
        let detail = text.split(separator: "\n").filter { !$0.isEmpty }.suffix(4).joined(separator: "; ")
        throw AutodevError(.gitFailure, "pushing \(ref) to \(remoteName) failed (git push exited with \(result.status)): \(detail) — check the job's push permission (contents: write) and credentials")
    }
}
