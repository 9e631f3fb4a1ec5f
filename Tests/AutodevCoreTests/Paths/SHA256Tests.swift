@testable import AutodevCore
import AutodevTestSupport
import Foundation
import Testing

@Suite struct SHA256Tests {
    @Test("known digests", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func digest(input: String, expected: String) {
        #expect(SHA256.hex(input) == expected)
    }

    /// coreutils' `sha256sum` is the oracle: lengths around the 64-byte block and its 55/56-byte
    /// padding edge, a multi-block message, UTF-8 text and random bytes from a fixed seed.
    @Test("agrees with sha256sum", arguments: [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 70_000])
    func agreesWithSha256sum(length: Int) throws {
        let sha256sum = try #require(Subprocess.which("sha256sum"), "coreutils' sha256sum is needed as the oracle")
        var random = SeededRandom(seed: UInt64(length))
        let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let expected = try Subprocess.run(sha256sum, ["-"], input: Data(bytes)).stdout.prefix(64)
        #expect(SHA256.hash(bytes).map { String(format: "%02x", $0) }.joined() == expected)

        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var text = ""
        for index in 0..<length { text.append(index % 7 == 0 ? "é" : letters[index % 26]) }
        let expectedText = try Subprocess.run(sha256sum, ["-"], input: Data(text.utf8)).stdout.prefix(64)
        #expect(SHA256.hex(text) == expectedText)
    }
}
