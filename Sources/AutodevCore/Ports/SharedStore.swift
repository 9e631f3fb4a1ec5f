/// What guards money across repositories and runners, kept in one place they all reach
/// (`[store] url`; `PostgresStore` behind it). A runner's own files (`SpendLedger`,
/// `ResilienceState`) still hold every charge it made: they are the store it falls back on
/// when this one cannot be reached (`StoreLink`).
///
/// Every method throws when the store cannot be reached; none may report a budget as free
/// because it could not read it.
protocol SharedStore: AnyObject {
    /// The store for messages (its URL, which holds no password).
    var displayName: String { get }
    /// In one transaction that racing runners cannot interleave: sums what this repository
    /// (`repositoryBudget`) and every repository (`organisationBudget`) spent, and records
    /// `line` as reserved when both allow it. Returns why not, or nil when it was recorded.
    func reserve(_ line: SpendLedger.Line, repositoryBudget: Budget, organisationBudget: Budget, now: Int64) throws(AutodevError) -> Budget.Refusal?
    /// Records what a reserved call cost (a settlement claiming a credit is not believed).
    func settle(_ line: SpendLedger.Line) throws(AutodevError)
    /// Charges a runner recorded while the store was down, recorded now; replaying twice adds nothing.
    func replay(_ entries: [SpendLedger.Entry]) throws(AutodevError)
    /// What this repository and every repository spent at `now`.
    func spent(now: Int64, run: String?) throws(AutodevError) -> (repository: Budget.Spent, organisation: Budget.Spent)
    /// Brings in the breakers, limiter windows and Retry-After deadlines other runners recorded.
    func merge(into state: inout ResilienceState, nowMilliseconds: Int64) throws(AutodevError)
    /// Records this runner's breakers, limiter windows and deadlines, merged with the others'.
    func save(_ state: ResilienceState, nowMilliseconds: Int64) throws(AutodevError)
}
