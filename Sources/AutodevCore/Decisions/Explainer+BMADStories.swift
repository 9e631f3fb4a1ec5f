import AutodevGit

/// BMAD stories and their tasks: part of `Explainer`.
///
/// A BMAD story is the dev agent's work order; its tasks are the plan that carries its work.
/// A story with tasks whose open tasks stay as they were is edited around them — a progress
/// log, a review verdict, architecture notes, a reformat — and, while its acceptance criteria
/// read as they did, that is no work of its own: a
/// replay of a public BMAD history proposed 11 such story edits in a sample of 20 as "requirement
/// changed; update its implementation". A story whose open tasks changed is work (its tasks are
/// part of it, `covered-by-parent`), unless every one of them is work for a person (a field
/// testing campaign), when the story is not code work either.
extension Explainer {
    /// Why a changed or added BMAD story is covered by its tasks (none of its open tasks is new
    /// work in this range, and its acceptance criteria read as they did), or nil. An edited
    /// criterion asks something new of the code, tasks or not.
    mutating func storyCoveredByTasks(_ change: RequirementChange) -> String? {
        guard let requirement = change.after, let tasks = storyTasks(of: requirement), !tasks.isEmpty,
              change.before.map({ $0.criteria == requirement.criteria }) ?? true else { return nil }
        guard bmadTasksAtWork[requirement.spec + "\u{0}" + requirement.key] == nil else { return nil }
        let open = tasks.filter { !$0.isTicked }.count
        return "its \(tasks.count) task\(tasks.count == 1 ? "" : "s") in the story (\(open) open), none of the open ones added, changed or reopened: the edit is around them"
    }

    /// Why a changed or added BMAD story is not code work: every open task of it that is new
    /// work in this range is a person's task or a check (`NotCodeWork`). Nil otherwise.
    func storyNotCodeWork(_ requirement: Requirement) -> String? {
        guard requirement.format == .bmad, requirement.kind == .story,
              let atWork = bmadTasksAtWork[requirement.spec + "\u{0}" + requirement.key], !atWork.isEmpty else { return nil }
        var first: String?
        for task in atWork {
            guard let why = NotCodeWork.reason(task) else { return nil }
            if first == nil { first = why }
        }
        let count = atWork.count
        return "each of its \(count) open task\(count == 1 ? "" : "s") that changed is not code work (\(atWork[0].key): \(first ?? ""))"
    }

    /// The tasks of a BMAD story in its document after the range, or nil for another requirement.
    private func storyTasks(of requirement: Requirement) -> [Requirement]? {
        guard requirement.format == .bmad, requirement.kind == .story,
              let document = changedDocuments[sideKey(after, requirement.spec)] else { return nil }
        return document.requirements.filter { $0.kind == .task && $0.parent == requirement.key }
    }

    /// A commit of the range that changes a BMAD task's story file together with code: the
    /// story's author implemented it there, its tasks with it — unless a file the task cites is
    /// still missing. Read as one requirement before its tasks were read wherever they sit, the
    /// story was decided so. (Narrowing it to commits that name the story or edit an existing
    /// one proposed a public BMAD history's equipment lists and field-test steps as work.)
    mutating func storyCommitWithCode(_ task: Requirement) -> (CommitInfo, [String])? {
        guard task.kind == .task, task.format == .bmad, task.parent != nil,
              let commits = commitIndex?.commits, commits.count <= 200 else { return nil }
        // (A name the path classes place nowhere, `logger.info`, is no file.)
        let files = task.paths.filter { classifier.classify($0) != nil }
        guard resolved(files, of: task).existing.count == files.count else { return nil }
        for commit in commits where pathSetChanged(by: commit).contains(task.spec) {
            let code = codeChanged(by: commit).filter { classifier.classify($0)?.category == .code }
            if !code.isEmpty { return storyNotStarted(task.spec, at: commit) ? nil : (commit, code) }
        }
        return nil
    }

    /// Whether the story, as `commit` left it, declares a status of work not begun (`Draft`,
    /// `Approved`, `To Do`, `Borrador`, `草稿`): its tasks were written there, not implemented.
    mutating func storyNotStarted(_ spec: String, at commit: CommitInfo) -> Bool {
        guard let side = try? repository.entry(atPath: spec, inTree: commit.tree),
              let bytes = try? repository.content(of: side) else { return false }
        return Self.declaresNotStarted(String(decoding: bytes.prefix(16_384), as: UTF8.self))
    }

    /// The story's own status among its first lines — `## Status` then its value, a
    /// `Status: Draft` line (bold or not, in any of `StatusWords.labels`), or `## Status: Draft` —
    /// says the work has not begun.
    static func declaresNotStarted(_ text: String) -> Bool {
        var underStatusHeading = false
        for raw in text.split(separator: "\n").prefix(80) {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") {
                let title = String(line.drop { $0 == "#" }.filter { $0 != "*" })
                if let value = StatusWords.labelledValue(in: title) { return StatusWords.saysNotStarted(value) }
                underStatusHeading = StatusWords.labels.contains(SpecText.headingKey(title))
                continue
            }
            if underStatusHeading, line.contains(where: { $0.isLetter }) { return StatusWords.saysNotStarted(line.filter { $0 != "*" && $0 != "_" }) }
            if let value = StatusWords.labelledValue(in: String(line)) { return StatusWords.saysNotStarted(value) }
        }
        return false
    }

    /// Notes an open BMAD task that is new work in this range under its story.
    mutating func noteStoryTaskAtWork(_ task: Requirement) {
        guard task.format == .bmad, let parent = task.parent else { return }
        bmadTasksAtWork[task.spec + "\u{0}" + parent, default: []].append(task)
    }
}
