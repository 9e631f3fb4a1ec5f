public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for one test: `initdb` in a scratch folder, `pg_ctl start` on a free
/// port of 127.0.0.1 (trust authentication, user `autodev`), stopped and removed by `stop()`.
/// PostgreSQL refuses to run as root, so as root the server runs as `nobody` (`runuser`).
/// `psql` is the tests' oracle for what the database holds.
public final class PostgresTestServer: @unchecked Sendable {
    // @unchecked Sendable: every property is set in init and never changed.

    /// The folder holding initdb, pg_ctl, psql (Debian: /usr/lib/postgresql/N/bin), or nil.
    public static let binaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }()

    /// Whether the tests can start a server; when not, says so once on stderr.
    public static let available: Bool = {
        if binaries == nil {
            FileHandle.standardError.write(Data("PostgreSQL tests skipped: no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql; .ci/run installs it)\n".utf8))
        }
        return binaries != nil
    }()

    public let folder: String
    public let port: Int
    public let user = "autodev"
    let bin: String
    let asUser: [String]

    /// `postgresql://autodev@127.0.0.1:PORT/postgres`.
    public var url: String { "postgresql://\(user)@127.0.0.1:\(port)/postgres" }

    public init() throws {
        guard let bin = Self.binaries else { throw FixtureError("PostgreSQL is not installed (apt-get install postgresql)") }
        self.bin = bin
        asUser = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] : []
        var template = Array("/tmp/autodev-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("mkdtemp failed") }
        folder = String(cString: made)
        chmod(folder, 0o777)
        port = try Self.freePort()
        try command(bin + "/initdb", ["-D", folder + "/data", "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync"])
        try start()
    }

    deinit { stop() }

    /// Runs a server command with its output in a file, not a pipe: the server it starts
    /// would otherwise keep the pipe open, and reading it to its end would never return.
    func command(_ executable: String, _ arguments: [String]) throws {
        let quoted = (asUser + [executable] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let output = folder + "/command.out"
        // system(3) waits for the shell itself: Foundation's Process was seen never to notice
        // runuser's exit once pg_ctl had started the server.
        let status = system("cd '\(folder)' && exec \(quoted) </dev/null >'\(output)' 2>&1")
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
    }

    /// Starts (again) the server, waiting until it accepts connections.
    public func start() throws {
        try command(bin + "/pg_ctl", ["-D", folder + "/data", "-l", folder + "/log", "-w", "-o",
                                      "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60", "start"])
    }

    /// Stops the server at once (`-m immediate`: as a crash or a pulled cable would).
    public func halt() throws {
        try command(bin + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
    }

    /// Stops the server if it runs and removes its folder.
    public func stop() {
        try? command(bin + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Rows of `sql` as psql prints them unaligned (`|` between fields).
    public func query(_ sql: String) throws -> [String] {
        let result = try Subprocess.run(bin + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw FixtureError("psql: \(result.stderr)") }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// A port the kernel says is free now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw FixtureError("bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
