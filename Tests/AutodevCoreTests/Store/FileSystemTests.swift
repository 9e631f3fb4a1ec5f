@testable import AutodevCore
import Foundation
import Testing

/// `FileSystem.writeAtomically` from several threads of one process at once (stress-test sets
/// up its repositories in parallel): each write lands whole, none fails on another's temporary
/// file (the temporary name was the process id alone, and a rename found it gone).
@Suite struct FileSystemTests {
    @Test func threadsOfOneProcessWritingOnePathEachLandWhole() throws {
        let folder = NSTemporaryDirectory() + "fs-\(UUID().uuidString)"
        let path = folder + "/shared.txt"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<200 {
                do {
                    try FileSystem.writeAtomically(path, Array(String(repeating: "\(thread)", count: 64 + round).utf8))
                } catch {
                    failures.add()
                }
            }
        }
        #expect(failures.value == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(Set(text).count == 1 && text.count >= 64, "a torn or mixed file: \(text.prefix(80))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["shared.txt"])
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
