internal import AutodevCore

extension AutodevCommand {
    /// `autodev cache stats|prune|clear`: the answer cache of tiers 3 and 4.
    struct CacheCommand {
        static let spec = CommandSpec(
            name: "cache",
            abstract: "Show, prune or clear the answer cache of tiers 3 and 4 (.auto-dev/cache/answers.sqlite).",
            discussion: """
                stats: answers held, their size, how many are past loop.llm_optimization.cache_ttl_hours, and how often they were reused. prune: removes answers past the TTL, then the least recently used until the cache is within loop.llm_optimization.cache_max_mb (sync does the second after every store). clear: removes every answer. The cache only saves LLM calls: losing it costs calls, never work. cache_ttl_hours = 0 turns it off.
                """,
            arguments: [.init(name: "action", help: "stats, prune or clear.", count: "1", choices: ["stats", "prune", "clear"])],
            options: [.flag("json", "Print one JSON object.")])

        let global: GlobalOptions
        let action: String
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            action = arguments.positionals[0]
            json = arguments.flag("json")
        }

        struct Report: Encodable {
            var action: String
            var enabled: Bool
            var stats: AnswerCacheStats?
            var pruned: AnswerCachePrune?
            var cleared: Int?
        }

        func run() throws {
            let workspace = try Workspace.open(global)
            let now = workspace.clock.now()
            var report = Report(action: action, enabled: workspace.config[.cacheTTLHours] > 0)
            // Off (TTL 0): the clone's cache file is still shown, pruned or cleared.
            let cache: any AnswerCache = try workspace.openAnswerCache()
                ?? SQLiteAnswerCache(path: SQLiteAnswerCache.path(stateRoot: workspace.stateRoot), ttlHours: 0, maxMegabytes: 0)
            switch action {
            case "prune": report.pruned = try cache.prune(now: now)
            case "clear": report.cleared = try cache.clear()
            default: break
            }
            report.stats = try cache.stats(now: now)
            if json {
                Output.write(try JSONOutput.encode(report) + "\n")
                return
            }
            var out = ""
            if let pruned = report.pruned { out += "pruned: \(pruned.expired) expired, \(pruned.evicted) evicted over the size cap\n" }
            if let cleared = report.cleared { out += "cleared: \(cleared) answer\(cleared == 1 ? "" : "s") removed\n" }
            if let stats = report.stats {
                out += "cache: \(Terminal.safe(stats.path))\(report.enabled ? "" : " (off: loop.llm_optimization.cache_ttl_hours = 0)")\n"
                out += "answers: \(stats.entries), \(stats.bytes) bytes; \(stats.expired) past the TTL of \(stats.ttlHours) h; cap \(stats.maxMegabytes) MB\n"
                out += "reused: \(stats.uses) time\(stats.uses == 1 ? "" : "s")\n"
            }
            Output.write(out)
        }
    }
}
