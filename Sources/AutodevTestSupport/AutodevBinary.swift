public import Foundation

/// Runs the built `autodev` executable, which SwiftPM places next to the test bundle.
public enum AutodevBinary {
    public static var path: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        // On Linux the tests run from `<build>/debug/<package>PackageTests.xctest`.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("autodev").path
    }

    @discardableResult
    public static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessResult {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AUTODEV_") { env[key] = nil }
        // Progress shows on stderr after a second (ProgressLine); on a loaded test machine a
        // sync can take that long, and tests that read stderr would see it. Tests of progress
        // set the delay themselves.
        env["AUTODEV_PROGRESS_DELAY_MS"] = "600000"
        env.merge(environment) { _, new in new }
        return try Subprocess.run(path, arguments, in: directory, environment: env)
    }
}
