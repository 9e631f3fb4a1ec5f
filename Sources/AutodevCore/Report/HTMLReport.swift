internal import FoundationEssentials

/// `autodev report --html DIR`: one self-contained page (`index.html`) — no network, no CDN, the
/// data inline as JSON, the charts inline SVG drawn here — that a person would rather look at
/// than read: key figures, runs over time, work by tier, calls made against avoided, cost per
/// day against the budget, latency percentiles, what is pending and why, failed validations
/// with their last output, health.
///
/// Requirement titles, paths, reasons and validation output come from the repository and the
/// project's tests: untrusted. Every such text is HTML-escaped; the embedded JSON has `<`, `>`
/// and `&` written as `\u003c`…, so no string can close its script element; and the page's
/// Content-Security-Policy allows no network and only its own script (by hash), so even a
/// missed escape could not load or run anything.
///
/// Every figure that `autodev metrics --json` also prints carries `data-metric="PATH"` (the
/// JSON path, dot-separated) with the value as its only text: the test reads them back from
/// the page as Chromium renders it and compares them with `metrics --json`.
public enum HTMLReport {
    /// The page's one script: reads the embedded data (a JSON error would show on the console),
    /// shows the time in the reader's zone, and marks the page ready.
    static let script = """
        (function () {
          var data = JSON.parse(document.getElementById('autodev-data').textContent);
          var when = document.getElementById('generated');
          when.textContent = new Date(data.generatedAt * 1000).toLocaleString();
          document.documentElement.setAttribute('data-ready', String(data.metrics.counters.runs));
        })();
        """

    public static func render(_ data: ReportData) throws(AutodevError) -> String {
        let m = data.metrics, c = m.counters, g = m.gauges
        var body = ""
        body += "<header><h1>autodev</h1><p>Report generated <time id=\"generated\">\(esc(UTCCalendar.format(data.generatedAt)))</time>"
        body += " · health: <strong class=\"\(g.safeMode == 1 ? "bad" : "ok")\">\(g.safeMode == 1 ? "SAFE MODE" : "normal")</strong></p></header>\n"

        // Key figures.
        body += "<section class=\"cards\">\n"
        body += card("runs", int("counters.runs", c.runs))
        body += card("events", int("counters.events", c.events))
        body += card("work items", int("counters.workItems", c.workItems))
        body += card("LLM calls made", int("counters.calls.made", c.calls.made))
        body += card("LLM calls avoided", int("counters.calls.avoidedTotal", c.calls.avoidedTotal))
        body += card("cost", "$" + money("counters.costUSD", c.costUSD))
        body += card("pending", int("gauges.pending", g.pending))
        body += card("awaiting a model", int("gauges.awaitingLLM", g.awaitingLLM))
        body += card("failed validation", int("gauges.failedValidation", g.failedValidation))
        body += card("budget left", ratio("gauges.budgetLeftRatio", g.budgetLeftRatio) + " %")
        body += "</section>\n"

        // Runs over time.
        body += "<section><h2>Runs over time</h2>"
        if data.runs.isEmpty {
            body += "<p class=\"none\">No runs yet.</p>"
        } else {
            body += SVGChart.columns(data.runs.map { run in
                (label: UTCCalendar.format(run.startedAt), values: [Double(run.events), Double(run.workItems), Double(run.callsMade)],
                 title: "\(run.id) (\(run.status)): \(run.events) events, \(run.workItems) work items, \(run.callsMade) calls, \(run.seconds) s")
            }, series: ["events", "work items", "calls"])
            body += "<p class=\"note\">The latest \(data.runs.count) run\(data.runs.count == 1 ? "" : "s") of <span data-metric=\"counters.runs\">\(c.runs)</span>, oldest on the left.</p>"
        }
        body += "</section>\n"

        // Work by tier; calls made and avoided.
        body += "<div class=\"pair\"><section><h2>Work by tier</h2>"
        body += c.tiers.isEmpty ? "<p class=\"none\">No work answered yet.</p>"
            : SVGChart.bars(c.tiers.sorted { $0.key < $1.key }.map { (label: $0.key, value: Double($0.value), metric: "counters.tiers." + $0.key, money: false) })
        if !c.work.isEmpty {
            body += "<table><tr><th>tier</th><th>outcome</th><th>work</th></tr>"
            for tier in c.work.keys.sorted() {
                for (outcome, count) in c.work[tier]!.sorted(by: { $0.key < $1.key }) {
                    body += "<tr><td>\(esc(tier))</td><td>\(esc(outcome))</td><td>\(int("counters.work.\(tier).\(outcome)", count))</td></tr>"
                }
            }
            body += "</table>"
        }
        body += "</section><section><h2>Calls made and avoided</h2>"
        var calls: [(label: String, value: Double, metric: String?, money: Bool)] = [
            ("made", Double(c.calls.made), "counters.calls.made", false), ("naive (one per work item)", Double(c.calls.naive), "counters.calls.naive", false)]
        for (reason, count) in c.calls.avoided.sorted(by: { $0.key < $1.key }) {
            calls.append(("avoided: " + reason, Double(count), "counters.calls.avoided." + reason, false))
        }
        body += SVGChart.bars(calls)
        body += "<p class=\"note\"><span data-metric=\"counters.calls.failed\">\(c.calls.failed)</span> without a usable answer; "
        body += "<span data-metric=\"counters.calls.discarded\">\(c.calls.discarded)</span> answered and discarded; "
        body += "<span data-metric=\"counters.calls.writtenOut\">\(c.calls.writtenOut)</span> requests written out; tokens "
        body += "<span data-metric=\"counters.tokens.input\">\(c.tokens.input)</span> in, <span data-metric=\"counters.tokens.output\">\(c.tokens.output)</span> out.</p>"
        body += "</section></div>\n"

        // Cost per day against the budget.
        body += "<section><h2>Cost per day</h2>"
        let days = m.costByDay.sorted { $0.key < $1.key }.suffix(60)
        if days.isEmpty {
            body += "<p class=\"none\">No model cost recorded.</p>"
        } else {
            body += SVGChart.bars(days.map { (label: $0.key, value: $0.value, metric: "costByDay." + $0.key, money: true) },
                                  limit: g.maxCostPerDayUSD > 0 ? g.maxCostPerDayUSD : nil)
        }
        body += "<p class=\"note\">Today $" + money("gauges.costTodayUSD", g.costTodayUSD)
        body += g.maxCostPerDayUSD > 0 ? " of $" + money("gauges.maxCostPerDayUSD", g.maxCostPerDayUSD) + " a day" : " (no daily cap)"
        body += "; this month $" + money("gauges.costMonthUSD", g.costMonthUSD)
        body += g.maxCostPerMonthUSD > 0 ? " of $" + money("gauges.maxCostPerMonthUSD", g.maxCostPerMonthUSD) : " (no monthly cap)"
        body += ".</p></section>\n"

        // Latency percentiles.
        body += "<section><h2>Latency</h2>"
        if m.latency.isEmpty {
            body += "<p class=\"none\">Nothing timed yet.</p>"
        } else {
            body += "<table><tr><th>what</th><th>count</th><th>p50 s</th><th>p90 s</th><th>p99 s</th><th>total s</th></tr>"
            for key in m.latency.keys.sorted() {
                let series = m.latency[key]!
                body += "<tr><td>\(esc(series.name + (series.label.map { " " + $0 } ?? "")))</td><td>\(int("latency.\(key).count", series.count))</td>"
                body += "<td>\(seconds("latency.\(key).p50Seconds", series.p50Seconds))</td><td>\(seconds("latency.\(key).p90Seconds", series.p90Seconds))</td>"
                body += "<td>\(seconds("latency.\(key).p99Seconds", series.p99Seconds))</td><td>\(seconds("latency.\(key).sumSeconds", series.sumSeconds))</td></tr>"
            }
            body += "</table><p class=\"note\">Percentiles estimated from fixed buckets, as Prometheus's histogram_quantile does.</p>"
        }
        body += "</section>\n"

        // Pending and why.
        body += "<section><h2>Pending (<span data-metric=\"gauges.pending\">\(g.pending)</span>) and why</h2>"
        if data.pending.isEmpty {
            body += "<p class=\"none\">Nothing pending.</p>"
        } else {
            body += "<table><tr><th>work</th><th>action</th><th>why it waits</th></tr>"
            for item in data.pending {
                body += "<tr><td>\(esc(item.subject))</td><td>\(esc(item.action))</td><td>\(esc(item.waits ?? item.reason))</td></tr>"
            }
            body += "</table>"
        }
        if !data.awaitingLLM.isEmpty {
            body += "<h3>Awaiting a model (<span data-metric=\"gauges.awaitingLLM\">\(g.awaitingLLM)</span>)</h3><ul>"
            for request in data.awaitingLLM { body += "<li>\(esc(request))</li>" }
            body += "</ul>"
        }
        body += "</section>\n"

        // Failed validations.
        body += "<section><h2>Failed validation (<span data-metric=\"gauges.failedValidation\">\(g.failedValidation)</span>)</h2>"
        if data.failedValidation.isEmpty { body += "<p class=\"none\">None.</p>" }
        for failed in data.failedValidation {
            body += "<details open><summary>\(esc(failed.subject)) — \(failed.rounds) round\(failed.rounds == 1 ? "" : "s"), \(esc(UTCCalendar.format(failed.at)))</summary>"
            body += "<pre>\(esc(failed.output))</pre></details>"
        }
        body += "</section>\n"

        // Health.
        body += "<section><h2>Health</h2><table>"
        body += "<tr><th>mode</th><td class=\"\(g.safeMode == 1 ? "bad" : "ok")\">\(esc(data.health.mode))\(data.health.why.map { " (" + esc($0) + ")" } ?? "")</td></tr>"
        body += "<tr><th>error rate</th><td>\(ratio("gauges.errorRate", g.errorRate)) % over \(data.health.recentCalls) recent calls</td></tr>"
        body += "<tr><th>budget left</th><td>\(ratio("gauges.budgetLeftRatio", g.budgetLeftRatio)) %</td></tr>"
        if let free = data.health.freeDiskMB { body += "<tr><th>free disk</th><td>\(free) MB</td></tr>" }
        body += "<tr><th>validation baseline</th><td class=\"\(g.validationBaselineRed == 1 ? "bad" : "ok")\">"
        body += g.validationBaselineRed == 1 ? "red" : "green or not run"
        body += " (<span data-metric=\"gauges.validationBaselineRed\">\(g.validationBaselineRed)</span>)</td></tr>"
        var errors = ""
        for (code, count) in c.errors.sorted(by: { $0.key < $1.key }) { errors += "\(esc(code)) \(int("counters.errors.\(code)", count)); " }
        body += "<tr><th>errors</th><td>\(errors.isEmpty ? "none" : errors)</td></tr></table>"
        if let output = data.health.baselineOutput { body += "<pre>\(esc(output))</pre>" }
        for warning in data.health.warnings { body += "<p class=\"bad\">\(esc(warning))</p>" }
        body += "</section>\n"

        let json = try embeddedJSON(data)
        let hash = "sha256-" + base64(SHA256.hash(Array(script.utf8)))
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '\(hash)'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>autodev report</title>
            <style>\(style)</style></head>
            <body>
            \(body)<script type="application/json" id="autodev-data">\(json)</script>
            <script>\(script)</script>
            </body></html>

            """
    }

    /// Writes `DIR/index.html` atomically (the folder is made when missing); returns its path.
    public static func write(_ data: ReportData, to folder: String) throws(AutodevError) -> String {
        if FileSystem.exists(folder) && !FileSystem.isDirectory(folder) {
            throw AutodevError(.invalidArgument, "\(folder) is a file, not a folder; give report --html a folder (it writes index.html there)")
        }
        try FileSystem.makeDirectories(folder)
        let path = folder + (folder.hasSuffix("/") ? "" : "/") + "index.html"
        try FileSystem.writeAtomically(path, Array(try render(data).utf8))
        return path
    }

    /// The data as JSON that cannot end its script element or start markup: `<`, `>`, `&` and
    /// the two JavaScript line separators are written as `\u` escapes (the same string to
    /// `JSON.parse`).
    static func embeddedJSON(_ data: ReportData) throws(AutodevError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text: String
        do {
            text = String(decoding: try encoder.encode(data), as: UTF8.self)
        } catch {
            throw AutodevError(.ioFailure, "cannot encode the report's data: \(error)")
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for HTML content or a quoted attribute.
    static func esc(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private static func card(_ label: String, _ value: String) -> String {
        "<div class=\"card\"><div class=\"figure\">\(value)</div><div class=\"label\">\(esc(label))</div></div>\n"
    }

    static func int(_ path: String, _ value: Int) -> String {
        "<span data-metric=\"\(esc(path))\">\(value)</span>"
    }

    /// Dollars with four decimals (as `status` prints them).
    static func money(_ path: String, _ value: Double) -> String {
        "<span data-metric=\"\(esc(path))\">\(LLMUsage.dollars(value))</span>"
    }

    /// A ratio as a percentage with one decimal; the element's `data-scale` says it is ×100.
    static func ratio(_ path: String, _ value: Double) -> String {
        "<span data-metric=\"\(esc(path))\" data-scale=\"100\">\(fixed(value * 100, 1))</span>"
    }

    static func seconds(_ path: String, _ value: Double?) -> String {
        "<span data-metric=\"\(esc(path))\">\(value.map { fixed($0, 3) } ?? "–")</span>"
    }

    /// `value` with `places` decimals.
    static func fixed(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale), fraction = scaled % Int64(scale)
        var digits = String(fraction)
        while digits.count < places { digits = "0" + digits }
        return (value < 0 && scaled != 0 ? "-" : "") + "\(whole)" + (places > 0 ? "." + digits : "")
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let n = (UInt32(chunk[0]) << 16) | (chunk.count > 1 ? UInt32(chunk[1]) << 8 : 0) | (chunk.count > 2 ? UInt32(chunk[2]) : 0)
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            out.append(chunk.count > 1 ? alphabet[Int((n >> 6) & 63)] : UInt8(ascii: "="))
            out.append(chunk.count > 2 ? alphabet[Int(n & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 1.5em;color:#1d2330;background:#fafbfc}
        h1{margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .5em}header p{color:#555;margin:0}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.6em;margin-top:1em}
        .card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:.6em .8em}
        .figure{font-size:1.6em;font-weight:600}.label{color:#5b6475}
        .pair{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}@media(max-width:800px){.pair{grid-template-columns:1fr}}
        table{border-collapse:collapse;margin:.4em 0;width:100%}th,td{text-align:left;padding:.25em .6em;border-bottom:1px solid #e4e7ec;vertical-align:top}
        pre{background:#f1f3f6;padding:.6em;overflow:auto;max-height:24em;white-space:pre-wrap}
        .note,.none{color:#5b6475}.bad{color:#b42318;font-weight:600}.ok{color:#067647}
        svg{max-width:100%;height:auto;background:#fff;border:1px solid #dde1e7;border-radius:8px}
        svg text{font:11px system-ui,sans-serif;fill:#1d2330}
        .s0{fill:#4c78a8}.s1{fill:#f58518}.s2{fill:#54a24b}.bar{fill:#4c78a8}.over{fill:#e45756}.limit{stroke:#e45756;stroke-dasharray:4 3;stroke-width:1.5}
        """
}
