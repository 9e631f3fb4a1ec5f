#if canImport(Glibc)
import Glibc
#endif
internal import AutodevCore

extension AutodevCommand {
    /// `autodev stress-test`: synthetic events through the real pipeline, measured.
    struct StressTest {
        static let abstract = "Measure the pipeline: synthetic events through real syncs in scratch repositories."
        static let discussion = """
                Makes CONCURRENCY scratch repositories (a Python project with autodev's starter files, its templates declared answers and checked by the validation command `true` run without the sandbox, a pattern that skips "legacy" requirements, a simulated model: a `command` provider answering in autodev's answer format) in a temporary folder, removed afterwards; your repository is not read or touched. Each gets its share of N events as commits of --batch Spec Kit features (one requirement each: a quarter skipped by the pattern, tier 1; one in --model-every asked of the simulated model, tier 5, in one call per commit; the rest answered by two templates, tier 2, all of a sync's answers checked together by the validation gate; --patterns-only makes every event a tier-1 skip); after each commit a real sync runs (lock, events, decisions, tiers, model, results commits, history, state, queue, checkpoint) and its stages and each piece of work are timed, on the clock and in CPU time. Writing the commits is not timed.

                Prints events per second (with and without the model stage, and per CPU second of the sync), milliseconds per event (its time in the tiers plus its share of the run's other stages, the model's excluded) and per stage (p50, p95, p99, max per run; percentiles from fixed buckets 1 % wide, so memory does not grow with N), the model's time apart, work by tier, and peak memory (getrusage maxrss of this process). Benchmarks/bench-stress runs it at several sizes beside a baseline.
                """

        static let spec = CommandSpec(
            name: "stress-test",
            abstract: abstract,
            discussion: discussion,
            options: [
                .value("events", "n", "How many events in all (default 10000)."),
                .value("concurrency", "k", "Scratch repositories synced at once, each on its own thread (default 1)."),
                .value("batch", "n", "Events per commit, i.e. per sync (default 1000)."),
                .value("model-every", "n", "One event in N asked of the simulated model, tier 5 (default 20; 0: none)."),
                .flag("patterns-only", "Every event skipped by the pattern (tier 1): no validation runs, no model; the pipeline's own cost."),
                .flag("json", "Print one JSON object (sorted keys)."),
            ],
            takesDirectory: false)

        let events: Int
        let concurrency: Int
        let batch: Int
        let json: Bool
        let patternsOnly: Bool
        let modelEvery: Int

        init(_ arguments: ParsedArguments, directory: String?) throws(UsageError) {
            events = try arguments.integer("events", default: 10_000, spec: Self.spec)
            concurrency = try arguments.integer("concurrency", default: 1, spec: Self.spec)
            batch = try arguments.integer("batch", default: 1_000, spec: Self.spec)
            json = arguments.flag("json")
            patternsOnly = arguments.flag("patterns-only")
            modelEvery = try arguments.integer("model-every", default: 20, spec: Self.spec)
            if modelEvery < 0 { throw UsageError("--model-every must be 0 (no model) or more", spec: Self.spec) }
            if events < 1 { throw UsageError("--events must be at least 1", spec: Self.spec) }
            if concurrency < 1 || concurrency > 64 { throw UsageError("--concurrency must be between 1 and 64", spec: Self.spec) }
            if batch < 1 { throw UsageError("--batch must be at least 1", spec: Self.spec) }
        }

        func run() throws {
            Signals.install()
            setenv("AUTODEV_RUNNING", "1", 1)
            let base = Environment.variables()["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array((base + "/autodev-stress-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else {
                throw AutodevError(.ioFailure, "cannot make a scratch folder in \(base): \(String(cString: strerror(errno))); set TMPDIR to a writable folder")
            }
            let directory = String(cString: made)
            defer { AutodevCore.StressTest.removeScratch(directory) }
            var options = AutodevCore.StressTest.Options(directory: directory)
            options.events = events
            options.concurrency = concurrency
            options.batch = batch
            options.patternsOnly = patternsOnly
            options.modelEvery = modelEvery
            let report = try AutodevCore.StressTest(options).run(stopRequested: { Signals.stopRequested })
            if json {
                Output.write(try JSONOutput.encode(report) + "\n")
                return
            }
            Output.write(Self.render(report))
        }

        static func render(_ report: AutodevCore.StressTest.Report) -> String {
            func ms(_ value: Double) -> String {
                let hundredths = Int((value * 100).rounded())
                return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
            }
            func row(_ name: String, _ p: AutodevCore.StressTest.Percentiles) -> String {
                SyncRenderer.pad(name, 22) + " p50 \(ms(p.p50))  p95 \(ms(p.p95))  p99 \(ms(p.p99))  max \(ms(p.max)) ms\n"
            }
            var out = "\(report.events) events in \(report.runs) sync\(report.runs == 1 ? "" : "s") (\(report.batch) per commit, \(report.concurrency) repositor\(report.concurrency == 1 ? "y" : "ies") at once\(report.patternsOnly ? ", patterns only" : ""))\n"
            out += "throughput: \(Int(report.eventsPerSecond.rounded())) events/s (\(ms(report.seconds * 1000)) ms of syncs; \(ms(report.setupSeconds * 1000)) ms writing the commits, not counted)\n"
            out += "without the model: \(Int(report.eventsPerSecondWithoutModel.rounded())) events/s; \(Int(report.eventsPerCPUSecond.rounded())) events per CPU second of the sync\n"
            out += row("per event", report.perEvent)
            out += row("per work item (tiers)", report.perWorkInTiers)
            let order = ["setup", "events", "deciding", "tiers", "model", "results", "saving"]
            for name in order {
                guard let stage = report.stages[name] else { continue }
                out += row("stage \(name)", stage.perRun).dropLast(1) + ", \(ms(stage.totalMilliseconds)) ms in all (CPU \(ms(stage.cpuMilliseconds)) ms)\n"
            }
            let tiers = report.tiers.sorted { $0.key < $1.key }.map { "\($0.value) by \($0.key)" }.joined(separator: ", ")
            out += "work done: \(tiers.isEmpty ? "none" : tiers); model calls: \(report.modelCalls) (\(ms(report.modelMilliseconds)) ms in the model stage, not in the figures per event)\n"
            out += "peak memory: \(ms(report.peakMemoryMiB)) MiB (maxrss)\n"
            return out
        }
    }
}
