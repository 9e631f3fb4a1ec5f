#if canImport(Glibc)
import Glibc
#endif

/// Every call to a model goes through here, so what protects the user's money and the provider
/// holds across one-shot runs: safe mode, the provider's circuit breaker, the budget, the rate
/// limiter, the spending ledger (reserved before the call, settled after), and retries of
/// transient failures with backoff within the run's deadline. Calls are made one at a time (tier
/// 5 asks sequentially), so at most one is in flight, within any `max_concurrent_tasks`.
final class CallGuard {
    enum Outcome {
        case answered(LLMAnswer)
        /// Failed after any retries (or stopped); the next provider may serve.
        case failed(LLMError)
        /// Not sent: breaker open, budget, rate limit past the deadline, safe mode, low quota.
        case skipped(String, resumesAt: Int64?)
    }

    let config: Config
    let store: StateStore
    let ledger: SpendLedger
    let clock: any WallClock
    let stopRequested: @Sendable () -> StopReason?
    let step: (FaultPoint) -> Void
    /// This process's run, for the per-run budget (a run redone after a crash starts afresh).
    let runKey: String
    /// Another key charged in this run (triage's calls, made before the run's id was known).
    var alsoThisRun: String?
    /// Monotonic milliseconds by which retries and rate-limit waits must be over.
    let deadline: Int64
    let budget: Budget
    let backoff: Backoff
    /// The ledger shared with other runners through git (`sync --ci`); nil: this clone's alone.
    var shared: SharedLedger?
    var jitter: () -> Double = { Double.random(in: 0..<1) }
    private(set) var state: ResilienceState
    var warnings: [String] = []
    /// The organisation's shared store (`[store] url`), when one is configured.
    var link: StoreLink?
    /// Work that waits, by work id.
    var waits: [String: WorkWait] = [:]
    private var sequence = 0
    /// Every request the last `call` sent, in order: retries are calls made, each in the
    /// ledger and each in the run's records (`records(for:)`).
    private(set) var attempts: [Attempt] = []
    /// Whether the last `call`'s outcome is about its last request (an answer or that
    /// request's failure), rather than a skip or a stop that came after it.
    private var outcomeIsLastAttempt = false

    /// One request sent, as it was charged.
    struct Attempt: Equatable {
        /// The ledger's id of the call.
        var id: String
        var cost: Double
        var inputTokens: Int
        var outputTokens: Int
        /// nil: answered.
        var error: LLMError?
    }

    init(config: Config, store: StateStore, ledger: SpendLedger, clock: any WallClock, runKey: String, startedMonotonic: Int64,
         stopRequested: @escaping @Sendable () -> StopReason?, step: @escaping (FaultPoint) -> Void) {
        self.config = config
        self.store = store
        self.ledger = ledger
        self.clock = clock
        self.runKey = runKey
        self.stopRequested = stopRequested
        self.step = step
        deadline = startedMonotonic + Int64(config[.maxRunSeconds]) * 1000
        budget = Budget(config)
        backoff = Backoff(config)
        let (loaded, warning) = ResilienceState.load(store)
        state = loaded
        if let warning { warnings.append(warning) }
    }

    var resetSeconds: Int64 { Int64(config[.circuitBreakerResetSeconds]) }

    /// The error rate and mode from the recent calls, with the other readings.
    func health() -> Health {
        Self.health(config: config, state: state, spent: ledger.spent(now: clock.now(), run: nil), now: clock.now(),
                    paths: [store.root, ledger.path])
    }

    static func health(config: Config, state: ResilienceState, spent: Budget.Spent, now: Int64, paths: [String]) -> Health {
        let disk = Health.lowestFree(paths)
        var quota: [String: Double] = [:]
        for (name, limiter) in state.limiters { if let left = limiter.quotaLeft(now: now * 1000) { quota[name] = left } }
        return Health(freeDiskBytes: disk?.bytes, freeDiskPath: disk?.path, residentMemoryBytes: Health.residentMemory(), calls: state.calls,
                      now: now, windowSeconds: Int64(config[.circuitBreakerResetSeconds]),
                      maxErrorRate: config[.maxErrorRate], budgetLeft: Budget(config).fractionLeft(spent: spent),
                      providerQuotaLeft: quota)
    }

    /// Sends `request` to `provider` if everything allows it, retrying transient failures; at
    /// most `maxAttempts` requests in all (a retry is a call: the run's `max_llm_calls_per_run`
    /// holds across them).
    func call(_ provider: any LLMProvider, _ request: LLMRequest, estimatedTokens: Int, work: [String], hasFallback: Bool,
              maxAttempts: Int = .max) -> Outcome {
        let name = provider.config.name
        attempts = []
        outcomeIsLastAttempt = false
        let health = health()
        if health.mode == .safe, let why = health.why {
            return .skipped("safe mode: \(why)", resumesAt: nil)
        }
        let minQuota = config[.minQuotaFraction]
        if hasFallback {
            if let left = health.providerQuotaLeft[name], left < minQuota {
                return .skipped("provider '\(name)' has \(Int((left * 100).rounded())) % of its token quota left (its headers say); the next provider serves", resumesAt: nil)
            }
            if provider.config.inputPricePerMTok + provider.config.outputPricePerMTok > 0, health.budgetLeft < minQuota {
                return .skipped("only \(Int((health.budgetLeft * 100).rounded())) % of the budget is left; the next provider serves", resumesAt: nil)
            }
        }
        var retry = 0
        while true {
            outcomeIsLastAttempt = false
            link?.refresh(&state, nowMilliseconds: wallMilliseconds())
            var breaker = state.breakers[name] ?? CircuitBreaker()
            let now = clock.now()
            if let until = state.notBefore?[name], until > now {
                return .skipped("provider '\(name)' asked not to be called before \(UTCCalendar.format(until)) (its Retry-After)", resumesAt: until)
            }
            guard breaker.allow(now: now, resetSeconds: resetSeconds) else {
                let at = breaker.reopensAt(resetSeconds: resetSeconds)
                return .skipped("the circuit breaker of provider '\(name)' is open after \(breaker.consecutiveFailures) consecutive failures (\(breaker.lastFailure ?? "")); it is tried again after \(at.map(UTCCalendar.format) ?? "a while")", resumesAt: at)
            }
            let maxCost = provider.config.cost(inputTokens: estimatedTokens, outputTokens: request.maxOutputTokens)
            let maxTokens = estimatedTokens + request.maxOutputTokens
            var spent = ledger.spent(now: now, run: runKey)
            if let other = alsoThisRun { spent.run += ledger.spent(now: now, run: other).run }
            if let refusal = budget.refusal(spent: spent, cost: maxCost, tokens: maxTokens, now: now) {
                return .skipped(refusal.reason, resumesAt: refusal.resumesAt)
            }
            var limiter = state.limiters[name] ?? RateLimiter(requestsPerMinute: 0, tokensPerMinute: 0)
            limiter.requestsPerMinute = provider.config.requestsPerMinute
            limiter.tokensPerMinute = provider.config.tokensPerMinute
            let wait = limiter.delay(tokens: maxTokens, now: wallMilliseconds())
            if wait > 0 {
                guard clock.monotonicMilliseconds() + wait <= deadline else {
                    return .skipped("provider '\(name)' is rate-limited for \(wait / 1000) s more, past loop.max_run_seconds", resumesAt: now + wait / 1000 + 1)
                }
                if !clock.sleep(milliseconds: wait, stopRequested: stopRequested) {
                    return .failed(LLMError(.stopped, "stopped by a signal while waiting for provider '\(name)''s rate limit"))
                }
            }
            sequence += 1
            let id = "\(runKey)-\(sequence)"
            let reservation = SpendLedger.Line(kind: .reserved, id: id, at: clock.now(), provider: name, cost: maxCost, tokens: maxTokens,
                                               run: runKey, work: work, outcome: nil)
            if let shared {
                // Runners sharing the budget (sync --ci): the reservation is pushed first, after
                // the budget is checked again on everything they reserved (SharedLedger).
                switch shared.reserve(reservation, check: {
                    budget.refusal(spent: ledger.spent(now: clock.now(), run: runKey), cost: maxCost, tokens: maxTokens, now: clock.now())
                        .map { ($0.reason, $0.resumesAt) }
                }) {
                case .reserved: break
                case .refused(let reason, let resumesAt): return .skipped(reason, resumesAt: resumesAt)
                case .unavailable(let why): return .skipped(why, resumesAt: nil)
                }
            }
            limiter.take(id: id, tokens: maxTokens, now: wallMilliseconds())
            state.limiters[name] = limiter
            state.breakers[name] = breaker  // a probe is recorded before it goes
            persist()
            do {
                try ledger.reserve(reservation)
            } catch {
                return .failed(LLMError(.permanent, "cannot record the call before sending it: \(error.message)"))
            }
            // The shared store's transaction has the last word: other runners may have spent.
            if let link, let refusal = link.reserve(reservation, budget: budget, now: reservation.at) {
                try? ledger.settle(.init(kind: .settled, id: id, at: reservation.at, provider: name, cost: 0, tokens: 0, run: runKey,
                                         work: nil, outcome: "refused"))
                limiter.reconcile(id: id, tokens: 0)
                state.limiters[name] = limiter
                persist()
                return .skipped(refusal.reason, resumesAt: refusal.resumesAt)
            }
            step(.llmReserved)
            let result: Result<LLMAnswer, LLMError>
            do throws(LLMError) { result = .success(try provider.complete(request, stopRequested: stopRequested)) } catch { result = .failure(error) }
            step(.llmAnswered)
            let at = clock.now()
            switch result {
            case .success(var answer):
                // What is charged is what is recorded everywhere: the answer carries it on.
                let usage = UsageBounds(answer, request: request, estimatedInput: estimatedTokens, provider: provider.config)
                // nil: the server sent none, or a number that cannot be true (not calibrated on).
                answer.inputTokens = answer.inputTokens.flatMap { $0 >= 0 ? usage.inputTokens : nil }
                answer.outputTokens = answer.outputTokens.flatMap { $0 >= 0 ? usage.outputTokens : nil }
                let cost = provider.config.cost(inputTokens: usage.inputTokens, outputTokens: usage.outputTokens)
                let settlement = SpendLedger.Line(kind: .settled, id: id, at: at, provider: name, cost: cost,
                                                  tokens: usage.inputTokens + usage.outputTokens, run: runKey, work: nil, outcome: "answered")
                try? ledger.settle(settlement)
                link?.settle(settlement)
                attempts.append(Attempt(id: id, cost: cost, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, error: nil))
                outcomeIsLastAttempt = true
                limiter.reconcile(id: id, tokens: usage.inputTokens + usage.outputTokens)
                limiter.update(headers: answer.headers, now: wallMilliseconds())
                breaker.succeeded()
                state.limiters[name] = limiter
                state.breakers[name] = breaker
                state.record(.init(at: at, provider: name, failed: false))
                persist()
                publishSettlement()
                return .answered(answer)
            case .failure(let error):
                // A call refused before it reached the provider (no connection, an error status)
                // costs nothing. One that had reached it — abandoned by a stop or a timeout while
                // the provider worked, or answered with a 2xx that could not be read — may have
                // been served and charged: it stays charged at its reservation, the upper bound.
                let charged = Self.charged(error)
                let cost = charged ? maxCost : 0
                let settlement = SpendLedger.Line(kind: .settled, id: id, at: at, provider: name, cost: cost, tokens: charged ? maxTokens : 0,
                                                  run: runKey, work: nil, outcome: error.kind == .stopped ? "stopped" : "failed")
                try? ledger.settle(settlement)
                link?.settle(settlement)
                attempts.append(Attempt(id: id, cost: cost, inputTokens: charged ? estimatedTokens : 0,
                                        outputTokens: charged ? request.maxOutputTokens : 0, error: error))
                outcomeIsLastAttempt = true
                limiter.reconcile(id: id, tokens: charged ? maxTokens : 0)
                limiter.update(headers: error.headers, now: wallMilliseconds())
                state.limiters[name] = limiter
                if error.kind == .stopped {
                    persist()
                    return .failed(error)
                }
                state.record(.init(at: at, provider: name, failed: true))
                if error.kind == .transient || error.kind == .quota {
                    breaker.failed(now: at, threshold: config[.circuitBreakerThreshold], message: String(error.message.prefix(200)))
                }
                state.breakers[name] = breaker
                persist()
                publishSettlement()
                retry += 1
                guard breaker.state == .closed, let delay = backoff.delay(retry: retry, after: error, jitter: jitter()) else {
                    return .failed(error)
                }
                guard attempts.count < maxAttempts else {
                    var capped = error
                    capped.message += " (not retried: the run's loop.max_llm_calls_per_run is reached)"
                    return .failed(capped)
                }
                guard clock.monotonicMilliseconds() + delay <= deadline else {
                    if let seconds = error.retryAfterSeconds, seconds > 0 {
                        // "Come back in a day": remembered, so the next runs do not call before then.
                        let until = at + Int64(seconds.rounded(.up))
                        state.notBefore = (state.notBefore ?? [:]).merging([name: until]) { max($0, $1) }
                        persist()
                        outcomeIsLastAttempt = false
                        return .skipped("provider '\(name)' asked not to be called before \(UTCCalendar.format(until)) (its Retry-After: \(error.message))", resumesAt: until)
                    }
                    var late = error
                    late.message += " (not retried: waiting \(delay / 1000) s would pass loop.max_run_seconds)"
                    return .failed(late)
                }
                if !clock.sleep(milliseconds: delay, stopRequested: stopRequested) {
                    if let seconds = error.retryAfterSeconds, seconds > 0 {
                        state.notBefore = (state.notBefore ?? [:]).merging([name: at + Int64(seconds.rounded(.up))]) { max($0, $1) }
                        persist()
                    }
                    outcomeIsLastAttempt = false
                    return .failed(LLMError(.stopped, "stopped by a signal while waiting to retry provider '\(name)'"))
                }
            }
        }
    }

    /// Whether a failed call stays charged at its reservation (see `call`).
    static func charged(_ error: LLMError) -> Bool {
        error.requestSent || error.status.map { (200..<300).contains($0) } == true
    }

    /// The last `call`'s requests as the run records them. `record` describes the request its
    /// outcome is about (the last one, for an answer or a failure); it gets that request's
    /// ledger id and charge. The requests before it — retries, and for a skip every request
    /// sent before the skip — come back as records of their own, each a call made.
    func records(for record: inout LLMCallRecord) -> [LLMCallRecord] {
        var earlier = attempts[...]
        if outcomeIsLastAttempt, let last = attempts.last {
            earlier = attempts.dropLast()
            record.ledgerID = last.id
            record.cost = last.cost
            record.inputTokens = last.inputTokens
            record.outputTokens = last.outputTokens
        }
        return earlier.map { attempt in
            var retried = record
            retried.ledgerID = attempt.id
            retried.cost = attempt.cost
            retried.inputTokens = attempt.inputTokens
            retried.outputTokens = attempt.outputTokens
            retried.latencyMilliseconds = 0
            retried.outcome = attempt.error?.kind == .stopped ? .stopped : attempt.error == nil ? .answered : .failed
            retried.problem = attempt.error.map { "\($0.message) (a request the guard then retried or gave up on)" }
            return retried
        }
    }

    /// Wall-clock milliseconds for the limiter windows, which must hold across runs.
    private func wallMilliseconds() -> Int64 { clock.nowMilliseconds() }

    /// Pushes the settlement (and the breaker) to the shared ledger, best effort: what cannot
    /// be pushed now goes with the run's last push, or the next run's (the other runners count
    /// the call at its reservation until then).
    private func publishSettlement() {
        _ = shared?.flush(attempts: 2)
    }

    private func persist() {
        do { try state.save(store) } catch { warnings.append("cannot save \(ResilienceState.path(store)): \(error.message)") }
        link?.save(state, nowMilliseconds: wallMilliseconds())
    }
}

/// Why a piece of work waits for tier 5 and when it may go again (nil: the next run), for
/// `status`.
public struct WorkWait: Sendable, Codable, Equatable {
    public var reason: String
    public var resumesAt: Int64?
}
