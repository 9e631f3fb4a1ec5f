internal import AutodevCore

/// The human form of a `diff-events` report: a table by priority and a one-line summary.
enum DiffEventsRenderer {
    static func render(_ report: DiffEventsReport) -> String {
        var out = ""
        let from = report.range.from.map { String($0.prefix(12)) } ?? "(empty tree)"
        let to = report.range.to.map { $0 == "worktree" ? $0 : String($0.prefix(12)) } ?? "(nothing)"
        out += "range: \(from)..\(to)\n"
        // Events from test reports come without a change: "no changes" must not hide them.
        if report.changes.isEmpty && report.events.isEmpty {
            out += "no changes\n"
            return out
        }
        if !report.events.isEmpty {
            let kindWidth = max(4, report.events.map { $0.kind.rawValue.count }.max() ?? 0)
            let pathWidth = min(60, max(4, report.events.map { Terminal.safe($0.path).count }.max() ?? 0))
            out += pad("KIND", kindWidth) + "  " + pad("PATH", pathWidth) + "  DETAIL\n"
            for event in report.events {
                out += pad(event.kind.rawValue, kindWidth) + "  " + pad(Terminal.safe(event.path), pathWidth) + "  " + Terminal.safe(event.detail) + "\n"
            }
        }
        var counts: [EventKind: Int] = [:]
        for event in report.events { counts[event.kind, default: 0] += 1 }
        let breakdown = EventKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
        let ignored = report.changes.filter { $0.event == nil }.count
        out += "\(report.changes.count) change\(report.changes.count == 1 ? "" : "s"), "
        out += "\(report.events.count) event\(report.events.count == 1 ? "" : "s")"
        if !breakdown.isEmpty { out += " (" + breakdown.joined(separator: ", ") + ")" }
        out += ", \(ignored) without an event\n"
        if let decisions = report.decisions {
            out += renderDecisions(decisions, events: report.events, needingWork: report.needingWork ?? 0)
        }
        return out
    }

    static func renderDecisions(_ decisions: [Decision], events: [Event], needingWork: Int) -> String {
        var out = "\n"
        guard !decisions.isEmpty else { return out + "no decisions\n" }
        var eventsByID: [String: Event] = [:]
        for event in events { eventsByID[event.id] = event }
        let subjects = decisions.map { decision in
            if let requirement = decision.requirement { return Terminal.safe("\(requirement.key) (\(requirement.spec))") }
            guard let event = eventsByID[decision.eventId] else { return "" }
            return Terminal.safe(event.kind == .testAdded ? "\(event.path) \(event.detail)" : event.path)
        }
        let actionWidth = max(6, decisions.map { $0.action.rawValue.count }.max() ?? 0)
        let subjectWidth = min(60, max(11, subjects.map(\.count).max() ?? 0))
        out += pad("ACTION", actionWidth) + "  " + pad("SUBJECT", subjectWidth) + "  REASON\n"
        for (decision, subject) in zip(decisions, subjects) {
            out += pad(decision.action.rawValue, actionWidth) + "  " + pad(subject.isEmpty ? "-" : subject, subjectWidth)
            out += "  " + Terminal.safe(decision.reason) + "\n"
        }
        var counts: [DecisionAction: Int] = [:]
        for decision in decisions { counts[decision.action, default: 0] += 1 }
        let breakdown = DecisionAction.allCases.compactMap { action in counts[action].map { "\($0) \(action.rawValue)" } }
        out += "\(decisions.count) decision\(decisions.count == 1 ? "" : "s") (" + breakdown.joined(separator: ", ") + "), "
        out += "\(needingWork) need\(needingWork == 1 ? "s" : "") work\n"
        return out
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
