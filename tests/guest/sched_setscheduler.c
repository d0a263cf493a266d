/* The Linux scheduling-class calls chrt uses, called raw (musl's wrappers
 * for sched_setscheduler/sched_setparam are stubs): the default class is
 * SCHED_OTHER with priority 0; SCHED_BATCH round-trips; priority ranges are
 * 1..99 for SCHED_FIFO/SCHED_RR and 0 for the others; every malformed call
 * is EINVAL (bad class, priority out of range, negative pid, NULL param) and
 * an unknown pid is ESRCH; sched_rr_get_interval answers for the caller. */
#include "gt.h"
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>

static long setsched(pid_t pid, int policy, int prio)
{
    struct sched_param p = { .sched_priority = prio };
    return syscall(SYS_sched_setscheduler, pid, policy, &p);
}

int main(void)
{
    say("getscheduler(self): %ld\n", syscall(SYS_sched_getscheduler, 0));
    struct sched_param p = { .sched_priority = 7 };
    expect(syscall(SYS_sched_getparam, 0, &p) == 0, "sched_getparam(self)");
    say("priority: %d\n", p.sched_priority);
    say("max FIFO %ld RR %ld OTHER %ld; min FIFO %ld RR %ld OTHER %ld\n",
        syscall(SYS_sched_get_priority_max, SCHED_FIFO), syscall(SYS_sched_get_priority_max, SCHED_RR),
        syscall(SYS_sched_get_priority_max, SCHED_OTHER), syscall(SYS_sched_get_priority_min, SCHED_FIFO),
        syscall(SYS_sched_get_priority_min, SCHED_RR), syscall(SYS_sched_get_priority_min, SCHED_OTHER));
    expect_err(syscall(SYS_sched_get_priority_max, 42), EINVAL, "get_priority_max(42)");

    expect_err(setsched(0, SCHED_FIFO, 0), EINVAL, "SCHED_FIFO priority 0");
    expect_err(setsched(0, SCHED_RR, 100), EINVAL, "SCHED_RR priority 100");
    expect_err(setsched(0, SCHED_OTHER, 1), EINVAL, "SCHED_OTHER priority 1");
    expect_err(setsched(0, 42, 0), EINVAL, "class 42");
    expect_err(setsched(-1, SCHED_OTHER, 0), EINVAL, "pid -1");
    expect_err(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL, "NULL param");
    expect_err(setsched(0x7ffffff0, SCHED_OTHER, 0), ESRCH, "no such pid");
    expect_err(syscall(SYS_sched_getscheduler, -1), EINVAL, "getscheduler(-1)");
    expect_err(syscall(SYS_sched_getparam, 0, NULL), EINVAL, "getparam(NULL)");
    expect_err(syscall(SYS_sched_getscheduler, 0x7ffffff0), ESRCH, "getscheduler(no such pid)");
    say("still SCHED_OTHER: %s\n", syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER ? "yes" : "no");

    expect(setsched(0, SCHED_BATCH, 0) == 0, "SCHED_BATCH priority 0");
    say("getscheduler after BATCH: %ld\n", syscall(SYS_sched_getscheduler, 0));
    expect(setsched(0, SCHED_OTHER, 0) == 0, "back to SCHED_OTHER");
    say("getscheduler: %ld\n", syscall(SYS_sched_getscheduler, 0));
    p.sched_priority = 0;
    expect(syscall(SYS_sched_setparam, 0, &p) == 0, "sched_setparam(self, 0)");
    p.sched_priority = 5;
    expect_err(syscall(SYS_sched_setparam, 0, &p), EINVAL, "sched_setparam(self, 5) under SCHED_OTHER");

    struct timespec ts;
    expect(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0, "sched_rr_get_interval(self)");
    expect(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "interval well formed");
    gt_exit();
}
