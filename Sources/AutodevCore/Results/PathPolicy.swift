/// Which paths generated work may write, whoever wrote it (template, generator, model).
///
/// Two layers:
/// - **Never** (``GeneratedPath/problem(_:)``): outside the repository, `.git` and every name a
///   file system or git itself treats as `.git` (git's `verify_path`: `is_hfs_dotgit` ignores
///   the code points HFS+ ignores and folds case; `is_ntfs_dotgit` takes `git~1` and trailing
///   dots, spaces and `:streams`), autodev's own `.auto-dev/` in any case, control characters.
///   Such a tree fails `git fsck` (`hasDotgit`) and a remote with `receive.fsckObjects` rejects it.
/// - **Protected** (``protection(_:)``): files that change what git, CI or a hook manager does
///   the moment they are merged — `.gitmodules`, `.gitattributes`, `.gitignore`, CI workflows
///   and hook-manager configs — matched in any case and through the same look-alikes. A
///   `[answers] allow_paths` glob opens one on purpose.
///
/// A path differing only in case from another (``CaseFoldIndex``) is a third check: it needs
/// the processed tree and the run's other outputs.
struct PathPolicy: Sendable {
    /// `[answers] allow_paths`: protected paths the user lets generated work write.
    public let allowed: [Glob]

    public init(allowed: [Glob] = []) {
        self.allowed = allowed
    }

    /// The policy of a configuration (its globs were checked when it was loaded).
    public init(config: Config) {
        self.allowed = config[.answersAllowPaths].compactMap { try? Glob($0) }
    }

    /// Why `path` may not be written, or nil: the never-rules, then the protected ones unless
    /// an `allow_paths` glob matches the path as written.
    public func problem(_ path: String) -> String? {
        if let problem = GeneratedPath.problem(path) { return problem }
        guard let protection = Self.protection(path) else { return nil }
        if allowed.contains(where: { $0.matches(path) }) { return nil }
        return "is \(protection); generated work may not write it. Add the path to [answers] allow_paths to allow it"
    }

    /// What a protected path is, or nil for an ordinary one. Compared folded (``fold(_:)``), so
    /// `.GitHub/Workflows/x.yml` and `.gitmodules.` are what they look like on macOS and Windows.
    public static func protection(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { Substring(fold($0)) }
        guard let first = parts.first else { return nil }
        for part in parts {
            for (name, prefix) in gitMetadata where isDotName(part, name, ntfsPrefix: prefix) { return "a git metadata file (.\(name))" }
        }
        if parts.count > 1, isDotName(first, "github", ntfsPrefix: nil),
           let inside = ["workflows", "actions"].first(where: { parts[1] == $0 || isShortName(parts[1], $0) }) {
            return "a CI or automation file (.github/\(inside)/)"
        }
        for folder in ["circleci", "buildkite", "husky"] where parts.count > 1 && isDotName(first, folder, ntfsPrefix: nil) {
            return "a CI or automation file (.\(folder)/)"
        }
        if parts.count == 1, rootFiles.contains(String(first)) { return "a CI or hook-manager file (\(path))" }
        return nil
    }

    /// The files git reads from a tree, with the prefix of git's fall-back NTFS short name for each
    /// (path.c: `is_ntfs_dotgitmodules` and its siblings).
    static let gitMetadata = [("gitmodules", "gi7eba"), ("gitattributes", "gi7d29"), ("gitignore", "gi250a")]

    /// CI and hook-manager files that only count at the repository root, folded.
    static let rootFiles: Set<String> = [
        ".gitlab-ci.yml", ".gitlab-ci.yaml", ".travis.yml", ".travis.yaml", "azure-pipelines.yml", "azure-pipelines.yaml",
        "jenkinsfile", "bitbucket-pipelines.yml", ".pre-commit-config.yaml", ".pre-commit-config.yml",
        "lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml", "lefthook-local.yml", ".lefthook-local.yml",
    ]

    // MARK: - git's look-alike rules

    /// The code points HFS+ ignores in names (git's `next_hfs_char`): `.g\u{200C}it` is `.git`.
    static let hfsIgnorable: Set<UInt32> = [0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                            0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0xFEFF]

    /// A name as case-insensitive, HFS+ and NTFS file systems see it: ignorable code points
    /// dropped, Unicode case folded (upper then lower: `ß` and `SS` are one), trailing dots and
    /// spaces dropped (NTFS). Swift compares the result with canonical equivalence, so NFC and
    /// NFD spellings (HFS+ and APFS normalise) are one too.
    public static func fold(_ name: Substring) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars where !hfsIgnorable.contains(scalar.value) { scalars.append(scalar) }
        var folded = String(scalars).uppercased().lowercased()
        while let last = folded.last, last == "." || last == " " { folded.removeLast() }
        return folded
    }

    /// git's `is_hfs_dotgit` || `is_ntfs_dotgit` for one path component.
    static func isDotGit(_ component: Substring) -> Bool {
        isHFSDotName(component, "git") || isNTFSDotGit(component)
    }

    /// git's `is_hfs_dot_generic`: `.` + `needle` (ASCII, lower case) with HFS-ignorable code
    /// points skipped and case folded, and nothing after.
    static func isHFSDotName(_ component: Substring, _ needle: String) -> Bool {
        var scalars = component.unicodeScalars.lazy.filter { !hfsIgnorable.contains($0.value) }.makeIterator()
        guard scalars.next() == "." else { return false }
        for wanted in needle.unicodeScalars {
            guard let scalar = scalars.next(), scalar.isASCII, Character(scalar).lowercased() == String(wanted) else { return false }
        }
        return scalars.next() == nil
    }

    /// git's `is_ntfs_dotgit`: `.git` or `git~1`, any case, followed only by dots and spaces,
    /// up to the end, a `:` (an NTFS stream) or a backslash.
    static func isNTFSDotGit(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        func lower(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] | 0x20 : nil }
        var index: Int
        if bytes.first == UInt8(ascii: ".") {
            guard lower(1) == UInt8(ascii: "g"), lower(2) == UInt8(ascii: "i"), lower(3) == UInt8(ascii: "t") else { return false }
            index = 4
        } else {
            guard lower(0) == UInt8(ascii: "g"), lower(1) == UInt8(ascii: "i"), lower(2) == UInt8(ascii: "t"),
                  bytes.count > 4, bytes[3] == UInt8(ascii: "~"), bytes[4] == UInt8(ascii: "1") else { return false }
            index = 5
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: ":") { return true }
            if byte != UInt8(ascii: ".") && byte != UInt8(ascii: " ") { return false }
            index += 1
        }
        return true
    }

    /// `.name` as git's `is_hfs_dot_generic` and `is_ntfs_dot_generic` match it: case folded,
    /// HFS-ignorables skipped, trailing dots and spaces (and `:stream`) allowed, and the NTFS 8.3
    /// short names (`GITMOD~1`, and the hashed fall-back `GI7EBA~1` when git knows it).
    static func isDotName(_ component: Substring, _ name: String, ntfsPrefix: String?) -> Bool {
        if isHFSDotName(component, name) { return true }
        let bytes = Array(component.utf8)
        let wanted = Array(name.utf8)
        func onlyDotsAndSpaces(from start: Int) -> Bool {
            var index = start
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: ":") { return true }
                if bytes[index] != UInt8(ascii: ".") && bytes[index] != UInt8(ascii: " ") { return false }
                index += 1
            }
            return true
        }
        if bytes.first == UInt8(ascii: "."), bytes.count > wanted.count,
           zip(bytes[1...wanted.count], wanted).allSatisfy({ $0 | 0x20 == $1 || $0 == $1 }) {
            return onlyDotsAndSpaces(from: wanted.count + 1)
        }
        if isShortName(component, name) { return true }
        guard let prefix = ntfsPrefix.map({ Array($0.utf8) }) else { return false }
        // git's fall-back short name: up to six characters of the hashed prefix, `~`, a digit.
        var index = 0
        var sawTilde = false
        while index < 8 {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            if sawTilde {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            } else if byte == UInt8(ascii: "~") {
                index += 1
                guard index < bytes.count, bytes[index] >= UInt8(ascii: "1"), bytes[index] <= UInt8(ascii: "9") else { return false }
                sawTilde = true
            } else if index >= 6 || byte & 0x80 != 0 || byte | 0x20 != prefix[index] && byte != prefix[index] {
                return false
            }
            index += 1
        }
        return onlyDotsAndSpaces(from: 8)
    }

    /// The regular NTFS 8.3 short name of `.name`: its first six characters, `~1` to `~4`.
    static func isShortName(_ component: Substring, _ name: String) -> Bool {
        let bytes = Array(component.utf8)
        let stem = Array(name.utf8.prefix(6))
        guard bytes.count >= stem.count + 2, zip(bytes, stem).allSatisfy({ $0 | 0x20 == $1 || $0 == $1 }),
              bytes[stem.count] == UInt8(ascii: "~"), (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(bytes[stem.count + 1]) else { return false }
        return bytes[(stem.count + 2)...].allSatisfy { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: " ") }
    }
}
