internal import AutodevCore

/// What `sync --report FILE` writes: the run's report and, with `--ci`, what was fetched and
/// pushed.
struct SyncRunReport: Encodable {
    struct CI: Encodable {
        var remote: String
        /// The remote's value of each ref when it was fetched (null: it had none).
        var fetched: [String: String?]
        /// What was pushed (null: deleted); empty when nothing was.
        var pushed: [String: String?]
        /// pushed, nothing-to-push, lost-race
        var outcome: String
        /// Runs this job made: 2 when it lost a race once and ran again on the winner's refs.
        var attempts: Int
        /// The shared spending ledger (refs/autodev/ledger): "pushed", or "not pushed: why"
        /// (its lines stay local and go with the next push).
        var ledger: String? = nil
    }

    /// null when there was nothing to run (the remote's checkpoint was ahead of HEAD).
    var sync: SyncReport?
    var ci: CI?
    var exitStatus: Int32
}

/// `sync --summary FILE`: Markdown for a pull request body or a CI job summary.
enum SyncSummary {
    static func render(_ report: SyncReport?, ci: SyncRunReport.CI?, branch: String) -> String {
        var out = "## autodev sync\n\n"
        guard let report else {
            return out + "Nothing to do: the remote's checkpoint is ahead of this checkout (a newer run processed more).\n"
        }
        if report.deferredToRunningSync {
            return out + "Another sync was running; it picks these commits up.\n"
        }
        var tiers: [String: Int] = [:], deferred: [SyncPass.Item] = [], failures: [String] = []
        var events = 0, avoided = 0, awaiting = 0, pending = 0, workItems = 0
        var accounting = CallAccounting()
        var results: String?
        for pass in report.passes {
            let from = pass.from.map { String($0.prefix(12)) } ?? "(start)"
            let to = pass.to.map { String($0.prefix(12)) } ?? "(nothing)"
            out += "- Run `\(pass.run)`: `\(from)..\(to)`, \(pass.events) event\(pass.events == 1 ? "" : "s"), \(pass.workItems) work item\(pass.workItems == 1 ? "" : "s")"
            out += pass.checkpointMoved ? "; checkpoint moved to `\(to)`\n" : "; checkpoint unchanged\n"
            for (tier, count) in pass.tiers { tiers[tier, default: 0] += count }
            deferred += pass.items.filter { $0.tier == "deferred" || $0.tier == "offline" || $0.tier == "failed" }
            failures += pass.failures
            events += pass.events
            workItems += pass.workItems
            avoided += pass.llmCallsAvoided
            if let counted = pass.accounting { accounting.add(counted) }
            awaiting = pass.awaitingLLM
            pending = pass.pending
            results = pass.resultsCommit ?? results
            for note in pass.notes { out += "  - note: \(cell(note))\n" }
            for conflict in pass.conflicts { out += "  - conflict: \(cell(conflict))\n" }
        }
        out += "\n### Work done, by tier\n\n"
        if tiers.isEmpty {
            out += "None.\n"
        } else {
            out += "| tier | work |\n|---|---:|\n"
            for (tier, count) in tiers.sorted(by: { $0.key < $1.key }) { out += "| \(tier) | \(count) |\n" }
        }
        if let results { out += "\nGenerated files are on `\(branch)` at `\(results.prefix(12))`, for review.\n" }
        out += "\n### What waits, and why\n\n"
        if deferred.isEmpty && pending == 0 && awaiting == 0 && failures.isEmpty {
            out += "Nothing.\n"
        } else {
            out += "- \(pending) piece\(pending == 1 ? "" : "s") of work pending (left over by the run's limits or a failure; they go first next run)\n"
            out += "- \(awaiting) request\(awaiting == 1 ? "" : "s") awaiting an LLM (written to `.auto-dev/loop/pending/`; no provider is configured)\n"
            for item in deferred.prefix(50) {
                out += "  - \(item.tier): \(cell(item.action.rawValue)) — \(cell(item.subject)): \(cell(item.outcome))\n"
            }
            if deferred.count > 50 { out += "  - … and \(deferred.count - 50) more\n" }
            for failure in failures { out += "- failed: \(cell(failure))\n" }
        }
        out += "\n### Cost\n\n"
        out += "- LLM calls made: \(accounting.callsMade); LLM calls avoided (answered by patterns, templates, the cache and similar answers): \(avoided)\n"
        if accounting.workItems > 0 { out += "- \(cell(accounting.summary))\n" }
        out += "- \(events) event\(events == 1 ? "" : "s") read, \(workItems) work item\(workItems == 1 ? "" : "s") decided without an LLM\n"
        if let ci {
            out += "\n### Remote\n\n"
            switch ci.outcome {
            case "pushed": out += "Pushed to `\(ci.remote)`: " + ci.pushed.keys.sorted().map { "`\($0)`" }.joined(separator: ", ") + ".\n"
            case "lost-race": out += "Another runner moved autodev's refs on `\(ci.remote)` during this run; nothing was pushed.\n"
            default: out += "Nothing to push to `\(ci.remote)`.\n"
            }
            if ci.attempts > 1 { out += "This job lost a race once and ran again on the winner's refs.\n" }
            if let ledger = ci.ledger, ledger != "pushed" { out += "**The spending ledger was not pushed**: \(ledger.dropFirst("not pushed: ".count))\n" }
        }
        return out
    }

    /// Text from the repository, safe in a Markdown list: no line breaks, no HTML.
    static func cell(_ text: String) -> String {
        Terminal.safe(text).replacing("<", with: "&lt;").replacing("|", with: "\\|")
    }
}
