/// Tier 4's measure of "a similar question": word-bigram shingles of a requirement's normalized
/// text, a 128-value MinHash signature of them, and 16 bands of 8 values for an LSH index.
///
/// With b = 16 bands of r = 8 rows a pair with Jaccard similarity J shares at least one band
/// with probability 1 − (1 − J⁸)¹⁶: 99.4 % at J = 0.85, 84 % at 0.75, 8 % at 0.5, so nearly
/// every pair above the default threshold becomes a candidate and few below it do. A candidate
/// is only a candidate: the exact Jaccard of the stored shingle sets decides.
///
/// Shingles are word pairs (not triples): one word changed in a 30-word requirement leaves
/// J ≈ 0.87 with pairs, 0.81 with triples, so the default threshold 0.85 admits a one-word
/// edit of a requirement of that length and refuses a two-word edit.
enum Similarity {
    public static let bands = 16
    public static let rows = 8
    public static var hashes: Int { bands * rows }

    /// Lower-case ASCII words and numbers of `text`, in order (anything else separates them).
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            let lower = byte >= 65 && byte <= 90 ? byte + 32 : byte
            if (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) || lower >= 0x80 {
                current.append(lower)
            } else if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// The sorted, distinct 32-bit hashes of the word pairs (a one-word text: the word).
    public static func shingles(_ words: [String]) -> [UInt32] {
        var set = Set<UInt32>()
        if words.count == 1 { set.insert(fnv32(words[0])) }
        for index in words.indices.dropLast() { set.insert(fnv32(words[index] + " " + words[index + 1])) }
        return set.sorted()
    }

    /// |A ∩ B| / |A ∪ B| of two sorted distinct sets.
    public static func jaccard(_ a: [UInt32], _ b: [UInt32]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        var i = 0, j = 0, common = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { common += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return Double(common) / Double(a.count + b.count - common)
    }

    /// The MinHash signature: for each of 128 seeded mixes of a shingle, the minimum.
    public static func signature(_ shingles: [UInt32]) -> [UInt32] {
        var minimum = [UInt32](repeating: .max, count: hashes)
        for shingle in shingles {
            for index in 0..<hashes {
                let value = mix(UInt64(shingle) &+ seeds[index])
                if value < minimum[index] { minimum[index] = value }
            }
        }
        return minimum
    }

    /// The 16 band keys of a signature (a hash of each band's 8 values).
    public static func bandKeys(_ signature: [UInt32]) -> [UInt32] {
        (0..<bands).map { band in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(band)
            for value in signature[(band * rows)..<((band + 1) * rows)] {
                hash = (hash ^ UInt64(value)) &* 0x100_0000_01b3
            }
            return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
        }
    }

    /// FNV-1a, 32 bits: stable across processes and machines (Swift's `Hasher` is seeded per
    /// process).
    public static func fnv32(_ text: String) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return hash
    }

    /// splitmix64's finalizer, folded to 32 bits.
    static func mix(_ input: UInt64) -> UInt32 {
        var z = input &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return UInt32(truncatingIfNeeded: z ^ (z >> 32))
    }

    static let seeds: [UInt64] = (0..<128).map { UInt64($0) &* 0x9e37_79b9_7f4a_7c15 &+ 0x2545_f491_4f6c_dd1d }
}

/// The LSH index over band keys, in memory: per band a sorted array of `key << 32 | entry`,
/// searched by bisection (128 bytes per entry), plus entries added since the last sort,
/// scanned. Entries are numbered by the caller (0, 1, 2…); each carries its gate (work kind,
/// language, layout) so a candidate of another kind is never returned.
struct SimilarityIndex: Sendable {
    private var sorted: [[UInt64]] = Array(repeating: [], count: Similarity.bands)
    private var recent: [(entry: UInt32, keys: [UInt32])] = []
    private var gates: [UInt32] = []

    public init() {}

    public var count: Int { gates.count }

    /// Adds an entry. A bulk load passes `sealing: false` and calls `seal()` once at the end;
    /// otherwise every 256 additions are merged into the sorted arrays.
    public mutating func add(bandKeys keys: [UInt32], gate: UInt32, sealing: Bool = true) -> UInt32 {
        let entry = UInt32(gates.count)
        gates.append(gate)
        recent.append((entry, keys))
        if sealing && recent.count >= 256 { seal() }
        return entry
    }

    /// Sorts the recent entries and merges them into the sorted arrays (linear in their size).
    public mutating func seal() {
        guard !recent.isEmpty else { return }
        for band in 0..<Similarity.bands {
            var added = recent.map { UInt64($0.keys[band]) << 32 | UInt64($0.entry) }
            added.sort()
            let old = sorted[band]
            if old.isEmpty {
                sorted[band] = added
                continue
            }
            var merged: [UInt64] = []
            merged.reserveCapacity(old.count + added.count)
            var i = 0, j = 0
            while i < old.count && j < added.count {
                if old[i] <= added[j] { merged.append(old[i]); i += 1 } else { merged.append(added[j]); j += 1 }
            }
            merged.append(contentsOf: old[i...])
            merged.append(contentsOf: added[j...])
            sorted[band] = merged
        }
        recent.removeAll(keepingCapacity: true)
    }

    /// Entries sharing at least one band with `keys` and the same gate, each once, by entry.
    public func candidates(bandKeys keys: [UInt32], gate: UInt32) -> [UInt32] {
        var found = Set<UInt32>()
        for band in 0..<Similarity.bands {
            let array = sorted[band]
            let low = UInt64(keys[band]) << 32
            var lo = 0, hi = array.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if array[mid] < low { lo = mid + 1 } else { hi = mid }
            }
            while lo < array.count, array[lo] >> 32 == UInt64(keys[band]) {
                let entry = UInt32(truncatingIfNeeded: array[lo])
                if gates[Int(entry)] == gate { found.insert(entry) }
                lo += 1
            }
        }
        for (entry, other) in recent where gates[Int(entry)] == gate {
            if (0..<Similarity.bands).contains(where: { other[$0] == keys[$0] }) { found.insert(entry) }
        }
        return found.sorted()
    }
}
