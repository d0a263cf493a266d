/*
 * timerfd_create(283), timerfd_settime(286), timerfd_gettime(287): a timer
 * whose expirations are read from a descriptor.
 *
 * The timer counts on its clock (CLOCK_REALTIME, CLOCK_MONOTONIC,
 * CLOCK_BOOTTIME, and their _ALARM variants for CAP_WAKE_ALARM); a
 * high-resolution timer (<kernel/hrtimer.h>) is armed for the same moment
 * on time_ns().
 * When it fires, `ticks` (the expirations not yet read) grows by one and
 * the timer is not re-armed, as Linux: an interval timer is moved on by
 * whole intervals only when read or asked for its time (forward), which
 * adds the intervals that passed meanwhile, so a short interval costs no
 * interrupt per period.  A read takes the count as 8 bytes (EINVAL for a
 * shorter buffer) and leaves 0; with nothing to read it waits, or EAGAIN
 * with O_NONBLOCK.  Readable while ticks is above 0.
 *
 * A CLOCK_REALTIME timer set with TFD_TIMER_ABSTIME counts on the wall
 * clock (a wall-clock hrtimer), so setting the clock moves it: set forward
 * past it, it fires at once; set back, later.  A relative one counts on
 * time_ns() from the moment it is set, and setting the clock does not move
 * it (Linux's hrtimer turns a relative CLOCK_REALTIME timer into a
 * CLOCK_MONOTONIC one).  One set with TFD_TIMER_ABSTIME |
 * TFD_TIMER_CANCEL_ON_SET is also cancelled by setting the clock: it
 * becomes readable, and the next read fails with ECANCELED and takes the
 * expirations counted; the timer itself stays armed.
 *
 * Locking: `lock` protects everything below it.  The timer's function
 * takes it, so the timer is armed (hrtimer_rearm, which does not wait for
 * a running function) with it held, and cancelled synchronously (release)
 * without it.  The timerfds that may be cancelled are on cancel_list,
 * under cancel_lock ("timerfd_cancel", taken before a timerfd's lock).
 */
#include <fs/poll.h>
#include <fs/timerfd.h>
#include <fs/vfs.h>
#include <kernel/hrtimer.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/signal.h>
#include <uapi/time.h>

#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CAP_WAKE_ALARM 35
#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

struct k_itimerspec {
    int64_t interval_sec, interval_nsec;
    int64_t value_sec, value_nsec;
};

struct timerfd {
    struct list_node cancel_node;   /* on cancel_list while might_cancel */
    bool might_cancel;              /* under cancel_lock: CANCEL_ON_SET armed */
    struct spinlock lock;
    bool realtime;                  /* immutable: a wall-clock clock */
    bool wall;                      /* armed on the wall clock (absolute, realtime) */
    bool canceled;                  /* the clock was set since: read gives ECANCELED */
    bool armed;                     /* expires is meaningful */
    bool expired;                   /* fired since last moved on */
    uint64_t expires;               /* next expiration, on the timer's clock */
    uint64_t interval;              /* 0: one-shot */
    uint64_t ticks;                 /* expirations not yet read */
    struct hrtimer timer;
    struct waitq wait;
};

static struct superblock timerfd_sb = ANON_SUPERBLOCK("timerfd");

static struct spinlock cancel_lock = SPINLOCK_INIT("timerfd_cancel");
static struct list_node cancel_list = LIST_INIT(cancel_list);

/* The clock `expires` is on: the wall clock, or time_ns(). */
static uint64_t clock_now(const struct timerfd *t) { return t->wall ? time_realtime_ns() : time_ns(); }

/* Arms the kernel timer for t->expires.  Caller holds t->lock. */
static void arm_locked(struct timerfd *t)
{
    if (t->wall)
        hrtimer_rearm_wall(&t->timer, t->expires);
    else
        hrtimer_rearm(&t->timer, t->expires);
}

void timerfd_clock_was_set(void)
{
    spin_lock(&cancel_lock);
    list_for_each(n, &cancel_list) {
        struct timerfd *t = container_of(n, struct timerfd, cancel_node);
        spin_lock(&t->lock);
        t->canceled = true;
        t->ticks++;
        spin_unlock(&t->lock);
        waitq_wake_all(&t->wait);
    }
    spin_unlock(&cancel_lock);
}

/* On or off cancel_list, as the settime flags say (Linux: absolute, with
 * TFD_TIMER_CANCEL_ON_SET, on a CLOCK_REALTIME clock). */
static void setup_cancel(struct timerfd *t, bool might)
{
    spin_lock(&cancel_lock);
    if (might && !t->might_cancel)
        list_push_back(&cancel_list, &t->cancel_node);
    else if (!might && t->might_cancel)
        list_remove(&t->cancel_node);
    t->might_cancel = might;
    spin_lock(&t->lock);
    t->canceled = false;
    spin_unlock(&t->lock);
    spin_unlock(&cancel_lock);
}

static enum hrtimer_restart timerfd_fire(struct hrtimer *k)
{
    struct timerfd *t = container_of(k, struct timerfd, timer);
    spin_lock(&t->lock);
    if (!t->armed || t->expired) {          /* disarmed or reset meanwhile */
        spin_unlock(&t->lock);
        return HRTIMER_NORESTART;
    }
    if (clock_now(t) < t->expires) {        /* the wall clock went back, or set again */
        arm_locked(t);
        spin_unlock(&t->lock);
        return HRTIMER_NORESTART;
    }
    t->expired = true;
    t->ticks++;
    if (!t->interval)
        t->armed = false;
    spin_unlock(&t->lock);
    waitq_wake_all(&t->wait);
    return HRTIMER_NORESTART;
}

/* An expired interval timer moves on past now, its missed expirations
 * added to ticks (the one that fired is counted already), and is armed
 * again.  Caller holds t->lock. */
static void forward_locked(struct timerfd *t)
{
    if (!t->expired || !t->interval)
        return;
    uint64_t now = clock_now(t);
    uint64_t n = 1;
    if (now >= t->expires)
        n = (now - t->expires) / t->interval + 1;
    t->expires += n * t->interval;
    t->ticks += n - 1;
    t->expired = false;
    arm_locked(t);
}

static struct k_itimerspec value_locked(struct timerfd *t)
{
    uint64_t now = clock_now(t);
    uint64_t left = t->armed && t->expires > now ? t->expires - now : 0;
    return (struct k_itimerspec){
        (int64_t)(t->interval / NSEC_PER_SEC), (int64_t)(t->interval % NSEC_PER_SEC),
        (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC),
    };
}

static ssize_t timerfd_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct timerfd *t = f->private_data;
    if (len < sizeof(uint64_t))
        return -EINVAL;
    uint64_t ticks;
    for (;;) {
        spin_lock(&t->lock);
        if (t->canceled) {          /* the clock was set: the count means nothing */
            t->canceled = false;
            t->ticks = 0;
            t->expired = false;
            spin_unlock(&t->lock);
            return -ECANCELED;
        }
        ticks = t->ticks;
        if (ticks) {
            t->ticks = 0;
            if (t->expired && t->interval) {
                forward_locked(t);
                ticks += t->ticks;
                t->ticks = 0;
            }
            t->expired = false;
        }
        spin_unlock(&t->lock);
        if (ticks)
            break;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        int err = wait_event_interruptible(t->wait, READ_ONCE(t->ticks) != 0);
        if (err)
            return err;
    }
    return iob_copy_to(buf, 0, &ticks, sizeof(ticks)) ? -EFAULT : (ssize_t)sizeof(ticks);
}

static unsigned int timerfd_poll(struct file *f, struct poll_table *pt)
{
    struct timerfd *t = f->private_data;
    poll_wait(pt, &t->wait);
    return READ_ONCE(t->ticks) ? POLLIN : 0;
}

static void timerfd_release(struct file *f)
{
    struct timerfd *t = f->private_data;
    setup_cancel(t, false);
    spin_lock(&t->lock);
    t->armed = false;               /* a running timer function re-arms nothing */
    spin_unlock(&t->lock);
    hrtimer_cancel(&t->timer);
    kfree(t);
}

static const struct file_ops timerfd_fops = {
    .read = timerfd_read,
    .poll = timerfd_poll,
    .lseek = noop_lseek,
    .release = timerfd_release,
};

static long sys_timerfd_create(long clockid, long flags)
{
    if ((flags & ~(long)(TFD_CLOEXEC | TFD_NONBLOCK)) ||
        (clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME && clockid != CLOCK_REALTIME_ALARM &&
         clockid != CLOCK_BOOTTIME && clockid != CLOCK_BOOTTIME_ALARM))
        return -EINVAL;
    if ((clockid == CLOCK_REALTIME_ALARM || clockid == CLOCK_BOOTTIME_ALARM) && !capable(CAP_WAKE_ALARM))
        return -EPERM;
    struct timerfd *t = kzalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    spin_init(&t->lock, "timerfd");
    t->realtime = clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_ALARM;
    hrtimer_init(&t->timer, timerfd_fire);
    waitq_init(&t->wait);
    return anon_fd_install(&timerfd_sb, &timerfd_fops, t, (int)flags);
}
SYSCALL_DEFINE(283, timerfd_create);

/* The timerfd behind fd, its file referenced in *fp: EBADF, or EINVAL for
 * another kind of file. */
static long timerfd_lookup(long fd, struct file **fp)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    if (f->ops != &timerfd_fops) {
        file_put(f);
        return -EINVAL;
    }
    *fp = f;
    return 0;
}

static bool ts_valid(int64_t sec, int64_t nsec) { return sec >= 0 && nsec >= 0 && nsec < (int64_t)NSEC_PER_SEC; }

static uint64_t ts_ns(int64_t sec, int64_t nsec)
{
    if ((uint64_t)sec >= INT64_MAX / NSEC_PER_SEC)
        return INT64_MAX;           /* as Linux's KTIME_MAX: never */
    return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

static long sys_timerfd_settime(long fd, long flags, const struct k_itimerspec __user *unew,
                                struct k_itimerspec __user *uold)
{
    struct k_itimerspec n, old;
    if (copy_from_user(&n, unew, sizeof(n)))
        return -EFAULT;
    if ((flags & ~(long)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) || !ts_valid(n.value_sec, n.value_nsec) ||
        !ts_valid(n.interval_sec, n.interval_nsec))
        return -EINVAL;
    struct file *f;
    long err = timerfd_lookup(fd, &f);
    if (err)
        return err;
    struct timerfd *t = f->private_data;
    uint64_t value = ts_ns(n.value_sec, n.value_nsec);
    bool abs = flags & TFD_TIMER_ABSTIME;
    setup_cancel(t, abs && (flags & TFD_TIMER_CANCEL_ON_SET) && t->realtime);
    spin_lock(&t->lock);
    forward_locked(t);              /* the old value names the next expiration */
    old = value_locked(t);
    t->ticks = 0;
    t->expired = false;
    t->interval = ts_ns(n.interval_sec, n.interval_nsec);
    t->armed = value != 0;
    t->wall = t->realtime && abs;
    if (t->armed) {
        uint64_t now = clock_now(t);
        t->expires = abs ? value : value > UINT64_MAX - now ? UINT64_MAX : now + value;
        arm_locked(t);
    } else {
        hrtimer_try_cancel(&t->timer);
    }
    spin_unlock(&t->lock);
    file_put(f);
    if (uold && copy_to_user(uold, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(286, timerfd_settime);

static long sys_timerfd_gettime(long fd, struct k_itimerspec __user *ucur)
{
    struct file *f;
    long err = timerfd_lookup(fd, &f);
    if (err)
        return err;
    struct timerfd *t = f->private_data;
    spin_lock(&t->lock);
    forward_locked(t);
    struct k_itimerspec cur = value_locked(t);
    spin_unlock(&t->lock);
    file_put(f);
    return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
SYSCALL_DEFINE(287, timerfd_gettime);
