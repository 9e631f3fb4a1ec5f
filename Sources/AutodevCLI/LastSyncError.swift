#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore
internal import AutodevGit
internal import FoundationEssentials

/// `.auto-dev/loop/last-sync-error.json`: why the last sync ended with an error and what to do,
/// for `status`. A sync started by a hook runs detached, so without it a missing key or a
/// failed generator was said only in `.auto-dev/loop/hook.log` while `status` showed the run as
/// completed.
struct LastSyncError: Codable {
    var at: Int64
    var exitStatus: Int32
    var hook: String?
    var problems: [String]
    var advice: String

    static func path(root: String) -> String { root + "/loop/last-sync-error.json" }

    private static func root(directory: String) -> String? {
        guard let repository = try? Repository.discover(from: directory) else { return nil }
        return Workspace.stateRoot(for: repository)
    }

    static func record(_ problems: [String], exitStatus: AutodevError.ExitStatus, hook: String?, directory: String) {
        // A stop by signal is not a problem to fix; nor is a lock held by another sync.
        guard ![.interrupted, .terminated, .busy].contains(exitStatus), let root = root(directory: directory) else { return }
        let record = LastSyncError(at: Int64(time(nil)), exitStatus: exitStatus.rawValue, hook: hook, problems: problems,
                                   advice: advice(for: problems, exitStatus: exitStatus, hook: hook))
        guard let text = try? JSONOutput.encode(record) else { return }
        try? FileSystem.makeDirectories(root + "/loop")
        try? FileSystem.writeAtomically(path(root: root), Array(text.utf8))
    }

    static func clear(directory: String) {
        guard let root = root(directory: directory) else { return }
        FileSystem.remove(path(root: root))
    }

    static func load(root: String) -> LastSyncError? {
        guard let bytes = (try? FileSystem.readIfPresent(path(root: root))) ?? nil else { return nil }
        return try? JSONDecoder().decode(LastSyncError.self, from: Data(bytes))
    }

    /// What to do, for the problems autodev knows; the message itself says the rest.
    static func advice(for problems: [String], exitStatus: AutodevError.ExitStatus, hook: String?) -> String {
        let text = problems.joined(separator: "\n")
        let log = hook == nil ? "" : " (the hook's whole output: .auto-dev/loop/hook.log)"
        if text.contains(" is not set: export it"), let variable = text.split(separator: " ").first(where: { $0.hasPrefix("$") })?.dropFirst() {
            return "export \(variable) with the key where autodev runs — for the hooks, the shell you commit from (or ~/.profile) — then run autodev sync" + log
        }
        if text.contains("budget") && text.contains("reached") {
            return "raise [llm.budget] in config/autodev.toml or wait until it resumes; the work stays pending and the next sync continues" + log
        }
        if exitStatus == .config {
            return "fix the setting named (autodev doctor checks the configuration), then run autodev sync" + log
        }
        return "fix what is named, then run autodev sync" + log
    }

    /// The lines `status` prints.
    var lines: [String] {
        let source = hook.map { ", from the \($0) hook" } ?? ""
        var out = ["last sync failed (exit \(exitStatus)\(source), \(UTCCalendar.format(at))):"]
        out += problems.prefix(5).map { "  " + $0 }
        if problems.count > 5 { out.append("  … and \(problems.count - 5) more") }
        out.append("  what to do: " + advice)
        return out
    }
}
