internal import CLibgit2

/// A git object id (SHA-1), as a small value type that never points into libgit2.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    // 20 bytes as three words: cheap to hash and compare.
    let a: UInt64
    let b: UInt64
    let c: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        (a, b, c) = withUnsafeBytes(of: &copy.id) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
    }

    /// From the 20 raw bytes of an id.
    init(bytes raw: UnsafeRawBufferPointer) {
        precondition(raw.count == 20)
        a = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        c = raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
    }

    /// From the 20 raw bytes of an id (`rawBytes`); nil for another count.
    public init?(rawBytes raw: ArraySlice<UInt8>) {
        guard raw.count == 20 else { return nil }
        self = raw.withUnsafeBytes { ObjectID(bytes: $0) }
    }

    /// The 20 raw bytes of the id (half the size of `hex`; for caches that store ids).
    public func appendRawBytes(to bytes: inout [UInt8]) {
        var words = (a, b, c)
        withUnsafeBytes(of: &words) { raw in bytes.append(contentsOf: raw.prefix(20)) }
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    /// Parses a full 40-character hexadecimal id.
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, hex, 40) == 0 else { return nil }
        self.init(oid)
    }

    var gitOID: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    public var isZero: Bool { a == 0 && b == 0 && c == 0 }

    /// The 40-character lowercase hexadecimal form.
    public var hex: String {
        var words = (a, b, c)
        return withUnsafeBytes(of: &words) { raw in
            String(unsafeUninitializedCapacity: 40) { out in
                let digits: StaticString = "0123456789abcdef"
                for index in 0..<20 {
                    let byte = raw[index]
                    out[2 * index] = digits.utf8Start[Int(byte >> 4)]
                    out[2 * index + 1] = digits.utf8Start[Int(byte & 0xF)]
                }
                return 40
            }
        }
    }

    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }
}
