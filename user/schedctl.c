/*
 * schedctl: the command-line face of Tessera's scheduling controls that
 * Linux has no tool for (nice/renice and chrt cover the Linux ones).
 *
 *   schedctl get [PID]                 tickets, lent tickets, expected time, nice
 *                                      (no PID: schedctl itself, which has its
 *                                      caller's tickets and nice)
 *   schedctl tickets N [PID]           set tickets (1..1000000): ticket inflation
 *   schedctl expect MS [PID]           declare the expected run time (SJF/STCF), 0 = none
 *                                      (no PID: the calling process, e.g. the
 *                                      shell, whose children inherit tickets)
 *   schedctl lend PID                  lend the caller's tickets to PID
 *   schedctl unlend                    take them back
 *   schedctl policy [NAME]             show or switch the system policy
 *   schedctl run [-t N] [-e MS] [-n NICE] [-l PID] -- CMD [ARGS...]
 *                                      set those on itself (-l: lend its
 *                                      tickets to PID), then exec CMD
 *
 * A loan lasts while the lending process lives, so `schedctl lend` alone
 * lends from the short-lived schedctl; use it through `run` (or from a
 * program calling tessera_sched_lend) to make it last: `schedctl run -l PID
 * -- CMD` lends for as long as CMD runs.  It talks to the
 * kernel through the calls in include/uapi/tessera.h and the files
 * /proc/sys/kernel/sched_policy{,ies}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../include/uapi/tessera.h"

static const char *errno_name(int e)
{
    switch (e) {
    case EINVAL: return "EINVAL";
    case ESRCH: return "ESRCH";
    case EFAULT: return "EFAULT";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";
    case ENOSYS: return "ENOSYS";
    default: return "error";
    }
}

static int fail(const char *what)
{
    int e = errno;
    fprintf(stderr, "schedctl: %s: %s (%s)\n", what, strerror(e), errno_name(e));
    if (e == ENOSYS)
        fprintf(stderr, "schedctl: this kernel has no Tessera scheduling calls\n");
    return 1;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: schedctl get [PID]\n"
            "       schedctl tickets N [PID]      (1..%d; no PID: the calling shell)\n"
            "       schedctl expect MS [PID]      (0 = undeclared; no PID: the calling shell)\n"
            "       schedctl lend PID | unlend\n"
            "       schedctl policy [NAME]\n"
            "       schedctl run [-t TICKETS] [-e MS] [-n NICE] [-l PID] -- CMD [ARGS...]\n",
            TESSERA_TICKETS_MAX);
    return 2;
}

/* A whole decimal number in [lo, hi], or a message and false. */
static int parse_num(const char *s, long long lo, long long hi, long long *out, const char *what)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "schedctl: bad %s '%s' (want %lld..%lld)\n", what, s, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

static int sched_get(pid_t pid, struct tessera_sched *ts)
{
    return (int)syscall(__NR_tessera_sched_get, pid, ts);
}

static int sched_set(pid_t pid, const struct tessera_sched *ts, unsigned mask)
{
    return (int)syscall(__NR_tessera_sched_set, pid, ts, mask);
}

static int cmd_get(pid_t pid)
{
    struct tessera_sched ts;
    if (sched_get(pid, &ts) < 0)
        return fail("tessera_sched_get");
    printf("tickets: %u\nlent_tickets: %u\n", ts.tickets, ts.lent_tickets);
    if (ts.expected_ns)
        printf("expected_ms: %llu.%03llu\n", (unsigned long long)(ts.expected_ns / 1000000),
               (unsigned long long)(ts.expected_ns / 1000 % 1000));
    else
        printf("expected_ms: undeclared\n");
    printf("nice: %d\nmlfq_level: %d\n", ts.nice, ts.mlfq_level);
    return 0;
}

static int set_one(pid_t pid, unsigned mask, uint32_t tickets, uint64_t expected_ns)
{
    struct tessera_sched ts;
    memset(&ts, 0, sizeof ts);
    ts.tickets = tickets;
    ts.expected_ns = expected_ns;
    if (sched_set(pid, &ts, mask) < 0)
        return fail("tessera_sched_set");
    return 0;
}

static int cmd_policy(const char *name)
{
    const char *path = "/proc/sys/kernel/sched_policy";
    int fd = open(path, name ? O_WRONLY : O_RDONLY);
    if (fd < 0)
        return fail(path);
    if (!name) {
        char buf[64];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n < 0)
            return fail(path);
        buf[n] = '\0';
        fputs(buf, stdout);
        return 0;
    }
    ssize_t n = write(fd, name, strlen(name));
    int e = errno;
    close(fd);
    if (n < 0) {
        errno = e;
        fail(name);
        if (e == EINVAL) {
            char list[256];
            int lf = open("/proc/sys/kernel/sched_policies", O_RDONLY);
            ssize_t k = lf >= 0 ? read(lf, list, sizeof list - 1) : -1;
            if (k > 0) {
                list[k] = '\0';
                fprintf(stderr, "schedctl: known policies: %s", list);
            }
        }
        return 1;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    unsigned mask = 0;
    long long tickets = 0, ms = 0, nice_val = 0, lend_pid = 0;
    int have_nice = 0, i = 0;
    for (; i < argc && strcmp(argv[i], "--"); i += 2) {
        if (i + 1 >= argc)
            return usage();
        if (!strcmp(argv[i], "-t")) {
            if (!parse_num(argv[i + 1], 1, TESSERA_TICKETS_MAX, &tickets, "tickets"))
                return 2;
            mask |= TESSERA_SCHED_TICKETS;
        } else if (!strcmp(argv[i], "-e")) {
            if (!parse_num(argv[i + 1], 0, 1000000000, &ms, "expected time (ms)"))
                return 2;
            mask |= TESSERA_SCHED_EXPECTED;
        } else if (!strcmp(argv[i], "-n")) {
            if (!parse_num(argv[i + 1], -20, 19, &nice_val, "nice value"))
                return 2;
            have_nice = 1;
        } else if (!strcmp(argv[i], "-l")) {
            if (!parse_num(argv[i + 1], 1, 1 << 30, &lend_pid, "pid"))
                return 2;
        } else {
            return usage();
        }
    }
    if (i >= argc - 1)
        return usage();             /* no "--" or no command after it */
    if (mask && set_one(0, mask, (uint32_t)tickets, (uint64_t)ms * 1000000))
        return 1;
    if (have_nice && setpriority(PRIO_PROCESS, 0, (int)nice_val) < 0)
        return fail("setpriority");
    if (lend_pid && syscall(__NR_tessera_sched_lend, (pid_t)lend_pid) < 0)
        return fail("tessera_sched_lend");
    execvp(argv[i + 1], argv + i + 1);
    fprintf(stderr, "schedctl: cannot run %s: %s\n", argv[i + 1], strerror(errno));
    return 127;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    long long n, pid = 0;
    if (!strcmp(cmd, "get") && argc <= 3) {
        if (argc == 3 && !parse_num(argv[2], 0, 1 << 30, &pid, "pid"))
            return 2;
        return cmd_get((pid_t)pid);
    }
    if ((!strcmp(cmd, "tickets") || !strcmp(cmd, "expect")) && (argc == 3 || argc == 4)) {
        /* without a PID, the process that ran schedctl: changing schedctl's
         * own values would end with it */
        pid = getppid();
        if (argc == 4 && !parse_num(argv[3], 0, 1 << 30, &pid, "pid"))
            return 2;
        if (!strcmp(cmd, "tickets")) {
            if (!parse_num(argv[2], 1, TESSERA_TICKETS_MAX, &n, "tickets"))
                return 2;
            return set_one((pid_t)pid, TESSERA_SCHED_TICKETS, (uint32_t)n, 0);
        }
        if (!parse_num(argv[2], 0, 1000000000, &n, "expected time (ms)"))
            return 2;
        return set_one((pid_t)pid, TESSERA_SCHED_EXPECTED, 0, (uint64_t)n * 1000000);
    }
    if (!strcmp(cmd, "lend") && argc == 3) {
        if (!parse_num(argv[2], 1, 1 << 30, &pid, "pid"))
            return 2;
        return syscall(__NR_tessera_sched_lend, (pid_t)pid) < 0 ? fail("tessera_sched_lend") : 0;
    }
    if (!strcmp(cmd, "unlend") && argc == 2)
        return syscall(__NR_tessera_sched_lend, 0) < 0 ? fail("tessera_sched_lend") : 0;
    if (!strcmp(cmd, "policy") && argc <= 3)
        return cmd_policy(argc == 3 ? argv[2] : NULL);
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    return usage();
}
