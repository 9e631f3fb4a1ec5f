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
            let workspace = try Workspace.open(global)
            let (data, warnings) = try workspace.metricsReport(now: Int64(time(nil)))
            let text = json ? try JSONOutput.encode(data.metrics) + "\n" : PrometheusText.render(data.metrics)
            if let output {
                try FileSystem.writeAtomically(output, Array(text.utf8))
            } else {
                Output.write(text)
            }
            for warning in warnings { Output.diagnostic("warning: \(Terminal.safe(warning))") }
        }
    }
}
