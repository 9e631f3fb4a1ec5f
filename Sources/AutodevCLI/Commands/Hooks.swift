#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore

extension AutodevCommand {
    /// `autodev hooks install|uninstall|status|run`: the git hooks that start a sync.
    struct Hooks {
        static let spec = CommandSpec(
            name: "hooks",
            abstract: "Install, remove or show the post-commit, post-merge and post-rewrite hooks that start a sync.",
            discussion: """
                install: puts autodev into post-commit, post-merge (a pull or merge that brings commits) and post-rewrite (a rebase, an amend), in the hooks folder git uses (core.hooksPath if set, else .git/hooks, shared by linked worktrees). A hook that is there already is moved to NAME.pre-autodev and keeps running first, its exit status kept. With husky (.husky/) autodev's lines are appended to .husky/NAME; with lefthook (lefthook.yml) they go into lefthook-local.yml; with pre-commit (.pre-commit-config.yaml) the plain git hooks are used and the team's tracked config is never edited (a post-commit pre-commit installed runs first, like any hook that was there). uninstall puts back exactly what was there (the manager files' bytes are kept in .git/autodev/hooks.json). Both are idempotent. status says what is installed where, and notices when another tool replaced autodev's hook (pre-commit install -f, say): state 'replaced', exit status 1.

                The hook prints one line on stderr (autodev: syncing 3 commits in the background → autodev status), starts a detached 'autodev sync --hook NAME' (output in .auto-dev/loop/hook.log) and returns at once; a sync that fails is shown by autodev status with what to do. It does nothing when AUTODEV=0, inside a sync, or during a rebase, merge, cherry-pick, revert or git am in progress (the post-rewrite at the end of a rebase does the work once). 'run NAME [ARGS]' is what hook managers call.
                """,
            arguments: [.init(name: "action", help: "install, uninstall, status, or run <hook> [<args>...].", count: "1",
                              choices: ["install", "uninstall", "status", "run"]),
                        .init(name: "args", help: "For run: the hook's name and git's arguments.", count: "*")],
            options: [.flag("json", "status: print one JSON object.")])

        let global: GlobalOptions
        let action: String
        let rest: [String]
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            action = arguments.positionals[0]
            rest = Array(arguments.positionals.dropFirst())
            json = arguments.flag("json")
            if action == "run" {
                guard let name = rest.first, HookScript.names.contains(name) else {
                    throw UsageError("run needs the hook's name: \(HookScript.names.joined(separator: ", "))", spec: Self.spec)
                }
            } else if let extra = rest.first {
                throw UsageError("Unexpected argument '\(extra)'", spec: Self.spec)
            }
        }

        func run() throws {
            if action == "run" { runHook() }
            let workspace = try Workspace.open(global)
            let installer = try HookInstaller(repository: workspace.repository)
            let entries: [HookInstaller.Entry]
            switch action {
            case "install": entries = try installer.install()
            case "uninstall": entries = try installer.uninstall()
            default: entries = installer.status()
            }
            if json {
                struct Report: Encodable {
                    let hooksDirectory: String
                    let manager: HookInstaller.Manager
                    let hooks: [HookInstaller.Entry]
                }
                Output.write(try JSONOutput.encode(Report(hooksDirectory: installer.hooksDirectory, manager: installer.manager, hooks: entries)) + "\n")
            } else {
                if entries.isEmpty {
                    Output.write(action == "uninstall" ? "no autodev hooks installed; nothing to do\n" : "no hooks\n")
                }
                for entry in entries {
                    var line = "\(entry.state) \(entry.hook): \(entry.path)"
                    if entry.manager != .git { line += " (\(entry.manager.rawValue))" }
                    if let note = entry.note { line += " — \(note)" }
                    Output.write(Terminal.safe(line) + "\n")
                }
            }
            // A hook another tool put in autodev's place: commits no longer sync, which a
            // script checking `hooks status` should see.
            if action == "status", entries.contains(where: { $0.state == "replaced" || $0.state == "missing" }) {
                throw ExitStatus(.failure)
            }
        }

        /// What a hook manager calls: the same shell lines as autodev's own hook, so the checks
        /// (AUTODEV=0, an operation in progress) are one text. Never returns.
        private func runHook() -> Never {
            let script = HookScript.block(rest[0])
            var arguments = ["sh", "-c", script, "autodev-hook"] + rest.dropFirst()
            var pointers = arguments.map { strdup($0) } + [nil]
            execv("/bin/sh", &pointers)
            let error = AutodevError(.ioFailure, "cannot run /bin/sh: \(String(cString: strerror(errno)))")
            arguments.removeAll()
            exit(Entrypoint.report(error).rawValue)
        }
    }
}
