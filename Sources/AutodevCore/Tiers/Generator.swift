internal import AutodevGit
#if canImport(Glibc)
import Glibc
#endif

/// One generator run: a scratch copy of the processed commit, the command, and its outcome.
final class GeneratorJob {
    let item: WorkItem
    let patternName: String
    let command: String
    let timeoutSeconds: Int
    let scratch: String
    let original: [String: ObjectID]
    let environment: [String: String]
    var pid: pid_t = 0
    var deadline: Int64 = 0
    var outcome: Result<[String: [UInt8]], AutodevError>?

    init(item: WorkItem, patternName: String, command: String, timeoutSeconds: Int, scratch: String,
         original: [String: ObjectID], environment: [String: String]) {
        self.item = item
        self.patternName = patternName
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.scratch = scratch
        self.original = original
        self.environment = environment
    }

    func failed(_ why: String) -> AutodevError {
        AutodevError(.generatorFailed, "pattern '\(patternName)' (\(PatternRules.file)): the command '\(command)' \(why); the work stays pending for the next run",
                     exitStatus: .failure)
    }
}

/// Runs patterns' deterministic generators, each in a scratch copy of the processed commit with
/// a timeout, at most `width` at once; the files a generator adds or changes are its result.
/// The user's work tree is never used.
struct Generator {
    let repository: Repository
    let base: ObjectID?
    let environment: [String: String]

    /// One generator, run to the end.
    func run(_ command: String, timeoutSeconds: Int, patternName: String, item: WorkItem,
             captures: [String: String]) throws(AutodevError) -> [String: [UInt8]] {
        let job = try prepare(command, timeoutSeconds: timeoutSeconds, patternName: patternName, item: item, captures: captures)
        Self.runAll([job], width: 1)
        return try job.outcome!.get()
    }

    /// The scratch copy (read from git on the calling thread) and the environment.
    func prepare(_ command: String, timeoutSeconds: Int, patternName: String, item: WorkItem,
                 captures: [String: String]) throws(AutodevError) -> GeneratorJob {
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array(((temporary.hasSuffix("/") ? temporary : temporary + "/") + "autodev-scratch-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw AutodevError(.generatorFailed, "pattern '\(patternName)': could not get a scratch folder", exitStatus: .failure)
        }
        let scratch = String(cString: made)
        var original: [String: ObjectID] = [:]
        if let base {
            do {
                let tree = try repository.commit(base).tree
                for (path, side) in try repository.files(inTree: tree, under: "") where !side.mode.isSubmodule {
                    let full = scratch + "/" + path
                    try FileSystem.makeDirectories(String(full[..<full.lastIndex(of: "/")!]))
                    let bytes: [UInt8]
                    do {
                        bytes = try repository.content(of: side)
                    } catch let error as GitError where error.kind == .missingObject {
                        // A blob a partial clone does not have: left out, as a sparse checkout
                        // would; only files the command writes are results, so it is not deleted.
                        continue
                    }
                    if side.mode.rawValue == 0o120000 {
                        symlink(String(decoding: bytes, as: UTF8.self), full)
                    } else {
                        try FileSystem.write(full, bytes, executable: side.mode.rawValue == 0o100755)
                    }
                    original[path] = side.id
                }
            } catch {
                Self.removeTree(scratch)
                throw AutodevError(.generatorFailed, "pattern '\(patternName)': could not prepare the scratch copy for '\(command)': \(error)",
                                   exitStatus: .failure)
            }
        }
        var env = environment
        env["AUTODEV_WORK"] = item.id
        env["AUTODEV_ACTION"] = item.action.rawValue
        env["AUTODEV_PATH"] = item.path
        env["AUTODEV_REQUIREMENT_KEY"] = item.requirement?.key ?? ""
        env["AUTODEV_SPEC"] = item.requirement?.spec ?? ""
        for (key, value) in captures where key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            env["AUTODEV_MATCH_" + key.uppercased()] = value
        }
        return GeneratorJob(item: item, patternName: patternName, command: command, timeoutSeconds: timeoutSeconds,
                            scratch: scratch, original: original, environment: env)
    }

    /// Runs prepared jobs, at most `width` processes at once; every job ends with an outcome and
    /// its scratch folder removed.
    static func runAll(_ jobs: [GeneratorJob], width: Int) {
        var waiting = jobs[...]
        var running: [GeneratorJob] = []
        while !waiting.isEmpty || !running.isEmpty {
            while running.count < max(1, width), let job = waiting.popFirst() {
                do {
                    job.pid = try start(["/bin/sh", "-c", job.command], in: job.scratch, environment: job.environment)
                    job.deadline = FileSystem.now() + Int64(job.timeoutSeconds)
                    running.append(job)
                } catch {
                    job.outcome = .failure(job.failed("could not be started: \(error.message)"))
                    removeTree(job.scratch)
                }
            }
            var finished = false
            for job in running {
                var status: Int32 = 0
                let result = waitpid(job.pid, &status, WNOHANG)
                if result == job.pid {
                    finish(job, (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f))
                    finished = true
                } else if FileSystem.now() >= job.deadline {
                    kill(-job.pid, SIGKILL)
                    while waitpid(job.pid, &status, 0) < 0 && errno == EINTR {}
                    finish(job, .timedOut)
                    finished = true
                }
            }
            running.removeAll { $0.outcome != nil }
            if !finished && !running.isEmpty { usleep(5_000) }  // polling children with WNOHANG
        }
    }

    private static func finish(_ job: GeneratorJob, _ status: Status) {
        defer { removeTree(job.scratch) }
        switch status {
        case .exited(0): break
        case .exited(let code): job.outcome = .failure(job.failed("exited with status \(code)")); return
        case .signalled(let signal): job.outcome = .failure(job.failed("was killed by signal \(signal)")); return
        case .timedOut: job.outcome = .failure(job.failed("did not finish within \(job.timeoutSeconds) s and was killed")); return
        }
        var changed: [String: [UInt8]] = [:]
        for path in walk(job.scratch) {
            guard let bytes = try? FileSystem.read(job.scratch + "/" + path) else { continue }
            let id = try? Repository.blobID(of: bytes)
            if job.original[path] != id { changed[path] = bytes }
        }
        job.outcome = .success(changed)
    }

    enum Status { case exited(Int32), signalled(Int32), timedOut }

    /// Starts a program in its own process group (so a timeout kills all it started), in
    /// `directory`, with stdin from /dev/null.
    static func start(_ arguments: [String], in directory: String, environment: [String: String]) throws(AutodevError) -> pid_t {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        // sh changes into the folder, then runs the program: `sh -c 'cd "$0" && exec "$@"' DIR ARGS…`
        let argv = (["/bin/sh", "-c", "cd \"$0\" || exit 126; exec \"$@\"", directory] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &fileActions, &attributes, argv, envp)
        if spawned != 0 {
            errno = spawned
            throw FileSystem.ioError("cannot start \(arguments[0])")
        }
        return pid
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
