/*
 * The socket calls that programs make on descriptors they were handed:
 * bash asks getpeername(0) whether its input is a socket.  No descriptor
 * is a socket yet, so the answer for an open one is ENOTSOCK, as Linux
 * gives for a file, pipe or terminal; EBADF for a closed one.
 */
#include <fs/fsyscall.h>
#include <kernel/syscall.h>

static long not_a_socket(long fd)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return -EBADF;
    file_put(f);
    return -ENOTSOCK;
}

long sys_getsockname(long fd, void __user *addr, int __user *len) { return not_a_socket(fd); }
SYSCALL_DEFINE(51, getsockname);
long sys_getpeername(long fd, void __user *addr, int __user *len) { return not_a_socket(fd); }
SYSCALL_DEFINE(52, getpeername);
long sys_getsockopt(long fd, int level, int name, void __user *val, int __user *len) { return not_a_socket(fd); }
SYSCALL_DEFINE(55, getsockopt);
long sys_setsockopt(long fd, int level, int name, const void __user *val, int len) { return not_a_socket(fd); }
SYSCALL_DEFINE(54, setsockopt);
