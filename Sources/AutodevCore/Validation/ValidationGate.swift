internal import AutodevGit

/// The project's own checks (`[validate] command`), run by /bin/sh in a scratch copy of the
/// processed commit with generated files on top, in the sandbox (it runs code a model wrote).
/// Generated work reaches the results branch only when they pass. What it printed is scrubbed
/// of secrets before it is logged or shown to a model.
struct ValidationGate {
    enum Outcome: Equatable {
        case passed
        /// The checks ran and failed: the relevant part of their output, for the model.
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

    /// Runs the checks on `baseTree` with `files` (path → blob) written over it.
    func check(baseTree: ObjectID, files: [String: ObjectID], logPath: String?, stopRequested: () -> Int32) -> Outcome {
        if let problem = sandbox.problem() { return .broken(Sandbox.refusal(problem)) }
        guard let scratch = Generator.makeScratchFolder(sandbox.hostTemporaryFolder) else { return .broken("could not get a scratch folder") }
        defer { Generator.removeTree(scratch) }
        do {
            let tree = try repository.writeTree(base: baseTree, blobs: files)
            _ = try Generator.materialize(tree, of: repository, into: scratch)
        } catch {
            return .broken("could not prepare the scratch copy: \(error)")
        }
        var result = runner.run(CommandSpec(command: command, directory: scratch, sandbox: sandbox, variables: ["AUTODEV_VALIDATING": "1"],
                                            timeoutSeconds: timeoutSeconds, maxOutputBytes: 4 << 20, mergeErrors: true),
                                stopRequested: stopRequested)
        result.output = sandbox.scrub(result.output)
        if let logPath {
            try? FileSystem.makeDirectories(String(logPath[..<(logPath.lastIndex(of: "/") ?? logPath.startIndex)]))
            try? FileSystem.writeAtomically(logPath, result.output)
        }
        switch result.ending {
        case .exited(0): return .passed
        case .stopped: return .stopped
        case .notStarted(let why): return .broken(why)
        case .exited(let code): return .failed(Self.relevant(result.output, header: "`\(command)` exited with status \(code)"))
        case .signalled(let signal): return .failed(Self.relevant(result.output, header: "`\(command)` was killed by signal \(signal)"))
        case .timedOut: return .failed(Self.relevant(result.output, header: "`\(command)` did not finish within \(timeoutSeconds) s"))
        case .tooMuchOutput: return .failed(Self.relevant(result.output, header: "`\(command)` wrote more than 4 MB"))
        }
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

extension Sync {
    /// What `autodev doctor` learns of the validation command: run on HEAD's tree as it is.
    public struct ValidationCheck: Sendable, Encodable {
        public var command: String
        public var passed: Bool
        public var milliseconds: Int64
        /// The relevant part of the output when it failed, or why it could not run.
        public var output: String
    }

    /// Runs `[validate] command` in a scratch copy of HEAD; nil when none is configured.
    public func checkValidation() throws(AutodevError) -> ValidationCheck? {
        let command = config.string("validate.command")
        guard !command.trimmingSpaces().isEmpty else { return nil }
        guard let head = try gitCall({ try self.repository.head() }) else {
            return ValidationCheck(command: command, passed: false, milliseconds: 0, output: "the repository has no commit to run it on")
        }
        let tree = try gitCall { try self.repository.commit(head).tree }
        let gate = ValidationGate(repository: repository, command: command, timeoutSeconds: config.int("validate.timeout_seconds"),
                                  sandbox: modelSandbox(), runner: commandRunner)
        let started = clock.monotonicMilliseconds()
        let outcome = gate.check(baseTree: tree, files: [:], logPath: nil, stopRequested: stopRequested)
        let elapsed = clock.monotonicMilliseconds() - started
        switch outcome {
        case .passed: return ValidationCheck(command: command, passed: true, milliseconds: elapsed, output: "")
        case .failed(let output), .broken(let output): return ValidationCheck(command: command, passed: false, milliseconds: elapsed, output: output)
        case .stopped: throw AutodevError.stopped(by: stopRequested(), while: "running the validation command")
        }
    }
}
