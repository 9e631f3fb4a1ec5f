internal import AutodevCore

extension AutodevCommand {
    /// `autodev man`: the manual page, in roff, printed from the same command table as `--help`
    /// (every subcommand's usage, discussion, arguments and options; the exit statuses from
    /// the one table). scripts/install writes it to share/man/man1/autodev.1.
    enum ManPage {
        static let spec = CommandSpec(
            name: "man",
            abstract: "Print the manual page (roff) from the same table as --help.",
            discussion: "man <(autodev man) shows it; scripts/install writes it to PREFIX/share/man/man1/autodev.1.",
            options: [
                .flag("exit-status-markdown", "Print the exit-status table of docs/exit-status.md (Markdown) instead of the page; scripts/exit-status-doc writes it there."),
            ],
            takesDirectory: false)

        static func run(_ arguments: ParsedArguments) {
            Output.write(arguments.flag("exit-status-markdown") ? exitStatusMarkdown() : text())
        }

        /// docs/exit-status.md's table, from the one table (`AutodevError.ExitStatus`): a row
        /// per status with its full documentation.
        static func exitStatusMarkdown() -> String {
            "| status | meaning |\n|---|---|\n"
                + AutodevError.ExitStatus.allCases.map { "| \($0.rawValue) | \($0.documentation) |\n" }.joined()
        }

        static func text() -> String {
            var out = """
                .TH AUTODEV 1 "" "\(AutodevVersion.string)" "User Commands"
                .nh
                .ad l
                .SH NAME
                autodev \\- \(escape(AutodevCommand.abstract.lowercasedFirst))
                .SH SYNOPSIS
                .B autodev
                [\\fB\\-C\\fR \\fIpath\\fR] \\fIsubcommand\\fR [\\fIoptions\\fR]
                .br
                .B autodev \\-\\-version
                .SH DESCRIPTION
                \(escape(AutodevCommand.abstract))
                Every subcommand takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR; \\fBautodev help\\fR \\fIsubcommand\\fR prints the same text as this page's section.
                .SH COMMANDS

                """
            for entry in AutodevCommand.commands {
                let spec = entry.spec
                out += ".SS \(spec.name)\n"
                out += ".B \(escape(spec.usage))\n.PP\n\(escape(spec.abstract))\n"
                for paragraph in spec.discussion.split(separator: "\n", omittingEmptySubsequences: true) {
                    out += ".PP\n\(escape(String(paragraph)))\n"
                }
                for argument in spec.arguments {
                    out += ".TP\n.I \(escape(argument.name))\n\(escape(argument.help))\n"
                }
                for option in spec.allOptions {
                    let value = option.valueName.map { " \\fI\(escape($0))\\fR" } ?? ""
                    out += ".TP\n\\fB\(escape(option.spelling))\\fR\(value)\n\(escape(option.help))\n"
                }
            }
            out += ".SH EXIT STATUS\n"
            for (code, meaning) in AutodevError.ExitStatus.table {
                out += ".TP\n.B \(code)\n\(escape(meaning))\n"
            }
            out += ".SH ENVIRONMENT\n"
            for (name, meaning) in AutodevCommand.environmentRows {
                out += ".TP\n.B \(escape(name))\n\(escape(meaning))\n"
            }
            out += ".SH SEE ALSO\n.BR git (1),\n.BR git\\-hooks (5)\n"
            return out
        }

        /// Text safe in roff: backslashes and hyphens escaped, a line never starting with a
        /// control character.
        static func escape(_ text: String) -> String {
            var out = ""
            for character in text {
                switch character {
                case "\\": out += "\\e"
                case "-": out += "\\-"
                case _ where !character.isASCII:
                    // groff reads its input as Latin-1: anything else by its code point.
                    for scalar in character.unicodeScalars {
                        let hex = String(scalar.value, radix: 16, uppercase: true)
                        out += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
                    }
                default: out.append(character)
                }
            }
            return out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
            }.joined(separator: "\n")
        }
    }
}

private extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
