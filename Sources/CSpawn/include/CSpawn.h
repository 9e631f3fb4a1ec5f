#ifndef AUTODEV_CSPAWN_H
#define AUTODEV_CSPAWN_H

#include <sys/types.h>

/// Makes the calling process a child subreaper (Linux): processes orphaned below it are
/// re-parented to it, so it can reap a generator's whole process group. 0 on success.
int autodev_become_subreaper(void);

/// Starts `path` with `argv` and `envp` in `directory` as a generator: stdin from /dev/null,
/// stdout and stderr to `output_fd`, in a new process group whose id is the returned pid
/// (-1 and errno on failure).
///
/// The returned process is a small supervisor, the group's leader: it forks the program, waits
/// for it and exits with its status (or dies by the same signal). It keeps SIGTERM and SIGINT
/// blocked, so a stop sent to the group reaches the program while the supervisor stays to
/// report it; a SIGTERM it receives is passed on to the program (one sent before the program
/// was forked would otherwise be lost), and SIGUSR1 ("end now") makes it SIGKILL the program
/// and then end as it does for any ending. Through PR_SET_PDEATHSIG it learns when the thread that started it dies
/// (autodev killed with SIGKILL, however it ends) and then kills the whole group, so no
/// generator outlives its sync. Call it from a thread that lives as long as the run (the main
/// thread): the death signal follows the creating thread, not the process.
///
/// Between fork and exec only async-signal-safe calls are made; `argv` and `envp` must be
/// prepared by the caller.
pid_t autodev_spawn_group(const char *path, char *const argv[], char *const envp[],
                          const char *directory, int output_fd);

/// As `autodev_spawn_group`, with stdin from `input_fd` (-1: /dev/null), stdout to `output_fd`
/// and stderr to `error_fd`. With `end_orphans`, the supervisor is a child subreaper: what the
/// program leaves behind outside its group (bubblewrap's sandbox, whose PID 1 runs in a session
/// of its own, when bubblewrap itself was killed) comes back to the supervisor, which kills and
/// reaps it before it exits; so once the supervisor has ended, nothing of the program is left.
pid_t autodev_spawn_group_io(const char *path, char *const argv[], char *const envp[],
                             const char *directory, int input_fd, int output_fd, int error_fd,
                             int end_orphans);

/// Whether `pid` (a child) has ended, without reaping it, so its process group id stays
/// reserved until `autodev_reap_group`: 1 (with `code` its exit status, or -1 and `signal` the
/// signal that ended it), 0 while it runs, -1 on error.
int autodev_peek_exit(pid_t pid, int *code, int *signal);

/// SIGKILL to the whole group `group`, then reaps every child of the caller in it (with the
/// caller a subreaper, that is every process of the group) until none is left.
void autodev_reap_group(pid_t group);

#endif
