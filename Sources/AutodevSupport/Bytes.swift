#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise comparison of two byte strings (-1, 0, 1): memcmp, then the shorter first. It is
/// the order in which autodev merges tree entries and sorts paths.
///
/// Both entry lists are sorted with it first (git's own order puts a tree `a` after `a-b`, a blob
/// `a` before it; a plain byte order lets a file replaced by a folder meet itself).
@inline(__always)
public func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    let count = min(a.count, b.count)
    let order = a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in count == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, count) }
    }
    if order != 0 { return order < 0 ? -1 : 1 }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

