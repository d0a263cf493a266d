/*
 * signalfd(282), signalfd4(289): signals read from a descriptor.
 *
 * A signalfd holds a set of signals (never SIGKILL or SIGSTOP).  Reading
 * it takes pending signals of that set from the *reading* task, its own
 * before its process's, as sigwaitinfo would, each as a 128-byte struct
 * signalfd_siginfo: as many as fit, waiting for the first (EAGAIN with
 * O_NONBLOCK), EINVAL for a buffer smaller than one.  The signals are
 * normally blocked, so no handler takes them first.  Poll is readable
 * while the polling task has one pending; every signal queued for a
 * process wakes its group's signalfd_wait, where readers and pollers wait.
 * A descriptor shared with another process (fork) reads that process's
 * signals there.  signalfd4 on an existing signalfd replaces its set.
 *
 * Locking: the set is one word, read and written whole (READ_ONCE); the
 * pending signals are under their group's sig_lock (signal_dequeue).
 */
#include <fs/poll.h>
#include <fs/vfs.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/signal.h>

#define SFD_CLOEXEC O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK

struct signalfd_siginfo {
    uint32_t ssi_signo;
    int32_t ssi_errno;
    int32_t ssi_code;
    uint32_t ssi_pid;
    uint32_t ssi_uid;
    int32_t ssi_fd;
    uint32_t ssi_tid;
    uint32_t ssi_band;
    uint32_t ssi_overrun;
    uint32_t ssi_trapno;
    int32_t ssi_status;
    int32_t ssi_int;
    uint64_t ssi_ptr;
    uint64_t ssi_utime;
    uint64_t ssi_stime;
    uint64_t ssi_addr;
    uint16_t ssi_addr_lsb;
    uint16_t pad2;
    int32_t ssi_syscall;
    uint64_t ssi_call_addr;
    uint32_t ssi_arch;
    uint8_t pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo is 128 bytes");
_Static_assert(offsetof(struct signalfd_siginfo, ssi_ptr) == 48, "ssi_ptr at 48");
_Static_assert(offsetof(struct signalfd_siginfo, ssi_call_addr) == 88, "ssi_call_addr at 88");

struct signalfd {
    sigset_t mask;                  /* READ_ONCE/WRITE_ONCE */
};

static struct superblock signalfd_sb = ANON_SUPERBLOCK("signalfd");

/* Fields of siginfo's union, by their offset in it (Linux's layout). */
static int32_t si_i32(const siginfo_t *i, unsigned off)
{
    int32_t v;
    memcpy(&v, i->u._raw + off, sizeof(v));
    return v;
}

static uint64_t si_u64(const siginfo_t *i, unsigned off)
{
    uint64_t v;
    memcpy(&v, i->u._raw + off, sizeof(v));
    return v;
}

#define SI_TIMER (-2)
#define SI_SIGIO (-5)
#define SIGPOLL SIGIO

/* Linux's siginfo_layout(): which union member a signal's info uses. */
enum layout { L_KILL, L_TIMER, L_POLL, L_FAULT, L_CHLD, L_RT, L_SYS };

static enum layout layout_of(int sig, int code)
{
    if (code > SI_USER && code < SI_KERNEL) {
        switch (sig) {
        case SIGILL: return code <= 11 ? L_FAULT : L_KILL;
        case SIGFPE: return code <= 15 ? L_FAULT : L_KILL;
        case SIGSEGV: return code <= 10 ? L_FAULT : L_KILL;
        case SIGBUS: return code <= 5 ? L_FAULT : L_KILL;
        case SIGTRAP: return code <= 6 ? L_FAULT : L_KILL;
        case SIGCHLD: return code <= 6 ? L_CHLD : L_KILL;
        case SIGPOLL: return code <= 6 ? L_POLL : L_KILL;
        case SIGSYS: return code <= 2 ? L_SYS : L_KILL;
        default: return code <= 6 ? L_POLL : L_KILL;
        }
    }
    if (code == SI_TIMER)
        return L_TIMER;
    if (code == SI_SIGIO)
        return L_POLL;
    return code < 0 ? L_RT : L_KILL;
}

static void to_ssi(const siginfo_t *i, struct signalfd_siginfo *s)
{
    memset(s, 0, sizeof(*s));
    s->ssi_signo = (uint32_t)i->si_signo;
    s->ssi_errno = i->si_errno;
    s->ssi_code = i->si_code;
    switch (layout_of(i->si_signo, i->si_code)) {
    case L_KILL:
        s->ssi_pid = (uint32_t)si_i32(i, 0);
        s->ssi_uid = (uint32_t)si_i32(i, 4);
        break;
    case L_TIMER:
        s->ssi_tid = (uint32_t)si_i32(i, 0);
        s->ssi_overrun = (uint32_t)si_i32(i, 4);
        s->ssi_ptr = si_u64(i, 8);
        s->ssi_int = si_i32(i, 8);
        break;
    case L_POLL:
        s->ssi_band = (uint32_t)si_u64(i, 0);
        s->ssi_fd = si_i32(i, 8);
        break;
    case L_FAULT:
        s->ssi_addr = si_u64(i, 0);
        break;
    case L_CHLD:
        s->ssi_pid = (uint32_t)si_i32(i, 0);
        s->ssi_uid = (uint32_t)si_i32(i, 4);
        s->ssi_status = si_i32(i, 8);
        s->ssi_utime = si_u64(i, 16);
        s->ssi_stime = si_u64(i, 24);
        break;
    case L_RT:
        s->ssi_pid = (uint32_t)si_i32(i, 0);
        s->ssi_uid = (uint32_t)si_i32(i, 4);
        s->ssi_ptr = si_u64(i, 8);
        s->ssi_int = si_i32(i, 8);
        break;
    case L_SYS:
        s->ssi_call_addr = si_u64(i, 0);
        s->ssi_syscall = si_i32(i, 8);
        s->ssi_arch = (uint32_t)si_i32(i, 12);
        break;
    }
}

/* One signal of the set for the current task: its number with *info, 0
 * with nothing pending and `nonblock`, or -ERESTARTSYS. */
static int dequeue_wait(struct signalfd *sfd, bool nonblock, siginfo_t *info)
{
    struct task *t = current;
    for (;;) {
        sigset_t set = READ_ONCE(sfd->mask);
        int sig = signal_dequeue(t, set, info);
        if (sig || nonblock)
            return sig;
        int err = wait_event_interruptible(t->group->signalfd_wait,
                                           signal_pending_in(t, READ_ONCE(sfd->mask)));
        if (err)
            return err;
    }
}

static ssize_t signalfd_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct signalfd *sfd = f->private_data;
    size_t count = len / sizeof(struct signalfd_siginfo);
    if (!count)
        return -EINVAL;
    bool nonblock = f->flags & O_NONBLOCK;
    size_t done = 0;
    ssize_t err = 0;
    while (done < count) {
        siginfo_t info;
        int sig = dequeue_wait(sfd, nonblock, &info);
        if (sig <= 0) {
            err = sig < 0 ? sig : -EAGAIN;
            break;
        }
        struct signalfd_siginfo ssi;
        to_ssi(&info, &ssi);
        if (iob_copy_to(buf, done * sizeof(ssi), &ssi, sizeof(ssi))) {
            err = -EFAULT;          /* the signal is gone, as on Linux */
            break;
        }
        done++;
        nonblock = true;            /* only the first waits */
    }
    return done ? (ssize_t)(done * sizeof(struct signalfd_siginfo)) : err;
}

static unsigned int signalfd_poll(struct file *f, struct poll_table *pt)
{
    struct signalfd *sfd = f->private_data;
    struct task *t = current;
    poll_wait(pt, &t->group->signalfd_wait);
    return signal_pending_in(t, READ_ONCE(sfd->mask)) ? POLLIN : 0;
}

static void signalfd_release(struct file *f)
{
    kfree(f->private_data);
}

static const struct file_ops signalfd_fops = {
    .read = signalfd_read,
    .poll = signalfd_poll,
    .lseek = noop_lseek,
    .release = signalfd_release,
};

static long do_signalfd4(long ufd, const sigset_t __user *umask, unsigned long size, long flags)
{
    sigset_t mask;
    if (size != sizeof(sigset_t))
        return -EINVAL;
    if (copy_from_user(&mask, umask, sizeof(mask)))
        return -EFAULT;
    if (flags & ~(long)(SFD_CLOEXEC | SFD_NONBLOCK))
        return -EINVAL;
    mask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    if ((int)ufd != -1) {
        struct file *f = fd_get((int)ufd);
        if (!f)
            return -EBADF;
        if (f->ops != &signalfd_fops) {
            file_put(f);
            return -EINVAL;
        }
        struct signalfd *sfd = f->private_data;
        WRITE_ONCE(sfd->mask, mask);
        file_put(f);
        waitq_wake_all(&current->group->signalfd_wait);   /* pollers look again */
        return (int)ufd;
    }
    struct signalfd *sfd = kzalloc(sizeof(*sfd));
    if (!sfd)
        return -ENOMEM;
    sfd->mask = mask;
    return anon_fd_install(&signalfd_sb, &signalfd_fops, sfd, (int)flags);
}

static long sys_signalfd4(long ufd, const sigset_t __user *umask, unsigned long size, long flags)
{
    return do_signalfd4(ufd, umask, size, flags);
}
SYSCALL_DEFINE(289, signalfd4);

static long sys_signalfd(long ufd, const sigset_t __user *umask, unsigned long size)
{
    return do_signalfd4(ufd, umask, size, 0);
}
SYSCALL_DEFINE(282, signalfd);
