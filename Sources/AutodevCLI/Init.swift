internal import AutodevCore

extension AutodevCommand {
    /// `autodev init`: settings with the project's check, patterns, starter scaffolds, .gitignore.
    struct Init {
        static let spec = CommandSpec(
            name: "init",
            abstract: "Write config/autodev.toml (with the project's check), config/patterns.toml, starter scaffold templates and the .gitignore entry.",
            discussion: """
                The project's own check becomes [validate] command: `swift test` (Package.swift), `cargo test` (Cargo.toml), `go test ./...` (go.mod), `npm test` (package.json with a real scripts.test), `python3 -m pytest -q` (pyproject.toml, setup.py, setup.cfg, pytest.ini or tests/test_*.py). Starter templates follow the project's language (SwiftPM, Cargo, npm, Python, Go; a Markdown checklist otherwise) and are scaffolds (kind: scaffold): a test file with one pending test per acceptance criterion and a stub that cites the spec, shown to the model as the starting point of a new requirement; they answer no work and are never counted as avoided calls. Safe to run again: a file that exists is never overwritten.
                """)

        let global: GlobalOptions

        init(_ arguments: ParsedArguments, directory: String?) {
            global = GlobalOptions(directory: directory)
        }

        func run() throws {
            let session = try Session.open(global)
            for (path, outcome) in try Starter.install(in: session.repository) {
                switch outcome {
                case .written: Output.write("wrote \(path)\n")
                case .unchanged: Output.write("unchanged \(path)\n")
                case .kept: Output.write("kept \(path) (it differs from the starter; yours is left as it is)\n")
                }
            }
        }
    }
}
