/// Sorts paths into categories by the configured globs: ignore first, then tests, specs,
/// dependencies, configuration and code; the first category whose globs take the path in wins.
///
/// Each category's globs (`events.<category>`, then `events.extra_<category>`) are read as one
/// `.gitignore` (``GlobList``): the last matching glob decides, so an `extra_` glob starting
/// with `!` takes out paths a built-in glob took in, and the path goes on to the next category.
public struct Classifier: Sendable {
    public struct Rule: Sendable {
        public let category: PathCategory
        let glob: Glob
        /// The config key the glob came from, e.g. `events.extra_ignore`.
        public let key: String
        let order: Int

        /// How the rule is named in output: `events.ignore: **/node_modules/**`.
        public var label: String { "\(key): \(glob.pattern)" }
    }

    private let rules: [Rule]
    /// A hash of every rule (key and pattern, in order): a cache of what a path's category
    /// made (`SpecIndex`'s folder summaries) is used only under the rules it was made with.
    public let fingerprint: UInt64
    /// All rules' patterns, as lines over one byte pool; rule `order`'s lines are
    /// `lines[lineBounds[order]..<lineBounds[order + 1]]`.
    private let lines: [GlobLine]
    private let lineBounds: [Int]
    private let pool: [UInt8]
    private let negated: [Bool]
    private let categories: [PathCategory]
    /// Rule orders by key, times 2, plus 1 when the rule need only be tried at the levels whose
    /// component has the key.
    private let index: KeyIndex
    private let unindexed: [Int]

    public init(config: Config) throws(AutodevError) {
        var rules: [Rule] = []
        for category in PathCategory.allCases {
            for setting in [Setting.globs(category), .extraGlobs(category)] {
                let key = setting.name
                for pattern in config[setting] {
                    do {
                        rules.append(Rule(category: category, glob: try Glob(pattern), key: key, order: rules.count))
                    } catch {
                        throw AutodevError(.invalidConfig, "\(config.sources[key]?.description ?? key): invalid glob '\(pattern)' in '\(key)': \(error.problem)",
                                           key: key)
                    }
                }
            }
        }
        var index: [MatchPath.Key: [Int]] = [:]
        var unindexed: [Int] = []
        var lines: [GlobLine] = [], lineBounds = [0], pool: [UInt8] = []
        for rule in rules {
            lines += rule.glob.alternatives.map { $0.moved(by: pool.count) }
            lineBounds.append(lines.count)
            pool += rule.glob.pool
            if let keys = rule.glob.indexKeys {
                // No keys: the glob matches nothing and is never tried.
                let entry = rule.order * 2 + (rule.glob.keysAreOwnComponents ? 1 : 0)
                for key in Set(keys) { index[key, default: []].append(entry) }
            } else {
                unindexed.append(rule.order)
            }
        }
        self.rules = rules
        fingerprint = SpecIndex.hash(rules.map { $0.key + "\u{0}" + $0.glob.pattern }.joined(separator: "\u{1}"))
        self.lines = lines
        self.lineBounds = lineBounds
        self.pool = pool
        self.negated = rules.map(\.glob.isNegated)
        self.categories = rules.map(\.category)
        self.index = KeyIndex(index)
        self.unindexed = unindexed
    }

    /// The rule that puts `path` in its category (the deciding glob of the first category that
    /// takes it in), or nil when none does.
    public func classify(_ path: String) -> Rule? {
        let matchPath = MatchPath(path)
        let levels = matchPath.count
        // Only rules filed under one of the path's keys can match it, and a name pattern only
        // at the levels where its key is: candidates are order × 64 + level, 63 for any level.
        let anyLevel = 63
        var candidates: [Int] = []
        candidates.reserveCapacity(unindexed.count + 16)
        for order in unindexed { candidates.append(order &* 64 &+ anyLevel) }
        matchPath.forEachKey { key, level in
            index.forEach(key) { entry in
                let ownLevel = entry & 1 == 1 && levels < anyLevel ? level : nil
                candidates.append((entry >> 1) &* 64 &+ (ownLevel ?? anyLevel))
            }
        }
        guard !candidates.isEmpty else { return nil }
        candidates.sort()
        // One (order, levels it may match at) per rule, in order.
        var orders: [Int] = [], masks: [UInt64] = []
        orders.reserveCapacity(candidates.count)
        masks.reserveCapacity(candidates.count)
        for candidate in candidates {
            let order = candidate >> 6, level = candidate & 63
            let bit: UInt64 = level == anyLevel ? ~0 : 1 << UInt64(level)
            if orders.last == order { masks[masks.count - 1] |= bit } else { orders.append(order); masks.append(bit) }
        }
        let found: Int? = matchPath.withBuffers { bytes, ends in
            pool.withUnsafeBufferPointer { pool in
                lines.withUnsafeBufferPointer { lines in
                    var start = 0
                    while start < orders.count {
                        let category = categories[orders[start]]
                        var end = start + 1
                        while end < orders.count, categories[orders[end]] == category { end += 1 }
                        let first = start
                        let decided = GlobList.decide(levels: levels, count: end - start) { index, level in
                            let mask = masks[first + index]
                            guard mask & (1 << UInt64(min(level, 63))) != 0 else { return nil }
                            let order = orders[first + index]
                            let own = lines[lineBounds[order]..<lineBounds[order + 1]]
                            return Glob.matches(own, pool, bytes, ends, level: level) ? negated[order] : nil
                        }
                        if let decided, !negated[orders[first + decided]] { return orders[first + decided] }
                        start = end
                    }
                    return nil
                }
            }
        }
        return found.map { rules[$0] }
    }
}
