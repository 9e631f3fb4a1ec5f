internal import AutodevCore
internal import AutodevGit
internal import FoundationEssentials

extension AutodevCommand {
    /// `autodev demo DIR`: builds a small spec-driven repository to try autodev on.
    struct Demo {
        static let spec = CommandSpec(
            name: "demo",
            abstract: "Create a demo repository with a small spec-driven history, then preview it and sync it.",
            discussion: "DIR must not exist yet, or be empty. Nothing outside DIR is touched.",
            arguments: [.init(name: "directory", help: "Where to create the demo repository.", count: "1")],
            takesDirectory: false)

        let directory: String

        /// The demo's model: `autodev-demo-model` beside the installed binary, or
        /// `scripts/demo-model` of the source tree the binary was built in.
        static func demoModel() -> String? {
            guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
            var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
            let installed = folder.appendingPathComponent("autodev-demo-model").path
            if FileManager.default.isExecutableFile(atPath: installed) { return installed }
            for _ in 0..<5 {
                let candidate = folder.appendingPathComponent("scripts/demo-model").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            return nil
        }

        /// Tier 5 without a key: a `command` provider (the deterministic demo model) and a
        /// validation command; a test report names a failing test, and fixing it goes to the model.
        func tier5(repository: Repository, time: Int64, branch: String) throws {
            guard let model = Self.demoModel() else {
                Output.write("\n(tier 5 is not shown: scripts/demo-model was not found beside this autodev)\n")
                return
            }
            let configPath = directory + "/config/autodev.toml"
            var text = (try? String(contentsOfFile: configPath, encoding: .utf8)) ?? ""
            text += """

                # Added by the demo: a deterministic command-line "model" (no key, no network), and a
                # check every generated change must pass before it reaches \(branch).
                [[llm.providers]]
                name = "demo"
                kind = "command"
                command = "\(model)"
                model = "demo-model"

                """
            // The demo needs no Swift toolchain: a check that needs none (init's `swift test`, if
            // init wrote the settings, gives way to it).
            let check = "command = \"! grep -rn BROKEN Sources\""
            if text.contains("command = \"swift test\"") {
                text = text.replacing("command = \"swift test\"", with: check)
            } else if !text.contains("[validate]") {
                text += "\n[validate]\n\(check)\n"
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
            let configured = try repository.commitAll(message: "Configure a model and a check\n", author: "Demo Author",
                                                      email: "demo@example.com", time: time)
            Output.write("\n\(String(configured.hex.prefix(12)))  Configure a model and a check\n")
            // CI reports a failing test: fixing it is work no template does.
            let report = """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuites><testsuite name="GreeterTests" tests="1" failures="1">
                  <testcase classname="GreeterTests.GreeterTests" name="testGreetsByName" file="Tests/GreeterTests/GreeterTests.swift">
                    <failure message="XCTAssertEqual failed: (&quot;Hello!&quot;) is not equal to (&quot;Hello, Ada!&quot;)"/>
                  </testcase>
                </testsuite></testsuites>

                """
            let reportPath = directory + "/.git/demo-test-report.xml"
            try Data(report.utf8).write(to: URL(fileURLWithPath: reportPath))
            Output.write("\n$ autodev -C \(directory) sync --test-report report.xml      # a failing test: no template fixes it; tier 5 asks the model, the check runs\n")
            let settings = try ConfigFile.load(for: repository, environment: [:])
            let environment = Environment.variables()
            let sync = AutodevCore.Sync(repository: repository, config: settings, environment: environment,
                                        faults: FaultsFromEnvironment(environment))
            var options = SyncOptions()
            options.testReports = [try TestReport.load(reportPath)]
            Output.write(SyncRenderer.render(try sync.run(options), branch: branch))
        }

        init(_ arguments: ParsedArguments) {
            directory = arguments.positional ?? ""
        }

        func run() throws {
            let manager = FileManager.default
            if let existing = try? manager.contentsOfDirectory(atPath: directory), !existing.isEmpty {
                throw UsageError("\(directory) exists and is not empty; give a new folder", spec: Self.spec)
            }
            let repository = try Repository.create(at: directory)
            var time: Int64 = 1_767_225_600  // 2026-01-01, fixed so the demo is identical everywhere
            for step in DemoHistory.steps {
                for (path, content) in step.files {
                    let full = directory + "/" + path
                    if let content {
                        let parent = String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)])
                        try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                        try Data(content.utf8).write(to: URL(fileURLWithPath: full))
                    } else {
                        try manager.removeItem(atPath: full)
                    }
                }
                let id = try repository.commitAll(message: step.message + "\n", author: "Demo Author",
                                                  email: "demo@example.com", time: time)
                Output.write("\(String(id.hex.prefix(12)))  \(step.message)\n")
                time += 3600
            }
            Output.write("\nDemo repository created at \(directory).\n\n")
            Output.write("$ autodev -C \(directory) diff-events --explain HEAD~5..HEAD~3\n")
            let config = try ConfigFile.load(for: repository, environment: [:])
            let builder = try EventBuilder(repository: repository, config: config)
            Output.write(DiffEventsRenderer.render(try builder.report(for: .explicit("HEAD~5..HEAD~3"), explain: true)))

            Output.write("\n$ autodev -C \(directory) init      # starter scaffolds for this SwiftPM project\n")
            for (path, outcome) in try Starter.install(in: repository) where outcome == .written {
                Output.write("wrote \(path)\n")
            }
            let initCommit = try repository.commitAll(message: "Set up autodev templates\n", author: "Demo Author",
                                                      email: "demo@example.com", time: time)
            Output.write("\(String(initCommit.hex.prefix(12)))  Set up autodev templates\n")

            Output.write("\n$ autodev -C \(directory) sync      # no checkpoint yet: adopt what is at HEAD as the baseline\n")
            let settings = try ConfigFile.load(for: repository, environment: [:])
            let sync = AutodevCore.Sync(repository: repository, config: settings, environment: [:])
            let branch = settings[.resultsBranch]
            Output.write(SyncRenderer.render(try sync.run(SyncOptions()), branch: branch))
            Output.write("\n$ autodev -C \(directory) sync --backfill      # queue what shows no sign of implementation\n")
            var backfill = SyncOptions()
            backfill.range = .backfill([])
            Output.write(SyncRenderer.render(try sync.run(backfill), branch: branch))
            if let tip = try repository.referenceTarget("refs/heads/" + branch) {
                let info = try repository.commit(tip)
                let base = try info.parents.first.map { try repository.commit($0).tree }
                let files = try repository.diffTrees(from: base, to: info.tree, renames: RenameOptions(enabled: false))
                Output.write("\n$ git -C \(directory) diff --name-only HEAD \(branch)      # the generated work, for review\n")
                for change in files.changes { Output.write("  \(change.path)\n") }
            }
            try tier5(repository: repository, time: time + 3600, branch: branch)
            Output.write("\nNothing on your branch, index or work tree changed; merge \(branch) to accept the work.\n")
        }
    }
}
