/*
 * splice(2) and tee(2): move data between a pipe and another descriptor, or
 * between two pipes, without passing it through user memory
 * (kernel/fs/pipe.c moves it between the ring's pages and the other side).
 * The checks are Linux's, in Linux's order: a length of 0 returns at once
 * (splice), unknown flags, closed descriptors, an offset given for a pipe
 * (ESPIPE), unreadable offsets, access modes (EBADF), then no pipe, the
 * same pipe twice or an O_APPEND output (EINVAL).  An O_NONBLOCK pipe end
 * makes the call non-blocking, as SPLICE_F_NONBLOCK does.
 */
#include <fs/fsyscall.h>
#include <fs/pipe.h>
#include <kernel/syscall.h>
#include <mm/uaccess.h>

#define SPLICE_F_MOVE 1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE 4
#define SPLICE_F_GIFT 8
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)

/* The file side of a splice: a file and the position to use. */
struct splice_end {
    struct file *f;
    uint64_t *pos;
};

/* The pipe's data into the file, and the file's into the pipe: the pipe
 * hands over a kernel buffer (include/mm/uaccess.h, struct iobuf). */
static long to_file(void *ctx, const void *buf, size_t n)
{
    struct splice_end *e = ctx;
    return vfs_write(e->f, iob_kernel(buf), n, e->pos);
}

static long from_file(void *ctx, void *buf, size_t n)
{
    struct splice_end *e = ctx;
    return vfs_read(e->f, iob_kernel(buf), n, e->pos);
}

static bool readable(const struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY && !(f->flags & O_PATH); }
static bool writable(const struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH); }

static long do_splice(struct file *in, int64_t __user *uoff_in, struct file *out, int64_t __user *uoff_out, size_t len,
                      unsigned flags)
{
    bool ipipe = file_is_pipe(in), opipe = file_is_pipe(out);
    if ((ipipe && uoff_in) || (opipe && uoff_out))
        return -ESPIPE;
    int64_t pos = 0;
    int64_t __user *uoff = ipipe ? uoff_out : uoff_in;     /* the file side's */
    if ((uoff_out && copy_from_user(&pos, uoff_out, sizeof pos)) || (uoff_in && copy_from_user(&pos, uoff_in, sizeof pos)))
        return -EFAULT;
    if (!readable(in) || !writable(out))
        return -EBADF;
    bool nonblock = flags & SPLICE_F_NONBLOCK;
    if (ipipe && opipe) {
        if (in->private_data == out->private_data)
            return -EINVAL;
        return pipe_splice_pipe(in, out, MIN(len, (size_t)MAX_RW_COUNT), nonblock || ((in->flags | out->flags) & O_NONBLOCK),
                                false);
    }
    if (!ipipe && !opipe)
        return -EINVAL;
    struct file *other = ipipe ? out : in;
    if (uoff && (!other->ops->lseek || pos < 0))
        return -EINVAL;                 /* no positioned I/O there, or before the start */
    if (ipipe && (out->flags & O_APPEND))
        return -EINVAL;
    uint64_t at = uoff ? (uint64_t)pos : other->offset;
    struct splice_end e = { other, &at };
    len = MIN(len, (size_t)MAX_RW_COUNT);
    long r = ipipe ? pipe_splice_out(in, len, nonblock || (in->flags & O_NONBLOCK), to_file, &e)
                   : pipe_splice_in(out, len, nonblock || (out->flags & O_NONBLOCK), from_file, &e);
    if (!uoff)
        other->offset = at;
    else if (copy_to_user(uoff, &(int64_t){ (int64_t)at }, sizeof(int64_t)))
        r = -EFAULT;
    io_account(!ipipe, r);
    return r;
}

static long sys_splice(long fd_in, int64_t __user *off_in, long fd_out, int64_t __user *off_out, size_t len,
                       unsigned flags)
{
    if (len == 0)
        return 0;
    if (flags & ~SPLICE_F_ALL)
        return -EINVAL;
    struct file *in = fd_get((int)fd_in), *out = in ? fd_get((int)fd_out) : NULL;
    long r = in && out ? do_splice(in, off_in, out, off_out, len, flags) : -EBADF;
    file_put(in);
    file_put(out);
    return r;
}
SYSCALL_DEFINE(275, splice);

/* tee: copies up to len bytes from one pipe into another; the source
 * keeps them. */
static long sys_tee(long fd_in, long fd_out, size_t len, unsigned flags)
{
    if (flags & ~SPLICE_F_ALL)
        return -EINVAL;
    if (len == 0)
        return 0;
    struct file *in = fd_get((int)fd_in), *out = in ? fd_get((int)fd_out) : NULL;
    long r = -EBADF;
    if (in && out) {
        if (!readable(in) || !writable(out))
            r = -EBADF;
        else if (!file_is_pipe(in) || !file_is_pipe(out) || in->private_data == out->private_data)
            r = -EINVAL;
        else
            r = pipe_splice_pipe(in, out, MIN(len, (size_t)MAX_RW_COUNT),
                                 (flags & SPLICE_F_NONBLOCK) || ((in->flags | out->flags) & O_NONBLOCK), true);
    }
    file_put(in);
    file_put(out);
    return r;
}
SYSCALL_DEFINE(276, tee);
