/// Adapts an earlier answer to a similar requirement: the requirement's key, slug and spec
/// folder, and the words that changed one for one between the two texts, are replaced in the
/// answer's paths and contents (`Dashboard` → `Settings`, `csv` → `json`, `FR_003` → `FR_004`).
/// The result is a guess until the validation gate passes it.
enum ReuseAdapter {
    /// The replacements, longest first.
    public static func replacements(from old: ReuseSubject, to new: ReuseSubject) -> [(String, String)] {
        var pairs: [(String, String)] = []
        func add(_ a: String, _ b: String) {
            guard !a.isEmpty, a != b, !pairs.contains(where: { $0.0 == a }) else { return }
            pairs.append((a, b))
        }
        add(old.folder, new.folder)
        if let a = old.folder.split(separator: "/").last, let b = new.folder.split(separator: "/").last { add(String(a), String(b)) }
        for (a, b) in [(old.key, new.key), (old.slug, new.slug)] {
            for variant in [{ (s: String) in s }, { $0.replacingAll("-", with: "_") }, { $0.replacingAll("-", with: "") }] {
                add(variant(a), variant(b))
                add(variant(a).lowercased(), variant(b).lowercased())
                add(variant(a).uppercased(), variant(b).uppercased())
            }
        }
        for (a, b) in wordChanges(old.words, new.words) {
            add(a, b)
            add(capitalized(a), capitalized(b))
            add(a.uppercased(), b.uppercased())
        }
        return pairs.sorted { $0.0.utf8.count != $1.0.utf8.count ? $0.0.utf8.count > $1.0.utf8.count : $0.0 < $1.0 }
    }

    public static func adapt(_ files: [String: [UInt8]], from old: ReuseSubject, to new: ReuseSubject) -> [String: [UInt8]] {
        let pairs = replacements(from: old, to: new).map { (Array($0.0.utf8), Array($0.1.utf8)) }
        var out: [String: [UInt8]] = [:]
        for (path, content) in files {
            out[String(decoding: replace(Array(path.utf8), pairs), as: UTF8.self)] = replace(content, pairs)
        }
        return out
    }

    /// Words replaced one for one: gaps between the longest common subsequence's words that have
    /// the same length on both sides, paired in order. A word mapped two ways is dropped.
    static func wordChanges(_ a: [String], _ b: [String]) -> [(String, String)] {
        guard !a.isEmpty, !b.isEmpty, a.count * b.count <= 250_000 else { return [] }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var map: [String: String] = [:]
        var conflicted: Set<String> = []
        var i = 0, j = 0
        var gapA: [String] = [], gapB: [String] = []
        func flush() {
            if gapA.count == gapB.count {
                for (x, y) in zip(gapA, gapB) where x != y {
                    if let earlier = map[x], earlier != y { conflicted.insert(x) } else { map[x] = y }
                }
            }
            gapA.removeAll()
            gapB.removeAll()
        }
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                flush()
                i += 1
                j += 1
            } else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] {
                gapB.append(b[j])
                j += 1
            } else {
                gapA.append(a[i])
                i += 1
            }
        }
        flush()
        return map.filter { !conflicted.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }

    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    private static func isLower(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
    private static func isUpper(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 48 && c <= 57) }

    /// One pass, longest replacement first at each position. A match must start at a word or
    /// camel-case boundary and end where the word (or camel-case part) ends.
    static func replace(_ text: [UInt8], _ pairs: [([UInt8], [UInt8])]) -> [UInt8] {
        guard !pairs.isEmpty else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var at = 0
        outer: while at < text.count {
            for (from, to) in pairs where from.first == text[at] && at + from.count <= text.count {
                guard text[at..<(at + from.count)].elementsEqual(from) else { continue }
                let first = from[0], last = from[from.count - 1]
                let before: UInt8? = at > 0 ? text[at - 1] : nil
                let after: UInt8? = at + from.count < text.count ? text[at + from.count] : nil
                let startsOK = before.map { !isAlnum($0) || (isUpper(first) && !isUpper($0) && isLower($0)) } ?? true
                let endsOK = after.map { !isAlnum($0) || (isLower(last) ? !isLower($0) : !isUpper($0)) } ?? true
                guard startsOK && endsOK else { continue }
                out += to
                at += from.count
                continue outer
            }
            out.append(text[at])
            at += 1
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
