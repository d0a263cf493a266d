/*
 * pipe(22) and pipe2(293): create a pipe (kernel/fs/pipe.c) and install its
 * two ends at the lowest free descriptors, read end first.
 */
#include <fs/pipe.h>
#include <fs/vfs.h>
#include <kernel/syscall.h>
#include <mm/uaccess.h>

static long sys_pipe2(int __user *ufds, long flags)
{
    if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    struct file *rd, *wr;
    int err = pipe_create((int)flags & (O_NONBLOCK | O_DIRECT), &rd, &wr);
    if (err)
        return err;
    int fdflags = (int)flags & O_CLOEXEC;
    int fd0 = fd_install(rd, fdflags);
    if (fd0 < 0) {
        file_put(rd);
        file_put(wr);
        return fd0;
    }
    int fd1 = fd_install(wr, fdflags);
    if (fd1 < 0) {
        fd_close(fd0);
        file_put(wr);
        return fd1;
    }
    int fds[2] = { fd0, fd1 };
    if (copy_to_user(ufds, fds, sizeof(fds))) {
        fd_close(fd0);
        fd_close(fd1);
        return -EFAULT;
    }
    return 0;
}
SYSCALL_DEFINE(293, pipe2);

static long sys_pipe(int __user *ufds)
{
    return sys_pipe2(ufds, 0);
}
SYSCALL_DEFINE(22, pipe);
