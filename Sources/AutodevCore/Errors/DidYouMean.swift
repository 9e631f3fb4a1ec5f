/// The known name closest to a mistyped one, for "did you mean …?" in usage errors and warnings.
///
/// The distance is the optimal-string-alignment one (Levenshtein plus the swap of two neighbours
/// as one edit), so `stauts` is one edit from `status`, as git and cargo count it. A suggestion
/// is made only within a third of the candidate's length (at least one edit, at most three):
/// `sy` suggests nothing rather than a guess.
public enum DidYouMean {
    /// The closest of `candidates` to `input` (case ignored), or nil when none is close enough;
    /// the first in `candidates` wins a tie.
    public static func closest(to input: String, among candidates: [String]) -> String? {
        let typed = input.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != input {
            let distance = distance(typed, candidate.lowercased())
            guard distance <= max(1, min(3, candidate.count / 3)) else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.name
    }

    /// `. Did you mean 'status'?`, or "" when nothing is close.
    public static func sentence(for input: String, among candidates: [String]) -> String {
        closest(to: input, among: candidates).map { ". Did you mean '\($0)'?" } ?? ""
    }

    /// Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    value = min(value, table[i - 2][j - 2] + 1)
                }
                table[i][j] = value
            }
        }
        return table[x.count][y.count]
    }
}
