internal import AutodevGit

/// A new test that reaches the project only through its URLs: it imports nothing of the
/// project's own code (only its framework and the standard library) and requests paths
/// (`'/api/v1/employees/'`) whose every segment the code already routes (`path('api/v1/', …)`,
/// `'employees/'`). Such a test exercises code that exists — a security or regression suite
/// written against a running application — and asks for nothing to be written; a test of an
/// endpoint still to come requests a path the code does not route. Part of `Explainer`.
///
/// Where the shape comes from: issue 21's sixteenth fresh round, on an unseen Django project
/// with Arabic Kiro specs: one commit that ticked its "security tests" task added 98 tests
/// (five files, OWASP and penetration checks importing only `django.test`) and each was
/// proposed as `implementToPassTest`. Security suites also probe paths that must not exist
/// (`/wp-admin/`, `/backup.sql`), so at least half of the distinct paths a test requests must
/// be routed, not all.
extension Explainer {
    /// First segments of a requested path that are a machine's folders, not routes.
    static let fileSystemRoots: Set<String> = ["tmp", "etc", "usr", "var", "home", "dev", "proc", "bin", "sbin", "opt", "root",
                                               "sys", "mnt", "private", "users", "windows", "volumes"]
    /// Longer literals are not routes.
    static let routeLiteralBytes = 120

    /// The code file routing most of the paths a new test requests, when the test imports none
    /// of the project's own code and at least half of its distinct paths (at least one) have
    /// every segment in the code's route-like literals. Nil otherwise.
    mutating func routedCode(testedBy test: String) -> String? {
        guard let side = after.side(of: test), let bytes = try? repository.content(of: side) else { return nil }
        let text = String(decoding: bytes.prefix(Self.importScanBytes), as: UTF8.self)
        let code = headCode?.paths ?? []
        // A test importing the project's own code is decided by its imports (`importedCode`).
        for (module, _) in Self.imports(in: text, test: test) {
            if test.hasSuffix(".py") {
                if Self.isProjectModule(module, code: code) { return nil }
                if let candidates = Self.modulePaths(module, test: test),
                   code.contains(where: { path in candidates.contains { path == $0 || path.hasSuffix("/" + $0) } }) {
                    return nil
                }
            } else if Self.modulePaths(module, test: test) != nil {
                return nil
            }
        }
        let requested = Set(Self.requestedPaths(in: Array(text.utf8)))
        guard !requested.isEmpty else { return nil }
        let segments = routeSegmentIndex(code: code)
        var holders: [String: Int] = [:]
        var routed = 0
        for path in requested {
            let parts = path.split(separator: "/").map(String.init).filter { !$0.isEmpty && !$0.allSatisfy(\.isNumber) }
            guard !parts.isEmpty, parts.allSatisfy({ segments[$0] != nil }) else { continue }
            routed += 1
            if let holder = segments[parts[0]] { holders[holder, default: 0] += 1 }
        }
        guard routed * 2 >= requested.count,
              let holder = holders.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key else { return nil }
        return "\(holder) (it routes \(routed) of the \(requested.count) paths the test requests)"
    }

    /// Segments of the route-like literals in the code at the end of the range → a file
    /// holding one. Read once per explanation, at most `CodeEvidence.filesIndexed` files.
    private mutating func routeSegmentIndex(code: Set<String>) -> [String: String] {
        if let known = routeSegments { return known }
        var found: [String: String] = [:]
        for path in code.sorted().prefix(CodeEvidence.filesIndexed) {
            guard let side = after.side(of: path), side.mode.isRegular,
                  let size = try? repository.size(of: side), size <= CodeEvidence.maxFileBytes,
                  let bytes = try? repository.content(of: side), !bytes.prefix(8000).contains(0) else { continue }
            for literal in Self.quotedLiterals(in: bytes) where literal.contains("/") {
                for segment in literal.split(separator: "/") where found[String(segment)] == nil {
                    found[String(segment)] = path
                }
            }
        }
        routeSegments = found
        return found
    }

    /// The quoted literals made only of route characters (letters, digits, `_-.:<>{}` and `/`)
    /// with a letter, up to `routeLiteralBytes` long.
    static func quotedLiterals(in bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < bytes.count {
            let quote = bytes[index]
            guard quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "`") else {
                index += 1
                continue
            }
            var end = index + 1
            var letter = false
            while end < bytes.count, end - index <= routeLiteralBytes, isRouteByte(bytes[end]) {
                if (bytes[end] | 0x20) >= UInt8(ascii: "a") && (bytes[end] | 0x20) <= UInt8(ascii: "z") { letter = true }
                end += 1
            }
            if end < bytes.count, bytes[end] == quote, end > index + 1, letter {
                result.append(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
                index = end + 1
            } else {
                index += 1
            }
        }
        return result
    }

    /// The URL paths a test requests: quoted literals opening with `/` and a letter (a query
    /// or fragment cut off), minus a machine's folders (`/tmp/x`, `/etc/passwd`).
    static func requestedPaths(in bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var index = 0
        while index + 2 < bytes.count {
            let quote = bytes[index]
            guard quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""), bytes[index + 1] == UInt8(ascii: "/"),
                  (bytes[index + 2] | 0x20) >= UInt8(ascii: "a"), (bytes[index + 2] | 0x20) <= UInt8(ascii: "z") else {
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, end - index <= routeLiteralBytes, isRouteByte(bytes[end]) { end += 1 }
            let stop = end < bytes.count ? bytes[end] : 0
            if stop == quote || stop == UInt8(ascii: "?") || stop == UInt8(ascii: "#") {
                let path = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                let first = path.split(separator: "/").first.map { $0.lowercased() } ?? ""
                if !fileSystemRoots.contains(first) { result.append(path) }
            }
            index = end
        }
        return result
    }

    static func isRouteByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || [UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "<"),
                UInt8(ascii: ">"), UInt8(ascii: "{"), UInt8(ascii: "}")].contains(byte)
    }
}
