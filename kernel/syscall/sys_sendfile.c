/*
 * sendfile(2): copy between two descriptors inside the kernel (busybox cat
 * uses it for every file).  The data passes through a kernel bounce buffer;
 * the file operations expect user buffers, so the copy helpers are told to
 * accept this one kernel buffer for the duration of the call
 * (task->uaccess_kernel, which is never set across a return to user space).
 */
#include <fs/fsyscall.h>
#include <kernel/syscall.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/task.h>

#define CHUNK (16 * 1024)

static long sys_sendfile(long out_fd, long in_fd, int64_t __user *uoff, size_t count)
{
    struct file *in = fd_get((int)in_fd), *out = fd_get((int)out_fd);
    long r = 0;
    char *buf = NULL;
    int64_t pos = 0;
    if (!in || !out) {
        r = -EBADF;
        goto done;
    }
    if (uoff) {
        if (copy_from_user(&pos, uoff, sizeof pos)) {
            r = -EFAULT;
            goto done;
        }
        if (pos < 0 || !in->ops->lseek) {
            r = pos < 0 ? -EINVAL : -ESPIPE;
            goto done;
        }
    }
    if (count > (size_t)MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    buf = kmalloc(CHUNK);
    if (!buf) {
        r = -ENOMEM;
        goto done;
    }
    struct task *t = current;
    uint64_t ioff = uoff ? (uint64_t)pos : in->offset;
    size_t done = 0;
    while (done < count) {
        size_t want = count - done < CHUNK ? count - done : CHUNK;
        t->uaccess_kernel = true;
        ssize_t n = vfs_read(in, (char __user *)buf, want, &ioff);
        ssize_t w = 0;
        if (n > 0) {
            /* all of it, unless the writer stops short */
            while (w < n) {
                ssize_t k = vfs_write(out, (const char __user *)buf + w, n - w, &out->offset);
                if (k <= 0) {
                    if (w == 0)
                        w = k;
                    break;
                }
                w += k;
            }
        }
        t->uaccess_kernel = false;
        if (n <= 0) {
            if (done == 0)
                r = n;
            break;
        }
        if (w < 0) {
            if (done == 0)
                r = w;
            ioff -= n;
            break;
        }
        done += w;
        if (w < n) {
            ioff -= n - w;              /* the unwritten tail stays unread */
            break;
        }
    }
    if (!uoff)
        in->offset = ioff;
    else if (copy_to_user(uoff, &(int64_t){ (int64_t)ioff }, sizeof(int64_t)) && done == 0)
        r = -EFAULT;
    if (done)
        r = (long)done;
    io_account(false, r);               /* Linux counts it as a read and a write */
    io_account(true, r);
done:
    kfree(buf);
    file_put(in);
    file_put(out);
    return r;
}
SYSCALL_DEFINE(40, sendfile);
