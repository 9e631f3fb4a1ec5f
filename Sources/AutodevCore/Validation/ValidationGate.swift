internal import AutodevGit

/// The project's own checks (`[validate] command`), run by /bin/sh in a scratch copy of the
/// processed commit with generated files on top, in the sandbox (it runs code a model wrote;
/// what it printed is scrubbed of secrets before it is logged or shown to a model). Generated work reaches the results branch only
/// when they pass — judged against the *baseline*, the same check on the processed commit with
/// only the unmerged results on it: a project whose own tests already fail must not make every
/// answer fail (issue 19: one unrelated red test cost 20 calls and landed nothing).
///
/// The API, for every caller (tier runner, tiers 3–5, `validate` decisions):
/// `baseline(tree:…)` once per tree, then `judge(baseTree:files:against:…)` per answer.
struct ValidationGate {
    enum Outcome: Equatable {
        case passed
        /// The checks ran and failed: the relevant part of their output, for the model. Against
        /// a red baseline with a report, only the tests the answer newly breaks are named.
        case failed(String)
        /// Stopped by a signal: nothing is decided.
        case stopped
        /// The checks could not be run (scratch copy, spawn): not the answer's fault.
        case broken(String)
    }

    let repository: Repository
    let command: String
    let timeoutSeconds: Int
    let sandbox: Sandbox
    let runner: any CommandRunner
    /// `[validate] report`: a JUnit XML file the command writes, relative to the scratch copy.
    var report: String? = nil
    /// Where each run of the command is timed (`validation` histogram); nil: not timed.
    var timings: RunTimings? = nil

    /// One run of the command: how it ended, its output and, with a report, what it named.
    struct Run {
        var outcome: Outcome
        var failures: [TestReport.Failure]?
        var reportProblem: String?
        /// The program the shell could not find (exit 127, "not found"): a setting to fix, not
        /// a result of the project's checks.
        var missingProgram: String? = nil
    }

    /// The program a shell said it could not find: `/bin/sh: 1: pnpm: not found` (dash),
    /// `sh: pnpm: command not found` (bash), `sh: line 1: pnpm: not found`; nil otherwise.
    static func missingProgram(in output: String) -> String? {
        for line in output.split(separator: "\n") {
            let text = line.trimmingSpaces()
            guard text.hasSuffix(": not found") || text.hasSuffix(": command not found") else { continue }
            let parts = text.split(separator: ":").map { $0.trimmingSpaces() }
            guard parts.count >= 3 else { continue }
            let name = parts[parts.count - 2]
            if !name.isEmpty, !name.contains(" ") { return name }
        }
        return nil
    }

    /// Runs the checks on `baseTree` with `files` (path → blob) written over it, judged by the
    /// exit status alone.
    func check(baseTree: ObjectID, files: [String: ObjectID], logPath: String?, stopRequested: () -> StopReason?) -> Outcome {
        execute(baseTree: baseTree, files: files, logPath: logPath, stopRequested: stopRequested).outcome
    }

    /// The tree `files` make over `baseTree`: what a baseline is keyed by.
    func tree(baseTree: ObjectID, files: [String: ObjectID]) throws -> ObjectID {
        try repository.writeTree(base: baseTree, blobs: files)
    }

    /// Runs the checks on the processed commit with the unmerged results (`files`); nil when a
    /// stop ended it (nothing is known).
    func baseline(baseTree: ObjectID, files: [String: ObjectID], commit: ObjectID?, logPath: String?, now: Int64,
                  stopRequested: () -> StopReason?) -> ValidationBaseline? {
        let treeID = (try? tree(baseTree: baseTree, files: files))?.hex ?? baseTree.hex
        let run = execute(baseTree: baseTree, files: files, logPath: logPath, stopRequested: stopRequested)
        var baseline = ValidationBaseline(tree: treeID, command: command, report: report ?? "", passed: false, failures: nil, reportProblem: nil,
                                output: "", at: now, commit: commit?.hex)
        switch run.outcome {
        case .passed: baseline.passed = true
        case .stopped: return nil
        case .broken(let why):
            baseline.output = "`\(command)` could not be run: \(why)"
            baseline.couldNotRun = true
            baseline.missingProgram = run.missingProgram
        case .failed(let output):
            baseline.output = output
            baseline.failures = run.failures.map { Set($0.map(\.identity)).sorted() }
            baseline.reportProblem = run.reportProblem
        }
        return baseline
    }

    /// Judges an answer (`files` over `baseTree`) against the baseline: with a readable report
    /// on both sides, it passes when it adds no failing test over the baseline's failures, and
    /// the feedback names only the tests it newly breaks; otherwise by the exit status.
    func judge(baseTree: ObjectID, files: [String: ObjectID], against baseline: ValidationBaseline?, logPath: String?,
               stopRequested: () -> StopReason?) -> Outcome {
        let run = execute(baseTree: baseTree, files: files, logPath: logPath, stopRequested: stopRequested)
        guard case .failed(let output) = run.outcome, report != nil else { return run.outcome }
        guard let failures = run.failures else {
            return .failed(output + "\n(the test report \(report ?? "") could not be used: \(run.reportProblem ?? "not written"))")
        }
        let known = Set(baseline.flatMap { $0.passed ? [] : $0.failures } ?? [])
        var seen = Set<String>()
        let new = failures.filter { !known.contains($0.identity) && seen.insert($0.identity).inserted }
        if new.isEmpty {
            // Red only where the processed commit already was, and the baseline failed too.
            if let baseline, !baseline.passed, baseline.failures != nil { return .passed }
            return .failed(output)
        }
        var text = "`\(command)`: \(new.count) test\(new.count == 1 ? "" : "s") that passed (or did not exist) before this change now fail\(new.count == 1 ? "s" : "")"
        if !known.isEmpty { text += " (\(known.count) test\(known.count == 1 ? " fails" : "s fail") on the processed commit already and \(known.count == 1 ? "is" : "are") not yours to fix)" }
        text += ":"
        var size = 0
        for failure in new {
            let line = "- \(failure.displayName)\(failure.file.map { " (\($0)\(failure.line.map { ":\($0)" } ?? ""))" } ?? ""): \(failure.message)"
            size += line.utf8.count
            if size > 6000 { text += "\n…"; break }
            text += "\n" + line
        }
        return .failed(text)
    }

    private func execute(baseTree: ObjectID, files: [String: ObjectID], logPath: String?, stopRequested: () -> StopReason?) -> Run {
        guard let timings else { return executeUntimed(baseTree: baseTree, files: files, logPath: logPath, stopRequested: stopRequested) }
        return timings.measure(.validation) { executeUntimed(baseTree: baseTree, files: files, logPath: logPath, stopRequested: stopRequested) }
    }

    private func executeUntimed(baseTree: ObjectID, files: [String: ObjectID], logPath: String?, stopRequested: () -> StopReason?) -> Run {
        if let problem = sandbox.problem() { return Run(outcome: .broken(Sandbox.refusal(problem))) }
        guard let scratch = Generator.makeScratchFolder(sandbox.hostTemporaryFolder) else { return Run(outcome: .broken("could not get a scratch folder")) }
        defer { Generator.removeTree(scratch) }
        do {
            let tree = try repository.writeTree(base: baseTree, blobs: files)
            _ = try Generator.materialize(tree, of: repository, into: scratch)
        } catch {
            return Run(outcome: .broken("could not prepare the scratch copy: \(error)"))
        }
        // A report committed to the tree is not this run's.
        if let report { FileSystem.remove(scratch + "/" + report) }
        var result = runner.run(CommandSpec(command: command, directory: scratch, sandbox: sandbox, variables: ["AUTODEV_VALIDATING": "1"],
                                            timeoutSeconds: timeoutSeconds, maxOutputBytes: 4 << 20, mergeErrors: true),
                                stopRequested: stopRequested)
        result.output = sandbox.scrub(result.output)
        if let logPath {
            try? FileSystem.makeDirectories(String(logPath[..<(logPath.lastIndex(of: "/") ?? logPath.startIndex)]))
            try? FileSystem.writeAtomically(logPath, result.output)
        }
        let missing: String? = if case .exited(127) = result.ending {
            Self.missingProgram(in: String(decoding: result.output, as: UTF8.self))
        } else { nil }
        let outcome: Outcome = switch result.ending {
        case .exited(0): .passed
        case .stopped: .stopped
        case .exited(127) where missing != nil: .broken("`\(missing!)` was not found (exit status 127)")
        case .notStarted(let why): .broken(why)
        case .exited(let code): .failed(Self.relevant(result.output, header: "`\(command)` exited with status \(code)"))
        case .signalled(let signal): .failed(Self.relevant(result.output, header: "`\(command)` was killed by signal \(signal)"))
        case .timedOut: .failed(Self.relevant(result.output, header: "`\(command)` did not finish within \(timeoutSeconds) s"))
        case .tooMuchOutput: .failed(Self.relevant(result.output, header: "`\(command)` wrote more than 4 MB"))
        }
        var run = Run(outcome: outcome)
        run.missingProgram = missing
        // Only a command that finished on its own wrote a whole report.
        if let report, case .exited = result.ending {
            let path = scratch + "/" + report
            if FileSystem.exists(path) {
                do throws(AutodevError) {
                    run.failures = try TestReport.load(path).failures
                } catch {
                    run.reportProblem = error.message
                }
            } else {
                run.reportProblem = "the command did not write \(report)"
            }
        } else if report != nil {
            run.reportProblem = "the command did not finish"
        }
        return run
    }

    /// The part of a failed run's output worth a model's tokens: lines that name an error or a
    /// failure with a little context, else the tail; at most about 6 KB.
    static func relevant(_ output: [UInt8], header: String, limit: Int = 6000) -> String {
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let markers = ["error", "fail", "panic", "exception", "assert", "traceback", "undefined", "cannot find", "not found"]
        var keep = Set<Int>()
        for (index, line) in lines.enumerated() {
            let lower = line.lowercased()
            if markers.contains(where: lower.contains) {
                for near in max(0, index - 2)...min(lines.count - 1, index + 3) { keep.insert(near) }
            }
        }
        var picked: [String] = []
        var size = 0
        var last = -2
        for index in keep.sorted() {
            if index != last + 1 && !picked.isEmpty { picked.append("…") }
            picked.append(lines[index])
            size += lines[index].utf8.count + 1
            last = index
            if size > limit { break }
        }
        if picked.isEmpty {
            var tail: [String] = []
            for line in lines.reversed() {
                size += line.utf8.count + 1
                if size > limit { break }
                tail.append(line)
            }
            picked = tail.reversed()
        }
        return header + "\n" + picked.joined(separator: "\n")
    }
}

extension Workspace {
    /// What `autodev doctor` learns of the validation command: run on HEAD's tree as it is.
    public struct ValidationCheck: Sendable, Encodable {
        public var command: String
        public var passed: Bool
        public var milliseconds: Int64
        /// The relevant part of the output when it failed, or why it could not run.
        public var output: String
    }

    /// `[validate] command`, or nil when none is configured.
    func validationGate() -> ValidationGate? {
        let command = config[.validateCommand]
        guard !command.trimmingSpaces().isEmpty else { return nil }
        let report = config[.validateReport]
        return ValidationGate(repository: repository, command: command, timeoutSeconds: config[.validateTimeoutSeconds],
                              sandbox: modelSandbox(), runner: commandRunner, report: report.isEmpty ? nil : report)
    }

    /// Runs `[validate] command` in a scratch copy of HEAD; nil when none is configured.
    public func checkValidation(stopRequested: @escaping @Sendable () -> StopReason?) throws(AutodevError) -> ValidationCheck? {
        let command = config[.validateCommand]
        guard !command.trimmingSpaces().isEmpty else { return nil }
        guard let head = try gitCall({ try self.repository.head() }) else {
            return ValidationCheck(command: command, passed: false, milliseconds: 0, output: "the repository has no commit to run it on")
        }
        let tree = try gitCall { try self.repository.commit(head).tree }
        let gate = validationGate()!
        let started = clock.monotonicMilliseconds()
        let outcome = gate.check(baseTree: tree, files: [:], logPath: nil, stopRequested: stopRequested)
        let elapsed = clock.monotonicMilliseconds() - started
        switch outcome {
        case .passed: return ValidationCheck(command: command, passed: true, milliseconds: elapsed, output: "")
        case .failed(let output), .broken(let output): return ValidationCheck(command: command, passed: false, milliseconds: elapsed, output: output)
        case .stopped: throw AutodevError.stopped(by: stopRequested() ?? .interrupt, while: "running the validation command")
        }
    }
}
