public import Foundation

/// A directory under the system temp folder, removed by `remove()` (call it in `defer`).
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// In the system temp folder, or in `base` (`/var/tmp` for a folder a sandbox's private
    /// `/tmp` does not already hide).
    public init(prefix: String = "autodev-test", in base: String? = nil) throws {
        let base = base ?? FileManager.default.temporaryDirectory.path
        let template = base + "/\(prefix)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let result = bytes.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FixtureError("mkdtemp failed for \(template)")
        }
        path = String(cString: result)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` with a fresh directory and removes it afterwards, whatever happens.
    public static func with<T>(_ body: (TemporaryDirectory) throws -> T) throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try body(directory)
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
