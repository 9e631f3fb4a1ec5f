/// How `CallGuard` uses the organisation's shared store (`[store] url`) beside the clone's own
/// ledger, and what happens when the store cannot be reached.
///
/// Every charge still goes to the clone's ledger (`.git/autodev/spend.jsonl`) first, so the
/// clone's own budgets (`[llm.budget]`) hold whatever the store does. With the store reachable, a
/// call goes only when the store's transaction records its reservation within the repository's
/// and the organisation's caps. Once it cannot be reached (down at the start, or stopped mid-run)
/// the run degrades to the local store with one warning: the clone's ledger and budgets, with
/// the organisation's caps applied to it too — never to an unlimited budget — and every charge
/// made meanwhile goes to a backlog file (`store-backlog.jsonl` beside the ledger) that the next
/// run reaching the store records there, so no charge is lost to it.
final class StoreLink {
    let store: any SharedStore
    let local: SpendLedger
    let backlog: SpendLedger
    let organisationBudget: Budget
    /// Receives the one warning of a degraded run (CallGuard's warnings: the run's notes).
    var warn: (String) -> Void = { _ in }
    private(set) var degraded = false
    private var replayed = false
    /// Reservations the store holds, by id, for the backlog if their settlement cannot reach it.
    private var reserved: [String: SpendLedger.Line] = [:]

    init(store: any SharedStore, local: SpendLedger, organisationBudget: Budget) {
        self.store = store
        self.local = local
        self.organisationBudget = organisationBudget
        backlog = SpendLedger(path: Self.backlogPath(ledger: local.path))
    }

    /// `store-backlog.jsonl` beside the ledger (in the git folder: never lost with `.auto-dev/`).
    static func backlogPath(ledger: String) -> String {
        String(ledger[..<(ledger.lastIndex(of: "/") ?? ledger.startIndex)]) + "/store-backlog.jsonl"
    }

    private func degrade(_ error: AutodevError) {
        guard !degraded else { return }
        degraded = true
        warn("\(error.message); this run goes on with the local store: the clone's spending ledger (\(local.path)) and [llm.budget], with the organisation's caps applied to it; its charges go to the shared store with the next run that reaches it")
    }

    /// Whether the store serves; the first time, the backlog of an earlier run is recorded there.
    private func ready() -> Bool {
        guard !degraded else { return false }
        if !replayed {
            replayed = true
            let entries = backlog.entries()
            if !entries.isEmpty {
                do {
                    try store.replay(entries)
                    FileSystem.remove(backlog.path)
                } catch {
                    degrade(error)
                    return false
                }
            }
        }
        return true
    }

    /// nil when the call may go, its reservation recorded; else why not. `line` is already in
    /// the clone's ledger, and the clone's budgets allowed it.
    func reserve(_ line: SpendLedger.Line, budget: Budget, now: Int64) -> Budget.Refusal? {
        if ready() {
            do {
                let refusal = try store.reserve(line, repositoryBudget: budget, organisationBudget: organisationBudget, now: now)
                if refusal == nil { reserved[line.id] = line }
                return refusal
            } catch {
                degrade(error)
            }
        }
        // Local: the organisation's caps over the clone's ledger, without this line (in it already).
        var spent = local.spent(now: now, run: line.run)
        spent.day -= line.cost
        spent.month -= line.cost
        spent.run -= line.cost
        spent.dayTokens -= line.tokens
        if let refusal = organisationBudget.refusal(spent: spent, cost: line.cost, tokens: line.tokens, now: now) {
            return Budget.Refusal(reason: "the organisation's " + refusal.reason + " (applied to this clone while the shared store is unreachable)",
                                  resumesAt: refusal.resumesAt)
        }
        try? backlog.reserve(line)
        return nil
    }

    func settle(_ line: SpendLedger.Line) {
        if !degraded, reserved[line.id] != nil {
            do {
                try store.settle(line)
                reserved[line.id] = nil
                return
            } catch {
                degrade(error)
            }
        }
        if let reservation = reserved.removeValue(forKey: line.id) { try? backlog.reserve(reservation) }
        try? backlog.settle(line)
    }

    /// The other runners' breakers, limiter windows and deadlines, merged into `state`.
    func refresh(_ state: inout ResilienceState, nowMilliseconds: Int64) {
        guard ready() else { return }
        do { try store.merge(into: &state, nowMilliseconds: nowMilliseconds) } catch { degrade(error) }
    }

    func save(_ state: ResilienceState, nowMilliseconds: Int64) {
        guard ready() else { return }
        do { try store.save(state, nowMilliseconds: nowMilliseconds) } catch { degrade(error) }
    }
}
