/*
 * Data transfer syscalls: read, write, their positional (pread64/pwrite64)
 * and vectored (readv/writev) forms, lseek, ioctl dispatch and the sync
 * family (no-ops: ramfs is always "on disk"), fadvise64, fallocate and
 * sync_file_range.  sendfile is in
 * sys_sendfile.c.
 */
#include <fs/fasync.h>
#include <fs/fsyscall.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>

#define FIOASYNC 0x5452

void io_account(bool write, ssize_t moved)
{
    struct task_stats *s = &current->stats;     /* only this thread writes its own */
    if (write) {
        s->syscw++;
        s->wchar += moved > 0 ? (uint64_t)moved : 0;
    } else {
        s->syscr++;
        s->rchar += moved > 0 ? (uint64_t)moved : 0;
    }
}

static long sys_read(long fd, char __user *buf, size_t len)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    ssize_t r = vfs_read(f, iob_user(buf), len, &f->offset);
    file_put(f);
    io_account(false, r);
    return r;
}

static long sys_write(long fd, const char __user *buf, size_t len)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    ssize_t r = vfs_write(f, iob_user(buf), len, &f->offset);
    file_put(f);
    io_account(true, r);
    return r;
}

/* Positional I/O needs a seekable file: ESPIPE on pipes and ttys. */
static long pio(long fd, char __user *buf, size_t len, long pos, bool write)
{
    if (pos < 0)
        return -EINVAL;
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    ssize_t r;
    uint64_t off = (uint64_t)pos;
    if (!f->ops->lseek || f->vnode->type == VFIFO)
        r = -ESPIPE;
    else
        r = write ? vfs_write(f, iob_user(buf), len, &off) : vfs_read(f, iob_user(buf), len, &off);
    file_put(f);
    return r;
}

static long sys_pread64(long fd, char __user *buf, size_t len, long pos)
{
    long r = pio(fd, buf, len, pos, false);
    io_account(false, r);
    return r;
}
static long sys_pwrite64(long fd, const char __user *buf, size_t len, long pos)
{
    long r = pio(fd, (char __user *)buf, len, pos, true);
    io_account(true, r);
    return r;
}

/* A file that takes the whole vector in one request (a socket). */
static long vio_whole(struct file *f, const struct iovec_k *iov, int cnt, bool write)
{
    if ((f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY) || (f->flags & O_PATH))
        return -EBADF;
    return write ? f->ops->write_iov(f, iov, cnt) : f->ops->read_iov(f, iov, cnt);
}

/* readv/writev: each segment in turn (or the whole vector at once for a
 * file that asks for it); a short transfer ends the call, and
 * an error after some bytes moved returns the byte count (as Linux does). */
static long vio(long fd, const void __user *uiov, long cnt, bool write)
{
    if (cnt < 0 || cnt > IOV_MAX)
        return -EINVAL;
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    struct iovec_k *iov = kmalloc(sizeof(*iov) * (cnt ? cnt : 1));
    long r = 0;
    if (!iov)
        r = -ENOMEM;
    else if (copy_from_user(iov, uiov, sizeof(*iov) * cnt))
        r = -EFAULT;
    uint64_t total = 0;
    for (long i = 0; r == 0 && i < cnt; i++)
        if (iov[i].len > (uint64_t)MAX_RW_COUNT || (total += iov[i].len) > (uint64_t)MAX_RW_COUNT)
            r = -EINVAL;
    long done = 0;
    if (r == 0 && (write ? f->ops->write_iov : f->ops->read_iov)) {
        done = vio_whole(f, iov, (int)cnt, write);   /* bytes or -errno */
        goto out;
    }
    for (long i = 0; r == 0 && i < cnt; i++) {
        if (iov[i].len == 0)
            continue;
        struct iobuf b = iob_user((char __user *)iov[i].base);
        ssize_t n = write ? vfs_write(f, b, iov[i].len, &f->offset) : vfs_read(f, b, iov[i].len, &f->offset);
        if (n < 0) {
            if (!done)
                r = n;
            break;
        }
        done += n;
        if ((uint64_t)n < iov[i].len)
            break;
    }
    /* a zero-length call still reports errors like EBADF for the access mode */
    if (r == 0 && done == 0 && total == 0) {
        struct iobuf none = iob_user(NULL);
        ssize_t n = write ? vfs_write(f, none, 0, &f->offset) : vfs_read(f, none, 0, &f->offset);
        if (n < 0)
            r = n;
    }
out:
    kfree(iov);
    file_put(f);
    return r ? r : done;
}

static long sys_readv(long fd, const void __user *iov, long cnt)
{
    long r = vio(fd, iov, cnt, false);
    io_account(false, r);
    return r;
}

static long sys_writev(long fd, const void __user *iov, long cnt)
{
    long r = vio(fd, iov, cnt, true);
    io_account(true, r);
    return r;
}

static long sys_lseek(long fd, long off, long whence)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    long r = f->ops->lseek ? f->ops->lseek(f, off, (int)whence) : -ESPIPE;
    file_put(f);
    return r;
}

static long sys_ioctl(long fd, unsigned long cmd, unsigned long arg)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    long r;
    if (cmd == FIOASYNC) {              /* every file's, as Linux: F_SETFL's O_ASYNC */
        int on;
        r = get_user(on, (int __user *)arg) ? -EFAULT : fasync_set(f, (int)fd, on != 0);
    } else {
        r = f->ops->ioctl ? f->ops->ioctl(f, (unsigned)cmd, arg) : -ENOTTY;
    }
    file_put(f);
    return r;
}

/* fsync, fdatasync: file data lives in memory, so there is nothing to
 * write back; as on Linux, only what has an fsync method (files,
 * directories, block devices) accepts the call: a pipe, socket, character
 * device or anonymous file is EINVAL, an O_PATH descriptor EBADF. */
static long sys_fsync(long fd)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    enum vtype type = f->vnode->type;
    long r = type != VREG && type != VDIR && type != VBLK ? -EINVAL : 0;
    file_put(f);
    return r;
}

static long sys_fdatasync(long fd) { return sys_fsync(fd); }
static long sys_sync(void) { return 0; }

/* posix_fadvise: every file's data is in memory already, so advice
 * changes nothing; the arguments are checked as Linux checks them (a
 * pipe is ESPIPE, an unknown advice or negative length EINVAL). */
static long sys_fadvise64(long fd, long off, long len, long advice)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    long r = 0;
    if (f->vnode->type == VFIFO)
        r = -ESPIPE;
    else if (advice < 0 || advice > 5 || len < 0)
        r = -EINVAL;
    file_put(f);
    return r;
}

/* fallocate: preallocation and hole punching (kernel/fs/file.c checks,
 * ramfs does it; see fallocate(2)). */
static long sys_fallocate(long fd, long mode, long off, long len)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    long r = vfs_fallocate(f, (int)mode, off, len);
    file_put(f);
    return r;
}

#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4

/* sync_file_range: file data is in memory, so there is nothing to write
 * back; the arguments are checked as Linux checks them. */
static long sys_sync_file_range(long fd, long off, long nbytes, unsigned flags)
{
    struct file *f = fd_get_io((int)fd);
    if (!f)
        return -EBADF;
    long r = 0, end;
    enum vtype type = f->vnode->type;
    if ((flags & ~(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)) || off < 0 ||
        __builtin_add_overflow(off, nbytes, &end) || end < 0 || end < off)
        r = -EINVAL;
    else if (type != VREG && type != VDIR && type != VBLK && type != VLNK)
        r = -ESPIPE;
    file_put(f);
    return r;
}

SYSCALL_DEFINE(0, read);
SYSCALL_DEFINE(1, write);
SYSCALL_DEFINE(17, pread64);
SYSCALL_DEFINE(18, pwrite64);
SYSCALL_DEFINE(19, readv);
SYSCALL_DEFINE(20, writev);
SYSCALL_DEFINE(8, lseek);
SYSCALL_DEFINE(16, ioctl);
SYSCALL_DEFINE(74, fsync);
SYSCALL_DEFINE(75, fdatasync);
SYSCALL_DEFINE(162, sync);
SYSCALL_DEFINE(221, fadvise64);
SYSCALL_DEFINE(285, fallocate);
SYSCALL_DEFINE(277, sync_file_range);
