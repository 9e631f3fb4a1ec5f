#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads working-tree files with POSIX calls (no Foundation), following git: a symlink's content
/// is its target.
enum FileReader {
    static func read(_ path: String) throws -> [UInt8] {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw GitError(kind: .notFound, message: "cannot read \(path): \(errnoText())")
        }
        if (info.st_mode & S_IFMT) == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count >= 0 else {
                throw GitError(kind: .other, message: "cannot read link \(path): \(errnoText())")
            }
            return buffer[0..<count].map { UInt8(bitPattern: $0) }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw GitError(kind: .other, message: "cannot open \(path): \(errnoText())")
        }
        defer { close(fd) }
        var result: [UInt8] = []
        result.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw GitError(kind: .other, message: "cannot read \(path): \(errnoText())")
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
