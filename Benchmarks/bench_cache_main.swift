// Micro-benchmarks of tiers 3 and 4, compiled with -O by Benchmarks/bench-cache together with
// the product's own Sources/AutodevCore/Tiers/Similarity.swift and Sources/AutodevSQLite.
import Foundation

func milliseconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

/// CPU time of this thread: lookups on a busy machine lose the processor now and then, and
/// wall-clock percentiles then measure the scheduler.
func cpuMilliseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))]
}

func resident() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first(where: { !$0.isEmpty }) ?? "0") ?? 0) * 1024
}

struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A requirement-like text: 40 words from a 5,000-word vocabulary.
func text(_ seed: Int) -> [String] {
    var random = Random(state: UInt64(seed))
    return (0..<40).map { _ in "w\(random.next() % 5000)" }
}

func blob(_ values: [UInt32]) -> [UInt8] {
    var out: [UInt8] = []
    for value in values { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
    return out
}

let arguments = CommandLine.arguments
let exactCount = arguments.count > 1 ? Int(arguments[1])! : 100_000
let similarCount = arguments.count > 2 ? Int(arguments[2])! : 1_000_000
let folder = arguments.count > 3 ? arguments[3] : NSTemporaryDirectory()

// Exact lookup: the cache's table and the statement SQLiteAnswerCache.exact runs.
let path = folder + "/bench-answers.sqlite"
for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
let database = try SQLiteDatabase(path: path)
try database.execute("""
    CREATE TABLE answers(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, model TEXT NOT NULL,
        gate TEXT NOT NULL, subject TEXT NOT NULL, shingles BLOB NOT NULL, bands BLOB NOT NULL, files BLOB NOT NULL,
        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cost REAL NOT NULL,
        created_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL, uses INTEGER NOT NULL, bytes INTEGER NOT NULL);
    CREATE INDEX answers_use ON answers(last_used_at, uses);
    """)
let content = Array(String(repeating: "print('generated code line')\n", count: 40).utf8)
var start = milliseconds()
let insert = try database.prepare("INSERT INTO answers(key, provider, model, gate, subject, shingles, bands, files, input_tokens, output_tokens, cost, created_at, last_used_at, uses, bytes) VALUES (?, 'p', 'm', 'g', '{}', ?, ?, ?, 1000, 200, 0.01, 1800000000, 1800000000, 0, 1)")
try database.transaction { () throws(SQLiteError) in
    for index in 0..<exactCount {
        let shingles = Similarity.shingles(text(index))
        try insert.run([.text("key-\(index)"), .blob(blob(shingles)), .blob(blob(Similarity.bandKeys(Similarity.signature(shingles)))), .blob(content)])
    }
}
let stored = milliseconds() - start
let select = try database.prepare("SELECT key, provider, model, gate, subject, shingles, files, input_tokens, output_tokens, cost, created_at, last_used_at, uses FROM answers WHERE key = ?")
var times: [Double] = []
for probe in 0..<5000 {
    let key = probe % 5 == 4 ? "missing-\(probe)" : "key-\((probe &* 7919) % exactCount)"
    start = milliseconds()
    select.reset()
    try select.bind(1, key)
    if try select.step() { _ = (select.text(0), select.blob(5), select.blob(6)) }
    times.append(milliseconds() - start)
}
// Loading the similarity index from the stored band keys, as SQLiteAnswerCache.loadIndex does.
start = milliseconds()
var loaded = SimilarityIndex()
let bands = try database.prepare("SELECT id, gate, bands FROM answers ORDER BY id")
while try bands.step() {
    let raw = bands.blob(2)
    var keys: [UInt32] = []
    var at = 0
    while at + 4 <= raw.count {
        keys.append(UInt32(raw[at]) | UInt32(raw[at + 1]) << 8 | UInt32(raw[at + 2]) << 16 | UInt32(raw[at + 3]) << 24)
        at += 4
    }
    _ = loaded.add(bandKeys: keys, gate: Similarity.fnv32(bands.text(1) ?? ""), sealing: false)
}
loaded.seal()
let load = milliseconds() - start
let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print(String(format: "exact: %d entries (%.0f ms to store); lookup p50 %.3f ms, p99 %.3f ms, max %.3f ms (5,000 lookups, 1 in 5 a miss); file %d B/entry",
             exactCount, stored, percentile(times, 0.5), percentile(times, 0.99), times.max()!, size / exactCount))
print(String(format: "index load: %d entries in %.0f ms", exactCount, load))

// Similarity lookup in memory: signature, 16 band probes, exact Jaccard of each candidate.
let before = resident()
var index = SimilarityIndex()
var sets: [[UInt32]] = []
sets.reserveCapacity(similarCount)
start = milliseconds()
for entry in 0..<similarCount {
    let shingles = Similarity.shingles(text(entry))
    _ = index.add(bandKeys: Similarity.bandKeys(Similarity.signature(shingles)), gate: UInt32(entry % 4), sealing: false)
    sets.append(shingles)
}
index.seal()
let built = milliseconds() - start
let memory = resident() - before
times = []
var cpu: [Double] = []
var found = 0
for probe in 0..<5000 {
    let target = (probe &* 104_729) % similarCount
    var words = text(target)
    words[probe % 40] = "changed"
    let shingles = Similarity.shingles(words)
    start = milliseconds()
    let cpuStart = cpuMilliseconds()
    let candidates = index.candidates(bandKeys: Similarity.bandKeys(Similarity.signature(shingles)), gate: UInt32(target % 4))
    let best = candidates.map { Similarity.jaccard(shingles, sets[Int($0)]) }.max() ?? 0
    times.append(milliseconds() - start)
    cpu.append(cpuMilliseconds() - cpuStart)
    if best >= 0.85 { found += 1 }
}
print(String(format: "similar: %d entries in memory (built in %.0f ms); lookup p50 %.3f ms, p99 %.3f ms, max %.3f ms (thread CPU time: p99 %.3f ms); %d of 5000 one-word edits found at J >= 0.85; memory %d B/entry (index %d B + shingle sets)",
             similarCount, built, percentile(times, 0.5), percentile(times, 0.99), times.max()!, percentile(cpu, 0.99), found, memory / similarCount,
             16 * 8 + 4))
for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
