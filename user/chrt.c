/*
 * chrt: show or set a process's real-time scheduling class and priority
 * (sched_setscheduler/sched_getscheduler).  Debian's busybox-static is built
 * without this applet, so Tessera ships its own with the usual syntax.
 *
 *   chrt -p PID                  show PID's policy and priority
 *   chrt [-f|-r|-o] -p PRIO PID  change PID
 *   chrt [-f|-r|-o] PRIO CMD...  run CMD with that policy
 *   chrt -m                      show each policy's priority range
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* musl's wrappers for these always fail (ENOSYS: POSIX's per-process
 * semantics differ from Linux's per-thread ones), so make the calls directly. */
#define set_scheduler(pid, pol, sp) syscall(SYS_sched_setscheduler, (pid), (pol), (sp))
#define get_scheduler(pid) syscall(SYS_sched_getscheduler, (pid))
#define get_param(pid, sp) syscall(SYS_sched_getparam, (pid), (sp))

static const char *name_of(int p)
{
    switch (p) {
    case SCHED_OTHER: return "SCHED_OTHER";
    case SCHED_FIFO: return "SCHED_FIFO";
    case SCHED_RR: return "SCHED_RR";
    case SCHED_BATCH: return "SCHED_BATCH";
    case SCHED_IDLE: return "SCHED_IDLE";
    default: return "unknown";
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: chrt [-f|-r|-o] [-p] PRIORITY [PID | COMMAND [ARG]...]\n"
                    "       chrt -p PID\n       chrt -m\n");
    return 1;
}

static int number(const char *s, long *out)
{
    char *end;
    *out = strtol(s, &end, 10);
    return *s && !*end;
}

int main(int argc, char **argv)
{
    int policy = SCHED_RR, i = 1;
    int pid_mode = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-f"))
            policy = SCHED_FIFO;
        else if (!strcmp(argv[i], "-r"))
            policy = SCHED_RR;
        else if (!strcmp(argv[i], "-o"))
            policy = SCHED_OTHER;
        else if (!strcmp(argv[i], "-p"))
            pid_mode = 1;
        else if (!strcmp(argv[i], "-m")) {
            int ps[] = { SCHED_OTHER, SCHED_FIFO, SCHED_RR };
            for (int k = 0; k < 3; k++)
                printf("%s min/max priority\t: %d/%d\n", name_of(ps[k]), sched_get_priority_min(ps[k]),
                       sched_get_priority_max(ps[k]));
            return 0;
        } else
            return usage();
    }
    long a, b;
    if (pid_mode && argc - i == 1) {
        if (!number(argv[i], &a))
            return usage();
        int p = (int)get_scheduler((pid_t)a);
        struct sched_param sp;
        if (p < 0 || get_param((pid_t)a, &sp) < 0) {
            fprintf(stderr, "chrt: pid %ld: %s\n", a, strerror(errno));
            return 1;
        }
        printf("pid %ld's current scheduling policy: %s\npid %ld's current scheduling priority: %d\n", a,
               name_of(p), a, sp.sched_priority);
        return 0;
    }
    if (argc - i < 2 || !number(argv[i], &a))
        return usage();
    struct sched_param sp = { .sched_priority = (int)a };
    if (pid_mode) {
        if (!number(argv[i + 1], &b))
            return usage();
        if (set_scheduler((pid_t)b, policy, &sp) < 0) {
            fprintf(stderr, "chrt: failed to set pid %ld's policy: %s\n", b, strerror(errno));
            return 1;
        }
        return 0;
    }
    if (set_scheduler(0, policy, &sp) < 0) {
        fprintf(stderr, "chrt: failed to set policy: %s\n", strerror(errno));
        return 1;
    }
    execvp(argv[i + 1], argv + i + 1);
    fprintf(stderr, "chrt: %s: %s\n", argv[i + 1], strerror(errno));
    return 127;
}
