#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations the run needs, on POSIX calls, with errors that name the path.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func read(_ path: String) throws(AutodevError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("cannot read \(path)") }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot read \(path)")
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    public static func readIfPresent(_ path: String) throws(AutodevError) -> [UInt8]? {
        exists(path) ? try read(path) : nil
    }

    /// Creates a folder and its parents.
    public static func makeDirectories(_ path: String) throws(AutodevError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ioError("cannot create the folder \(current)")
            }
        }
    }

    /// Writes a file so that a crash leaves either the old or the new content, never a mix:
    /// a temporary file beside it, fsync, rename over the old one, fsync of the folder.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws(AutodevError) {
        try writeAtomically(path) { (write: ([UInt8]) throws(AutodevError) -> Void) throws(AutodevError) in try write(bytes) }
    }

    /// `writeAtomically` for content made piece by piece: `body` hands each piece to `write`, so
    /// a large file (a run's decision log) is never held whole in memory.
    static func writeAtomically(_ path: String, body: (_ write: ([UInt8]) throws(AutodevError) -> Void) throws(AutodevError) -> Void) throws(AutodevError) {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !folder.isEmpty { try makeDirectories(folder) }
        // The process and the thread: two threads of one process (stress-test's repositories
        // set up at once) writing the same path must not share a temporary file.
        let temporary = path + ".tmp-\(getpid())-\(pthread_self())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError("cannot write \(path)") }
        do {
            try body { (bytes: [UInt8]) throws(AutodevError) in
                guard writeAll(fd, bytes) else { throw ioError("cannot write \(path)") }
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        if fsync(fd) != 0 {
            let error = ioError("cannot flush \(path) to disk")
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let error = ioError("cannot replace \(path)")
            unlink(temporary)
            throw error
        }
        let folderFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    /// Writes a file in place, without fsync: for scratch copies that are thrown away.
    static func write(_ path: String, _ bytes: [UInt8], executable: Bool) throws(AutodevError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard fd >= 0 else { throw ioError("cannot write \(path)") }
        defer { close(fd) }
        if !writeAll(fd, bytes) { throw ioError("cannot write \(path)") }
    }

    /// Writes every byte to a descriptor, retrying after EINTR; false (errno set) on failure.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    public static func remove(_ path: String) {
        unlink(path)
    }

    public static func move(_ from: String, _ to: String) throws(AutodevError) {
        if rename(from, to) != 0 { throw ioError("cannot move \(from) to \(to)") }
    }

    /// The names in a folder (not recursive), sorted; empty when it does not exist.
    public static func list(_ folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The names in a folder (not recursive) that start with `prefix`, in no order; empty when
    /// it does not exist. Other names are compared as bytes and never made into Strings (a sync
    /// looks for its dead scratch copies in a /tmp that may hold thousands of entries).
    public static func list(_ folder: String, prefix: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        let wanted = Array(prefix.utf8)
        var names: [String] = []
        while let entry = readdir(dir) {
            let name: String? = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    for index in wanted.indices where bytes[index] != wanted[index] { return nil }
                    return String(cString: bytes)
                }
            }
            if let name, name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func ioError(_ what: String) -> AutodevError {
        let reason = String(cString: strerror(errno))
        var hint = ""
        if errno == EACCES || errno == EROFS || errno == EPERM { hint = "; check the permissions of .auto-dev/ (it must be writable)" }
        if errno == ENOSPC || errno == EDQUOT { hint = "; free some disk space and run again" }
        return AutodevError(.ioFailure, "\(what): \(reason)\(hint)")
    }

    /// Seconds since the epoch.
    public static func now() -> Int64 {
        Int64(time(nil))
    }
}
