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
    /// The process environment, read straight from `environ` (Foundation's ProcessInfo took a
    /// tenth of a millisecond to set itself up, on every run).
    static func variables() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
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
