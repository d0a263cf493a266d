/*
 * The real-time interval timer (alarm, setitimer ITIMER_REAL): SIGALRM when
 * the wall-clock deadline passes, re-armed by the interval.  Armed tasks sit
 * on one list sorted by deadline; CPU 0's tick looks at its head, so the
 * cost per tick is O(1) and arming is O(armed timers).
 *
 * Locking: itimer_lock protects the list and every task's itimer fields.
 * Signals its tasks with itimer_lock held (docs/locking.md).
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <lib/list.h>
#include <mm/uaccess.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <proc/task.h>

#define ITIMER_REAL 0

static struct spinlock itimer_lock = SPINLOCK_INIT("itimer");
static struct list_node armed = LIST_INIT(armed);

static void disarm_locked(struct task *t)
{
    if (t->itimer_deadline_ns) {
        list_remove(&t->itimer_node);
        t->itimer_deadline_ns = 0;
    }
}

static void arm_locked(struct task *t, uint64_t deadline)
{
    disarm_locked(t);
    if (!deadline)
        return;
    t->itimer_deadline_ns = deadline;
    struct list_node *pos = armed.next;
    while (pos != &armed && container_of(pos, struct task, itimer_node)->itimer_deadline_ns <= deadline)
        pos = pos->next;
    list_insert_between(&t->itimer_node, pos->prev, pos);
}

void itimer_tick(uint64_t now)
{
    spin_lock(&itimer_lock);
    while (!list_empty(&armed)) {
        struct task *t = list_first_entry(&armed, struct task, itimer_node);
        if (t->itimer_deadline_ns > now)
            break;
        uint64_t next = t->itimer_interval_ns ? now + t->itimer_interval_ns : 0;
        arm_locked(t, next);
        siginfo_t info = { 0 };
        info.si_signo = SIGALRM;
        info.si_code = SI_KERNEL;
        signal_send_process(t, SIGALRM, &info);
    }
    spin_unlock(&itimer_lock);
}

/* exit: a dead task's timer must not fire */
void itimer_exit(struct task *t)
{
    spin_lock(&itimer_lock);
    disarm_locked(t);
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
    uint64_t now = time_ns();
    uint64_t left = t->itimer_deadline_ns > now ? t->itimer_deadline_ns - now : (t->itimer_deadline_ns ? 1000 : 0);
    return (struct kitimerval){ ns_tv(t->itimer_interval_ns), ns_tv(left) };
}

static long sys_getitimer(int which, struct kitimerval __user *cur)
{
    if (which != ITIMER_REAL)
        return -EINVAL;
    spin_lock(&itimer_lock);
    struct kitimerval v = current_value(task_process(current));
    spin_unlock(&itimer_lock);
    return copy_to_user(cur, &v, sizeof v);
}
SYSCALL_DEFINE(36, getitimer);

static long sys_setitimer(int which, const struct kitimerval __user *nv, struct kitimerval __user *ov)
{
    if (which != ITIMER_REAL)
        return -EINVAL;                 /* ITIMER_VIRTUAL/PROF are not provided */
    struct kitimerval n = { { 0, 0 }, { 0, 0 } };
    if (nv && copy_from_user(&n, nv, sizeof n))
        return -EFAULT;
    if (n.value.usec < 0 || n.value.usec >= 1000000 || n.interval.usec < 0 || n.interval.usec >= 1000000 ||
        n.value.sec < 0 || n.interval.sec < 0)
        return -EINVAL;
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
