/*
 * Vnode lifetime and attributes: allocation with a fresh inode number,
 * atomic reference counts (a vnode dies with its last reference: directory
 * entries hold one reference per name, so an unlinked file that is still open
 * stays readable until its last close), link counts, timestamps, stat, and the
 * non-sleeping data accessors used by exec and the page-fault handler.
 */
#include <fs/namei.h>
#include <fs/vfs.h>
#include <fs/xattr.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>

static enum vtype mode_to_vtype(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return VREG;
    case S_IFDIR: return VDIR;
    case S_IFLNK: return VLNK;
    case S_IFCHR: return VCHR;
    case S_IFBLK: return VBLK;
    case S_IFIFO: return VFIFO;
    case S_IFSOCK: return VSOCK;
    default: return VNON;
    }
}

struct vnode *vnode_alloc(struct superblock *sb, const struct vnode_ops *ops, mode_t mode)
{
    struct vnode *v = kzalloc(sizeof(*v));
    if (!v)
        return NULL;
    v->type = mode_to_vtype(mode);
    v->mode = mode;
    v->ino = __atomic_add_fetch(&sb->next_ino, 1, __ATOMIC_RELAXED);
    v->sb = sb;
    sb_get(sb);
    __atomic_add_fetch(&sb->inodes_used, 1, __ATOMIC_RELAXED);
    v->ops = ops;
    v->refcount = 1;
    v->nlink = 1;
    spin_init(&v->lock, "vnode");
    uint64_t now = time_realtime_ns();
    v->atime_ns = v->mtime_ns = v->ctime_ns = now;
    return v;
}

void vnode_get(struct vnode *v)
{
    __atomic_add_fetch(&v->refcount, 1, __ATOMIC_RELAXED);
}

void vnode_set_transient(struct vnode *v, struct vnode *parent)
{
    v->flags |= VN_TRANSIENT;
    vnode_get(parent);
    v->parent = parent;
}

/* Frees v and, iteratively, any parent directory whose last reference was
 * the child's back-pointer (a removed directory chain held only by a cwd). */
void vnode_put(struct vnode *v)
{
    while (v) {
        int left = __atomic_sub_fetch(&v->refcount, 1, __ATOMIC_ACQ_REL);
        BUG_ON(left < 0);
        if (left)
            return;
        struct vnode *parent = v->parent;
        BUG_ON(v->flctx);               /* a lock or a waiter implies an open file */
        struct superblock *sb = v->sb;
        if (v->ops && v->ops->destroy)
            v->ops->destroy(v);
        xattr_free_all(v);
        kfree(v);
        __atomic_sub_fetch(&sb->inodes_used, 1, __ATOMIC_RELAXED);
        sb_put(sb);
        v = parent;
    }
}

/* Moves v's writecount by `step` unless that would cross zero from the
 * other side: +1 fails while it is negative, -1 while it is positive. */
static int writecount_step(struct vnode *v, int step)
{
    int c = __atomic_load_n(&v->writecount, __ATOMIC_RELAXED);
    do {
        if ((step > 0 && c < 0) || (step < 0 && c > 0))
            return -ETXTBSY;
    } while (!__atomic_compare_exchange_n(&v->writecount, &c, c + step, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    return 0;
}

int vnode_get_write_access(struct vnode *v)
{
    int err = writecount_step(v, 1);
    if (!err)
        __atomic_add_fetch(&v->sb->writers, 1, __ATOMIC_RELAXED);
    return err;
}

void vnode_put_write_access(struct vnode *v)
{
    __atomic_sub_fetch(&v->sb->writers, 1, __ATOMIC_RELAXED);
    __atomic_sub_fetch(&v->writecount, 1, __ATOMIC_ACQ_REL);
}

int vnode_deny_write_access(struct vnode *v) { return writecount_step(v, -1); }

void vnode_allow_write_access(struct vnode *v) { __atomic_add_fetch(&v->writecount, 1, __ATOMIC_ACQ_REL); }

void vnode_use(struct vnode *v)
{
    vnode_get(v);
    __atomic_add_fetch(&v->sb->users, 1, __ATOMIC_RELAXED);
}

void vnode_unuse(struct vnode *v)
{
    if (!v)
        return;
    struct superblock *sb = v->sb;
    /* sequentially consistent, as umount2's drop of `mounts` and its look at
     * `users` are: of two last drops racing, one at least sees both at 0 */
    if (__atomic_sub_fetch(&sb->users, 1, __ATOMIC_SEQ_CST) == 0 && sb->kill &&
        __atomic_load_n(&sb->mounts, __ATOMIC_SEQ_CST) == 0) {
        /* an unmounted tmpfs's last use: its names go (v's reference keeps
         * sb alive meanwhile) */
        bool held = mutex_held(&vfs_ns_lock);
        if (!held)
            vfs_lock();
        sb_kill_if_unused(sb);
        if (!held)
            vfs_unlock();
    }
    vnode_put(v);
}

void sb_kill_if_unused(struct superblock *sb)
{
    if (sb->kill && !sb->killed && __atomic_load_n(&sb->mounts, __ATOMIC_SEQ_CST) == 0 &&
        __atomic_load_n(&sb->users, __ATOMIC_SEQ_CST) == 0) {
        sb->killed = true;
        sb->kill(sb);
    }
}

void sb_get(struct superblock *sb)
{
    if (sb->release)
        __atomic_add_fetch(&sb->refs, 1, __ATOMIC_RELAXED);
}

void sb_put(struct superblock *sb)
{
    if (sb->release && __atomic_sub_fetch(&sb->refs, 1, __ATOMIC_ACQ_REL) == 0)
        sb->release(sb);
}

void vnode_add_link(struct vnode *v)
{
    spin_lock(&v->lock);
    v->nlink++;
    v->ctime_ns = time_realtime_ns();
    spin_unlock(&v->lock);
}

void vnode_drop_link(struct vnode *v)
{
    spin_lock(&v->lock);
    if (v->nlink)
        v->nlink--;
    v->ctime_ns = time_realtime_ns();
    spin_unlock(&v->lock);
}

void vnode_touch(struct vnode *v, bool atime, bool mtime, bool ctime)
{
    uint64_t now = time_realtime_ns();
    spin_lock(&v->lock);
    if (atime)
        v->atime_ns = now;
    if (mtime)
        v->mtime_ns = now;
    if (ctime)
        v->ctime_ns = now;
    spin_unlock(&v->lock);
}

void vnode_stat(struct vnode *v, struct linux_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = v->sb ? v->sb->dev : 0;
    st->st_ino = v->ino;
    st->st_rdev = v->rdev;
    st->st_blksize = PAGE_SIZE;
    spin_lock(&v->lock);
    st->st_mode = v->mode;
    st->st_nlink = v->nlink;
    st->st_uid = v->uid;
    st->st_gid = v->gid;
    st->st_size = (int64_t)v->size;
    st->st_blocks = (int64_t)v->blocks;
    st->st_atime_sec = v->atime_ns / 1000000000ULL;
    st->st_atime_nsec = v->atime_ns % 1000000000ULL;
    st->st_mtime_sec = v->mtime_ns / 1000000000ULL;
    st->st_mtime_nsec = v->mtime_ns % 1000000000ULL;
    st->st_ctime_sec = v->ctime_ns / 1000000000ULL;
    st->st_ctime_nsec = v->ctime_ns % 1000000000ULL;
    spin_unlock(&v->lock);
}

/* Never sleeps: callable from the page-fault path with spinlocks held. */
ssize_t vnode_read_kernel(struct vnode *v, uint64_t off, void *kbuf, size_t len)
{
    if (v->type == VDIR)
        return -EISDIR;
    if (!v->ops || !v->ops->read_kernel)
        return -EINVAL;
    return v->ops->read_kernel(v, off, kbuf, len);
}

int vnode_get_page_shared(struct vnode *v, uint64_t index, phys_t *out)
{
    if (v->type != VREG || !v->ops || !v->ops->get_page_shared)
        return -ENODEV;
    return v->ops->get_page_shared(v, index, out);
}

phys_t vnode_get_page(struct vnode *v, uint64_t index)
{
    if (v->type != VREG || !v->ops || !v->ops->get_page)
        return 0;
    return v->ops->get_page(v, index);
}
