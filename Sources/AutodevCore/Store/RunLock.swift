#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run per repository: an advisory `flock` on `.auto-dev/loop/lock`, released by the
/// kernel when the process dies, however it dies.
final class RunLock {
    private let fd: Int32
    public let path: String

    public enum Attempt {
        case acquired(RunLock)
        /// Held by another process; its pid when it wrote one.
        case busy(holder: String?)
        /// A stop was requested while waiting.
        case stopped(StopReason)
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }  // closing the descriptor releases the lock

    /// Lets go of the lock before this object goes away.
    public func release() {
        _ = flock(fd, LOCK_UN)
    }

    /// How often a waiting run tries the lock again and looks at the stop flag, in
    /// microseconds: a blocking `flock` would not wake for a signal whose handler restarts it.
    static let retryInterval: UInt32 = 20_000

    /// Tries to take the lock; with `wait`, waits until the holder finishes or `stopRequested`
    /// returns a signal.
    public static func acquire(at path: String, wait: Bool, onWait: (String?) -> Void = { _ in },
                               stopRequested: () -> StopReason? = { nil }) throws(AutodevError) -> Attempt {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        try FileSystem.makeDirectories(folder)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.ioError("cannot open the lock \(path)") }
        var waited = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let error = FileSystem.ioError("cannot lock \(path)")
                close(fd)
                throw error
            }
            if errno == EINTR { continue }
            if !waited {
                let holder = readHolder(fd)
                guard wait else {
                    close(fd)
                    return .busy(holder: holder)
                }
                onWait(holder)
                waited = true
            }
            if let reason = stopRequested() {
                close(fd)
                return .stopped(reason)
            }
            usleep(retryInterval)
        }
        // Record who holds it, for the message a waiting run prints.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return .acquired(RunLock(fd: fd, path: path))
    }

    private static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\n").first.map(String.init)
        return text?.isEmpty == false ? text : nil
    }
}
