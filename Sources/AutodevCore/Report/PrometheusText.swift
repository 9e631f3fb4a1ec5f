/// `autodev metrics --prometheus`: the snapshot in the Prometheus text exposition format
/// (version 0.0.4), as node_exporter's textfile collector and a Pushgateway read it. Counters
/// end in `_total`, durations are histograms in seconds (`_bucket{le=…}` cumulative, `_sum`,
/// `_count`), every family has its HELP and TYPE once, label values are escaped.
public enum PrometheusText {
    public static func render(_ snapshot: MetricsSnapshot) -> String {
        var out = Writer()
        let c = snapshot.counters, g = snapshot.gauges
        out.family("autodev_runs_total", "counter", "Sync runs recorded (a run redone after a crash counts once).", [([], Double(c.runs))])
        out.family("autodev_events_total", "counter", "Events processed, by kind.", labelled("kind", c.eventsByKind))
        out.family("autodev_decisions_total", "counter", "Decisions, by action (skips included).", labelled("action", c.decisions))
        out.family("autodev_skips_total", "counter", "Decisions that needed no work, by the rule that skipped them.", labelled("rule", c.skips))
        out.family("autodev_work_items_total", "counter", "Decisions that needed work.", [([], Double(c.workItems))])
        out.family("autodev_work_answered_total", "counter", "Work answered, by tier (as status and history count it).", labelled("tier", c.tiers))
        var work: [([(String, String)], Double)] = []
        for tier in c.work.keys.sorted() {
            for (outcome, count) in c.work[tier]!.sorted(by: { $0.key < $1.key }) { work.append(([("tier", tier), ("outcome", outcome)], Double(count))) }
        }
        out.family("autodev_work_total", "counter", "Pieces of work by tier and outcome (landed, no-files, written-out, failed, pending).", work)
        out.family("autodev_llm_calls_total", "counter", "Requests sent to models, every retry included.", [([], Double(c.calls.made))])
        out.family("autodev_llm_calls_failed_total", "counter", "Requests to models that gave no usable answer.", [([], Double(c.calls.failed))])
        out.family("autodev_llm_calls_naive_total", "counter", "Calls a runner with no tiers would have made: one per work item.", [([], Double(c.calls.naive))])
        out.family("autodev_llm_calls_avoided_total", "counter", "Calls not made, by reason (tier that answered, or batching).", labelled("reason", c.calls.avoided))
        out.family("autodev_llm_answers_discarded_total", "counter", "Work a model answered whose answer did not land.", [([], Double(c.calls.discarded))])
        out.family("autodev_false_reuses_total", "counter", "Reused answers that failed validation, by tier.", labelled("tier", c.calls.falseReuses))
        out.family("autodev_llm_requests_written_total", "counter", "Requests written out for a later answer (no call made).", [([], Double(c.calls.writtenOut))])
        out.family("autodev_llm_tokens_total", "counter", "Model tokens, by direction.",
                   [([("direction", "input")], Double(c.tokens.input)), ([("direction", "output")], Double(c.tokens.output))])
        out.family("autodev_llm_tokens_saved_total", "counter", "Tokens the reused answers cost when they were asked for.", [([], Double(c.tokens.saved))])
        out.family("autodev_llm_cost_usd_total", "counter", "Model cost in USD at the configured prices.", [([], c.costUSD)])
        out.family("autodev_llm_cost_saved_usd_total", "counter", "What the reused answers cost when they were asked for, in USD.", [([], c.costSavedUSD)])
        out.family("autodev_errors_total", "counter", "Errors by code.", labelled("code", c.errors))
        out.family("autodev_pending_work", "gauge", "Work waiting for a later run.", [([], Double(g.pending))])
        out.family("autodev_awaiting_llm_requests", "gauge", "Requests written out, waiting for an answer.", [([], Double(g.awaitingLLM))])
        out.family("autodev_failed_validation_work", "gauge", "Work parked after failing validation in every round.", [([], Double(g.failedValidation))])
        out.family("autodev_budget_left_ratio", "gauge", "Share of the tightest budget cap left (1 with no cap).", [([], g.budgetLeftRatio)])
        out.family("autodev_cost_today_usd", "gauge", "Spent on models today (UTC), from the spending ledger.", [([], g.costTodayUSD)])
        out.family("autodev_cost_month_usd", "gauge", "Spent on models this month (UTC), from the spending ledger.", [([], g.costMonthUSD)])
        out.family("autodev_max_cost_per_day_usd", "gauge", "The daily budget cap (0: none).", [([], g.maxCostPerDayUSD)])
        out.family("autodev_max_cost_per_month_usd", "gauge", "The monthly budget cap (0: none).", [([], g.maxCostPerMonthUSD)])
        out.family("autodev_safe_mode", "gauge", "1 in safe mode (no model calls).", [([], Double(g.safeMode))])
        out.family("autodev_llm_error_rate", "gauge", "Share of recent model calls that failed.", [([], g.errorRate)])
        out.family("autodev_validation_baseline_red", "gauge", "1 when the project's own check fails on the processed commit.", [([], Double(g.validationBaselineRed))])
        out.family("autodev_last_run_timestamp_seconds", "gauge", "When the last run started.", [([], Double(g.lastRunTimestampSeconds))])

        let help = ["sync": "One pass of sync, start to state saved.", "tier": "One piece of work in a tier (one change for llm; the reuse stage for reuse).",
                    "llm_call": "One request to a model.", "validation": "One run of the [validate] command."]
        let byName = Dictionary(grouping: snapshot.latency.values, by: \.name)
        for name in byName.keys.sorted() {
            let metric = "autodev_\(sanitized(name))_duration_seconds"
            out.line("# HELP \(metric) \(escapeHelp(help[name] ?? "Time of \(name), from autodev's clock."))")
            out.line("# TYPE \(metric) histogram")
            for series in byName[name]!.sorted(by: { ($0.label ?? "") < ($1.label ?? "") }) {
                let labels: [(String, String)] = series.label.map { [(series.labelName ?? "label", $0)] } ?? []
                for bucket in series.buckets {
                    out.sample(metric + "_bucket", labels + [("le", bucket.le.map(number) ?? "+Inf")], Double(bucket.count))
                }
                out.sample(metric + "_sum", labels, series.sumSeconds)
                out.sample(metric + "_count", labels, Double(series.count))
            }
        }
        return out.text
    }

    private static func labelled(_ name: String, _ values: [String: Int]) -> [([(String, String)], Double)] {
        values.sorted { $0.key < $1.key }.map { ([(name, $0.key)], Double($0.value)) }
    }

    /// A metric name part: `[a-zA-Z0-9_]`, anything else as `_`.
    static func sanitized(_ name: String) -> String {
        String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_") ? Character(scalar) : "_"
        })
    }

    /// `1`, `0.25`, `1e-05`: integers without a fraction, the rest as Swift prints a Double.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func escapeHelp(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    private struct Writer {
        var text = ""

        mutating func line(_ line: String) { text += line + "\n" }

        mutating func family(_ name: String, _ type: String, _ help: String, _ samples: [([(String, String)], Double)]) {
            line("# HELP \(name) \(PrometheusText.escapeHelp(help))")
            line("# TYPE \(name) \(type)")
            for (labels, value) in samples { sample(name, labels, value) }
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
            let rendered = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(PrometheusText.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
            line(name + rendered + " " + PrometheusText.number(value))
        }
    }
}
