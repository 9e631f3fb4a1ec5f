import AutodevTestSupport
import Foundation
import Testing

/// The CI templates run when copied: they pass actionlint (with shellcheck on every `run:`) and
/// the GitHub workflow and GitLab CI schemas (vendored under Fixtures/ci-schemas, so no
/// network), use no file of autodev's source tree, cache the binary by version, take the key
/// from a named secret, and their sync step runs on a real repository and remote.
@Suite struct CITemplateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let github = root + "/ci/github/autodev.yml"
    static let gitlab = root + "/ci/gitlab/autodev.gitlab-ci.yml"
    static let schemas = root + "/Tests/AutodevCLITests/Fixtures/ci-schemas/"

    static func tool(_ arguments: [String], in directory: String = root, environment: [String: String] = [:]) throws -> ProcessResult {
        try Subprocess.run("/usr/bin/env", arguments, in: directory,
                           environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    /// The template as JSON, through PyYAML.
    static func json(_ path: String) throws -> [String: Any] {
        let result = try tool(["python3", "-c", "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", path])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func actionlintAndShellcheckPassTheGitHubWorkflow() throws {
        #expect(try Self.tool(["shellcheck", "--version"]).status == 0, "shellcheck is what actionlint checks run: scripts with")
        let result = try Self.tool(["actionlint", "-no-color", Self.github])
        #expect(result.status == 0 && result.stdout.isEmpty, "\(result.stdout)\(result.stderr)")
    }

    @Test("the templates pass their JSON schema", arguments: [("github-workflows.json", "github"), ("gitlab-ci.json", "gitlab")])
    func schema(schema: String, which: String) throws {
        let result = try Self.tool(["check-jsonschema", "--schemafile", Self.schemas + schema, which == "github" ? Self.github : Self.gitlab])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func shellcheckPassesTheGitLabScripts() throws {
        let template = try Self.json(Self.gitlab)
        for (name, value) in template {
            guard let job = value as? [String: Any] else { continue }
            let lines = ((job["before_script"] as? [String]) ?? []) + ((job["script"] as? [String]) ?? [])
            guard !lines.isEmpty else { continue }
            let file = NSTemporaryDirectory() + "autodev-\(name)-\(UUID().uuidString).sh"
            try Data(("#!/bin/bash\nset -e\n" + lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try Self.tool(["shellcheck", "-s", "bash", "-e", "SC2016", file])
            #expect(result.status == 0, "\(name): \(result.stdout)")
        }
    }

    /// The issue's copied template ran `ci/autodev-ci` (exit 127 in the user's repository),
    /// rebuilt autodev every run and passed no key.
    @Test func theTemplatesAreSelfContainedCacheTheBinaryByVersionAndPassTheKey() throws {
        for path in [Self.github, Self.gitlab] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                // autodev's own scripts only from its clone, never from the user's checkout.
                for part in line.components(separatedBy: "scripts/").dropLast() {
                    #expect(part.hasSuffix("src/"), "\(path): \(line)")
                }
                #expect(!line.contains(" ci/") && !line.contains("autodev-ci "), "\(path): \(line)")
            }
        }
        let github = try Self.json(Self.github)
        let jobs = try #require(github["jobs"] as? [String: [String: Any]])
        let binarySteps = try #require(jobs["binary"]?["steps"] as? [[String: Any]])
        let cache = try #require(binarySteps.first { ($0["uses"] as? String)?.hasPrefix("actions/cache@") == true }?["with"] as? [String: Any])
        #expect((cache["key"] as? String) == "autodev-${{ env.AUTODEV_VERSION }}-linux-x86_64")
        let build = try #require(binarySteps.first { ($0["run"] as? String)?.contains("scripts/install") == true })
        #expect((build["if"] as? String) == "steps.cache.outputs.cache-hit != 'true'", "built only on a cache miss")
        let sync = try #require(jobs["sync"])
        #expect((sync["env"] as? [String: String])?["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}")
        let steps = try #require(sync["steps"] as? [[String: Any]])
        #expect(steps.contains { ($0["uses"] as? String)?.hasPrefix("actions/setup-python@") == true }, "the project's toolchain")
        #expect(steps.contains { ($0["run"] as? String)?.contains("--body-file \"$RUNNER_TEMP/autodev-summary.md\"") == true }, "the summary as the PR body")
        let gitlab = try Self.json(Self.gitlab)
        let binary = try #require(gitlab["autodev-binary"] as? [String: Any])
        #expect(((binary["cache"] as? [String: Any])?["key"] as? String) == "autodev-$AUTODEV_VERSION-linux-x86_64")
    }

    /// The sync step of each template, as written, on a real clone of a real remote with the
    /// built autodev on the PATH (as the cached binary is): it syncs, pushes autodev's refs and
    /// leaves the summary the pull request's body is made of.
    @Test(arguments: ["github", "gitlab"])
    func theSyncStepRunsOnARealRepository(which: String) throws {
        let (author, remote) = try SyncCITests.project()
        let runner = try SyncCITests.runner(author, remote, name: "runner-\(which)", depth: 1)
        let script: String
        if which == "github" {
            let steps = try #require(((try Self.json(Self.github)["jobs"] as? [String: [String: Any]])?["sync"]?["steps"]) as? [[String: Any]])
            script = try #require(steps.first { ($0["name"] as? String) == "autodev sync --ci" }?["run"] as? String)
        } else {
            let job = try #require(try Self.json(Self.gitlab)["autodev"] as? [String: Any])
            script = try #require((job["script"] as? [String])?.first)
        }
        let temp = author.directory.path + "/runner-temp-\(which)"
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let bin = URL(fileURLWithPath: AutodevBinary.path).deletingLastPathComponent().path
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AUTODEV") { env[key] = nil }
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["RUNNER_TEMP"] = temp
        let result = try Subprocess.run("/bin/bash", ["-e", "-c", script], in: runner, environment: env)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try SyncCITests.git(runner, ["ls-remote", "origin", "refs/autodev/checkpoint"]).hasPrefix(try author.head()))
        let summary = which == "github" ? temp + "/autodev-summary.md" : runner + "/.autodev-ci/summary.md"
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("autodev"), "\(summary)")
    }
}
