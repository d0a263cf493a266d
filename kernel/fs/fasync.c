/*
 * Signal-driven I/O: the lists of O_ASYNC files and the signals to their
 * owners (the contract is include/fs/fasync.h).
 */
#include <fs/fasync.h>
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/task.h>
#include <mm/kheap.h>
#include <proc/pid.h>
#include <proc/signal.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>

#define SI_SIGIO (-5)

struct fasync_entry {
    struct list_node node;
    struct file *file;          /* on the list until its last close */
    int fd;                     /* si_fd */
};

/* Every fasync_list, and the entries on them. */
static struct spinlock fasync_lock = SPINLOCK_INIT("fasync");

int fasync_helper(struct fasync_list *l, struct file *f, int fd, bool on)
{
    struct fasync_entry *fresh = on ? kzalloc(sizeof *fresh) : NULL;
    if (on && !fresh)
        return -ENOMEM;
    struct fasync_entry *gone = NULL;
    spin_lock(&fasync_lock);
    list_for_each(n, &l->entries) {
        struct fasync_entry *e = container_of(n, struct fasync_entry, node);
        if (e->file != f)
            continue;
        if (on) {
            e->fd = fd;                 /* already on: the new descriptor counts */
        } else {
            list_remove(&e->node);
            gone = e;
        }
        spin_unlock(&fasync_lock);
        kfree(fresh);
        kfree(gone);
        return 0;
    }
    if (on) {
        fresh->file = f;
        fresh->fd = fd;
        list_push_back(&l->entries, &fresh->node);
    }
    spin_unlock(&fasync_lock);
    return 0;
}

int fasync_set(struct file *f, int fd, bool on)
{
    if (!f->ops || !f->ops->fasync)
        return -ENOTTY;
    if (((READ_ONCE(f->flags) & O_ASYNC) != 0) == on)
        return 0;
    int err = f->ops->fasync(f, fd, on);
    if (err)
        return err;
    if (on)
        __atomic_or_fetch(&f->flags, O_ASYNC, __ATOMIC_RELAXED);
    else
        __atomic_and_fetch(&f->flags, ~O_ASYNC, __ATOMIC_RELAXED);
    return 0;
}

/* Linux's band_table: si_band for each reason */
static const long band_of[] = {
    [POLL_IN] = POLLIN | POLLRDNORM,
    [POLL_OUT] = POLLOUT | POLLWRNORM | POLLWRBAND,
    [POLL_MSG] = POLLIN | POLLRDNORM,
    [POLL_ERR] = POLLERR,
    [POLL_PRI] = POLLPRI | POLLRDBAND,
    [POLL_HUP] = POLLHUP | POLLERR,
};

/* Signals whose si_codes mean something of their own: there the reason
 * would be ambiguous, so si_code is SI_SIGIO (Linux's sig_specific_sicodes). */
static bool own_codes(int sig)
{
    return sig == SIGILL || sig == SIGFPE || sig == SIGSEGV || sig == SIGBUS || sig == SIGTRAP ||
           sig == SIGCHLD || sig == SIGSYS;
}

/* May whoever set f's owner signal t (Linux's sigio_perm)?  Root, or a
 * real or effective id of the setter equal to t's real or saved one. */
static bool may_signal(const struct file *f, const struct task *t)
{
    uid_t uid = READ_ONCE(f->owner_uid), euid = READ_ONCE(f->owner_euid);
    return euid == 0 || euid == t->suid || euid == t->uid || uid == t->suid || uid == t->uid;
}

/* Sends to the owner of one file.  fasync_lock held; takes tasks_lock. */
static void signal_owner(const struct fasync_entry *e, int reason)
{
    uint64_t o = __atomic_load_n(&e->file->owner, __ATOMIC_ACQUIRE);
    int type = (int)(o >> 32);
    pid_t id = (pid_t)(uint32_t)o;
    if (!id)
        return;
    int sig = __atomic_load_n(&e->file->owner_sig, __ATOMIC_RELAXED);
    siginfo_t info = { 0 };
    if (sig) {
        info.si_signo = sig;
        info.si_code = sig != SIGIO && own_codes(sig) ? SI_SIGIO : reason;
        info.u.poll.band = band_of[reason];
        info.u.poll.fd = e->fd;
    } else {
        sig = SIGIO;
        info.si_signo = SIGIO;
        info.si_code = SI_KERNEL;
    }
    spin_lock(&tasks_lock);
    if (type == F_OWNER_PGRP) {
        struct task *m;
        for_each_live_pgrp_member(m, id)
            if (may_signal(e->file, m))
                signal_send_process(m, sig, &info);
    } else {
        struct task *t = task_find(id);
        if (t && type == F_OWNER_TID && t->state != TASK_ZOMBIE && t->state != TASK_DEAD && may_signal(e->file, t))
            signal_send(t, sig, &info);
        else if (t && type == F_OWNER_PID && task_is_leader(t) && !t->group->ended && may_signal(e->file, t))
            signal_send_process(t, sig, &info);
    }
    spin_unlock(&tasks_lock);
}

void fasync_kill(struct fasync_list *l, int reason)
{
    if (list_empty(&l->entries))        /* a racy look: the common case costs no lock */
        return;
    spin_lock(&fasync_lock);
    list_for_each(n, &l->entries)
        signal_owner(container_of(n, struct fasync_entry, node), reason);
    spin_unlock(&fasync_lock);
}
