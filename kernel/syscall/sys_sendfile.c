/*
 * sendfile(2) and copy_file_range(2): copy between two descriptors inside
 * the kernel (busybox cat uses sendfile for every file).  The data passes
 * through a kernel bounce buffer, which the file operations read into and
 * write from as a kernel iobuf (include/mm/uaccess.h); user memory is
 * touched only for the offsets.  splice and tee, where a pipe is one side,
 * are in sys_splice.c.
 */
#include <fs/fsyscall.h>
#include <kernel/syscall.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>

#define CHUNK (16 * 1024)

/* Copies up to count bytes from in at *ioff to out at *ooff, advancing
 * both by what was copied: all of each chunk read is written unless the
 * writer stops short (then the unwritten tail counts as unread).  Bytes
 * copied, or the first error if none were. */
static long copy_between(struct file *in, uint64_t *ioff, struct file *out, uint64_t *ooff, size_t count)
{
    char *buf = kmalloc(CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long r = 0;
    while (done < count) {
        size_t want = count - done < CHUNK ? count - done : CHUNK;
        ssize_t n = vfs_read(in, iob_kernel(buf), want, ioff);
        ssize_t w = 0;
        while (n > 0 && w < n) {
            ssize_t k = vfs_write(out, iob_kernel(buf + w), (size_t)(n - w), ooff);
            if (k <= 0) {
                if (w == 0)
                    w = k;
                break;
            }
            w += k;
        }
        if (n <= 0) {
            if (done == 0)
                r = n;
            break;
        }
        if (w < 0) {
            if (done == 0)
                r = w;
            *ioff -= n;
            break;
        }
        done += w;
        if (w < n) {
            *ioff -= n - w;
            break;
        }
    }
    kfree(buf);
    io_account(false, done ? (long)done : r);   /* Linux counts it as a read and a write */
    io_account(true, done ? (long)done : r);
    return done ? (long)done : r;
}

/* Linux's order: the offset is read (EFAULT), the input checked (EBADF
 * unless open for reading, ESPIPE for an offset on what cannot seek,
 * EINVAL for a negative one), then the output (EBADF unless open for
 * writing), then what cannot be spliced: appending output, a directory as
 * input (EINVAL).  So a read-only output is refused even when there is
 * nothing to copy. */
static long sys_sendfile(long out_fd, long in_fd, int64_t __user *uoff, size_t count)
{
    int64_t pos = 0;
    if (uoff && copy_from_user(&pos, uoff, sizeof pos))
        return -EFAULT;
    struct file *in = fd_get_io((int)in_fd), *out = NULL;
    long r = -EBADF;
    if (!in || (in->flags & O_ACCMODE) == O_WRONLY)
        goto done;
    if (uoff && (!in->ops->lseek || pos < 0)) {
        r = !in->ops->lseek ? -ESPIPE : -EINVAL;
        goto done;
    }
    out = fd_get_io((int)out_fd);
    if (!out || (out->flags & O_ACCMODE) == O_RDONLY)
        goto done;
    r = -EINVAL;
    if ((out->flags & O_APPEND) || in->vnode->type == VDIR)
        goto done;
    if (count > (size_t)MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    uint64_t ioff = uoff ? (uint64_t)pos : in->offset;
    r = copy_between(in, &ioff, out, &out->offset, count);
    if (!uoff)
        in->offset = ioff;
    else if (copy_to_user(uoff, &(int64_t){ (int64_t)ioff }, sizeof(int64_t)) && r <= 0)
        r = -EFAULT;
done:
    file_put(in);
    file_put(out);
    return r;
}
SYSCALL_DEFINE(40, sendfile);

/* copy_file_range's checks of the two files (Linux's generic_file_rw_checks
 * and generic_copy_file_checks, in their order); *count is cut at the end
 * of the input. */
static long copy_range_checks(struct file *in, int64_t ipos, struct file *out, int64_t opos, size_t *count)
{
    struct vnode *vi = in->vnode, *vo = out->vnode;
    if (vi->type == VDIR || vo->type == VDIR)
        return -EISDIR;
    if (vi->type != VREG || vo->type != VREG)
        return -EINVAL;
    int ai = in->flags & O_ACCMODE, ao = out->flags & O_ACCMODE;
    if (ai == O_WRONLY || ao == O_RDONLY || (out->flags & O_APPEND) || ((in->flags | out->flags) & O_PATH))
        return -EBADF;
    uint64_t end;
    if (__builtin_add_overflow((uint64_t)ipos, *count, &end) || __builtin_add_overflow((uint64_t)opos, *count, &end))
        return -EOVERFLOW;
    uint64_t size = READ_ONCE(vi->size);
    *count = (uint64_t)ipos >= size ? 0 : MIN(*count, size - (uint64_t)ipos);
    if (vi == vo && opos + (int64_t)*count > ipos && opos < ipos + (int64_t)*count)
        return -EINVAL;                 /* overlapping ranges of one file */
    if (ipos < 0 || opos < 0)
        return -EINVAL;
    return 0;
}

static long sys_copy_file_range(long fd_in, int64_t __user *uoff_in, long fd_out, int64_t __user *uoff_out, size_t len,
                                unsigned flags)
{
    struct file *in = fd_get((int)fd_in), *out = in ? fd_get((int)fd_out) : NULL;
    long r = 0;
    int64_t ipos, opos;
    if (!in || !out) {
        r = -EBADF;
        goto done;
    }
    ipos = (int64_t)in->offset;
    opos = (int64_t)out->offset;
    if ((uoff_in && copy_from_user(&ipos, uoff_in, sizeof ipos)) ||
        (uoff_out && copy_from_user(&opos, uoff_out, sizeof opos))) {
        r = -EFAULT;
        goto done;
    }
    if (flags) {
        r = -EINVAL;
        goto done;
    }
    size_t count = MIN(len, (size_t)MAX_RW_COUNT);
    r = copy_range_checks(in, ipos, out, opos, &count);
    if (r || count == 0)
        goto done;
    uint64_t ioff = (uint64_t)ipos, ooff = (uint64_t)opos;
    r = copy_between(in, &ioff, out, &ooff, count);
    if (r <= 0)
        goto done;
    if (!uoff_in)
        in->offset = ioff;
    else if (copy_to_user(uoff_in, &(int64_t){ (int64_t)ioff }, sizeof(int64_t)))
        r = -EFAULT;
    if (!uoff_out)
        out->offset = ooff;
    else if (copy_to_user(uoff_out, &(int64_t){ (int64_t)ooff }, sizeof(int64_t)))
        r = -EFAULT;
done:
    file_put(in);
    file_put(out);
    return r;
}
SYSCALL_DEFINE(326, copy_file_range);
