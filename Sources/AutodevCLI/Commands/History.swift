internal import AutodevCore
internal import AutodevGit
#if canImport(Glibc)
internal import Glibc
#endif

extension AutodevCommand {
    /// `autodev history`: past runs and their decisions.
    struct History {
        static let spec = CommandSpec(
            name: "history",
            abstract: "List past runs (start in UTC, duration), or show one run's record and decisions.",
            discussion: "autodev history [--limit N] [--json]; autodev history show RUN [--json]",
            arguments: [.init(name: "words", help: "'show' followed by a run id, to show one run.", count: "*")],
            options: [
                .value("limit", "limit", "Show at most N runs, newest first."),
                .flag("json", "Print JSON."),
            ])

        let global: GlobalOptions
        let words: [String]
        let limit: Int
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            words = arguments.positionals
            limit = try arguments.integer("limit", default: 20, spec: Self.spec)
            json = arguments.flag("json")
            if !words.isEmpty && !(words.count == 2 && words[0] == "show") {
                throw UsageError("use 'autodev history' or 'autodev history show RUN'", spec: Self.spec)
            }
            if limit < 1 { throw UsageError("--limit must be at least 1", spec: Self.spec) }
        }

        struct Shown: Encodable {
            var run: RunRecord
            var decisions: [DecisionRecord]
        }

        func run() throws {
            let store = try Workspace.open(global).store
            let (runs, unreadable) = store.runsAndProblems()
            for problem in unreadable { Output.diagnostic("warning: \(Terminal.safe(problem))") }
            if words.count == 2 {
                guard let run = runs.first(where: { $0.id == words[1] || $0.id == "run-" + words[1] }) else {
                    throw AutodevError(.invalidArgument, "no run '\(words[1])' in \(store.historyFolder); 'autodev history' lists them")
                }
                let decisions = store.decisions(run: run.id)
                if json {
                    Output.write(try JSONOutput.encode(Shown(run: run, decisions: decisions)) + "\n")
                    return
                }
                var out = "run \(run.id) (\(run.status)): \(run.from.map { String($0.prefix(12)) } ?? "(start)")..\(run.to.map { String($0.prefix(12)) } ?? "-")\n"
                out += "started: \(StatusText.time(run.startedAt)); took \(StatusText.duration(of: run))\n"
                out += "events: \(run.events); pending: \(run.pending); results: \(run.resultsCommit.map { String($0.prefix(12)) } ?? "none")\n"
                if let accounting = run.accounting { out += "accounting: \(accounting.summary)\n" }
                if let usage = run.llm {
                    out += "llm: \(usage.calls) call\(usage.calls == 1 ? "" : "s") (\(usage.failedCalls) without a usable answer), \(usage.inputTokens) tokens in, \(usage.outputTokens) out, USD \(LLMUsage.dollars(usage.cost))\(usage.models.isEmpty ? "" : " (\(usage.models.joined(separator: ", ")))")\n"
                }
                for decision in decisions {
                    out += "  \(decision.action.rawValue) \(Terminal.safe(decision.requirement.map { "\($0) (\(decision.spec ?? ""))" } ?? decision.eventId))"
                    out += " [\(decision.tier ?? "skip")] \(Terminal.safe(decision.outcome == "skip" ? decision.reason : decision.outcome))"
                    if !decision.files.isEmpty { out += " → " + Terminal.safe(decision.files.joined(separator: ", ")) }
                    out += "\n"
                }
                Output.write(out)
                return
            }
            let shown = Array(runs.suffix(limit).reversed())
            if json {
                Output.write(try JSONOutput.encode(shown) + "\n")
                return
            }
            if shown.isEmpty {
                Output.write(unreadable.isEmpty ? "no runs yet\n" : "no readable runs: \(unreadable.count) record\(unreadable.count == 1 ? " is" : "s are") unreadable (named on stderr)\n")
                return
            }
            var out = ""
            for run in shown {
                let decisions = run.decisions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                out += "\(run.id)  \(StatusText.time(run.startedAt))  \(StatusText.duration(of: run))  \(run.status)"
                out += "  \(run.from.map { String($0.prefix(7)) } ?? "start")..\(run.to.map { String($0.prefix(7)) } ?? "-")"
                out += "  \(run.events) events  \(decisions.isEmpty ? "no decisions" : decisions)"
                out += run.resultsCommit.map { "  results \($0.prefix(7))" } ?? ""
                out += run.llm.map { "  llm \($0.calls) calls USD \(LLMUsage.dollars($0.cost))" } ?? ""
                out += run.accounting.map { "  avoided \($0.avoidedTotal)/\($0.naiveCalls)" + (($0.falseReuses.values.reduce(0, +)) > 0 ? " false reuses \($0.falseReuses.values.reduce(0, +))" : "") } ?? ""
                out += "\n"
            }
            Output.write(out)
        }
    }
}
