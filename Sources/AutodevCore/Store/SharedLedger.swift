internal import AutodevGit
internal import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// How `sync --ci` moves the shared ledger's ref between this clone and the remote. The CLI
/// implements it with the `git` command (the job's credentials apply); the core only builds
/// and reads the commits.
public protocol LedgerTransport: AnyObject {
    /// The remote's name, for messages.
    var remoteName: String { get }
    /// Fetches `ref` from the remote into the same local ref; returns the remote's value (hex),
    /// nil when the remote has no such ref.
    func fetch(_ ref: String) throws(AutodevError) -> String?
    /// Points the remote's `ref` at `commit` only if it still holds `expected` (nil: only if it
    /// has no such ref). false: another runner moved it since the fetch (nothing was changed).
    func push(_ commit: String, to ref: String, expected: String?) throws(AutodevError) -> Bool
}

/// The spending ledger, circuit breakers, long Retry-After deadlines and token calibrations of
/// one repository, kept in git beside the checkpoint and queue so that every CI runner — each a
/// fresh clone — sees what the others spent and learned.
///
/// The ref `refs/autodev/ledger` points at a commit (no parent: fetching it never drags a
/// history along) whose tree holds `spend.jsonl` — the ledger's lines, each `reserved` or
/// `settled` with a call id no other runner uses — and `resilience.json`. Copies are merged,
/// never replaced: the union of the lines, keyed by kind and call id, so a merge never loses a
/// charge and never counts one twice; for breakers the one that moved last (see `merge`), for
/// Retry-After the later deadline, for calibrations the local value where there is one.
///
/// A call is reserved here before it is sent: fetch, merge, check the budget on the merged
/// ledger, then push the ledger with the reservation added, conditional on the remote still
/// holding what was fetched. Two runners racing for the last of a budget cannot both win that
/// push; the loser fetches the winner's reservation, checks the budget again, and is refused.
/// A reservation that cannot be pushed at all is not made — the work waits — because an
/// unpublished reservation is one the other runners cannot count. Settlements (what a call
/// really cost) and everything else are pushed after, best effort: what cannot be pushed stays
/// in the local ledger, is reported, and goes with the next push from this clone; until then
/// the other runners count the call at its reservation, the upper bound.
public final class SharedLedger {
    public static let ref = "refs/autodev/ledger"
    static let spendFile = "spend.jsonl"
    static let resilienceFile = "resilience.json"

    /// What of the resilience state travels between runners.
    struct Shared: Codable, Equatable {
        var breakers: [String: CircuitBreaker] = [:]
        var notBefore: [String: Int64] = [:]
        var calibration: [String: Double] = [:]
    }

    /// The outcome of `reserve`.
    public enum Reservation: Equatable {
        case reserved
        /// The budget, read from the merged ledger, does not allow it.
        case refused(String, resumesAt: Int64?)
        /// It could not be published; the call must not go.
        case unavailable(String)
    }

    let gitDirectory: String
    let ledger: SpendLedger
    let store: StateStore
    let transport: any LedgerTransport
    /// The remote's commit at the last fetch or successful push: the next push's lease.
    private(set) var remoteTip: String?
    /// Calibrations the remote holds, for a run that has none of its own yet.
    public private(set) var calibration: [String: Double] = [:]
    /// Attempts at publishing a reservation before the work waits for the next run.
    var attempts = 30
    /// Waits between lost races, so that runners released together spread out.
    var pause: (Int) -> Void = { attempt in usleep(UInt32.random(in: 0...UInt32(min(attempt, 10) * 20_000))) }

    public init(gitDirectory: String, ledger: SpendLedger, store: StateStore, transport: any LedgerTransport) {
        self.gitDirectory = gitDirectory
        self.ledger = ledger
        self.store = store
        self.transport = transport
    }

    // MARK: Fetch and merge

    /// Fetches the remote's ledger and merges it into the local one. With `resilience`, the
    /// breakers and Retry-After deadlines are merged into `.auto-dev/loop/resilience.json` too
    /// (only before a run: during it, the call guard owns that file).
    public func pull(resilience: Bool) throws(AutodevError) {
        remoteTip = try transport.fetch(Self.ref)
        guard let tip = remoteTip else { return }
        let (lines, shared) = try read(tip)
        try absorb(lines)
        calibration = shared.calibration
        guard resilience else { return }
        var (state, _) = ResilienceState.load(store)
        let merged = Self.merge(Self.shared(from: state), shared)
        state.breakers = merged.breakers
        state.notBefore = merged.notBefore.isEmpty ? nil : merged.notBefore
        try state.save(store)
    }

    /// The lines and shared state of a ledger commit.
    private func read(_ tip: String) throws(AutodevError) -> ([[UInt8]], Shared) {
        try call { repository in
            guard let id = ObjectID(hex: tip) else { throw AutodevError(.gitFailure, "\(Self.ref) names '\(tip)', not a commit id") }
            let spend = try repository.fileContent(atPath: Self.spendFile, inCommit: id) ?? []
            let shared = try repository.fileContent(atPath: Self.resilienceFile, inCommit: id)
                .flatMap { try? JSONDecoder().decode(Shared.self, from: Data($0)) } ?? Shared()
            return (spend.split(separator: 0x0A).map(Array.init), shared)
        }
    }

    /// Appends to the local ledger the lines it lacks, in one flushed write.
    private func absorb(_ lines: [[UInt8]]) throws(AutodevError) {
        let have = Set(Self.lines(of: ledger).compactMap(Self.key))
        var missing: [UInt8] = []
        var seen = have
        for line in lines {
            guard let key = Self.key(line), seen.insert(key).inserted else { continue }
            missing += line + [0x0A]
        }
        guard !missing.isEmpty else { return }
        let folder = String(ledger.path[..<(ledger.path.lastIndex(of: "/") ?? ledger.path.startIndex)])
        if !folder.isEmpty { try FileSystem.makeDirectories(folder) }
        let fd = open(ledger.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.ioError("cannot write the spending ledger \(ledger.path)") }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0 {
            var last: UInt8 = 0x0A
            // A torn last line (a kill mid-write) would swallow the first merged one.
            if pread(fd, &last, 1, off_t(info.st_size - 1)) == 1, last != 0x0A { missing.insert(0x0A, at: 0) }
        }
        guard FileSystem.writeAll(fd, missing), fsync(fd) == 0 else {
            throw FileSystem.ioError("cannot write the spending ledger \(ledger.path)")
        }
    }

    // MARK: Publish

    /// The remote's copy as last fetched, merged with the local ledger (and `extra`) and the
    /// local resilience state; `unchanged` when that adds nothing to the remote's copy.
    private func merged(adding extra: SpendLedger.Line?, calibration ours: [String: Double]) throws(AutodevError)
        -> (union: [[UInt8]], shared: Shared, unchanged: Bool) {
        var remoteLines: [[UInt8]] = []
        var remoteShared = Shared()
        if let remoteTip { (remoteLines, remoteShared) = try read(remoteTip) }
        var union = remoteLines.filter { Self.key($0) != nil }
        let remoteCount = union.count
        var seen = Set(union.compactMap(Self.key))
        var extraBytes: [UInt8]?
        if let extra { extraBytes = try Self.encode(extra) }
        let local: [[UInt8]] = Self.lines(of: ledger) + (extraBytes.map { [$0] } ?? [])
        for line in local {
            guard let key = Self.key(line), seen.insert(key).inserted else { continue }
            union.append(line)
        }
        let (state, _) = ResilienceState.load(store)
        var shared = Self.merge(remoteShared, Self.shared(from: state))
        shared.calibration = remoteShared.calibration.merging(ours) { $1 }
        let unchanged = remoteTip == nil
            // Nothing spent or learned anywhere yet: no ref is created for an empty ledger.
            ? union.isEmpty && shared == Shared()
            : union.count == remoteCount && union.count == remoteLines.count && shared == remoteShared
        return (union, shared, unchanged)
    }

    /// Pushes the local ledger (with `adding`, when given) merged with the remote's as last
    /// fetched, if the remote still holds that. false: another runner pushed first.
    public func publish(adding extra: SpendLedger.Line? = nil, calibration ours: [String: Double] = [:]) throws(AutodevError) -> Bool {
        let (union, shared, unchanged) = try merged(adding: extra, calibration: ours)
        if unchanged { return true }
        var spend: [UInt8] = []
        for line in union { spend += line + [0x0A] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let resilience = try? encoder.encode(shared) else {
            throw AutodevError(.ioFailure, "cannot encode the shared resilience state")
        }
        let commit = try call { repository in
            let tree = try repository.writeTree(base: nil, blobs: [Self.spendFile: try repository.writeBlob(spend),
                                                                   Self.resilienceFile: try repository.writeBlob(Array(resilience) + [0x0A])])
            return try repository.createCommit(tree: tree, parents: [], message: "autodev: spending ledger, \(union.count) lines\n",
                                               author: "autodev", email: "autodev@localhost", time: FileSystem.now()).hex
        }
        guard try transport.push(commit, to: Self.ref, expected: remoteTip) else { return false }
        remoteTip = commit
        // The local copy of the ref says what the remote holds (status counts what is not there).
        if let id = ObjectID(hex: commit) {
            try? call { repository in
                try repository.updateReference(Self.ref, to: id, expected: try repository.referenceTarget(Self.ref), message: "autodev: ledger pushed")
            }
        }
        return true
    }

    /// Publishes a reservation before its call is sent: fetch, merge, `check` the budget on the
    /// merged ledger (a refusal is returned), push with the lease; a lost race goes round again.
    /// The caller then writes the line to the local ledger as usual.
    public func reserve(_ line: SpendLedger.Line, check: () -> (reason: String, resumesAt: Int64?)?) -> Reservation {
        var problem = ""
        for attempt in 1...max(1, attempts) {
            do {
                try pull(resilience: false)
                if let refusal = check() { return .refused(refusal.reason, resumesAt: refusal.resumesAt) }
                if try publish(adding: line) { return .reserved }
                problem = "\(attempt) other runner\(attempt == 1 ? "" : "s") pushed first"
            } catch {
                return .unavailable("the call was not sent: its reservation could not be pushed to \(Self.ref) on \(transport.remoteName), so runners sharing the budget could not count it (\(error.message))")
            }
            pause(attempt)
        }
        return .unavailable("the call was not sent: its reservation could not be pushed to \(Self.ref) on \(transport.remoteName) (\(problem)); the work waits for the next run")
    }

    /// Pushes what the local ledger holds that the remote lacks, merging on a lost race. nil:
    /// done; else what went wrong, for a warning (the lines stay local for the next push).
    public func flush(calibration: [String: Double] = [:], attempts: Int = 30) -> String? {
        // Nothing new since the last fetch or push: no second fetch (a sync that made no call
        // pays one fetch for the shared ledger, not two).
        if (try? merged(adding: nil, calibration: calibration).unchanged) == true { return nil }
        var last = ""
        for attempt in 1...max(1, attempts) {
            do {
                try pull(resilience: false)
                if try publish(calibration: calibration) { return nil }
                last = "other runners kept pushing first"
            } catch {
                last = error.message
                break
            }
            pause(attempt)
        }
        let count = Self.unpushed(gitDirectory: gitDirectory, ledger: ledger) ?? 0
        return "cannot push the spending ledger to \(Self.ref) on \(transport.remoteName): \(last); \(count) line\(count == 1 ? "" : "s") stay in \(ledger.path) and the next sync --ci from this clone pushes them (until then other runners count those calls at their reservation)"
    }

    // MARK: Status

    /// Lines of the local ledger that the remote's copy, as last fetched or pushed, lacks; nil
    /// when this clone never shared its ledger.
    public static func unpushed(gitDirectory: String, ledger: SpendLedger) -> Int? {
        guard let repository = try? Repository.open(at: gitDirectory),
              let tip = try? repository.referenceTarget(ref) else { return nil }
        let remote = ((try? repository.fileContent(atPath: spendFile, inCommit: tip)) ?? nil) ?? []
        let have = Set(remote.split(separator: 0x0A).compactMap { key(Array($0)) })
        return Set(lines(of: ledger).compactMap(key)).subtracting(have).count
    }

    // MARK: Helpers

    static func lines(of ledger: SpendLedger) -> [[UInt8]] {
        guard let bytes = (try? FileSystem.readIfPresent(ledger.path)) ?? nil else { return [] }
        return bytes.split(separator: 0x0A).map(Array.init)
    }

    /// A line's identity: its kind and call id. nil for a line that is not a ledger line (a torn
    /// one), or one older than the two months the ledger keeps (`SpendLedger`'s compaction):
    /// it is neither merged nor pushed, so the shared copy stays as small as the local one.
    static func key(_ line: [UInt8]) -> String? {
        guard let parsed = try? JSONDecoder().decode(SpendLedger.Line.self, from: Data(line)),
              parsed.at >= UTCCalendar.startOfMonth(UTCCalendar.startOfMonth(FileSystem.now()) - 1) else { return nil }
        return parsed.kind.rawValue + " " + parsed.id
    }

    static func encode(_ line: SpendLedger.Line) throws(AutodevError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(line) else {
            throw AutodevError(.ioFailure, "cannot encode a spending record")
        }
        return Array(data)
    }

    static func shared(from state: ResilienceState) -> Shared {
        Shared(breakers: state.breakers, notBefore: state.notBefore ?? [:], calibration: [:])
    }

    /// Two copies as one: of two breakers the one that moved last (`since`: when it opened, or
    /// when its probe went — a probe that succeeded closes it with that time, so it wins over
    /// the opening before it); at the same time the open one, then the one with more failures.
    /// The later Retry-After deadline wins; calibrations: `b`'s where it has one.
    static func merge(_ a: Shared, _ b: Shared) -> Shared {
        var merged = a
        func rank(_ breaker: CircuitBreaker) -> (Int64, Int, Int) {
            (breaker.since, breaker.state == .closed ? 0 : 1, breaker.consecutiveFailures)
        }
        for (name, breaker) in b.breakers {
            guard let other = merged.breakers[name] else { merged.breakers[name] = breaker; continue }
            if rank(breaker) > rank(other) { merged.breakers[name] = breaker }
        }
        merged.notBefore.merge(b.notBefore) { max($0, $1) }
        merged.calibration.merge(b.calibration) { $1 }
        return merged
    }

    /// Runs `body` on a repository handle of this call's own (libgit2 handles stay on one task).
    private func call<T>(_ body: (Repository) throws -> T) throws(AutodevError) -> T {
        do {
            let repository = try Repository.open(at: gitDirectory)
            return try gitCall(repository) { try body(repository) }
        } catch let error as AutodevError {
            throw error
        } catch {
            throw AutodevError(.gitFailure, "cannot open the repository at \(gitDirectory) for the shared ledger: \(error)")
        }
    }
}
