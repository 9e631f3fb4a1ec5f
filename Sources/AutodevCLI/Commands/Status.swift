internal import AutodevCore
internal import AutodevGit
#if canImport(Glibc)
internal import Glibc
#endif

extension AutodevCommand {
    /// `autodev status`: where the loop stands.
    struct Status {
        static let spec = CommandSpec(
            name: "status",
            abstract: "Show the checkpoint, pending work (and why it waits), requests awaiting an LLM, the last run, a failing validation baseline, the budget, breakers, providers that asked (Retry-After) not to be called before a time, health and the results branch.",
            options: [.flag("json", "Print one JSON object.")])

        let global: GlobalOptions
        let json: Bool

        init(_ arguments: ParsedArguments, directory: String?) {
            global = GlobalOptions(directory: directory)
            json = arguments.flag("json")
        }

        func run() throws {
            let workspace = try Workspace.open(global)
            let report = try Report.gather(workspace, pendingLimit: json ? nil : 10)
            if json {
                Output.write(try JSONOutput.encode(report) + "\n")
                return
            }
            let (text, warnings) = report.text(pendingFolder: workspace.store.pendingFolder)
            Output.write(text)
            for warning in report.warnings + warnings { Output.diagnostic("warning: \(warning)") }
        }
    }
}

enum StatusText {
    /// `2026-12-07 00:25:53 UTC`: a run's start, the same on every machine.
    static func time(_ seconds: Int64) -> String {
        let date = UTCCalendar.civil(seconds)
        let inDay = seconds - UTCCalendar.startOfDay(seconds)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day)) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) UTC"
    }

    /// `0.42 s`, `12.3 s`, `4 min 05 s`; from whole seconds (`~3 s`) for records older than the
    /// run's measured duration.
    static func duration(of run: RunRecord) -> String {
        guard let milliseconds = run.durationMilliseconds else { return "~\(max(0, run.finishedAt - run.startedAt)) s" }
        return duration(milliseconds: milliseconds)
    }

    static func duration(milliseconds: Int64) -> String {
        let ms = max(0, milliseconds)
        if ms < 10_000 {
            let hundredths = (ms + 5) / 10
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
        }
        if ms < 60_000 { return "\((ms + 50) / 1000).\((ms + 50) % 1000 / 100) s" }
        let seconds = (ms + 500) / 1000
        return "\(seconds / 60) min \(seconds % 60 < 10 ? "0" : "")\(seconds % 60) s"
    }

    /// `3 human-change, 1 spec-progress`, largest first; `none` when empty.
    static func skips(_ skips: [String: Int]) -> String {
        let sorted = skips.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return sorted.isEmpty ? "none" : sorted.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    /// `sandbox: …` for status and doctor: whether model code can run, and (doctor) how it is
    /// confined.
    static func sandbox(_ check: Workspace.SandboxCheck, detailed: Bool) -> String {
        guard check.works else { return "sandbox: CANNOT RUN: \(Terminal.safe(check.problem ?? "?"))\n" }
        var out = check.mode == "none" ? "sandbox: none ([validate] sandbox = \"none\"): model code runs unconfined\n"
                                       : "sandbox: bubblewrap works\(check.network ? ", network allowed" : ", no network")\n"
        if detailed { for line in check.allows { out += "  \(Terminal.safe(line))\n" } }
        return out
    }
}
