internal import CPCRE2

/// A regular expression from the user's configuration (PCRE2 syntax, UTF-8, Unicode classes),
/// matched with PCRE2's interpreter under fixed limits: a pattern that backtracks without end,
/// such as `(\w+\s?)+$` on a long line, stops with `LimitExceeded` after about a second's work
/// at most instead of hanging the run (Swift's Regex has no such bound).
///
/// `@unchecked Sendable`: the compiled code and match context are only read after `init`
/// (PCRE2 allows concurrent matching with one code); each match makes its own match data.
final class UserRegex: @unchecked Sendable {
    /// `pcre2_set_match_limit`: calls of the internal match function per attempt.
    static let matchLimit: UInt32 = 1_000_000
    /// `pcre2_set_depth_limit`: nested backtracking points, enough for long texts.
    static let depthLimit: UInt32 = 100_000

    struct LimitExceeded: Error {
        var which: String
    }

    let pattern: String
    private let code: OpaquePointer
    private let context: OpaquePointer
    /// Group number to name.
    private let names: [Int: String]
    private let groups: Int

    /// Compiles `pattern`; throws a message saying what is wrong and where.
    init(_ pattern: String) throws(Problem) {
        self.pattern = pattern
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, UInt32(PCRE2_UTF | PCRE2_UCP), &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw Problem(message: "\(Self.message(errorCode)) at offset \(errorOffset)")
        }
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(compiled)
            throw Problem(message: "out of memory")
        }
        pcre2_set_match_limit_8(context, Self.matchLimit)
        pcre2_set_depth_limit_8(context, Self.depthLimit)
        code = compiled
        self.context = context
        var count: UInt32 = 0, entrySize: UInt32 = 0, captures: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var names: [Int: String] = [:]
        if let table {
            // Entries: the group number (2 bytes, big-endian), then the name, NUL-terminated.
            for entry in 0..<Int(count) {
                let start = table + entry * Int(entrySize)
                let number = Int(start[0]) << 8 | Int(start[1])
                let name = UnsafeBufferPointer(start: start + 2, count: Int(entrySize) - 2).prefix { $0 != 0 }
                names[number] = String(decoding: name, as: UTF8.self)
            }
        }
        self.names = names
        groups = Int(captures)
    }

    deinit {
        pcre2_match_context_free_8(context)
        pcre2_code_free_8(code)
    }

    struct Problem: Error {
        var message: String
    }

    /// The first match's groups, by number (`"0"` the whole match) and by name; nil for no match.
    func firstMatch(in subject: String) throws(LimitExceeded) -> [String: String]? {
        let bytes = Array(subject.utf8)
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { throw LimitExceeded(which: "memory") }
        defer { pcre2_match_data_free_8(data) }
        let result = bytes.withUnsafeBufferPointer { buffer in
            pcre2_match_8(code, buffer.baseAddress ?? UnsafePointer(bitPattern: 1), buffer.count, 0, 0, data, context)
        }
        if result == PCRE2_ERROR_NOMATCH { return nil }
        if result < 0 {
            switch result {
            case PCRE2_ERROR_MATCHLIMIT: throw LimitExceeded(which: "more than \(Self.matchLimit) backtracking steps")
            case PCRE2_ERROR_DEPTHLIMIT: throw LimitExceeded(which: "backtracking deeper than \(Self.depthLimit)")
            case PCRE2_ERROR_HEAPLIMIT: throw LimitExceeded(which: "more backtracking memory than PCRE2's heap limit")
            default: throw LimitExceeded(which: Self.message(result))
            }
        }
        let vector = pcre2_get_ovector_pointer_8(data)!
        var captures: [String: String] = [:]
        for group in 0...groups {
            let start = vector[2 * group], end = vector[2 * group + 1]
            // An unset group is PCRE2_UNSET, ~0 as a size_t: -1 here.
            guard start >= 0, start <= end, end <= bytes.count else { continue }
            let value = String(decoding: bytes[start..<end], as: UTF8.self)
            captures[String(group)] = value
            if let name = names[group] { captures[name] = value }
        }
        return captures
    }

    private static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return count > 0 ? String(decoding: buffer.prefix(Int(count)), as: UTF8.self) : "PCRE2 error \(code)"
    }
}
