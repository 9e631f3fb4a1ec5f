internal import AutodevGit
#if canImport(Glibc)
import Glibc
#endif

/// Runs a pattern's deterministic generator in a scratch copy of the processed commit, with a
/// timeout; the files it adds or changes are its result. The user's work tree is never used.
struct Generator {
    let repository: Repository
    let base: ObjectID?
    let environment: [String: String]

    func run(_ command: String, timeoutSeconds: Int, patternName: String, item: WorkItem,
             captures: [String: String]) throws(AutodevError) -> [String: [UInt8]] {
        func failed(_ why: String) -> AutodevError {
            AutodevError(.generatorFailed, "pattern '\(patternName)' (\(PatternRules.file)): the command '\(command)' \(why); the work stays pending for the next run",
                         exitStatus: .failure)
        }
        var template = Array("/tmp/autodev-scratch-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw failed("could not get a scratch folder") }
        let scratch = String(cString: made)
        defer { Self.removeTree(scratch) }
        // The processed commit's files, as git would check them out.
        var original: [String: ObjectID] = [:]
        if let base {
            do {
                let tree = try repository.commit(base).tree
                for (path, side) in try repository.files(inTree: tree, under: "") where !side.mode.isSubmodule {
                    let full = scratch + "/" + path
                    try FileSystem.makeDirectories(String(full[..<full.lastIndex(of: "/")!]))
                    let bytes = try repository.content(of: side)
                    if side.mode.rawValue == 0o120000 {
                        symlink(String(decoding: bytes, as: UTF8.self), full)
                    } else {
                        try FileSystem.writeAtomically(full, bytes)
                        if side.mode.rawValue == 0o100755 { chmod(full, 0o755) }
                    }
                    original[path] = side.id
                }
            } catch let error as AutodevError {
                throw error
            } catch {
                throw failed("could not prepare its scratch copy: \(error)")
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
        let status = try Self.spawn(["/bin/sh", "-c", command], in: scratch, environment: env, timeoutSeconds: timeoutSeconds)
        switch status {
        case .exited(0): break
        case .exited(let code): throw failed("exited with status \(code)")
        case .signalled(let signal): throw failed("was killed by signal \(signal)")
        case .timedOut: throw failed("did not finish within \(timeoutSeconds) s and was killed")
        }
        var changed: [String: [UInt8]] = [:]
        for path in Self.walk(scratch) {
            guard let bytes = try? FileSystem.read(scratch + "/" + path) else { continue }
            let id = try? Repository.blobID(of: bytes)
            if original[path] != id { changed[path] = bytes }
        }
        return changed
    }

    enum Status { case exited(Int32), signalled(Int32), timedOut }

    /// Runs a program in its own process group; kills the group at the timeout.
    static func spawn(_ arguments: [String], in directory: String, environment: [String: String],
                      timeoutSeconds: Int) throws(AutodevError) -> Status {
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
        let deadline = FileSystem.now() + Int64(timeoutSeconds)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { throw FileSystem.ioError("cannot wait for the generator") }
            if FileSystem.now() >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            usleep(20_000)  // polling a child with WNOHANG; no signal handlers involved
        }
        if (status & 0x7f) == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(status & 0x7f)
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
