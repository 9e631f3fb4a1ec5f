#define _GNU_SOURCE
#include "CSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int autodev_become_subreaper(void) {
#ifdef __linux__
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    return 0;
#endif
}

static void reset_signal_dispositions(void) {
    struct sigaction standard;
    memset(&standard, 0, sizeof standard);
    standard.sa_handler = SIG_DFL;
    sigemptyset(&standard.sa_mask);
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP) sigaction(signal, &standard, NULL);
    }
}

static void close_other_descriptors(void) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
    for (int fd = 3; fd < 4096; fd++) close(fd);
}

/// The program itself: default signals and mask, in the folder, output to the log.
static void run_program(const char *path, char *const argv[], char *const envp[], const char *directory,
                        int input_fd, int output_fd, int error_fd) {
    if (chdir(directory) != 0) _exit(126);
    int input = input_fd >= 0 ? input_fd : open("/dev/null", O_RDONLY);
    if (input < 0 || dup2(input, 0) < 0 || dup2(output_fd, 1) < 0 || dup2(error_fd, 2) < 0) _exit(126);
    close_other_descriptors();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    // ETXTBSY: a script written a moment ago can still be open for writing in a child another
    // thread forked meanwhile (its descriptors close at its own exec); that passes in moments.
    for (int tries = 0; tries < 100; tries++) {
        execve(path, argv, envp);
        if (errno != ETXTBSY) break;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    _exit(127);
}

pid_t autodev_spawn_group(const char *path, char *const argv[], char *const envp[],
                          const char *directory, int output_fd) {
    return autodev_spawn_group_io(path, argv, envp, directory, -1, output_fd, output_fd, 0);
}

/// The supervisor, once its program ended: SIGKILL to every child it adopted (as a subreaper),
/// then reaps them all, so its own exit means nothing below it is left. Only async-signal-safe
/// calls (it is a fork of a threaded process): the path and the pids are formatted by hand.
static void end_adopted(void) {
#ifdef __linux__
    char name[64] = "/proc/self/task/", digits[16], text[4096];
    int length = 16, count = 0;
    for (pid_t self = getpid(); self > 0; self /= 10) digits[count++] = (char) ('0' + self % 10);
    while (count > 0) name[length++] = digits[--count];
    const char *tail = "/children";
    for (int i = 0; tail[i]; i++) name[length++] = tail[i];
    name[length] = 0;
    for (;;) {
        int fd = open(name, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
        if (fd >= 0) close(fd);
        long child = 0;
        for (ssize_t i = 0; i < n; i++) {
            if (text[i] >= '0' && text[i] <= '9') { child = child * 10 + (text[i] - '0'); continue; }
            if (child > 0) kill((pid_t) child, SIGKILL);
            child = 0;
        }
        if (child > 0) kill((pid_t) child, SIGKILL);
        pid_t reaped = waitpid(-1, NULL, 0);
        if (reaped > 0 || errno == EINTR) continue;
        return;  // ECHILD: no child is left
    }
#endif
}

pid_t autodev_spawn_group_io(const char *path, char *const argv[], char *const envp[],
                             const char *directory, int input_fd, int output_fd, int error_fd,
                             int end_orphans) {
    // All signals blocked across fork: no handler of autodev's may run in the child before it
    // resets them.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t parent = getpid();
    pid_t supervisor = fork();
    if (supervisor != 0) {
        int saved = errno;
        if (supervisor > 0) setpgid(supervisor, supervisor);  // also in the child: no race either way
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        errno = saved;
        return supervisor;
    }
    // The supervisor, leader of a new group; every signal stays blocked here.
    setpgid(0, 0);
    reset_signal_dispositions();
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0);
#endif
    if (getppid() != parent) {  // autodev died before the death signal was armed
        kill(0, SIGKILL);
        _exit(137);
    }
#ifdef __linux__
    if (end_orphans) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
    pid_t program = fork();
    if (program == 0) run_program(path, argv, envp, directory, input_fd, output_fd, error_fd);
    if (program < 0) _exit(127);
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGCHLD);
    sigaddset(&wanted, SIGHUP);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGUSR1);
    for (;;) {
        int status = 0;
        if (waitpid(program, &status, WNOHANG) == program) {
            if (end_orphans) end_adopted();
            if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
            // Die by the same signal, so autodev sees what happened to the program.
            int signal = WTERMSIG(status);
            sigset_t only;
            sigemptyset(&only);
            sigaddset(&only, signal);
            kill(getpid(), signal);
            sigprocmask(SIG_UNBLOCK, &only, NULL);
            _exit(128 + signal);
        }
        // SIGCHLD stays pending while blocked, so an exit between the waitpid and here is not missed.
        siginfo_t info;
        int signal = sigwaitinfo(&wanted, &info);
        if (signal == SIGHUP && getppid() != parent) {  // autodev is gone: so is its generator
            kill(0, SIGKILL);
            _exit(137);
        }
        // A stop sent to the group before the program was forked stays pending here and never
        // reached it (a fork does not inherit pending signals): passed on, it does.
        if (signal == SIGTERM) kill(program, SIGTERM);
        // "End now" from autodev once its grace is over: the program is killed, and the loop
        // ends as for any ending, so what the program left behind is ended and reaped here.
        if (signal == SIGUSR1) kill(program, SIGKILL);
    }
}

int autodev_peek_exit(pid_t pid, int *code, int *signal) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -1;
    if (info.si_pid == 0) return 0;
    if (info.si_code == CLD_EXITED) {
        *code = info.si_status;
        *signal = 0;
    } else {
        *code = -1;
        *signal = info.si_status;
    }
    return 1;
}

void autodev_reap_group(pid_t group) {
    kill(-group, SIGKILL);
    for (;;) {
        if (waitpid(-group, NULL, 0) > 0) continue;
        if (errno == EINTR) continue;
        return;  // ECHILD: nothing of the group is left
    }
}
