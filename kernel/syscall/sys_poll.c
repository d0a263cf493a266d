/*
 * poll(7), ppoll(271), select(23), pselect6(270): argument conversion around
 * the poll engine (kernel/fs/poll.c); and epoll's calls, epoll_create(213),
 * epoll_create1(291), epoll_ctl(233), epoll_wait(232), epoll_pwait(281) and
 * epoll_pwait2(441), around kernel/fs/eventpoll.c, in Linux's order of
 * checks.
 *
 * Timeouts become an absolute time_ns() deadline.  select and the p-variants
 * write the remaining time back, as Linux does.  ppoll and pselect6 install
 * the caller's signal mask for the duration of the wait; when a signal ends
 * the wait the old mask is parked in saved_mask, so the handler runs with the
 * temporary mask and the old one returns afterwards (like rt_sigsuspend).
 *
 * poll and select return -ERESTARTSYS when interrupted (restarted after a
 * SA_RESTART handler; select re-reads its updated timeout); ppoll and
 * pselect6 return -EINTR, since their mask swap must not be repeated.
 * The epoll waits return -EINTR whatever the handler's SA_RESTART says, as
 * Linux.
 */
#include <fs/eventpoll.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/signal.h>

struct k_timespec { int64_t tv_sec, tv_nsec; };
struct k_timeval { int64_t tv_sec, tv_usec; };

/* Deadline from a relative timeout in ns (negative = forever). */
static uint64_t deadline_after(int64_t ns)
{
    if (ns < 0)
        return 0;
    if (ns == 0)
        return POLL_NO_WAIT;
    return time_ns() + (uint64_t)ns;
}

static int64_t remaining_ns(uint64_t deadline)
{
    if (deadline == 0 || deadline == POLL_NO_WAIT)
        return 0;
    uint64_t now = time_ns();
    return now >= deadline ? 0 : (int64_t)(deadline - now);
}

static long get_timespec(const void __user *uts, uint64_t *deadline)
{
    struct k_timespec ts;
    if (!uts) {
        *deadline = 0;
        return 0;
    }
    if (copy_from_user(&ts, uts, sizeof(ts)))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    if (ts.tv_sec > 100LL * 365 * 86400)   /* effectively forever */
        *deadline = 0;
    else
        *deadline = deadline_after(ts.tv_sec * (int64_t)NSEC_PER_SEC + ts.tv_nsec);
    return 0;
}

static void put_timespec_left(void __user *uts, uint64_t deadline)
{
    if (!uts || deadline == 0)
        return;
    int64_t left = remaining_ns(deadline);
    struct k_timespec ts = { left / (int64_t)NSEC_PER_SEC, left % (int64_t)NSEC_PER_SEC };
    copy_to_user(uts, &ts, sizeof(ts));   /* Linux ignores a failure here too */
}

/* ---- signal mask swap for ppoll/pselect6 ---- */

static long mask_install(const void __user *umask, size_t size, sigset_t *old, bool *swapped)
{
    *swapped = false;
    if (!umask)
        return 0;
    if (size != sizeof(sigset_t))
        return -EINVAL;
    sigset_t set;
    if (copy_from_user(&set, umask, sizeof(set)))
        return -EFAULT;
    set &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    struct task *t = current;
    spin_lock(&t->group->sig_lock);
    *old = t->blocked;
    t->blocked = set;
    spin_unlock(&t->group->sig_lock);
    *swapped = true;
    return 0;
}

/* Interrupted: keep the temporary mask until the handler has been set up. */
static void mask_restore(sigset_t old, bool swapped, long ret)
{
    if (!swapped)
        return;
    struct task *t = current;
    spin_lock(&t->group->sig_lock);
    if (ret == -EINTR) {
        t->saved_mask = old;
        t->restore_saved_mask = true;
    } else {
        t->blocked = old;
    }
    spin_unlock(&t->group->sig_lock);
}

/* ---- poll / ppoll ---- */

static long poll_common(struct pollfd __user *ufds, unsigned long nfds, uint64_t deadline)
{
    if (nfds > NR_OPEN_MAX)
        return -EINVAL;
    struct pollfd *fds = NULL;
    if (nfds) {
        fds = kmalloc(nfds * sizeof(*fds));
        if (!fds)
            return -ENOMEM;
        if (copy_from_user(fds, ufds, nfds * sizeof(*fds))) {
            kfree(fds);
            return -EFAULT;
        }
    }
    long ret = do_poll(fds, (unsigned)nfds, deadline);
    if (ret >= 0) {
        /* Only revents changes; write back the whole array. */
        if (nfds && copy_to_user(ufds, fds, nfds * sizeof(*fds)))
            ret = -EFAULT;
    }
    kfree(fds);
    return ret;
}

static long sys_poll(struct pollfd __user *ufds, unsigned long nfds, long timeout_ms)
{
    int ms = (int)timeout_ms;
    return poll_common(ufds, nfds, deadline_after(ms < 0 ? -1 : (int64_t)ms * (int64_t)NSEC_PER_MSEC));
}
SYSCALL_DEFINE(7, poll);

static long sys_ppoll(struct pollfd __user *ufds, unsigned long nfds, const void __user *uts,
               const void __user *umask, unsigned long sigsetsize)
{
    uint64_t deadline;
    long ret = get_timespec(uts, &deadline);
    if (ret)
        return ret;
    sigset_t old = 0;
    bool swapped;
    ret = mask_install(umask, sigsetsize, &old, &swapped);
    if (ret)
        return ret;
    ret = poll_common(ufds, nfds, deadline);
    if (ret == -ERESTARTSYS)
        ret = -EINTR;
    mask_restore(old, swapped, ret);
    put_timespec_left((void __user *)uts, deadline);
    return ret;
}
SYSCALL_DEFINE(271, ppoll);

/* ---- select / pselect6 ---- */

#define WORD_BITS (8 * sizeof(unsigned long))
#define SEL_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SEL_EX (POLLPRI)

static long select_common(int nfds, unsigned long __user *uin, unsigned long __user *uout,
                          unsigned long __user *uex, uint64_t deadline)
{
    if (nfds < 0)
        return -EINVAL;
    if (nfds > NR_OPEN_MAX)
        nfds = NR_OPEN_MAX;
    size_t words = ((size_t)nfds + WORD_BITS - 1) / WORD_BITS;
    size_t bytes = words * sizeof(unsigned long);
    unsigned long in[NR_OPEN_MAX / WORD_BITS], out[NR_OPEN_MAX / WORD_BITS], ex[NR_OPEN_MAX / WORD_BITS];
    memset(in, 0, sizeof(in));
    memset(out, 0, sizeof(out));
    memset(ex, 0, sizeof(ex));
    if ((uin && copy_from_user(in, uin, bytes)) || (uout && copy_from_user(out, uout, bytes)) ||
        (uex && copy_from_user(ex, uex, bytes)))
        return -EFAULT;

    /* One pollfd per descriptor present in any set. */
    unsigned n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        unsigned long bit = 1UL << (fd % WORD_BITS);
        size_t w = fd / WORD_BITS;
        if ((in[w] | out[w] | ex[w]) & bit)
            n++;
    }
    struct pollfd *fds = n ? kmalloc(n * sizeof(*fds)) : NULL;
    if (n && !fds)
        return -ENOMEM;
    unsigned k = 0;
    for (int fd = 0; fd < nfds; fd++) {
        unsigned long bit = 1UL << (fd % WORD_BITS);
        size_t w = fd / WORD_BITS;
        if (!((in[w] | out[w] | ex[w]) & bit))
            continue;
        fds[k].fd = fd;
        fds[k].events = (int16_t)(((in[w] & bit) ? POLLIN : 0) | ((out[w] & bit) ? POLLOUT : 0) |
                                  ((ex[w] & bit) ? POLLPRI : 0));
        k++;
    }

    long ret = do_poll(fds, n, deadline);
    if (ret < 0) {
        kfree(fds);
        return ret;
    }
    memset(in, 0, bytes);
    memset(out, 0, bytes);
    memset(ex, 0, bytes);
    long count = 0;
    for (unsigned i = 0; i < n; i++) {
        int fd = fds[i].fd;
        unsigned long bit = 1UL << (fd % WORD_BITS);
        size_t w = fd / WORD_BITS;
        unsigned r = (uint16_t)fds[i].revents;
        if (r & POLLNVAL) {
            kfree(fds);
            return -EBADF;
        }
        if ((fds[i].events & POLLIN) && (r & SEL_IN)) {
            in[w] |= bit;
            count++;
        }
        if ((fds[i].events & POLLOUT) && (r & SEL_OUT)) {
            out[w] |= bit;
            count++;
        }
        if ((fds[i].events & POLLPRI) && (r & SEL_EX)) {
            ex[w] |= bit;
            count++;
        }
    }
    kfree(fds);
    if ((uin && copy_to_user(uin, in, bytes)) || (uout && copy_to_user(uout, out, bytes)) ||
        (uex && copy_to_user(uex, ex, bytes)))
        return -EFAULT;
    return count;
}

static long sys_select(long nfds, unsigned long __user *uin, unsigned long __user *uout,
                unsigned long __user *uex, struct k_timeval __user *utv)
{
    uint64_t deadline = 0;
    if (utv) {
        struct k_timeval tv;
        if (copy_from_user(&tv, utv, sizeof(tv)))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        if (tv.tv_sec <= 100LL * 365 * 86400)
            deadline = deadline_after(tv.tv_sec * (int64_t)NSEC_PER_SEC + tv.tv_usec * (int64_t)NSEC_PER_USEC);
    }
    long ret = select_common((int)nfds, uin, uout, uex, deadline);
    if (utv && deadline) {
        int64_t left = remaining_ns(deadline);
        struct k_timeval tv = { left / (int64_t)NSEC_PER_SEC, (left % (int64_t)NSEC_PER_SEC) / 1000 };
        copy_to_user(utv, &tv, sizeof(tv));
    }
    return ret;
}
SYSCALL_DEFINE(23, select);

static long sys_pselect6(long nfds, unsigned long __user *uin, unsigned long __user *uout,
                  unsigned long __user *uex, void __user *uts, const void __user *usig)
{
    uint64_t deadline;
    long ret = get_timespec(uts, &deadline);
    if (ret)
        return ret;
    /* The sixth argument points at { const sigset_t *ss; size_t ss_len; }. */
    struct { uint64_t ss; uint64_t len; } sig = { 0, 0 };
    if (usig && copy_from_user(&sig, usig, sizeof(sig)))
        return -EFAULT;
    sigset_t old = 0;
    bool swapped;
    ret = mask_install((const void __user *)sig.ss, sig.len, &old, &swapped);
    if (ret)
        return ret;
    ret = select_common((int)nfds, uin, uout, uex, deadline);
    if (ret == -ERESTARTSYS)
        ret = -EINTR;
    mask_restore(old, swapped, ret);
    put_timespec_left(uts, deadline);
    return ret;
}
SYSCALL_DEFINE(270, pselect6);

/* ---- epoll ---- */

static long sys_epoll_create(long size)
{
    return (int)size <= 0 ? -EINVAL : ep_create(0);
}
SYSCALL_DEFINE(213, epoll_create);

static long sys_epoll_create1(long flags)
{
    return flags & ~(long)O_CLOEXEC ? -EINVAL : ep_create((int)flags);
}
SYSCALL_DEFINE(291, epoll_create1);

static long sys_epoll_ctl(long epfd, long op, long fd, const struct epoll_event __user *uev)
{
    struct epoll_event ev;
    bool has_event = (int)op != EPOLL_CTL_DEL;      /* any other op reads it, even an unknown one */
    if (has_event && copy_from_user(&ev, uev, sizeof(ev)))
        return -EFAULT;
    return ep_ctl((int)epfd, (int)op, (int)fd, has_event ? &ev : NULL);
}
SYSCALL_DEFINE(233, epoll_ctl);

#define TASK_SIZE_MAX (USER_TOP - 4096)     /* Linux's access_ok() bound */

static long epoll_wait_common(long epfd, struct epoll_event __user *uev, long maxevents, uint64_t deadline)
{
    int max = (int)maxevents;
    if (max <= 0 || max > EP_MAX_EVENTS)
        return -EINVAL;
    uint64_t size = (uint64_t)max * sizeof(struct epoll_event);
    if ((uint64_t)uev > TASK_SIZE_MAX || size > TASK_SIZE_MAX - (uint64_t)uev)
        return -EFAULT;             /* a range no user buffer can have; others fault on copy */
    return ep_wait((int)epfd, uev, max, deadline);
}

static uint64_t epoll_deadline_ms(long timeout)
{
    int ms = (int)timeout;
    return deadline_after(ms < 0 ? -1 : (int64_t)ms * (int64_t)NSEC_PER_MSEC);
}

static long sys_epoll_wait(long epfd, struct epoll_event __user *uev, long maxevents, long timeout)
{
    return epoll_wait_common(epfd, uev, maxevents, epoll_deadline_ms(timeout));
}
SYSCALL_DEFINE(232, epoll_wait);

/* epoll_pwait/epoll_pwait2: the wait with the caller's signal mask. */
static long epoll_wait_masked(long epfd, struct epoll_event __user *uev, long maxevents, uint64_t deadline,
                              const void __user *umask, unsigned long sigsetsize)
{
    sigset_t old = 0;
    bool swapped;
    long ret = mask_install(umask, sigsetsize, &old, &swapped);
    if (ret)
        return ret;
    ret = epoll_wait_common(epfd, uev, maxevents, deadline);
    mask_restore(old, swapped, ret);
    return ret;
}

static long sys_epoll_pwait(long epfd, struct epoll_event __user *uev, long maxevents, long timeout,
                            const void __user *umask, unsigned long sigsetsize)
{
    return epoll_wait_masked(epfd, uev, maxevents, epoll_deadline_ms(timeout), umask, sigsetsize);
}
SYSCALL_DEFINE(281, epoll_pwait);

static long sys_epoll_pwait2(long epfd, struct epoll_event __user *uev, long maxevents, const void __user *uts,
                             const void __user *umask, unsigned long sigsetsize)
{
    uint64_t deadline;
    long ret = get_timespec(uts, &deadline);
    if (ret)
        return ret;
    return epoll_wait_masked(epfd, uev, maxevents, deadline, umask, sigsetsize);
}
SYSCALL_DEFINE(441, epoll_pwait2);
