internal import CCrypto

/// SHA-256, used for content-addressed ids that must be identical on every machine: libcrypto's,
/// which the static link group already carries for libssh2 (Sources/CCrypto/shim.h says why
/// the SHA256_* calls and not EVP, with the figures).
struct SHA256 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBufferPointer { digest(of: UnsafeRawBufferPointer($0)) }
    }

    static func hex(_ text: String) -> String {
        var text = text
        return hex(digest: text.withUTF8 { Self.digest(of: UnsafeRawBufferPointer($0)) })
    }

    /// A digest fed piece by piece: `hex` of the pieces joined, without joining them (a run id
    /// over 2,000,000 work ids was a 50 MB string).
    struct Stream {
        private var context = SHA256_CTX()

        init() { SHA256_Init(&context) }

        mutating func update(_ text: String) {
            var text = text
            text.withUTF8 { bytes in _ = SHA256_Update(&context, bytes.baseAddress, bytes.count) }
        }

        /// The digest in lowercase hex, as `SHA256.hex` gives it.
        mutating func hex() -> String {
            let bytes = [UInt8](unsafeUninitializedCapacity: Int(SHA256_DIGEST_LENGTH)) { out, count in
                SHA256_Final(out.baseAddress, &context)
                count = Int(SHA256_DIGEST_LENGTH)
            }
            return SHA256.hex(digest: bytes)
        }
    }

    static func hex(digest bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: 64) { out in
            let digits: StaticString = "0123456789abcdef"
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = digits.utf8Start[Int(byte >> 4)]
                out[2 * index + 1] = digits.utf8Start[Int(byte & 0xF)]
            }
            return 64
        }
    }

    /// The three calls cannot fail for an in-memory message (they return 1 unconditionally for
    /// SHA-256), so their results are not checked.
    private static func digest(of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        SHA256_Update(&context, bytes.baseAddress, bytes.count)
        return [UInt8](unsafeUninitializedCapacity: Int(SHA256_DIGEST_LENGTH)) { out, count in
            SHA256_Final(out.baseAddress, &context)
            count = Int(SHA256_DIGEST_LENGTH)
        }
    }
}
