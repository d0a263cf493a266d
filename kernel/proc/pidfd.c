/*
 * Process descriptors: pidfd_open(434), pidfd_send_signal(424),
 * pidfd_getfd(438), and the pid behind a pidfd for waitid(P_PIDFD).
 *
 * A task that has pidfds carries a handle (struct pidfd_handle) that they
 * all share: it points back at the task until the task is freed, so a pidfd
 * never reaches whatever later takes the same number.  Poll is readable
 * once the process has ended (a PIDFD_THREAD pidfd: once the thread has),
 * and adds POLLHUP once it has been reaped.  The exit and reap paths wake
 * the handle's queue (pidfd_notify_locked).
 *
 * The handle goes when the task is freed or its last pidfd is closed,
 * whichever is later.
 *
 * Locking: tasks_lock protects each task's `pidfd` and each handle's
 * `task`; refs is atomic (the task's reference and one per open file), and
 * only grows under tasks_lock.
 */
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/pid.h>
#include <proc/pidfd.h>
#include <proc/signal.h>

#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_THREAD O_EXCL
#define PIDFD_SIGNAL_THREAD 1
#define PIDFD_SIGNAL_THREAD_GROUP 2
#define PIDFD_SIGNAL_PROCESS_GROUP 4

struct pidfd_handle {
    int refs;
    struct task *task;              /* under tasks_lock; NULL once freed */
    pid_t pid;
    struct waitq wait;
};

struct pidfd_file {                 /* one open pidfd */
    struct pidfd_handle *h;
    bool thread;                    /* PIDFD_THREAD */
};

static struct superblock pidfd_sb = ANON_SUPERBLOCK("pidfd");
static const struct file_ops pidfd_fops;

static void handle_put(struct pidfd_handle *h)
{
    if (__atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(h);
}

void pidfd_notify_locked(struct task *t)
{
    spin_assert_held(&tasks_lock);
    if (t->pidfd)
        waitq_wake_all(&t->pidfd->wait);
}

void pidfd_release_locked(struct task *t)
{
    spin_assert_held(&tasks_lock);
    struct pidfd_handle *h = t->pidfd;
    if (!h)
        return;
    t->pidfd = NULL;
    h->task = NULL;
    waitq_wake_all(&h->wait);
    handle_put(h);
}

/* The task behind a pidfd, or NULL once it has been reaped.  Caller holds
 * tasks_lock. */
static struct task *live_task(struct pidfd_handle *h)
{
    struct task *t = h->task;
    return t && t->state != TASK_DEAD ? t : NULL;
}

static unsigned int pidfd_poll(struct file *f, struct poll_table *pt)
{
    struct pidfd_file *pf = f->private_data;
    poll_wait(pt, &pf->h->wait);
    spin_lock(&tasks_lock);
    struct task *t = live_task(pf->h);
    unsigned mask = 0;
    if (!t)
        mask = POLLIN | POLLRDNORM | POLLHUP;
    else if (pf->thread ? t->state == TASK_ZOMBIE : t->group->ended)
        mask = POLLIN | POLLRDNORM;
    spin_unlock(&tasks_lock);
    return mask;
}

static void pidfd_release(struct file *f)
{
    struct pidfd_file *pf = f->private_data;
    struct pidfd_handle *h = pf->h;
    /* the last pidfd of a task: the task lets go of the handle too (refs
     * only grow under tasks_lock, so 2 means the task's and this one) */
    spin_lock(&tasks_lock);
    if (h->task && __atomic_load_n(&h->refs, __ATOMIC_RELAXED) == 2) {
        h->task->pidfd = NULL;
        h->task = NULL;
        handle_put(h);
    }
    spin_unlock(&tasks_lock);
    handle_put(h);
    kfree(pf);
}

static const struct file_ops pidfd_fops = {
    .poll = pidfd_poll,
    .release = pidfd_release,
};

static long sys_pidfd_open(long pid, long flags)
{
    if (flags & ~(long)(PIDFD_NONBLOCK | PIDFD_THREAD))
        return -EINVAL;
    if ((pid_t)pid <= 0)
        return -EINVAL;
    struct pidfd_file *pf = kzalloc(sizeof(*pf));
    struct pidfd_handle *fresh = kzalloc(sizeof(*fresh));
    long err = -ENOMEM;
    if (!pf || !fresh)
        goto fail;
    pf->thread = flags & PIDFD_THREAD;
    spin_lock(&tasks_lock);
    struct task *t = task_find((pid_t)pid);
    err = !t ? -ESRCH : !pf->thread && !task_is_leader(t) ? -ENOENT : 0;   /* a thread id (Linux 6.9+) */
    if (!err) {
        if (!t->pidfd) {
            fresh->refs = 1;        /* the task's */
            fresh->task = t;
            fresh->pid = t->pid;
            waitq_init(&fresh->wait);
            t->pidfd = fresh;
            fresh = NULL;
        }
        pf->h = t->pidfd;
        __atomic_add_fetch(&pf->h->refs, 1, __ATOMIC_RELAXED);
    }
    spin_unlock(&tasks_lock);
    if (err)
        goto fail;
    kfree(fresh);
    struct file *f = file_alloc_sb(&pidfd_sb, &pidfd_fops, pf, O_RDWR | (flags & O_NONBLOCK), 0700);
    if (!f) {
        handle_put(pf->h);
        kfree(pf);
        return -ENOMEM;
    }
    int fd = fd_install(f, O_CLOEXEC);  /* always close-on-exec, as Linux */
    if (fd < 0)
        file_put(f);
    return fd;
fail:
    kfree(pf);
    kfree(fresh);
    return err;
}
SYSCALL_DEFINE(434, pidfd_open);

/* The pidfd behind fd, referenced in *fp: -EBADF for anything else. */
static struct pidfd_file *pidfd_lookup(int fd, struct file **fp)
{
    struct file *f = fd_get(fd);
    if (f && f->ops == &pidfd_fops) {
        *fp = f;
        return f->private_data;
    }
    file_put(f);
    return NULL;
}

int pidfd_pid(int fd, bool *nonblock)
{
    struct file *f;
    struct pidfd_file *pf = pidfd_lookup(fd, &f);
    if (!pf)
        return -EBADF;
    *nonblock = f->flags & O_NONBLOCK;
    pid_t pid = pf->h->pid;
    file_put(f);
    return pid;
}

/* Signals every process of group pgid the caller may signal: 0 if any
 * took it, else -EPERM, or -ESRCH if the group is empty.  Caller holds
 * tasks_lock. */
static long signal_pgrp_locked(pid_t pgid, int sig, const siginfo_t *info)
{
    int found = 0, sent = 0;
    struct task *t;
    for_each_live_pgrp_member(t, pgid) {
        found++;
        if (!may_signal(current, t) && !(sig == SIGCONT && t->sid == current->sid))
            continue;
        sent++;
        if (sig)
            signal_send_process(t, sig, info);
    }
    return !found ? -ESRCH : !sent ? -EPERM : 0;
}

static long sys_pidfd_send_signal(long pidfd, long sig, const siginfo_t __user *uinfo, long flags)
{
    unsigned fl = (unsigned)flags;
    if (fl & ~(unsigned)(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP))
        return -EINVAL;
    if (fl & (fl - 1))
        return -EINVAL;             /* one scope at most */
    struct file *f;
    struct pidfd_file *pf = pidfd_lookup((int)pidfd, &f);
    if (!pf)
        return -EBADF;
    bool thread = fl ? fl == PIDFD_SIGNAL_THREAD : pf->thread;
    bool pgrp = fl == PIDFD_SIGNAL_PROCESS_GROUP;
    siginfo_t info;
    long err = 0;
    if (uinfo) {
        if (copy_from_user(&info, uinfo, sizeof(info)))
            err = -EFAULT;
        else if (info.si_signo != (int)sig)
            err = -EINVAL;
        else if ((pf->h->pid != current->tgid || thread || pgrp) && (info.si_code >= 0 || info.si_code == SI_TKILL))
            err = -EPERM;           /* only a process signalling itself may claim those */
    } else {
        memset(&info, 0, sizeof(info));
        info.si_signo = (int)sig;
        info.si_code = SI_USER;
        info.u.kill.pid = current->tgid;
        info.u.kill.uid = current->uid;
    }
    if (!err) {
        spin_lock(&tasks_lock);
        struct task *t = live_task(pf->h);
        if (pgrp)
            err = sig < 0 || sig >= NSIG ? -EINVAL : signal_pgrp_locked(pf->h->pid, (int)sig, &info);
        else if (!t)
            err = -ESRCH;
        else if (sig < 0 || sig >= NSIG)
            err = -EINVAL;
        else if (!may_signal(current, t) && !((int)sig == SIGCONT && t->sid == current->sid))
            err = -EPERM;
        else if (sig && thread)
            signal_send(t, (int)sig, &info);
        else if (sig)
            signal_send_process(t, (int)sig, &info);
        spin_unlock(&tasks_lock);
    }
    file_put(f);
    return err;
}
SYSCALL_DEFINE(424, pidfd_send_signal);

static long sys_pidfd_getfd(long pidfd, long fd, long flags)
{
    if (flags)
        return -EINVAL;
    struct file *f;
    struct pidfd_file *pf = pidfd_lookup((int)pidfd, &f);
    if (!pf)
        return -EBADF;
    struct file *got = NULL;
    long err = 0;
    spin_lock(&tasks_lock);
    struct task *t = live_task(pf->h);
    if (!t)
        err = -ESRCH;
    else if (!may_ptrace(t))
        err = -EPERM;
    else if (!t->files)
        err = -ESRCH;               /* exiting: its table is gone */
    else if (!(got = fdt_get(t->files, (int)fd)))
        err = -EBADF;
    spin_unlock(&tasks_lock);
    file_put(f);
    if (err)
        return err;
    int nfd = fd_install(got, O_CLOEXEC);
    if (nfd < 0)
        file_put(got);
    return nfd;
}
SYSCALL_DEFINE(438, pidfd_getfd);
