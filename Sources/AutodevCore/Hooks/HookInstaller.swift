#if canImport(Glibc)
import Glibc
#endif
public import AutodevGit
internal import FoundationEssentials

/// Installs, removes and reports autodev's git hooks (`autodev hooks`), beside whatever runs
/// hooks in the repository already.
///
/// - Plain git hooks (the hooks folder: `core.hooksPath`, else the common git folder's `hooks/`,
///   shared by every linked worktree): autodev's hook replaces `NAME`, and a hook that was
///   there is moved to `NAME.pre-autodev`, which autodev's runs first, keeping its exit status.
/// - husky (`.husky/`): autodev's block is appended to `.husky/NAME` (created if missing).
/// - lefthook (`lefthook.yml` and its variants): autodev's commands go into
///   `lefthook-local.yml`, which lefthook merges into the shared file.
/// - pre-commit (`.pre-commit-config.yaml`): plain git hooks, as without a manager. The config
///   is the team's tracked file: an entry added there made the next `git commit` fail ("Your
///   pre-commit configuration is unstaged") and carried autodev into everyone's checkout. A
///   post-commit hook pre-commit installed is chained like any other hook; one it installs
///   later with `pre-commit install` runs autodev's as `NAME.legacy`, and one it forces over
///   autodev's (`-f`) is reported by `status` as replaced.
///
/// Files of the managers are edited, never rewritten: their content before the edit is kept in
/// `<git-common-dir>/autodev/hooks.json`, so `uninstall` puts back exactly the bytes (and mode)
/// that were there. Both directions are idempotent.
public struct HookInstaller {
    public enum Manager: String, Sendable, Codable {
        case git, husky, lefthook, preCommit = "pre-commit"
    }

    /// One line of what was done or found, for the user.
    public struct Entry: Sendable, Encodable {
        public var hook: String
        public var manager: Manager
        public var path: String
        /// installed, unchanged, removed, restored, absent, modified, missing
        public var state: String
        public var note: String?
    }

    public let top: String
    public let commonDirectory: String
    public let hooksDirectory: String
    public let manager: Manager
    /// The manager's file autodev edits (nil for plain hooks).
    public let managerFile: String?

    var manifestPath: String { commonDirectory + "autodev/hooks.json" }

    public init(repository: Repository) throws {
        guard let workdir = repository.workdir else {
            throw AutodevError(.bareRepository, "a bare repository runs no post-commit, post-merge or post-rewrite hooks; install the hooks in a clone with a work tree")
        }
        top = String(workdir.dropLast(workdir.hasSuffix("/") ? 1 : 0))
        commonDirectory = repository.commonDirectory.hasSuffix("/") ? repository.commonDirectory : repository.commonDirectory + "/"
        if let configured = repository.configPath("core.hooksPath"), !configured.isEmpty {
            // git runs hooks from the work tree's top folder, so a relative path starts there.
            hooksDirectory = configured.hasPrefix("/") ? configured : top + "/" + configured
        } else {
            hooksDirectory = commonDirectory + "hooks"
        }
        let lefthookFiles = ["lefthook.yml", ".lefthook.yml", "lefthook.yaml", ".lefthook.yaml"]
        if FileSystem.isDirectory(top + "/.husky") {
            manager = .husky
            managerFile = nil
        } else if lefthookFiles.contains(where: { [top] in FileSystem.exists(top + "/" + $0) }) {
            manager = .lefthook
            managerFile = top + "/lefthook-local.yml"
        } else if FileSystem.exists(top + "/.pre-commit-config.yaml") {
            manager = .preCommit
            managerFile = top + "/.pre-commit-config.yaml"
        } else {
            manager = .git
            managerFile = nil
        }
    }

    // MARK: - install

    public func install() throws -> [Entry] {
        switch manager {
        case .git: return try HookScript.names.map(installPlain)
        case .husky: return try HookScript.names.map(installHusky)
        case .lefthook: return [try installLefthook()]
        case .preCommit: return try HookScript.names.map(installPlain)
        }
    }

    private func installPlain(_ name: String) throws -> Entry {
        var entry = try writePlain(name)
        if manager == .preCommit, entry.state == "installed", entry.note == nil {
            entry.note = "a plain git hook; .pre-commit-config.yaml is not edited"
        }
        var manifest = loadManifest()
        if !(manifest.plain ?? []).contains(name) {
            manifest.plain = (manifest.plain ?? []) + [name]
            try saveManifest(manifest)
        }
        return entry
    }

    private func writePlain(_ name: String) throws -> Entry {
        let path = hooksDirectory + "/" + name
        let script = Array(HookScript.standalone(name).utf8)
        if let current = try FileSystem.readIfPresent(path), Self.isOurs(current, name) {
            if current == script { return Entry(hook: name, manager: .git, path: path, state: "unchanged") }
            try writeFile(path, script, mode: 0o755)
            return Entry(hook: name, manager: .git, path: path, state: "installed", note: "updated autodev's hook")
        }
        try FileSystem.makeDirectories(hooksDirectory)
        var note: String?
        if FileSystem.exists(path) {
            let aside = path + ".pre-autodev"
            if FileSystem.exists(aside) {
                throw AutodevError(.ioFailure, "\(aside) exists already, so the hook at \(path) cannot be moved aside; move one of them away and run autodev hooks install again")
            }
            try FileSystem.move(path, aside)
            note = "the hook that was there runs first (\(name).pre-autodev), its exit status kept"
        }
        try writeFile(path, script, mode: 0o755)
        return Entry(hook: name, manager: .git, path: path, state: "installed", note: note)
    }

    private func installHusky(_ name: String) throws -> Entry {
        let path = top + "/.husky/" + name
        let current = try FileSystem.readIfPresent(path)
        if let current, String(decoding: current, as: UTF8.self).contains(HookScript.blockStart(name)) {
            return Entry(hook: name, manager: .husky, path: path, state: "unchanged")
        }
        var text = current.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        text += HookScript.block(name) + "\n"
        try edit(path, to: Array(text.utf8), newMode: 0o755)
        return Entry(hook: name, manager: .husky, path: path, state: "installed",
                     note: current == nil ? "husky runs it through .husky/_ (core.hooksPath)" : "appended after the hook's own commands")
    }

    static let lefthookStart = "# >>> autodev (autodev hooks uninstall removes this block)"
    static let lefthookEnd = "# <<< autodev"

    private func installLefthook() throws -> Entry {
        let path = managerFile ?? top + "/lefthook-local.yml"
        let current = try FileSystem.readIfPresent(path)
        let text = current.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if text.contains(Self.lefthookStart) {
            return Entry(hook: HookScript.names.joined(separator: ", "), manager: .lefthook, path: path, state: "unchanged")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for name in HookScript.names where lines.contains(where: { $0.hasPrefix(name + ":") }) {
            throw AutodevError(.invalidConfig, """
                \(path) has its own '\(name):' section, which autodev will not edit; add under it
                  commands:
                    autodev:
                      run: autodev hooks run \(name) {0}
                (and the same for the other hooks of \(HookScript.names.joined(separator: ", "))), then run lefthook install
                """)
        }
        var block = Self.lefthookStart + "\n"
        for name in HookScript.names {
            block += "\(name):\n  commands:\n    autodev:\n      run: autodev hooks run \(name) {0}\n"
        }
        block += Self.lefthookEnd + "\n"
        var updated = text
        if !updated.isEmpty && !updated.hasSuffix("\n") { updated += "\n" }
        updated += block
        try edit(path, to: Array(updated.utf8), newMode: 0o644)
        return Entry(hook: HookScript.names.joined(separator: ", "), manager: .lefthook, path: path, state: "installed",
                     note: lefthookHooksNote())
    }

    private func lefthookHooksNote() -> String? {
        let missing = HookScript.names.filter { !hookFileMentions($0, "lefthook") }
        return missing.isEmpty ? nil : "run lefthook install so that git calls lefthook for \(missing.joined(separator: ", "))"
    }

    private func hookFileMentions(_ name: String, _ word: String) -> Bool {
        guard let bytes = try? FileSystem.readIfPresent(hooksDirectory + "/" + name) else { return false }
        return String(decoding: bytes, as: UTF8.self).contains(word)
    }

    private func preCommitHooksNote() -> String? {
        let missing = HookScript.names.filter { !hookFileMentions($0, "pre-commit") }
        return missing.isEmpty ? nil : "run pre-commit install " + missing.map { "-t \($0)" }.joined(separator: " ") + " so that git calls pre-commit for them"
    }

    // MARK: - uninstall

    public func uninstall() throws -> [Entry] {
        var entries: [Entry] = []
        // Plain hooks autodev wrote, wherever the hooks folder is now.
        for name in HookScript.names {
            let path = hooksDirectory + "/" + name
            guard let current = try FileSystem.readIfPresent(path), Self.isOurs(current, name) else { continue }
            FileSystem.remove(path)
            let aside = path + ".pre-autodev"
            if FileSystem.exists(aside) {
                try FileSystem.move(aside, path)
                entries.append(Entry(hook: name, manager: .git, path: path, state: "restored", note: "the hook that was there before autodev's"))
            } else {
                entries.append(Entry(hook: name, manager: .git, path: path, state: "removed"))
            }
        }
        // Files of hook managers, put back as they were.
        var manifest = loadManifest()
        var kept: [HookManifest.Edit] = []
        for edit in manifest.edits {
            let label = edit.hook
            let current = try FileSystem.readIfPresent(edit.path)
            let written = Data(base64Encoded: edit.written).map { [UInt8]($0) }
            if current == nil {
                entries.append(Entry(hook: label, manager: edit.manager, path: edit.path, state: "missing", note: "the file is gone; nothing to restore"))
                continue
            }
            guard let current, current == written else {
                entries.append(Entry(hook: label, manager: edit.manager, path: edit.path, state: "modified",
                                     note: "changed since autodev edited it; left as it is — remove the lines between the '# >>> autodev' and '# <<< autodev' markers by hand"))
                kept.append(edit)
                continue
            }
            if let original = edit.original.flatMap({ Data(base64Encoded: $0) }) {
                try FileSystem.writeAtomically(edit.path, [UInt8](original))
                if let mode = edit.mode { chmod(edit.path, mode_t(mode)) }
                entries.append(Entry(hook: label, manager: edit.manager, path: edit.path, state: "restored"))
            } else {
                FileSystem.remove(edit.path)
                entries.append(Entry(hook: label, manager: edit.manager, path: edit.path, state: "removed"))
            }
        }
        manifest.edits = kept
        manifest.plain = nil
        try saveManifest(manifest)
        return entries
    }

    // MARK: - status

    public func status() -> [Entry] {
        var entries: [Entry] = []
        let manifest = loadManifest()
        for name in HookScript.names {
            let path = hooksDirectory + "/" + name
            let current = (try? FileSystem.readIfPresent(path)) ?? nil
            let legacy = ((try? FileSystem.readIfPresent(path + ".legacy")) ?? nil).map { Self.isOurs($0, name) } ?? false
            if let current, Self.isOurs(current, name) {
                let chained = FileSystem.exists(path + ".pre-autodev")
                entries.append(Entry(hook: name, manager: .git, path: path, state: "installed",
                                     note: chained ? "runs \(name).pre-autodev first" : nil))
            } else if legacy, let current, Self.writer(of: current) == "pre-commit" {
                // `pre-commit install` over autodev's hook keeps it as NAME.legacy and runs it.
                entries.append(Entry(hook: name, manager: .git, path: path, state: "installed",
                                     note: "pre-commit's hook runs autodev's (\(name).legacy)"))
            } else if (manifest.plain ?? []).contains(name) {
                let who = current.flatMap(Self.writer(of:)) ?? "another tool"
                entries.append(Entry(hook: name, manager: .git, path: path, state: current == nil ? "missing" : "replaced",
                                     note: current == nil ? "autodev's hook was deleted; autodev hooks install puts it back"
                                         : "\(who) replaced autodev's hook, so commits no longer start a sync; autodev hooks install puts autodev back and runs that hook first"))
            } else if manager == .git || manager == .preCommit {
                entries.append(Entry(hook: name, manager: .git, path: path, state: "absent",
                                     note: current == nil ? nil : "another hook is there; autodev hooks install runs it first"))
            }
        }
        for edit in manifest.edits {
            let current = (try? FileSystem.readIfPresent(edit.path)) ?? nil
            let ok = current.map { String(decoding: $0, as: UTF8.self).contains("# >>> autodev") } ?? false
            var note: String? = nil
            if edit.manager == .lefthook { note = lefthookHooksNote() }
            if edit.manager == .preCommit { note = preCommitHooksNote() }
            entries.append(Entry(hook: edit.hook, manager: edit.manager, path: edit.path, state: ok ? "installed" : "missing", note: note))
        }
        if manager != .git && manager != .preCommit && !manifest.edits.contains(where: { $0.manager == manager }) {
            entries.append(Entry(hook: HookScript.names.joined(separator: ", "), manager: manager, path: managerFile ?? top + "/.husky",
                                 state: "absent", note: "\(manager.rawValue) is in use; autodev hooks install adds autodev to it"))
        }
        return entries
    }

    // MARK: - files

    /// Which hook manager wrote a hook file, from the words it leaves in it.
    static func writer(of bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes.prefix(2000), as: UTF8.self)
        for tool in ["pre-commit", "lefthook", "husky"] where text.contains(tool) { return tool }
        return nil
    }

    static func isOurs(_ bytes: [UInt8], _ name: String) -> Bool {
        String(decoding: bytes.prefix(400), as: UTF8.self).contains(HookScript.marker(name))
    }

    private func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        try FileSystem.writeAtomically(path, bytes)
        chmod(path, mode)
    }

    /// Writes `path`, recording what it held first (its bytes and mode, or that it did not
    /// exist) unless an earlier edit recorded it already.
    private func edit(_ path: String, to bytes: [UInt8], newMode: mode_t?) throws {
        var manifest = loadManifest()
        let hook = manager == .husky ? String(path.split(separator: "/").last ?? "") : HookScript.names.joined(separator: ", ")
        var record: HookManifest.Edit
        if let earlier = manifest.edits.first(where: { $0.path == path }) {
            // Installed before and the block was taken out by hand: the first original stays.
            record = earlier
        } else {
            let original = try FileSystem.readIfPresent(path)
            var info = stat()
            let mode: UInt32? = original != nil && stat(path, &info) == 0 ? UInt32(info.st_mode & 0o7777) : nil
            record = HookManifest.Edit(path: path, manager: manager, hook: hook,
                                       original: original.map { Data($0).base64EncodedString() }, mode: mode, written: "")
        }
        record.written = Data(bytes).base64EncodedString()
        let mode = record.mode
        manifest.edits.removeAll { $0.path == path }
        manifest.edits.append(record)
        // The record first: a crash between the two leaves a record of a file not yet edited,
        // which uninstall reports as modified instead of losing the original.
        try saveManifest(manifest)
        try FileSystem.writeAtomically(path, bytes)
        if let mode { chmod(path, mode_t(mode)) } else if let newMode { chmod(path, newMode) }
    }

    private func loadManifest() -> HookManifest {
        guard let bytes = (try? FileSystem.readIfPresent(manifestPath)) ?? nil,
              let manifest = try? JSONDecoder().decode(HookManifest.self, from: Data(bytes)) else { return HookManifest() }
        return manifest
    }

    private func saveManifest(_ manifest: HookManifest) throws {
        if manifest.edits.isEmpty && (manifest.plain ?? []).isEmpty {
            FileSystem.remove(manifestPath)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileSystem.writeAtomically(manifestPath, Array(try encoder.encode(manifest)))
    }
}

/// `<git-common-dir>/autodev/hooks.json`: the files of hook managers autodev edited, with what
/// they held before.
struct HookManifest: Codable {
    struct Edit: Codable {
        var path: String
        var manager: HookInstaller.Manager
        var hook: String
        /// The bytes before autodev's edit (base64); nil when the file did not exist.
        var original: String?
        var mode: UInt32?
        /// The bytes autodev wrote (base64): uninstall restores only a file still holding them.
        var written: String
    }

    var version = 1
    var edits: [Edit] = []
    /// The plain hooks autodev wrote, so that `status` tells one another tool replaced from
    /// one never installed.
    var plain: [String]?
}

private extension String {
    func trimmingSuffixSpaces() -> String {
        var text = self
        while text.last == " " || text.last == "\t" || text.last == "\r" { text.removeLast() }
        return text
    }
}
