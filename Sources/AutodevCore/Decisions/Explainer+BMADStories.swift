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
            if !code.isEmpty { return (commit, code) }
        }
        return nil
    }

    /// Notes an open BMAD task that is new work in this range under its story.
    mutating func noteStoryTaskAtWork(_ task: Requirement) {
        guard task.format == .bmad, let parent = task.parent else { return }
        bmadTasksAtWork[task.spec + "\u{0}" + parent, default: []].append(task)
    }
}
