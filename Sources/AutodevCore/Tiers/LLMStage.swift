internal import AutodevGit

/// One call to a model, as the decision log and the run record keep it.
struct LLMCallRecord: Sendable, Codable, Equatable {
    public var provider: String
    public var model: String
    /// The work items the request carried.
    public var work: [String]
    /// 1 for the first ask; higher for a re-ask after a malformed answer or a validation round.
    public var attempt: Int
    public var estimatedTokens: Int
    /// From the provider's `usage` (the estimate when it sent none).
    public var inputTokens: Int
    public var outputTokens: Int
    public var cost: Double
    public var latencyMilliseconds: Int64
    public enum Outcome: String, Sendable, Codable {
        /// A usable answer (whether its code then passed validation is the work's outcome).
        case answered
        /// An answer that could not be used (the problem says why).
        case malformed
        /// No answer: the provider failed.
        case failed
        /// Abandoned by a stop request.
        case stopped
    }

    public var outcome: Outcome
    public var problem: String?
    public var redactions: Int
    public var trimmed: [String]
    /// The spending ledger's id of the call (nil when no guard sent it).
    public var ledgerID: String? = nil
    /// "triage" for a batched yes/no question about the rules' doubts (`Triage`); nil for work.
    public var purpose: String? = nil
}

/// Work whose generated files failed the project's checks in every round: not tried again until
/// its requirement, its linked code or the configuration changes (`fingerprint`).
public struct FailedValidation: Sendable, Codable, Equatable {
    public var fingerprint: String
    public var rounds: Int
    /// The relevant part of the last run's output.
    public var output: String
    public var at: Int64
    public var subject: String
}

/// Tier 5 in a run: work no cheaper tier answered goes to the providers one *change* (feature)
/// at a time (`ChangePlanner`), in steps of `batch_size` items, each step reading the accumulated
/// tree with the files earlier steps wrote as targets; answers are parsed strictly (an item may
/// be settled with "NOTHING TO DO"), then the change is run through the validation gate once;
/// only a change that passes is taken in, whole. A malformed answer is asked again once with its
/// exact problem; a validation failure goes back to the model as one call for the whole change,
/// for up to `loop.recovery.max_retries` more rounds; a change that never passes is parked whole.
/// Whatever cannot be finished stays pending.
extension TierRunner {
    struct LLMSetup {
        /// Built only when some work needs them (a missing key must not stop runs without such work).
        var makeProviders: () throws(AutodevError) -> [any LLMProvider]
        var providers: [any LLMProvider] = []
        /// From the state: work that failed validation, and token calibrations per provider.
        var failedValidation: [String: FailedValidation]
        var calibration: [String: Double]
        /// What the configuration contributes to a failed validation's fingerprint.
        var configFingerprint: String
        /// Budget, limiter, breaker, ledger and retries around every call; nil sends directly.
        var guarded: CallGuard? = nil
        /// Opens the answer cache of tiers 3 and 4 (nil: none, or it cannot be opened).
        var openCache: (() -> (any AnswerCache)?)? = nil
        /// Redaction of every prompt: the patterns and the key values autodev holds.
        var secrets = SecretGuard()
        /// The patterns alone, as `PromptBuilder` has them by default, for the prompts built
        /// only to be keyed or measured (reuse keys, the trim check): one per run, so each path
        /// is matched against the patterns once, not once per prompt.
        var plainSecrets = SecretGuard()
    }

    /// The fingerprint of what a failed validation depends on: the requirement's text, the
    /// content of its linked files at the processed commit, and the configuration.
    func fingerprint(_ item: WorkItem, configFingerprint: String) -> String {
        var text = "autodev-failed-validation-v1\n\(item.id)\n\(item.requirement?.textHash ?? item.detail)\n\(configFingerprint)\n"
        for link in item.links.sorted() {
            let id = (try? context.baseLookup?.entry(atPath: link))??.id.hex ?? "-"
            text += "\(link) \(id)\n"
        }
        return SHA256.hex(text)
    }

    func runLLM(_ items: [WorkItem], setup initial: LLMSetup) throws(AutodevError) {
        guard !items.isEmpty else { return }
        var setup = initial
        do {
            setup.providers = try setup.makeProviders()
        } catch {
            for item in items { fail(item, error.message) }
            return
        }
        guard let base = context.baseCommit, let baseLookup = context.baseLookup else {
            for item in items { deferItem(item, "no commit to build on yet; pending") }
            return
        }
        if let gate {
            // The baseline before any call: a project red on its own makes no answer judgeable
            // without a report, so nothing is spent until it is green again.
            guard let baseline = currentBaseline(gate, baseTree: baseLookup.tree) else {
                for item in items { deferItem(item, "stopped by a signal during validation; pending") }
                return
            }
            if baseline.blocksAnswers {
                notes.append("\(items.count) piece\(items.count == 1 ? "" : "s") of work for the model wait\(items.count == 1 ? "s" : ""), no call made: \(baseline.waitReason)")
                for item in items {
                    deferItem(item, baseline.waitReason)
                    baselineWaits[item.id] = WorkWait(reason: baseline.waitReason, resumesAt: nil)
                }
                return
            }
        }
        // Prompts read the accumulated tree: the processed commit, the results branch's files
        // and what this pass wrote so far (`accept` lays each accepted file over it).
        // Scaffolds (a template's starting point) are shown as the files' current content.
        var shown: [String: [UInt8]] = [:]
        for item in items { shown.merge(scaffolds[item.id] ?? [:]) { first, _ in first } }
        let head = ScaffoldSource(base: try GitTreeSource(repository: context.repository, commit: base), scaffolds: shown)
        let tree = AccumulatedTree(base: head, repository: context.repository,
                                   overlay: context.previous.merging(newFiles.mapValues(\.blob)) { $1 })
        self.tree = tree
        var ready: [WorkItem] = []
        for change in ChangePlanner.plan(items) {
            let print = changeFingerprint(change, configFingerprint: setup.configFingerprint)
            let parked = change.items.compactMap { setup.failedValidation[$0.id] }
            if parked.count == change.items.count, parked.allSatisfy({ $0.fingerprint == print }), let failed = parked.first {
                for item in change.items {
                    deferItem(item, "failed validation in \(failed.rounds) round\(failed.rounds == 1 ? "" : "s") (change \(change.key)); waits for a change to its requirements, linked code or configuration (autodev status shows the output)")
                }
                continue
            }
            ready += change.items
        }
        let reuseStarted = context.clock.monotonicMilliseconds()
        ready = try reuseEarlierAnswers(ready, source: tree, baseTree: baseLookup.tree, setup: setup)
        timings?.observe(.tier("reuse"), milliseconds: context.clock.monotonicMilliseconds() - reuseStarted)
        let changes = ChangePlanner.plan(ready)
        for (index, change) in changes.enumerated() {
            let usage = LLMUsage(llmCalls)
            progress(RunProgress(stage: .model, done: index, total: changes.count, tier: TierName.llm.rawValue, calls: usage.calls, cost: usage.cost))
            if context.stopRequested() != nil {
                for item in change.items { deferItem(item, "stopped by a signal; pending") }
                continue
            }
            let serveStarted = context.clock.monotonicMilliseconds()
            try serve(change, tree: tree, baseTree: baseLookup.tree, setup: setup)
            timings?.observe(.tier(TierName.llm.rawValue), milliseconds: context.clock.monotonicMilliseconds() - serveStarted)
        }
    }

    /// What a change's failed validation depends on: every item's own fingerprint. Stored on each
    /// item, so the change is parked only while all of them are as they were.
    func changeFingerprint(_ change: Change, configFingerprint: String) -> String {
        if change.items.count == 1 { return fingerprint(change.items[0], configFingerprint: configFingerprint) }
        let parts = change.items.map { fingerprint($0, configFingerprint: configFingerprint) }.sorted()
        return SHA256.hex("autodev-failed-change-v1\n\(change.key)\n" + parts.joined(separator: "\n"))
    }

    private enum Asked {
        case answer(ParsedAnswer, LLMCallRecord, provider: ProviderConfig)
        /// Nothing usable; the items stay pending with this outcome (already deferred).
        case settled
        /// The answer for several items was cut off at the output token limit: asking the same
        /// items again would be cut off again; the caller asks them in smaller steps (nothing
        /// deferred, the call counted).
        case cutOff
    }

    /// Asks the providers in order for `items`; a malformed answer as a whole is asked again
    /// once with its problem. Items that cannot be asked (limits, stop, failures) are deferred.
    private func ask(_ items: [PromptBuilder.Item], attempt: Int, source: any PromptSource, setup: LLMSetup) throws(AutodevError) -> Asked {
        let maxCalls = context.config[.maxLLMCallsPerRun]
        let maxTokens = context.config[.maxTokensPerRun]
        var lastError: LLMError?
        var skips: [String] = []
        for (index, provider) in setup.providers.enumerated() {
            let config = provider.config
            var estimator = TokenEstimator(calibration: llmCalibration[config.name] ?? setup.calibration[config.name] ?? 1)
            let builder = PromptBuilder(source: source, secrets: setup.secrets, estimator: estimator, provider: config,
                                        maxContextTokens: context.config[.maxContextTokens],
                                        batchSize: max(items.count, context.config[.batchSize]))
            var round = items
            var asked = attempt
            asking: for reask in 0..<2 {
                let prompt = try builder.build(round)
                if calls + 1 > maxCalls || tokens + prompt.estimatedTokens > maxTokens {
                    let why = calls + 1 > maxCalls ? "over max_llm_calls_per_run (\(maxCalls)); pending" : "over max_tokens_per_run (\(maxTokens)); pending"
                    for item in items { deferItem(item.work, why) }
                    return .settled
                }
                var record = LLMCallRecord(provider: config.name, model: config.model, work: prompt.work, attempt: asked,
                                           estimatedTokens: prompt.estimatedTokens, inputTokens: 0, outputTokens: 0, cost: 0,
                                           latencyMilliseconds: 0, outcome: .answered, problem: nil,
                                           redactions: prompt.redactions.values.reduce(0, +), trimmed: prompt.trimmed.map(\.description))
                calls += 1
                let answer: LLMAnswer
                do throws(LLMError) {
                    let guarded = setup.guarded?.call(provider, prompt.request, estimatedTokens: prompt.estimatedTokens, work: prompt.work,
                                                      hasFallback: index + 1 < setup.providers.count, maxAttempts: maxCalls - calls + 1)
                    // Retries inside the guard are calls made too; `record` gets its request's charge.
                    let retried = setup.guarded?.records(for: &record) ?? []
                    llmCalls += retried
                    calls += retried.count
                    tokens += retried.map { $0.inputTokens + $0.outputTokens }.reduce(0, +)
                    switch guarded {
                    case nil: answer = try provider.complete(prompt.request, stopRequested: context.stopRequested)
                    case .answered(let got)?: answer = got
                    case .failed(let error)?: throw error
                    case .skipped(let why, let resumesAt)?:
                        calls -= 1  // nothing was sent
                        skips.append(why)
                        for item in items { setup.guarded?.waits[item.work.id] = WorkWait(reason: why, resumesAt: resumesAt) }
                        break asking  // the next provider, if any
                    }
                } catch {
                    if error.kind == .stopped {
                        record.outcome = .stopped
                        llmCalls.append(record)
                        for item in items { deferItem(item.work, "stopped by a signal during an LLM call; pending") }
                        return .settled
                    }
                    record.outcome = .failed
                    record.problem = error.message
                    llmCalls.append(record)
                    lastError = error
                    break  // the next provider, if any
                }
                for item in items { setup.guarded?.waits[item.work.id] = nil }
                if record.ledgerID == nil {
                    record.inputTokens = answer.inputTokens ?? prompt.estimatedTokens
                    record.outputTokens = answer.outputTokens ?? TokenEstimator().tokens(answer.text, kind: .code)
                    record.cost = config.cost(inputTokens: record.inputTokens, outputTokens: record.outputTokens)
                }
                record.latencyMilliseconds = answer.latencyMilliseconds
                tokens += record.inputTokens + record.outputTokens
                if let reported = answer.inputTokens {
                    estimator = estimator.calibrated(estimated: prompt.estimatedTokens, reported: reported)
                    llmCalibration[config.name] = estimator.calibration
                }
                let stop = context.stopRequested
                let format = AnswerFormat(editFormat: config.editFormat, maxFiles: context.config[.answersMaxFiles],
                                          stopRequested: { stop() != nil })
                do {
                    let parsed = try format.parse(answer, work: prompt.work, current: { source.read($0) })
                    llmCalls.append(record)
                    return .answer(parsed, record, provider: config)
                } catch where error.kind == .stopped {
                    record.outcome = .stopped
                    llmCalls.append(record)
                    for item in items { deferItem(item.work, "stopped by a signal while reading the answer; pending") }
                    return .settled
                } catch {
                    record.outcome = .malformed
                    record.problem = error.message
                    llmCalls.append(record)
                    // A whole-file answer for a step of 19 items is about 9,000 tokens, past a
                    // model's usual 8,192: the same prompt again is cut off again, and every item
                    // failed "unusable twice". Smaller steps fit.
                    if error.kind == .truncated, items.count > 1 { return .cutOff }
                    if reask == 1 {
                        for item in items { fail(item.work, "the answer of provider '\(config.name)' was unusable twice (\(error.message))") }
                        return .settled
                    }
                    round = items.map { PromptBuilder.Item($0.work, targets: $0.targets, failure: Self.reaskText(error.message, earlier: $0.failure)) }
                    asked += 1
                }
            }
        }
        if lastError == nil, !skips.isEmpty {
            // Nothing was sent: the work waits, with the reason and when it may go again.
            for item in items { deferItem(item.work, skips.joined(separator: "; ") + "; pending") }
            return .settled
        }
        let message = (lastError?.message ?? "no provider answered") + (skips.isEmpty ? "" : " (\(skips.joined(separator: "; ")))")
        for item in items { fail(item.work, "LLM call failed: \(message)") }
        return .settled
    }

    /// The work as a prompt shows it, with its scaffold's paths as targets (their content is the
    /// scaffold, read through `ScaffoldSource`).
    /// The prompt's item: `targets` (what earlier steps wrote) and the work's scaffold files.
    func promptItem(_ work: WorkItem, targets: [String] = [], failure: String? = nil) -> PromptBuilder.Item {
        let scaffold = (scaffolds[work.id] ?? [:]).keys.filter { !targets.contains($0) }.sorted()
        return PromptBuilder.Item(work, targets: targets + scaffold, failure: failure)
    }

    static func reaskText(_ problem: String, earlier: String?) -> String {
        (earlier.map { $0 + "\n\n" } ?? "") + "Your previous answer could not be used: \(problem). Answer again, exactly in the answer format."
    }

    /// One batch: ask, then per item re-ask a malformed or missing part alone once, validate,
    /// and feed validation failures back for more rounds.

    /// A change in progress: its own copy of the tree, what each item wrote or settled.
    private struct Progress {
        let tree: AccumulatedTree
        /// The change's files, by path, in their latest content.
        var files: [String: [UInt8]] = [:]
        /// Paths each item wrote, by work id.
        var wrote: [String: [String]] = [:]
        var settled: [String: ParsedAnswer.Settlement] = [:]
        /// Answered items (files or settled), in order.
        var answered: [WorkItem] = []
        var providers: [String] = []
        var steps = 0
    }

    /// One change: its steps asked in order on the accumulated tree, each step shown the files
    /// the earlier ones wrote; then validated once, fed back as one call per round, and taken
    /// whole, or parked whole.
    private func serve(_ change: Change, tree: AccumulatedTree, baseTree: ObjectID, setup: LLMSetup) throws(AutodevError) {
        var progress = Progress(tree: tree.fork())
        var steps = change.steps(size: context.config[.batchSize])
        var number = 0
        while number < steps.count {
            defer { number += 1 }
            if context.stopRequested() != nil {
                for item in steps[number...].joined() { deferItem(item, "stopped by a signal; pending") }
                break
            }
            let targets = progress.files.keys.sorted()
            // As few steps as the context budget allows: a step whose prompt would cut one of its
            // items' files is split in two (a single item is asked as it is).
            while steps[number].count > 1, cutsItemFiles(steps[number], targets: targets, source: progress.tree, setup: setup) {
                let whole = steps[number]
                steps.replaceSubrange(number...number, with: [Array(whole.prefix(whole.count / 2)), Array(whole.dropFirst(whole.count / 2))])
            }
            let step = steps[number]
            let asked = try ask(step.map { promptItem($0, targets: targets) }, attempt: 1, source: progress.tree, setup: setup)
            if case .cutOff = asked {
                // The answer did not fit the output limit: the step in two halves, asked in turn.
                steps.replaceSubrange(number...number, with: [Array(step.prefix(step.count / 2)), Array(step.dropFirst(step.count / 2))])
                number -= 1  // the `defer` moves on to the first half
                continue
            }
            guard case .answer(let parsed, _, let provider) = asked else {
                // The step's items are deferred or failed; later steps build on them: they wait,
                // with the step's reason when it waits for the budget, a limiter or a breaker.
                let wait = step.lazy.compactMap { setup.guarded?.waits[$0.id] }.first
                for item in steps[(number + 1)...].joined() {
                    if let wait { setup.guarded?.waits[item.id] = wait }
                    deferItem(item, (wait.map { $0.reason + "; " } ?? "") + "waits for an earlier step of change \(change.key), which could not be answered; pending")
                }
                break
            }
            progress.steps += 1
            // The step's usable parts first, in order (each was applied on the parts before it);
            // then the items left out or unusable, each asked alone on the tree as the whole step
            // left it, so a later part never overwrites what a re-asked item wrote.
            var again: [WorkItem] = []
            for item in step {
                if let settlement = parsed.settled[item.id], parsed.files[item.id] == nil {
                    progress.settled[item.id] = settlement
                    progress.answered.append(item)
                } else if let files = parsed.files[item.id] {
                    try take(files, of: item, provider: provider.name, into: &progress)
                } else {
                    again.append(item)
                }
            }
            for item in again {
                let why = parsed.problems[item.id].map { Self.reaskText($0.message, earlier: nil) }
                    ?? (step.count > 1 ? "The previous answer left this item out. Answer for it alone." : nil)
                guard case .answer(let alone, _, let p) = try ask([promptItem(item, targets: progress.files.keys.sorted(), failure: why)],
                                                                   attempt: 2, source: progress.tree, setup: setup) else { continue }
                if let settlement = alone.settled[item.id], alone.files[item.id] == nil {
                    progress.settled[item.id] = settlement
                    progress.answered.append(item)
                    continue
                }
                if let problem = alone.problems[item.id] {
                    fail(item, "the answer for \(item.subjectLabel) was unusable twice (\(problem.message))")
                    continue
                }
                guard let got = alone.files[item.id] else {
                    fail(item, "provider '\(p.name)' left \(item.subjectLabel) out of its answer twice")
                    continue
                }
                try take(got, of: item, provider: p.name, into: &progress)
            }
        }
        guard !progress.answered.isEmpty else { return }
        try validateAndAccept(change, progress, baseTree: baseTree, setup: setup)
    }

    /// Whether the first provider's prompt for `step` would trim a file of one of its items (a
    /// linked file, a test, a file an earlier step wrote) to fit the context budget.
    private func cutsItemFiles(_ step: [WorkItem], targets: [String], source: any PromptSource, setup: LLMSetup) -> Bool {
        guard let config = setup.providers.first?.config else { return false }
        let builder = PromptBuilder(source: source, secrets: setup.plainSecrets,
                                    estimator: TokenEstimator(calibration: llmCalibration[config.name] ?? setup.calibration[config.name] ?? 1),
                                    provider: config, maxContextTokens: context.config[.maxContextTokens],
                                    batchSize: step.count)
        guard let prompt = try? builder.build(step.map { promptItem($0, targets: targets) }) else { return false }
        let files = Set(targets + step.flatMap { $0.links + ($0.requirement == nil ? [$0.path] : []) })
        return prompt.trimmed.contains { files.contains($0.what) }
    }

    /// One item's answered files into the change (its paths checked first).
    private func take(_ files: [String: [UInt8]], of item: WorkItem, provider: String, into progress: inout Progress) throws(AutodevError) {
        // Paths are checked before anything runs: an answer never writes outside the tree, nor a
        // protected or case-clashing path.
        let refused: String?
        do {
            refused = try refusedPath(files.keys, of: item)
        } catch where error.code == .interrupted {
            deferItem(item, "stopped by a signal; pending")
            return
        }
        if let why = refused {
            fail(item, "the answer for \(item.subjectLabel) writes \(why); nothing was written")
            return
        }
        try write(files, into: &progress)
        progress.wrote[item.id, default: []] += files.keys.sorted()
        progress.answered.append(item)
        if !progress.providers.contains(provider) { progress.providers.append(provider) }
    }

    /// The first path of an answer that may not be written, with why ('x', which …); a stop
    /// request is honoured between paths (an answer may hold thousands).
    private func refusedPath(_ paths: some Sequence<String>, of item: WorkItem) throws(AutodevError) -> String? {
        let sorted = paths.sorted()
        let siblings = CaseFoldIndex.prefixes(sorted)
        for (index, path) in sorted.enumerated() {
            if index & 0xFF == 0xFF, let reason = context.stopRequested() { throw AutodevError.stopped(by: reason, while: "checking an answer's paths") }
            if let problem = try pathProblem(path, siblings: siblings) { return "'\(path)', which \(problem)" }
        }
        return nil
    }

    /// Lays files over the change's tree (blobs written, so prompts and the gate can read them).
    private func write(_ files: [String: [UInt8]], into progress: inout Progress) throws(AutodevError) {
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            let blob = try gitCall(context.repository) { try context.repository.writeBlob(content) }
            progress.tree.write(path, blob: blob)
            progress.files[path] = content
        }
    }

    private func validateAndAccept(_ change: Change, _ start: Progress, baseTree: ObjectID, setup: LLMSetup) throws(AutodevError) {
        var progress = start
        let rounds = 1 + context.config[.maxRetries]
        let lead = progress.answered[0]
        let what = change.items.count == 1 ? lead.subjectLabel : "change \(change.key)"
        var lastOutput = ""
        guard let gate, !progress.files.isEmpty else {
            let how = progress.files.isEmpty ? "" : "; no validation command configured"
            take(change, progress, note: how)
            return
        }
        for round in 1...rounds {
            let log = context.store.loop + "/logs/\(context.runID)/\(lead.id)-validate-\(round).log"
            try context.saveLoop(.waitingForValidation, lead.id)  // `status` shows what the run waits for
            switch judge(gate, baseTree: baseTree, files: progress.tree.overlay, logPath: log) {
            case .passed:
                take(change, progress, note: "; validation passed\(round > 1 ? " in round \(round)" : "")")
                return
            case .stopped:
                for item in progress.answered { deferItem(item, "stopped by a signal during validation; pending") }
                return
            case .broken(let why):
                for item in progress.answered { fail(item, "the validation command could not be run (\(why))") }
                return
            case .failed(let output):
                lastOutput = output
                guard round < rounds else { break }
                // One call for the whole change: its items, its files shown as they stand
                // (targets), the failure once.
                let feedback = """
                    These items are one change (\(change.key)), answered together. Its files, shown as they stand now \
                    (\(progress.files.keys.sorted().joined(separator: ", "))), were checked together.
                    The project's checks failed with them:
                    \(output)

                    Fix the failure. Answer with the files to change, under the item each change belongs to.
                    """
                let targets = progress.files.keys.sorted()
                let asked = progress.answered.enumerated().map { PromptBuilder.Item($1, targets: targets, failure: $0 == 0 ? feedback : nil) }
                // Not answered: `ask` deferred or failed every item of the change (cut off: here).
                let reply = try ask(asked, attempt: round + 2, source: progress.tree, setup: setup)
                if case .cutOff = reply {
                    for item in progress.answered { fail(item, "the answer for \(what) after a validation failure was cut off at the output token limit") }
                    return
                }
                guard case .answer(let again, _, let p) = reply else { return }
                var fixed: [(WorkItem, [String: [UInt8]])] = []
                for item in progress.answered { if let files = again.files[item.id], !files.isEmpty { fixed.append((item, files)) } }
                guard !fixed.isEmpty else {
                    let why = "the answer for \(what) after a validation failure was unusable (\(again.problems.values.first?.message ?? "no files"))"
                    for item in progress.answered { fail(item, why) }
                    return
                }
                if let why = try refusedPath(fixed.flatMap { $0.1.keys }, of: lead) {
                    for item in progress.answered { fail(item, "the answer for \(what) writes \(why); nothing was written") }
                    return
                }
                for (item, files) in fixed {
                    try write(files, into: &progress)
                    progress.wrote[item.id, default: []] += files.keys.filter { !(progress.wrote[item.id] ?? []).contains($0) }.sorted()
                }
                if !progress.providers.contains(p.name) { progress.providers.append(p.name) }
            }
        }
        let print = changeFingerprint(Change(key: change.key, items: change.items), configFingerprint: setup.configFingerprint)
        for item in progress.answered {
            failedValidations[item.id] = FailedValidation(fingerprint: print, rounds: rounds, output: String(lastOutput.prefix(6000)),
                                                          at: context.clock.now(), subject: item.subjectLabel)
            deferItem(item, "failedValidation: the project's checks still failed after \(rounds) round\(rounds == 1 ? "" : "s") (change \(change.key)); nothing was committed. Not tried again until a requirement, linked code or configuration of the change changes", failed: true)
        }
        failures.append("\(what): generated code failed validation \(rounds) time\(rounds == 1 ? "" : "s"); see autodev status")
    }

    /// Takes a change whole: its files claimed by the change (the model was shown any file it
    /// replaces), a record for every item (settled ones without files).
    private func take(_ change: Change, _ progress: Progress, note suffix: String) {
        let providers = progress.providers.map { "'\($0)'" }.joined(separator: ", then ")
        let lead = progress.answered[0]
        let label = change.items.count == 1 ? lead.subjectLabel : "change \(change.key)"
        let owner = OutputClaims.Owner(work: lead.id, subject: change.items.count == 1 ? PassQueue.subjectKey(lead) : "change\u{0}" + change.key,
                                       label: label, origin: "")
        let origin = "provider \(providers)"
        var paths: [String] = []
        if !progress.files.isEmpty {
            do {
                guard let taken = try accept(progress.files, of: lead, tier: .llm, origins: progress.files.mapValues { _ in origin },
                                             note: "answered by provider \(providers)", owner: owner, overlap: .replace, park: false,
                                             change: change.key) else { return }
                paths = taken
                for item in progress.answered { land(change.key, work: item.id) }
            } catch where error.code == .outputCollision {
                // A file where a folder must be (or the reverse): the whole change is held back.
                for item in progress.answered { park(item, error.message) }
                return
            } catch {
                for item in progress.answered { fail(item, error.message) }
                return
            }
        }
        let part = change.items.count == 1 ? "" : " as part of change \(change.key) (\(progress.answered.count) items, \(progress.steps) step\(progress.steps == 1 ? "" : "s"))"
        for item in progress.answered {
            failedValidations[item.id] = nil
            let note: String
            var files: [String] = []
            if let settlement = progress.settled[item.id] {
                note = "settled by the model (provider \(providers)): \(settlement.reason)"
            } else {
                files = (progress.wrote[item.id] ?? []).filter { paths.contains($0) }
                note = "answered by provider \(providers)\(part)\(suffix)"
                if change.items.count == 1 { rememberAnswer(item, progress.files, provider: progress.providers.last ?? "") }
            }
            var record = DecisionRecord(run: context.runID, item: item, tier: TierName.llm.rawValue, outcome: note)
            record.files = files
            record.calls = llmCalls.filter { $0.work.contains(item.id) }
            records.append(record)
            items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: TierName.llm.rawValue, outcome: note, files: files))
        }
    }
}
