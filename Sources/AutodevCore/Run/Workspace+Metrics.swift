/// What `autodev metrics` and `autodev report --html` read: the figures and the detail behind
/// them, from the same files `status` reads (metrics.json, state.json with the queue in git,
/// the run records, the spending ledger). Read only: nothing is set aside or rewritten.
extension Workspace {
    public func metricsReport(now: Int64) throws(AutodevError) -> (report: ReportData, warnings: [String]) {
        var (state, warnings) = try currentState()
        let (runs, unreadable) = store.runsAndProblems()
        let (metrics, metricsWarning) = store.peekMetrics()
        warnings += unreadable + (metricsWarning.map { [$0] } ?? [])
        let resilience = ResilienceReport.current(repository: repository, config: config, store: store, now: now)
        let snapshot = MetricsSnapshot(metrics: metrics, state: state, runs: runs, resilience: resilience)
        state.pending.sort { ($0.priority, $1.firstSeen) > ($1.priority, $0.firstSeen) }
        return (ReportData(metrics: snapshot, state: state, runs: runs, resilience: resilience, warnings: warnings, now: now), warnings)
    }
}
