/* Helpers shared by the process-lifecycle tests (tests/guest/lifecycle_*.c).
 *
 * Those tests drive children through lifecycle states on purpose (running,
 * stopped, stopped inside a signal handler, blocked in read/nanosleep/wait4,
 * continued, killed, zombie, orphaned) and check what wait4, waitid and
 * SIGCHLD report.  Only the test's main process prints; every other process
 * reports over a pipe or through its exit status, so the output order is
 * the same on every run and every number of CPUs.
 *
 * Every step that waits for another process gives up after LC_TIMEOUT
 * seconds (SIGALRM interrupts the wait, or poll times out): a kernel that
 * loses a wake-up makes the test print "timed out" (with the State line of
 * the process it waited for), kill that process and go on, instead of
 * hanging until the runner kills the whole boot.
 *
 * Most sequences run many times: the first pass prints what it saw, the
 * later passes print only what differs from the expectation, so the steps
 * race against each other on every CPU while the output stays fixed.
 */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#include "gt.h"
#include <poll.h>
#include <sys/prctl.h>
#include <time.h>

#define LC_TIMEOUT 5 /* seconds for one step */

static volatile sig_atomic_t lc_alarmed;
static int lc_quiet;      /* set during the repeated passes */
static int lc_iter;       /* current pass, for messages about a mismatch */
static int lc_timeouts;   /* steps that timed out: no point in repeating */
static pid_t lc_kids[64]; /* the latest children lc_fork() made */
static unsigned lc_nkids;

static void lc_on_alarm(int sig)
{
    (void)sig;
    lc_alarmed = 1;
}

/* Installs the step-timeout alarm (no SA_RESTART, so it interrupts waits)
 * and ignores SIGPIPE (a release byte may go to a child already killed). */
GT_FN void lc_init(void)
{
    /* whoever started the test may have left signals ignored or blocked
     * (a shell's background job ignores SIGINT and SIGQUIT) */
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction sa = { .sa_handler = lc_on_alarm };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* A forked child gets SIGPIPE's default action back; it keeps the SIGALRM
 * handler, so its own timed steps work too (alarms are not inherited). */
GT_FN void lc_child_defaults(void)
{
    signal(SIGPIPE, SIG_DFL);
}

GT_FN const char *lc_signame(int s)
{
    static char buf[16];
    switch (s) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGSYS: return "SIGSYS";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGCHLD: return "SIGCHLD";
    case SIGCONT: return "SIGCONT";
    case SIGSTOP: return "SIGSTOP";
    case SIGTSTP: return "SIGTSTP";
    case SIGTTIN: return "SIGTTIN";
    case SIGTTOU: return "SIGTTOU";
    default:
        snprintf(buf, sizeof buf, "sig%d", s);
        return buf;
    }
}

/* A wait status in words, including "continued" and the core-dump flag. */
GT_FN const char *lc_st(int st)
{
    static char bufs[4][64];
    static int which;
    char *buf = bufs[which++ % 4];
    if (st == -1)
        snprintf(buf, 64, "none");
    else if (WIFCONTINUED(st))
        snprintf(buf, 64, "continued");
    else if (WIFEXITED(st))
        snprintf(buf, 64, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, 64, "killed by %s%s", lc_signame(WTERMSIG(st)), WCOREDUMP(st) ? " (core)" : "");
    else if (WIFSTOPPED(st))
        snprintf(buf, 64, "stopped by %s", lc_signame(WSTOPSIG(st)));
    else
        snprintf(buf, 64, "status 0x%x", st);
    return buf;
}

GT_FN const char *lc_cld(int code)
{
    switch (code) {
    case 0: return "0";
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_TRAPPED: return "CLD_TRAPPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: {
        static char buf[24];
        snprintf(buf, sizeof buf, "code%d", code);
        return buf;
    }
    }
}

/* Prints "what: got"; if got differs from want, also prints the wanted
 * value and records a failure.  In quiet passes only a mismatch prints. */
GT_FN int lc_is(const char *what, const char *got, const char *want)
{
    int ok = strcmp(got, want) == 0;
    if (!ok) {
        gt_failures++;
        if (lc_quiet)
            say("pass %d: %s: %s (wanted %s)\n", lc_iter, what, got, want);
        else
            say("%s: %s (wanted %s)\n", what, got, want);
    } else if (!lc_quiet) {
        say("%s: %s\n", what, got);
    }
    return ok;
}

/* expect() that is silent when it holds in a quiet pass. */
GT_FN int lc_expect(int cond, const char *what)
{
    if (lc_quiet) {
        if (!cond) {
            gt_failures++;
            say("pass %d: %s: no\n", lc_iter, what);
        }
        return cond;
    }
    return expect(cond, what);
}

/* After a step timed out: prints the State line of /proc/PID/status (a
 * diagnostic for the kernel's developers; never printed when all is well). */
GT_FN void lc_diag(pid_t pid)
{
    char path[64], buf[1024];
    if (pid <= 0)
        return;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (read_file(path, buf, sizeof buf) <= 0) {
        say("  (no %s)\n", path);
        return;
    }
    char *st = strstr(buf, "State:");
    if (st) {
        char *end = strchr(st, '\n');
        if (end)
            *end = 0;
        say("  the process it waited for: %s\n", st);
    }
}

/* The one-letter state of a process from /proc/PID/status ('R', 'S', 'T',
 * 'Z', ...), or '?' if it cannot be read. */
GT_FN char lc_state(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (read_file(path, buf, sizeof buf) <= 0)
        return '?';
    char *st = strstr(buf, "State:");
    if (!st)
        return '?';
    st += 6;
    while (*st == ' ' || *st == '\t')
        st++;
    return *st ? *st : '?';
}

/* Waits (up to LC_TIMEOUT seconds) until pid is in state `want`; returns
 * 1 if it got there. */
GT_FN int lc_await_state(pid_t pid, char want)
{
    for (int i = 0; i < LC_TIMEOUT * 200; i++) {
        if (lc_state(pid) == want)
            return 1;
        struct timespec ts = { 0, 5000000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* waitpid() that retries EINTR from other handlers and gives up after
 * secs seconds: then it prints why, returns -1 with *st = -1. */
GT_FN pid_t lc_wait_secs(pid_t pid, int *st, int opts, const char *what, int secs)
{
    int dummy;
    if (!st)
        st = &dummy;
    lc_alarmed = 0;
    if (!(opts & WNOHANG))
        alarm(secs);
    pid_t r;
    do
        r = waitpid(pid, st, opts);
    while (r < 0 && errno == EINTR && !lc_alarmed);
    int e = errno;
    alarm(0);
    if (r < 0 && lc_alarmed) {
        say("%s: timed out after %d s\n", what, secs);
        lc_diag(pid);
        gt_failures++;
        lc_timeouts++;
        *st = -1;
        /* a stuck process would keep the test's output open forever */
        if (pid > 0 || pid < -1)
            kill(pid, SIGKILL);
        if (pid > 0) {          /* reap it, unless even that hangs */
            int dead;
            lc_alarmed = 0;
            alarm(1);
            while (waitpid(pid, &dead, 0) < 0 && errno == EINTR && !lc_alarmed)
                ;
            alarm(0);
        }
    } else if (r <= 0) {
        *st = -1;
    }
    errno = e;
    return r;
}

/* waitpid() giving up after LC_TIMEOUT seconds (see lc_wait_secs). */
GT_FN pid_t lc_wait(pid_t pid, int *st, int opts, const char *what)
{
    return lc_wait_secs(pid, st, opts, what, LC_TIMEOUT);
}

/* waitid() with the same timeout; the siginfo is zeroed first. */
GT_FN int lc_waitid(idtype_t type, id_t id, siginfo_t *si, int opts, const char *what)
{
    memset(si, 0, sizeof *si);
    lc_alarmed = 0;
    if (!(opts & WNOHANG))
        alarm(LC_TIMEOUT);
    int r;
    do
        r = waitid(type, id, si, opts);
    while (r < 0 && errno == EINTR && !lc_alarmed);
    int e = errno;
    alarm(0);
    if (r < 0 && lc_alarmed) {
        say("%s: timed out after %d s\n", what, LC_TIMEOUT);
        if (type == P_PID) {
            lc_diag((pid_t)id);
            kill((pid_t)id, SIGKILL);
        }
        gt_failures++;
        lc_timeouts++;
    }
    errno = e;
    return r;
}

/* Reads exactly n bytes unless EOF comes first; returns the count read, or
 * -2 if nothing arrived for LC_TIMEOUT seconds. */
GT_FN int lc_read(int fd, void *buf, int n)
{
    int got = 0;
    while (got < n) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int r = poll(&pfd, 1, LC_TIMEOUT * 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0) {
            lc_timeouts++;
            return -2;
        }
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += k;
    }
    return got;
}

/* One byte from fd: the byte, 'E' for EOF or 'T' for a timeout. */
GT_FN char lc_getc(int fd)
{
    char c;
    int r = lc_read(fd, &c, 1);
    return r == 1 ? c : r == -2 ? 'T' : 'E';
}

/* Waits for EOF on fd (every writer gone): 'E', or 'T' on a timeout, or
 * the first byte that came instead. */
GT_FN char lc_eof(int fd)
{
    return lc_getc(fd);
}

GT_FN void lc_putc(int fd, char c)
{
    while (write(fd, &c, 1) < 0 && errno == EINTR)
        ;
}

/* Sleeps ms milliseconds (restarting after handlers). */
GT_FN void lc_msleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Sends sig to pid every 20 ms until fd has something to read (or EOF),
 * for up to LC_TIMEOUT seconds.  For a release by signal: a signal that
 * arrives just before the target enters its blocking call is not lost, the
 * next one interrupts the call.  Returns 1 if fd became readable. */
GT_FN int lc_nudge_until_readable(pid_t pid, int sig, int fd)
{
    for (int i = 0; i < LC_TIMEOUT * 50; i++) {
        kill(pid, sig);
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, 20) > 0)
            return 1;
    }
    return 0;
}

/* The same, until the child pid has exited (its status is left to wait
 * for; WNOWAIT keeps it). */
GT_FN int lc_nudge_until_exit(pid_t pid, int sig)
{
    for (int i = 0; i < LC_TIMEOUT * 50; i++) {
        kill(pid, sig);
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
            return 1;
        lc_msleep(20);
    }
    return 0;
}

/* Kills and reaps a child left over after a failed step. */
GT_FN void lc_reap_killed(pid_t pid)
{
    kill(pid, SIGKILL);
    kill(pid, SIGCONT);
    int st;
    lc_wait(pid, &st, 0, "reaping a left-over child");
}

/* Checks that the caller has no child left to report on (wait4 of any
 * child, any event, WNOHANG: ECHILD).  If one is left, the child c the step
 * started is killed and everything is reaped, so that one failure does not
 * spill into the following steps. */
GT_FN int lc_no_children(const char *what, pid_t c)
{
    int st;
    errno = 0;
    pid_t w = waitpid(-1, &st, WNOHANG | WUNTRACED | WCONTINUED);
    int ok = w < 0 && errno == ECHILD;
    lc_expect(ok, what);
    if (!ok) {
        if (c > 0) {
            kill(c, SIGKILL);
            while (waitpid(c, &st, 0) < 0 && errno == EINTR)
                ;
        }
        /* any other child still alive: only pids that waitpid says are
         * still our children, so a reused pid is never hit */
        for (unsigned i = 0; i < lc_nkids && i < 64; i++) {
            pid_t k = lc_kids[i];
            if (k > 0 && waitpid(k, &st, WNOHANG) == 0) {
                kill(k, SIGKILL);
                while (waitpid(k, &st, 0) < 0 && errno == EINTR)
                    ;
            }
        }
        while (waitpid(-1, &st, WNOHANG) > 0)
            ;
    }
    return ok;
}

GT_FN void lc_pipe(int p[2])
{
    if (pipe(p) < 0) {
        say("pipe failed: %s\n", errname(errno));
        exit(2);
    }
}

/* fork() that stops the test cleanly if it fails. */
GT_FN pid_t lc_fork(void)
{
    pid_t p = fork();
    if (p < 0) {
        say("fork failed: %s\n", errname(errno));
        exit(2);
    }
    if (p == 0) {
        lc_child_defaults();
        lc_nkids = 0;
    } else {
        lc_kids[lc_nkids++ % 64] = p;
    }
    return p;
}

/* Some CPU work between polls, so a "running" child is mostly in user mode. */
GT_FN void lc_spin(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

#endif
