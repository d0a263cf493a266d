/*
 * Syscalls that inspect the name space: the stat family (x86-64 struct
 * stat, AT_EMPTY_PATH on any fd type) and statx, statfs, access/faccessat,
 * readlink
 * and getdents64 (8-byte-aligned linux_dirent64 records, "." and ".." first).
 * access/faccessat check the mode bits with the real ids (AT_EACCESS: the
 * effective ones), as Linux does.
 */
#include <fs/fsyscall.h>
#include <fs/ramfs.h>
#include <fs/xattr.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <proc/cred.h>

static long stat_out(struct vnode *v, void __user *ubuf)
{
    struct linux_stat st;
    vnode_stat(v, &st);
    vnode_put(v);
    return copy_to_user(ubuf, &st, sizeof(st));
}

static long sys_newfstatat(long dirfd, const char __user *path, void __user *ubuf, long flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    struct vnode *v;
    int err = at_resolve((int)dirfd, path, (int)flags, &v);
    return err ? err : stat_out(v, ubuf);
}

/* statx(2)'s record (include/uapi/linux/stat.h), 256 bytes */
struct statx_time {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

struct linux_statx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, spare0;
    uint64_t ino, size, blocks, attributes_mask;
    struct statx_time atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mnt_id;
    uint32_t dio_mem_align, dio_offset_align;
    uint64_t spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");
_Static_assert(offsetof(struct linux_statx, atime) == 64, "stx_atime");
_Static_assert(offsetof(struct linux_statx, rdev_major) == 128, "stx_rdev_major");

#define STATX_BASIC_STATS 0x7ffU        /* type, mode, nlink, uid, gid, times, ino, size, blocks */
#define STATX_RESERVED 0x80000000U
#define AT_STATX_FORCE_SYNC 0x2000
#define AT_STATX_DONT_SYNC 0x4000

/* statx: the same facts as stat in the newer record; no birth time (the
 * mask says so, as Linux's ramfs does). */
static long sys_statx(long dirfd, const char __user *path, long flags, unsigned long mask, void __user *ubuf)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC))
        return -EINVAL;
    if ((flags & AT_STATX_FORCE_SYNC) && (flags & AT_STATX_DONT_SYNC))
        return -EINVAL;
    if (mask & STATX_RESERVED)
        return -EINVAL;
    struct vnode *v;
    int err = at_resolve((int)dirfd, path, (int)(flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)), &v);
    if (err)
        return err;
    struct linux_stat st;
    vnode_stat(v, &st);
    vnode_put(v);
    struct linux_statx x;
    memset(&x, 0, sizeof x);
    x.mask = STATX_BASIC_STATS;
    x.blksize = (uint32_t)st.st_blksize;
    x.nlink = (uint32_t)st.st_nlink;
    x.uid = st.st_uid;
    x.gid = st.st_gid;
    x.mode = (uint16_t)st.st_mode;
    x.ino = st.st_ino;
    x.size = (uint64_t)st.st_size;
    x.blocks = (uint64_t)st.st_blocks;
    x.atime = (struct statx_time){(int64_t)st.st_atime_sec, (uint32_t)st.st_atime_nsec, 0};
    x.mtime = (struct statx_time){(int64_t)st.st_mtime_sec, (uint32_t)st.st_mtime_nsec, 0};
    x.ctime = (struct statx_time){(int64_t)st.st_ctime_sec, (uint32_t)st.st_ctime_nsec, 0};
    x.rdev_major = dev_major(st.st_rdev);
    x.rdev_minor = dev_minor(st.st_rdev);
    x.dev_major = dev_major(st.st_dev);
    x.dev_minor = dev_minor(st.st_dev);
    return copy_to_user(ubuf, &x, sizeof x);
}

static long sys_stat(const char __user *path, void __user *ubuf) { return sys_newfstatat(AT_FDCWD, path, ubuf, 0); }
static long sys_lstat(const char __user *path, void __user *ubuf)
{
    return sys_newfstatat(AT_FDCWD, path, ubuf, AT_SYMLINK_NOFOLLOW);
}

static long sys_fstat(long fd, void __user *ubuf)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    struct vnode *v = f->vnode;
    vnode_get(v);
    file_put(f);
    return stat_out(v, ubuf);
}

static long statfs_out(struct vnode *v, void __user *ubuf)
{
    struct linux_statfs s;
    memset(&s, 0, sizeof(s));
    struct superblock *sb = v->sb;
    s.f_type = (int64_t)sb->magic;
    s.f_bsize = s.f_frsize = PAGE_SIZE;
    s.f_namelen = NAME_MAX;
    if (sb->max_pages) {
        /* a tmpfs: its limits, and what its files use */
        uint64_t used = READ_ONCE(sb->pages_used);
        s.f_blocks = sb->max_pages;
        s.f_bfree = s.f_bavail = sb->max_pages > used ? sb->max_pages - used : 0;
        /* free inodes: what is left of the inode space, which attributes use too */
        s.f_files = sb->max_inodes;
        s.f_ffree = sb_free_ispace(sb) / XATTR_INODE_SPACE;
    } else if (sb->magic == RAMFS_MAGIC || sb->magic == TMPFS_MAGIC) {
        /* ramfs can use all of RAM: report it, with what is in files as used */
        s.f_blocks = pmm_total_pages();
        s.f_bfree = s.f_bavail = pmm_free_pages();
        s.f_files = s.f_blocks;
        s.f_ffree = s.f_bfree;
    }
    if (sb->flags & SB_RDONLY)
        s.f_flags |= 1;          /* ST_RDONLY */
    s.f_fsid[0] = (int32_t)sb->dev;
    vnode_put(v);
    return copy_to_user(ubuf, &s, sizeof(s));
}

static long sys_statfs(const char __user *path, void __user *ubuf)
{
    struct vnode *v;
    int err = at_resolve(AT_FDCWD, path, 0, &v);
    return err ? err : statfs_out(v, ubuf);
}

static long sys_fstatfs(long fd, void __user *ubuf)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    struct vnode *v = f->vnode;
    vnode_get(v);
    file_put(f);
    return statfs_out(v, ubuf);
}

static long sys_faccessat2(long dirfd, const char __user *path, long mode, long flags)
{
    if (mode & ~(long)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct vnode *v;
    int err = at_resolve((int)dirfd, path, (int)flags, &v);
    if (err)
        return err;
    /* with the real ids, unless AT_EACCESS asks for the effective ones */
    int mask = (mode & R_OK ? MAY_READ : 0) | (mode & W_OK ? MAY_WRITE : 0) | (mode & X_OK ? MAY_EXEC : 0);
    /* writing a file, directory or symlink of a read-only file system
     * (not a device or FIFO: those write elsewhere) is EROFS, before the
     * mode bits are looked at */
    if ((mode & W_OK) && (v->type == VREG || v->type == VDIR || v->type == VLNK))
        err = vnode_check_rofs(v);
    if (mask && !err)
        err = (flags & AT_EACCESS) ? vnode_permission(v, mask) : vnode_permission_real(v, mask);
    vnode_put(v);
    return err;
}

static long sys_faccessat(long dirfd, const char __user *path, long mode)
{
    return sys_faccessat2(dirfd, path, mode, 0);
}

static long sys_access(const char __user *path, long mode) { return sys_faccessat2(AT_FDCWD, path, mode, 0); }

static long sys_readlinkat(long dirfd, const char __user *upath, char __user *ubuf, long size)
{
    if ((int)size <= 0)             /* Linux's bufsiz is an int */
        return -EINVAL;
    /* an empty path names dirfd itself (a symlink opened O_PATH |
     * O_NOFOLLOW); anything else so named is ENOENT, as on Linux */
    char first = 0;
    struct vnode *v;
    int err = at_resolve((int)dirfd, upath, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &v);
    if (err)
        return err;
    get_user(first, upath);
    long r;
    char *buf = kmalloc(PATH_MAX);
    if (v->type != VLNK || !v->ops->readlink)
        r = first ? -EINVAL : -ENOENT;
    else if (!buf)
        r = -ENOMEM;
    else {
        r = v->ops->readlink(v, buf, MIN((size_t)(int)size, (size_t)PATH_MAX));
        if (r > 0 && copy_to_user(ubuf, buf, (size_t)r))
            r = -EFAULT;
    }
    kfree(buf);
    vnode_put(v);
    return r;
}

static long sys_readlink(const char __user *path, char __user *buf, long size)
{
    return sys_readlinkat(AT_FDCWD, path, buf, size);
}

/* getdents64 record writer. */
struct dent_buf {
    char __user *ubuf;
    size_t size, used;
    int err;
    bool full;          /* a record did not fit */
};

static bool dent_actor(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
                       uint64_t next_pos)
{
    struct dent_buf *d = ctx->arg;
    size_t reclen = ALIGN_UP(LINUX_DIRENT64_HDR + len + 1, (size_t)8);
    if (d->used + reclen > d->size) {
        d->full = true;
        return false;
    }
    char rec[LINUX_DIRENT64_HDR + NAME_MAX + 1 + 8];
    memset(rec, 0, reclen);
    struct linux_dirent64 *de = (struct linux_dirent64 *)rec;
    de->d_ino = ino;
    de->d_off = (int64_t)next_pos;
    de->d_reclen = (uint16_t)reclen;
    de->d_type = (uint8_t)dtype;
    memcpy(de->d_name, name, len);
    if (copy_to_user(d->ubuf + d->used, rec, reclen)) {
        d->err = -EFAULT;
        return false;
    }
    d->used += reclen;
    return true;
}

static long sys_getdents64(long fd, char __user *ubuf, size_t count)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    struct vnode *dir = f->vnode;
    long r = 0;
    if (dir->type != VDIR) {
        file_put(f);
        return -ENOTDIR;
    }
    struct dent_buf d = {.ubuf = ubuf, .size = MIN(count, (size_t)MAX_RW_COUNT)};
    struct dir_ctx ctx = {.pos = f->offset, .actor = dent_actor, .arg = &d};
    vfs_lock();
    bool more = true;
    if (ctx.pos == 0)
        more = dir_emit(&ctx, ".", 1, dir->ino, DT_DIR, 1);
    if (more && ctx.pos == 1) {
        struct vnode *p = vfs_parent_of(dir);
        more = dir_emit(&ctx, "..", 2, p->ino, DT_DIR, 2);
    }
    if (more && dir->ops && dir->ops->readdir && dir->nlink > 0)
        r = dir->ops->readdir(dir, &ctx);
    vfs_unlock();
    f->offset = ctx.pos;
    if (d.used)
        r = (long)d.used;
    else if (d.err)
        r = d.err;
    else if (r >= 0)
        r = d.full ? -EINVAL : 0;     /* the buffer cannot hold even one record */
    file_put(f);
    return r;
}

SYSCALL_DEFINE(4, stat);
SYSCALL_DEFINE(332, statx);
SYSCALL_DEFINE(5, fstat);
SYSCALL_DEFINE(6, lstat);
SYSCALL_DEFINE(262, newfstatat);
SYSCALL_DEFINE(137, statfs);
SYSCALL_DEFINE(138, fstatfs);
SYSCALL_DEFINE(21, access);
SYSCALL_DEFINE(269, faccessat);
SYSCALL_DEFINE(439, faccessat2);
SYSCALL_DEFINE(89, readlink);
SYSCALL_DEFINE(267, readlinkat);
SYSCALL_DEFINE(217, getdents64);
