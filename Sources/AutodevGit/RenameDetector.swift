internal import AutodevSupport
/// Pairs deletions with additions the way git's `diffcore-rename` does for `git diff -M`:
/// exact matches by object id first (preferring the same file name), then files whose unique
/// basename reappears at least 75% alike, then — only while sources × destinations stays within
/// `diff.renameLimit`² — the full similarity matrix, using git's own similarity estimate
/// (64-byte-or-line chunks, hashed and counted). Following git step by step keeps autodev's
/// renames equal to git's, which the tests check against `git diff --name-status -M`.
struct RenameDetector {
    static let maxScore = 60_000

    let repository: Repository
    let options: RenameOptions
    /// Looked at for each destination of the similarity matrix; true ends detection early.
    let stop: () -> Bool

    init(repository: Repository, options: RenameOptions, stop: @escaping () -> Bool = { false }) {
        self.repository = repository
        self.options = options
        self.stop = stop
    }

    private final class Candidate {
        let path: [UInt8]
        let side: FileSide
        /// git's `rename_used`: how many destinations took this source, plus one for a modified
        /// file kept in place (a copy source only, with `diff.renames=copies`).
        var renameUsed = 0
        var used: Bool { renameUsed > 0 }
        var renamedFrom: Int?  // for destinations: index into sources
        var score = 0
        var size: Int?
        var spans: [(hash: UInt32, count: UInt32)]?
        /// Its content is not in this clone (a partial clone, a mirror without its largest
        /// blobs): like nothing, it is no one's rename, and the diff goes on.
        var missing = false

        init(path: [UInt8], side: FileSide) {
            self.path = path
            self.side = side
        }
    }

    func resolve(_ deltas: [RawDelta]) throws -> DiffResult {
        var changes: [FileChange] = []
        changes.reserveCapacity(deltas.count)
        var sources: [Candidate] = []
        var destinations: [Candidate] = []
        for delta in deltas {
            switch (delta.old, delta.new) {
            case let (old?, new?):
                changes.append(Self.modification(path: delta.path, old: old, new: new))
                if options.enabled && options.copies {
                    // git -C: a modified file is also a source that destinations may copy.
                    let source = Candidate(path: delta.path, side: old)
                    source.renameUsed = 1
                    sources.append(source)
                }
            case let (old?, nil):
                sources.append(Candidate(path: delta.path, side: old))
            case let (nil, new?):
                destinations.append(Candidate(path: delta.path, side: new))
            case (nil, nil):
                continue
            }
        }
        var limitNeeded: Int?
        if options.enabled, !sources.isEmpty, !destinations.isEmpty {
            sources.sort { compareBytes($0.path, $1.path) < 0 }
            destinations.sort { compareBytes($0.path, $1.path) < 0 }
            limitNeeded = try detect(sources: sources, destinations: destinations)
        }
        for source in sources where !source.used {
            changes.append(FileChange(status: .deleted, path: Self.string(source.path), old: source.side, new: nil))
        }
        for destination in destinations {
            if let from = destination.renamedFrom {
                let source = sources[from]
                // git's diff_resolve_rename_copy: in path order, every use of a source but the
                // last is a copy; a modified source (counted once for itself) only gives copies.
                source.renameUsed -= 1
                changes.append(FileChange(
                    status: source.renameUsed > 0 ? .copied : .renamed, path: Self.string(destination.path),
                    oldPath: Self.string(source.path),
                    similarity: destination.score * 100 / Self.maxScore, old: source.side, new: destination.side))
            } else {
                changes.append(FileChange(status: .added, path: Self.string(destination.path), old: nil, new: destination.side))
            }
        }
        // By path bytes: the keys are made once and compared with memcmp, and only indices move
        // (sorting the changes themselves, or comparing through String, was 3 ms for 10,000).
        let keys = changes.map { Array($0.path.utf8) }
        let order = keys.indices.sorted { compareBytes(keys[$0], keys[$1]) < 0 }
        return DiffResult(changes: order.map { changes[$0] }, renameLimitNeeded: limitNeeded)
    }

    /// A path present on both sides.
    static func modification(path: [UInt8], old: FileSide, new: FileSide) -> FileChange {
        let status: FileChange.Status = old.mode.type == new.mode.type ? .modified : .typechange
        return FileChange(status: status, path: string(path), old: old, new: new)
    }

    static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Returns the rename limit that inexact detection would have needed, when it was skipped.
    private func detect(sources: [Candidate], destinations: [Candidate]) throws -> Int? {
        // 1. Exact renames.
        var byID: [ObjectID: [Int]] = [:]
        for (index, source) in sources.enumerated() { byID[source.side.id, default: []].append(index) }
        var renamed = 0
        for (dstIndex, destination) in destinations.enumerated() {
            guard let candidates = byID[destination.side.id] else { continue }
            var best: Int?
            var bestScore = -1
            var tries = 100
            for srcIndex in candidates {
                let source = sources[srcIndex]
                if !source.side.mode.isRegular || !destination.side.mode.isRegular {
                    if source.side.mode != destination.side.mode { continue }
                }
                if source.used && !options.copies { continue }
                // Sources not taken yet come first; with copies, taken ones may be copied again.
                let score = (source.used ? 0 : 1) + (Self.basenameSame(source.path, destination.path) ? 1 : 0)
                if score > bestScore {
                    best = srcIndex
                    bestScore = score
                    if score == 2 { break }
                }
                tries -= 1
                if tries == 0 { break }
            }
            if let best {
                record(destination: destinations[dstIndex], sourceIndex: best, sources: sources, score: Self.maxScore)
                renamed += 1
            }
        }

        let minimumScore = options.minimumScore * Self.maxScore / 100
        if minimumScore >= Self.maxScore { return nil }

        // 2. Unique basenames that reappear, at least halfway between the minimum and identical
        //    (git skips this when looking for copies).
        var remaining = sources.indices.filter { options.copies || !sources[$0].used }
        let basenameScore = minimumScore + (Self.maxScore - minimumScore) / 2
        var sourceByBase: [ArraySlice<UInt8>: Int] = [:]
        for index in remaining where !options.copies {
            let base = Self.basename(sources[index].path)
            sourceByBase[base] = sourceByBase[base] == nil ? index : -1
        }
        var destinationByBase: [ArraySlice<UInt8>: Int] = [:]
        for (index, destination) in destinations.enumerated() where destination.renamedFrom == nil {
            let base = Self.basename(destination.path)
            destinationByBase[base] = destinationByBase[base] == nil ? index : -1
        }
        for index in remaining where !options.copies {
            let base = Self.basename(sources[index].path)
            guard let dstIndex = destinationByBase[base] else { continue }
            guard sourceByBase[base] == index, dstIndex >= 0 else { continue }
            let destination = destinations[dstIndex]
            if destination.renamedFrom != nil { continue }
            let score = try similarity(sources[index], destination, minimumScore: basenameScore)
            if score < basenameScore { continue }
            record(destination: destination, sourceIndex: index, sources: sources, score: score)
            renamed += 1
        }

        // 3. The similarity matrix, within the rename limit (every source when looking for copies).
        remaining = remaining.filter { options.copies || !sources[$0].used }
        let openDestinations = destinations.indices.filter { destinations[$0].renamedFrom == nil }
        if openDestinations.isEmpty || remaining.isEmpty { return nil }
        if options.limit > 0, openDestinations.count * remaining.count > options.limit * options.limit {
            return max(openDestinations.count, remaining.count)
        }

        struct Score { var src: Int; var dst: Int; var score: Int; var nameScore: Int }
        func compare(_ a: Score, _ b: Score) -> Int {
            if a.dst < 0 { return b.dst >= 0 ? 1 : 0 }
            if b.dst < 0 { return -1 }
            if a.score == b.score { return b.nameScore - a.nameScore }
            return b.score - a.score
        }
        var matrix: [Score] = []
        matrix.reserveCapacity(openDestinations.count * 4)
        for dstIndex in openDestinations {
            if stop() { break }
            var best = [Score](repeating: Score(src: -1, dst: -1, score: 0, nameScore: 0), count: 4)
            for srcIndex in remaining {
                let candidate = Score(
                    src: srcIndex, dst: dstIndex,
                    score: try similarity(sources[srcIndex], destinations[dstIndex], minimumScore: minimumScore),
                    nameScore: Self.basenameSame(sources[srcIndex].path, destinations[dstIndex].path) ? 1 : 0)
                var worst = 0
                for slot in 1..<4 where compare(best[slot], best[worst]) > 0 { worst = slot }
                if compare(best[worst], candidate) > 0 { best[worst] = candidate }
            }
            matrix.append(contentsOf: best)
        }
        matrix.sort { compare($0, $1) < 0 }
        // git's find_renames: first sources nobody took, then — for copies — any source.
        for copies in options.copies ? [false, true] : [false] {
            for entry in matrix {
                if entry.dst < 0 || entry.score < minimumScore { break }
                let destination = destinations[entry.dst]
                if destination.renamedFrom != nil || (!copies && sources[entry.src].used) { continue }
                record(destination: destination, sourceIndex: entry.src, sources: sources, score: entry.score)
            }
        }
        return nil
    }

    private func record(destination: Candidate, sourceIndex: Int, sources: [Candidate], score: Int) {
        sources[sourceIndex].renameUsed += 1
        destination.renamedFrom = sourceIndex
        destination.score = score
    }

    /// git's `estimate_similarity`: 0 for non-regular files or sizes too far apart; otherwise the
    /// share of the larger file's bytes found in both, scaled to `maxScore`.
    private func similarity(_ source: Candidate, _ destination: Candidate, minimumScore: Int) throws -> Int {
        guard source.side.mode.isRegular, destination.side.mode.isRegular,
              let sourceSize = try size(of: source), let destinationSize = try size(of: destination) else { return 0 }
        let maxSize = max(sourceSize, destinationSize)
        let delta = maxSize - min(sourceSize, destinationSize)
        if maxSize * (Self.maxScore - minimumScore) < delta * Self.maxScore { return 0 }
        guard let a = try spans(of: source), let b = try spans(of: destination) else { return 0 }
        var copied = 0
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i].hash == b[j].hash {
                copied += Int(min(a[i].count, b[j].count))
                i += 1
                j += 1
            } else if a[i].hash < b[j].hash {
                i += 1
            } else {
                j += 1
            }
        }
        if destinationSize == 0 { return 0 }
        return copied * Self.maxScore / maxSize
    }

    /// nil when the candidate's content is not in this clone (`Candidate.missing`).
    private func size(of candidate: Candidate) throws -> Int? {
        if let size = candidate.size { return size }
        if candidate.missing { return nil }
        if case .workdir = candidate.side.location {
            // A working-tree file has no cheap size lookup: read it once and keep its spans too.
            _ = try spans(of: candidate)
            return candidate.size ?? 0
        }
        do {
            let size = try repository.size(of: candidate.side)
            candidate.size = size
            return size
        } catch let error as GitError where error.kind == .missingObject {
            candidate.missing = true
            return nil
        }
    }

    private func spans(of candidate: Candidate) throws -> [(hash: UInt32, count: UInt32)]? {
        if let spans = candidate.spans { return spans }
        if candidate.missing { return nil }
        let data: [UInt8]
        do {
            data = try repository.content(of: candidate.side)
        } catch let error as GitError where error.kind == .missingObject {
            candidate.missing = true
            return nil
        }
        let spans = Self.hashSpans(data)
        candidate.spans = spans
        candidate.size = data.count
        return spans
    }

    /// git's `hash_chars`: cut into chunks ending at a newline or after 64 bytes, hash each chunk
    /// into one of 107927 buckets, and count bytes per bucket. CR before LF is skipped in text.
    static func hashSpans(_ data: [UInt8]) -> [(hash: UInt32, count: UInt32)] {
        let hashBase: UInt32 = 107_927
        let isText = !isBinary(data)
        var counts: [UInt32: UInt32] = [:]
        var accum1: UInt32 = 0, accum2: UInt32 = 0
        var n: UInt32 = 0
        var index = 0
        let size = data.count
        while index < size {
            let c = UInt32(data[index])
            index += 1
            if isText && c == 0x0D && index < size && data[index] == 0x0A { continue }
            let old1 = accum1
            accum1 = (accum1 << 7) ^ (accum2 >> 25)
            accum2 = (accum2 << 7) ^ (old1 >> 25)
            accum1 = accum1 &+ c
            n += 1
            if n < 64 && c != 0x0A { continue }
            let hash = (accum1 &+ accum2 &* 0x61) % hashBase
            counts[hash, default: 0] += n
            n = 0
            accum1 = 0
            accum2 = 0
        }
        if n > 0 {
            let hash = (accum1 &+ accum2 &* 0x61) % hashBase
            counts[hash, default: 0] += n
        }
        return counts.map { (hash: $0.key, count: $0.value) }.sorted { $0.hash < $1.hash }
    }

    /// git's binary heuristic: a NUL byte in the first 8000 bytes.
    static func isBinary(_ data: [UInt8]) -> Bool {
        data.prefix(8000).contains(0)
    }

    static func basename(_ path: [UInt8]) -> ArraySlice<UInt8> {
        if let slash = path.lastIndex(of: UInt8(ascii: "/")) { return path[(slash + 1)...] }
        return path[...]
    }

    /// git's `basename_same`.
    static func basenameSame(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        basename(a).elementsEqual(basename(b))
    }
}
