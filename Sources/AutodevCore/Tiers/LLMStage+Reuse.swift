internal import AutodevGit

/// What tiers 3 and 4 did in a pass, for the accounting.
struct ReuseLedger {
    var cache: (any AnswerCache)?
    var opened = false
    /// Exact keys of the work asked about, by work id, then provider name.
    var keys: [String: [String: String]] = [:]
    /// Reuses that failed validation, by tier (the work then went to tier 5).
    var falseReuses: [TierName: Int] = [:]
    /// Tokens (in + out) and cost the reused answers cost when they were asked for.
    var tokensSaved = 0
    var costSaved = 0.0
    /// Answers stored in this pass.
    var stored = 0
}

/// Tiers 3 and 4, in front of tier 5: before a batch is asked, each item's exact question is
/// looked up (tier 3), then, for requirement work with a validation command, a similar one
/// (tier 4) whose answer is adapted to the new requirement. A reused answer counts only once
/// the validation gate passes it (with no validation configured, an exact hit is taken as the
/// earlier answer was); one that fails is a false reuse and the item goes on to tier 5.
/// Answers tier 5 gets are stored in `take`, only after they passed (or with no gate).
extension TierRunner {
    /// The items no earlier answer served, for tier 5.
    func reuseEarlierAnswers(_ items: [WorkItem], source: any PromptSource, baseTree: ObjectID, setup: LLMSetup) throws(AutodevError) -> [WorkItem] {
        if !reuse.opened {
            reuse.opened = true
            reuse.cache = setup.openCache?()
        }
        guard let cache = reuse.cache else { return items }
        let now = context.clock.now()
        let threshold = context.config[.similarityThreshold]
        let maxContext = context.config[.maxContextTokens]
        var left: [WorkItem] = []
        for item in items {
            if context.stopRequested() != nil {
                left.append(item)
                continue
            }
            var keys: [String: String] = [:]
            for provider in setup.providers {
                // A question that cannot be built (over budget) is left to tier 5 to report.
                if let key = try? ReuseKey.exact(PromptBuilder.Item(item), source: source, provider: provider.config,
                                                 maxContextTokens: maxContext, configFingerprint: setup.configFingerprint,
                                                 secrets: setup.plainSecrets) {
                    keys[provider.config.name] = key
                }
            }
            reuse.keys[item.id] = keys
            do {
                if try reuseExact(item, keys: keys, providers: setup.providers.map(\.config.name), cache: cache, now: now, baseTree: baseTree, setup: setup) {
                    continue
                }
                if try reuseSimilar(item, keys: keys, cache: cache, threshold: threshold, now: now, baseTree: baseTree, setup: setup) {
                    continue
                }
            } catch where error.code == .cacheFailure {
                notes.append("\(error.message); this run goes on without it")
                reuse.cache = nil
                return left + [item] + items.drop(while: { $0.id != item.id }).dropFirst()
            }
            left.append(item)
        }
        return left
    }

    private func reuseExact(_ item: WorkItem, keys: [String: String], providers: [String], cache: any AnswerCache, now: Int64,
                            baseTree: ObjectID, setup: LLMSetup) throws(AutodevError) -> Bool {
        for name in providers {
            guard let key = keys[name], let hit = try cache.exact(key, now: now) else { continue }
            let note = "reused the answer provider '\(hit.provider)' gave to the same question (cached \(age(hit.createdAt, now: now)) ago)"
            switch try checkReuse(item, files: hit.files, tier: .cache, setup: setup, baseTree: baseTree) {
            case .passed(let how):
                try cache.markUsed(key, now: now)
                return takeReused(item, hit, files: hit.files, tier: .cache, note: note + "; " + how)
            case .failed(let why):
                // Wrong for today's code although the files it read are the same: forget it.
                try cache.remove(key)
                falseReuse(item, .cache, "the cached answer (from provider '\(hit.provider)') \(why); asking the model")
                return false
            case .stop:
                return false
            }
        }
        return false
    }

    private func reuseSimilar(_ item: WorkItem, keys: [String: String], cache: any AnswerCache, threshold: Double, now: Int64,
                              baseTree: ObjectID, setup: LLMSetup) throws(AutodevError) -> Bool {
        // Only provable reuse: a validation command must check the adapted answer.
        guard gate != nil, [.newImplementation, .updateImplementation].contains(item.action),
              let subject = ReuseKey.subject(item) else { return false }
        let shingles = Similarity.shingles(subject.words)
        let gate = ReuseKey.gate(item, configFingerprint: setup.configFingerprint)
        guard let match = try cache.similar(shingles: shingles, gate: gate, threshold: threshold, now: now, excluding: nil) else { return false }
        let adapted = ReuseAdapter.adapt(match.answer.files, from: match.answer.subject, to: subject)
        let percent = Int((match.jaccard * 100).rounded(.down))
        let from = "\(match.answer.subject.key) (\(match.answer.subject.folder))"
        switch try checkReuse(item, files: adapted, tier: .similar, setup: setup, baseTree: baseTree) {
        case .passed(let how):
            try cache.markUsed(match.answer.key, now: now)
            return takeReused(item, match.answer, files: adapted, tier: .similar,
                              note: "adapted the answer for \(from), \(percent)% alike; \(how)")
        case .failed(let why):
            falseReuse(item, .similar, "the answer for \(from) (\(percent)% alike), adapted, \(why); asking the model")
            return false
        case .stop:
            return false
        }
    }

    private enum ReuseCheck {
        case passed(String)
        case failed(String)
        case stop
    }

    /// Paths, then the validation gate, once (no rounds: a reuse that fails goes to the model).
    private func checkReuse(_ item: WorkItem, files: [String: [UInt8]], tier: TierName, setup: LLMSetup, baseTree: ObjectID) throws(AutodevError) -> ReuseCheck {
        let siblings = CaseFoldIndex.prefixes(files.keys)
        for path in files.keys.sorted() {
            if let problem = try pathProblem(path, siblings: siblings) { return .failed("writes '\(path)', which \(problem)") }
        }
        guard let gate = gate else { return .passed("no validation command configured") }
        var blobs: [String: ObjectID] = context.previous.merging(newFiles.mapValues(\.blob)) { $1 }
        for (path, content) in files { blobs[path] = try gitCall(context.repository) { try context.repository.writeBlob(content) } }
        let log = context.store.loop + "/logs/\(context.runID)/\(item.id)-\(tier.rawValue)-validate.log"
        switch judge(gate, baseTree: baseTree, files: blobs, logPath: log) {
        case .passed: return .passed("validation passed")
        case .stopped: return .stop
        case .broken(let why): return .failed("could not be validated (\(why))")
        case .failed: return .failed("failed validation (\(log))")
        }
    }

    private func takeReused(_ item: WorkItem, _ hit: CachedAnswer, files: [String: [UInt8]], tier: TierName, note: String) -> Bool {
        let origin = "\(tier.rawValue) (answer of provider '\(hit.provider)')"
        do {
            // A reuse writing a file other work generated goes on to the model, which is shown it
            // (a merge would commit content the gate never saw).
            let taken: [String]?
            do {
                taken = try accept(files, of: item, tier: tier, origins: files.mapValues { _ in origin }, note: note, overlap: .refuse, park: false)
            } catch where error.code == .outputCollision {
                falseReuse(item, tier, "the reused answer \(error.message); asking the model")
                return false
            }
            guard let paths = taken else { return true }
            failedValidations[item.id] = nil
            var record = DecisionRecord(run: context.runID, item: item, tier: tier.rawValue, outcome: note)
            record.files = paths
            records.append(record)
            items.append(.init(work: item.id, action: item.action, subject: item.subjectLabel, tier: tier.rawValue, outcome: note, files: paths))
            reuse.tokensSaved += hit.inputTokens + hit.outputTokens
            reuse.costSaved += hit.cost
        } catch {
            fail(item, error.message)
        }
        return true
    }

    private func falseReuse(_ item: WorkItem, _ tier: TierName, _ note: String) {
        reuse.falseReuses[tier, default: 0] += 1
        records.append(DecisionRecord(run: context.runID, item: item, tier: tier.rawValue, outcome: "false reuse: " + note))
    }

    private func age(_ then: Int64, now: Int64) -> String {
        let seconds = max(0, now - then)
        return seconds < 3600 ? "\(seconds / 60) min" : seconds < 172_800 ? "\(seconds / 3600) h" : "\(seconds / 86_400) days"
    }

    /// Stores an answer tier 5 got for `item` (called by `take`, after validation passed or with
    /// none configured), under the exact key of its provider's question.
    func rememberAnswer(_ item: WorkItem, _ files: [String: [UInt8]], provider: String) {
        guard let cache = reuse.cache, let key = reuse.keys[item.id]?[provider], !files.isEmpty else { return }
        let calls = llmCalls.filter { $0.work.contains(item.id) && $0.outcome == .answered }
        let share = { (value: Int, call: LLMCallRecord) in value / max(1, call.work.count) }
        let subject = ReuseKey.subject(item) ?? ReuseSubject(key: "", slug: "", folder: "", words: [])
        let configFingerprint = llm?.configFingerprint ?? ""
        let answer = CachedAnswer(key: key, provider: provider, model: calls.last?.model ?? "",
                                  gate: ReuseKey.gate(item, configFingerprint: configFingerprint), subject: subject,
                                  shingles: Similarity.shingles(subject.words), files: files,
                                  inputTokens: calls.reduce(0) { $0 + share($1.inputTokens, $1) },
                                  outputTokens: calls.reduce(0) { $0 + share($1.outputTokens, $1) },
                                  cost: calls.reduce(0) { $0 + $1.cost / Double(max(1, $1.work.count)) }, createdAt: context.clock.now())
        do {
            try cache.store(answer)
            reuse.stored += 1
        } catch {
            notes.append("\(error.message); the answer for \(item.subjectLabel) was not cached")
        }
    }
}
