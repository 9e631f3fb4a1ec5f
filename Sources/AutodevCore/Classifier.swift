/// Sorts paths into categories by the configured globs: ignore first, then tests, specs,
/// dependencies, configuration and code; the first category with a matching glob wins.
public struct Classifier: Sendable {
    public struct Rule: Sendable {
        public let category: PathCategory
        public let glob: Glob
        /// The config key the glob came from, e.g. `events.extra_ignore`.
        public let key: String
        let order: Int

        /// How the rule is named in output: `events.ignore: **/node_modules/**`.
        public var label: String { "\(key): \(glob.pattern)" }
    }

    private let rules: [Rule]
    private let index: [MatchPath.Key: [Int]]
    private let unindexed: [Int]

    public init(config: Config) throws(AutodevError) {
        var rules: [Rule] = []
        for category in PathCategory.allCases {
            for key in ["events.\(category.rawValue)", "events.extra_\(category.rawValue)"] {
                for pattern in config.strings(key) {
                    do {
                        rules.append(Rule(category: category, glob: try Glob(pattern), key: key, order: rules.count))
                    } catch {
                        throw AutodevError(.invalidConfig, "\(config.sources[key]?.description ?? key): invalid glob '\(pattern)' in '\(key)': \(error.problem)",
                                           exitStatus: .config, key: key)
                    }
                }
            }
        }
        var index: [MatchPath.Key: [Int]] = [:]
        var unindexed: [Int] = []
        for rule in rules {
            if let keys = rule.glob.indexKeys {
                for key in Set(keys) { index[key, default: []].append(rule.order) }
            } else {
                unindexed.append(rule.order)
            }
        }
        self.rules = rules
        self.index = index
        self.unindexed = unindexed
    }

    /// The first rule matching `path`, or nil when none does.
    public func classify(_ path: String) -> Rule? {
        let matchPath = MatchPath(path)
        var best: Int?
        func consider(_ order: Int) {
            if let current = best, current <= order { return }
            if rules[order].glob.matches(matchPath) { best = order }
        }
        for order in unindexed { consider(order) }
        for key in matchPath.keys {
            for order in index[key] ?? [] { consider(order) }
        }
        return best.map { rules[$0] }
    }
}
