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
        guard config[.triageEnabled], !config.providers.isEmpty, config[.llmEnabled],
              decisions.contains(where: { $0.doubt != nil }) else { return pass }
        let providerConfig = config.providers[0]
        let model = "\(providerConfig.name)/\(providerConfig.model)"
        var send: ((LLMRequest, Int) -> (text: String?, records: [LLMCallRecord]))?
        if !dryRun {
            do throws(AutodevError) {
                let provider = try workspace.makeProviders()[0]
                let runKey = "triage@\(getpid())-\(clock.nowMilliseconds())"
                pass.runKey = runKey
                let guarded = CallGuard(config: config, store: store, ledger: workspace.ledger, clock: clock,
                                        runKey: runKey, startedMonotonic: runStartedMonotonic,
                                        stopRequested: stopRequested, step: { [unowned self] point in self.step(point) })
                let secrets = workspace.secretGuard()
                send = { request, estimated in
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
                        pass.notes.append("triage: \(error.message); the rules' decisions stand")
                        return (nil, records)
                    case .skipped(let why, _):
                        pass.notes.append("triage not asked: \(why); the rules' decisions stand")
                        return (nil, records)
                    }
                }
                pass.notes.append(contentsOf: guarded.warnings)
            } catch {
                pass.notes.append("triage not asked: \(error.message); the rules' decisions stand")
            }
        }
        let outcome = Triage.run(decisions, cached: state.triage ?? [:], model: model, maxItems: config[.triageMaxItems], send: send)
        pass.decisions = outcome.decisions
        pass.calls = outcome.calls
        pass.notes.append(contentsOf: outcome.notes)
        if !outcome.learned.isEmpty { state.triage = (state.triage ?? [:]).merging(outcome.learned) { $1 } }
        if outcome.settled > 0 {
            pass.notes.append("triage: \(outcome.settled) decision\(outcome.settled == 1 ? "" : "s") the rules were unsure of settled as no work")
        }
        return pass
    }
}
