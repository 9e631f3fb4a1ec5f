import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `autodev hooks`: real repositories, real `git commit`/`git pull`, the installed hooks run by git.
///
/// The hook starts `autodev` detached. To know when it ran, the tests put a wrapper named
/// `autodev` first on the PATH: it logs its arguments, runs the real binary, then writes to a
/// FIFO the test waits on (with a generous timeout, so a hook that never fires fails the test
/// instead of hanging it).
@Suite struct HooksCommandTests {
    final class Harness {
        let folder: TemporaryDirectory
        var log: String { folder.path + "/calls.log" }
        var fifo: String { folder.path + "/done" }
        var environment: [String: String] {
            ["PATH": folder.path + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
             "GIT_CONFIG_NOSYSTEM": "1"]
        }
        private var reader: Int32 = -1

        init() throws {
            folder = try TemporaryDirectory(prefix: "autodev-hooks")
            try FileManager.default.createDirectory(atPath: folder.path + "/bin", withIntermediateDirectories: true)
            let wrapper = """
                #!/bin/sh
                echo "$PWD $*" >> '\(folder.path)/calls.log'
                '\(AutodevBinary.path)' "$@"
                echo "$*" > '\(folder.path)/done'

                """
            try Executable.write(wrapper, to: folder.path + "/bin/autodev", mode: "755")
            guard mkfifo(fifo, 0o600) == 0 else { throw FixtureError("mkfifo failed") }
            // Read-write, so opening never blocks and a writer never blocks either.
            reader = open(fifo, O_RDWR | O_NONBLOCK)
        }

        deinit {
            close(reader)
            folder.remove()
        }

        private var received = ""

        /// Waits until a wrapped autodev call whose arguments contain `text` has finished.
        func waitFor(_ text: String) throws {
            while !received.contains(text) {
                var descriptor = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 120_000) == 1 else { throw FixtureError("no autodev call with '\(text)' within 120 s") }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(reader, &buffer, buffer.count)
                received += String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
            }
        }

        func calls() -> [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
                .filter { $0.contains(" sync ") }
        }

        func git(_ fixture: GitFixture, _ arguments: [String], in directory: String? = nil, extra: [String: String] = [:]) throws -> ProcessResult {
            var env = ProcessInfo.processInfo.environment
            for key in env.keys where key.hasPrefix("AUTODEV") { env[key] = nil }
            env.merge(environment) { _, new in new }
            env.merge(extra) { _, new in new }
            return try Subprocess.run(GitFixture.gitPath, arguments, in: directory ?? fixture.path, environment: env)
        }
    }

    static func hooks(_ fixture: GitFixture, _ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
        try AutodevBinary.run(["hooks"] + arguments, in: directory ?? fixture.path)
    }

    /// Every file under `folder` with its bytes and mode, to compare before and after.
    static func snapshot(_ folder: String) throws -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return result }
        for case let name as String in walker {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            result[name] = String(info.st_mode & 0o7777, radix: 8) + ":" + bytes.base64EncodedString()
        }
        return result
    }

    static func repository() throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "print('app')\n")
        try fixture.commit("base")
        return fixture
    }

    @Test func anExistingHookKeepsRunningFirstWithItsExitStatusAndUninstallRestoresItByteForByte() throws {
        let fixture = try Self.repository()
        let hooks = fixture.path + "/.git/hooks"
        try Executable.write("#!/bin/sh\necho \"mine $*\" >> ../mine.log\nexit 3\n", to: hooks + "/post-commit", mode: "750")
        let before = try Self.snapshot(hooks)
        let installed = try Self.hooks(fixture, ["install"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("installed post-commit"))
        #expect(installed.stdout.contains("post-commit.pre-autodev"))
        let script = try String(contentsOfFile: hooks + "/post-commit", encoding: .utf8)
        #expect(script.contains("autodev sync --hook post-commit"))
        // Run as git runs it (from the top folder), autodev switched off: the old hook's status.
        let ran = try Subprocess.run(hooks + "/post-commit", ["x"], in: fixture.path, environment: ["AUTODEV": "0", "PATH": "/usr/bin:/bin"])
        #expect(ran.status == 3)
        #expect(try String(contentsOfFile: fixture.directory.path + "/mine.log", encoding: .utf8) == "mine x\n")
        // Idempotent both ways.
        let again = try Self.hooks(fixture, ["install"])
        #expect(again.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("unchanged ") }, "\(again.stdout)")
        #expect(try Self.hooks(fixture, ["uninstall"]).status == 0)
        #expect(try Self.snapshot(hooks) == before)
        let twice = try Self.hooks(fixture, ["uninstall"])
        #expect(twice.status == 0)
        #expect(twice.stdout.contains("nothing to do"))
        #expect(try Self.snapshot(hooks) == before)
    }

    @Test func aCommitStartsADetachedSyncThatProcessesIt() throws {
        let fixture = try Self.repository()
        let harness = try Harness()
        #expect(try Self.hooks(fixture, ["install"]).status == 0)
        try fixture.write("src/b.py", "b\n")
        #expect(try harness.git(fixture, ["add", "-A"]).status == 0)
        let committed = try harness.git(fixture, ["commit", "-q", "-m", "b"])
        #expect(committed.status == 0, "\(committed.stderr)")
        try harness.waitFor("sync --hook post-commit")
        #expect(try fixture.revParse("refs/autodev/checkpoint") == (try fixture.head()))
        #expect(FileManager.default.fileExists(atPath: fixture.path + "/.auto-dev/loop/hook.log"))
    }

    @Test func autodevZeroAndARebaseInProgressStartNothing() throws {
        let fixture = try Self.repository()
        let harness = try Harness()
        #expect(try Self.hooks(fixture, ["install"]).status == 0)
        try fixture.write("src/c.py", "c\n")
        _ = try harness.git(fixture, ["add", "-A"])
        #expect(try harness.git(fixture, ["commit", "-q", "-m", "c"], extra: ["AUTODEV": "0"]).status == 0)
        // A rebase stopped on a conflict: rebase-merge exists while the user commits the fix.
        try fixture.git(["checkout", "-q", "-b", "side", "HEAD~1"])
        try fixture.write("src/c.py", "side\n")
        _ = try harness.git(fixture, ["add", "-A"])
        _ = try harness.git(fixture, ["commit", "-q", "-m", "side"], extra: ["AUTODEV": "0"])
        let rebase = try harness.git(fixture, ["rebase", "main"], extra: ["AUTODEV": "0"])
        #expect(rebase.status != 0)
        #expect(FileManager.default.fileExists(atPath: fixture.path + "/.git/rebase-merge"))
        try fixture.write("src/c.py", "both\n")
        _ = try harness.git(fixture, ["add", "-A"])
        #expect(try harness.git(fixture, ["commit", "-q", "-m", "fix during rebase"]).status == 0)
        #expect(harness.calls().isEmpty, "\(harness.calls())")
        // Ending the rebase runs post-rewrite, once.
        let finished = try harness.git(fixture, ["-c", "core.editor=true", "rebase", "--continue"])
        #expect(finished.status == 0, "\(finished.stderr)")
        try harness.waitFor("sync --hook post-rewrite")
        #expect(harness.calls().count == 1, "\(harness.calls())")
    }

    @Test func coreHooksPathIsWhereTheHooksGo() throws {
        let fixture = try Self.repository()
        try fixture.git(["config", "core.hooksPath", ".githooks"])
        let plain = try Self.snapshot(fixture.path + "/.git/hooks")
        let installed = try Self.hooks(fixture, ["install"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: fixture.path + "/.githooks/post-merge"))
        #expect(try Self.snapshot(fixture.path + "/.git/hooks") == plain)
        let status = try Self.hooks(fixture, ["status", "--json"])
        let object = try #require(JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any])
        #expect((object["hooksDirectory"] as? String)?.hasSuffix("/.githooks") == true)
        #expect(((object["hooks"] as? [[String: Any]]) ?? []).map { $0["state"] as? String } == ["installed", "installed", "installed"])
        #expect(try Self.hooks(fixture, ["uninstall"]).status == 0)
        #expect(try Self.snapshot(fixture.path + "/.githooks").isEmpty)
    }

    @Test func aLinkedWorktreeSharesTheHooksAndSyncsItself() throws {
        let fixture = try Self.repository()
        let harness = try Harness()
        let worktree = fixture.directory.path + "/wt"
        try fixture.git(["worktree", "add", "-q", "-b", "feature", worktree])
        let installed = try Self.hooks(fixture, ["install"], in: worktree)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains(fixture.path + "/.git/hooks/post-commit"))
        try "w\n".write(toFile: worktree + "/w.py", atomically: true, encoding: .utf8)
        _ = try harness.git(fixture, ["add", "-A"], in: worktree)
        #expect(try harness.git(fixture, ["commit", "-q", "-m", "w"], in: worktree).status == 0)
        try harness.waitFor("sync --hook post-commit")
        #expect(harness.calls().first?.hasPrefix(worktree + " ") == true, "\(harness.calls())")
        // A linked work tree has its own checkpoint (named after its folder under .git/worktrees).
        #expect(try fixture.revParse("refs/autodev/worktrees/wt/checkpoint") == (try fixture.revParse("feature")))
    }

    @Test func aPullThatFastForwardsFiresPostMergeAndTheNewCommitsAreSynced() throws {
        let upstream = try Self.repository()
        let harness = try Harness()
        let clone = upstream.directory.path + "/clone"
        try upstream.git(["clone", "-q", upstream.path, clone])
        #expect(try Self.hooks(upstream, ["install"], in: clone).status == 0)
        #expect(try AutodevBinary.run(["sync"], in: clone).status == 0)  // adopts: checkpoint at the base
        try upstream.write("specs/001-a/spec.md", "- **FR-001**: System MUST export\n")
        try upstream.commit("spec")
        let pulled = try harness.git(upstream, ["pull", "-q", "--ff-only"], in: clone)
        #expect(pulled.status == 0, "\(pulled.stderr)")
        try harness.waitFor("sync --hook post-merge")
        let checkpoint = try Subprocess.run(GitFixture.gitPath, ["rev-parse", "refs/autodev/checkpoint"], in: clone).stdout
        #expect(checkpoint == (try upstream.head()) + "\n")
        let history = try AutodevBinary.run(["history", "--json"], in: clone)
        #expect(history.stdout.contains("newImplementation"), "\(history.stdout)")
    }

    @Test(arguments: [nil, "npx --no -- commitlint --edit", "npm test\n"])
    func huskyGetsAutodevAppendedAndUninstallPutsTheFileBack(existing: String?) throws {
        let fixture = try Self.repository()
        try FileManager.default.createDirectory(atPath: fixture.path + "/.husky/_", withIntermediateDirectories: true)
        if let existing { try fixture.write(".husky/post-commit", existing) }
        let before = try Self.snapshot(fixture.path + "/.husky")
        let gitHooks = try Self.snapshot(fixture.path + "/.git/hooks")
        let installed = try Self.hooks(fixture, ["install"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("(husky)"))
        let text = try String(contentsOfFile: fixture.path + "/.husky/post-commit", encoding: .utf8)
        if let existing { #expect(text.hasPrefix(existing)) }
        #expect(text.contains("autodev sync --hook post-commit"))
        #expect(try Subprocess.run("/bin/sh", ["-n", fixture.path + "/.husky/post-commit"]).status == 0)
        #expect(try Self.snapshot(fixture.path + "/.git/hooks") == gitHooks)
        #expect(try Self.hooks(fixture, ["install"]).stdout.contains("unchanged post-commit"))
        #expect(try Self.hooks(fixture, ["status"]).stdout.contains("installed post-rewrite"))
        #expect(try Self.hooks(fixture, ["uninstall"]).status == 0)
        #expect(try Self.snapshot(fixture.path + "/.husky") == before)
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "/.git/autodev/hooks.json"))
    }

    static func yaml(_ path: String) throws -> String {
        let script = "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1])), sort_keys=True))"
        let result = try Subprocess.run("/usr/bin/python3", ["-c", script, path])
        guard result.status == 0 else { throw FixtureError("not YAML: \(result.stderr)") }
        return result.stdout
    }

    @Test(arguments: [nil, "pre-commit:\n  commands:\n    lint:\n      run: make lint"])
    func lefthookGetsAutodevInItsLocalFile(existing: String?) throws {
        let fixture = try Self.repository()
        try fixture.write("lefthook.yml", "pre-commit:\n  commands:\n    test:\n      run: make test\n")
        if let existing { try fixture.write("lefthook-local.yml", existing) }
        let before = try Self.snapshot(fixture.path)
        let installed = try Self.hooks(fixture, ["install"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("lefthook install"))
        let parsed = try Self.yaml(fixture.path + "/lefthook-local.yml")
        for name in ["post-commit", "post-merge", "post-rewrite"] {
            #expect(parsed.contains("\"\(name)\": {\"commands\": {\"autodev\": {\"run\": \"autodev hooks run \(name) {0}\"}}}"), "\(parsed)")
        }
        if existing != nil { #expect(parsed.contains("make lint")) }
        #expect(try Self.hooks(fixture, ["uninstall"]).status == 0)
        #expect(try Self.snapshot(fixture.path).filter { !$0.key.hasPrefix(".git/") } == before.filter { !$0.key.hasPrefix(".git/") })
    }

    @Test func aLefthookLocalFileWithItsOwnPostCommitIsNotEdited() throws {
        let fixture = try Self.repository()
        try fixture.write("lefthook.yml", "pre-commit:\n  commands:\n    test:\n      run: make test\n")
        try fixture.write("lefthook-local.yml", "post-commit:\n  commands:\n    notify:\n      run: notify-send done\n")
        let result = try Self.hooks(fixture, ["install"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("lefthook-local.yml has its own 'post-commit:' section"))
        #expect(try String(contentsOfFile: fixture.path + "/lefthook-local.yml", encoding: .utf8) == "post-commit:\n  commands:\n    notify:\n      run: notify-send done\n")
    }

    /// The real pre-commit (PyPI; `.ci/run` installs it) with a tracked config: autodev never
    /// edits it, so the next commit passes pre-commit's own check; the commit says what autodev
    /// does; `pre-commit install -f` over autodev's hook is noticed by `hooks status`.
    @Test func preCommitsTrackedConfigIsNeverEditedAndAReplacedHookIsNoticed() throws {
        let fixture = try Self.repository()
        let harness = try Harness()
        let config = """
            repos:
              - repo: local
                hooks:
                  - id: no-tabs
                    name: no tabs
                    entry: sh -c '! grep -q "\t" "$@"' no-tabs
                    language: system
                    types: [python]

            """
        try fixture.write(".pre-commit-config.yaml", config)
        try fixture.commit("pre-commit")
        let extra = ["PRE_COMMIT_HOME": harness.folder.path + "/pre-commit-home"]
        func preCommit(_ arguments: [String]) throws -> ProcessResult {
            var env = ProcessInfo.processInfo.environment
            env.merge(extra) { $1 }
            return try Subprocess.run("/usr/bin/env", ["pre-commit"] + arguments, in: fixture.path, environment: env)
        }
        let installedPreCommit = try preCommit(["install"])
        #expect(installedPreCommit.status == 0, "pre-commit install: \(installedPreCommit.stderr)")
        let installed = try Self.hooks(fixture, ["install"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains(".pre-commit-config.yaml is not edited"), "\(installed.stdout)")
        #expect(try String(contentsOfFile: fixture.path + "/.pre-commit-config.yaml", encoding: .utf8) == config)
        #expect(try fixture.git(["status", "--porcelain"]).isEmpty)
        // The next commit runs pre-commit's hook (it passes), then autodev's, which says so.
        try fixture.write("src/d.py", "d = 1\n")
        _ = try harness.git(fixture, ["add", "-A"])
        let committed = try harness.git(fixture, ["commit", "-m", "d"], extra: extra)
        #expect(committed.status == 0, "\(committed.stdout)\(committed.stderr)")
        #expect(committed.stderr.contains("no tabs") && committed.stderr.contains("Passed"), "pre-commit ran: \(committed.stdout) / \(committed.stderr)")
        #expect(committed.stderr.contains("autodev: syncing in the background → autodev status\n"), "\(committed.stderr)")  // no checkpoint yet
        try harness.waitFor("sync --hook post-commit")
        try fixture.write("src/e.py", "e = 1\n")
        _ = try harness.git(fixture, ["add", "-A"])
        let second = try harness.git(fixture, ["commit", "-q", "-m", "e"], extra: extra)
        #expect(second.stderr.contains("autodev: syncing 1 commit in the background → autodev status\n"), "\(second.stderr)")
        try harness.waitFor("sync --hook post-commit\nsync --hook post-commit")
        #expect(try Self.hooks(fixture, ["status"]).status == 0)
        // pre-commit forced over autodev's hook: status says so and fails; install chains it.
        let forced = try preCommit(["install", "-f", "-t", "post-commit"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let replaced = try Self.hooks(fixture, ["status"])
        #expect(replaced.status == 1)
        #expect(replaced.stdout.contains("replaced post-commit: ") && replaced.stdout.contains("pre-commit replaced autodev's hook"), "\(replaced.stdout)")
        let preCommitsHook = try String(contentsOfFile: fixture.path + "/.git/hooks/post-commit", encoding: .utf8)
        let again = try Self.hooks(fixture, ["install"])
        #expect(again.stdout.contains("installed post-commit") && again.stdout.contains("post-commit.pre-autodev"), "\(again.stdout)")
        #expect(try String(contentsOfFile: fixture.path + "/.git/hooks/post-commit.pre-autodev", encoding: .utf8) == preCommitsHook)
        #expect(try Self.hooks(fixture, ["status"]).status == 0)
        #expect(try String(contentsOfFile: fixture.path + "/.pre-commit-config.yaml", encoding: .utf8) == config)
        // uninstall gives pre-commit its hook back.
        #expect(try Self.hooks(fixture, ["uninstall"]).status == 0)
        #expect(try String(contentsOfFile: fixture.path + "/.git/hooks/post-commit", encoding: .utf8) == preCommitsHook)
    }

    /// The real lefthook (PyPI): autodev's commands in lefthook-local.yml run on a commit.
    @Test func lefthookRunsAutodevOnACommit() throws {
        let fixture = try Self.repository()
        let harness = try Harness()
        try fixture.write("lefthook.yml", "pre-commit:\n  commands:\n    ok:\n      run: \"true\"\n")
        try fixture.commit("lefthook")
        #expect(try Self.hooks(fixture, ["install"]).status == 0)
        var env = ProcessInfo.processInfo.environment
        env.merge(harness.environment) { $1 }
        let lefthook = try Subprocess.run("/usr/bin/env", ["lefthook", "install"], in: fixture.path, environment: env)
        #expect(lefthook.status == 0, "lefthook install: \(lefthook.stdout)\(lefthook.stderr)")
        #expect(try Self.hooks(fixture, ["status"]).status == 0)
        try fixture.write("src/f.py", "f = 1\n")
        _ = try harness.git(fixture, ["add", "-A"])
        let committed = try harness.git(fixture, ["commit", "-m", "f"])
        #expect(committed.status == 0, "\(committed.stderr)")
        try harness.waitFor("sync --hook post-commit")
        #expect(committed.stdout.contains("autodev: syncing") || committed.stderr.contains("autodev: syncing"), "\(committed.stdout)\(committed.stderr)")
        #expect(try fixture.revParse("refs/autodev/checkpoint") == (try fixture.head()))
    }

    /// A sync a hook started that fails (a provider's key not set) is shown by `status` with
    /// what to do, not as a completed run.
    @Test func statusShowsWhyTheHooksSyncFailedAndWhatToDo() throws {
        let fixture = try Self.repository()
        let harness = try Harness()
        try fixture.write("config/autodev.toml", """
            version = 1
            [[llm.providers]]
            name = "hosted"
            kind = "openai"
            base_url = "http://127.0.0.1:9/v1"
            model = "m"
            api_key_env = "FIRSTHOUR_UNSET_KEY"

            """)
        try fixture.commit("settings")
        #expect(try AutodevBinary.run(["sync"], in: fixture.path).status == 0)  // adopts
        #expect(try Self.hooks(fixture, ["install"]).status == 0)
        try fixture.write("specs/001-add/spec.md", "# Add\n\n## Requirements\n\n- **FR-001**: System MUST add two numbers in src/calc.py.\n")
        _ = try harness.git(fixture, ["add", "-A"])
        #expect(try harness.git(fixture, ["commit", "-q", "-m", "spec"]).status == 0)
        try harness.waitFor("sync --hook post-commit")
        let status = try AutodevBinary.run(["status"], in: fixture.path)
        #expect(status.stdout.contains("last sync failed (exit 1, from the post-commit hook, "), "\(status.stdout)")
        #expect(status.stdout.contains("$FIRSTHOUR_UNSET_KEY is not set"), "\(status.stdout)")
        #expect(status.stdout.contains("what to do: export FIRSTHOUR_UNSET_KEY with the key where autodev runs"), "\(status.stdout)")
        let json = try AutodevBinary.run(["status", "--json"], in: fixture.path)
        #expect(json.stdout.contains("\"lastSyncError\":{"), "\(json.stdout)")
    }

    @Test func hooksRunIsTheHookForManagersAndHonoursAutodevZero() throws {
        let fixture = try Self.repository()
        let harness = try Harness()
        var env = harness.environment
        env["AUTODEV"] = "0"
        let off = try Subprocess.run(harness.folder.path + "/bin/autodev", ["hooks", "run", "post-commit"], in: fixture.path, environment: env)
        #expect(off.status == 0)
        try harness.waitFor("hooks run post-commit")  // the wrapper's own call ends
        env["AUTODEV"] = nil
        let on = try Subprocess.run(harness.folder.path + "/bin/autodev", ["hooks", "run", "post-merge", "0"], in: fixture.path, environment: env)
        #expect(on.status == 0)
        try harness.waitFor("sync --hook post-merge")
        #expect(harness.calls().count == 1, "\(harness.calls())")
        #expect(try Self.hooks(fixture, ["run", "pre-push"]).status == 64)
    }
}
