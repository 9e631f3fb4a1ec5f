/// What every command that works on a repository takes: `-C <path>` after the subcommand.
struct GlobalOptions {
    var directory: String?

    var startDirectory: String { directory ?? "." }
}
