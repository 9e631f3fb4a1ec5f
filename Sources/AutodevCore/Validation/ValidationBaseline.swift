internal import AutodevGit

/// The check's result on the processed commit (with the unmerged results on it), kept in
/// the state by tree id so a later run on the same tree does not run it again.
public struct ValidationBaseline: Sendable, Codable, Equatable {
    /// The tree checked: the processed commit's with the unmerged generated files written over it.
    public var tree: String
    public var command: String
    /// `[validate] report` when it ran ("" for none).
    public var report: String
    public var passed: Bool
    /// The failing tests the report named (see `TestReport.Failure.identity`); nil when no
    /// report is configured, or it could not be read (then `reportProblem` says why).
    public var failures: [String]?
    public var reportProblem: String?
    /// The relevant part of the output when it failed.
    public var output: String
    public var at: Int64
    /// The processed commit, for `status` and `doctor`.
    public var commit: String?
    /// The command could not be run at all (scratch copy, spawn): not the project's result, so
    /// the next run tries again on the same tree.
    public var couldNotRun: Bool? = nil
    /// The program `/bin/sh` could not find (exit 127): `[validate] command` names a tool that
    /// is not installed where autodev runs. A setting to fix, reported once.
    public var missingProgram: String? = nil

    /// What to do about a missing program: one configuration message, naming it.
    public var missingProgramMessage: String? {
        missingProgram.map {
            "[validate] command `\(command)` cannot run: `\($0)` is not installed here (exit status 127); install it, "
                + "or set [validate] command in config/autodev.toml to a check that runs here (empty: no check)"
        }
    }

    /// Red, and nothing to judge answers against: tier 5 spends no call until it is green.
    public var blocksAnswers: Bool { !passed && failures == nil }

    /// Why tier-5 work waits while the baseline is red without a usable report.
    public var waitReason: String {
        if let missingProgramMessage { return missingProgramMessage }
        let first = output.split(separator: "\n").first.map(String.init) ?? "it failed"
        var text = "the project's check fails on the processed commit without autodev's changes: \(first)"
        if let reportProblem { return text + " (and its report \(report) cannot be used: \(reportProblem)); fix it or have the command write the report" }
        return text + "; fix it or set [validate] report"
    }

    /// `status` and `doctor`: what a red baseline means for the work, then its output.
    public var lines: [String] {
        guard !passed else { return [] }
        if let missingProgramMessage { return ["validation: " + missingProgramMessage] }
        var head = "baseline: `\(command)` fails on the processed commit\(commit.map { " \($0.prefix(12))" } ?? "") without autodev's changes; "
        if let failures {
            head += "answers are judged against its \(failures.count) failing test\(failures.count == 1 ? "" : "s") (\(report))"
        } else {
            head += "no model call is made until it is green (" + (reportProblem.map { "its report cannot be used: \($0)" } ?? "or set [validate] report") + ")"
        }
        return [head] + output.split(separator: "\n").prefix(12).map { "  | " + $0 }
    }

    func matches(tree: ObjectID, gate: ValidationGate) -> Bool {
        self.tree == tree.hex && command == gate.command && report == (gate.report ?? "") && couldNotRun != true
    }
}
