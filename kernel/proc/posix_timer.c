/*
 * POSIX per-process timers: timer_create(222), timer_settime(223),
 * timer_gettime(224), timer_getoverrun(225), timer_delete(226).
 *
 * A timer counts on a clock: CLOCK_REALTIME, CLOCK_MONOTONIC,
 * CLOCK_BOOTTIME and CLOCK_TAI run on a high-resolution timer
 * (include/kernel/hrtimer.h) armed for the moment on time_ns(), so they
 * fire at their deadline (an absolute CLOCK_REALTIME timer, and a
 * CLOCK_TAI one, on the wall clock: setting the clock moves it);
 * CLOCK_PROCESS_CPUTIME_ID and
 * CLOCK_THREAD_CPUTIME_ID (the caller's own) count CPU time and are
 * checked by the scheduler tick of a CPU running the process, which keeps
 * its tick while such a timer is armed (Linux checks them at the tick too).
 * Clocks that cannot wake (MONOTONIC_RAW, the COARSE clocks) and the
 * _ALARM clocks (no wake-up device) are EOPNOTSUPP, unknown ones EINVAL.
 *
 * On expiry a timer sends its signal (SIGEV_SIGNAL and SIGEV_THREAD to the
 * process, SIGEV_THREAD_ID to one of its threads; SIGEV_NONE nothing) with
 * si_code SI_TIMER, the timer's id and sigev_value.  A timer has at most
 * one signal queued: expiring again before it is taken counts an overrun,
 * which the taken signal's si_overrun and then timer_getoverrun report.
 * Interval timers re-arm by whole intervals after the last expiry, the
 * ones missed (a CPU too busy to take the interrupt) counted as overruns.
 *
 * setitimer's ITIMER_VIRTUAL (the process's user time) and ITIMER_PROF
 * (user and system time) are kept here too and checked by the same tick.
 *
 * Timers belong to the process: ids are allocated per process from 0,
 * they are not inherited by fork, and exec and process exit delete them.
 *
 * Locking: the group's timers_lock (rank "posix_timers", below "tasks")
 * serialises the calls and the CPU-clock check of the tick, and guards
 * the list, the intervals and the CPU deadlines; a timer's queued/overrun
 * state, and the list walk that finds the timer of a signal being taken,
 * are under the group's sig_lock, which list changes therefore also take.
 * The hrtimer expiry function takes sig_lock (and tasks_lock to find a
 * target thread), never timers_lock, so the calls cancel it, waiting for
 * it, under timers_lock.
 */
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <lib/list.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <uapi/errno.h>
#include <uapi/time.h>

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1
#define DELAYTIMER_MAX 0x7fffffff

struct ksigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid;
    int32_t pad[11];
};
_Static_assert(sizeof(struct ksigevent) == 64, "struct sigevent is 64 bytes");

struct kts {
    int64_t sec, nsec;
};
struct kitimerspec {
    struct kts interval, value;
};

struct k_itimer {
    struct list_node node;          /* in group->posix_timers */
    struct thread_group *group;
    int id;
    int clock;
    int notify, signo;
    pid_t tid;                      /* SIGEV_THREAD_ID's thread */
    uint64_t value;                 /* sigev_value */
    uint64_t interval_ns;
    /* CPU-time clocks: the deadline in CPU ns, 0 when disarmed */
    uint64_t cpu_deadline;
    pid_t cpu_thread;               /* CLOCK_THREAD_CPUTIME_ID's thread */
    struct hrtimer timer;           /* the other clocks */
    /* --- under the group's sig_lock --- */
    bool sig_queued;                /* its signal waits to be taken */
    int overrun;                    /* expiries since it was queued */
    int overrun_last;               /* timer_getoverrun: as of the last signal taken */
};

static bool is_cpu_clock(int clk) { return clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID; }
static bool is_wall_clock(int clk) { return clk == CLOCK_REALTIME || clk == CLOCK_TAI; }

/* The timer's CPU clock (0 for a thread that has gone). */
static uint64_t cpu_now(const struct k_itimer *k)
{
    spin_lock(&tasks_lock);
    uint64_t ns = 0;
    if (k->clock == CLOCK_PROCESS_CPUTIME_ID) {
        ns = process_cpu_ns_locked(k->group->leader);
    } else {
        struct task *t = task_find(k->cpu_thread);
        if (t && t->group == k->group)
            ns = task_cpu_ns(t);
    }
    spin_unlock(&tasks_lock);
    return ns;
}

static uint64_t clock_now(const struct k_itimer *k)
{
    if (is_cpu_clock(k->clock))
        return cpu_now(k);
    return is_wall_clock(k->clock) ? time_realtime_ns() : time_ns();
}

static int add_sat(int a, uint64_t b) { return b >= (uint64_t)(DELAYTIMER_MAX - a) ? DELAYTIMER_MAX : a + (int)b; }

/* An expiry: queue the signal, or count an overrun if it still waits. */
static void expire(struct k_itimer *k, uint64_t missed)
{
    struct thread_group *g = k->group;
    if (k->notify == SIGEV_NONE)
        return;
    spin_lock(&g->sig_lock);
    bool queued = k->sig_queued;
    if (queued)
        k->overrun = add_sat(k->overrun, 1 + missed);
    else {
        k->sig_queued = true;
        k->overrun = add_sat(0, missed);
    }
    spin_unlock(&g->sig_lock);
    if (queued)
        return;
    siginfo_t info = { 0 };
    info.si_signo = k->signo;
    info.si_code = SI_TIMER;
    info.u.timer.tid = k->id;
    info.u.timer.value = k->value;
    bool sent = false;
    if (k->notify == SIGEV_THREAD_ID) {
        spin_lock(&tasks_lock);
        struct task *t = task_find(k->tid);
        if (t && t->group == g)
            sent = signal_send(t, k->signo, &info);
        spin_unlock(&tasks_lock);
    } else {
        sent = signal_send_process(g->leader, k->signo, &info);
    }
    if (!sent) {                    /* ignored, or the thread is gone */
        spin_lock(&g->sig_lock);
        k->sig_queued = false;
        spin_unlock(&g->sig_lock);
    }
}

static enum hrtimer_restart timer_fn(struct hrtimer *h)
{
    struct k_itimer *k = container_of(h, struct k_itimer, timer);
    uint64_t interval = READ_ONCE(k->interval_ns);
    uint64_t missed = interval ? hrtimer_forward(h, time_ns(), interval) : 1;
    expire(k, missed - 1);
    return interval ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

/* The process's user time, and its user + system time. */
static void process_times(struct thread_group *g, uint64_t *user, uint64_t *total)
{
    struct task_stats st;
    spin_lock(&tasks_lock);
    process_usage_locked(g->leader, &st);
    spin_unlock(&tasks_lock);
    *user = st.utime_ns;
    *total = st.utime_ns + st.stime_ns;
}

/* ITIMER_VIRTUAL and ITIMER_PROF that are due.  timers_lock held. */
static void cpu_itimers_tick(struct thread_group *g)
{
    static const int sigs[2] = { SIGVTALRM, SIGPROF };
    if (!g->cpu_itimer[0].deadline && !g->cpu_itimer[1].deadline)
        return;
    uint64_t now[2];
    process_times(g, &now[0], &now[1]);
    for (int i = 0; i < 2; i++) {
        uint64_t dl = g->cpu_itimer[i].deadline, iv = g->cpu_itimer[i].interval;
        if (!dl || now[i] < dl)
            continue;
        if (iv) {
            g->cpu_itimer[i].deadline = dl + ((now[i] - dl) / iv + 1) * iv;
        } else {
            g->cpu_itimer[i].deadline = 0;
            WRITE_ONCE(g->cpu_timers_armed, g->cpu_timers_armed - 1);
        }
        siginfo_t info = { 0 };
        info.si_signo = sigs[i];
        info.si_code = SI_KERNEL;
        signal_send_process(g->leader, sigs[i], &info);
    }
}

void cpu_itimer(int which, bool set, uint64_t value_ns, uint64_t interval_ns, uint64_t *old_value,
                uint64_t *old_interval)
{
    struct thread_group *g = current->group;
    int i = which - 1;
    spin_lock(&g->timers_lock);
    uint64_t now[2];
    process_times(g, &now[0], &now[1]);
    uint64_t dl = g->cpu_itimer[i].deadline;
    *old_value = dl ? (dl > now[i] ? dl - now[i] : 1) : 0;
    *old_interval = g->cpu_itimer[i].interval;
    if (set) {
        if (dl)
            WRITE_ONCE(g->cpu_timers_armed, g->cpu_timers_armed - 1);
        /* as Linux, a tick more: the tick that checks it may come late */
        g->cpu_itimer[i].deadline = value_ns ? now[i] + value_ns + TICK_NS : 0;
        g->cpu_itimer[i].interval = value_ns ? interval_ns : 0;
        if (value_ns) {
            WRITE_ONCE(g->cpu_timers_armed, g->cpu_timers_armed + 1);
            sched_tick_needed();
        }
    }
    spin_unlock(&g->timers_lock);
}

void posix_cpu_timers_tick(struct task *cur)
{
    struct thread_group *g = cur->group;
    if (!READ_ONCE(g->cpu_timers_armed))
        return;
    spin_lock(&g->timers_lock);
    cpu_itimers_tick(g);
    list_for_each(n, &g->posix_timers) {
        struct k_itimer *k = container_of(n, struct k_itimer, node);
        uint64_t dl = k->cpu_deadline;
        if (!dl || (k->clock == CLOCK_THREAD_CPUTIME_ID && k->cpu_thread != cur->pid))
            continue;
        uint64_t now = cpu_now(k);
        if (now < dl)
            continue;
        uint64_t missed = 0;
        if (k->interval_ns) {
            missed = (now - dl) / k->interval_ns;
            k->cpu_deadline = dl + (missed + 1) * k->interval_ns;
        } else {
            k->cpu_deadline = 0;
            WRITE_ONCE(g->cpu_timers_armed, g->cpu_timers_armed - 1);
        }
        expire(k, missed);
    }
    spin_unlock(&g->timers_lock);
}


void posix_timer_taken(struct thread_group *g, siginfo_t *info)
{
    spin_assert_held(&g->sig_lock);
    list_for_each(n, &g->posix_timers) {
        struct k_itimer *k = container_of(n, struct k_itimer, node);
        if (k->id == info->u.timer.tid && k->sig_queued) {
            k->sig_queued = false;
            k->overrun_last = k->overrun;
            k->overrun = 0;
            info->u.timer.overrun = k->overrun_last;
            return;
        }
    }
}

/* The timer `id` of the caller's process, or NULL.  timers_lock held. */
static struct k_itimer *find(struct thread_group *g, int id)
{
    list_for_each(n, &g->posix_timers) {
        struct k_itimer *k = container_of(n, struct k_itimer, node);
        if (k->id == id)
            return k;
    }
    return NULL;
}

static int check_clock(int clk)
{
    switch (clk) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI:
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        return 0;
    case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;             /* including other processes' CPU clocks */
    }
}

/* Disarms k (waiting for a running expiry).  timers_lock held. */
static void disarm(struct k_itimer *k)
{
    struct thread_group *g = k->group;
    hrtimer_cancel(&k->timer);
    if (k->cpu_deadline) {
        k->cpu_deadline = 0;
        WRITE_ONCE(g->cpu_timers_armed, g->cpu_timers_armed - 1);
    }
}

/* Unlinks and frees k.  timers_lock held. */
static void destroy(struct k_itimer *k)
{
    struct thread_group *g = k->group;
    disarm(k);
    spin_lock(&g->sig_lock);
    list_remove(&k->node);
    spin_unlock(&g->sig_lock);
    kfree(k);
}

static long timer_delete_id(int id)
{
    struct thread_group *g = current->group;
    spin_lock(&g->timers_lock);
    struct k_itimer *k = find(g, id);
    if (k)
        destroy(k);
    spin_unlock(&g->timers_lock);
    return k ? 0 : -EINVAL;
}

static long sys_timer_create(int clk, const struct ksigevent __user *uev, int __user *uid)
{
    struct task *cur = current;
    struct thread_group *g = cur->group;
    int err = check_clock(clk);
    if (err)
        return err;
    struct ksigevent ev = { 0 };
    if (uev) {
        if (copy_from_user(&ev, uev, sizeof ev))
            return -EFAULT;
        switch (ev.notify) {
        case SIGEV_NONE:
            break;
        case SIGEV_THREAD_ID: {
            spin_lock(&tasks_lock);
            struct task *t = task_find(ev.tid);
            bool ours = t && t->group == g;
            spin_unlock(&tasks_lock);
            if (!ours)
                return -EINVAL;
        }
            __attribute__((fallthrough));
        case SIGEV_SIGNAL:
        case SIGEV_THREAD:
            if (ev.signo <= 0 || ev.signo >= NSIG)
                return -EINVAL;
            break;
        default:
            return -EINVAL;
        }
    }
    struct k_itimer *k = kzalloc(sizeof *k);
    if (!k)
        return -EAGAIN;
    k->group = g;
    k->clock = clk;
    k->notify = uev ? ev.notify : SIGEV_SIGNAL;
    k->signo = uev ? ev.signo : SIGALRM;
    k->tid = ev.tid;
    k->cpu_thread = cur->pid;
    hrtimer_init(&k->timer, timer_fn);
    spin_lock(&g->timers_lock);
    k->id = g->next_timer_id++;
    k->value = uev ? ev.value : (uint64_t)k->id;    /* no sigevent: the id is the value */
    spin_lock(&g->sig_lock);
    list_push_back(&g->posix_timers, &k->node);
    spin_unlock(&g->sig_lock);
    spin_unlock(&g->timers_lock);
    if (put_user(k->id, uid)) {
        timer_delete_id(k->id);
        return -EFAULT;
    }
    return 0;
}
SYSCALL_DEFINE(222, timer_create);

static uint64_t ts_ns(struct kts t) { return (uint64_t)t.sec * NSEC_PER_SEC + (uint64_t)t.nsec; }
static struct kts ns_ts(uint64_t ns) { return (struct kts){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) }; }
static bool ts_ok(struct kts t) { return t.sec >= 0 && t.nsec >= 0 && t.nsec < (int64_t)NSEC_PER_SEC; }

/* What is left and the interval.  timers_lock held. */
static struct kitimerspec value_of(struct k_itimer *k)
{
    uint64_t left = 0;
    if (is_cpu_clock(k->clock)) {
        uint64_t dl = k->cpu_deadline, now = dl ? cpu_now(k) : 0;
        left = dl > now ? dl - now : (dl ? 1 : 0);
    } else if (hrtimer_pending(&k->timer)) {
        uint64_t dl = READ_ONCE(k->timer.soft_ns), now = time_ns();
        left = dl > now ? dl - now : 1;     /* due but not run: the least value, not 0 */
    }
    return (struct kitimerspec){ ns_ts(k->interval_ns), ns_ts(left) };
}

static long sys_timer_settime(int id, int flags, const struct kitimerspec __user *unew, struct kitimerspec __user *uold)
{
    struct thread_group *g = current->group;
    struct kitimerspec n;
    if (!unew)
        return -EINVAL;                 /* as Linux: no new value is EINVAL, not EFAULT */
    if (copy_from_user(&n, unew, sizeof n))
        return -EFAULT;
    if (!ts_ok(n.value) || !ts_ok(n.interval))
        return -EINVAL;
    spin_lock(&g->timers_lock);
    struct k_itimer *k = find(g, id);
    if (!k) {
        spin_unlock(&g->timers_lock);
        return -EINVAL;
    }
    struct kitimerspec old = value_of(k);
    disarm(k);
    uint64_t value = ts_ns(n.value);
    WRITE_ONCE(k->interval_ns, value ? ts_ns(n.interval) : 0);
    if (value) {
        uint64_t now = clock_now(k);
        uint64_t at = (flags & TIMER_ABSTIME) ? value : now + value;
        if (is_cpu_clock(k->clock)) {
            k->cpu_deadline = at ? at : 1;
            WRITE_ONCE(g->cpu_timers_armed, g->cpu_timers_armed + 1);
            sched_tick_needed();        /* checked by this CPU's tick */
        } else if (is_wall_clock(k->clock) && ((flags & TIMER_ABSTIME) || k->clock == CLOCK_TAI)) {
            /* on the wall clock, which setting it moves (Linux: an absolute
             * CLOCK_REALTIME timer, and any CLOCK_TAI one) */
            hrtimer_start_wall(&k->timer, at);
        } else {
            /* the same distance on time_ns() (a relative CLOCK_REALTIME
             * timer is a CLOCK_MONOTONIC one to Linux too) */
            uint64_t mono = time_ns();
            uint64_t left = at > now ? at - now : 0;
            hrtimer_start(&k->timer, left > UINT64_MAX - mono ? UINT64_MAX : mono + left);
        }
    }
    spin_unlock(&g->timers_lock);
    if (uold && copy_to_user(uold, &old, sizeof old))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(223, timer_settime);

static long sys_timer_gettime(int id, struct kitimerspec __user *ucur)
{
    struct thread_group *g = current->group;
    spin_lock(&g->timers_lock);
    struct k_itimer *k = find(g, id);
    struct kitimerspec v = k ? value_of(k) : (struct kitimerspec){ { 0, 0 }, { 0, 0 } };
    spin_unlock(&g->timers_lock);
    if (!k)
        return -EINVAL;
    return copy_to_user(ucur, &v, sizeof v);
}
SYSCALL_DEFINE(224, timer_gettime);

static long sys_timer_getoverrun(int id)
{
    struct thread_group *g = current->group;
    spin_lock(&g->timers_lock);
    struct k_itimer *k = find(g, id);
    long r = -EINVAL;
    if (k) {
        spin_lock(&g->sig_lock);
        r = k->overrun_last;
        spin_unlock(&g->sig_lock);
    }
    spin_unlock(&g->timers_lock);
    return r;
}
SYSCALL_DEFINE(225, timer_getoverrun);

static long sys_timer_delete(int id) { return timer_delete_id(id); }
SYSCALL_DEFINE(226, timer_delete);

void posix_timers_exit(struct thread_group *g)
{
    spin_lock(&g->timers_lock);
    while (!list_empty(&g->posix_timers))
        destroy(list_first_entry(&g->posix_timers, struct k_itimer, node));
    spin_unlock(&g->timers_lock);
}

void posix_timers_init(struct thread_group *g)
{
    spin_init(&g->timers_lock, "posix_timers");
    list_init(&g->posix_timers);
}
