/*
 * The interval timers.  ITIMER_VIRTUAL and ITIMER_PROF count CPU time and
 * live with the CPU-time POSIX timers (kernel/proc/posix_timer.c).
 *
 * The real-time interval timer (alarm, setitimer ITIMER_REAL): SIGALRM when
 * the deadline passes, re-armed by the interval.  Each process has one
 * high-resolution timer on its leader (include/kernel/hrtimer.h), so it
 * fires at its deadline, not at the next tick.
 *
 * Locking: itimer_lock serialises setitimer/alarm/getitimer (and exit) on
 * the interval and the timer.  The callback takes no itimer lock (it reads
 * the interval once), so those may cancel it, waiting for a running
 * callback, while holding itimer_lock.  It signals with the group's sig
 * lock (docs/locking.md).
 */
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <mm/uaccess.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/signal.h>

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

static struct spinlock itimer_lock = SPINLOCK_INIT("itimer");

static enum hrtimer_restart itimer_fn(struct hrtimer *h)
{
    struct task *t = container_of(h, struct task, itimer);
    siginfo_t info = { 0 };
    info.si_signo = SIGALRM;
    info.si_code = SI_KERNEL;
    signal_send_process(t, SIGALRM, &info);
    uint64_t interval = READ_ONCE(t->itimer_interval_ns);
    if (!interval)
        return HRTIMER_NORESTART;
    hrtimer_forward(h, time_ns(), interval);
    return HRTIMER_RESTART;
}

void itimer_init(struct task *t) { hrtimer_init(&t->itimer, itimer_fn); }

static void arm_locked(struct task *t, uint64_t deadline)
{
    if (deadline)
        hrtimer_start(&t->itimer, deadline);    /* cancels first */
    else
        hrtimer_cancel(&t->itimer);
}

/* exit: a dead task's timer must not fire */
void itimer_exit(struct task *t)
{
    spin_lock(&itimer_lock);
    hrtimer_cancel(&t->itimer);
    spin_unlock(&itimer_lock);
}

struct ktimeval {
    int64_t sec, usec;
};
struct kitimerval {
    struct ktimeval interval, value;
};

static uint64_t tv_ns(struct ktimeval tv) { return (uint64_t)tv.sec * NSEC_PER_SEC + (uint64_t)tv.usec * 1000; }
static struct ktimeval ns_tv(uint64_t ns) { return (struct ktimeval){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) }; }

static struct kitimerval current_value(struct task *t)
{
    uint64_t now = time_ns(), deadline = hrtimer_pending(&t->itimer) ? READ_ONCE(t->itimer.soft_ns) : 0;
    /* due but not yet run: Linux reports the smallest value, not 0 */
    uint64_t left = deadline > now ? deadline - now : (deadline ? 1000 : 0);
    return (struct kitimerval){ ns_tv(t->itimer_interval_ns), ns_tv(left) };
}

static long sys_getitimer(int which, struct kitimerval __user *cur)
{
    struct kitimerval v;
    if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
        uint64_t value, interval;
        cpu_itimer(which, false, 0, 0, &value, &interval);
        v = (struct kitimerval){ ns_tv(interval), ns_tv(value) };
    } else if (which == ITIMER_REAL) {
        spin_lock(&itimer_lock);
        v = current_value(task_process(current));
        spin_unlock(&itimer_lock);
    } else {
        return -EINVAL;
    }
    return copy_to_user(cur, &v, sizeof v);
}
SYSCALL_DEFINE(36, getitimer);

static long sys_setitimer(int which, const struct kitimerval __user *nv, struct kitimerval __user *ov)
{
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
        return -EINVAL;
    struct kitimerval n = { { 0, 0 }, { 0, 0 } };
    if (nv && copy_from_user(&n, nv, sizeof n))
        return -EFAULT;
    if (n.value.usec < 0 || n.value.usec >= 1000000 || n.interval.usec < 0 || n.interval.usec >= 1000000 ||
        n.value.sec < 0 || n.interval.sec < 0)
        return -EINVAL;
    if (which != ITIMER_REAL) {
        /* CPU-time itimers: counted by the tick (kernel/proc/posix_timer.c) */
        uint64_t value, interval;
        cpu_itimer(which, nv != NULL, tv_ns(n.value), tv_ns(n.interval), &value, &interval);
        struct kitimerval old = { ns_tv(interval), ns_tv(value) };
        return ov && copy_to_user(ov, &old, sizeof old) ? -EFAULT : 0;
    }
    struct task *t = task_process(current);   /* ITIMER_REAL is per process */
    spin_lock(&itimer_lock);
    struct kitimerval old = current_value(t);
    if (nv) {
        t->itimer_interval_ns = tv_ns(n.interval);
        uint64_t v = tv_ns(n.value);
        arm_locked(t, v ? time_ns() + v : 0);
    }
    spin_unlock(&itimer_lock);
    if (ov && copy_to_user(ov, &old, sizeof old))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(38, setitimer);

static long sys_alarm(unsigned seconds)
{
    struct task *t = task_process(current);   /* ITIMER_REAL is per process */
    spin_lock(&itimer_lock);
    struct kitimerval old = current_value(t);
    t->itimer_interval_ns = 0;
    arm_locked(t, seconds ? time_ns() + (uint64_t)seconds * NSEC_PER_SEC : 0);
    spin_unlock(&itimer_lock);
    /* the previous alarm's remaining seconds, rounded up */
    return old.value.sec + (old.value.usec ? 1 : 0);
}
SYSCALL_DEFINE(37, alarm);
