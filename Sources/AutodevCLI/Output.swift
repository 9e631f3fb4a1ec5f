#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import AutodevCore
internal import FoundationEssentials

/// Results to stdout, diagnostics to stderr.
enum Output {
    static func write(_ text: String) {
        writeAll(1, text)
    }

    static func write(bytes: [UInt8]) {
        _ = FileSystem.writeAll(1, bytes)
    }

    static func diagnostic(_ text: String) {
        writeAll(2, text + "\n")
    }

    /// Text for stderr as it is (it ends with its own newline).
    static func diagnosticRaw(_ text: String) {
        writeAll(2, text)
    }

    /// A closed stdout (piped into `head`) is not an error: there is nothing more to do.
    private static func writeAll(_ fd: Int32, _ text: String) {
        _ = FileSystem.writeAll(fd, Array(text.utf8))
    }
}

enum Environment {
    static func variables() -> [String: String] {
        ProcessInfo.processInfo.environment
    }
}

enum JSONOutput {

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }
}
