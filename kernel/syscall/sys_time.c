/*
 * Time system calls: clocks, sleeping and process times.  There is no vDSO,
 * so libc reaches these through real system calls.
 */
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/uaccess.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <proc/task.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

struct kts {
    int64_t sec, nsec;
};

static uint64_t boot_realtime_ns;       /* wall clock at time_ns() == 0 */

uint64_t time_realtime_ns(void) { return boot_realtime_ns + time_ns(); }

/* CMOS RTC, read once at boot (UTC). */
static uint8_t cmos(uint8_t reg)
{
    extern void cmos_select(uint8_t);
    extern uint8_t cmos_data(void);
    cmos_select(reg);
    return cmos_data();
}

static int bcd(int v) { return (v & 15) + (v >> 4) * 10; }

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void time_init(void)
{
    while (cmos(0x0a) & 0x80)
        ;
    int sec = cmos(0), min = cmos(2), hour = cmos(4), day = cmos(7), mon = cmos(8), year = cmos(9);
    if (!(cmos(0x0b) & 4)) {
        sec = bcd(sec); min = bcd(min); hour = bcd(hour & 0x7f); day = bcd(day); mon = bcd(mon); year = bcd(year);
    }
    int64_t days = days_from_civil(2000 + year, mon, day);
    uint64_t epoch = (uint64_t)(days * 86400 + hour * 3600 + min * 60 + sec);
    boot_realtime_ns = epoch * NSEC_PER_SEC - time_ns();
}

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
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        return time_realtime_ns();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return time_ns();
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

long sys_clock_gettime(int clk, struct kts __user *ts)
{
    bool ok;
    uint64_t ns = clock_ns(clk, &ok);
    if (!ok)
        return -EINVAL;
    struct kts k = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
    return copy_to_user(ts, &k, sizeof k);
}
SYSCALL_DEFINE(228, clock_gettime);

long sys_clock_getres(int clk, struct kts __user *ts)
{
    bool ok;
    clock_ns(clk, &ok);
    if (!ok)
        return -EINVAL;
    struct kts k = { 0, 1 };
    return ts ? copy_to_user(ts, &k, sizeof k) : 0;
}
SYSCALL_DEFINE(229, clock_getres);

long sys_gettimeofday(struct kts __user *tv, void __user *tz)
{
    if (tv) {
        uint64_t ns = time_realtime_ns();
        struct kts k = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) };
        if (copy_to_user(tv, &k, sizeof k))
            return -EFAULT;
    }
    if (tz) {
        int z[2] = { 0, 0 };
        if (copy_to_user(tz, z, sizeof z))
            return -EFAULT;
    }
    return 0;
}
SYSCALL_DEFINE(96, gettimeofday);

long sys_time(int64_t __user *t)
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

long sys_nanosleep(const struct kts __user *req, struct kts __user *rem)
{
    struct kts k;
    if (copy_from_user(&k, req, sizeof k))
        return -EFAULT;
    if (k.sec < 0 || k.nsec < 0 || k.nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    return sleep_until(time_ns() + (uint64_t)k.sec * NSEC_PER_SEC + k.nsec, true, rem);
}
SYSCALL_DEFINE(35, nanosleep);

long sys_clock_nanosleep(int clk, int flags, const struct kts __user *req, struct kts __user *rem)
{
    struct kts k;
    if (copy_from_user(&k, req, sizeof k))
        return -EFAULT;
    if (k.sec < 0 || k.nsec < 0 || k.nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    bool ok;
    uint64_t now = clock_ns(clk, &ok);
    if (!ok || clk == CLOCK_THREAD_CPUTIME_ID)
        return -EINVAL;
    uint64_t want = (uint64_t)k.sec * NSEC_PER_SEC + k.nsec;
    uint64_t delta = (flags & TIMER_ABSTIME) ? (want > now ? want - now : 0) : want;
    bool relative = !(flags & TIMER_ABSTIME);
    return sleep_until(time_ns() + delta, relative, relative ? rem : NULL);
}
SYSCALL_DEFINE(230, clock_nanosleep);

struct ktms {
    int64_t utime, stime, cutime, cstime;
};

long sys_times(struct ktms __user *buf)
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

struct rusage_k;
void fill_rusage(struct rusage_k *ru, uint64_t utime_ns, uint64_t stime_ns, const struct task_stats *s);
void fill_rusage_children(struct rusage_k *ru, const struct task_stats *s);

/* getrusage: RUSAGE_SELF the whole process, RUSAGE_THREAD the caller,
 * RUSAGE_CHILDREN the reaped descendants. */
long sys_getrusage(int who, void __user *uru)
{
    uint64_t ru[18];
    struct task_stats st;
    spin_lock(&tasks_lock);
    if (who == 1 /* THREAD */)
        task_usage(current, &st);
    else
        process_usage_locked(current, &st);
    spin_unlock(&tasks_lock);
    if (who == 0 /* SELF */ || who == 1 /* THREAD */)
        fill_rusage((struct rusage_k *)ru, st.utime_ns, st.stime_ns, &st);
    else if (who == -1 /* CHILDREN */)
        fill_rusage_children((struct rusage_k *)ru, &st);
    else
        return -EINVAL;
    return copy_to_user(uru, ru, sizeof ru);
}
SYSCALL_DEFINE(98, getrusage);
