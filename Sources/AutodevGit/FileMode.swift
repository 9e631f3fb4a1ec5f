/// A git tree entry mode (`100644`, `100755`, `120000`, `160000`, `040000`).
public struct FileMode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let tree = FileMode(rawValue: 0o040000)
    public static let blob = FileMode(rawValue: 0o100644)
    public static let executable = FileMode(rawValue: 0o100755)
    public static let link = FileMode(rawValue: 0o120000)
    public static let gitlink = FileMode(rawValue: 0o160000)

    /// The object type part (S_IFMT): regular file, symlink, gitlink or tree.
    public var type: UInt32 { rawValue & 0o170000 }
    public var isTree: Bool { type == 0o040000 }
    public var isRegular: Bool { type == 0o100000 }
    public var isSymlink: Bool { type == 0o120000 }
    public var isSubmodule: Bool { type == 0o160000 }

    public var description: String { String(rawValue, radix: 8) }
}
