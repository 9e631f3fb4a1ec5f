internal import AutodevCore

extension AutodevCommand {
    /// `autodev init`: settings, patterns, starter templates, .gitignore.
    struct Init {
        static let spec = CommandSpec(
            name: "init",
            abstract: "Write config/autodev.toml, config/patterns.toml, starter templates and the .gitignore entry.",
            discussion: """
                Starter templates follow the project's language (SwiftPM, Cargo, npm, Python, Go; a Markdown checklist otherwise): for a new requirement, a test file with one pending test per acceptance criterion and a stub that cites the spec. Safe to run again: a file that exists is never overwritten.
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
