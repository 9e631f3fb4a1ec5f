import AutodevGit

/// Identity by content: part of `Explainer` (split out of Explainer.swift, unchanged).
extension Explainer {

    /// `key.split(separator: " ").count >= minimum`, by bytes for ASCII (a Character read per
    /// letter was a sixth of `copiesElsewhere`); beyond ASCII a combining mark after a space
    /// makes one Character that is no separator, so such a key is split as before.
    static func wordCount(_ key: String, atLeast minimum: Int) -> Bool {
        let utf8 = key.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return key.split(separator: " ").count >= minimum }
        var count = 0
        var inWord = false
        for byte in utf8 {
            if byte == 0x20 {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
            }
        }
        return count >= minimum
    }

    /// The requirements (not tasks: "Add unit tests" recurs in every feature; not stories, whose
    /// file and status are their identity) added or given new
    /// text in this range whose content already exists elsewhere — in a spec the range did not
    /// touch, under another key, or earlier (by path and line) among the range's own new ones:
    /// position in `tagged` → that requirement. A spec not touched is parsed only when its bytes
    /// hold a word of a candidate (`RequirementIdentity.needle`) and, when the run keeps a
    /// `SpecIndex`, its entry holds a candidate's content key.
    mutating func copiesElsewhere(_ tagged: [(String, RequirementChange)], rangeSpecs: Set<String>) -> [Int: Requirement] {
        // Each candidate's content key, computed once (`contentKey` is not stored: it reads the
        // words of the text again on every use).
        var keys: [Int: String] = [:]
        var candidates: [Int] = []
        for position in tagged.indices {
            let change = tagged[position].1
            guard let requirement = change.after, requirement.delta == nil, requirement.kind == .requirement else { continue }
            let key = requirement.contentKey
            let newText = change.kind == .added || (change.kind == .changed && change.before?.contentKey != key)
            guard newText && Self.wordCount(key, atLeast: 5) else { continue }
            keys[position] = key
            candidates.append(position)
        }
        guard !candidates.isEmpty else { return [:] }
        var existing: [String: Requirement] = [:]
        for (_, change) in tagged where change.kind == .unchanged || (change.kind == .renamed && change.textUnchanged) {
            if let requirement = change.after, requirement.kind == .requirement {
                let key = requirement.contentKey
                if existing[key] == nil { existing[key] = requirement }
            }
        }
        if !range.firstRun {
            // Made when the walk first reaches a file it must look into: a run whose untouched
            // specs all hold none of the candidates' keys (`SpecIndex`) needs none.
            var madeNeedles: Set<[[UInt8]]>?
            func needles() -> Set<[[UInt8]]> {
                if let madeNeedles { return madeNeedles }
                let made = Set(candidates.map { RequirementIdentity.needles(tagged[$0].1.after?.text ?? "") }.filter { !$0.isEmpty })
                madeNeedles = made
                return made
            }
            // Only a candidate's content key is ever looked up: a spec's other requirements are
            // not kept (they were every requirement of the repository, 1.3 MB a 1,000 specs);
            // the keys computed above (`contentKey` reads the words of the text again each use).
            let wanted = Set(candidates.compactMap { keys[$0] })
            // The index (`SpecIndex`) only skips a file none of whose requirements has a
            // candidate's content key: such a file adds nothing a candidate could match, so the
            // outcome is the same as reading it. A file that holds one is read as before.
            let candidateKeys = Set(candidates.map { SpecIndex.hash(keys[$0]!) })
            var read = 0
            var completed = true
            // Folder summaries (`SpecIndex.Summary`): a folder none of whose specs holds a
            // candidate's key is passed with one lookup, its specs counted as read (what the
            // walk through it would have counted, none of them read: the outcome is the same).
            // Not for a folder above a spec of the range (those are not counted). Each folder
            // the walk sees whole gets its summary for the next run: `sums` holds the open
            // folders' specs, innermost last.
            let fingerprint = classifier.fingerprint
            let touched = SpecIndex.folders(above: rangeSpecs)
            struct Sum {
                var count = 0
                var keys = Set<UInt64>()
                /// Every spec below has its keys here (none unread, none too many).
                var whole = true
                /// Its summary was found (not made again).
                var kept = false

                mutating func add(_ keys: [UInt64]?, count: Int = 1) {
                    guard whole, let keys else { whole = false; return }
                    self.count += count
                    self.keys.formUnion(keys)
                    if self.keys.count > SpecIndex.Summary.maximumKeys { whole = false; self.keys = [] }
                }
            }
            var sums = [Sum()]
            var enter: ((String, ObjectID) -> SpecTreeIndex.FolderStep)?
            var leave: ((String, ObjectID) -> Void)?
            let summaries = specIndex?.trees == nil ? nil : specIndex
            if let index = summaries {
                enter = { folder, id in
                    var sum = Sum()
                    if !touched.contains(folder), let summary = index.summary(folder: folder, tree: id, classifier: fingerprint) {
                        guard summary.keys.contains(where: candidateKeys.contains) else {
                            sums[sums.count - 1].add(summary.keys, count: summary.count)
                            index.noteSkipped(folder: summary)
                            read += summary.count
                            // (A stop asked for meanwhile is seen at the next file or requirement.)
                            return read > Self.specIndexLimit ? .stop : .pass
                        }
                        sum.kept = true
                    }
                    sums.append(sum)
                    return .enter
                }
                leave = { folder, id in
                    let sum = sums.removeLast()
                    if sum.whole, !sum.kept {
                        index.record(folder: folder, summary: SpecIndex.Summary(tree: id, classifier: fingerprint, count: sum.count,
                                                                                keys: sum.keys.sorted()))
                    }
                    if sum.whole { sums[sums.count - 1].add(Array(sum.keys), count: sum.count) } else { sums[sums.count - 1].whole = false }
                }
            }
            // The spec files through the index of trees (`SpecTreeIndex`), when the run keeps
            // one: only the trees changed since the last run are read.
            let snapshot = after
            snapshot.forEachMarkdownFile(index: specIndex?.trees, enter: enter, leave: leave) { path, side in
                let regular = side.location == .odb && (side.mode.rawValue == 0o100644 || side.mode.rawValue == 0o100755)
                if rangeSpecs.contains(path) {
                    // Not looked at (read for the range); its keys, made this run, go into its folder's summary.
                    if summaries != nil, classifier.classify(path)?.category == .specs {
                        sums[sums.count - 1].add(regular ? specIndex?.madeKeys(path: path, blob: side.id) : nil)
                    }
                    return true
                }
                guard classifier.classify(path)?.category == .specs else { return true }
                read += 1
                if read > Self.specIndexLimit { return false }
                if shouldStop() { completed = false; return false }
                var parsed: SpecDocument?
                // Regular files of the object database only (a symbolic link or a submodule is
                // read as before).
                let indexed = regular ? specIndex : nil
                let entry = indexed?.entry(path: path, blob: side.id)
                var keys = entry?.keys
                defer { sums[sums.count - 1].add(keys) }
                if let entry, !entry.keys.contains(where: candidateKeys.contains) {
                    indexed?.noteSkipped()
                    return true
                }
                guard let bytes = try? repository.content(of: side) else { return true }
                if entry == nil, let indexed, indexed.builds {
                    // Not in the index yet: parsed once (as `document` would) to make its entry.
                    let document = SpecDocument.parse(path: path, bytes: bytes)
                    parsed = document
                    let made = indexed.record(path: path, blob: side.id, document: document)
                    keys = made
                    guard made.contains(where: candidateKeys.contains) else { return true }
                }
                let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
                guard needles().contains(where: { words in words.allSatisfy { Self.contains(lower, $0) } }) else { return true }
                for requirement in document(path: path, side: side, content: bytes, parsed: parsed).requirements
                where requirement.kind == .requirement {
                    let key = requirement.contentKey
                    if wanted.contains(key), existing[key] == nil { existing[key] = requirement }
                }
                return true
            }
            specIndex?.walked = completed
        }
        var result: [Int: Requirement] = [:]
        var firstNew: [String: Requirement] = [:]
        let byPlace = candidates.sorted { a, b in
            let x = tagged[a].1.after!, y = tagged[b].1.after!
            return (x.spec, x.line) < (y.spec, y.line)
        }
        for position in byPlace {
            let requirement = tagged[position].1.after!
            let key = keys[position]!
            if let original = existing[key] ?? firstNew[key] {
                result[position] = original
            } else {
                firstNew[key] = requirement
            }
        }
        return result
    }


    /// For a story or requirement of a feature folder whose open tasks are new work in this run:
    /// those tasks carry its work (they name the files and the steps), so it is not queued
    /// beside them. A requirement changed while its tasks stay as they were is work of its own.
    mutating func openTasks(of requirement: Requirement, in snapshot: Snapshot) -> String? {
        guard requirement.kind == .requirement || requirement.kind == .story, scopeRoot(of: requirement) != requirement.spec,
              tasksAtWork.contains(scopeRoot(of: requirement)) else { return nil }
        let index = scopeIndex(of: requirement, in: snapshot)
        guard index.openTasks > 0, let file = index.firstTaskSpec, file != requirement.spec else { return nil }
        return "\(index.openTasks) open task\(index.openTasks == 1 ? "" : "s") in \(file)"
    }

    /// Where the rules cannot tell: a requirement whose text was edited (in place or under a
    /// new key) by a few words, decided as work. Whether the edit changes what the code must do
    /// is a question of meaning; with a provider configured, triage asks it.
    func doubt(about change: RequirementChange, decision: Decision) -> Decision.Doubt? {
        // A new task proposed as code work that the rules are unsure of (see `NotCodeWork.unsure`).
        if change.kind == .added, decision.action == .newImplementation, let task = change.after, let why = NotCodeWork.unsure(task) {
            var evidence = "task (\(task.key)) in \(task.spec)"
            if let section = task.section { evidence += " under “\(SecretGuard.cut(section, to: 120))”" }
            evidence += ": \(SecretGuard.cut(task.text, to: 400))\nthe rules are unsure: \(why)"
            return Decision.Doubt(question: "Is this task work for a person or for the project's checks (testing by hand, documentation, review, release, planning, running a command) rather than code to write?",
                                  evidence: evidence, similarity: 0,
                                  ifYes: "not code work: a person's task or a check, not code to write")
        }
        guard decision.action == .newImplementation || decision.action == .updateImplementation,
              change.kind == .changed || change.kind == .renamed, let old = change.before, let new = change.after,
              old.contentKey != new.contentKey, !old.contentKey.isEmpty else { return nil }
        let score = change.similarity ?? RequirementIdentity.similarity(old.text, new.text)
        guard score >= RequirementIdentity.unsureThreshold else { return nil }
        return Decision.Doubt(question: "Is the new text only a rewording of the old one, asking the code for nothing new or different?",
                              evidence: "old (\(old.key)): \(SecretGuard.cut(old.text, to: 400))\nnew (\(new.key)): \(SecretGuard.cut(new.text, to: 400))",
                              similarity: score, ifYes: "reworded: the text changed without asking anything new of the code")
    }
}
