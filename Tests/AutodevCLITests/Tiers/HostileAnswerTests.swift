import AutodevTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A hostile model (a `command` provider) and hostile inputs: paths a model may not write are
/// refused and named, the results pass `git fsck --strict`, huge answers are refused while
/// they are read, a stop ends a run that reads one, and deep reports and templates are clear
/// errors, not a crash.
@Suite struct HostileAnswerTests {
    /// A repository with `src/app.py`, adopted, then a spec with `count` requirements, all for
    /// the provider `command` (no validation command).
    static func project(requirements count: Int, provider command: String, extra: String = "") throws -> GitFixture {
        let fixture = try GitFixture()
        try fixture.write("src/app.py", "print('app')\n")
        try fixture.write("config/autodev.toml", """
            [[llm.providers]]
            name = "hostile"
            kind = "command"
            command = "\(command)"
            model = "m"

            [loop]
            max_tokens_per_run = 100000000
            \(extra)
            """)
        try fixture.commit("Set up")
        #expect(try SyncCommandTests.sync(fixture).status == 0)  // adopts
        let lines = (1...count).map { String(format: "- **FR-%03d**: System MUST do thing %d", $0, $0) }
        try fixture.write("specs/001-app/spec.md", "# App\n\n" + lines.joined(separator: "\n") + "\n")
        try fixture.commit("Specify")
        return fixture
    }

    /// A model that answers the k-th work item it is asked for with the paths of line k of
    /// `paths` (tab-separated), each a one-line file.
    static func pathModel(_ paths: [String], in directory: TemporaryDirectory) throws -> String {
        try paths.joined(separator: "\n").appending("\n").write(toFile: directory.path + "/paths", atomically: true, encoding: .utf8)
        let script = directory.path + "/model"
        try Executable.write("""
            #!/bin/sh
            next=$(cat \(directory.path)/next 2>/dev/null || echo 1)
            for id in $(grep '^## Work ' | awk '{ print $3 }'); do
                echo "=== WORK $id ==="
                sed -n "${next}p" \(directory.path)/paths | tr '\\t' '\\n' | while IFS= read -r path; do
                    printf '%s\\n```\\nhostile\\n```\\n' "$path"
                done
                next=$((next + 1))
            done
            echo "$next" > \(directory.path)/next
            """, to: script, mode: "755")
        return script
    }

    static let refused = [
        ".github/workflows/evil.yml", ".gitmodules", ".gitattributes", ".g\u{200C}it/config", ".Auto-Dev/x", "SRC/app.py",
        "git~1/config", ".gitlab-ci.yml", ".husky/pre-commit", ".circleci/config.yml", ".gitignore", "docs/a.md\tDOCS/b.md",
        ".pre-commit-config.yaml",
    ]

    @Test func everyPathAModelMayNotWriteIsRefusedAndNamedAndTheResultsPassGitFsck() throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-hostile")
        defer { scratch.remove() }
        let paths = Self.refused + ["src/good.py"]
        let fixture = try Self.project(requirements: paths.count, provider: try Self.pathModel(paths, in: scratch))
        let result = try SyncCommandTests.sync(fixture, ["--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let pass = try #require((try AdoptionTests.json(result)["passes"] as? [[String: Any]])?.first)
        let items = try #require(pass["items"] as? [[String: Any]])
        let outcomes = items.compactMap { $0["outcome"] as? String }
        #expect(items.count == paths.count, "\(outcomes)")
        for line in Self.refused {
            let named = line.split(separator: "\t").map(String.init)
            #expect(outcomes.contains { outcome in named.contains { outcome.contains("'\($0)'") } }, "\(line.debugDescription) is not named: \(outcomes)")
        }
        #expect(outcomes.contains { $0.contains("'SRC/app.py', which has the folder 'SRC', which differs only in case from 'src'") }, "\(outcomes)")
        #expect(outcomes.contains { $0.contains("[answers] allow_paths") }, "\(outcomes)")
        // Only the good file is on the branch, and git's strictest check finds nothing.
        #expect(try SyncCommandTests.resultsFiles(fixture) == ["src/good.py"])
        let fsck = try Subprocess.run("/usr/bin/env", ["git", "fsck", "--strict", "--no-dangling"], in: fixture.path)
        #expect(fsck.status == 0, "\(fsck.stdout)\(fsck.stderr)")
        #expect(!(fsck.stdout + fsck.stderr).contains("hasDotgit"))
        // The refused work stays pending; the decision log names each refused path.
        #expect(pass["pending"] as? Int == Self.refused.count)
        let run = try #require(pass["run"] as? String)
        let log = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/decisions/\(run).jsonl", encoding: .utf8)
        #expect(log.contains("writes '.github/workflows/evil.yml', which is a CI or automation file (.github/workflows/)"), "\(log)")
    }

    @Test func allowPathsLetsAModelWriteAProtectedPathOnPurpose() throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-allowed")
        defer { scratch.remove() }
        let model = try Self.pathModel([".github/workflows/ci.yml\t.gitattributes"], in: scratch)
        let fixture = try Self.project(requirements: 1, provider: model, extra: "\n[answers]\nallow_paths = [\".github/workflows/*.yml\"]\n")
        // .gitattributes is not allowed: the work is refused whole, naming it.
        let refused = try SyncCommandTests.sync(fixture)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("'.gitattributes'"), "\(refused.stderr)")
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil)
        // Allowed too, the next run writes both.
        try fixture.write("config/autodev.toml", try String(contentsOfFile: fixture.path + "/config/autodev.toml", encoding: .utf8)
            .replacingOccurrences(of: "\".github/workflows/*.yml\"]", with: "\".github/workflows/*.yml\", \".gitattributes\"]"))
        try fixture.commit("Allow .gitattributes")
        try "1\n".write(toFile: scratch.path + "/next", atomically: true, encoding: .utf8)
        let allowed = try SyncCommandTests.sync(fixture)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try SyncCommandTests.resultsFiles(fixture) == [".gitattributes", ".github/workflows/ci.yml"])
        #expect(try Subprocess.run("/usr/bin/env", ["git", "fsck", "--strict", "--no-dangling"], in: fixture.path).status == 0)
    }

    /// A model printing `count` one-line files, then (when `ready` is set) closing its output and
    /// writing its process group (autodev gives each command its own) to the FIFO `ready`.
    static func floodModel(_ count: Int, in directory: TemporaryDirectory, ready: String? = nil) throws -> String {
        let script = directory.path + "/flood"
        try Executable.write("""
            #!/bin/sh
            cat > /dev/null
            awk 'BEGIN { for (i = 0; i < \(count); i++) printf "f/%d.txt\\n```\\nx\\n```\\n", i }'
            \(ready.map { "exec >&-\nawk '{ print $5 }' /proc/$$/stat > \($0)" } ?? "")
            """, to: script, mode: "755")
        return script
    }

    static func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    @Test func anAnswerOf100000FilesIsRefusedWhileItIsRead() throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-flood")
        defer { scratch.remove() }
        let fixture = try Self.project(requirements: 1, provider: try Self.floodModel(100_000, in: scratch))
        let before = Self.childCPUSeconds()
        let result = try SyncCommandTests.sync(fixture)
        let cpu = Self.childCPUSeconds() - before
        print("100,000-file answer: sync (asked twice, refused twice) used \(cpu) s of CPU")
        #expect(result.status == 1)
        #expect(result.stderr.contains("unusable twice (the answer holds more than 200 files"), "\(result.stderr)")
        #expect(result.stderr.contains("[answers] max_files"))
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil)
    }

    @Test func sigtermWhileA10000FileAnswerIsReadEndsTheRunWithinASecond() throws {
        let scratch = try TemporaryDirectory(prefix: "autodev-flood-stop")
        defer { scratch.remove() }
        let ready = try SyncStopTests.fifo(scratch.path + "/ready")
        let fixture = try Self.project(requirements: 1, provider: try Self.floodModel(10_000, in: scratch, ready: ready),
                                       extra: "\n[answers]\nmax_files = 100000\n")
        let process = SyncStopTests.syncProcess(fixture, environment: [:])
        try process.run()
        // The whole answer is out; once autodev has reaped the model's process group, the call
        // is over and autodev reads the answer: the stop lands in reading, checking or writing
        // the 10,000 files (before the stop checks there, the run went on for 10-50 s).
        let group = try #require(pid_t(try SyncStopTests.readAll(ready).trimmingCharacters(in: .whitespacesAndNewlines)))
        while kill(-group, 0) == 0 { sched_yield() }
        let start = SyncStopTests.now()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let elapsed = SyncStopTests.seconds(since: start)
        #expect(process.terminationStatus == 143)
        #expect(elapsed < SyncStopTests.stopBound, "exit came \(elapsed) s after SIGTERM")
        #expect((try? fixture.git(["rev-parse", "--verify", "-q", "autodev/results"])) == nil)
        let status = try SyncStopTests.status(fixture)
        #expect((status["pending"] as? [Any])?.count == 1)
        // The call was over: the stop came while the answer was read or its files checked.
        let run = try #require((status["lastRun"] as? [String: Any])?["id"] as? String)
        let log = try String(contentsOfFile: fixture.path + "/.auto-dev/loop/decisions/\(run).jsonl", encoding: .utf8)
        #expect(log.contains("stopped by a signal") && !log.contains("during an LLM call"), "\(log)")
    }

    @Test func aTemplateNested50000DeepIsAClearErrorNotACrash() throws {
        let fixture = try SyncCommandTests.project()
        let depth = 50_000
        try fixture.write("config/templates/deep.mustache", "{{! autodev\npath: deep/{{slug}}.txt\n}}\n"
            + String(repeating: "{{#a}}", count: depth) + "x" + String(repeating: "{{/a}}", count: depth) + "\n")
        try fixture.commit("A deep template")
        let result = try SyncCommandTests.sync(fixture)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("config/templates/deep.mustache:4: sections nest deeper than 100 levels (this one is at depth 101)"),
                "\(result.stderr)")
    }

    @Test func aReportNested200000DeepIsAClearErrorNotAnOutOfMemoryKill() throws {
        let fixture = try SyncCommandTests.project()
        let depth = 200_000
        try ("<testsuites>" + String(repeating: "<testsuite name=\"s\">", count: depth) + String(repeating: "</testsuite>", count: depth)
            + "</testsuites>").write(toFile: fixture.path + "/deep.xml", atomically: true, encoding: .utf8)
        let result = try AutodevBinary.run(["diff-events", "--test-report", "deep.xml"], in: fixture.path)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("test report deep.xml cannot be used: line 1: elements nest deeper than 256 levels (<testsuite> at depth 257)"),
                "\(result.stderr)")
    }
}
