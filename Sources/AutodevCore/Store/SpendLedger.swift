internal import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// What models cost, call by call, in an append-only file that is never rewritten in place:
/// a line `reserved` (what the call may cost at most) is written and flushed to disk before the
/// call is sent, and a line `settled` (what the provider's `usage` says it cost) after it
/// answers or fails. Each call is charged once: its settled cost, or — when its run was killed
/// mid-call, so nobody knows what the provider charged — its reservation, the upper bound. A
/// torn last line (a kill during the write) is skipped; its call then stays charged as reserved.
/// No line can make a credit: costs and tokens below 0 are not believed (see `entries`).
///
/// It lives in the git folder (`.git/autodev/spend.jsonl`, shared by a repository's worktrees),
/// not under `.auto-dev/`: deleting `.auto-dev/` loses limiter and breaker readings, which
/// rebuild themselves, but never the day's and month's spending, which a budget must not forget.
/// Lines older than two months are dropped when the file passes 1 MB.
public struct SpendLedger: Sendable {
    public struct Line: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable { case reserved, settled }
        public var kind: Kind
        public var id: String
        public var at: Int64
        public var provider: String
        public var cost: Double
        public var tokens: Int
        public var run: String?
        public var work: [String]?
        /// answered, failed, stopped (settled lines).
        public var outcome: String?
    }

    /// One call as the ledger charges it.
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var at: Int64
        public var provider: String
        public var cost: Double
        public var tokens: Int
        public var run: String?
        /// false: reserved but never settled (its run was killed during the call).
        public var settled: Bool
        public var outcome: String?
    }

    public let path: String

    public init(path: String) { self.path = path }

    /// Every call, in order of reservation.
    public func entries() -> [Entry] {
        guard let bytes = (try? FileSystem.readIfPresent(path)) ?? nil else { return [] }
        var order: [String] = []
        var byID: [String: Entry] = [:]
        let decoder = JSONDecoder()
        for raw in bytes.split(separator: 0x0A) {
            guard let line = try? decoder.decode(Line.self, from: Data(raw)) else { continue }
            switch line.kind {
            case .reserved:
                guard byID[line.id] == nil else { continue }
                var line = line
                if line.cost.isNaN || line.cost < 0 { line.cost = 0 }
                line.tokens = max(0, line.tokens)
                order.append(line.id)
                byID[line.id] = Entry(id: line.id, at: line.at, provider: line.provider, cost: line.cost, tokens: line.tokens,
                                      run: line.run, settled: false, outcome: nil)
            case .settled:
                // A settlement that claims a credit (a negative or non-finite cost or token
                // count: a hand-edited file, or a version that trusted a provider's negative
                // usage) is not believed: the call stays charged at its reservation.
                guard line.cost.isFinite, line.cost >= 0, line.tokens >= 0 else { continue }
                guard var entry = byID[line.id], !entry.settled else { continue }
                entry.cost = line.cost
                entry.tokens = line.tokens
                entry.settled = true
                entry.outcome = line.outcome
                byID[line.id] = entry
            }
        }
        return order.compactMap { byID[$0] }
    }

    /// Spending at `now` for the budget; `run` names this run's calls.
    public func spent(now: Int64, run: String?) -> Budget.Spent {
        Self.spent(entries(), now: now, run: run)
    }

    static func spent(_ entries: [Entry], now: Int64, run: String?) -> Budget.Spent {
        let day = UTCCalendar.startOfDay(now), month = UTCCalendar.startOfMonth(now)
        var spent = Budget.Spent()
        for entry in entries {
            if entry.at >= month { spent.month += entry.cost }
            if entry.at >= day {
                spent.day += entry.cost
                spent.dayTokens += entry.tokens
            }
            if let run, entry.run == run { spent.run += entry.cost }
        }
        return spent
    }

    public func reserve(_ line: Line) throws(AutodevError) {
        try append(line)
    }

    public func settle(_ line: Line) throws(AutodevError) {
        try append(line)
    }

    /// One line, appended with O_APPEND and flushed: a kill leaves it whole or torn, never lost
    /// once this returns.
    private func append(_ line: Line) throws(AutodevError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(line) else {
            throw AutodevError(.ioFailure, "cannot encode a spending record for \(path)")
        }
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !folder.isEmpty { try FileSystem.makeDirectories(folder) }
        compactIfLarge(now: line.at)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.ioError("cannot write the spending ledger \(path)") }
        defer { close(fd) }
        // A torn line left by a kill would swallow this one: start on a fresh line.
        var bytes = Array(data) + [0x0A]
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0 {
            let probe = open(path, O_RDONLY | O_CLOEXEC)
            if probe >= 0 {
                var last: UInt8 = 0x0A
                if pread(probe, &last, 1, off_t(info.st_size - 1)) == 1, last != 0x0A { bytes.insert(0x0A, at: 0) }
                close(probe)
            }
        }
        guard FileSystem.writeAll(fd, bytes), fsync(fd) == 0 else {
            throw FileSystem.ioError("cannot write the spending ledger \(path)")
        }
    }

    /// Past 1 MB, lines older than two months before `now` go (atomically; the run lock is held).
    /// `now` is the time of the line being appended, which comes from the run's injected clock,
    /// so a test's clock (or a clock that is wrong) decides the cutoff, never the wall clock.
    private func compactIfLarge(now: Int64) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 1_048_576, let bytes = try? FileSystem.read(path) else { return }
        let cutoff = UTCCalendar.startOfMonth(UTCCalendar.startOfMonth(now) - 1)
        let decoder = JSONDecoder()
        var kept: [UInt8] = []
        for raw in bytes.split(separator: 0x0A) {
            guard let line = try? decoder.decode(Line.self, from: Data(raw)), line.at >= cutoff else { continue }
            kept += raw + [0x0A]
        }
        try? FileSystem.writeAtomically(path, kept)
    }
}
