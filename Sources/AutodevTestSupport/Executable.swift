public import Foundation

/// Scripts that tests write and then run.
public enum Executable {
    /// Writes `text` to `path` with `mode` (e.g. "755"), written by a child process.
    ///
    /// Written from the test process itself, the file would be open for writing there for a
    /// moment; a child another test forks in that moment inherits the descriptor until its own
    /// exec, and running the script then fails with "Text file busy" (ETXTBSY): a flaky test under
    /// the parallel suite. `cat` in a child holds the only descriptor, and it forks nothing.
    public static func write(_ text: String, to path: String, mode: String = "755") throws {
        let result = try Subprocess.run("/bin/sh", ["-c", "cat > \"$1\" && chmod \"$2\" \"$1\"", "sh", path, mode], input: Data(text.utf8))
        guard result.status == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot write \(path): \(result.stderr)"])
        }
    }
}
