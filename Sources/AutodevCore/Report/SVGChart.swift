/// The report's charts as inline SVG, drawn here (no script, no library): horizontal bars
/// with their values, and grouped columns over time. Labels are escaped like all page text.
enum SVGChart {
    /// One bar per row: label, bar, value (`metric` marks the value as a figure of
    /// `metrics --json`); `limit` draws a dashed line at that value (the budget).
    static func bars(_ rows: [(label: String, value: Double, metric: String?, money: Bool)], limit: Double? = nil) -> String {
        let rowHeight = 22, labelWidth = 170, barWidth = 260, valueWidth = 80
        let width = labelWidth + barWidth + valueWidth, height = rows.count * rowHeight + 10
        let top = max(rows.map(\.value).max() ?? 0, limit ?? 0)
        let scale = top > 0 ? Double(barWidth) / top : 0
        var out = "<svg viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\">"
        for (index, row) in rows.enumerated() {
            let y = 5 + index * rowHeight
            let length = Int((row.value * scale).rounded())
            let over = limit.map { row.value > $0 } ?? false
            out += "<text x=\"4\" y=\"\(y + 15)\">\(HTMLReport.esc(row.label))</text>"
            out += "<rect class=\"\(over ? "over" : "bar")\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(length, row.value > 0 ? 1 : 0))\" height=\"15\" rx=\"2\"><title>\(HTMLReport.esc(row.label))</title></rect>"
            let shown = row.money ? LLMUsage.dollars(row.value) : PrometheusText.number(row.value)
            let attribute = row.metric.map { " data-metric=\"\(HTMLReport.esc($0))\"" } ?? ""
            out += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\">\(row.money ? "$" : "")<tspan\(attribute)>\(shown)</tspan></text>"
        }
        if let limit, limit > 0 {
            let x = labelWidth + Int((limit * scale).rounded())
            out += "<line class=\"limit\" x1=\"\(x)\" y1=\"0\" x2=\"\(x)\" y2=\"\(height)\"><title>budget $\(LLMUsage.dollars(limit)) a day</title></line>"
        }
        return out + "</svg>"
    }

    /// Grouped columns, one group per point (a run), one column per series, with a legend;
    /// each group's `title` is its tooltip.
    static func columns(_ points: [(label: String, values: [Double], title: String)], series: [String]) -> String {
        let height = 192, bottom = 150, left = 36
        let group = max(6, min(40, 900 / max(1, points.count)))
        let column = max(1, (group - 2) / max(1, series.count))
        let width = left + points.count * group + 10
        let top = points.flatMap(\.values).max() ?? 0
        let scale = top > 0 ? Double(bottom - 20) / top : 0
        var out = "<svg viewBox=\"0 0 \(max(width, 640)) \(height)\" width=\"\(max(width, 640))\" height=\"\(height)\" role=\"img\">"
        out += "<text x=\"2\" y=\"14\">\(PrometheusText.number(top))</text><text x=\"2\" y=\"\(bottom)\">0</text>"
        out += "<line x1=\"\(left - 2)\" y1=\"\(bottom)\" x2=\"\(max(width, 640))\" y2=\"\(bottom)\" stroke=\"#99a\"/>"
        for (index, point) in points.enumerated() {
            let x = left + index * group
            out += "<g><title>\(HTMLReport.esc(point.label + ": " + point.title))</title>"
            for (which, value) in point.values.enumerated() {
                let h = Int((value * scale).rounded())
                out += "<rect class=\"s\(which % 3)\" x=\"\(x + which * column)\" y=\"\(bottom - h)\" width=\"\(column)\" height=\"\(h)\"/>"
            }
            out += "</g>"
        }
        if let first = points.first, let last = points.last {
            out += "<text x=\"\(left)\" y=\"\(bottom + 14)\">\(HTMLReport.esc(first.label))</text>"
            if points.count > 1 { out += "<text x=\"\(max(width, 640) - 4)\" y=\"\(bottom + 14)\" text-anchor=\"end\">\(HTMLReport.esc(last.label))</text>" }
        }
        for (which, name) in series.enumerated() {
            let x = left + which * 110
            out += "<rect class=\"s\(which % 3)\" x=\"\(x)\" y=\"\(bottom + 22)\" width=\"10\" height=\"10\"/><text x=\"\(x + 14)\" y=\"\(bottom + 31)\">\(HTMLReport.esc(name))</text>"
        }
        return out + "</svg>"
    }
}
