import AutodevGit

/// Evidence of work done by a person: part of `Explainer` (split out of Explainer.swift, unchanged).
extension Explainer {

    /// Code changed in the range, indexed by what a test can be matched on: a new test is
    /// implemented alongside when the range changed a file it is named after, a file in its
    /// folder, or one in the module its path mirrors (`tests/pkg/mod/test_x.py` and
    /// `src/pkg/mod/`, `Tests/CoreTests/` and `Sources/Core/`).
    struct CodeIndex {
        var byStem: [String: String] = [:]
        var byFolder: [String: String] = [:]
        /// Every module and each of its ancestors → a code path in it or below it.
        var byModule: [String: String] = [:]
        /// Every module → a code path directly in it.
        var inModule: [String: String] = [:]
        /// Every code path indexed.
        var paths: Set<String> = []

        init(_ code: [String]) {
            paths = Set(code)
            for path in code.sorted() {
                let stem = Explainer.codeStem(SpecDocument.baseName(path))
                if byStem[stem] == nil { byStem[stem] = path }
                // `current-account.signal-store.ts`, `cart.service.ts`: the whole name before the
                // extension too, which a test named after it (`cart.service.spec.ts`) gives.
                let base = SpecDocument.baseName(path)
                if let dot = base.lastIndex(of: "."), base[..<dot].contains(".") {
                    let whole = Explainer.normalizedStem(String(base[..<dot]).lowercased())
                    if byStem[whole] == nil { byStem[whole] = path }
                }
                let folder = Explainer.folder(of: path)
                // `tests/test_shop_cart.py` is named after `src/shop/cart.py` too.
                let parent = Explainer.codeStem(SpecDocument.baseName(folder))
                if !parent.isEmpty, byStem[parent + stem] == nil { byStem[parent + stem] = path }
                if byFolder[folder] == nil { byFolder[folder] = path }
                var module = Explainer.moduleKey(folder, test: false)
                if !module.isEmpty, inModule[module] == nil { inModule[module] = path }
                while !module.isEmpty {
                    if byModule[module] == nil { byModule[module] = path }
                    guard let slash = module.lastIndex(of: "/") else { break }
                    module = String(module[..<slash])
                }
            }
        }

        func alongside(test: String) -> String? {
            let subject = Explainer.testSubject(SpecDocument.baseName(test))
            if !subject.isEmpty, let path = byStem[subject] { return "\(path) changed in this range (the test is named after it)" }
            let testFolder = Explainer.folder(of: test)
            if let path = byFolder[testFolder] { return "\(path) changed in this range (same folder as the test)" }
            // Code in the test's module or below it, or directly in a module that encloses it.
            var module = Explainer.moduleKey(testFolder, test: true)
            if !module.isEmpty, let path = byModule[module] { return "\(path) changed in this range (the module the test covers)" }
            while let slash = module.lastIndex(of: "/") {
                module = String(module[..<slash])
                if let path = inModule[module] { return "\(path) changed in this range (the module the test covers)" }
            }
            return nil
        }
    }


    /// Code at the end of the range that a new test is named after (`test_cutover_guard.py`
    /// and `…/cutover_guard.py`): the test most likely covers what exists.
    mutating func existingCode(testedBy test: String) -> String? {
        if headCode == nil {
            headCode = CodeIndex(after.files(under: "").map(\.path).filter { classifier.classify($0)?.category == .code })
        }
        let subject = Self.testSubject(SpecDocument.baseName(test))
        if subject.count >= 3, let named = headCode?.byStem[subject] { return named }
        return importedCode(testedBy: test) ?? goPackageCode(testedBy: test) ?? routedCode(testedBy: test)
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `test_store.py`, `store_test.go`, `StoreTests.swift`, `store.spec.ts` → `store`.
    static func testSubject(_ name: String) -> String {
        var stem = Substring(name.split(separator: ".").first ?? Substring(name))
        let lowerName = name.lowercased()
        for marker in [".test.", ".spec.", "-test.", "-spec."] where lowerName.contains(marker) {
            stem = Substring(name[..<name.index(name.startIndex, offsetBy: lowerName.firstRange(of: marker).map { lowerName.distance(from: lowerName.startIndex, to: $0.lowerBound) } ?? 0)])
        }
        var lower = stem.lowercased()
        for prefix in ["test_", "test-", "tests_"] where lower.hasPrefix(prefix) { lower = String(lower.dropFirst(prefix.count)) }
        for suffix in ["_test", "_tests", "_spec", "tests", "test", "spec", "it"] where lower.hasSuffix(suffix) && lower.count > suffix.count {
            lower = String(lower.dropLast(suffix.count))
            break
        }
        return normalizedStem(lower)
    }

    static func codeStem(_ name: String) -> String {
        normalizedStem(String(name.split(separator: ".").first ?? Substring(name)).lowercased())
    }

    static func normalizedStem(_ stem: String) -> String {
        String(stem.filter { $0 != "_" && $0 != "-" })
    }

    /// A folder with its test or source roots taken out, lower-cased: the module it belongs to.
    static func moduleKey(_ folder: String, test: Bool) -> String {
        let roots: Set<String> = test ? ["tests", "test", "__tests__", "spec", "specs", "src", "unit", "integration", "e2e", "java", "kotlin"]
                                      : ["src", "lib", "sources", "source", "main", "app", "pkg", "internal", "java", "kotlin"]
        var parts: [String] = []
        for component in folder.split(separator: "/") {
            var part = component.lowercased()
            if roots.contains(part) { continue }
            if test, part.hasSuffix("tests") && part.count > 5 { part = String(part.dropLast(5)) }
            else if test, part.hasSuffix("test") && part.count > 4 { part = String(part.dropLast(4)) }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    mutating func alongside(_ requirement: Requirement, links: [String], changedPaths: Set<String>) -> String? {
        // On a first run every path at HEAD "changed": a link that exists is evidence enough
        // (requirement-added-implemented), so only commits are searched.
        for link in links where !range.firstRun {
            if changedPaths.contains(link) { return "\(link) changed in this range" }
            if link.hasSuffix("/"), let path = changedPaths.filter({ $0.hasPrefix(link) }).min() {
                return "\(path) changed in this range"
            }
            // A link written from a sub-project's root that several files end with
            // (`.env.example`, `src/lib/api.ts` in a monorepo): the one of them this range
            // changed is the one meant.
            let ending = changedPaths.filter { $0.hasSuffix("/" + link) }
            if ending.count == 1, let path = ending.first { return "\(path) changed in this range" }
        }
        if requirement.kind == .task, !range.firstRun, let why = sameModuleChange(requirement) { return why }
        guard let index = indexedCommits() else { return nil }
        let scope = scopeRoot(of: requirement)
        let scoped = scope != requirement.spec
        for id in requirement.ids.filter(Self.isCitable) {
            for position in index.byID[id] ?? [] {
                let commit = index.commits[position]
                // Ids such as T025 or FR-001 restart in every feature: a citation counts for
                // this one only when the commit touched its folder or names it.
                if scoped, !namingCommits(scope).contains(position), !touches(commit, scope: scope) { continue }
                let changed = codeChanged(by: commit)
                guard !changed.isEmpty else { continue }
                return "commit \(commit.id.hex.prefix(12)) cites \(id) and changes \(Self.shown(changed))"
            }
        }
        // A spec change committed together with code: the person wrote both.
        if requirement.kind != .task, let (commit, code) = commitWithCode(changing: requirement.spec) {
            return "commit \(commit.id.hex.prefix(12)) changes this spec together with code (\(Self.shown(code)))"
        }
        if let (commit, code) = storyCommitWithCode(requirement) {
            return "commit \(commit.id.hex.prefix(12)) changes \(requirement.parent ?? "its story") together with code (\(Self.shown(code)))"
        }
        return nil
    }

    /// For a task: code the range changed in the module of a code file the task names — the
    /// file's folder when that folder is a module of its own (`src/examples/` for
    /// `src/examples/mod.rs`, not a source root such as `src/`), or the folder a file module
    /// splits into (`src/page/` for `src/page.rs`). A history of merges that bring a spec
    /// together with its code does the task in a file beside the one its plan guessed
    /// (`src/examples/commands.rs` for "`src/examples/mod.rs` or the existing dispatcher").
    /// Only in a document the range delivered with its code (`deliveredWithCode`).
    mutating func sameModuleChange(_ requirement: Requirement) -> String? {
        guard !rangeCode.isEmpty else { return nil }
        var areas: [(String, String)] = []
        for path in requirement.paths where !path.hasSuffix("/") && !NotCodeWork.isDocument(path) {
            guard let category = classifier.classify(path)?.category, category == .code || category == .tests else { continue }
            let folder = Self.folder(of: path)
            if !folder.isEmpty, !Self.moduleKey(folder, test: false).isEmpty, !Self.moduleKey(folder, test: true).isEmpty {
                areas.append((folder + "/", path))
            }
            let name = SpecDocument.baseName(path)
            if let dot = name.firstIndex(of: "."), dot != name.startIndex {
                let split = (folder.isEmpty ? "" : folder + "/") + name[..<dot] + "/"
                areas.append((split, path))
            }
        }
        guard !areas.isEmpty, deliveredWithCode(requirement.spec) else { return nil }
        for (area, named) in areas {
            if let changed = rangeCode.filter({ $0.hasPrefix(area) && $0 != named }).min() {
                return "\(changed) changed in this range, in the module of \(named) that the task names"
            }
        }
        return nil
    }

    /// Whether the range delivered a task document together with its code: at least half of its
    /// tasks that name code files (two or more) had one of them changed in the range. A plan
    /// committed beside its first steps (a setup phase) is not: most of its named files are
    /// untouched. Nor is a document that marks tasks done: its author keeps progress there, and
    /// an open task beside finished ones is open.
    mutating func deliveredWithCode(_ spec: String) -> Bool {
        if let known = deliveredSpecs[spec] { return known }
        var delivered = false
        if let document = changedDocuments[sideKey(after, spec)],
           !document.requirements.contains(where: { $0.kind == .task && $0.isTicked }) {
            let changed = rangeChanged
            let naming = document.requirements.filter { task in
                task.kind == .task && task.paths.contains { classifier.classify($0)?.category == .code }
            }
            let done = naming.filter { task in task.paths.contains(where: changed.contains) }
            delivered = naming.count >= 2 && done.count * 2 >= naming.count
        }
        deliveredSpecs[spec] = delivered
        return delivered
    }

    /// For a removed requirement: an implementation path the range changed or deleted — its code
    /// went with it in the same change, so there is nothing left to retire.
    func retiredAlongside(_ implementation: [String], changedPaths: Set<String>) -> String? {
        for path in implementation {
            if changedPaths.contains(path) { return "\(path) changed in this range" }
            if path.hasSuffix("/"), let changed = changedPaths.filter({ $0.hasPrefix(path) }).min() {
                return "\(changed) changed in this range"
            }
        }
        return nil
    }

    /// A test file that the same commit added together with code.
    mutating func testCommitWithCode(_ test: String) -> String? {
        guard indexedCommits() != nil, let (commit, code) = commitWithCode(changing: test, orWhatItTests: true) else { return nil }
        return "commit \(commit.id.hex.prefix(12)) adds this test together with code (\(Self.shown(code)))"
    }

    static func shown(_ paths: [String]) -> String {
        paths.prefix(2).joined(separator: ", ") + (paths.count > 2 ? " and \(paths.count - 2) more" : "")
    }

    /// Commits of the range and, per citable id, the commits whose message cites it: messages
    /// are read once per run, not once per requirement.
    struct CommitIndex {
        var commits: [CommitInfo] = []
        var byID: [String: [Int]] = [:]
        /// Every word of two characters or more with a digit or a hyphen (feature numbers, slugs).
        var words: [String: [Int]] = [:]
    }


    /// The range's commit index, built on first use; nil for the work tree, which has no commits.
    mutating func indexedCommits() -> CommitIndex? {
        guard !range.worktree, let to = range.to else { return nil }
        if commitIndex == nil { commitIndex = buildCommitIndex(from: range.from, to: to) }
        return commitIndex
    }

    mutating func buildCommitIndex(from: ObjectID?, to: ObjectID) -> CommitIndex {
        var index = CommitIndex()
        index.commits = loadCommits(from: from, to: to)
        for (position, commit) in index.commits.enumerated() {
            let (tokens, words) = Self.messageTokens(commit.message)
            for token in tokens where index.byID[token]?.last != position {
                index.byID[token, default: []].append(position)
            }
            for word in words where index.words[word]?.last != position {
                index.words[word, default: []].append(position)
            }
        }
        return index
    }

    /// One pass over a message's bytes: the words that could be ids (ASCII letters and digits
    /// with `-`, `_` or `.` inside, holding both a letter and a digit: `FR-010`, `T018`, `R6.1`),
    /// and the lower-cased words that can name a feature (letters, digits, `-`, `_`, holding a
    /// digit or a hyphen: `027`, `027-user-auth`, `user-auth`). Bytes, not Characters: thousands
    /// of messages are read on a first run.
    static func messageTokens(_ message: String) -> (ids: [String], words: [String]) {
        var ids: [String] = [], words: [String] = []
        let bytes = Array(message.utf8)
        var start = 0
        func isTokenByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        func flush(_ end: Int) {
            // An id: trailing separators dropped.
            var last = end
            while last > start, [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_")].contains(bytes[last - 1]) { last -= 1 }
            if last - start >= 2 {
                let slice = bytes[start..<last]
                let letter = slice.contains { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
                let digit = slice.contains { $0 >= 0x30 && $0 <= 0x39 }
                if letter && digit { ids.append(String(decoding: slice, as: UTF8.self)) }
            }
            // Feature names: dots separate words.
            var wordStart = start
            for index in start...end where index == end || bytes[index] == UInt8(ascii: ".") {
                var wordEnd = index
                while wordEnd > wordStart, bytes[wordEnd - 1] == UInt8(ascii: "-") || bytes[wordEnd - 1] == UInt8(ascii: "_") { wordEnd -= 1 }
                if wordEnd - wordStart >= 2 {
                    let slice = bytes[wordStart..<wordEnd]
                    if slice.contains(where: { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }) {
                        words.append(String(decoding: slice.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self))
                    }
                }
                wordStart = index + 1
            }
        }
        for (index, byte) in bytes.enumerated() where !isTokenByte(byte) {
            if index > start { flush(index) }
            start = index + 1
        }
        if bytes.count > start { flush(bytes.count) }
        return (ids, words)
    }

    /// Whether a commit changed anything under a feature's folder.
    mutating func touches(_ commit: CommitInfo, scope: String) -> Bool {
        let folder = scope + "/"
        return pathsChanged(by: commit).contains { $0.hasPrefix(folder) }
    }

    /// The commits whose message names a feature by its folder (`027-user-auth`), its number
    /// (`027`) or its slug (`user-auth`), from the index of message words.
    mutating func namingCommits(_ scope: String) -> Set<Int> {
        if let known = namedBy[scope] { return known }
        var result = Set<Int>()
        for name in Self.featureNames(scope) { result.formUnion(commitIndex?.words[name.lowercased()] ?? []) }
        namedBy[scope] = result
        return result
    }


    /// `specs/027-user-auth` → `027-user-auth`, `027`, `user-auth`.
    static func featureNames(_ scope: String) -> [String] {
        let folder = SpecDocument.baseName(scope)
        var names = [folder]
        let number = folder.prefix { $0.isNumber }
        if number.count >= 2 { names.append(String(number)) }
        var slug = Substring(folder.dropFirst(number.count))
        while slug.first == "-" || slug.first == "_" { slug = slug.dropFirst() }
        if slug.count >= 6 && slug.contains("-") && slug != Substring(folder) { names.append(String(slug)) }
        return names
    }

    /// The newest commit of the range (of at most 200) that changed `path` and code, with that
    /// code. Code, not tests: a test written beside a spec is not its implementation.
    /// `orWhatItTests`: for a test, configuration or a schema committed with it counts too (a
    /// spec committed with configuration, autodev's own included, is not implemented by it).
    mutating func commitWithCode(changing path: String, orWhatItTests: Bool = false) -> (CommitInfo, [String])? {
        guard let commits = commitIndex?.commits, commits.count <= 200 else { return nil }
        for commit in commits where pathSetChanged(by: commit).contains(path) {
            let code = codeChanged(by: commit).filter { classifier.classify($0)?.category == .code }
            if !code.isEmpty { return (commit, code) }
            guard orWhatItTests else { continue }
            // A test of configuration or a schema lands with the files it tests (a workspace
            // file, a schema.yaml): the commit implements it. Prose and other tests do not.
            let support = pathsChanged(by: commit).filter { other in
                guard other != path, !Self.isProse(other), !Self.isAutodevConfig(other) else { return false }
                let category = classifier.classify(other)?.category
                return category != .tests && category != .specs && category != .ignore
            }
            if !support.isEmpty { return (commit, support) }
        }
        return nil
    }

    /// autodev's own settings, patterns and templates: never a project's implementation.
    static func isAutodevConfig(_ path: String) -> Bool {
        path == "config/autodev.toml" || path == "config/patterns.toml" || path.hasPrefix("config/templates/")
    }

    /// Documentation and notes: never the implementation of a test.
    static func isProse(_ path: String) -> Bool {
        NotCodeWork.isDocument(path) || path.hasPrefix(".changeset/") || path.hasPrefix(".github/")
    }

    mutating func pathSetChanged(by commit: CommitInfo) -> Set<String> {
        if let known = pathSetsChangedBy[commit.id] { return known }
        let paths = Set(pathsChanged(by: commit))
        pathSetsChangedBy[commit.id] = paths
        return paths
    }

    mutating func pathsChanged(by commit: CommitInfo) -> [String] {
        if let known = pathsChangedBy[commit.id] { return known }
        let paths = (try? repository.changedPaths(of: commit)) ?? []
        pathsChangedBy[commit.id] = paths
        return paths
    }

    /// The code, test, dependency and configuration paths a commit changed, read once.
    mutating func codeChanged(by commit: CommitInfo) -> [String] {
        if let known = codeChangedBy[commit.id] { return known }
        let paths = pathsChanged(by: commit)
        let code = paths.filter { path in
            guard let category = classifier.classify(path)?.category else { return false }
            return category != .specs && category != .ignore
        }
        codeChangedBy[commit.id] = code
        return code
    }

    /// The commits of the range, newest first, up to `commitLimit`.
    mutating func loadCommits(from: ObjectID?, to: ObjectID) -> [CommitInfo] {
        guard let (commits, truncated) = try? repository.commits(from: from, to: to, limit: Self.commitLimit) else {
            notes.append("could not walk the commits of the range; commit messages were not searched for requirement ids")
            return []
        }
        if truncated {
            notes.append("only the newest \(Self.commitLimit) commits of the range were searched for requirement ids")
        }
        return commits
    }

    /// `FR-010`, `T018`, `US1`, `R6.1`: an id with letters and digits, no spaces.
    static func isCitable(_ id: String) -> Bool {
        id.count >= 2 && !id.contains(" ") && id.contains(where: \.isLetter) && id.contains(where: \.isNumber)
    }
}
