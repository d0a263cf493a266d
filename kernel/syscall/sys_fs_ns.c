/*
 * Syscalls that change the name space or attributes: mkdir, mknod, rmdir, unlink,
 * link, symlink, rename (all with their *at forms), chmod/chown families,
 * utimensat, truncate/ftruncate, and the per-process cwd and umask
 * (chdir, fchdir, getcwd, umask).  Each resolves the parent directory and
 * runs the file system's hook under vfs_ns_lock, then maps the special last
 * components ("/", ".", "..") to the errno Linux gives for that call.
 */
#include <fs/fsyscall.h>
#include <fs/mount.h>
#include <fs/path.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>

/* A resolved "parent directory + last name" operation in progress. */
struct pctx {
    char *path;
    struct vnode *dir;
    const char *name;       /* NULL for "/" */
    size_t len;
    bool trailing;
    int dots;               /* path_dot_kind(name) */
};

/* On success vfs_ns_lock is held and parent_end() must follow. */
static int parent_begin(int dirfd, const char __user *upath, struct pctx *p)
{
    memset(p, 0, sizeof(*p));
    int err = path_from_user(upath, &p->path);
    if (err)
        return err;
    struct vnode *start;
    if (!p->path[0])
        err = -ENOENT;
    else if ((err = at_start(dirfd, p->path, &start)) == 0) {
        vfs_lock();
        err = walk_parent(start, p->path, &p->dir, &p->name, &p->len, &p->trailing);
        vnode_put(start);
        if (err)
            vfs_unlock();
        else if (p->name)
            p->dots = path_dot_kind(p->name, p->len);
    }
    if (err)
        kfree(p->path);
    return err;
}

static void parent_end(struct pctx *p)
{
    vfs_unlock();
    vnode_put(p->dir);
    kfree(p->path);
}

/* Making a new name in dir: EEXIST first if it is taken, then write and
 * search permission on the directory (Linux's order). */
static int may_create(struct vnode *dir, const char *name, size_t len)
{
    struct vnode *v;
    if (walk_step(dir, name, len, &v) == 0) {
        vnode_put(v);
        return -EEXIST;
    }
    return vnode_permission(dir, MAY_WRITE | MAY_EXEC);
}

/* Removing victim's name from dir: write and search permission on the
 * directory, and in a sticky one ownership of the file or the directory. */
static int may_delete(struct vnode *dir, struct vnode *victim)
{
    int err = vnode_permission(dir, MAY_WRITE | MAY_EXEC);
    return err ? err : sticky_check(dir, victim);
}

/* The same for a name not looked up yet: ENOENT first if it is absent. */
static int may_delete_name(struct vnode *dir, const char *name, size_t len)
{
    struct vnode *v;
    int err = walk_step(dir, name, len, &v);
    if (err)
        return err;
    err = may_delete(dir, v);
    vnode_put(v);
    return err;
}

static long sys_mkdirat(long dirfd, const char __user *path, long mode)
{
    struct pctx p;
    int err = parent_begin((int)dirfd, path, &p);
    if (err)
        return err;
    struct vnode *v;
    if (!p.name || p.dots)
        err = -EEXIST;
    else if (!p.dir->ops->mkdir)
        err = -EPERM;
    else if ((err = may_create(p.dir, p.name, p.len)))
        ;
    else if ((err = p.dir->ops->mkdir(p.dir, p.name, p.len, (mode_t)mode & 07777 & ~task_umask(current), &v)) == 0)
        vnode_put(v);
    parent_end(&p);
    return err;
}

static long sys_mkdir(const char __user *path, long mode) { return sys_mkdirat(AT_FDCWD, path, mode); }

/* mknod: regular files, FIFOs and socket nodes for anyone who may create
 * in the directory; character and block devices with CAP_MKNOD, their
 * number recorded for st_rdev (opening one gives ENXIO: no driver answers
 * to a number).  A directory is EPERM and any other type EINVAL before the
 * path is looked at; then EEXIST, EACCES, and EPERM for a device, in
 * Linux's order. */
static long sys_mknodat(long dirfd, const char __user *path, long mode, long dev)
{
    mode_t type = (mode_t)mode & S_IFMT;
    switch (type) {
    case 0:
        type = S_IFREG;
        break;
    case S_IFREG:
    case S_IFIFO:
    case S_IFSOCK:
    case S_IFCHR:
    case S_IFBLK:
        break;
    case S_IFDIR:
        return -EPERM;
    default:
        return -EINVAL;
    }
    bool device = type == S_IFCHR || type == S_IFBLK;
    struct pctx p;
    int err = parent_begin((int)dirfd, path, &p);
    if (err)
        return err;
    struct vnode *v;
    dev_t rdev = device ? (uint32_t)dev : 0;
    if (!p.name || p.dots)
        err = -EEXIST;
    else if (p.trailing) {          /* "name/": EEXIST if the name exists, ENOENT if not */
        if ((err = walk_step(p.dir, p.name, p.len, &v)) == 0) {
            vnode_put(v);
            err = -EEXIST;
        }
    } else if (!p.dir->ops->create)
        err = -EPERM;
    else if ((err = may_create(p.dir, p.name, p.len)))
        ;
    else if (device && !capable(CAP_MKNOD))
        err = -EPERM;
    else if ((err = p.dir->ops->create(p.dir, p.name, p.len,
                                       type | ((mode_t)mode & 07777 & ~task_umask(current)), rdev, &v)) == 0)
        vnode_put(v);
    parent_end(&p);
    return err;
}

static long sys_mknod(const char __user *path, long mode, long dev) { return sys_mknodat(AT_FDCWD, path, mode, dev); }

static long do_rmdir(int dirfd, const char __user *path)
{
    struct pctx p;
    int err = parent_begin(dirfd, path, &p);
    if (err)
        return err;
    if (!p.name)
        err = -EBUSY;
    else if (p.dots)
        err = p.dots == 1 ? -EINVAL : -ENOTEMPTY;
    else if (!p.dir->ops->rmdir)
        err = -EPERM;
    else if (!(err = may_delete_name(p.dir, p.name, p.len)))
        err = p.dir->ops->rmdir(p.dir, p.name, p.len);
    parent_end(&p);
    return err;
}

static long do_unlink(int dirfd, const char __user *path)
{
    struct pctx p;
    int err = parent_begin(dirfd, path, &p);
    if (err)
        return err;
    struct vnode *v;
    if (!p.name || p.dots)
        err = -EISDIR;
    else if (p.trailing) {               /* "name/": a directory is EISDIR, else ENOTDIR */
        if ((err = walk_step(p.dir, p.name, p.len, &v)) == 0) {
            err = v->type == VDIR ? -EISDIR : -ENOTDIR;
            vnode_put(v);
        }
    } else if (!p.dir->ops->unlink)
        err = -EPERM;
    else if (!(err = may_delete_name(p.dir, p.name, p.len)))
        err = p.dir->ops->unlink(p.dir, p.name, p.len);
    parent_end(&p);
    return err;
}

static long sys_rmdir(const char __user *path) { return do_rmdir(AT_FDCWD, path); }
static long sys_unlink(const char __user *path) { return do_unlink(AT_FDCWD, path); }

static long sys_unlinkat(long dirfd, const char __user *path, long flags)
{
    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    return flags & AT_REMOVEDIR ? do_rmdir((int)dirfd, path) : do_unlink((int)dirfd, path);
}

static long sys_symlinkat(const char __user *utarget, long dirfd, const char __user *path)
{
    char *target = NULL;
    int err = path_from_user(utarget, &target);
    if (err)
        return err;
    struct pctx p;
    if (!target[0])
        err = -ENOENT;
    else if ((err = parent_begin((int)dirfd, path, &p)) == 0) {
        struct vnode *v;
        if (!p.name || p.dots || p.trailing)
            err = -EEXIST;
        else if (!p.dir->ops->symlink)
            err = -EPERM;
        else if ((err = may_create(p.dir, p.name, p.len)))
            ;
        else if ((err = p.dir->ops->symlink(p.dir, p.name, p.len, target, &v)) == 0)
            vnode_put(v);
        parent_end(&p);
    }
    kfree(target);
    return err;
}

static long sys_symlink(const char __user *target, const char __user *path)
{
    return sys_symlinkat(target, AT_FDCWD, path);
}

static long sys_linkat(long olddfd, const char __user *oldpath, long newdfd, const char __user *newpath, long flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct vnode *src;
    int err = at_resolve((int)olddfd, oldpath,
                         (flags & AT_EMPTY_PATH) | ((flags & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW), &src);
    if (err)
        return err;
    struct pctx p;
    if (src->type == VDIR)
        err = -EPERM;
    else if ((err = parent_begin((int)newdfd, newpath, &p)) == 0) {
        if (!p.name || p.dots || p.trailing)
            err = -EEXIST;
        else if (p.dir->sb != src->sb)
            err = -EXDEV;
        else if (!p.dir->ops->link)
            err = -EPERM;
        else if (!(err = may_create(p.dir, p.name, p.len)))
            err = p.dir->ops->link(p.dir, p.name, p.len, src);
        parent_end(&p);
    }
    vnode_put(src);
    return err;
}

static long sys_link(const char __user *oldpath, const char __user *newpath)
{
    return sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

static long sys_renameat2(long olddfd, const char __user *oldpath, long newdfd, const char __user *newpath,
                   long flags)
{
    bool exchange = flags & RENAME_EXCHANGE;
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) ||
        (exchange && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT))))
        return -EINVAL;
    /* Resolve both parents under one hold of the lock: resolve the old one
     * through parent_begin, then the new one with the lock already held. */
    struct pctx o;
    int err = parent_begin((int)olddfd, oldpath, &o);
    if (err)
        return err;
    char *npath = NULL;
    struct vnode *nstart = NULL, *ndir = NULL, *src = NULL, *tgt = NULL;
    const char *nname = NULL;
    size_t nlen = 0;
    bool ntrail = false;
    vfs_unlock();                    /* user copies and fd lookups happen unlocked */
    err = path_from_user(newpath, &npath);
    if (!err && !npath[0])
        err = -ENOENT;
    if (!err)
        err = at_start((int)newdfd, npath, &nstart);
    vfs_lock();
    if (!err)
        err = walk_parent(nstart, npath, &ndir, &nname, &nlen, &ntrail);
    if (err)
        goto out;
    if (!o.name || o.dots || !nname || path_dot_kind(nname, nlen)) {
        err = -EBUSY;
        goto out;
    }
    if ((err = walk_step(o.dir, o.name, o.len, &src)) < 0)
        goto out;
    if ((o.trailing || (ntrail && !exchange)) && src->type != VDIR) {
        err = -ENOTDIR;
        goto out;
    }
    if (o.dir->sb != ndir->sb || src->sb != ndir->sb) {
        err = -EXDEV;
        goto out;
    }
    if (walk_step(ndir, nname, nlen, &tgt) == 0) {
        if (flags & RENAME_NOREPLACE) {
            err = -EEXIST;
            goto out;
        }
        if (tgt == src) {             /* the same file: nothing to do */
            err = 0;
            goto out;
        }
    } else if (exchange) {
        err = -ENOENT;               /* both names must exist to swap */
        goto out;
    }
    if (exchange && ntrail && tgt->type != VDIR) {
        err = -ENOTDIR;
        goto out;
    }
    if (src->type == VDIR && vfs_is_ancestor(src, ndir)) {
        err = -EINVAL;               /* moving a directory under itself */
        goto out;
    }
    if (tgt && tgt->type == VDIR && vfs_is_ancestor(tgt, o.dir)) {
        err = exchange ? -EINVAL : -ENOTEMPTY;
        goto out;
    }
    /* both directories must be writable, and the sticky rule holds for the
     * name moved and for the one replaced; a directory moved to another
     * parent must be writable itself (its ".." changes) */
    if ((err = may_delete(o.dir, src)) || (err = tgt ? may_delete(ndir, tgt) : vnode_permission(ndir, MAY_WRITE | MAY_EXEC)))
        goto out;
    if (src->type == VDIR && ndir != o.dir && (err = vnode_permission(src, MAY_WRITE)))
        goto out;
    if (exchange && tgt->type == VDIR && ndir != o.dir && (err = vnode_permission(tgt, MAY_WRITE)))
        goto out;
    if (exchange)
        err = o.dir->ops->exchange ? o.dir->ops->exchange(o.dir, o.name, o.len, vfs_real_dir(ndir), nname, nlen)
                                   : -EINVAL;
    else
        err = o.dir->ops->rename ? o.dir->ops->rename(o.dir, o.name, o.len, vfs_real_dir(ndir), nname, nlen,
                                                      (unsigned)(flags & RENAME_WHITEOUT))
                                 : -EPERM;
out:
    vnode_put(src);
    vnode_put(tgt);
    vnode_put(ndir);
    vnode_put(nstart);
    kfree(npath);
    parent_end(&o);
    return err;
}

static long sys_renameat(long olddfd, const char __user *oldpath, long newdfd, const char __user *newpath)
{
    return sys_renameat2(olddfd, oldpath, newdfd, newpath, 0);
}

static long sys_rename(const char __user *oldpath, const char __user *newpath)
{
    return sys_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* chmod: the owner or CAP_FOWNER; a set-group-id bit for a group the
 * caller is not in is dropped (unless CAP_FSETID), as Linux does. */
static int set_mode(struct vnode *v, mode_t m)
{
    if (vnode_check_rofs(v))
        return -EROFS;
    if (!owner_or_capable(v))
        return -EPERM;
    if ((m & S_ISGID) && !in_group(v->gid) && !capable(CAP_FSETID))
        m &= ~(mode_t)S_ISGID;
    spin_lock(&v->lock);
    v->mode = (v->mode & S_IFMT) | (m & S_IALLUGO);
    spin_unlock(&v->lock);
    vnode_touch(v, false, false, true);
    return 0;
}

static long sys_fchmodat(long dirfd, const char __user *path, long mode)
{
    struct vnode *v;
    int err = at_resolve((int)dirfd, path, 0, &v);
    if (err)
        return err;
    err = set_mode(v, (mode_t)mode);
    vnode_put(v);
    return err;
}

static long sys_chmod(const char __user *path, long mode) { return sys_fchmodat(AT_FDCWD, path, mode); }

static long sys_fchmod(long fd, long mode)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    int err = set_mode(f->vnode, (mode_t)mode);
    file_put(f);
    return err;
}

/* chown, as Linux's chown_ok/chgrp_ok: setting the owner needs CAP_CHOWN
 * unless the owner sets it to itself; setting the group needs ownership
 * and membership of the group (or keeping the group), or CAP_CHOWN.  A
 * regular file then loses its set-user-id bit, and its set-group-id bit if
 * group-executable, whoever changed it. */
static int set_owner(struct vnode *v, long uid, long gid)
{
    uint32_t u = (uint32_t)uid, g = (uint32_t)gid;
    bool owner = !current || v->uid == current->fsuid;
    if (vnode_check_rofs(v))
        return -EROFS;
    if (u != (uint32_t)-1 && !(owner && u == v->uid) && !capable(CAP_CHOWN))
        return -EPERM;
    if (g != (uint32_t)-1 && !(owner && (in_group(g) || g == v->gid)) && !capable(CAP_CHOWN))
        return -EPERM;
    spin_lock(&v->lock);
    if (u != (uint32_t)-1)
        v->uid = u;
    if (g != (uint32_t)-1)
        v->gid = g;
    if (v->type == VREG && (u != (uint32_t)-1 || g != (uint32_t)-1)) {
        v->mode &= ~(mode_t)S_ISUID;
        if (v->mode & S_IXGRP)
            v->mode &= ~(mode_t)S_ISGID;
    }
    spin_unlock(&v->lock);
    vnode_touch(v, false, false, true);
    return 0;
}

static long sys_fchownat(long dirfd, const char __user *path, long uid, long gid, long flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct vnode *v;
    int err = at_resolve((int)dirfd, path, (int)flags, &v);
    if (err)
        return err;
    err = set_owner(v, uid, gid);
    vnode_put(v);
    return err;
}

static long sys_chown(const char __user *path, long uid, long gid) { return sys_fchownat(AT_FDCWD, path, uid, gid, 0); }
static long sys_lchown(const char __user *path, long uid, long gid)
{
    return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

static long sys_fchown(long fd, long uid, long gid)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    int err = set_owner(f->vnode, uid, gid);
    file_put(f);
    return err;
}

/* Linux's order: the times are read (EFAULT), and two UTIME_OMITs do
 * nothing at all, not even look at the path; a NULL path with a
 * descriptor (futimens) takes no flags (EINVAL) and no O_PATH descriptor
 * (EBADF), while a NULL path with AT_FDCWD is a path, EFAULT; the flags
 * of a path are checked before it is resolved; bad nanoseconds are
 * EINVAL once the file is found. */
static long sys_utimensat(long dirfd, const char __user *path, const struct linux_timespec __user *utimes, long flags)
{
    struct linux_timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    if (utimes && copy_from_user(ts, utimes, sizeof(ts)))
        return -EFAULT;
    if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
        return 0;
    struct vnode *v;
    int err;
    if (!path && (int)dirfd != AT_FDCWD) {
        if (flags)
            return -EINVAL;
        struct file *f = fd_get_io((int)dirfd);
        if (!f)
            return -EBADF;
        v = f->vnode;
        vnode_get(v);
        file_put(f);
    } else if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    else if (!path)
        return -EFAULT;
    else if ((err = at_resolve((int)dirfd, path, (int)flags, &v)) < 0)
        return err;
    for (int i = 0; i < 2; i++)
        if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
            (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000L)) {
            vnode_put(v);
            return -EINVAL;
        }
    /* setting the times to now needs ownership or write permission;
     * setting them to given values ownership (or CAP_FOWNER) */
    bool to_now = (ts[0].tv_nsec == UTIME_NOW || ts[0].tv_nsec == UTIME_OMIT) &&
                  (ts[1].tv_nsec == UTIME_NOW || ts[1].tv_nsec == UTIME_OMIT);
    if (vnode_check_rofs(v)) {
        vnode_put(v);
        return -EROFS;
    }
    if (!owner_or_capable(v) && (!to_now || vnode_permission(v, MAY_WRITE))) {
        vnode_put(v);
        return to_now ? -EACCES : -EPERM;
    }
    uint64_t now = time_realtime_ns();
    spin_lock(&v->lock);
    uint64_t *dst[2] = {&v->atime_ns, &v->mtime_ns};
    for (int i = 0; i < 2; i++) {
        if (ts[i].tv_nsec == UTIME_OMIT)
            continue;
        *dst[i] = ts[i].tv_nsec == UTIME_NOW ? now
                                             : (uint64_t)ts[i].tv_sec * 1000000000ULL + (uint64_t)ts[i].tv_nsec;
    }
    v->ctime_ns = now;
    spin_unlock(&v->lock);
    vnode_put(v);
    return 0;
}

static long do_truncate(struct vnode *v, long len)
{
    if (len < 0)
        return -EINVAL;
    if (v->type == VDIR)
        return -EISDIR;
    if (v->type != VREG || !v->ops->truncate)
        return -EINVAL;
    uint64_t old = READ_ONCE(v->size);
    long r = v->ops->truncate(v, (uint64_t)len);
    if (r == 0 && (uint64_t)len < old)
        vm_file_truncated(v, (uint64_t)len);   /* shared mappings lose the pages past the end */
    return r;
}

static long sys_truncate(const char __user *path, long len)
{
    struct vnode *v;
    int err = at_resolve(AT_FDCWD, path, 0, &v);
    if (err)
        return err;
    err = v->type == VDIR ? -EISDIR : vnode_permission(v, MAY_WRITE);
    if (!err)
        err = vnode_check_rofs(v);
    bool writer = !err && v->type == VREG;      /* a running program: ETXTBSY */
    if (writer && (err = vnode_get_write_access(v)))
        writer = false;
    if (!err)
        err = (int)do_truncate(v, len);
    if (writer)
        vnode_put_write_access(v);
    vnode_put(v);
    return err;
}

static long sys_ftruncate(long fd, long len)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    long err = (f->flags & O_ACCMODE) == O_RDONLY ? -EINVAL : do_truncate(f->vnode, len);
    file_put(f);
    return err;
}

/* chdir, fchdir: a directory the caller may search (EACCES otherwise). */
static long set_cwd(struct vnode *v)
{
    int err = v->type != VDIR ? -ENOTDIR : vnode_permission(v, MAY_EXEC);
    if (err) {
        vnode_put(v);
        return err;
    }
    task_set_cwd(current, v);
    return 0;
}

static long sys_chdir(const char __user *path)
{
    struct vnode *v;
    int err = at_resolve(AT_FDCWD, path, 0, &v);
    return err ? err : set_cwd(v);
}

static long sys_fchdir(long fd)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    struct vnode *v = f->vnode;
    vnode_get(v);
    file_put(f);
    return set_cwd(v);
}

static long sys_getcwd(char __user *ubuf, size_t size)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    struct vnode *cwd = task_cwd(current);
    long n = vfs_path_of(cwd, buf, PATH_MAX);
    vnode_put(cwd);
    if (n >= 0) {
        if ((size_t)n + 1 > size)
            n = -ERANGE;
        else if (copy_to_user(ubuf, buf, (size_t)n + 1))
            n = -EFAULT;
        else
            n += 1;                  /* the raw syscall returns the length with the NUL */
    }
    kfree(buf);
    return n;
}

static long sys_umask(long mask)
{
    return __atomic_exchange_n(&current->fs->umask, (mode_t)mask & 0777, __ATOMIC_RELAXED);
}

SYSCALL_DEFINE(83, mkdir);
SYSCALL_DEFINE(258, mkdirat);
SYSCALL_DEFINE(133, mknod);
SYSCALL_DEFINE(259, mknodat);
SYSCALL_DEFINE(84, rmdir);
SYSCALL_DEFINE(87, unlink);
SYSCALL_DEFINE(263, unlinkat);
SYSCALL_DEFINE(88, symlink);
SYSCALL_DEFINE(266, symlinkat);
SYSCALL_DEFINE(86, link);
SYSCALL_DEFINE(265, linkat);
SYSCALL_DEFINE(82, rename);
SYSCALL_DEFINE(264, renameat);
SYSCALL_DEFINE(316, renameat2);
SYSCALL_DEFINE(90, chmod);
SYSCALL_DEFINE(91, fchmod);
SYSCALL_DEFINE(268, fchmodat);
SYSCALL_DEFINE(92, chown);
SYSCALL_DEFINE(93, fchown);
SYSCALL_DEFINE(94, lchown);
SYSCALL_DEFINE(260, fchownat);
SYSCALL_DEFINE(280, utimensat);
SYSCALL_DEFINE(76, truncate);
SYSCALL_DEFINE(77, ftruncate);
SYSCALL_DEFINE(80, chdir);
SYSCALL_DEFINE(81, fchdir);
SYSCALL_DEFINE(79, getcwd);
SYSCALL_DEFINE(95, umask);
