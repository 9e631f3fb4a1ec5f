public import AutodevGit
internal import Foundation

/// What `autodev init` writes: the settings with every key and the project's own check as
/// `[validate] command`, example patterns, starter *scaffold* templates for the project's
/// language (a starting point shown to the model, never an answer), and the .gitignore entry
/// for runtime state.
public enum Starter {
    public enum Language: String, Sendable {
        case swift, rust, javascript, python, go, other
    }

    public struct File: Sendable, Equatable {
        public var path: String
        public var content: String
    }

    /// The language, from the manifests at the top of the work tree.
    public static func detect(in root: String) -> Language {
        func has(_ name: String) -> Bool { FileSystem.exists(root + name) }
        if has("Package.swift") { return .swift }
        if has("Cargo.toml") { return .rust }
        if has("package.json") { return .javascript }
        if has("pyproject.toml") || has("setup.py") || has("requirements.txt") { return .python }
        if has("go.mod") { return .go }
        return .other
    }

    public static func files(for language: Language, root: String) -> [File] {
        [File(path: ConfigFile.relativePath, content: settings(check: check(in: root))),
         File(path: PatternRules.file, content: patterns())] + templates(for: language, root: root)
    }

    /// The project's own check, as `[validate] command` runs it, and the file that gave it away.
    public struct Check: Sendable, Equatable {
        public var command: String
        public var evidence: String
    }

    /// The test command of the project at `root`, from its manifests (first match: SwiftPM,
    /// Cargo, Go, a package.json with a real `scripts.test` — pnpm's or yarn's when its lock
    /// file is there, else npm's —, pytest, a Makefile with a `test` target); nil when none is
    /// found.
    public static func check(in root: String) -> Check? {
        func has(_ name: String) -> Bool { FileSystem.exists(root + name) }
        if has("Package.swift") { return Check(command: "swift test", evidence: "Package.swift") }
        if has("Cargo.toml") { return Check(command: "cargo test", evidence: "Cargo.toml") }
        if has("go.mod") { return Check(command: "go test ./...", evidence: "go.mod") }
        if let bytes = try? FileSystem.readIfPresent(root + "package.json"),
           let manifest = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
           let test = (manifest["scripts"] as? [String: Any])?["test"] as? String,
           !test.trimmingCharacters(in: .whitespaces).isEmpty, !test.contains("no test specified") {
            if has("pnpm-lock.yaml") { return Check(command: "pnpm test", evidence: "package.json scripts.test, pnpm-lock.yaml") }
            if has("yarn.lock") { return Check(command: "yarn test", evidence: "package.json scripts.test, yarn.lock") }
            return Check(command: "npm test", evidence: "package.json scripts.test")
        }
        for name in ["pyproject.toml", "setup.py", "setup.cfg", "pytest.ini"] where has(name) {
            return Check(command: "python3 -m pytest -q", evidence: name)
        }
        for folder in ["tests", "test"] {
            if FileSystem.list(root + folder).contains(where: { $0.hasPrefix("test_") && $0.hasSuffix(".py") }) {
                return Check(command: "python3 -m pytest -q", evidence: "\(folder)/test_*.py")
            }
        }
        for name in ["GNUmakefile", "makefile", "Makefile"] {
            guard let bytes = try? FileSystem.readIfPresent(root + name) else { continue }
            let targets = String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("\t") && !$0.hasPrefix("#") }
            // `test:` or `check test:`, not `test := value` (a variable).
            if targets.contains(where: { line in
                guard let colon = line.firstIndex(of: ":"), !line[colon...].hasPrefix(":=") else { return false }
                return line[..<colon].split(separator: " ").contains("test")
            }) {
                return Check(command: "make test", evidence: "\(name) target test")
            }
        }
        return nil
    }

    /// `config/autodev.toml` with every key, its default and its meaning, commented out; the
    /// project's check, when one was found, set.
    static func settings(check: Check? = nil) -> String {
        var out = """
            # autodev settings. Every key is optional; the commented value is the default.
            # Environment variables AUTODEV_<KEY> (dots as underscores, upper case) override this file.
            version = 1

            """
        var table = ""
        for key in ConfigSchema.keys where key.name != "version" {
            let parts = key.name.split(separator: ".")
            let tableName = parts.dropLast().joined(separator: ".")
            if tableName != table {
                out += "\n[\(tableName)]\n"
                table = tableName
            }
            out += "# \(key.help)\n"
            let value = key.defaultValue.map(\.description) ?? "(unset: git config decides)"
            out += "# \(parts.last!) = \(value)\n"
            if key.name == "validate.command", let check {
                out += "# Found from \(check.evidence): generated code is kept only when this passes.\n"
                out += "command = \(ConfigValue.string(check.command))\n"
                if check.command.contains("pytest") {
                    out += "# A project whose tests already fail on HEAD needs a report to be judged against (see report):\n"
                    out += "# command = \"python3 -m pytest -q --junitxml=junit.xml\" with report = \"junit.xml\".\n"
                }
            }
        }
        out += """

            # Tier 5: the models work goes to when no pattern or template answers it, tried in
            # order. Uncomment one (autodev doctor checks it). A key never sits in this file:
            # api_key_env names the environment variable that holds it.
            # [[llm.providers]]
            # name = "openai"
            # kind = "openai"                       # openai | anthropic | command
            # base_url = "https://api.openai.com/v1"
            # model = "gpt-4o-mini"
            # api_key_env = "OPENAI_API_KEY"
            # timeout_seconds = 300
            # max_output_tokens = 8192
            # context_tokens = 128000
            # temperature = 0.0
            # edit_format = "whole"                 # whole | search-replace
            # input_price_per_mtok = 0.15           # USD, for accounting
            # output_price_per_mtok = 0.60
            #
            # [[llm.providers]]
            # name = "local"
            # kind = "command"                      # prompt on stdin, answer on stdout
            # command = "llm -m qwen2.5-coder"

            """
        return out
    }

    static func patterns() -> String {
        """
        # Tier-1 rules: deterministic answers, tried before templates and before any LLM.
        # Each [[pattern]] matches on event kind, decision action, path glob and a regular
        # expression over the requirement's text; the first that matches decides.
        #
        # [[pattern]]
        # name = "docs are not implemented"
        # path = "docs/specs/**"
        # then = "skip"
        # reason = "documentation-only spec"
        #
        # [[pattern]]
        # name = "regenerate the API client"
        # path = "openapi/**"
        # then = "command"
        # command = "make generate-client"
        # timeout_seconds = 120
        #
        # [[pattern]]
        # name = "endpoint stub"
        # text = "(?<verb>GET|POST|PUT|DELETE) (?<route>/[a-z/{}]+)"
        # then = "template"
        # template = "endpoint"        # config/templates/endpoint.mustache; {{verb}} and {{route}} are set

        """
    }

    static func firstFolder(_ root: String, under parent: String) -> String? {
        FileSystem.list(root + parent).first { FileSystem.isDirectory(root + parent + "/" + $0) && !$0.hasPrefix(".") }
    }

    /// Starter templates are scaffolds (`kind: scaffold`): pending tests and a stub that cite the
    /// spec, shown to the model as the files to complete; they settle no work.
    /// Every path holds the feature and the requirement ({{feature}}, {{ident}}…): two
    /// requirements never render to one file, and names stay unique where a language needs it
    /// (Swift types in a module, Go tests in a package, pytest file names).
    static func templates(for language: Language, root: String) -> [File] {
        let folder = TemplateLibrary.folder
        // Scaffolds: a starting point shown to the model with the work, never an answer.
        let header = { (path: String) in "{{! autodev\npath: \(path)\nwhen: newImplementation\nkind: scaffold\n}}\n" }
        switch language {
        case .swift:
            let source = firstFolder(root, under: "Sources") ?? "App"
            let tests = firstFolder(root, under: "Tests") ?? "\(source)Tests"
            return [
                File(path: "\(folder)/swift-pending-tests.mustache", content: header("Tests/\(tests)/{{Feature}}/{{Ident}}Tests.swift") + """
                    // Pending tests for {{key}}: {{title}}
                    // Spec: {{spec}} ({{format}}). Generated by autodev; enable each test as it is implemented.
                    import Testing

                    @Suite struct {{Feature}}{{Ident}}Tests {
                    {{#criteria}}
                        @Test(.disabled("pending: {{key}} criterion {{number}}"))
                        func criterion{{number}}() {
                            // {{text}}
                        }
                    {{/criteria}}
                    }

                    """),
                File(path: "\(folder)/swift-stub.mustache", content: header("Sources/\(source)/{{Feature}}/{{Ident}}.swift") + """
                    // {{key}}: {{title}}
                    // Implements {{spec}} ({{format}}). Generated by autodev as a starting point for review.
                    enum {{Feature}}{{Ident}} {}

                    """),
            ]
        case .rust:
            return [
                File(path: "\(folder)/rust-pending-tests.mustache", content: header("tests/{{featureIdent}}_{{ident}}.rs") + """
                    //! Pending tests for {{key}}: {{title}} ({{spec}}). Generated by autodev.
                    {{#criteria}}

                    /// {{text}}
                    #[test]
                    #[ignore = "pending: {{key}} criterion {{number}}"]
                    fn criterion_{{number}}() {
                        todo!()
                    }
                    {{/criteria}}

                    """),
                File(path: "\(folder)/rust-stub.mustache", content: header("src/{{featureIdent}}/{{ident}}.rs") + """
                    //! {{key}}: {{title}}
                    //! Implements {{spec}} ({{format}}). Generated by autodev as a starting point for review.

                    """),
            ]
        case .javascript:
            return [
                File(path: "\(folder)/js-pending-tests.mustache", content: header("test/{{feature}}/{{slug}}.test.js") + """
                    // Pending tests for {{key}}: {{title}} ({{spec}}). Generated by autodev.
                    {{#criteria}}
                    test.todo({{quoted}});
                    {{/criteria}}

                    """),
                File(path: "\(folder)/js-stub.mustache", content: header("src/{{feature}}/{{slug}}.js") + """
                    // {{key}}: {{title}}
                    // Implements {{spec}} ({{format}}). Generated by autodev as a starting point for review.
                    export {};

                    """),
            ]
        case .python:
            let package = FileSystem.isDirectory(root + "src") ? "src/" : ""
            return [
                File(path: "\(folder)/python-pending-tests.mustache", content: header("tests/test_{{featureIdent}}_{{ident}}.py") + """
                    \"\"\"Pending tests for {{key}}: {{title}} ({{spec}}). Generated by autodev.\"\"\"
                    import pytest
                    {{#criteria}}


                    @pytest.mark.skip(reason="pending: {{key}} criterion {{number}}")
                    def test_criterion_{{number}}():
                        {{quoted}}
                    {{/criteria}}

                    """),
                File(path: "\(folder)/python-stub.mustache", content: header("\(package){{featureIdent}}/{{ident}}.py") + """
                    \"\"\"{{key}}: {{title}}

                    Implements {{spec}} ({{format}}). Generated by autodev as a starting point for review.
                    \"\"\"

                    """),
            ]
        case .go:
            return [
                File(path: "\(folder)/go-pending-tests.mustache", content: header("internal/{{featureIdent}}/{{ident}}_test.go") + """
                    // Pending tests for {{key}}: {{title}} ({{spec}}). Generated by autodev.
                    package {{featureIdent}}

                    import "testing"
                    {{#criteria}}

                    func Test{{Ident}}Criterion{{number}}(t *testing.T) {
                    \tt.Skip({{quoted}})
                    }
                    {{/criteria}}

                    """),
                File(path: "\(folder)/go-stub.mustache", content: header("internal/{{featureIdent}}/{{ident}}.go") + """
                    // {{key}}: {{title}} ({{spec}}).
                    // Generated by autodev as a starting point for review.
                    package {{featureIdent}}

                    """),
            ]
        case .other:
            return [
                File(path: "\(folder)/checklist.mustache", content: header("docs/autodev/{{feature}}/{{slug}}.md") + """
                    # {{key}}: {{title}}

                    From {{spec}} ({{format}}). Generated by autodev.

                    {{#criteria}}
                    - [ ] {{text}}
                    {{/criteria}}

                    """),
            ]
        }
    }

    public enum Outcome: String, Sendable {
        case written, unchanged, kept
    }

    /// Writes what is missing; never overwrites a file that exists.
    public static func install(in repository: Repository) throws(AutodevError) -> [(String, Outcome)] {
        guard let root = repository.workdir else {
            throw AutodevError(.bareRepository, "autodev init writes config/ into a work tree, and \(repository.gitDirectory) is a bare repository")
        }
        let language = detect(in: root)
        var results: [(String, Outcome)] = []
        for file in files(for: language, root: root) {
            let full = root + file.path
            if let existing = try FileSystem.readIfPresent(full) {
                results.append((file.path, existing == Array(file.content.utf8) ? .unchanged : .kept))
                continue
            }
            try FileSystem.writeAtomically(full, Array(file.content.utf8))
            results.append((file.path, .written))
        }
        let ignore = root + ".gitignore"
        var lines = (try FileSystem.readIfPresent(ignore)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let entries = lines.split(separator: "\n").map { $0.trimmingCharacters(in: " \t\r") }
        if entries.contains(".auto-dev/") || entries.contains(".auto-dev") || entries.contains("/.auto-dev/") {
            results.append((".gitignore", .unchanged))
        } else {
            if !lines.isEmpty && !lines.hasSuffix("\n") { lines += "\n" }
            lines += "# autodev's runtime state: caches, logs and run records, safe to delete (autodev status reads it)\n.auto-dev/\n"
            try FileSystem.writeAtomically(ignore, Array(lines.utf8))
            results.append((".gitignore", .written))
        }
        return results
    }
}
