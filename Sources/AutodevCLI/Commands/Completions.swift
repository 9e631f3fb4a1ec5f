extension AutodevCommand {
    /// `autodev completions bash|zsh|fish`: a completion script printed from the command table,
    /// so it offers exactly the subcommands, options and actions that `--help` lists.
    struct Completions {
        static let shells = ["bash", "zsh", "fish"]

        static let spec = CommandSpec(
            name: "completions",
            abstract: "Print the shell completion script for bash, zsh or fish.",
            discussion: """
                bash: eval "$(autodev completions bash)" in ~/.bashrc, or save it as ~/.local/share/bash-completion/completions/autodev. zsh: save it as _autodev in a folder of $fpath (before compinit runs), or source it after compinit. fish: autodev completions fish > ~/.config/fish/completions/autodev.fish. scripts/install writes all three, and the man page.
                """,
            arguments: [.init(name: "shell", help: "bash, zsh or fish.", count: "1", choices: shells)],
            takesDirectory: false)

        let shell: String

        init(_ arguments: ParsedArguments) {
            shell = arguments.positionals[0]
        }

        func run() {
            Output.write(Self.script(for: shell))
        }

        static func script(for shell: String) -> String {
            switch shell {
            case "zsh": zsh()
            case "fish": fish()
            default: bash()
            }
        }

        static var specs: [CommandSpec] { AutodevCommand.commands.map(\.spec) }

        /// Value placeholders that name a file or a folder, which the shells then complete.
        static func completesPaths(_ option: CommandSpec.Option) -> Bool {
            ["file", "path", "directory", "dir"].contains(option.valueName ?? "")
        }

        /// The first sentence of a help text, without the characters the shells' quoting would
        /// have to escape.
        static func short(_ help: String) -> String {
            var text = ""
            var previous: Character = " "
            for character in help {
                if previous == ".", character == " " { text.removeLast(); break }
                text.append(character)
                previous = character
            }
            if text.hasSuffix(".") { text.removeLast() }
            return String(text.map { "[]'\"`$\\:".contains($0) ? " " : $0 })
        }

        // MARK: - bash

        static func bash() -> String {
            var cases = ""
            for spec in specs {
                let options = spec.allOptions.map(\.spelling) + ["--help"]
                let valued = spec.allOptions.filter { $0.valueName != nil }
                let paths = valued.filter(completesPaths).map(\.spelling)
                let others = valued.filter { !completesPaths($0) }.map(\.spelling)
                let words = spec.name == "help" ? [] : spec.arguments.first?.choices ?? []
                cases += "        \(spec.name))\n"
                if !paths.isEmpty {
                    cases += "            case $prev in \(paths.joined(separator: "|"))) COMPREPLY=($(compgen -f -- \"$cur\")); return ;; esac\n"
                }
                if !others.isEmpty {
                    cases += "            case $prev in \(others.joined(separator: "|"))) return ;; esac\n"
                }
                cases += "            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"\(options.joined(separator: " "))\" -- \"$cur\"))\n"
                if !words.isEmpty {
                    cases += "            elif ((positionals == 0)); then COMPREPLY=($(compgen -W \"\(words.joined(separator: " "))\" -- \"$cur\"))\n"
                } else if spec.arguments.contains(where: { $0.name.contains("path") || $0.name == "directory" }) {
                    cases += "            else COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                }
                cases += "            fi ;;\n"
            }
            let valuedEverywhere = Set(specs.flatMap { $0.allOptions.filter { $0.valueName != nil }.map(\.spelling) })
            return """
                # bash completion for autodev (printed by `autodev completions bash`).
                _autodev() {
                    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
                    local command="" positionals=0 i word
                    for ((i = 1; i < COMP_CWORD; i++)); do
                        word=${COMP_WORDS[i]}
                        case $word in
                            \(valuedEverywhere.sorted().joined(separator: "|"))) ((i++)) ;;
                            -*) ;;
                            *) if [[ -z $command ]]; then command=$word; else ((positionals++)); fi ;;
                        esac
                    done
                    COMPREPLY=()
                    if [[ $prev == -C ]]; then COMPREPLY=($(compgen -d -- "$cur")); return; fi
                    case $command in
                    "")
                        COMPREPLY=($(compgen -W "\(AutodevCommand.names.joined(separator: " ")) -C --version --help" -- "$cur")) ;;
                    help)
                        ((positionals == 0)) && COMPREPLY=($(compgen -W "\(specs.map(\.name).joined(separator: " "))" -- "$cur")) ;;
                \(cases)    esac
                }
                complete -F _autodev autodev

                """
        }

        // MARK: - zsh

        static func zsh() -> String {
            let commands = specs.map { "    '\($0.name):\(short($0.abstract))'" } + ["    'help:Show the help of a subcommand'"]
            var cases = ""
            for spec in specs {
                var lines = spec.allOptions.map { option -> String in
                    let repeat_ = option.repeatable ? "*" : ""
                    var text = "'\(repeat_)\(option.spelling)[\(short(option.help))]"
                    if let value = option.valueName {
                        text += ":\(value):" + (completesPaths(option) ? (option.name == "C" ? "_directories" : "_files") : " ")
                    }
                    return text + "'"
                }
                lines.append("'(- *)'{-h,--help}'[Show help information]'")
                if let argument = spec.arguments.first {
                    let action = !argument.choices.isEmpty ? "(\(argument.choices.joined(separator: " ")))"
                        : argument.name.contains("path") || argument.name == "directory" ? "_files" : " "
                    let position = argument.count == "*" ? "*" : "1"
                    lines.append("'\(position):\(argument.name):\(action)'")
                    if spec.arguments.count > 1 { lines.append("'*::\(spec.arguments[1].name):_files'") }
                }
                cases += "        \(spec.name))\n            _arguments -s \\\n                " + lines.joined(separator: " \\\n                ") + " ;;\n"
            }
            return """
                #compdef autodev
                # zsh completion for autodev (printed by `autodev completions zsh`).
                _autodev() {
                  local curcontext=$curcontext state line
                  local -a commands
                  commands=(
                \(commands.joined(separator: "\n"))
                  )
                  _arguments -C \\
                    '-C[Run as if autodev was started in <path>]:path:_directories' \\
                    '--version[Show the version and the commit it was built from]' \\
                    '(- *)'{-h,--help}'[Show help information]' \\
                    '1:subcommand:->command' \\
                    '*::argument:->argument'
                  case $state in
                    command)
                      _describe -t commands 'autodev subcommand' commands ;;
                    argument)
                      case $line[1] in
                        help)
                          _describe -t commands 'autodev subcommand' commands ;;
                \(cases)      esac ;;
                  esac
                }
                if [[ ${zsh_eval_context[-1]-} == loadautofunc ]]; then
                  _autodev "$@"
                else
                  compdef _autodev autodev
                fi

                """
        }

        // MARK: - fish

        static func fish() -> String {
            var out = """
                # fish completion for autodev (printed by `autodev completions fish`).
                complete -c autodev -f
                complete -c autodev -n __fish_use_subcommand -s C -r -a '(__fish_complete_directories)' -d 'Run as if autodev was started in <path>'
                complete -c autodev -n __fish_use_subcommand -l version -d 'Show the version'
                complete -c autodev -s h -l help -d 'Show help information'
                complete -c autodev -n __fish_use_subcommand -a help -d 'Show the help of a subcommand'

                """
            for spec in specs {
                out += "complete -c autodev -n __fish_use_subcommand -a \(spec.name) -d '\(short(spec.abstract))'\n"
                out += "complete -c autodev -n '__fish_seen_subcommand_from help' -a \(spec.name)\n"
                let when = "-n '__fish_seen_subcommand_from \(spec.name)'"
                for option in spec.allOptions {
                    let name = option.name.count == 1 ? "-s \(option.name)" : "-l \(option.name)"
                    let value = option.valueName == nil ? "" : completesPaths(option) ? (option.name == "C" ? " -r -a '(__fish_complete_directories)'" : " -r -F") : " -r"
                    out += "complete -c autodev \(when) \(name)\(value) -d '\(short(option.help))'\n"
                }
                if let argument = spec.arguments.first, !argument.choices.isEmpty {
                    let words = argument.choices.joined(separator: " ")
                    out += "complete -c autodev -n '__fish_seen_subcommand_from \(spec.name); and not __fish_seen_subcommand_from \(words)' -a '\(words)'\n"
                } else if let argument = spec.arguments.first, argument.name.contains("path") || argument.name == "directory" {
                    out += "complete -c autodev \(when) -F\n"
                }
            }
            return out
        }
    }
}
