internal import FoundationEssentials
internal import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// The runtime state under `.auto-dev/`: every file written atomically with a schema version;
/// a file that cannot be read is set aside with a warning and rebuilt, never fatal.
public struct StateStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public var loop: String { root + "/loop" }
    public var statePath: String { loop + "/state.json" }
    public var metricsPath: String { loop + "/metrics.json" }
    public var lockPath: String { loop + "/lock" }
    public var rerunPath: String { loop + "/rerun-wanted" }
    public var historyFolder: String { loop + "/history" }
    public var decisionsFolder: String { loop + "/decisions" }
    public var pendingFolder: String { loop + "/pending" }

    /// The state, or a fresh one with a warning when the file is corrupt or of another version.
    public func loadState() -> (SyncState, warning: String?) {
        load(SyncState.self, at: statePath, versions: [SyncState.schemaVersion], rebuilt: Self.stateRebuilt) ?? (SyncState(), nil)
    }

    /// The state for a read-only look (`status`, `sync --dry-run`): a file that cannot be used
    /// is reported, not set aside.
    public func peekState() -> (SyncState, warning: String?) {
        guard FileSystem.exists(statePath) else { return (SyncState(), nil) }
        guard let bytes = try? FileSystem.read(statePath),
              let state = try? JSONDecoder().decode(SyncState.self, from: Data(bytes)),
              state.schemaVersion == SyncState.schemaVersion else {
            return (SyncState(), "\(statePath) is unusable; the next sync sets it aside and rebuilds it")
        }
        return (state, nil)
    }

    /// Only the state's `produced` blob ids, for a preview: the rest of the file is skipped
    /// rather than decoded. Empty when the file is missing or unusable.
    public func peekProduced() -> [String] {
        struct Produced: Decodable { var schemaVersion: Int?; var produced: [String]? }
        guard let bytes = (try? FileSystem.readIfPresent(statePath)) ?? nil,
              let state = try? JSONDecoder().decode(Produced.self, from: Data(bytes)),
              state.schemaVersion == SyncState.schemaVersion else { return [] }
        return state.produced ?? []
    }

    /// The metrics without setting an unreadable file aside (for read-only commands).
    public func loadMetricsReadOnly() -> Metrics {
        peekMetrics().0
    }

    /// The metrics, read only, and a warning when the file exists but cannot be read.
    public func peekMetrics() -> (Metrics, warning: String?) {
        guard let bytes = (try? FileSystem.readIfPresent(metricsPath)) ?? nil else { return (Metrics(), nil) }
        guard let metrics = try? JSONDecoder().decode(Metrics.self, from: Data(bytes)) else {
            return (Metrics(), "\(metricsPath) is unreadable: the counters shown are zero, and the next sync sets it aside and starts them again")
        }
        return (metrics, nil)
    }

    public func loadMetrics() -> (Metrics, warning: String?) {
        load(Metrics.self, at: metricsPath, versions: [1, Metrics.schemaVersion], rebuilt: "the counters start again from zero") ?? (Metrics(), nil)
    }

    /// nil when the file does not exist. `versions`: the schema versions the type decodes (an
    /// older one is migrated by its decoder).
    /// `rebuilt` says what the warning promises about what the file held.
    private func load<T: Decodable>(_ type: T.Type, at path: String, versions: Set<Int>, rebuilt: String) -> (T, warning: String?)? where T: Initializable {
        guard FileSystem.exists(path) else { return nil }
        guard let bytes = try? FileSystem.read(path) else {
            return (T(), setAside(path, rebuilt: rebuilt, because: "it cannot be read"))
        }
        let decoder = JSONDecoder()
        guard let header = try? decoder.decode(Versioned.self, from: Data(bytes)) else {
            return (T(), setAside(path, rebuilt: rebuilt, because: "it is not valid JSON"))
        }
        guard let version = header.schemaVersion, versions.contains(version) else {
            let expected = versions.sorted().map(String.init).joined(separator: " or ")
            return (T(), setAside(path, rebuilt: rebuilt, because: "its schema version \(header.schemaVersion.map(String.init) ?? "(none)") is not \(expected)"))
        }
        do {
            return (try decoder.decode(T.self, from: Data(bytes)), nil)
        } catch {
            return (T(), setAside(path, rebuilt: rebuilt, because: "it does not have the expected fields"))
        }
    }

    /// What a lost state.json costs: nothing but re-deciding.
    static let stateRebuilt = "pending work and requests awaiting an LLM are read back from \(WorkQueue.ref), generated files from the results branch"

    private func setAside(_ path: String, rebuilt: String, because reason: String) -> String {
        let aside = path + ".corrupt-\(FileSystem.now())"
        do {
            try FileSystem.move(path, aside)
            return "\(path) was set aside as \(aside) because \(reason); it is rebuilt: \(rebuilt)"
        } catch {
            return "\(path) is unusable because \(reason), and could not be set aside (\(error)); it is rebuilt: \(rebuilt)"
        }
    }

    public func save(_ state: SyncState) throws(AutodevError) {
        try write(state, to: statePath)
    }

    public func save(_ metrics: Metrics) throws(AutodevError) {
        try write(metrics, to: metricsPath)
    }

    public func save(_ record: RunRecord) throws(AutodevError) {
        try write(record, to: historyFolder + "/\(record.id).json")
    }

    /// The run's decision log, one line a decision, each stamped with `run`; written in pieces of
    /// about 64 KB (200,000 decisions were 64 MB held at once, besides two copies of the records).
    public func save<Records: Sequence<DecisionRecord>>(decisions: Records, run: String) throws(AutodevError) {
        try FileSystem.writeAtomically(decisionsFolder + "/\(run).jsonl") { (write: ([UInt8]) throws(AutodevError) -> Void) throws(AutodevError) in
            var lines: [UInt8] = []
            lines.reserveCapacity(70_000)
            for var record in decisions {
                record.run = run
                if !record.appendJSON(to: &lines) { lines += try encode(record, pretty: false) }
                lines.append(0x0A)
                if lines.count >= 65_536 {
                    try write(lines)
                    lines.removeAll(keepingCapacity: true)
                }
            }
            try write(lines)
        }
    }

    public func writeRequest(_ bytes: [UInt8], id: String) throws(AutodevError) {
        try FileSystem.writeAtomically(pendingFolder + "/\(id).json", bytes)
    }

    public func runs() -> [RunRecord] {
        runsAndProblems().runs
    }

    /// The run records, oldest first, and a line for each record that cannot be read (a
    /// corrupt record is skipped and named, never read as "no runs").
    public func runsAndProblems() -> (runs: [RunRecord], problems: [String]) {
        var problems: [String] = []
        // Runs started in the same second are ordered by when their record was written.
        let runs = FileSystem.list(historyFolder).filter { $0.hasSuffix(".json") }.sorted().compactMap { name -> (RunRecord, Int64)? in
            let path = historyFolder + "/" + name
            guard let bytes = try? FileSystem.read(path), let record = try? JSONDecoder().decode(RunRecord.self, from: Data(bytes)) else {
                problems.append("\(path) is unreadable and was skipped; remove it, or restore it from a backup")
                return nil
            }
            var info = stat()
            let written = stat(path, &info) == 0 ? Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec) : 0
            return (record, written)
        }.sorted { ($0.0.startedAt, $0.1, $0.0.id) < ($1.0.startedAt, $1.1, $1.0.id) }.map(\.0)
        return (runs, problems)
    }

    public func decisions(run: String) -> [DecisionRecord] {
        guard let bytes = try? FileSystem.read(decisionsFolder + "/\(run).jsonl") else { return [] }
        return bytes.split(separator: 0x0A).compactMap { try? JSONDecoder().decode(DecisionRecord.self, from: Data($0)) }
    }

    func write<T: Encodable>(_ value: T, to path: String) throws(AutodevError) {
        try FileSystem.writeAtomically(path, try encode(value, pretty: true) + [0x0A])
    }

    func encode<T: Encodable>(_ value: T, pretty: Bool) throws(AutodevError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw AutodevError(.ioFailure, "cannot encode state: \(error)")
        }
    }
}

protocol Initializable { init() }
private struct Versioned: Decodable { var schemaVersion: Int? }
extension SyncState: Initializable {}
extension Metrics: Initializable {}
