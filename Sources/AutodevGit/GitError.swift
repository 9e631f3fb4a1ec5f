internal import CLibgit2

/// An error reported by libgit2 or by this module's own checks.
///
/// `code` is libgit2's error code (`GIT_ENOTFOUND`, ...) or one of the module's own negative
/// codes below; `message` is libgit2's text, read at the moment of failure.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case notFound
        case notARepository
        case ambiguous
        case invalidSpec
        case unbornBranch
        /// A reference was not where the caller expected it (compare-and-swap lost).
        case modified
        /// An object the repository's history names is not in its object database: a partial
        /// clone (`--filter=blob:...`) that never fetched it. libgit2 cannot fetch it.
        case missingObject
        /// The repository is in a format libgit2 cannot read (SHA-256, reftable, an unknown
        /// extension); the message names it.
        case unsupportedFormat
        case other
    }

    public let kind: Kind
    public let code: Int32
    public let message: String
    /// What autodev was doing, e.g. "resolving 'v1.2'".
    public let operation: String

    public var description: String {
        operation.isEmpty ? message : "\(operation): \(message)"
    }

    public init(kind: Kind, code: Int32 = -1, message: String, operation: String = "") {
        self.kind = kind
        self.code = code
        self.message = message
        self.operation = operation
    }

    /// Throws if `result` is a libgit2 failure, reading libgit2's thread-local error text at once.
    @discardableResult
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) -> Int32 {
        guard result < 0 else { return result }
        throw GitError.last(code: result, operation: operation())
    }

    static func last(code: Int32, operation: String) -> GitError {
        var message = "libgit2 error \(code)"
        if let error = git_error_last(), let text = error.pointee.message {
            message = decodeCString(text).trimmingTrailingNewlines()
        }
        let kind: Kind
        switch code {
        case GIT_ENOTFOUND.rawValue: kind = .notFound
        case GIT_EAMBIGUOUS.rawValue: kind = .ambiguous
        case GIT_EINVALIDSPEC.rawValue: kind = .invalidSpec
        case GIT_EUNBORNBRANCH.rawValue: kind = .unbornBranch
        case GIT_EMODIFIED.rawValue, GIT_EEXISTS.rawValue: kind = .modified
        default: kind = .other
        }
        return GitError(kind: kind, code: code, message: message, operation: operation)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var result = self
        while let last = result.last, last == "\n" || last == "\r" { result.removeLast() }
        return result
    }
}

/// Decodes a C string from libgit2; bytes that are not UTF-8 (odd file names) become U+FFFD.
func decodeCString(_ pointer: UnsafePointer<CChar>) -> String {
    if let text = String(validatingCString: pointer) { return text }
    var length = 0
    while pointer[length] != 0 { length += 1 }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
}
