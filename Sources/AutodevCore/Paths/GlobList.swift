/// Globs read as the lines of one `.gitignore`, in order: a path is in the list when git would
/// ignore it with that file at the repository root.
///
/// As in git, the last pattern that matches decides, and a `!` pattern takes a path out again;
/// the path's folders are decided first, from the root down: once a folder is in, so is
/// everything inside it, and no `!` pattern can take out a file below it (git does not look
/// inside an ignored folder).
struct GlobList: Sendable {
    public let globs: [Glob]

    public init(_ patterns: [String]) throws(GlobError) {
        var globs: [Glob] = []
        for pattern in patterns { globs.append(try Glob(pattern)) }
        self.globs = globs
    }

    public init(_ globs: [Glob]) { self.globs = globs }

    /// Whether the list takes `path` in.
    public func contains(_ path: String) -> Bool {
        guard let index = decidingIndex(path) else { return false }
        return !globs[index].isNegated
    }

    /// The index of the glob that decides for `path`, as `git check-ignore -v` names it (a `!`
    /// glob when that is what decided), or nil when no glob does.
    public func decidingIndex(_ path: String) -> Int? {
        let matchPath = MatchPath(path)
        return matchPath.withBuffers { bytes, ends in
            GlobList.decide(levels: ends.count, count: globs.count) { index, level in
                globs[index].pool.withUnsafeBufferPointer { pool in
                    Glob.matches(globs[index].alternatives, pool, bytes, ends, level: level)
                } ? globs[index].isNegated : nil
            }
        }
    }

    /// git's decision over `count` globs in list order for a path of `levels` components: the
    /// first folder from the root whose last matching glob is not negated, else the last glob
    /// matching the file itself. `test` says whether glob `index` matches at `level`: nil for
    /// no, else whether the glob is negated.
    @inline(__always) static func decide(levels: Int, count: Int, _ test: (_ index: Int, _ level: Int) -> Bool?) -> Int? {
        let last = levels - 1
        for level in 0...last {
            var index = count - 1
            while index >= 0 {
                if let negated = test(index, level) {
                    if level == last || !negated { return index }
                    break  // a `!` folder is not in the list; look deeper
                }
                index -= 1
            }
        }
        return nil
    }
}
