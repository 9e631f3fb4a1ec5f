/// The shell text autodev puts into git hooks.
///
/// Everything here runs inside `git commit`, so it uses `sh` built-ins until it hands the
/// work to a detached `autodev sync --hook NAME`: no `git rev-parse` (git starts hooks in the
/// work tree's top folder and exports `GIT_DIR` in linked worktrees), no `mkdir` unless the log
/// folder is missing. The one process it starts besides autodev is `git rev-list --count`, for
/// the line that tells the user what happens (`autodev: syncing 3 commits in the background →
/// autodev status`): a commit that printed nothing left users guessing whether autodev ran.
/// `Benchmarks/bench-hooks` measures what it adds to a commit.
public enum HookScript {
    /// The hooks autodev installs: a commit, a merge or pull that brings commits, a rebase or
    /// an amend.
    public static let names = ["post-commit", "post-merge", "post-rewrite"]

    /// The line that marks a whole hook file as autodev's.
    static func marker(_ name: String) -> String { "# autodev-hook: \(name)" }
    static func blockStart(_ name: String) -> String { "# >>> autodev \(name) (autodev hooks uninstall removes this block)" }
    static func blockEnd(_ name: String) -> String { "# <<< autodev \(name)" }

    /// What git runs from a hooks folder: the hook that was there first (moved aside to
    /// `NAME.pre-autodev`) with its arguments and input, then autodev; the first hook's exit
    /// status is the hook's.
    public static func standalone(_ name: String) -> String {
        """
        #!/bin/sh
        \(marker(name)) (written by `autodev hooks install`; `autodev hooks uninstall` puts back what was here)
        autodev_status=0
        if [ -x "$0.pre-autodev" ]; then "$0.pre-autodev" "$@"; autodev_status=$?; fi
        \(block(name))
        exit $autodev_status

        """
    }

    /// The lines that start autodev, for a hook file of someone else's (husky's `.husky/NAME`)
    /// or a hook manager's `run:`: no `exit`, so what follows still runs.
    ///
    /// Nothing happens when `AUTODEV=0`, inside a sync (`AUTODEV_RUNNING`, set by autodev for
    /// the commands it starts), when autodev is not on the PATH, or, for post-commit and
    /// post-merge, while a rebase, merge, cherry-pick, revert or `git am` is in progress: the
    /// post-rewrite at the end of a rebase does the work once. post-rewrite after an amend is
    /// left to the amend's post-commit.
    public static func block(_ name: String) -> String {
        let skip: String
        if name == "post-rewrite" {
            skip = #"[ "${1-}" = amend ]"#
        } else {
            skip = #"[ -d "$autodev_dir/rebase-merge" ] || [ -d "$autodev_dir/rebase-apply" ] || [ -f "$autodev_dir/MERGE_HEAD" ] || [ -f "$autodev_dir/CHERRY_PICK_HEAD" ] || [ -f "$autodev_dir/REVERT_HEAD" ] || [ -d "$autodev_dir/sequencer" ]"#
        }
        return """
            \(blockStart(name))
            if [ "${AUTODEV-}" != 0 ] && [ -z "${AUTODEV_RUNNING-}" ] && command -v autodev >/dev/null 2>&1; then
              autodev_dir=${GIT_DIR:-.git}
              if [ -f "$autodev_dir" ]; then read -r _ autodev_dir <"$autodev_dir"; fi
              if ! { \(skip); }; then
                [ -d .auto-dev/loop ] || mkdir -p .auto-dev/loop
                case $autodev_dir in */worktrees/*) autodev_ref=refs/autodev/worktrees/${autodev_dir##*/}/checkpoint ;; *) autodev_ref=refs/autodev/checkpoint ;; esac
                if autodev_n=$(git rev-list --count "$autodev_ref..HEAD" 2>/dev/null); then
                  if [ "$autodev_n" = 1 ]; then autodev_n="1 commit"; else autodev_n="$autodev_n commits"; fi
                  echo "autodev: syncing $autodev_n in the background → autodev status" >&2
                else
                  echo "autodev: syncing in the background → autodev status" >&2
                fi
                nohup autodev sync --hook \(name) >>.auto-dev/loop/hook.log 2>&1 </dev/null &
              fi
            fi
            \(blockEnd(name))
            """
    }
}
