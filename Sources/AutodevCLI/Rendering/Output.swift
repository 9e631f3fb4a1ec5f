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

/// Text from a repository (file names, test names, requirement titles) made safe for a
/// terminal: control characters and the invisible Unicode controls that reorder or hide text
/// (U+202E and the like) are written as octal escapes of their UTF-8 bytes, as git quotes paths
/// (`\033`, `\342\200\256`); a backslash before them stays as it is.
enum Terminal {
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else { out.unicodeScalars.append(scalar); continue }
            for byte in String(scalar).utf8 {
                out += "\\" + String(byte, radix: 8).leftPadded(to: 3)
            }
        }
        return out
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
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
