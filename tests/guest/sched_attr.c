/* sched_getattr/sched_setattr, the calls util-linux's chrt makes, and
 * SCHED_RESET_ON_FORK: a round trip of policy, nice and real-time priority;
 * the record's size rules (too small or non-zero beyond the kernel's record
 * is E2BIG with the known size written back; size 0 means the first
 * version); flags EINVAL; KEEP_PARAMS changes only the flags (the class
 * too stays, as on Linux); a real-time parent with
 * reset-on-fork has an ordinary child that does not inherit the flag. */
#include "gt.h"
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>

struct attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};

static long getattr(pid_t pid, struct attr *a, unsigned size) { return syscall(SYS_sched_getattr, pid, a, size, 0); }
static long setattr(pid_t pid, struct attr *a) { return syscall(SYS_sched_setattr, pid, a, 0); }

static void show(const char *what)
{
    struct attr a;
    memset(&a, 0xff, sizeof a);
    long r = getattr(0, &a, sizeof a);
    say("%s: r=%ld size=%u policy=%u flags=%llu nice=%d prio=%u\n", what, r, a.size, a.policy,
        (unsigned long long)a.flags, a.nice, a.priority);
}

int main(void)
{
    show("initial");
    struct attr a;
    memset(&a, 0, sizeof a);
    expect_err(getattr(0, &a, 47), EINVAL, "getattr size 47");
    expect_err(getattr(0, NULL, sizeof a), EINVAL, "getattr NULL");
    expect_err(syscall(SYS_sched_getattr, 0, &a, sizeof a, 1), EINVAL, "getattr flags 1");
    expect_err(getattr(-1, &a, sizeof a), EINVAL, "getattr pid -1");
    expect_err(getattr(0x7ffffff0, &a, sizeof a), ESRCH, "getattr no such pid");
    expect_err(syscall(SYS_sched_getattr, 0, (void *)8, sizeof a, 0), EFAULT, "getattr bad pointer");

    memset(&a, 0, sizeof a);
    a.size = 48;
    a.policy = SCHED_OTHER;
    a.nice = 3;
    expect(setattr(0, &a) == 0, "setattr OTHER nice 3");
    show("after nice 3");
    errno = 0;
    say("getpriority agrees: %s\n", getpriority(PRIO_PROCESS, 0) == 3 ? "yes" : "no");

    memset(&a, 0, sizeof a);
    a.size = 0;                         /* the first version's size */
    a.policy = SCHED_FIFO;
    a.priority = 12;
    expect(setattr(0, &a) == 0, "setattr FIFO 12 (size 0)");
    show("after FIFO 12");

    /* a larger record with a non-zero byte past the kernel's */
    unsigned char big[128];
    memset(big, 0, sizeof big);
    struct attr *b = (struct attr *)big;
    b->size = sizeof big;
    b->policy = SCHED_OTHER;
    big[100] = 1;
    expect_err(setattr(0, b), E2BIG, "setattr with unknown non-zero tail");
    say("size written back: %u\n", b->size);
    big[100] = 0;
    b->size = sizeof big;
    expect(setattr(0, b) == 0, "setattr with a zero tail");
    show("after zero-tail OTHER");
    memset(&a, 0, sizeof a);
    a.size = 40;
    expect_err(setattr(0, &a), E2BIG, "setattr size 40");
    say("size written back: %u\n", a.size);

    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = 42;
    expect_err(setattr(0, &a), EINVAL, "setattr policy 42");
    a.policy = SCHED_RR;
    a.priority = 0;
    expect_err(setattr(0, &a), EINVAL, "setattr RR priority 0");
    a.priority = 5;
    a.flags = 0x100000;
    expect_err(setattr(0, &a), EINVAL, "setattr unknown flag");
    expect_err(syscall(SYS_sched_setattr, 0, &a, 1), EINVAL, "setattr syscall flags 1");
    expect_err(setattr(0x7ffffff0, &a), ESRCH, "setattr unknown flag: the lookup comes first");
    a.flags = 0;
    expect_err(setattr(0x7ffffff0, &a), ESRCH, "setattr no such pid");
    expect_err(syscall(SYS_sched_setattr, 0, (void *)8, 0), EFAULT, "setattr bad pointer");

    /* KEEP_PARAMS: the kept priority is checked against the class asked
     * for, but only the flags change */
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = SCHED_RR;
    a.priority = 20;
    expect(setattr(0, &a) == 0, "setattr RR 20");
    a.policy = SCHED_FIFO;
    a.priority = 0;
    a.flags = 0x10;                     /* SCHED_FLAG_KEEP_PARAMS */
    expect(setattr(0, &a) == 0, "setattr FIFO keeping params");
    show("after FIFO, params kept");

    /* reset on fork */
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = SCHED_FIFO;
    a.priority = 30;
    a.flags = 1;                        /* SCHED_FLAG_RESET_ON_FORK */
    expect(setattr(0, &a) == 0, "setattr FIFO 30 reset-on-fork");
    show("parent");
    say("getscheduler has the flag: %s\n", syscall(SYS_sched_getscheduler, 0) == (SCHED_FIFO | 0x40000000) ? "yes" : "no");
    pid_t c = fork();
    if (c == 0) {
        show("child");
        _exit(0);
    }
    waitpid(c, NULL, 0);

    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = SCHED_OTHER;
    a.nice = -5;
    a.flags = 1;
    expect(setattr(0, &a) == 0, "setattr OTHER nice -5 reset-on-fork");
    c = fork();
    if (c == 0) {
        show("child of nice -5");
        _exit(0);
    }
    waitpid(c, NULL, 0);
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    expect(setattr(0, &a) == 0, "back to OTHER nice 0");
    show("final");
    gt_exit();
}
