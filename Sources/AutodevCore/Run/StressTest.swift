import AutodevGit
internal import AutodevSupport
#if canImport(Glibc)
import Glibc
#endif

/// `autodev stress-test`: synthetic events through the real pipeline, in scratch repositories,
/// measured.
///
/// Each of `concurrency` scratch repositories (a Python project with autodev's starter files,
/// its templates declared answers, passed by the validation command `true` run unconfined, a
/// pattern that skips "legacy" requirements, a simulated model as a `command` provider) gets
/// its share of `events` as commits of `batch` Spec Kit features each (one requirement per
/// feature, so one event, one decision and one piece of work each; a quarter skipped by the
/// pattern, tier 1; one in `modelEvery` asked of the model, tier 5, all of a commit's in one
/// feature, so one call and one check of its answer per run; the rest answered by the
/// templates, tier 2, two files each, checked together by the gate). After each commit a real
/// sync runs — lock, range, events, decisions, tiers, model, results commits, history, state,
/// queue, checkpoint — and its progress reports (`RunProgress`) are timed, on the clock and in
/// the sync thread's CPU time: each stage of each run, and each piece of work in the tiers.
/// Making the commits is not timed.
///
/// Per event, the figure is its own time in the tiers plus its share (1/events of the run) of
/// the run's other stages but the model's: what an event costs, not how long it waited in its
/// batch. The model stage (the calls and the check of their answers) is reported on its own.
public struct StressTest {
    public struct Options: Sendable {
        public var events = 10_000
        public var concurrency = 1
        /// Events per commit (one sync each).
        public var batch = 1_000
        /// Every requirement "legacy": all skipped by the pattern (tier 1), no validation runs —
        /// the pipeline's own cost, the baseline beside the default mix.
        public var patternsOnly = false
        /// One event in this many goes to the simulated model (tier 5); 0: none.
        public var modelEvery = 20
        /// Where the scratch repositories go (removed afterwards by the caller).
        public var directory: String

        public init(directory: String) { self.directory = directory }
    }

    public struct Percentiles: Sendable, Encodable, Equatable {
        public var p50: Double
        public var p95: Double
        public var p99: Double
        public var max: Double
        public var count: Int

        /// From a fixed-bucket histogram (`QuantileHistogram`: within 1 % above the nearest-rank
        /// value; `max` and `count` exact): the memory of a run does not grow with its events.
        init(_ histogram: QuantileHistogram) {
            p50 = histogram.quantile(0.50)
            p95 = histogram.quantile(0.95)
            p99 = histogram.quantile(0.99)
            max = histogram.maximum
            count = histogram.count
        }
    }

    public struct Stage: Sendable, Encodable, Equatable {
        /// Milliseconds per run.
        public var perRun: Percentiles
        /// Milliseconds in all runs together.
        public var totalMilliseconds: Double
        /// CPU milliseconds of the sync's thread in all runs together (on a machine shared with
        /// other work, what the stage cost whatever the clock says).
        public var cpuMilliseconds: Double
    }

    public struct Report: Sendable, Encodable {
        public var events: Int
        public var concurrency: Int
        public var batch: Int
        public var patternsOnly: Bool
        public var runs: Int
        /// Wall time of the timed syncs: per repository the sum of its syncs' times (the commits
        /// written between them are not counted: `setupSeconds`); with `concurrency > 1`, the
        /// longest repository's (they run at once).
        public var seconds: Double
        public var eventsPerSecond: Double
        /// Events per second of the syncs' time without the model stage.
        public var eventsPerSecondWithoutModel: Double
        /// Events per second of the sync thread's CPU time without the model stage.
        public var eventsPerCPUSecond: Double
        /// Milliseconds per event (see the type's comment).
        public var perEvent: Percentiles
        /// Milliseconds per piece of work in the tiers.
        public var perWorkInTiers: Percentiles
        /// By stage: setup (lock, state, queue), events, deciding, tiers, model, results, saving.
        public var stages: [String: Stage]
        /// Work done by tier, over all runs.
        public var tiers: [String: Int]
        /// Model calls made (to the simulated provider: a `command` provider answering in
        /// autodev's answer format) and the work they answered.
        public var modelCalls: Int
        public var modelEvery: Int
        /// The model stage in all runs: the calls and the checks of their answers.
        public var modelMilliseconds: Double
        /// The process's peak resident memory (getrusage maxrss), in MiB.
        public var peakMemoryMiB: Double
        /// Untimed: writing the commits of synthetic events.
        public var setupSeconds: Double
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    /// Monotonic nanoseconds: the run's clock has milliseconds, too coarse for one event.
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// CPU nanoseconds of the calling thread.
    static func cpuNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    public static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }

    /// What one scratch repository measured: histograms, not every event's time (fixed memory
    /// from 10,000 to 1,000,000 events).
    struct Measured: Sendable {
        var perEvent = QuantileHistogram()
        var perWork = QuantileHistogram()
        var stages: [String: QuantileHistogram] = [:]
        var cpu: [String: Double] = [:]
        var tiers: [String: Int] = [:]
        var events = 0
        var runs = 0
        var calls = 0
        var setupNanoseconds: UInt64 = 0
        /// The syncs' wall time, start to end of each, summed.
        var syncNanoseconds: UInt64 = 0
    }

    public func run(stopRequested: @escaping @Sendable () -> StopReason? = { nil }) throws(AutodevError) -> Report {
        let options = self.options
        let width = max(1, options.concurrency)
        let share = (0..<width).map { options.events / width + ($0 < options.events % width ? 1 : 0) }
        let results: [Measured]
        do {
            results = try runOnWorkers(units: width, workers: width, makeContext: { _ in () }, work: { _, unit in
                try Self.measure(repository: unit, events: share[unit], options: options, stopRequested: stopRequested)
            })
        } catch let error as AutodevError {
            throw error
        } catch {
            throw AutodevError(.ioFailure, "stress test: \(error)")
        }
        var all = Measured()
        for result in results {
            all.perEvent.add(result.perEvent)
            all.perWork.add(result.perWork)
            for (stage, values) in result.stages { all.stages[stage, default: QuantileHistogram()].add(values) }
            all.cpu.merge(result.cpu, uniquingKeysWith: +)
            all.tiers.merge(result.tiers, uniquingKeysWith: +)
            all.events += result.events
            all.runs += result.runs
            all.calls += result.calls
            all.setupNanoseconds += result.setupNanoseconds
            all.syncNanoseconds = max(all.syncNanoseconds, result.syncNanoseconds)
        }
        // Until 2026-12-07 this was first start to last end, which counted the commits written
        // between one repository's syncs (untimed by intent) as sync time.
        let seconds = Double(all.syncNanoseconds) / 1e9
        let model = all.stages["model"]?.sum ?? 0
        // With several repositories at once their model stages overlap: an estimate.
        let withoutModel = seconds - model / 1000 / Double(width)
        let cpu = all.cpu.filter { $0.key != "model" }.values.reduce(0, +) / 1000
        return Report(events: all.events, concurrency: width, batch: options.batch, patternsOnly: options.patternsOnly, runs: all.runs, seconds: seconds,
                      eventsPerSecond: seconds > 0 ? Double(all.events) / seconds : 0,
                      eventsPerSecondWithoutModel: withoutModel > 0 ? Double(all.events) / withoutModel : 0,
                      eventsPerCPUSecond: cpu > 0 ? Double(all.events) / cpu : 0,
                      perEvent: Percentiles(all.perEvent), perWorkInTiers: Percentiles(all.perWork),
                      stages: all.stages.map { ($0.key, Stage(perRun: Percentiles($0.value), totalMilliseconds: $0.value.sum,
                                                              cpuMilliseconds: all.cpu[$0.key] ?? 0)) }
                          .reduce(into: [:]) { $0[$1.0] = $1.1 },
                      tiers: all.tiers, modelCalls: all.calls, modelEvery: options.patternsOnly ? 0 : options.modelEvery,
                      modelMilliseconds: model, peakMemoryMiB: Self.peakMemoryMiB(),
                      setupSeconds: Double(all.setupNanoseconds) / 1e9)
    }

    /// One scratch repository: set up, then commit-and-sync batch after batch, timed.
    static func measure(repository unit: Int, events: Int, options: Options,
                        stopRequested: @escaping @Sendable () -> StopReason?) throws(AutodevError) -> Measured {
        var measured = Measured()
        let path = options.directory + "/repo-\(unit)"
        let repository = try scratch(at: path, model: options.patternsOnly || options.modelEvery == 0 ? nil : options.directory + "/simulated-model")
        // One run takes every event of its batch (the default of 200 would leave the rest pending).
        let config = try ConfigFile.load(for: repository, environment: ["AUTODEV_LOOP_MAX_EVENTS_PER_RUN": String(max(200, options.batch))])
        // The first run adopts the base: untimed.
        _ = try Sync(repository: repository, config: config, environment: [:], stopRequested: stopRequested).run(SyncOptions())
        var made = 0, batchNumber = 0
        while made < events {
            if stopRequested() != nil { break }
            let count = min(options.batch, events - made)
            // A fresh handle per run, as each `autodev sync` process has: one handle's object
            // cache (trees up to 1 MiB are kept, 256 MB in all) would carry every run's trees
            // into the next, and the peak memory would grow with the events.
            let repository = try gitCallStatic { try Repository.open(at: path) }
            let setupStart = nanoseconds()
            try commitBatch(repository, unit: unit, batch: batchNumber, first: made, count: count, patternsOnly: options.patternsOnly,
                            modelEvery: options.modelEvery)
            measured.setupNanoseconds += nanoseconds() - setupStart
            var marks: [(RunProgress.Stage?, UInt64, UInt64)] = []
            var workTimes: [Double] = []
            var lastWork: (done: Int, at: UInt64)?
            let sync = Sync(repository: repository, config: config, environment: [:], stopRequested: stopRequested, progress: { progress in
                let now = nanoseconds()
                if marks.last?.0 != progress.stage { marks.append((progress.stage, now, cpuNanoseconds())) }
                if progress.stage == .tiers {
                    if let last = lastWork, progress.done == last.done + 1 { workTimes.append(Double(now - last.at) / 1e6) }
                    lastWork = (progress.done, now)
                }
            })
            let start = nanoseconds()
            marks.append((nil, start, cpuNanoseconds()))
            let report = try sync.run(SyncOptions())
            let end = nanoseconds()
            let cpuEnd = cpuNanoseconds()
            measured.syncNanoseconds += end - start
            guard let pass = report.passes.last else { break }
            // What is not an event's own time in the tiers, nor the model's, is shared by the
            // run's events (the gate's check of all template answers together included).
            var shared = 0.0
            for (index, mark) in marks.enumerated() {
                let next = index + 1 < marks.count ? marks[index + 1].1 : end
                let nextCPU = index + 1 < marks.count ? marks[index + 1].2 : cpuEnd
                let milliseconds = Double(next - mark.1) / 1e6
                let name = mark.0?.rawValue ?? "setup"
                measured.stages[name, default: QuantileHistogram()].observe(milliseconds)
                measured.cpu[name, default: 0] += Double(nextCPU - mark.2) / 1e6
                if mark.0 != .model { shared += milliseconds }
            }
            shared = max(0, shared - workTimes.reduce(0, +))
            let eventsInRun = max(1, pass.events)
            let share = shared / Double(eventsInRun)
            for time in workTimes { measured.perWork.observe(time) }
            for index in 0..<eventsInRun {
                measured.perEvent.observe(share + (index < workTimes.count ? workTimes[index] : 0))
            }
            measured.tiers.merge(pass.tiers, uniquingKeysWith: +)
            measured.calls += pass.llm?.calls ?? 0
            measured.events += pass.events
            measured.runs += 1
            made += count
            batchNumber += 1
        }
        return measured
    }

    /// A Python project with autodev's starter files; templates answer, checked by `true`,
    /// a pattern skips "legacy" requirements, and a run takes every event. With `model` (where
    /// the simulated model's script goes), a pattern gives "modelled" requirements a scaffold,
    /// which sends them to tier 5: the `command` provider `simulated`, that script.
    static func scratch(at path: String, model: String? = nil) throws(AutodevError) -> Repository {
        let repository = try gitCallStatic { try Repository.create(at: path) }
        let root = path.hasSuffix("/") ? path : path + "/"
        try FileSystem.writeAtomically(root + "pyproject.toml", Array("[project]\nname = \"stress\"\n".utf8))
        _ = try Starter.install(in: repository)
        let settings = root + "config/autodev.toml"
        var text = String(decoding: try FileSystem.readIfPresent(settings) ?? [], as: UTF8.self)
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            // Answer templates settle work only through the gate: `true`, unconfined (the
            // scratch repository holds nothing of the user's), so the gate's own cost is measured.
            line.hasPrefix("command = ") ? "command = \"true\"\nsandbox = \"none\"" : String(line)
        }.joined(separator: "\n")
        text += "\n"
        if let model {
            // A deterministic model: one Python module per piece of work asked, in autodev's
            // answer format (README, "Answer format"). Its time is the model's, reported apart.
            try FileSystem.writeAtomically(model, Array(#"""
                #!/bin/sh
                exec /usr/bin/awk '/^## Work / { id = $3; printf "=== WORK %s ===\nsrc/modelled/w_%s.py\n```python\nANSWER = \"%s\"\n```\n\n", id, id, id }'

                """#.utf8))
            text += """

                [[llm.providers]]
                name = "simulated"
                kind = "command"
                command = "/bin/sh \(model)"
                model = "simulated"

                """
        }
        try FileSystem.writeAtomically(settings, Array(text.utf8))
        for name in FileSystem.list(root + "config/templates") {
            let file = root + "config/templates/" + name
            let template = String(decoding: try FileSystem.readIfPresent(file) ?? [], as: UTF8.self)
            let answer = template.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.trimmingSpaces() == "kind: scaffold" ? "kind: answer" : String(line)
            }.joined(separator: "\n")
            try FileSystem.writeAtomically(file, Array(answer.utf8))
        }
        if model != nil {
            // Written after the starter templates were made answers: this one stays a scaffold.
            try FileSystem.writeAtomically(root + "config/templates/simulated-model.mustache", Array("""
                {{! autodev
                path: src/modelled/{{featureIdent}}_{{ident}}.py
                when: reload
                kind: scaffold
                }}
                \"\"\"{{key}}: {{title}} (a starting point for the model)\"\"\"

                """.utf8))
        }
        let patterns = """
            [[pattern]]
            name = "legacy is not implemented"
            text = "legacy"
            then = "skip"
            reason = "legacy requirement"

            """ + (model == nil ? "" : """

            [[pattern]]
            name = "modelled work starts from a scaffold"
            text = "modelled"
            then = "template"
            template = "simulated-model"

            """)
        try FileSystem.writeAtomically(root + "config/patterns.toml", Array(patterns.utf8))
        _ = try gitCallStatic { try repository.commitAll(message: "base\n", author: "stress", email: "stress@localhost", time: 1_700_000_000) }
        return repository
    }

    /// A commit of `count` features under `specs/b<unit>-<batch>/` on HEAD's branch, written
    /// straight to the object database (the work tree is not needed by sync). Events for the
    /// model (one in `modelEvery`, not legacy ones) are requirements of one feature of their own.
    static func commitBatch(_ repository: Repository, unit: Int, batch: Int, first: Int, count: Int, patternsOnly: Bool,
                            modelEvery: Int = 0) throws(AutodevError) {
        try gitCallStatic {
            let head = try repository.resolveCommit("HEAD")
            // The batch's folder is a tree of its own, put into HEAD's along its path: a tree
            // written over HEAD's whole (an index of every file) grew 0.8 MB a run of 1,000.
            let folder = "specs/b\(unit)-\(batch)/"
            var blobs: [String: ObjectID?] = [:]
            var modelled = ""
            for i in first..<(first + count) {
                let legacy = patternsOnly || i % 4 == 0
                if !legacy, !patternsOnly, modelEvery > 0, i % modelEvery == 1 % modelEvery {
                    let number = String(i)
                    modelled += "- **FR-\(String(repeating: "0", count: max(0, 3 - number.count)) + number)**: System MUST handle modelled case \(i) of the export\n"
                    continue
                }
                let marker = legacy ? "legacy " : ""
                let text = "# Feature \(i)\n\n## Requirements\n\n- **FR-001**: System MUST handle \(marker)case \(i) of the export\n"
                blobs["\(i)-feature/spec.md"] = try repository.writeBlob(Array(text.utf8))
            }
            if !modelled.isEmpty {
                let text = "# Modelled \(batch)\n\n## Requirements\n\n" + modelled
                blobs["modelled/spec.md"] = try repository.writeBlob(Array(text.utf8))
            }
            let tree = try repository.insertTree(try repository.writeTree(base: nil, blobs: blobs), at: String(folder.dropLast()),
                                                 into: try repository.commit(head).tree)
            let commit = try repository.createCommit(tree: tree, parents: [head], message: "events \(first)..<\(first + count)\n",
                                                     author: "stress", email: "stress@localhost", time: 1_700_000_000 + Int64(batch))
            guard let branch = try repository.headReferenceName() else { return }
            try repository.updateReference(branch, to: commit, expected: head, message: "stress-test")
        }
    }

    /// Removes a scratch folder and everything in it.
    public static func removeScratch(_ directory: String) {
        Generator.removeTree(directory)
    }

    static func gitCallStatic<T>(_ body: () throws -> T) throws(AutodevError) -> T {
        do {
            return try body()
        } catch let error as AutodevError {
            throw error
        } catch {
            throw AutodevError(.ioFailure, "stress test: \(error)")
        }
    }
}
