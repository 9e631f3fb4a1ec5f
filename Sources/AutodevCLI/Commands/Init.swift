internal import AutodevGit
internal import AutodevCore

extension AutodevCommand {
    /// `autodev init`: settings with the project's check, patterns, starter scaffolds, .gitignore,
    /// then what to do next.
    struct Init {
        static let spec = CommandSpec(
            name: "init",
            abstract: "Write config/autodev.toml (with the project's check), config/patterns.toml, starter scaffold templates and the .gitignore entry, and say what to do next.",
            discussion: """
                The project's own check becomes [validate] command: `swift test` (Package.swift), `cargo test` (Cargo.toml), `go test ./...` (go.mod), `pnpm test`, `yarn test` or `npm test` (package.json with a real scripts.test; pnpm or yarn by their lock file), `python3 -m pytest -q` (pyproject.toml, setup.py, setup.cfg, pytest.ini or tests/test_*.py), `make test` (a Makefile with a test target). Starter templates follow the project's language (SwiftPM, Cargo, npm, Python, Go; a Markdown checklist otherwise) and are scaffolds (kind: scaffold): a test file with one pending test per acceptance criterion and a stub that cites the spec, shown to the model as the starting point of a new requirement; they answer no work and are never counted as avoided calls. It asks no question (safe in CI and scripts) and prints the check it set and the next three steps. Safe to run again: a file that exists is never overwritten.
                """)

        let global: GlobalOptions

        init(_ arguments: ParsedArguments, directory: String?) {
            global = GlobalOptions(directory: directory)
        }

        func run() throws {
            let workspace = try Workspace.open(global)
            for (path, outcome) in try Starter.install(in: workspace.repository) {
                switch outcome {
                case .written: Output.write("wrote \(path)\n")
                case .unchanged: Output.write("unchanged \(path)\n")
                case .kept: Output.write("kept \(path) (it differs from the starter; yours is left as it is)\n")
                }
            }
            // What is in force now (a settings file that was kept may say otherwise than the starter).
            let config = try ConfigFile.load(for: workspace.repository, environment: Environment.variables())
            let command = config[.validateCommand]
            if command.isEmpty {
                Output.write("\nno check found: set [validate] command in config/autodev.toml to the command that runs your tests; without it generated code is committed unchecked\n")
            } else {
                let found = workspace.repository.workdir.flatMap(Starter.check(in:))
                let origin = found?.command == command ? " (found from \(found!.evidence))" : ""
                Output.write("\nthe check: \(Terminal.safe(command))\(origin); generated code is kept only when it passes\n")
            }
            let provider = config.providers.first.map { "1. autodev doctor   checks the provider '\(Terminal.safe($0.name))' and the check" }
                ?? "1. A model for the work no rule answers: uncomment an [[llm.providers]] block in config/autodev.toml and export its key (e.g. OPENAI_API_KEY); autodev doctor checks it"
            Output.write("""

                Next:
                  \(provider)
                  2. autodev hooks install   a sync after every commit, in the background
                  3. git add config .gitignore && git commit -m "Add autodev"; then commit a spec change: autodev status shows the run, git log -p autodev/results the generated code

                """)
        }
    }
}
