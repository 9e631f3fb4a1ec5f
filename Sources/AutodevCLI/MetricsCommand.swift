internal import AutodevCore
#if canImport(Glibc)
internal import Glibc
#endif

extension AutodevCommand {
    /// `autodev metrics`: the counters, gauges and latency histograms, for Prometheus or as JSON.
    struct MetricsCommand {
        static let spec = CommandSpec(
            name: "metrics",
            abstract: "Print the counters, gauges and latency histograms kept across runs, in the Prometheus text format (default) or as JSON.",
            discussion: """
                Counters (runs, events by kind, decisions by action, work by tier and outcome, LLM calls made and avoided by reason, tokens, cost, errors by code) are the totals of .auto-dev/loop/metrics.json, the same figures status prints; gauges (pending work, requests awaiting a model, work that failed validation, budget left, cost today and this month, safe mode) are read from the state and the spending ledger now; latencies (sync, each tier, each model call, each validation run) are cumulative histograms with fixed buckets, from the run's clock. --output FILE writes the text atomically (a temporary file renamed over FILE), as node_exporter's textfile collector wants (name it *.prom in its directory), or push it: autodev metrics | curl --data-binary @- PUSHGATEWAY/metrics/job/autodev. The metric names are listed in docs/metrics.md.
                """,
            options: [
                .flag("json", "Print the same figures as one JSON object."),
                .flag("prometheus", "Print the Prometheus text exposition format (the default)."),
                .value("output", "file", "Write to <file> atomically instead of stdout."),
            ])

        let global: GlobalOptions
        let json: Bool
        let output: String?

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            global = GlobalOptions(directory: directory)
            json = arguments.flag("json")
            output = arguments.value("output")
            if json && arguments.flag("prometheus") { throw UsageError("give --json or --prometheus, not both", spec: Self.spec) }
            if output == "" { throw UsageError("--output needs a file name", spec: Self.spec) }
        }

        func run() throws {
            let session = try Session.open(global)
            let sync = AutodevCore.Sync(repository: session.repository, config: session.config, environment: [:])
            let (data, warnings) = try sync.metricsReport(now: Int64(time(nil)))
            let text = json ? try JSONOutput.encode(data.metrics) + "\n" : PrometheusText.render(data.metrics)
            if let output {
                try FileSystem.writeAtomically(output, Array(text.utf8))
            } else {
                Output.write(text)
            }
            for warning in warnings { Output.diagnostic("warning: \(Terminal.safe(warning))") }
        }
    }

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
            let session = try Session.open(global)
            let path = try Self.write(session, to: folder)
            Output.write("report written to \(Terminal.safe(path))\n")
        }

        /// Writes the page for `session`'s repository; returns the file's path.
        static func write(_ session: Session, to folder: String) throws -> String {
            let sync = AutodevCore.Sync(repository: session.repository, config: session.config, environment: [:])
            let (data, warnings) = try sync.metricsReport(now: Int64(time(nil)))
            for warning in warnings { Output.diagnostic("warning: \(Terminal.safe(warning))") }
            return try HTMLReport.write(data, to: folder)
        }
    }
}
