@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// The sandbox for code autodev did not write, with the real bubblewrap and real processes
/// started through the one door (`ProcessRunner`): what the command sees, what it can write,
/// what it can reach and what it leaves behind.
@Suite struct SandboxTests {
    static let keys = ["OPENAI_API_KEY": "sk-" + "proj-" + String(repeating: "Q7vT", count: 10),
                       "ANTHROPIC_API_KEY": "sk-" + "ant-api03-" + String(repeating: "Zp4w", count: 10),
                       "AWS_SECRET_ACCESS_KEY": String(repeating: "wJalrXUtnFEMI", count: 3),
                       "MY_LLM_KEY": "provider-key-" + String(repeating: "9xk", count: 8)]

    /// A home folder with credentials, a repository folder, and autodev's environment holding
    /// keys; the sandbox as `[validate]` makes it from them.
    struct World {
        let folder: TemporaryDirectory
        var home: String { folder.path + "/home" }
        var repository: String { folder.path + "/repo" }
        var scratch: String { folder.path + "/scratch" }
        let environment: [String: String]
        let sandbox: Sandbox

        init(config text: String = "", extra: [String: String] = [:]) throws {
            // Outside /tmp: the sandbox's private /tmp would hide it whatever else it does.
            folder = try TemporaryDirectory(prefix: "autodev-sandbox", in: "/var/tmp")
            let home = folder.path + "/home", repository = folder.path + "/repo", scratch = folder.path + "/scratch"
            for path in [home + "/.aws", home + "/.ssh", home + "/.config/gh", repository + "/.git", repository + "/.auto-dev", scratch] {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            }
            try "[default]\naws_secret_access_key = \(keys["AWS_SECRET_ACCESS_KEY"]!)\n".write(toFile: home + "/.aws/credentials", atomically: true, encoding: .utf8)
            try "-----BEGIN OPENSSH PRIVATE KEY-----\n".write(toFile: home + "/.ssh/id_ed25519", atomically: true, encoding: .utf8)
            try "machine example.com password hunter2-hunter2\n".write(toFile: home + "/.netrc", atomically: true, encoding: .utf8)
            try "ref: refs/heads/main\n".write(toFile: repository + "/.git/HEAD", atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AUTODEV_") }
            environment.merge(keys) { _, new in new }
            environment["HOME"] = home
            environment.merge(extra) { _, new in new }
            self.environment = environment
            let config = try ConfigLoader.load(text: """
                [[llm.providers]]
                name = "p"
                kind = "openai"
                base_url = "http://127.0.0.1:9/v1"
                model = "m"
                api_key_env = "MY_LLM_KEY"
                \(text)
                """, file: "config/autodev.toml", environment: [:])
            sandbox = Sandbox.forModelCode(config: config, environment: environment, repositoryFolders: [repository, repository + "/.git"])
        }

        func run(_ command: String, timeout: Int = 60) -> CommandResult {
            ProcessRunner().run(CommandSpec(command: command, directory: scratch, sandbox: sandbox, timeoutSeconds: timeout, mergeErrors: true),
                                stopRequested: { nil })
        }
    }

    static func output(_ result: CommandResult) -> String { String(decoding: result.output, as: UTF8.self) }

    @Test func theSandboxWorksOnThisMachine() throws {
        let world = try World()
        defer { world.folder.remove() }
        #expect(world.sandbox.mode == .bubblewrap)
        #expect(world.sandbox.problem() == nil, "bubblewrap must run here (scripts/setup-deps installs it)")
    }

    @Test func modelCodeSeesNoKeyInItsEnvironmentOnlyTheAllowlist() throws {
        let world = try World(config: "[validate]\nenv = [\"MY_SETTING\"]\n", extra: ["MY_SETTING": "kept", "UNLISTED": "dropped"])
        defer { world.folder.remove() }
        let result = world.run("env; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'")
        #expect(result.ending == .exited(0), "\(Self.output(result))")
        let seen = Self.output(result)
        for (name, value) in Self.keys {
            #expect(!seen.contains(value), "\(name)'s value reached the sandbox")
            #expect(!seen.contains(name + "="), "\(name) reached the sandbox")
        }
        #expect(seen.contains("MY_SETTING=kept"), "[validate] env passes what it lists: \(seen)")
        #expect(!seen.contains("UNLISTED"))
        #expect(seen.contains("PATH=") && seen.contains("HOME=\(world.home)"), "\(seen)")
    }

    @Test func homeCredentialsTheRepositoryAndItsGitFolderAreHidden() throws {
        let world = try World()
        defer { world.folder.remove() }
        let result = world.run("""
            cat ~/.aws/credentials ~/.ssh/id_ed25519 ~/.netrc \(world.home)/.aws/credentials \(world.repository)/.git/HEAD
            echo listing; ls -A ~ \(world.repository); echo listed
            """)
        let seen = Self.output(result)
        #expect(seen.contains("listed"), "\(seen)")
        let listing = seen.components(separatedBy: "listing\n").last ?? ""
        #expect(!seen.contains(Self.keys["AWS_SECRET_ACCESS_KEY"]!) && !seen.contains("aws_secret_access_key"), "\(seen)")
        #expect(!seen.contains("OPENSSH") && !seen.contains("hunter2") && !seen.contains("refs/heads/main"), "\(seen)")
        #expect(!listing.contains(".aws") && !listing.contains(".auto-dev") && !listing.contains(".git"), "the folders are not even listed: \(listing)")
    }

    @Test func onlyTheScratchCopyIsWritableAndTmpIsPrivate() throws {
        let world = try World()
        defer { world.folder.remove() }
        let outside = "/var/tmp/autodev-sandbox-\(UUID().uuidString)"
        let hostTmp = "/tmp/autodev-sandbox-\(UUID().uuidString)"
        defer { unlink(outside); unlink(hostTmp) }
        let result = world.run("""
            echo mine > result.txt && echo wrote-scratch
            echo x > \(outside) || echo refused-outside
            echo x > \(world.repository)/pwned.txt; echo x > \(world.home)/pwned.txt
            echo x > \(hostTmp) && echo wrote-private-tmp
            echo x > /usr/pwned 2>/dev/null || echo refused-usr
            """)
        let seen = Self.output(result)
        #expect(seen.contains("wrote-scratch") && seen.contains("refused-outside") && seen.contains("refused-usr"), "\(seen)")
        #expect(seen.contains("wrote-private-tmp"), "\(seen)")
        #expect(try String(contentsOfFile: world.scratch + "/result.txt", encoding: .utf8) == "mine\n")
        for path in [outside, hostTmp, world.repository + "/pwned.txt", world.home + "/pwned.txt", "/usr/pwned"] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) was written from the sandbox")
        }
    }

    @Test func noNetworkUnlessAllowed() throws {
        let server = try HTTPTestServer { _ in .text(200, "reached") }
        defer { server.stop() }
        let probe = "git ls-remote \(server.baseURL)/exfil 2>&1; echo done"
        let closed = try World()
        defer { closed.folder.remove() }
        #expect(Self.output(closed.run(probe)).contains("done"))
        #expect(server.requests.isEmpty, "a request left the sandbox: \(server.requests.map(\.target))")
        let open = try World(config: "[validate]\nnetwork = true\n")
        defer { open.folder.remove() }
        _ = open.run(probe)
        #expect(server.requests.contains { $0.target.contains("/exfil") }, "with network = true the loopback server is reached")
    }

    @Test func aProcessLeftBehindWithSetsidDoesNotOutliveTheCommand() throws {
        let world = try World()
        defer { world.folder.remove() }
        let marker = "777.\(Int.random(in: 100_000...999_999))"
        // The command returns only once its child has left the session (`escaped.pid` is written
        // after setsid), so the check below cannot pass by a child that never escaped.
        let escape = { (marker: String) in
            "setsid sh -c 'echo $$ > escaped.pid; exec sleep \(marker)' > /dev/null 2>&1 < /dev/null & while [ ! -s escaped.pid ]; do :; done; echo left"
        }
        // Repeated: the sandbox's own PID 1 used to finish killing its namespace a moment after
        // the command returned (bubblewrap's reaper is in a session of its own), so a single run
        // passed by luck of timing. Nothing of the sandbox may be left when the command returns.
        for round in 0..<12 {
            let marker = marker + String(round)
            try? FileManager.default.removeItem(atPath: world.scratch + "/escaped.pid")
            let result = world.run(escape(marker))
            #expect(Self.output(result).contains("left"))
            #expect(Self.processes(matching: "sleep \(marker)").isEmpty, "setsid sleep (or its sandbox) outlived the command, round \(round)")
        }
        // Timed out, bubblewrap is killed first; the sandbox's PID 1 then ends by its death signal,
        // outside the command's group. Nothing of it may be alive once the command returns.
        let timed = "31.\(Int.random(in: 100_000...999_999))"
        let stopped = ProcessRunner().run(CommandSpec(command: "echo started > started.txt; sleep \(timed)", directory: world.scratch,
                                                      sandbox: world.sandbox, timeoutSeconds: 1, mergeErrors: true),
                                          stopRequested: { nil })
        #expect(stopped.ending == .timedOut)
        #expect(FileManager.default.fileExists(atPath: world.scratch + "/started.txt"), "the command started before its timeout")
        #expect(Self.processes(matching: timed).isEmpty, "a timed-out sandbox outlived its command: \(Self.processes(matching: timed))")
        // Without the sandbox the same command escapes the process group (the oracle sees it).
        // Its pid (sh execs sleep in place) is known, so whether it lives needs no process listing.
        let unconfined = "777.\(Int.random(in: 100_000...999_999))"
        FileManager.default.createFile(atPath: world.scratch + "/escaped.pid", contents: nil)
        _ = ProcessRunner().run(CommandSpec(command: escape(unconfined), directory: world.scratch,
                                            sandbox: .host(environment: world.environment), timeoutSeconds: 60), stopRequested: { nil })
        let written = (try? String(contentsOfFile: world.scratch + "/escaped.pid", encoding: .utf8)) ?? ""
        let pid = try #require(pid_t(written.trimmingCharacters(in: .whitespacesAndNewlines)), "no pid written: \(written)")
        let survived = kill(pid, 0) == 0
        kill(pid, SIGKILL)
        #expect(survived, "an unconfined setsid sleep is expected to survive, so the check above can fail")
    }

    @Test func aSandboxStoppedAsItStartsLeavesNoZombieBehind() throws {
        let world = try World()
        defer { world.folder.remove() }
        // A stop at once reaches the supervisor before it forked bubblewrap. The supervisor used
        // to keep that SIGTERM to itself, so the group was killed after the grace, the supervisor
        // with it, and the sandbox's PID 1 (in a session of its own) came back to this process as
        // a zombie nobody reaped: one more per stopped command for the rest of the run.
        let before = Set(Self.zombieChildren(named: "bwrap"))
        for round in 0..<8 {
            let result = ProcessRunner().run(CommandSpec(command: "sleep 30", directory: world.scratch, sandbox: world.sandbox, timeoutSeconds: 60,
                                                         mergeErrors: true), stopRequested: { .terminate })
            #expect(result.ending == .stopped, "round \(round): \(result.ending)")
        }
        // And a sandbox whose command ignores SIGTERM, stopped once it runs.
        let started = world.scratch + "/started.txt"
        let stubborn = ProcessRunner().run(CommandSpec(command: "trap '' TERM; echo > started.txt; sleep 30 & wait", directory: world.scratch,
                                                       sandbox: world.sandbox, timeoutSeconds: 60, mergeErrors: true),
                                           stopRequested: { FileManager.default.fileExists(atPath: started) ? .terminate : nil })
        #expect(stubborn.ending == .stopped)
        let left = Set(Self.zombieChildren(named: "bwrap")).subtracting(before)
        #expect(left.isEmpty, "bubblewrap zombies left to this process: \(left.sorted())")
    }

    @Test func aToolchainUnderTheHomeFolderIsVisibleReadOnlyButItsCredentialsAreNot() throws {
        let world = try World()
        defer { world.folder.remove() }
        let cargo = world.home + "/.cargo"
        try FileManager.default.createDirectory(atPath: cargo + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: world.home + "/.rustup", withIntermediateDirectories: true)
        try Executable.write("#!/bin/sh\necho tool-ran\n", to: cargo + "/bin/mytool", mode: "755")
        try "[registry]\ntoken = \"cio-secret-token-123456\"\n".write(toFile: cargo + "/credentials.toml", atomically: true, encoding: .utf8)
        var environment = world.environment
        environment["PATH"] = cargo + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let sandbox = Sandbox.forModelCode(config: config, environment: environment, repositoryFolders: [world.repository])
        #expect(sandbox.mounts.contains(.readOnly(cargo)) && sandbox.mounts.contains(.readOnly(world.home + "/.rustup")), "\(sandbox.mounts)")
        #expect(sandbox.mounts.contains(.hideFile(cargo + "/credentials.toml")), "\(sandbox.mounts)")
        let result = ProcessRunner().run(CommandSpec(command: "mytool; cat ~/.cargo/credentials.toml; ls -A ~; touch ~/.cargo/bin/x || echo read-only",
                                                     directory: world.scratch, sandbox: sandbox, timeoutSeconds: 60, mergeErrors: true),
                                         stopRequested: { nil })
        let seen = Self.output(result)
        #expect(seen.contains("tool-ran") && seen.contains("read-only"), "\(seen)")
        #expect(!seen.contains("cio-secret-token") && !seen.contains(".aws") && !seen.contains(".ssh"), "\(seen)")
    }

    @Test func withoutBubblewrapModelCodeIsRefusedWithWhatToDo() throws {
        let world = try World(extra: ["PATH": "/nonexistent-bin"])
        defer { world.folder.remove() }
        let problem = try #require(world.sandbox.problem())
        #expect(problem.contains("not installed"), "\(problem)")
        #expect(Sandbox.refusal(problem).contains("apt-get install bubblewrap") && Sandbox.refusal(problem).contains("sandbox = \"none\""))
    }

    @Test func aFailingBubblewrapIsFoundByTheProbe() throws {
        let bin = try TemporaryDirectory(prefix: "autodev-fake-bwrap")
        defer { bin.remove() }
        try Executable.write("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n", to: bin.path + "/bwrap", mode: "755")
        let world = try World(extra: ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        defer { world.folder.remove() }
        let problem = try #require(world.sandbox.problem())
        #expect(problem.contains("No permissions to create new namespace") && problem.contains("exited with status 1"), "\(problem)")
    }

    /// Toolchains under the home folder stay usable: `python3` from pyenv (or wherever PATH finds
    /// it under the hidden home) runs, while the home's credentials stay hidden.
    @Test(.enabled(if: SandboxTests.toolUnderHome("python3") != nil))
    func aPythonUnderTheHomeFolderStillRuns() throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AUTODEV_") }
        environment["OPENAI_API_KEY"] = Self.keys["OPENAI_API_KEY"]
        let folder = try TemporaryDirectory(prefix: "autodev-sandbox-python")
        defer { folder.remove() }
        let config = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: [:])
        let sandbox = Sandbox.forModelCode(config: config, environment: environment, repositoryFolders: [])
        let result = ProcessRunner().run(CommandSpec(command: "python3 -c 'import os, sys; print(sys.version_info[0], os.environ.get(\"OPENAI_API_KEY\"))'",
                                                     directory: folder.path, sandbox: sandbox, timeoutSeconds: 60, mergeErrors: true),
                                         stopRequested: { nil })
        #expect(result.ending == .exited(0), "\(Self.output(result))")
        #expect(Self.output(result) == "3 None\n", "\(Self.output(result))")
    }

    @Test func aProviderKeyOrASecretNameInValidateEnvIsAConfigError() throws {
        let provider = "[[llm.providers]]\nname = \"p\"\nkind = \"openai\"\nbase_url = \"http://x/v1\"\nmodel = \"m\"\napi_key_env = \"LLM_CRED\"\n"
        for (text, expected) in [(provider + "[validate]\nenv = [\"LLM_CRED\"]\n", "the api_key_env of provider 'p'"),
                                 ("[validate]\nenv = [\"OPENAI_API_KEY\"]\n", "OPENAI_API_KEY, whose name says it holds a secret"),
                                 ("[validate]\nenv = [\"GITHUB_TOKEN\"]\n", "GITHUB_TOKEN, whose name says"),
                                 ("[validate]\nenv = [\"NOT A NAME\"]\n", "not the name of an environment variable"),
                                 ("[validate]\nsandbox = \"docker\"\n", "must be \"bwrap\"")] {
            #expect {
                _ = try ConfigLoader.load(text: text, file: "config/autodev.toml", environment: [:])
            } throws: { error in
                guard let error = error as? AutodevError else { return false }
                return error.code == .invalidConfig && error.message.contains(expected) && error.message.contains("config/autodev.toml:")
            }
        }
        let fromEnvironment = #expect(throws: AutodevError.self) {
            _ = try ConfigLoader.load(text: nil, file: "config/autodev.toml", environment: ["AUTODEV_VALIDATE_ENV": "HOME,AWS_SECRET_ACCESS_KEY"])
        }
        #expect(fromEnvironment?.message.contains("AUTODEV_VALIDATE_ENV") == true)
    }

    // MARK: Helpers

    /// `name` on PATH when it lives under the home folder (a toolchain the sandbox must re-bind).
    static func toolUnderHome(_ name: String) -> String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], home != "/", let found = Subprocess.which(name),
              found.hasPrefix(home + "/") else { return nil }
        return found
    }

    /// Zombie children of this process named `name` (a sandbox the supervisor did not end comes
    /// back here, as the nearest subreaper): their pids.
    static func zombieChildren(named name: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), stat.contains("(\(name))") else { return false }
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            return fields.count > 1 && fields[0] == "Z" && fields[1] == "\(getpid())"
        }
    }

    /// Pids of processes whose command line contains `text`.
    static func processes(matching text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }
}
