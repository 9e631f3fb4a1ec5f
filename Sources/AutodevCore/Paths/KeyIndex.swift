/// Rule entries filed by ``MatchPath/Key``, in an open-addressing table: the keys are hashes
/// already, so a lookup costs no second hashing (a `Dictionary` spent a third of the lookup
/// time in its hasher).
struct KeyIndex: Sendable {
    private let slots: [UInt64]
    private let bounds: [Int]
    private let entries: [Int]
    private let mask: Int

    init(_ filed: [MatchPath.Key: [Int]]) {
        var capacity = 16
        while capacity < filed.count * 2 { capacity *= 2 }
        var slots = [UInt64](repeating: 0, count: capacity)
        var lists = [[Int]](repeating: [], count: capacity)
        for (key, list) in filed {
            var slot = KeyIndex.start(key.hash, capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = KeyIndex.stored(key.hash)
            lists[slot] = list
        }
        var bounds = [0], entries: [Int] = []
        for list in lists {
            entries += list
            bounds.append(entries.count)
        }
        self.slots = slots
        self.bounds = bounds
        self.entries = entries
        self.mask = capacity - 1
    }

    /// Calls `body` with each entry filed under `key`.
    @inline(__always) func forEach(_ key: MatchPath.Key, _ body: (Int) -> Void) {
        let wanted = KeyIndex.stored(key.hash)
        var slot = KeyIndex.start(key.hash, mask)
        while true {
            let held = slots[slot]
            if held == 0 { return }
            if held == wanted {
                for index in bounds[slot]..<bounds[slot + 1] { body(entries[index]) }
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// 0 marks an empty slot, so a key hashing to 0 is kept as 1 (a collision at worst, which
    /// only makes a rule be tried on a path it cannot match).
    @inline(__always) private static func stored(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

    @inline(__always) private static func start(_ hash: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: hash ^ (hash >> 32)) & mask
    }
}
