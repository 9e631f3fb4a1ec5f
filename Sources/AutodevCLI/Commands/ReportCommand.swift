internal import AutodevCore
#if canImport(Glibc)
internal import Glibc
#endif

extension AutodevCommand {
    /// `autodev report --html DIR`: the self-contained HTML page.
    struct ReportCommand {
        static let spec = CommandSpec(
            name: "report",
            abstract: "Write a self-contained HTML report (DIR/index.html): runs over time, work by tier, calls made and avoided, cost per day against the budget, latency percentiles, pending work and why, failed validations with their output, health.",
            discussion: """
                One file, nothing fetched: the data is inline as JSON, the charts inline SVG, and the page's Content-Security-Policy allows no network. Text from the repository (requirement titles, paths, validation output) is escaped. Its figures are those of autodev metrics --json. sync --report-html DIR writes it after a run (a CI artifact).
                """,
            options: [.value("html", "dir", "The folder to write index.html in (made when missing).")])

        let global: GlobalOptions
        let folder: String

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            guard let folder = arguments.value("html"), !folder.isEmpty else {
                throw UsageError("give the folder to write the report in: autodev report --html DIR", spec: Self.spec)
            }
            self.folder = folder
        }

        func run() throws {
            let workspace = try Workspace.open(global)
            let path = try Self.write(workspace, to: folder)
            Output.write("report written to \(Terminal.safe(path))\n")
        }

        /// Writes the page for `workspace`; returns the file's path.
        static func write(_ workspace: Workspace, to folder: String) throws -> String {
            let (data, warnings) = try workspace.metricsReport(now: Int64(time(nil)))
            for warning in warnings { Output.diagnostic("warning: \(Terminal.safe(warning))") }
            return try HTMLReport.write(data, to: folder)
        }
    }
}
