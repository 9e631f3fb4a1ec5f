/// The open work of one feature, the unit of delivery: a Spec Kit feature folder, an OpenSpec
/// change, a Kiro spec, a BMAD story, a PRP (all: the folder holding the spec), or one test
/// file's failures. Its items are answered in order on one accumulated tree, may write and edit
/// the same files, are validated once together and land together as one reviewable commit.
struct Change: Sendable, Equatable {
    /// The feature folder (`specs/002-store`), or the test file for test work.
    public var key: String
    /// The work, in the feature's order: tasks as the tasks document lists them, then the other
    /// requirements in the order their documents give them.
    public var items: [WorkItem]

    public init(key: String, items: [WorkItem]) {
        self.key = key
        self.items = items
    }

    /// `specs/002-store (7 items)`, for messages.
    public var label: String { "\(key) (\(items.count) item\(items.count == 1 ? "" : "s"))" }

    /// The items in steps of at most `size` each, in order: one request per step.
    public func steps(size: Int) -> [[WorkItem]] {
        stride(from: 0, to: items.count, by: max(1, size)).map { Array(items[$0..<min(items.count, $0 + max(1, size))]) }
    }
}
