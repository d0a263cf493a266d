/*
 * Open files: creation on a vnode (running the driver's open hook) or on an
 * anonymous object (pipes), reference counting (release at the last put),
 * the open(2) algorithm, directory files, and the generic lseek.
 */
#include <fs/eventpoll.h>
#include <fs/fdtable.h>
#include <fs/locks.h>
#include <fs/namei.h>
#include <fs/path.h>
#include <fs/pipe.h>
#include <fs/ramfs.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/rlimit.h>

/* Anonymous vnodes (pipes...) live on a superblock of their own. */
static struct superblock anon_sb = {.name = "pipefs", .magic = 0x50495045, .dev = 3, .next_ino = 0};
static const struct vnode_ops anon_ops = {0};

static off_t dir_lseek(struct file *f, off_t off, int whence)
{
    /* cookies are opaque: only rewinding and telldir/seekdir values are meaningful */
    if (whence == SEEK_SET && off >= 0) {
        f->offset = (uint64_t)off;
        return off;
    }
    if (whence == SEEK_CUR && off == 0)
        return (off_t)f->offset;
    return -EINVAL;
}

static const struct file_ops dir_fops = {.lseek = dir_lseek};
/* An O_PATH descriptor of what has nothing to open: a FIFO (opening one
 * would wait for the other end), a symlink itself (O_NOFOLLOW), a node with
 * no operations. */
static const struct file_ops path_fops = {0};

static struct file *file_new(struct vnode *v, const struct file_ops *ops, void *priv, int flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->refcount = 1;
    f->vnode = v;
    f->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    f->ops = ops;
    f->private_data = priv;
    return f;
}

/* The vnode has no fops: opening it again through /proc/<pid>/fd/N fails
 * (ENXIO, as Linux for sockets) unless its owner sets fops that can (pipes). */
struct file *file_alloc_mode(const struct file_ops *ops, void *priv, int flags, mode_t mode)
{
    return file_alloc_sb(&anon_sb, ops, priv, flags, mode);
}

struct file *file_alloc_sb(struct superblock *sb, const struct file_ops *ops, void *priv, int flags, mode_t mode)
{
    struct vnode *v = vnode_alloc(sb, &anon_ops, mode);
    if (!v)
        return NULL;
    v->flags |= VN_TRANSIENT;
    struct file *f = file_new(v, ops, priv, flags);
    if (!f)
        vnode_put(v);
    else
        __atomic_add_fetch(&sb->users, 1, __ATOMIC_RELAXED);   /* file_put unuses it */
    return f;
}

struct file *file_alloc(const struct file_ops *ops, void *priv, int flags)
{
    return file_alloc_mode(ops, priv, flags, S_IFIFO | 0600);
}

int anon_fd_install(struct superblock *sb, const struct file_ops *ops, void *priv, int flags)
{
    struct file *f = file_alloc_sb(sb, ops, priv, O_RDWR | (flags & O_NONBLOCK), 0600);
    if (!f) {
        kfree(priv);
        return -ENOMEM;
    }
    int fd = fd_install(f, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

void file_get(struct file *f)
{
    __atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
    if (!f)
        return;
    int left = __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL);
    BUG_ON(left < 0);
    if (left)
        return;
    locks_remove_file(f);               /* its flock and OFD locks */
    if (f->ep_links.next)
        eventpoll_release_file(f);      /* epolls forget it before it goes */
    if ((f->flags & O_ASYNC) && f->ops && f->ops->fasync)
        f->ops->fasync(f, -1, false);   /* off its object's O_ASYNC list */
    if (f->ops && f->ops->release)
        f->ops->release(f);
    if (f->writer)
        vnode_put_write_access(f->vnode);
    vnode_unuse(f->vnode);
    kfree(f);
}

int vfs_open_vnode(struct vnode *v, int flags, struct file **out)
{
    const struct file_ops *ops = v->type == VDIR ? &dir_fops : v->fops;
    if ((flags & O_PATH) && (!ops || v->type == VFIFO || v->type == VLNK))
        ops = &path_fops;
    else if (!ops && v->type == VFIFO)  /* a named pipe of any file system */
        ops = &fifo_fops;
    if (!ops)
        return v->type == VCHR || v->type == VBLK || v->type == VFIFO || v->type == VSOCK ? -ENXIO : -EINVAL;
    /* a regular file opened for writing excludes running it (ETXTBSY) */
    bool writer = v->type == VREG && !(flags & O_PATH) && (flags & O_ACCMODE) != O_RDONLY;
    int err = writer ? vnode_get_write_access(v) : 0;
    if (err)
        return err;
    struct file *f = file_new(v, ops, v->fops_priv, flags);
    if (!f) {
        if (writer)
            vnode_put_write_access(v);
        return -ENOMEM;
    }
    f->writer = writer;
    vnode_use(v);
    if (ops->open) {
        err = ops->open(v, f);
        if (err < 0) {
            if (writer)
                vnode_put_write_access(v);
            vnode_unuse(v);
            kfree(f);
            return err;
        }
    }
    *out = f;
    return 0;
}

/* Resolve for O_CREAT: create the last component if absent, following a
 * symlink there (even a dangling one) unless O_NOFOLLOW.  vfs_ns_lock held. */
static int open_create(struct vnode *start, const char *path, int flags, mode_t mode,
                       struct vnode **out, bool *created)
{
    int links = SYMLOOP_MAX;
    struct vnode *dir = NULL;
    const char *name;
    size_t len;
    bool trailing;
    int err = walk_parent(start, path, &dir, &name, &len, &trailing);
    while (!err) {
        struct vnode *v;
        if (!name || path_dot_kind(name, len)) {            /* "/", ".", ".." */
            err = -EISDIR;
            break;
        }
        err = walk_step(dir, name, len, &v);
        if (err == -ENOENT) {
            if (trailing)
                err = -EISDIR;
            else if (!dir->ops || !dir->ops->create)
                err = -EACCES;
            else if (!(err = vnode_permission(dir, MAY_WRITE | MAY_EXEC)))
                err = dir->ops->create(dir, name, len, S_IFREG | (mode & S_IALLUGO), 0, out);
            *created = err == 0;
            break;
        }
        if (err)
            break;
        if (flags & O_EXCL) {
            vnode_put(v);
            err = -EEXIST;
            break;
        }
        if (v->type != VLNK) {
            *out = v;
            break;
        }
        if (flags & O_NOFOLLOW) {
            vnode_put(v);
            err = -ELOOP;
            break;
        }
        if (v->ops->get_link) {     /* /dev/stdout: the open file's own vnode */
            err = walk_follow(dir, v, WALK_FOLLOW, &links, out);
            vnode_put(v);
            break;
        }
        /* continue with the link's target, relative to the link's directory */
        if (--links < 0 || !v->ops->readlink) {
            vnode_put(v);
            err = -ELOOP;
            break;
        }
        char *target = kmalloc(PATH_MAX);
        ssize_t n = target ? v->ops->readlink(v, target, PATH_MAX - 1) : -ENOMEM;
        vnode_put(v);
        if (n < 0) {
            kfree(target);
            err = (int)n;
            break;
        }
        target[n] = '\0';
        struct vnode *ndir;
        err = walk_parent(dir, target, &ndir, &name, &len, &trailing);
        if (!err) {
            vnode_put(dir);
            dir = ndir;
            /* `name` points into target: copy it before freeing */
            char comp[NAME_MAX + 1];
            if (name)
                memcpy(comp, name, len);
            kfree(target);
            if (!name) {
                err = -EISDIR;
                break;
            }
            struct vnode *nv;
            int e2 = walk_step(dir, comp, len, &nv);
            if (e2 == -ENOENT) {
                err = trailing ? -EISDIR
                      : !dir->ops || !dir->ops->create ? -EACCES
                      : vnode_permission(dir, MAY_WRITE | MAY_EXEC)
                          ?: dir->ops->create(dir, comp, len, S_IFREG | (mode & S_IALLUGO), 0, out);
                *created = err == 0;
                break;
            }
            if (e2) {
                err = e2;
                break;
            }
            if (nv->type == VLNK) {   /* a chain of links: resolve the rest normally */
                struct vnode *res;
                err = walk_follow(dir, nv, WALK_FOLLOW, &links, &res);
                vnode_put(nv);
                if (!err)
                    *out = res;
                break;
            }
            *out = nv;
            break;
        }
        kfree(target);
    }
    if (dir)
        vnode_put(dir);
    return err;
}

int vfs_openat(struct vnode *start, const char *path, int flags, mode_t mode, struct file **out)
{
    struct vnode *v = NULL;
    int acc = flags & O_ACCMODE;
    int err;
    bool created = false;               /* a new file is opened whatever its mode says */
    if (acc == 3)
        return -EINVAL;
    vfs_lock();
    if (flags & O_CREAT)
        err = open_create(start, path, flags, mode, &v, &created);
    else
        err = walk_path(start, path, (flags & O_NOFOLLOW) ? 0 : WALK_FOLLOW, &v);
    if (!err) {
        if (v->type == VLNK && !(flags & O_PATH))
            err = -ELOOP;                                   /* O_NOFOLLOW on a symlink */
        else if ((flags & O_DIRECTORY) && v->type != VDIR)
            err = -ENOTDIR;
        else if (v->type == VDIR && (acc != O_RDONLY || (flags & (O_TRUNC | O_CREAT))))
            err = -EISDIR;
        else if (!(flags & O_PATH) && !created &&
                 (err = vnode_permission(v, (acc != O_WRONLY ? MAY_READ : 0) |
                                                (acc != O_RDONLY || (flags & O_TRUNC) ? MAY_WRITE : 0))))
            ;                                               /* EACCES: the mode bits say no */
        else if (!(flags & O_PATH) && v->type == VREG && (acc != O_RDONLY || (flags & O_TRUNC)) &&
                 (err = vnode_check_rofs(v)))
            ;                                               /* EROFS: a read-only mount */
        else if (!(flags & O_PATH) && v->type == VREG && (acc != O_RDONLY || (flags & O_TRUNC)) &&
                 READ_ONCE(v->writecount) < 0)
            err = -ETXTBSY;                                 /* a program running */
        else if (v->type == VREG && (flags & O_TRUNC) && acc != O_RDONLY && v->ops->truncate) {
            uint64_t old = READ_ONCE(v->size);
            err = v->ops->truncate(v, 0);
            if (!err && old)
                vm_file_truncated(v, 0);
        }
    }
    vfs_unlock();
    if (!err)
        err = vfs_open_vnode(v, flags, out);
    vnode_put(v);
    return err;
}

int vfs_open_tmpfile(struct vnode *start, const char *path, int flags, mode_t mode, struct file **out)
{
    struct vnode *dir = NULL, *v = NULL;
    vfs_lock();
    int err = walk_path(start, path, WALK_FOLLOW, &dir);
    if (!err) {
        if (dir->type != VDIR)
            err = -ENOTDIR;
        else if (!dir->ops->tmpfile)
            err = -EOPNOTSUPP;
        else if (!(err = vnode_permission(dir, MAY_WRITE | MAY_EXEC)) &&
                 !(err = dir->ops->tmpfile(dir, S_IFREG | (mode & S_IALLUGO), &v)) && !(flags & O_EXCL))
            v->flags |= VN_LINKABLE;
        vnode_put(dir);
    }
    vfs_unlock();
    if (!err) {
        err = vfs_open_vnode(v, flags & ~(O_TMPFILE | O_EXCL), out);
        vnode_put(v);                   /* the file holds it: it goes with the last close */
    }
    return err;
}

int vfs_open_kernel(const char *path, int flags, struct file **out)
{
    struct task *t = current;
    struct vnode *start = task_cwd(t);
    int err = vfs_openat(start, path, flags, 0644, out);
    vnode_put(start);
    return err;
}

off_t generic_file_lseek(struct file *f, off_t off, int whence)
{
    int64_t size = (int64_t)READ_ONCE(f->vnode->size), base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->offset; break;
    case SEEK_END: base = size; break;
    case SEEK_DATA:
    case SEEK_HOLE:
        if (off < 0 || off >= size)
            return -ENXIO;
        return (off_t)(f->offset = whence == SEEK_DATA ? (uint64_t)off : (uint64_t)size);
    default: return -EINVAL;
    }
    int64_t pos;
    if (__builtin_add_overflow(base, off, &pos) || pos < 0)
        return -EINVAL;
    f->offset = (uint64_t)pos;
    return pos;
}

int vfs_fallocate(struct file *f, int mode, int64_t off, int64_t len)
{
    const int known = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_NO_HIDE_STALE |
                      FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE |
                      FALLOC_FL_UNSHARE_RANGE;
    if (off < 0 || len <= 0)
        return -EINVAL;
    if ((mode & ~known) || (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) ==
                               (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
        return -EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
        return -EOPNOTSUPP;
    if (((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE)) ||
        ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE)) ||
        ((mode & FALLOC_FL_UNSHARE_RANGE) && (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE))))
        return -EINVAL;
    int acc = f->flags & O_ACCMODE;
    if ((f->flags & O_PATH) || (acc != O_WRONLY && acc != O_RDWR))
        return -EBADF;
    struct vnode *v = f->vnode;
    if (v->type == VFIFO)
        return -ESPIPE;
    if (v->type == VDIR)
        return -EISDIR;
    if (v->type != VREG)
        return -ENODEV;
    int64_t end;
    if (__builtin_add_overflow(off, len, &end))
        return -EFBIG;
    if (!v->ops->fallocate)
        return -EOPNOTSUPP;
    return v->ops->fallocate(v, mode, (uint64_t)off, (uint64_t)len);
}

off_t noop_lseek(struct file *f, off_t off, int whence)
{
    f->offset = 0;
    return 0;
}

/* Descriptor operations on the current task's table. */
int fd_install(struct file *f, int flags)
{
    return fdt_alloc(current->files, f, 0, flags & O_CLOEXEC);
}

struct file *fd_get(int fd)
{
    struct task *t = current;
    return t && t->files ? fdt_get(t->files, fd) : NULL;
}

int fd_limit(void)
{
    uint64_t lim = current ? rlimit_cur(current, RLIMIT_NOFILE) : NR_OPEN_MAX;
    return (int)MIN(lim, (uint64_t)NR_OPEN_MAX);
}

struct file *fd_get_io(int fd)
{
    struct file *f = fd_get(fd);
    if (f && (f->flags & O_PATH)) {
        file_put(f);
        return NULL;
    }
    return f;
}

int fd_close(int fd)
{
    return fdt_close(current->files, fd);
}
