/*
 * Time system calls: clocks, sleeping and process times.  The clocks that
 * are the TSC plus an offset (TIME_TSC_CLOCKS) are also described on the vDSO's
 * data page (publish_clocks), so libc reads them without a system call; the
 * wall clock's offset and the time zone change with settimeofday and
 * clock_settime, which publish them again.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <fs/timerfd.h>
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/vdso.h>
#include <kernel/wait.h>
#include <lib/string.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <uapi/time.h>

struct kts {
    int64_t sec, nsec;
};

/* A CPU-time clock of another thread or process, as clock_getcpuclockid
 * and pthread_getcpuclockid encode them: ~id << 3, bit 2 for a thread,
 * the low two bits the kind (all three read as scheduler time here). */
static uint64_t cpu_clock_ns(int clk, bool *ok)
{
    pid_t id = ~(clk >> 3);
    bool thread = clk & 4;
    *ok = false;
    if ((clk & 3) == 3 || id <= 0)
        return 0;
    spin_lock(&tasks_lock);
    struct task *t = task_find(id);
    uint64_t ns = 0;
    if (t && (thread ? t->state != TASK_ZOMBIE : task_is_leader(t) && !t->group->ended)) {
        *ok = true;
        ns = thread ? task_cpu_ns(t) : process_cpu_ns_locked(t);
    }
    spin_unlock(&tasks_lock);
    return ns;
}

static uint64_t clock_ns(int clk, bool *ok)
{
    struct task *t = current;
    *ok = true;
    if ((unsigned)clk < 32 && (TIME_TSC_CLOCKS >> clk & 1))
        return TIME_WALL_CLOCKS >> clk & 1 ? time_realtime_ns() : time_ns();
    switch (clk) {
    case CLOCK_THREAD_CPUTIME_ID:
        return task_cpu_ns(t);
    case CLOCK_PROCESS_CPUTIME_ID: {
        spin_lock(&tasks_lock);
        uint64_t ns = process_cpu_ns_locked(t);
        spin_unlock(&tasks_lock);
        return ns;
    }
    default:
        return clk < 0 ? cpu_clock_ns(clk, ok) : (*ok = false, 0);
    }
}

static long sys_clock_gettime(int clk, struct kts __user *ts)
{
    bool ok;
    uint64_t ns = clock_ns(clk, &ok);
    if (!ok)
        return -EINVAL;
    struct kts k = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
    return copy_to_user(ts, &k, sizeof k);
}
SYSCALL_DEFINE(228, clock_gettime);

static long sys_clock_getres(int clk, struct kts __user *ts)
{
    bool ok;
    clock_ns(clk, &ok);
    if (!ok)
        return -EINVAL;
    struct kts k = { 0, TIME_RES_NS };
    return ts ? copy_to_user(ts, &k, sizeof k) : 0;
}
SYSCALL_DEFINE(229, clock_getres);

/* A time the wall clock may be set to (Linux's timespec64_valid_settod)? */
static bool settod_valid(const struct kts *k)
{
    return k->sec >= 0 && k->nsec >= 0 && k->nsec < (int64_t)NSEC_PER_SEC &&
           (uint64_t)k->sec < UINT64_MAX / NSEC_PER_SEC - 1;
}

/* Sets the wall clock: as on Linux, not before the moment of boot (EINVAL). */
static long set_realtime(const struct kts *k)
{
    long r = time_set_realtime((uint64_t)k->sec * NSEC_PER_SEC + (uint64_t)k->nsec);
    if (r == 0) {
        vdso_publish_clocks();
        timerfd_clock_was_set();    /* TFD_TIMER_CANCEL_ON_SET timers: ECANCELED */
    }
    return r;
}

/* Only the wall clock can be set (CAP_SYS_TIME); the CPU-time clocks never
 * (EPERM).  Linux's order of checks. */
static long sys_clock_settime(int clk, const struct kts __user *ts)
{
    bool ok;
    clock_ns(clk, &ok);
    if (!ok || (clk != CLOCK_REALTIME && clk >= 0 && clk != CLOCK_PROCESS_CPUTIME_ID && clk != CLOCK_THREAD_CPUTIME_ID))
        return -EINVAL;
    struct kts k;
    if (copy_from_user(&k, ts, sizeof k))
        return -EFAULT;
    if (clk != CLOCK_REALTIME)
        return -EPERM;
    if (!settod_valid(&k))
        return -EINVAL;
    return capable(CAP_SYS_TIME) ? set_realtime(&k) : -EPERM;
}
SYSCALL_DEFINE(227, clock_settime);

static long sys_settimeofday(const struct kts __user *tv, const void __user *tz)
{
    struct kts k;
    struct { int32_t minuteswest, dsttime; } z;
    if (tv && copy_from_user(&k, tv, sizeof k))
        return -EFAULT;
    if (tz && copy_from_user(&z, tz, sizeof z))
        return -EFAULT;
    if (tv) {
        if (k.nsec < 0 || k.nsec >= 1000000)
            return -EINVAL;
        k.nsec *= 1000;             /* microseconds */
        if (!settod_valid(&k))
            return -EINVAL;
    }
    if (!capable(CAP_SYS_TIME))
        return -EPERM;
    if (tz) {
        if (z.minuteswest > 15 * 60 || z.minuteswest < -15 * 60)
            return -EINVAL;
        time_set_tz(z.minuteswest, z.dsttime);
        vdso_publish_clocks();
    }
    return tv ? set_realtime(&k) : 0;
}
SYSCALL_DEFINE(164, settimeofday);

static long sys_gettimeofday(struct kts __user *tv, void __user *tz)
{
    if (tv) {
        uint64_t ns = time_realtime_ns();
        struct kts k = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) };
        if (copy_to_user(tv, &k, sizeof k))
            return -EFAULT;
    }
    if (tz) {
        int32_t z[2];
        time_get_tz(&z[0], &z[1]);
        if (copy_to_user(tz, z, sizeof z))
            return -EFAULT;
    }
    return 0;
}
SYSCALL_DEFINE(96, gettimeofday);

static long sys_time(int64_t __user *t)
{
    int64_t s = (int64_t)(time_realtime_ns() / NSEC_PER_SEC);
    if (t && copy_to_user(t, &s, sizeof s))
        return -EFAULT;
    return s;
}
SYSCALL_DEFINE(201, time);

static long sleep_restart(void);

/* Sleeps until the monotonic deadline.  A signal ends the sleep early: a
 * relative sleep stores the time left in *rem and, if no handler runs (a
 * stop and continue), goes on through restart_syscall (sleep_restart) to
 * the same deadline, as Linux; an absolute one is simply restarted.  With a handler the call fails with EINTR. */
static long sleep_until(uint64_t deadline, bool relative, struct kts __user *rem)
{
    struct task *t = current;
    while (time_ns() < deadline) {
        if (signal_pending(t)) {
            if (!relative)
                return -ERESTARTNOHAND;
            uint64_t left = deadline - time_ns();
            struct kts k = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC) };
            if (rem && copy_to_user(rem, &k, sizeof k))
                return -EFAULT;
            t->restart.fn = sleep_restart;
            t->restart.arg[0] = deadline;
            t->restart.arg[1] = (uint64_t)rem;
            return -ERESTART_RESTARTBLOCK;
        }
        t->state = TASK_BLOCKED;        /* before the check: a signal now wakes us */
        if (!signal_pending(t))
            schedule_until(deadline);
        t->state = TASK_RUNNING;
    }
    return 0;
}

static long sleep_restart(void)
{
    struct task *t = current;
    return sleep_until(t->restart.arg[0], true, (struct kts __user *)t->restart.arg[1]);
}

/* Sleeps until the wall clock reads `want`, however it is set meanwhile.
 * A signal restarts it (absolute), as sleep_until. */
static long sleep_until_wall(uint64_t want)
{
    struct task *t = current;
    struct wait_entry w;
    long r = 0;
    for (;;) {
        clock_set_prepare_wait(&w);
        uint64_t now = time_realtime_ns();
        if (now >= want)
            break;
        if (signal_pending(t)) {
            r = -ERESTARTNOHAND;
            break;
        }
        uint64_t mono = time_ns(), left = want - now;
        schedule_until(left > UINT64_MAX - mono ? UINT64_MAX : mono + left);
    }
    clock_set_finish_wait(&w);
    return r;
}

static long sys_nanosleep(const struct kts __user *req, struct kts __user *rem)
{
    struct kts k;
    if (copy_from_user(&k, req, sizeof k))
        return -EFAULT;
    if (k.sec < 0 || k.nsec < 0 || k.nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    return sleep_until(time_ns() + (uint64_t)k.sec * NSEC_PER_SEC + k.nsec, true, rem);
}
SYSCALL_DEFINE(35, nanosleep);

/* Sleeps until the calling process has used `until` ns of CPU time: its
 * other threads advance that clock by at most the number of CPUs times
 * the wall time, so each wait is the remainder divided by that. */
static long cpu_clock_sleep(uint64_t until)
{
    for (;;) {
        bool ok;
        uint64_t now = clock_ns(CLOCK_PROCESS_CPUTIME_ID, &ok);
        if (now >= until)
            return 0;
        uint64_t step = (until - now) / (uint64_t)(ncpus > 0 ? ncpus : 1);
        long r = sleep_until(time_ns() + (step ? step : 1), false, NULL);
        if (r)
            return r == -ERESTARTNOHAND ? -EINTR : r;
    }
}

static long sys_clock_nanosleep(int clk, int flags, const struct kts __user *req, struct kts __user *rem)
{
    /* Linux's order: an unknown clock, a clock that cannot sleep, then the
     * request (a negative id names a CPU clock, checked after it is read) */
    switch (clk) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI:
    case CLOCK_PROCESS_CPUTIME_ID:
        break;
    case CLOCK_THREAD_CPUTIME_ID: case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
        return -EOPNOTSUPP;
    default:
        if (clk >= 0)
            return -EINVAL;
    }
    struct kts k;
    if (copy_from_user(&k, req, sizeof k))
        return -EFAULT;
    if (k.sec < 0 || k.nsec < 0 || k.nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    if (clk < 0)
        return -EINVAL;                 /* other processes' CPU clocks: not provided */
    bool ok;
    uint64_t now = clock_ns(clk, &ok);
    uint64_t want = (uint64_t)k.sec * NSEC_PER_SEC + k.nsec;
    bool relative = !(flags & TIMER_ABSTIME);
    if (clk == CLOCK_PROCESS_CPUTIME_ID)
        return cpu_clock_sleep(relative ? now + want : want);
    if (!relative && (clk == CLOCK_REALTIME || clk == CLOCK_TAI))
        return sleep_until_wall(want);  /* moved by setting the clock */
    uint64_t delta = relative ? want : (want > now ? want - now : 0);
    return sleep_until(time_ns() + delta, relative, relative ? rem : NULL);
}
SYSCALL_DEFINE(230, clock_nanosleep);

struct ktms {
    int64_t utime, stime, cutime, cstime;
};

static long sys_times(struct ktms __user *buf)
{
    struct task_stats st;
    spin_lock(&tasks_lock);
    process_usage_locked(current, &st);
    spin_unlock(&tasks_lock);
    const struct task_stats *s = &st;
    struct ktms k = { (int64_t)(s->utime_ns / 10000000), (int64_t)(s->stime_ns / 10000000),
                      (int64_t)(s->cutime_ns / 10000000), (int64_t)(s->cstime_ns / 10000000) };
    if (buf && copy_to_user(buf, &k, sizeof k))
        return -EFAULT;
    return (long)(time_ns() / 10000000);
}
SYSCALL_DEFINE(100, times);

/* getrusage: RUSAGE_SELF the whole process, RUSAGE_THREAD the caller,
 * RUSAGE_CHILDREN the reaped descendants. */
static long sys_getrusage(int who, void __user *uru)
{
    struct rusage_k ru;
    struct task_stats st;
    spin_lock(&tasks_lock);
    if (who == 1 /* THREAD */)
        task_usage(current, &st);
    else
        process_usage_locked(current, &st);
    spin_unlock(&tasks_lock);
    if (who == 0 /* SELF */ || who == 1 /* THREAD */)
        fill_rusage(&ru, st.utime_ns, st.stime_ns, &st);
    else if (who == -1 /* CHILDREN */)
        fill_rusage_children(&ru, &st);
    else
        return -EINVAL;
    return copy_to_user(uru, &ru, sizeof ru);
}
SYSCALL_DEFINE(98, getrusage);
