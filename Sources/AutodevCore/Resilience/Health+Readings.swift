#if canImport(Glibc)
import Glibc
#endif

extension Health {
    /// Free bytes on the file system holding `path` (or its nearest existing parent).
    static func freeBytes(_ path: String) -> Int64? {
        var probe = path
        while !probe.isEmpty, !FileSystem.exists(probe) {
            guard let slash = probe.lastIndex(of: "/") else { probe = "."; break }
            probe = slash == probe.startIndex ? "/" : String(probe[..<slash])
        }
        var info = statvfs()
        guard statvfs(probe.isEmpty ? "/" : probe, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// The lowest free space of the file systems under `paths`, and which path it was.
    static func lowestFree(_ paths: [String]) -> (bytes: Int64, path: String)? {
        paths.compactMap { path in freeBytes(path).map { ($0, path) } }.min { $0.0 < $1.0 }
    }

    /// This process's resident memory, from /proc/self/statm.
    static func residentMemory() -> Int64? {
        guard let bytes = try? FileSystem.read("/proc/self/statm") else { return nil }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
