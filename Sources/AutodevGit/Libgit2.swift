internal import CLibgit2
internal import CGitShim
import Synchronization

/// One-time, process-wide libgit2 initialisation.
enum Libgit2 {
    private static let initialised: Bool = {
        autodev_git_init() >= 0
    }()

    static func ensureInitialised() throws(GitError) {
        guard initialised else {
            throw GitError(kind: .other, message: "libgit2 could not be initialised")
        }
    }

    /// The libgit2 version this process runs against, e.g. "1.5.1".
    static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }
}
