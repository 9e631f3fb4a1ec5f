/// A value kept out of line, behind one reference. A pass holds a `Decision` for every event of
/// its range (200,000 for a commit of new tests), and its optional requirement fields kept
/// inline made each decision about 500 bytes, whether they were set or not.
final class OutOfLine<Value: Sendable & Equatable>: Sendable, Equatable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }

    static func == (a: OutOfLine, b: OutOfLine) -> Bool {
        a.value == b.value
    }
}
