internal import AutodevGit
internal import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// One generator run: the command, the scratch copy it runs in (made when it starts), and its
/// outcome.
final class GeneratorJob {
    let item: WorkItem
    let patternName: String
    let command: String
    let timeoutSeconds: Int
    /// What autodev tells it (`AUTODEV_WORK`, `AUTODEV_MATCH_*`, …), over the sandbox's environment.
    let variables: [String: String]
    /// Where its stdout and stderr go (nil: nowhere); removed when it wrote nothing, scrubbed of
    /// secrets when it ends.
    let logPath: String?
    var scratch: String?
    var original: [String: ObjectID] = [:]
    var running: RunningCommand?
    var logFD: Int32 = -1
    var done = false
    /// nil when it was stopped or never started: the work stays pending.
    var outcome: Result<[String: [UInt8]], AutodevError>?

    init(item: WorkItem, patternName: String, command: String, timeoutSeconds: Int,
         variables: [String: String], logPath: String?) {
        self.item = item
        self.patternName = patternName
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.variables = variables
        self.logPath = logPath
    }

    func failed(_ why: String) -> AutodevError {
        let output = logPath.map { "; its output is in \($0)" } ?? ""
        return AutodevError(.generatorFailed, "pattern '\(patternName)' (\(PatternRules.file)): the command '\(command)' \(why)\(output); the work stays pending for the next run")
    }
}

/// Runs patterns' deterministic generators, each in a scratch copy of the processed commit with
/// a timeout, at most `width` at once; the files a generator adds or changes are its result.
/// The user's work tree is never used.
///
/// Each generator is its own process group under a supervisor (Sources/CSpawn): a timeout or a
/// stop sends the group SIGTERM, then SIGKILL after `grace`, and every process of the group is
/// reaped before the job ends (autodev is a subreaper, so orphans come back to it). When autodev
/// dies, even by SIGKILL, the supervisor kills the group. A generator is code autodev did not
/// write: it runs in `sandbox` (bubblewrap unless `[validate] sandbox = "none"`), and where the
/// sandbox cannot run, it does not run at all.
struct Generator {
    let repository: Repository
    let base: ObjectID?
    let sandbox: Sandbox

    static let scratchPrefix = "autodev-scratch-"

    /// One generator, run to the end.
    func run(_ command: String, timeoutSeconds: Int, patternName: String, item: WorkItem,
             captures: [String: String]) throws(AutodevError) -> [String: [UInt8]] {
        let job = self.job(command, timeoutSeconds: timeoutSeconds, patternName: patternName, item: item, captures: captures, logPath: nil)
        runAll([job], width: 1)
        guard let outcome = job.outcome else { throw job.failed("was stopped") }
        return try outcome.get()
    }

    /// A job and its environment; its scratch copy is made only when it starts.
    func job(_ command: String, timeoutSeconds: Int, patternName: String, item: WorkItem,
             captures: [String: String], logPath: String?) -> GeneratorJob {
        var env: [String: String] = [:]
        env["AUTODEV_WORK"] = item.id
        env["AUTODEV_ACTION"] = item.action.rawValue
        env["AUTODEV_PATH"] = item.path
        env["AUTODEV_REQUIREMENT_KEY"] = item.requirement?.key ?? ""
        env["AUTODEV_SPEC"] = item.requirement?.spec ?? ""
        for (key, value) in captures where key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            env["AUTODEV_MATCH_" + key.uppercased()] = value
        }
        return GeneratorJob(item: item, patternName: patternName, command: command, timeoutSeconds: timeoutSeconds,
                            variables: env, logPath: logPath)
    }

    static func temporaryFolder(_ environment: [String: String]) -> String {
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary
    }

    /// The scratch copy of the processed commit (read from git on the calling thread), named
    /// after this process so a later run can tell a dead run's copies.
    private func makeScratch(for job: GeneratorJob) throws(AutodevError) {
        guard let scratch = Self.makeScratchFolder(sandbox.hostTemporaryFolder) else {
            throw AutodevError(.generatorFailed, "pattern '\(job.patternName)': could not get a scratch folder")
        }
        job.scratch = scratch
        guard let base else { return }
        do {
            job.original = try Self.materialize(try repository.commit(base).tree, of: repository, into: scratch)
        } catch {
            Self.removeTree(scratch)
            job.scratch = nil
            throw AutodevError(.generatorFailed, "pattern '\(job.patternName)': could not prepare the scratch copy for '\(job.command)': \(error)")
        }
    }

    /// Writes the files of `tree` into `folder` (symlinks as symlinks, the executable bit kept,
    /// submodules and blobs a partial clone lacks left out). Returns what it wrote, by path.
    static func materialize(_ tree: ObjectID, of repository: Repository, into folder: String) throws -> [String: ObjectID] {
        var written: [String: ObjectID] = [:]
        for (path, side) in try repository.files(inTree: tree, under: "") where !side.mode.isSubmodule {
            let full = folder + "/" + path
            try FileSystem.makeDirectories(String(full[..<full.lastIndex(of: "/")!]))
            let bytes: [UInt8]
            do {
                bytes = try repository.content(of: side)
            } catch let error as GitError where error.kind == .missingObject {
                // A blob a partial clone does not have: left out, as a sparse checkout would;
                // only files a command writes are results, so it is not deleted.
                continue
            }
            if side.mode.rawValue == 0o120000 {
                symlink(String(decoding: bytes, as: UTF8.self), full)
            } else {
                try FileSystem.write(full, bytes, executable: side.mode.rawValue == 0o100755)
            }
            written[path] = side.id
        }
        return written
    }

    /// A new, empty scratch folder in `temporary` named after this process, so a later run can
    /// tell a dead run's copies (`removeDeadScratch`).
    static func makeScratchFolder(_ temporary: String) -> String? {
        var template = Array((temporary + "/" + scratchPrefix + "\(getpid())-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { return nil }
        return String(cString: made)
    }

    /// Removes the scratch copies of runs whose process is gone (killed with SIGKILL, say);
    /// copies of live processes, this one's included, stay. Returns what it removed.
    @discardableResult
    static func removeDeadScratch(_ environment: [String: String]) -> [String] {
        let folder = temporaryFolder(environment)
        var removed: [String] = []
        for name in FileSystem.list(folder, prefix: scratchPrefix).sorted() {
            let rest = name.dropFirst(scratchPrefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                removeTree(folder + "/" + name)
                removed.append(folder + "/" + name)
            }
        }
        return removed
    }

    /// Runs jobs, at most `width` processes at once, until each has an outcome or, once
    /// `stopRequested` returns a signal, until the running ones are stopped: jobs that finished
    /// keep their outcome; stopped and unstarted ones have none. Scratch folders are removed.
    /// Runs on the thread that lives as long as the run (see `autodev_spawn_group`).
    func runAll(_ jobs: [GeneratorJob], width: Int, stopRequested: () -> StopReason? = { nil }) {
        guard !jobs.isEmpty else { return }
        if let problem = sandbox.problem() {
            for job in jobs { job.outcome = .failure(job.failed("was not run: " + Sandbox.refusal(problem))) }
            return
        }
        _ = autodev_become_subreaper()
        var waiting = jobs[...]
        var running: [GeneratorJob] = []
        while !waiting.isEmpty || !running.isEmpty {
            let stopping = stopRequested() != nil
            if stopping {
                waiting.removeAll()
                for job in running { job.running?.end(.stopped) }
            }
            while !stopping, running.count < max(1, width), let job = waiting.popFirst() {
                do {
                    try makeScratch(for: job)
                    try start(job)
                    running.append(job)
                } catch {
                    job.outcome = .failure(error.code == .generatorFailed ? error : job.failed("could not be started: \(error.message)"))
                    cleanUp(job)
                }
            }
            var progressed = false
            for job in running {
                if let status = job.running?.poll() {
                    finish(job, status)
                    progressed = true
                }
            }
            running.removeAll(where: \.done)
            if !progressed && !running.isEmpty { usleep(5_000) }  // polling children and the stop flag
        }
    }

    private func finish(_ job: GeneratorJob, _ status: RunningCommand.Status) {
        job.done = true
        defer { cleanUp(job) }
        switch job.running?.ending?.why {
        case .stopped?, .tooMuchOutput?: return  // stopped: no outcome, the work stays pending
        case .timedOut?:
            job.outcome = .failure(job.failed("did not finish within \(job.timeoutSeconds) s and was killed"))
            return
        case nil: break
        }
        switch status {
        case .exited(0): break
        case .exited(let code): job.outcome = .failure(job.failed("exited with status \(code)")); return
        case .signalled(let signal): job.outcome = .failure(job.failed("was killed by signal \(signal)")); return
        }
        guard let scratch = job.scratch else { return }
        var changed: [String: [UInt8]] = [:]
        for path in Self.walk(scratch) {
            guard let bytes = try? FileSystem.read(scratch + "/" + path) else { continue }
            let id = try? Repository.blobID(of: bytes)
            if job.original[path] != id { changed[path] = bytes }
        }
        job.outcome = .success(changed)
    }

    /// Closes the log (removed when empty, else scrubbed of secrets) and removes the scratch copy.
    private func cleanUp(_ job: GeneratorJob) {
        if job.logFD >= 0 {
            var info = stat()
            let empty = fstat(job.logFD, &info) == 0 && info.st_size == 0
            close(job.logFD)
            job.logFD = -1
            if empty, let path = job.logPath {
                unlink(path)
                rmdir(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))  // only if empty
            } else if let path = job.logPath, let written = try? FileSystem.read(path) {
                let scrubbed = sandbox.scrub(written)
                if scrubbed != written { try? FileSystem.writeAtomically(path, scrubbed) }
            }
        }
        if let scratch = job.scratch { Self.removeTree(scratch) }
        job.scratch = nil
    }

    /// Starts the job's command with `/bin/sh -c` in its scratch copy, its own process group,
    /// stdin from /dev/null and its output to its log.
    private func start(_ job: GeneratorJob) throws(AutodevError) {
        guard let scratch = job.scratch else { return }
        if let path = job.logPath {
            try FileSystem.makeDirectories(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
            job.logFD = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard job.logFD >= 0 else { throw FileSystem.ioError("cannot write the generator's log \(path)") }
        } else {
            job.logFD = open("/dev/null", O_WRONLY | O_CLOEXEC)
        }
        // The timeout is range-checked when read; clamped here too.
        guard let running = RunningCommand.start(job.command, directory: scratch, sandbox: sandbox, variables: job.variables, inputFD: -1,
                                                 outputFD: job.logFD, errorFD: job.logFD,
                                                 timeoutSeconds: min(max(job.timeoutSeconds, 0), PatternRules.maxTimeoutSeconds)) else {
            throw FileSystem.ioError(sandbox.mode == .bubblewrap ? "cannot start bubblewrap" : "cannot start /bin/sh")
        }
        job.running = running
    }

    /// Every regular file below a folder, relative paths, `.git` excluded.
    static func walk(_ root: String) -> [String] {
        var result: [String] = []
        var pending = [""]
        while let folder = pending.popLast() {
            for name in FileSystem.list(root + "/" + folder) where name != ".git" {
                let relative = folder.isEmpty ? name : folder + "/" + name
                var info = stat()
                guard lstat(root + "/" + relative, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR { pending.append(relative) }
                else if (info.st_mode & S_IFMT) == S_IFREG { result.append(relative) }
            }
        }
        return result
    }

    static func removeTree(_ root: String) {
        var folders: [String] = []
        var pending = [root]
        while let folder = pending.popLast() {
            folders.append(folder)
            for name in FileSystem.list(folder) {
                let full = folder + "/" + name
                var info = stat()
                if lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { pending.append(full) } else { unlink(full) }
            }
        }
        for folder in folders.reversed() { rmdir(folder) }
    }
}
