/* Shared helpers for the guest behaviour tests.
 *
 * Every test in tests/guest/ is one static musl program that exercises one
 * behaviour and prints what it observed, one fact per line.  The same binary
 * runs on the host's Linux (the oracle) and inside Tessera, and the runner
 * compares the two outputs, so output must be deterministic: never print a
 * pid, an address or a time, only relations ("child pid > 0: yes") and
 * symbolic errno names ("ENOENT").
 *
 * Output goes through say(), which formats into a buffer and issues one
 * write(2) per call: no stdio buffer is ever duplicated by fork() or lost by
 * exec(), so a line appears exactly once and in the order it was produced.
 *
 * expect() prints "what: yes/no" and remembers a "no"; gt_exit() turns that
 * into the exit status (0 when every expectation held), so a test also
 * checks itself on Linux.
 */
#ifndef GT_H
#define GT_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GT_FN static __attribute__((unused))

/* CLOCK_MONOTONIC, in seconds. */
GT_FN double gt_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pins the calling thread to CPU `cpu` alone through a 1024-bit set (the
 * size of glibc's and musl's cpu_set_t): sched_setaffinity's 0 or -1. */
GT_FN int gt_pin(int cpu)
{
    unsigned long set[1024 / (8 * sizeof(unsigned long))] = { 0 };
    if (cpu < 0 || cpu >= 1024) {
        errno = EINVAL;
        return -1;
    }
    set[cpu / (8 * sizeof set[0])] = 1UL << (cpu % (8 * sizeof set[0]));
    return syscall(SYS_sched_setaffinity, 0, sizeof set, set) < 0 ? -1 : 0;
}

static int gt_failures;

/* Formats like vprintf and writes the result with a single write(2) on fd. */
GT_FN void vsay_to(int fd, const char *fmt, va_list ap)
{
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof buf)
        n = sizeof buf - 1;
    ssize_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w <= 0)
            break;
        off += w;
    }
}

/* Formats like printf and writes the result with a single write(2) on fd 1. */
GT_FN void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay_to(1, fmt, ap);
    va_end(ap);
}

/* The same on another descriptor (a pipe to the test, say). */
GT_FN void __attribute__((format(printf, 2, 3))) say_to(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay_to(fd, fmt, ap);
    va_end(ap);
}

/* Reads a whole small file (one read(2), as /proc files want) into buf,
 * NUL-terminated; returns the byte count, or -1 if it cannot be opened. */
GT_FN int read_file(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return (int)n;
}

/* The number after `key` ("scale.procs=") on the kernel command line, or
 * dflt if the key is not there. */
GT_FN long cmdline_long(const char *key, long dflt)
{
    char buf[1024];
    if (read_file("/proc/cmdline", buf, sizeof buf) > 0) {
        char *p = strstr(buf, key);
        if (p)
            return strtol(p + strlen(key), NULL, 10);
    }
    return dflt;
}

/* A /proc/meminfo figure in kB (key as "MemFree:"), or -1. */
GT_FN long meminfo_kb(const char *key)
{
    char buf[4096];
    if (read_file("/proc/meminfo", buf, sizeof buf) <= 0)
        return -1;
    char *p = strstr(buf, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* /proc/sys/kernel/<name> (Tessera's scheduler files and Linux's): its value
 * without the trailing newline into buf (the length, or -1), or `val`
 * written to it (0 or the errno). */
GT_FN int sysctl_get(const char *name, char *buf, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    int r = read_file(path, buf, n);
    if (r > 0 && buf[r - 1] == '\n')
        buf[--r] = 0;
    return r;
}

/* One write(2) of `val` to the file at path (no O_CREAT): 0 or the errno. */
GT_FN int write_val(const char *path, const char *val)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return errno;
    ssize_t r = write(fd, val, strlen(val));
    int e = r < 0 ? errno : 0;
    close(fd);
    return e;
}

GT_FN int sysctl_put(const char *name, const char *val)
{
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    return write_val(path, val);
}

/* Prints "what: yes" or "what: no" and records a failure for "no". */
GT_FN int expect(int cond, const char *what)
{
    say("%s: %s\n", what, cond ? "yes" : "no");
    if (!cond)
        gt_failures++;
    return cond;
}

/* The symbolic name of an errno value, for deterministic output. */
GT_FN const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ETXTBSY: return "ETXTBSY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case EDEADLK: return "EDEADLK";
    case ENOLCK: return "ENOLCK";
    case EOVERFLOW: return "EOVERFLOW";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ENOMSG: return "ENOMSG";
    case EIDRM: return "EIDRM";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case ENODATA: return "ENODATA";
    case ENOTSOCK: return "ENOTSOCK";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EDOM: return "EDOM";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case EMSGSIZE: return "EMSGSIZE";
    case EPROTOTYPE: return "EPROTOTYPE";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EADDRINUSE: return "EADDRINUSE";
    case ECONNRESET: return "ECONNRESET";
    case ENOBUFS: return "ENOBUFS";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case ETOOMANYREFS: return "ETOOMANYREFS";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EINPROGRESS: return "EINPROGRESS";
    case ECANCELED: return "ECANCELED";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: {
        static char other[32];
        snprintf(other, sizeof other, "errno%d", e);
        return other;
    }
    }
}

/* Prints "what: -1 ENAME" for a failed call or "what: ok" for rc >= 0;
 * returns 1 if the call failed with the expected errno. */
GT_FN int expect_err(long rc, int want, const char *what)
{
    if (rc >= 0) {
        say("%s: ok (wanted %s)\n", what, errname(want));
        gt_failures++;
        return 0;
    }
    int e = errno;
    if (e != want) {
        char got[32];
        snprintf(got, sizeof got, "%s", errname(e));
        say("%s: -1 %s (wanted %s)\n", what, got, errname(want));
        gt_failures++;
        return 0;
    }
    say("%s: -1 %s\n", what, errname(e));
    return 1;
}

/* Describes a wait status: "exited N", "killed by signal N", ... */
GT_FN const char *status_str(int st)
{
    static char buf[64];
    if (WIFEXITED(st))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(st));
    else if (WIFSTOPPED(st))
        snprintf(buf, sizeof buf, "stopped by signal %d", WSTOPSIG(st));
    else
        snprintf(buf, sizeof buf, "unknown status 0x%x", st);
    return buf;
}

/* Runs fn in a forked child (which then _exit()s with fn's return value),
 * waits for it and returns the raw wait status, or -1 if fork/wait failed. */
GT_FN int run_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(fn());
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

/* Runs argv[0] (a path) with stdout and stderr captured into out (NUL-
 * terminated, at most n-1 bytes); returns the wait status. */
GT_FN int run_capture(char *const argv[], char *out, size_t n)
{
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    ssize_t r;
    while (len + 1 < n && (r = read(p[0], out + len, n - 1 - len)) > 0)
        len += (size_t)r;
    out[len] = 0;
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    return st;
}

/* The value of "Name:\t..." in /proc/self/status, or "" (a static buffer,
 * overwritten by the next call). */
GT_FN const char *proc_status_field(const char *name)
{
    static char buf[8192], val[1024];
    val[0] = 0;
    if (read_file("/proc/self/status", buf, sizeof buf) < 0)
        return val;
    size_t n = strlen(name);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!strncmp(line, name, n) && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == '\t' || *v == ' ')
                v++;
            size_t len = strcspn(v, "\n");
            if (len >= sizeof val)
                len = sizeof val - 1;
            memcpy(val, v, len);
            val[len] = 0;
            break;
        }
    }
    return val;
}

/* Exits with 0 if every expectation held, 1 otherwise. */
GT_FN void __attribute__((noreturn)) gt_exit(void)
{
    say("result: %s\n", gt_failures ? "FAILED" : "ok");
    exit(gt_failures ? 1 : 0);
}

/* Runs fn in a child that ends with gt_exit() (its own "result:" line);
 * its exit status, or 100 + the signal that killed it. */
GT_FN int gt_in_child(void (*fn)(void))
{
    pid_t c = fork();
    if (c == 0) {
        fn();
        gt_exit();
    }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* Directory holding the test binaries (the guest's /tests). */
GT_FN const char *gt_dir(void)
{
    const char *d = getenv("GT_DIR");
    return d && *d ? d : "/tests";
}

/* Closes every descriptor above 2 that the test may have inherited from
 * whatever started it, for tests that print descriptor numbers. */
GT_FN void gt_close_extra_fds(void)
{
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
}

/* fork(), with the child sleeping in pause() until a signal ends it:
 * the child's pid, or -1 with errno from fork. */
GT_FN pid_t fork_sleeper(void)
{
    pid_t c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    return c;
}

/* Waits (up to 5 s) until process pid sleeps (state S in /proc/pid/stat):
 * it has reached the call that blocks.  1 if it did, 0 if not. */
GT_FN int wait_sleeping(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 5000; i++) {
        if (read_file(path, buf, sizeof buf) > 0) {
            char *p = strrchr(buf, ')');
            if (p && p[1] == ' ' && p[2] == 'S')
                return 1;
        }
        usleep(1000);
    }
    return 0;
}

/* A poll mask as words: "IN OUT HUP", or "none". */
GT_FN const char *pollstr(int r)
{
    static char buf[96];
    buf[0] = 0;
    if (r < 0)
        return "poll failed";
    if (r & POLLIN) strcat(buf, "IN ");
    if (r & POLLPRI) strcat(buf, "PRI ");
    if (r & POLLOUT) strcat(buf, "OUT ");
    if (r & POLLRDHUP) strcat(buf, "RDHUP ");
    if (r & POLLHUP) strcat(buf, "HUP ");
    if (r & POLLERR) strcat(buf, "ERR ");
    if (r & POLLNVAL) strcat(buf, "NVAL ");
    if (!buf[0])
        return "none";
    buf[strlen(buf) - 1] = 0;
    return buf;
}

/* One descriptor's ready mask right now (the normal events asked for). */
GT_FN int poll1(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI};
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}


/* Prints what fstat and /proc/self/fd say an anonymous descriptor is:
 * "<what>: st_mode 600, link anon_inode:[eventfd]". */
GT_FN void say_fd_kind(const char *what, int fd)
{
    struct stat st;
    char path[64], link[64] = { 0 };
    if (fstat(fd, &st) != 0)
        st.st_mode = 0;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (readlink(path, link, sizeof link - 1) < 0)
        strcpy(link, errname(errno));
    say("%s: st_mode %o, link %s\n", what, (unsigned)st.st_mode, link);
}

/* An address no user program has mapped, laundered through a volatile so
 * the compiler cannot see (and warn about) the bad pointer. */
static void *volatile gt_bad_addr = (void *)1;
#define BAD_PTR ((void *)gt_bad_addr)

#endif
