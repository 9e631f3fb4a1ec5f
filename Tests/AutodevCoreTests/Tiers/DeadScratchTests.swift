@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

/// `Generator.removeDeadScratch` (run by every sync) lists TMPDIR by prefix: it removes the
/// scratch copies of processes that are gone, and leaves a live process's and other names.
@Suite struct DeadScratchTests {
    @Test func onlyTheCopiesOfDeadProcessesAreRemoved() throws {
        let folder = try TemporaryDirectory()
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = folder.path + "/" + Generator.scratchPrefix + "\(finished.processIdentifier)-abc123"
        let live = folder.path + "/" + Generator.scratchPrefix + "\(getpid())-def456"
        let other = folder.path + "/autodev-scratchy-1-x"
        for path in [dead, live, other] {
            try FileManager.default.createDirectory(atPath: path + "/src", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: path + "/src/a.py", contents: Data("x\n".utf8))
        }
        let removed = Generator.removeDeadScratch(["TMPDIR": folder.path + "/"])
        #expect(removed == [dead])
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live + "/src/a.py"))
        #expect(FileManager.default.fileExists(atPath: other + "/src/a.py"))
    }
}
