/*
 * Resource limits, per process (struct thread_group), as Linux keeps them:
 * a new process starts with its parent's, execve keeps them, prlimit64
 * reads and changes them (getrlimit and setrlimit are the caller's).
 * Raising a hard limit needs CAP_SYS_RESOURCE; another process's limits
 * need the caller's ids to match all of its (Linux's rule for prlimit).
 *
 * Enforced here: RLIMIT_MEMLOCK (mlock, mlockall, MAP_LOCKED for a task
 * without CAP_IPC_LOCK), RLIMIT_NICE and RLIMIT_RTPRIO (lowering nice and
 * real-time classes without CAP_SYS_NICE), RLIMIT_NPROC (creating tasks,
 * kernel/proc/user.c), RLIMIT_NOFILE (new descriptors, kernel/fs/fdtable.c;
 * it cannot go past this kernel's table size, NR_OPEN_MAX); the others are
 * kept and reported.
 * RLIMIT_NPROC and RLIMIT_SIGPENDING start, as on Linux, at half of
 * threads-max, which depends on the memory size (kernel/proc/task.c).
 */
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/rlimit.h>

/* written once at boot (rlimit_set_boot_nproc), then read only */
static struct krlimit defaults[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_STACK] = { 8UL << 20, RLIM_INFINITY },
    [RLIMIT_CORE] = { 0, RLIM_INFINITY },
    [RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_NPROC] = { 0, 0 },                          /* set at boot */
    [RLIMIT_NOFILE] = { NR_OPEN_MAX, NR_OPEN_MAX },
    [RLIMIT_MEMLOCK] = { 8UL << 20, 8UL << 20 },        /* Linux's 8 MiB */
    [RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_SIGPENDING] = { 0, 0 },                     /* set at boot */
    [RLIMIT_MSGQUEUE] = { 819200, 819200 },
    [RLIMIT_NICE] = { 0, 0 },
    [RLIMIT_RTPRIO] = { 0, 0 },
    [RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

void rlimit_init(struct thread_group *g, const struct thread_group *parent)
{
    for (int i = 0; i < RLIM_NLIMITS; i++)
        g->rlim[i] = parent ? parent->rlim[i] : defaults[i];
}

void rlimit_set_boot_nproc(uint64_t n)
{
    defaults[RLIMIT_NPROC] = defaults[RLIMIT_SIGPENDING] = (struct krlimit){ n, n };
}

uint64_t rlimit_cur(const struct task *t, int res)
{
    return READ_ONCE(t->group->rlim[res].cur);
}

/* May the caller change (or read) t's limits?  Itself, or its ids match
 * all of t's, or CAP_SYS_RESOURCE. */
static bool may_prlimit(const struct task *t)
{
    const struct task *me = current;
    if (t->group == me->group || capable(CAP_SYS_RESOURCE))
        return true;
    return me->uid == t->uid && me->uid == t->euid && me->uid == t->suid && me->gid == t->gid &&
           me->gid == t->egid && me->gid == t->sgid;
}

static long sys_prlimit64(pid_t pid, int res, const struct krlimit __user *nl, struct krlimit __user *ol)
{
    if (res < 0 || res >= RLIM_NLIMITS)
        return -EINVAL;
    struct krlimit n;
    if (nl) {
        if (copy_from_user(&n, nl, sizeof n))
            return -EFAULT;
        if (n.cur > n.max)
            return -EINVAL;
        if (res == RLIMIT_NOFILE && n.max > NR_OPEN_MAX)
            return -EPERM;              /* past the descriptor table (Linux: past nr_open) */
    }
    spin_lock(&tasks_lock);
    struct task *t = pid ? task_find(pid) : current;
    long err = 0;
    struct krlimit old = { 0, 0 };
    if (!t || t->state == TASK_DEAD)
        err = -ESRCH;
    else if (!may_prlimit(t))
        err = -EPERM;
    if (!err) {
        struct thread_group *g = t->group;
        spin_lock(&g->sig_lock);        /* the limits are the process's: one writer at a time */
        old = g->rlim[res];
        if (nl && n.max > old.max && !capable(CAP_SYS_RESOURCE))
            err = -EPERM;
        else if (nl)
            g->rlim[res] = n;
        spin_unlock(&g->sig_lock);
    }
    spin_unlock(&tasks_lock);
    if (!err && ol && copy_to_user(ol, &old, sizeof old))
        err = -EFAULT;
    return err;
}
SYSCALL_DEFINE(302, prlimit64);

static long sys_getrlimit(int res, struct krlimit __user *l) { return sys_prlimit64(0, res, NULL, l); }
SYSCALL_DEFINE(97, getrlimit);
static long sys_setrlimit(int res, const struct krlimit __user *l) { return sys_prlimit64(0, res, l, NULL); }
SYSCALL_DEFINE(160, setrlimit);
