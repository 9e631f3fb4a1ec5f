#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import AutodevCore

/// autodev's own argument parsing and help.
///
/// Why not swift-argument-parser: it builds each command by runtime reflection, which took
/// 1.3–1.6 ms of every run (a fifth of a one-commit `diff-events`, and of every post-commit
/// hook). The commands are few and their arguments simple, so they are declared here as data:
/// one declaration drives both parsing and `--help`.
struct CommandSpec: Sendable {
    struct Option: Sendable {
        /// The long name without dashes (`json`), or a one-letter short name (`C`).
        let name: String
        /// nil for a flag; the placeholder shown in help for an option that takes a value.
        let valueName: String?
        let repeatable: Bool
        let help: String

        static func flag(_ name: String, _ help: String) -> Option {
            Option(name: name, valueName: nil, repeatable: false, help: help)
        }

        static func value(_ name: String, _ valueName: String, repeatable: Bool = false, _ help: String) -> Option {
            Option(name: name, valueName: valueName, repeatable: repeatable, help: help)
        }

        /// `--test-report <file>`, which diff-events and sync both take.
        static let testReport = Option.value("test-report", "file", repeatable: true,
                                             "A JUnit XML report; each failed test becomes a testFailed event. Repeatable.")

        var spelling: String { name.count == 1 ? "-" + name : "--" + name }
        var usage: String {
            let base = valueName.map { "\(spelling) <\($0)>" } ?? spelling
            return repeatable ? base + " ..." : base
        }
    }

    struct Argument: Sendable {
        let name: String
        let help: String
        /// How many: "?" (optional), "1" (required), "*" (any number).
        let count: Character
        /// The words it may be (an action: install, uninstall, …): checked by the parser, with
        /// a suggestion for a near miss, and offered by the shell completions.
        var choices: [String] = []
    }

    let name: String
    let abstract: String
    var discussion: String = ""
    var arguments: [Argument] = []
    var options: [Option] = []
    /// Whether `-C <path>` applies (every command that works on a repository).
    var takesDirectory = true

    var allOptions: [Option] {
        (takesDirectory ? [Option.value("C", "path", "Run as if autodev was started in <path>.")] : []) + options
    }

    var usage: String {
        var parts = ["autodev", name]
        if takesDirectory { parts.append("[-C <path>]") }
        for argument in arguments {
            switch argument.count {
            case "?": parts.append("[<\(argument.name)>]")
            case "*": parts.append("[<\(argument.name)> ...]")
            default: parts.append("<\(argument.name)>")
            }
        }
        for option in options { parts.append("[\(option.usage)]") }
        return parts.joined(separator: " ")
    }
}

/// What the command line said, checked against a `CommandSpec`.
struct ParsedArguments {
    private(set) var flags: Set<String> = []
    private(set) var values: [String: [String]] = [:]
    private(set) var positionals: [String] = []

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    var positional: String? { positionals.first }

    /// Parses `arguments` (what follows the subcommand). `--help`/`-h` is handled by the caller.
    init(_ arguments: [String], for spec: CommandSpec) throws(UsageError) {
        let options = spec.allOptions
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if onlyPositionals || token == "-" || !token.hasPrefix("-") {
                positionals.append(token)
                continue
            }
            if token == "--" {
                onlyPositionals = true
                continue
            }
            var name: String
            var attached: String?
            if token.hasPrefix("--") {
                name = String(token.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    attached = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
            } else {
                // -C path, or -Cpath.
                name = String(token.dropFirst().prefix(1))
                let rest = token.dropFirst(2)
                if !rest.isEmpty { attached = String(rest) }
            }
            guard let option = options.first(where: { $0.name == name && ($0.name.count == 1) == !token.hasPrefix("--") }) else {
                let typed = token.hasPrefix("--") ? "--" + name : token
                let known = options.map(\.spelling) + ["--help"]
                throw UsageError("Unknown option '\(typed)'" + DidYouMean.sentence(for: typed, among: known), spec: spec)
            }
            guard option.valueName != nil else {
                if attached != nil { throw UsageError("'\(option.spelling)' takes no value", spec: spec) }
                flags.insert(option.name)
                continue
            }
            let value: String
            if let attached {
                value = attached
            } else if index < arguments.count {
                value = arguments[index]
                index += 1
            } else {
                throw UsageError("Missing value for '\(option.spelling) <\(option.valueName ?? "value")>'", spec: spec)
            }
            if !option.repeatable, values[option.name] != nil {
                throw UsageError("'\(option.spelling)' given more than once", spec: spec)
            }
            values[option.name, default: []].append(value)
        }
        let required = spec.arguments.filter { $0.count == "1" }.count
        let variadic = spec.arguments.contains { $0.count == "*" }
        if positionals.count < required {
            let missing = spec.arguments.filter { $0.count == "1" }[positionals.count]
            throw UsageError("Missing expected argument '<\(missing.name)>'", spec: spec)
        }
        if !variadic, positionals.count > spec.arguments.count {
            throw UsageError("Unexpected argument '\(positionals[spec.arguments.count])'", spec: spec)
        }
        for (argument, word) in zip(spec.arguments, positionals) where !argument.choices.isEmpty && !argument.choices.contains(word) {
            throw UsageError.unknown(argument.name, word, among: argument.choices, spec: spec)
        }
    }

    /// An option's value as a whole number.
    func integer(_ name: String, default fallback: Int, spec: CommandSpec) throws(UsageError) -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text) else {
            throw UsageError("The value '\(text)' is invalid for '--\(name) <\(spec.allOptions.first { $0.name == name }?.valueName ?? "n")>'", spec: spec)
        }
        return number
    }
}

/// A mistake on the command line: exit status 64, with the command's usage.
struct UsageError: Error {
    let message: String
    let usage: String?
    let command: String?

    init(_ message: String, spec: CommandSpec? = nil) {
        self.message = message
        usage = spec?.usage
        command = spec?.name
    }

    /// `Unknown action 'instal'. Did you mean 'install'? Use install, uninstall, status or run.`
    static func unknown(_ what: String, _ word: String, among choices: [String], spec: CommandSpec?) -> UsageError {
        let list = choices.count > 1 ? choices.dropLast().joined(separator: ", ") + " or " + choices.last! : choices.joined()
        let suggestion = DidYouMean.sentence(for: word, among: choices)
        return UsageError("Unknown \(what) '\(word)'" + (suggestion.isEmpty ? "." : suggestion) + " Use \(list).", spec: spec)
    }

    var text: String {
        var out = "Error: \(message)\n"
        if let usage { out += "Usage: \(usage)\n" }
        out += "  See 'autodev \(command.map { $0 + " " } ?? "")--help' for more information.\n"
        return out
    }
}

/// Leave with this exit status (the message, if any, was printed already).
struct ExitStatus: Error {
    let status: AutodevError.ExitStatus
    init(_ status: AutodevError.ExitStatus) { self.status = status }
}

/// Help text in the shape users of Swift tools know: overview, usage, arguments, options.
enum HelpText {
    static let width = 80

    static func root(abstract: String, discussion: String, commands: [CommandSpec]) -> String {
        var out = wrap("OVERVIEW: " + abstract) + "\n\n"
        out += discussion.isEmpty ? "" : discussion + "\n\n"
        out += "USAGE: autodev [-C <path>] <subcommand>\n\nOPTIONS:\n"
        out += row("-C <path>", "Run as if autodev was started in <path>.")
        out += row("--version", "Show the version and the commit it was built from.")
        out += row("-h, --help", "Show help information.")
        out += "\nSUBCOMMANDS:\n"
        for command in commands { out += row(command.name, command.abstract) }
        out += "\n  See 'autodev help <subcommand>' for detailed help.\n"
        return out
    }

    static func command(_ spec: CommandSpec) -> String {
        var out = wrap("OVERVIEW: " + spec.abstract) + "\n"
        if !spec.discussion.isEmpty {
            out += "\n" + spec.discussion.split(separator: "\n", omittingEmptySubsequences: false)
                .map { wrap(String($0)) }.joined(separator: "\n") + "\n"
        }
        out += "\nUSAGE: \(spec.usage)\n"
        if !spec.arguments.isEmpty {
            out += "\nARGUMENTS:\n"
            for argument in spec.arguments {
                out += row("<\(argument.name)>" + (argument.count == "*" ? " ..." : ""), argument.help)
            }
        }
        out += "\nOPTIONS:\n"
        for option in spec.allOptions { out += row(option.usage, option.help) }
        out += row("-h, --help", "Show help information.")
        return out
    }

    /// `  name                    help, wrapped in a column`
    private static func row(_ name: String, _ help: String) -> String {
        let indent = 26
        let lead = "  " + name
        let lines = wrapLines(help, width: width - indent)
        var out = lead.count + 2 <= indent ? lead + String(repeating: " ", count: indent - lead.count) : lead + "\n" + String(repeating: " ", count: indent)
        out += lines.first ?? ""
        for line in lines.dropFirst() { out += "\n" + String(repeating: " ", count: indent) + line }
        return out + "\n"
    }

    private static func wrap(_ text: String) -> String {
        wrapLines(text, width: width).joined(separator: "\n")
    }

    static func wrapLines(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        lines.append(line)
        return lines
    }
}
