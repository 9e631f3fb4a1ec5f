/// Something that happened in the repository and may need work.
public struct Event: Sendable, Hashable, Codable {
    /// A content hash of (kind, path, blob ids, test name): the same change is the same event
    /// in every run and on every machine.
    public var id: String
    public var kind: EventKind
    public var priority: Int
    public var path: String
    /// What happened: `added`, `modified`, `renamed from old/path (95%)`, a test's name, ...
    public var detail: String

    public init(id: String, kind: EventKind, priority: Int, path: String, detail: String) {
        self.id = id
        self.kind = kind
        self.priority = priority
        self.path = path
        self.detail = detail
    }

    static func makeID(kind: EventKind, path: String, oldBlob: String?, newBlob: String?, test: String?) -> String {
        let material = ["autodev-event-v1", kind.rawValue, path, oldBlob ?? "-", newBlob ?? "-", test ?? ""]
            .joined(separator: "\n")
        return String(SHA256.hex(material).prefix(24))
    }
}
