internal import AutodevCore

extension AutodevCommand {
    /// What one `autodev sync` came to: the last run's report (nil when a `--ci` run found the
    /// remote ahead), what the CI report says of the remote, and from them the warnings, the
    /// failures and the exit status, decided once.
    struct SyncOutcome {
        let branch: String
        var report: SyncReport?
        var ci: SyncRunReport.CI?
        var sharedLedger: SharedLedger?
        private var ledgerProblem: String?

        init(branch: String) { self.branch = branch }

        var lostRace: Bool { ci?.outcome == CIRemote.PushOutcome.lostRace.rawValue }
        var warnings: [String] { (report?.warnings ?? []) + (ledgerProblem.map { [$0] } ?? []) }
        var failures: [String] { report?.passes.flatMap { $0.failures } ?? [] }
        /// Settings that keep work from being checked (a `[validate] command` whose program is
        /// not installed): invalid configuration (2), reported by the sync that finds them.
        var problems: [String] { report?.passes.flatMap { $0.configurationProblems } ?? [] }

        var status: AutodevError.ExitStatus {
            report?.interruptedBy?.exitStatus
                ?? (lostRace ? AutodevError.Code.lockBusy.exitStatus : !failures.isEmpty ? .failure
                    : problems.isEmpty ? .success : .config)
        }

        /// Settlements and anything an earlier run could not push; a failure is a warning (the
        /// lines stay local, and the next push from this clone takes them).
        mutating func flushSharedLedger(_ workspace: Workspace, remote: String) {
            guard let sharedLedger else { return }
            let calibration = workspace.store.peekState().0.tokenCalibration ?? [:]
            if let problem = sharedLedger.flush(calibration: calibration) {
                ledgerProblem = problem
                ci?.ledger = "not pushed: " + problem
            } else {
                Output.diagnostic("autodev ci: the spending ledger on \(remote) holds this clone's charges (\(SharedLedger.ref))")
                ci?.ledger = "pushed"
            }
        }

        /// Reports the failures and ends the command with its status (`status`).
        func finish(remote: String) throws {
            for failure in failures { Output.diagnostic("autodev: error: \(Terminal.safe(failure))") }
            if let reason = report?.interruptedBy {
                throw AutodevError(stoppedBy: reason, report?.stopped ?? "stopped by signal \(reason.signal); finished work is saved, the rest is pending")
            }
            if lostRace {
                throw AutodevError(.lockBusy, """
                    another runner moved autodev's refs on \(remote) again while this one ran; nothing was pushed or \
                    overwritten, and the next run continues from the remote's refs
                    """)
            }
            if !failures.isEmpty {
                throw ExitStatus(.failure)
            }
            if !problems.isEmpty {
                for problem in problems { Output.diagnostic("autodev: configuration: \(Terminal.safe(problem))") }
                throw ExitStatus(.config)
            }
        }
    }
}
