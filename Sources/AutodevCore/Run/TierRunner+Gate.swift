internal import AutodevGit

/// Generated answers (a generator's output, an answer template's) through the validation gate
/// together: one scratch copy and one run of `[validate] command` for all of a pass's answers
/// when they pass, instead of one per answer (with 750 templated answers in a run that was 750
/// copies and processes, about 2 s each, on a 2-core machine). When the check fails, the
/// answers are split in halves, and each half checked on top of what already passed, down to
/// the answers that fail on their own: one failing answer among N costs about 2·log2(N) more
/// runs, and only it is turned into a scaffold (or fails its work); the others land. An answer
/// is so judged on the tree it will land on (the pass's other output and the answers before it
/// that passed), as when each was checked in turn; answers that write the same path are never
/// in one check (the second is checked on top of the first, as before).
extension TierRunner {
    /// An answer waiting for the gate: its files, written as blobs.
    struct GatedAnswer {
        let item: WorkItem
        let written: [String: [UInt8]]
        let blobs: [String: ObjectID]
        let resolution: Resolution
    }

    /// The answer with its blobs written; nil when a path is not one generated work may have
    /// (not checked: `accept` names the problem).
    func gatedAnswer(_ item: WorkItem, _ written: [String: [UInt8]], resolution: Resolution) throws(AutodevError) -> GatedAnswer? {
        var blobs: [String: ObjectID] = [:]
        for (path, content) in written {
            guard GeneratedPath.problem(path) == nil else { return nil }
            blobs[path] = try gitCall(context.repository) { try context.repository.writeBlob(content) }
        }
        return GatedAnswer(item: item, written: written, blobs: blobs, resolution: resolution)
    }

    /// The gate's outcome for each answer, in order (see the extension's comment). A stop or a
    /// check that cannot run ends the checking: every answer not yet judged gets that outcome.
    func checkTogether(_ answers: [GatedAnswer], gate: ValidationGate, baseTree: ObjectID) -> [ValidationGate.Outcome] {
        var outcomes = [ValidationGate.Outcome](repeating: .stopped, count: answers.count)
        // What an answer is checked on: the results before this pass, this pass's other output,
        // and the answers before it that passed.
        var passed: [String: ObjectID] = context.previous.merging(newFiles.mapValues(\.blob)) { $1 }
        var halted: ValidationGate.Outcome?

        func log(_ range: Range<Int>) -> String {
            let first = answers[range.lowerBound]
            let name = range.count == 1 ? "\(first.item.id)-validate-\(first.resolution.tier.rawValue)"
                                        : "validate-\(range.count)-answers-from-\(first.item.id)"
            return context.store.loop + "/logs/\(context.runID)/\(name).log"
        }

        /// Judges `range` on `passed`; `known` is its outcome when it is already known (the
        /// same tree was just checked).
        func check(_ range: Range<Int>, known: ValidationGate.Outcome? = nil) {
            if let halted {
                for index in range { outcomes[index] = halted }
                return
            }
            let outcome: ValidationGate.Outcome
            if let known {
                outcome = known
            } else {
                var files = passed
                for index in range { files.merge(answers[index].blobs) { $1 } }
                outcome = judge(gate, baseTree: baseTree, files: files, logPath: log(range))
            }
            switch outcome {
            case .passed:
                for index in range {
                    outcomes[index] = .passed
                    passed.merge(answers[index].blobs) { $1 }
                }
            case .stopped, .broken:
                halted = outcome
                for index in range { outcomes[index] = outcome }
            case .failed:
                guard range.count > 1 else {
                    outcomes[range.lowerBound] = outcome
                    return
                }
                let middle = range.lowerBound + range.count / 2
                check(range.lowerBound..<middle)
                let leftPassed = outcomes[range.lowerBound..<middle].allSatisfy { $0 == .passed }
                // All of the left half passed: the right half on top of it is the tree that just
                // failed; it is not run again.
                check(middle..<range.upperBound, known: leftPassed ? outcome : nil)
            }
        }

        // Consecutive answers that write no path in common are checked together.
        var start = 0
        while start < answers.count {
            var end = start
            var paths = Set<String>()
            while end < answers.count, paths.isDisjoint(with: answers[end].blobs.keys) {
                paths.formUnion(answers[end].blobs.keys)
                end += 1
            }
            check(start..<max(end, start + 1))
            start = max(end, start + 1)
        }
        return outcomes
    }

    /// What the gate's outcome makes of an answer. Passed: the resolution, noted so. A
    /// template's output that fails becomes a scaffold for tier 5; a generator's fails the work.
    /// Nil: settled here.
    func settleGate(_ answer: GatedAnswer, _ outcome: ValidationGate.Outcome, gate: ValidationGate) -> Resolution? {
        let item = answer.item
        var checked = answer.resolution
        switch outcome {
        case .passed:
            checked.note += "; validation passed"
            return checked
        case .stopped:
            deferItem(item, "stopped by a signal during validation; pending")
            return nil
        case .broken(let why):
            fail(item, "the validation command could not be run (\(why))")
            return nil
        case .failed(let output):
            let first = output.split(separator: "\n").first.map(String.init) ?? ""
            if answer.resolution.fromTemplate {
                var scaffold = TierResolver.scaffolded(item, answer.written, from: answer.resolution)
                scaffold.note = "template output failed validation (\(first)); " + scaffold.note
                return scaffold
            }
            let log = context.store.loop + "/logs/\(context.runID)/\(item.id)-validate-\(answer.resolution.tier.rawValue).log"
            fail(item, "\(item.subjectLabel): \(answer.resolution.note), but the project's checks fail with its output (\(first)); the output is in \(log)")
            return nil
        }
    }
}
