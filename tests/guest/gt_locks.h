/* Helpers shared by the file-lock tests (tests/guest/locks_*.c).
 *
 * Each test runs a parent and, one at a time, a child made by lk_spawn();
 * the two hand each other turns over a pair of pipes (lk_tell, lk_hear), so
 * every line is printed in the same order on every run.  A process that
 * waits for a lock first makes sure of what it waits for: the other side
 * uses wait_sleeping() (gt.h) to see it asleep before it lets go.  Every
 * process arms alarm(LK_TIMEOUT), so a lost wake-up ends the test with a
 * SIGALRM status instead of hanging the run.
 *
 * Pids never appear in the output: lk_who() names them ("parent",
 * "child", "-1").  /proc/locks is read whole and only the lines about the
 * test's own file are printed, sorted, with pids named and the device
 * checked against stat's.
 */
#ifndef GT_LOCKS_H
#define GT_LOCKS_H

#include "gt.h"
#include <stdint.h>
#include <sys/file.h>
#include <sys/sysmacros.h>

#define LK_TIMEOUT 20

static pid_t lk_parent, lk_child;   /* the main process and its latest child */
static int lk_p2c[2] = {-1, -1}, lk_c2p[2] = {-1, -1};

GT_FN const char *lk_who(pid_t p)
{
    if (p == -1)
        return "-1";
    if (p == lk_parent)
        return "parent";
    if (p == lk_child)
        return "child";
    return "other";
}

GT_FN void lk_init(void)
{
    lk_parent = getpid();
    alarm(LK_TIMEOUT);
    signal(SIGPIPE, SIG_IGN);
}

/* Forks a child that runs fn and _exit()s with its result. */
GT_FN pid_t lk_spawn(int (*fn)(void))
{
    for (int i = 0; i < 2; i++) {
        if (lk_p2c[i] >= 0)
            close(lk_p2c[i]);
        if (lk_c2p[i] >= 0)
            close(lk_c2p[i]);
    }
    if (pipe(lk_p2c) || pipe(lk_c2p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        lk_child = getpid();
        alarm(LK_TIMEOUT);
        _exit(fn());
    }
    lk_child = pid;
    return pid;
}

/* Hands the turn to the other process. */
GT_FN void lk_tell(void)
{
    int fd = getpid() == lk_parent ? lk_p2c[1] : lk_c2p[1];
    if (write(fd, "x", 1) != 1)
        say("lk_tell failed\n");
}

/* Waits for the other process's turn; 0 if it went away instead. */
GT_FN int lk_hear(void)
{
    int fd = getpid() == lk_parent ? lk_c2p[0] : lk_p2c[0];
    char c;
    ssize_t n;
    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    return n == 1;
}

/* Waits for the child's turn, then until it sleeps (in its lock call). */
GT_FN void lk_wait_sleeper(void)
{
    lk_hear();
    expect(wait_sleeping(lk_child), "child asleep waiting for the lock");
}

/* Waits for the child and describes how it ended. */
GT_FN const char *lk_reap(void)
{
    int st;
    if (waitpid(lk_child, &st, 0) != lk_child)
        return "wait failed";
    return status_str(st);
}

GT_FN const char *lk_type(int t)
{
    return t == F_RDLCK ? "READ" : t == F_WRLCK ? "WRITE" : t == F_UNLCK ? "UNLCK" : "bad type";
}

/* A call's outcome as one word: "ok" or the errno's name. */
GT_FN const char *lk_rc(long r) { return r < 0 ? errname(errno) : "ok"; }

/* fcntl with a struct flock built from the arguments. */
GT_FN int lk_fcntl(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
    struct flock l = {.l_type = (short)type, .l_whence = (short)whence, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &l);
}

/* F_GETLK (or F_OFD_GETLK) of type over start/len (SEEK_SET), printed:
 * "what: UNLCK" or "what: WRITE start 0 len 10 pid parent". */
GT_FN void lk_probe(const char *what, int fd, int cmd, int type, off_t start, off_t len)
{
    struct flock l = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, cmd, &l) < 0) {
        say("%s: -1 %s\n", what, errname(errno));
        return;
    }
    if (l.l_type == F_UNLCK)
        say("%s: UNLCK (start %lld len %lld kept)\n", what, (long long)l.l_start, (long long)l.l_len);
    else
        say("%s: %s whence %d start %lld len %lld pid %s\n", what, lk_type(l.l_type), l.l_whence,
            (long long)l.l_start, (long long)l.l_len, lk_who(l.l_pid));
}

static int lk_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Prints the /proc/locks lines about fd's file, each as
 * "  [-> ]KIND TYPE who start end", sorted, after checking that every one
 * is laid out exactly as Linux prints it, names the file's device, and
 * (a waiter) repeats the number of the lock it waits for. */
GT_FN void lk_proc_locks(const char *title, int fd)
{
    static char buf[1 << 16];
    struct stat st;
    fstat(fd, &st);
    int pf = open("/proc/locks", O_RDONLY);
    size_t len = 0;
    ssize_t n;
    if (pf < 0) {
        say("%s: cannot open /proc/locks: %s\n", title, errname(errno));
        gt_failures++;
        return;
    }
    while (len < sizeof buf - 1 && (n = read(pf, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    close(pf);
    buf[len] = 0;

    char *lines[64];
    int nl = 0, bad = 0, prev_id = -1;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        int id, off = 0, pid;
        unsigned maj, mnr;
        unsigned long ino;
        long long start;
        char kind[16], type[16], end[32], again[256];
        if (sscanf(line, "%d: %n", &id, &off) != 1)
            continue;
        int blocker_id = prev_id;           /* a waiter's line follows its lock's */
        prev_id = id;
        const char *p = line + off;
        int waiter = strncmp(p, "-> ", 3) == 0;
        if (waiter)
            p += 3;
        if (sscanf(p, "%15s ADVISORY %15s %d %x:%x:%lu %lld %31s", kind, type, &pid, &maj, &mnr, &ino, &start,
                   end) != 8)
            continue;                       /* leases and such: not ours */
        if (ino != (unsigned long)st.st_ino)
            continue;
        snprintf(again, sizeof again, "%d: %s%-6s ADVISORY  %s %d %02x:%02x:%lu %lld %s", id, waiter ? "-> " : "",
                 kind, type, pid, maj, mnr, ino, start, end);
        if (strcmp(again, line) != 0) {
            say("%s: not Linux's layout: \"%s\"\n", title, line);
            bad++;
        }
        if (maj != major(st.st_dev) || mnr != minor(st.st_dev)) {
            say("%s: device %x:%x, stat says %x:%x\n", title, maj, mnr, major(st.st_dev), minor(st.st_dev));
            bad++;
        }
        if (waiter && id != blocker_id) {
            say("%s: a waiter's number is not its lock's\n", title);
            bad++;
        }
        if (nl < 64) {
            lines[nl] = malloc(128);
            snprintf(lines[nl], 128, "  %s%s %s %s %lld %s", waiter ? "-> " : "", kind, type, lk_who(pid), start,
                     end);
            nl++;
        }
    }
    qsort(lines, nl, sizeof lines[0], lk_cmp);
    say("%s: %d line(s)%s\n", title, nl, bad ? ", MALFORMED" : "");
    for (int i = 0; i < nl; i++) {
        say("%s\n", lines[i]);
        free(lines[i]);
    }
    if (bad)
        gt_failures++;
}

/* A SIGUSR1 handler that only counts, installed with or without SA_RESTART. */
static volatile sig_atomic_t lk_signals;
static int lk_catching;
static void lk_on_usr1(int sig)
{
    (void)sig;
    lk_signals++;
}

GT_FN void lk_catch_usr1(int restart)
{
    struct sigaction sa = {.sa_handler = lk_on_usr1, .sa_flags = restart ? SA_RESTART : 0};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    lk_catching = 1;
}

/* A child's wait for a lock: opens "f" (an open file description of its
 * own), hands the turn to the parent, sleeps in call(fd) and prints what
 * it returned ("what: ok", and with lk_catch_usr1 the handler's count). */
GT_FN int lk_child_wait(const char *what, int (*call)(int fd))
{
    int c = open("f", O_RDWR);
    lk_tell();
    int r = call(c);
    if (lk_catching)
        say("%s: %s, handler ran %d time(s)\n", what, lk_rc(r), (int)lk_signals);
    else
        say("%s: %s\n", what, lk_rc(r));
    return 0;
}

#endif
