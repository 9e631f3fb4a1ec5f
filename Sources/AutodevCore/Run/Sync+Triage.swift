#if canImport(Glibc)
import Glibc
#endif

extension Sync {
    /// What triage left: the decisions, the calls it made, and the ledger key of its run.
    struct TriagePass {
        var decisions: [Decision]
        var calls: [LLMCallRecord] = []
        var notes: [String] = []
        /// The run key triage's calls were charged under, so tier 5's per-run budget counts them.
        var runKey: String?
    }

    /// Step 6's fallback: the decisions the rules are unsure of, asked as one batched yes/no
    /// question of the first provider (`Triage`), through the call guard (safe mode, breaker,
    /// budgets, rate limit, ledger). Without a provider, with `llm.enabled = false` or
    /// `triage.enabled = false`, the rules decide alone; a dry run applies remembered answers only.
    func triage(_ decisions: [Decision], state: inout SyncState, dryRun: Bool) -> TriagePass {
        var pass = TriagePass(decisions: decisions)
        guard triageConfigured, decisions.contains(where: { $0.doubt != nil }) else { return pass }
        let sender = dryRun ? nil : triageSender(&pass)
        let outcome = Triage.run(decisions, cached: state.triage ?? [:], model: triageModel, maxItems: config[.triageMaxItems], send: sender?.send)
        pass.decisions = outcome.decisions
        pass.calls = outcome.calls
        pass.notes.append(contentsOf: (sender?.notes.lines ?? []) + outcome.notes)
        if !outcome.learned.isEmpty { state.triage = (state.triage ?? [:]).merging(outcome.learned) { $1 } }
        if outcome.settled > 0 {
            pass.notes.append("triage: \(outcome.settled) decision\(outcome.settled == 1 ? "" : "s") the rules were unsure of settled as no work")
        }
        return pass
    }

    /// Work carried over from an earlier run that still holds the rules' doubt (queued while
    /// triage could not be asked: safe mode, a provider down, a budget reached, past
    /// `triage.max_items`) is asked about now, before the tiers take it: a "yes" withdraws it
    /// (logged as `triage-skip`), so no model is paid to build what the rules would have
    /// dropped had they been able to ask. Answers already known are applied without a call;
    /// the same doubt is never asked twice. `runKey`: the key earlier triage calls of this pass
    /// were charged under, so one pass has one triage run in the ledger.
    func triageCarried(_ queue: inout PassQueue, state: inout SyncState, runKey: String?) -> TriagePass {
        var pass = TriagePass(decisions: [])
        pass.runKey = runKey
        let candidates = queue.items.indices.filter { queue.carried.contains(queue.items[$0].id) && queue.items[$0].doubt != nil }
        guard triageConfigured, !candidates.isEmpty else { return pass }
        let sender = triageSender(&pass)
        let asked = Triage.ask(candidates.map { index in queue.items[index].doubt.map { (question: $0.question, evidence: $0.evidence) } },
                               cached: state.triage ?? [:], model: triageModel, maxItems: config[.triageMaxItems], send: sender?.send)
        pass.calls = asked.calls
        pass.notes.append(contentsOf: (sender?.notes.lines ?? []) + asked.notes)
        if !asked.learned.isEmpty { state.triage = (state.triage ?? [:]).merging(asked.learned) { $1 } }
        guard !asked.yes.isEmpty else { return pass }
        let settled = Set(asked.yes.map { candidates[$0] })
        for index in settled.sorted() {
            let item = queue.items[index]
            let doubt = item.doubt!
            queue.withdrawnRecords.append(DecisionRecord(run: "", eventId: item.eventId, work: item.id, action: .skip, rule: "triage-skip",
                                                         reason: Triage.settledReason(ifYes: doubt.ifYes, question: doubt.question, rulesSaid: item.reason),
                                                         requirement: item.requirement?.key, spec: item.requirement?.spec,
                                                         textHash: item.requirement?.textHash, tier: nil, outcome: "skip", files: []))
        }
        queue.items = queue.items.enumerated().filter { !settled.contains($0.offset) }.map(\.element)
        pass.notes.append("triage: \(settled.count) piece\(settled.count == 1 ? "" : "s") of queued work the rules were unsure of withdrawn as no work")
        return pass
    }

    /// Triage asks only with a provider, the LLM on and triage on.
    private var triageConfigured: Bool {
        config[.triageEnabled] && !config.providers.isEmpty && config[.llmEnabled]
    }

    private var triageModel: String {
        "\(config.providers[0].name)/\(config.providers[0].model)"
    }

    /// The guarded call of triage's one request, charged under `pass.runKey` (made here when
    /// the pass has none yet); nil when the provider cannot be made (the note says why).
    private func triageSender(_ pass: inout TriagePass) -> (send: (LLMRequest, Int) -> (text: String?, records: [LLMCallRecord]), notes: TriageNotes)? {
        let providerConfig = config.providers[0]
        do throws(AutodevError) {
            let provider = try workspace.makeProviders()[0]
            let runKey = pass.runKey ?? "triage@\(getpid())-\(clock.nowMilliseconds())"
            pass.runKey = runKey
            let guarded = CallGuard(config: config, store: store, ledger: workspace.ledger, clock: clock,
                                    runKey: runKey, startedMonotonic: runStartedMonotonic,
                                    stopRequested: stopRequested, step: { [unowned self] point in self.step(point) })
            let secrets = workspace.secretGuard()
            let notes = TriageNotes()
            let send = { (request: LLMRequest, estimated: Int) -> (text: String?, records: [LLMCallRecord]) in
                var request = request
                request.prompt = secrets.redact(request.prompt).text
                var record = LLMCallRecord(provider: providerConfig.name, model: providerConfig.model, work: [], attempt: 1,
                                           estimatedTokens: estimated, inputTokens: 0, outputTokens: 0, cost: 0,
                                           latencyMilliseconds: 0, outcome: .answered, problem: nil, redactions: 0, trimmed: [])
                record.purpose = "triage"
                let outcome = guarded.call(provider, request, estimatedTokens: estimated, work: [], hasFallback: false)
                var records = guarded.records(for: &record)
                switch outcome {
                case .answered(let answer):
                    record.latencyMilliseconds = answer.latencyMilliseconds
                    if answer.finish != .complete {
                        record.outcome = .malformed
                        record.problem = "the answer was cut off or not complete"
                    }
                    records.append(record)
                    return (answer.finish == .complete ? answer.text : nil, records)
                case .failed(let error):
                    record.outcome = error.kind == .stopped ? .stopped : .failed
                    record.problem = error.message
                    records.append(record)
                    notes.lines.append("triage: \(error.message); the rules' decisions stand")
                    return (nil, records)
                case .skipped(let why, _):
                    notes.lines.append("triage not asked: \(why); the rules' decisions stand")
                    return (nil, records)
                }
            }
            pass.notes.append(contentsOf: guarded.warnings)
            return (send, notes)
        } catch {
            pass.notes.append("triage not asked: \(error.message); the rules' decisions stand")
            return nil
        }
    }
}

/// The notes triage's call leaves while it is made (read after it).
final class TriageNotes {
    var lines: [String] = []
}
