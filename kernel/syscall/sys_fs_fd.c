/*
 * Descriptor syscalls: open/openat/creat, close, dup/dup2/dup3, fcntl and
 * flock.
 * Flags are Linux's; O_LARGEFILE and O_NOCTTY are accepted and ignored
 * (every file is large, and a process never acquires a controlling tty by
 * opening one).
 */
#include <fs/fasync.h>
#include <fs/fdtable.h>
#include <fs/fsyscall.h>
#include <fs/locks.h>
#include <fs/pipe.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/proc.h>

#define OPEN_VALID (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | \
                    O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW |       \
                    O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | O_TMPFILE)
/* O_ASYNC is not among them: it is set only through a file's fasync (Linux) */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)

static long sys_openat(long dirfd, const char __user *upath, long flags, long mode)
{
    char *path = NULL;
    int err = path_from_user(upath, &path);
    if (err)
        return err;
    struct vnode *start;
    struct file *f;
    bool tmpfile = flags & __O_TMPFILE;
    int acc = (int)flags & O_ACCMODE;
    if (tmpfile && ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (acc != O_WRONLY && acc != O_RDWR)))
        err = -EINVAL;                  /* O_DIRECTORY with it, no O_CREAT, and write access */
    else if (!path[0])
        err = -ENOENT;
    else if ((err = at_start((int)dirfd, path, &start)) == 0) {
        mode_t m = (mode_t)mode & S_IALLUGO & ~task_umask(current);
        int fl = (int)(flags & OPEN_VALID & ~O_LARGEFILE);
        err = tmpfile ? vfs_open_tmpfile(start, path, fl, m, &f) : vfs_openat(start, path, fl, m, &f);
        vnode_put(start);
        if (err == 0) {
            err = fd_install(f, (int)flags);
            if (err < 0)
                file_put(f);
        }
    }
    kfree(path);
    return err;
}

static long sys_open(const char __user *path, long flags, long mode) { return sys_openat(AT_FDCWD, path, flags, mode); }

static long sys_creat(const char __user *path, long mode)
{
    return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

static long sys_close(long fd) { return fd_close((int)fd); }

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

/* close_range: every open descriptor from first to last closed (or, with
 * CLOSE_RANGE_CLOEXEC, marked close-on-exec); CLOSE_RANGE_UNSHARE first
 * gives the caller a table of its own, so a thread sharing it with others
 * (CLONE_FILES) changes only its own. */
static long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
    if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || first > last)
        return -EINVAL;
    if (flags & CLOSE_RANGE_UNSHARE) {
        int err = task_unshare_files(current);
        if (err)
            return err;
    }
    fdt_close_range(current->files, first, last, flags & CLOSE_RANGE_CLOEXEC);
    return 0;
}

static long sys_dup(long fd)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    int r = fdt_alloc(current->files, f, 0, false);
    if (r < 0)
        file_put(f);
    return r;
}

static long sys_dup3(long oldfd, long newfd, long flags)
{
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    struct file *f = fd_get((int)oldfd);
    if (!f)
        return -EBADF;
    int r = fdt_replace(current->files, (int)newfd, f, flags & O_CLOEXEC);
    if (r < 0)
        file_put(f);
    return r;
}

static long sys_dup2(long oldfd, long newfd)
{
    if (oldfd == newfd) {              /* valid fd: returned unchanged */
        struct file *f = fd_get((int)oldfd);
        if (!f)
            return -EBADF;
        file_put(f);
        return newfd;
    }
    return sys_dup3(oldfd, newfd, 0);
}

/* The record-lock commands (include/fs/locks.h): struct flock comes in,
 * and goes back out for the GETLK forms. */
static long fcntl_lock(struct fdtable *t, int fd, struct file *f, int cmd, struct linux_flock __user *ul)
{
    struct linux_flock l;
    if (copy_from_user(&l, ul, sizeof(l)))
        return -EFAULT;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
        int err = locks_getlk(f, cmd, &l);
        return err ? err : copy_to_user(ul, &l, sizeof(l));
    }
    int err = locks_setlk(f, cmd, &l);
    if (err || l.l_type == F_UNLCK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW)
        return err;
    /* Another thread may have closed fd while the lock was being set, its
     * close finding no lock yet to drop: drop them now, as that close
     * would have, and say the descriptor is gone (Linux does the same). */
    struct file *now = fdt_get(t, fd);
    file_put(now);
    if (now != f) {
        locks_remove_posix(f, t);
        return -EBADF;
    }
    return 0;
}

/* ---- the owner of an open file (F_SETOWN, F_SETOWN_EX) ----
 * Kept as a process, thread or process-group id: whom O_ASYNC signals
 * (include/fs/fasync.h). */

struct owner_ex {
    int type;
    int pid;
};

/* Does an owner of this type and id exist (a task with the id, or a
 * member of the group)?  Caller holds tasks_lock. */
static bool owner_exists_locked(int type, pid_t id)
{
    if (type != F_OWNER_PGRP) {
        struct task *t = task_find(id);
        return t && t->state != TASK_DEAD && (type == F_OWNER_TID || task_is_leader(t));
    }
    list_for_each(n, &all_tasks) {
        struct task *t = container_of(n, struct task, all_node);
        if (t->pgid == id && t->state != TASK_DEAD)
            return true;
    }
    return false;
}

static long owner_set(struct file *f, int type, pid_t id)
{
    if (type != F_OWNER_TID && type != F_OWNER_PID && type != F_OWNER_PGRP)
        return -EINVAL;
    if (id) {
        /* Linux asks only that the id be in use, by a task or a group */
        spin_lock(&tasks_lock);
        bool found = owner_exists_locked(F_OWNER_TID, id) || owner_exists_locked(F_OWNER_PGRP, id);
        spin_unlock(&tasks_lock);
        if (!found)
            return -ESRCH;
    }
    WRITE_ONCE(f->owner_uid, current->uid);
    WRITE_ONCE(f->owner_euid, current->euid);
    __atomic_store_n(&f->owner, (uint64_t)type << 32 | (uint32_t)id, __ATOMIC_RELEASE);
    return 0;
}

/* The owner, its id 0 once nothing has it any more; a new file's type is
 * F_OWNER_TID, as on Linux. */
static struct owner_ex owner_get(struct file *f)
{
    uint64_t o = __atomic_load_n(&f->owner, __ATOMIC_RELAXED);
    struct owner_ex ex = { (int)(o >> 32), (int)(uint32_t)o };
    if (ex.pid) {
        spin_lock(&tasks_lock);
        if (!owner_exists_locked(ex.type, ex.pid))
            ex.pid = 0;
        spin_unlock(&tasks_lock);
    }
    return ex;
}

static long fcntl_owner(struct file *f, int cmd, unsigned long arg)
{
    struct owner_ex ex;
    switch (cmd) {
    case F_SETOWN:
        if ((int)arg == INT32_MIN)
            return -EINVAL;
        return (int)arg < 0 ? owner_set(f, F_OWNER_PGRP, -(int)arg) : owner_set(f, F_OWNER_PID, (int)arg);
    case F_GETOWN:
        ex = owner_get(f);
        return ex.type == F_OWNER_PGRP ? -ex.pid : ex.pid;
    case F_SETOWN_EX:
        if (copy_from_user(&ex, (void __user *)arg, sizeof ex))
            return -EFAULT;
        return owner_set(f, ex.type, ex.pid);
    case F_GETOWN_EX:
        ex = owner_get(f);
        return copy_to_user((void __user *)arg, &ex, sizeof ex);
    case F_SETSIG:
        if (arg > NSIG - 1)
            return -EINVAL;
        __atomic_store_n(&f->owner_sig, (int)arg, __ATOMIC_RELAXED);
        return 0;
    default:                            /* F_GETSIG */
        return __atomic_load_n(&f->owner_sig, __ATOMIC_RELAXED);
    }
}

/* What fcntl allows on an O_PATH descriptor (Linux's check_fcntl_cmd). */
static bool fcntl_path_ok(long cmd)
{
    return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD || cmd == F_GETFL;
}

static long sys_fcntl(long fd, long cmd, unsigned long arg)
{
    struct fdtable *t = current->files;
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    if ((f->flags & O_PATH) && !fcntl_path_ok(cmd)) {
        file_put(f);
        return -EBADF;
    }
    long r;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if ((long)arg < 0 || arg >= (unsigned long)fd_limit()) {
            r = -EINVAL;
            break;
        }
        file_get(f);
        r = fdt_alloc(t, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
        if (r < 0)
            file_put(f);
        break;
    case F_GETFD:
        r = fdt_get_cloexec(t, (int)fd);
        break;
    case F_SETFD:
        r = fdt_set_cloexec(t, (int)fd, arg & FD_CLOEXEC);
        break;
    case F_GETFL:
        r = f->flags;
        break;
    case F_SETFL: {
        int old = READ_ONCE(f->flags), nf;
        /* O_ASYNC on or off: only a file that can signal keeps it, once
         * its object has it on the list (Linux: the fasync sets the bit) */
        if (((int)arg ^ old) & O_ASYNC) {
            r = fasync_set(f, (int)fd, arg & O_ASYNC);
            if (r && r != -ENOTTY)
                break;
            old = READ_ONCE(f->flags);
        }
        do {
            nf = (old & ~SETFL_MASK) | ((int)arg & SETFL_MASK);
        } while (!__atomic_compare_exchange_n(&f->flags, &old, nf, false, __ATOMIC_RELAXED,
                                              __ATOMIC_RELAXED));
        r = 0;
        break;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        r = fcntl_lock(t, (int)fd, f, (int)cmd, (struct linux_flock __user *)arg);
        break;
    case F_GETOWN:
    case F_SETOWN:
    case F_GETOWN_EX:
    case F_SETOWN_EX:
    case F_GETSIG:
    case F_SETSIG:
        r = fcntl_owner(f, (int)cmd, arg);
        break;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        r = pipe_fcntl(f, (int)cmd, arg);
        break;
    default:
        r = -EINVAL;
    }
    file_put(f);
    return r;
}

/* flock(2): whole-file locks of the open file description (include/fs/locks.h). */
static long sys_flock(long fd, long cmd)
{
    unsigned c = (unsigned)cmd, op = c & ~LOCK_NB;
    if (c & LOCK_MAND)
        return 0;               /* Linux ignores these since 5.15, before any check */
    if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
        return -EINVAL;
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    long r = f->flags & O_PATH ? -EBADF : locks_flock(f, c);
    file_put(f);
    return r;
}

SYSCALL_DEFINE(2, open);
SYSCALL_DEFINE(257, openat);
SYSCALL_DEFINE(85, creat);
SYSCALL_DEFINE(3, close);
SYSCALL_DEFINE(436, close_range);
SYSCALL_DEFINE(32, dup);
SYSCALL_DEFINE(33, dup2);
SYSCALL_DEFINE(292, dup3);
SYSCALL_DEFINE(72, fcntl);
SYSCALL_DEFINE(73, flock);
