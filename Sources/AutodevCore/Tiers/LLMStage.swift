internal import AutodevGit

/// One call to a model, as the decision log and the run record keep it.
public struct LLMCallRecord: Sendable, Codable, Equatable {
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

/// Tier 5 in a run: work no cheaper tier answered goes to the providers, in batches of one spec
/// or feature folder; answers are parsed strictly, checked like any generated file, then run
/// through the validation gate; only what passes is taken in. A malformed answer is asked again
/// once with its exact problem; a validation failure goes back to the model for up to
/// `loop.recovery.max_retries` more rounds. Whatever cannot be finished stays pending.
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
        let source = try GitTreeSource(repository: context.repository, commit: base)
        var ready: [WorkItem] = []
        for item in items {
            if let failed = setup.failedValidation[item.id], failed.fingerprint == fingerprint(item, configFingerprint: setup.configFingerprint) {
                deferItem(item, "failed validation in \(failed.rounds) round\(failed.rounds == 1 ? "" : "s"); waits for a change to its requirement, linked code or configuration (autodev status shows the output)")
                continue
            }
            ready.append(item)
        }
        let batchSize = context.config.int("loop.llm_optimization.batch_size")
        ready = try reuseEarlierAnswers(ready, source: source, baseTree: baseLookup.tree, setup: setup)
        for batch in PromptBuilder.batches(ready, size: batchSize) {
            if context.stopRequested() != 0 {
                for item in batch { deferItem(item, "stopped by a signal; pending") }
                continue
            }
            try serve(batch, source: source, baseTree: baseLookup.tree, setup: setup)
        }
    }

    /// What one ask produced.
    private enum Asked {
        case answer(ParsedAnswer, LLMCallRecord, provider: ProviderConfig)
        /// Nothing usable; the items stay pending with this outcome (already deferred).
        case settled
    }

    /// Asks the providers in order for `items`; a malformed answer as a whole is asked again
    /// once with its problem. Items that cannot be asked (limits, stop, failures) are deferred.
    private func ask(_ items: [PromptBuilder.Item], attempt: Int, source: any PromptSource, setup: LLMSetup) throws(AutodevError) -> Asked {
        let maxCalls = context.config.int("loop.max_llm_calls_per_run")
        let maxTokens = context.config.int("loop.max_tokens_per_run")
        var lastError: LLMError?
        var skips: [String] = []
        for (index, provider) in setup.providers.enumerated() {
            let config = provider.config
            var estimator = TokenEstimator(calibration: llmCalibration[config.name] ?? setup.calibration[config.name] ?? 1)
            let builder = PromptBuilder(source: source, secrets: setup.secrets, estimator: estimator, provider: config,
                                        maxContextTokens: context.config.int("loop.llm_optimization.max_context_tokens"),
                                        batchSize: max(items.count, context.config.int("loop.llm_optimization.batch_size")))
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
                    switch setup.guarded?.call(provider, prompt.request, estimatedTokens: prompt.estimatedTokens, work: prompt.work,
                                               hasFallback: index + 1 < setup.providers.count) {
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
                record.inputTokens = answer.inputTokens ?? prompt.estimatedTokens
                record.outputTokens = answer.outputTokens ?? TokenEstimator().tokens(answer.text, kind: .code)
                record.cost = config.cost(inputTokens: record.inputTokens, outputTokens: record.outputTokens)
                record.latencyMilliseconds = answer.latencyMilliseconds
                tokens += record.inputTokens + record.outputTokens
                if let reported = answer.inputTokens {
                    estimator = estimator.calibrated(estimated: prompt.estimatedTokens, reported: reported)
                    llmCalibration[config.name] = estimator.calibration
                }
                let format = AnswerFormat(editFormat: config.editFormat)
                do {
                    let parsed = try format.parse(answer, work: prompt.work, current: { source.read($0) })
                    llmCalls.append(record)
                    return .answer(parsed, record, provider: config)
                } catch {
                    record.outcome = .malformed
                    record.problem = error.message
                    llmCalls.append(record)
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

    static func reaskText(_ problem: String, earlier: String?) -> String {
        (earlier.map { $0 + "\n\n" } ?? "") + "Your previous answer could not be used: \(problem). Answer again, exactly in the answer format."
    }

    /// One batch: ask, then per item re-ask a malformed or missing part alone once, validate,
    /// and feed validation failures back for more rounds.
    private func serve(_ batch: [WorkItem], source: any PromptSource, baseTree: ObjectID, setup: LLMSetup) throws(AutodevError) {
        guard case .answer(let parsed, _, let provider) = try ask(batch.map { PromptBuilder.Item($0) }, attempt: 1, source: source, setup: setup) else { return }
        for item in batch {
            var files = parsed.files[item.id]
            var providerName = provider.name
            if files == nil {
                // Left out of the batch, or its part was unusable: asked alone, once.
                let why = parsed.problems[item.id].map { Self.reaskText($0.message, earlier: nil) }
                    ?? (batch.count > 1 ? "The previous answer left this item out. Answer for it alone." : nil)
                guard case .answer(let alone, _, let p) = try ask([PromptBuilder.Item(item, failure: why)], attempt: 2, source: source, setup: setup) else { continue }
                if let problem = alone.problems[item.id] {
                    fail(item, "the answer for \(item.subjectLabel) was unusable twice (\(problem.message))")
                    continue
                }
                guard let got = alone.files[item.id] else {
                    fail(item, "provider '\(p.name)' left \(item.subjectLabel) out of its answer twice")
                    continue
                }
                files = got
                providerName = p.name
            }
            try validateAndAccept(item, files: files ?? [:], provider: providerName, source: source, baseTree: baseTree, setup: setup)
        }
    }

    private func validateAndAccept(_ item: WorkItem, files first: [String: [UInt8]], provider: String, source: any PromptSource,
                                   baseTree: ObjectID, setup: LLMSetup) throws(AutodevError) {
        var files = first
        var providerName = provider
        let rounds = 1 + context.config.int("loop.recovery.max_retries")
        var lastOutput = ""
        for round in 1...rounds {
            // Paths are checked before anything runs: an answer never writes outside the tree.
            for path in files.keys.sorted() {
                if let problem = GeneratedPath.problem(path) {
                    fail(item, "the answer for \(item.subjectLabel) writes '\(path)', which \(problem); nothing was written")
                    return
                }
            }
            guard let gate else {
                take(item, files, provider: providerName, note: "answered by provider '\(providerName)'; no validation command configured")
                return
            }
            var blobs: [String: ObjectID] = context.previous.merging(newFiles.mapValues(\.blob)) { $1 }
            for (path, content) in files { blobs[path] = try gitCall(context.repository) { try context.repository.writeBlob(content) } }
            let log = context.store.loop + "/logs/\(context.runID)/\(item.id)-validate-\(round).log"
            try context.saveLoop(.waitingForValidation, item.id)  // `status` shows what the run waits for
            switch gate.check(baseTree: baseTree, files: blobs, logPath: log, stopRequested: context.stopRequested) {
            case .passed:
                take(item, files, provider: providerName,
                     note: "answered by provider '\(providerName)'; validation passed\(round > 1 ? " in round \(round)" : "")")
                return
            case .stopped:
                deferItem(item, "stopped by a signal during validation; pending")
                return
            case .broken(let why):
                fail(item, "the validation command could not be run (\(why))")
                return
            case .failed(let output):
                lastOutput = output
                guard round < rounds else { break }
                var shown = ""
                for (path, content) in files.sorted(by: { $0.key < $1.key }) {
                    shown += "\n\(path)\n```\n\(String(decoding: content.prefix(20_000), as: UTF8.self))\n```\n"
                }
                let feedback = "Your previous answer wrote these files:\n\(shown)\nThe project's checks failed with them:\n\(output)\n\nFix the failure. Answer with the complete files again."
                guard case .answer(let again, _, let p) = try ask([PromptBuilder.Item(item, targets: files.keys.sorted(), failure: feedback)],
                                                                   attempt: round + 2, source: source, setup: setup) else { return }
                guard let next = again.files[item.id] else {
                    fail(item, "the answer for \(item.subjectLabel) after a validation failure was unusable (\(again.problems[item.id]?.message ?? "left out"))")
                    return
                }
                files = next
                providerName = p.name
            }
        }
        failedValidations[item.id] = FailedValidation(fingerprint: fingerprint(item, configFingerprint: setup.configFingerprint), rounds: rounds,
                                                      output: String(lastOutput.prefix(6000)), at: context.clock.now(), subject: item.subjectLabel)
        deferItem(item, "failedValidation: the project's checks still failed after \(rounds) round\(rounds == 1 ? "" : "s"); nothing was committed. Not tried again until its requirement, linked code or configuration changes", failed: true)
        failures.append("\(item.subjectLabel): generated code failed validation \(rounds) time\(rounds == 1 ? "" : "s"); see autodev status")
    }

    private func take(_ item: WorkItem, _ files: [String: [UInt8]], provider: String, note: String) {
        let origin = "provider '\(provider)'"
        do {
            guard let paths = try accept(files, of: item, tier: .llm, origins: files.mapValues { _ in origin }, note: note) else { return }
            failedValidations[item.id] = nil
            rememberAnswer(item, files, provider: provider)
            var record = DecisionRecord(run: context.runID, item: item, tier: TierName.llm.rawValue, outcome: note)
            record.files = paths
            record.calls = llmCalls.filter { $0.work.contains(item.id) }
            records.append(record)
            items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: TierName.llm.rawValue, outcome: note, files: paths))
        } catch {
            fail(item, error.message)
        }
    }
}
