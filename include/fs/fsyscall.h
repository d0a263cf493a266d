/*
 * Helpers shared by the file syscalls (kernel/syscall/sys_fs_*.c): copying
 * a path in from user space and choosing the start directory of an *at()
 * call, plus the checked read/write entry points used by read, pread, readv
 * and sendfile alike.
 */
#ifndef FS_FSYSCALL_H
#define FS_FSYSCALL_H

#include <fs/namei.h>

#define MAX_RW_COUNT 0x7ffff000L   /* Linux clamps one transfer to this */
#define IOV_MAX 1024

/* Copy a user path into a new PATH_MAX kernel buffer (*out; kfree it).
 * -EFAULT, -ENAMETOOLONG or -ENOMEM; an empty string is returned as is. */
int path_from_user(const char __user *upath, char **out);

/* The directory a path is resolved from: the root for an absolute path,
 * the cwd for AT_FDCWD, else dirfd's vnode (-EBADF; -ENOTDIR unless it is a
 * directory).  *start is referenced. */
int at_start(int dirfd, const char *path, struct vnode **start);

/* Resolve dirfd+path for the stat/chmod/utimes family: honours
 * AT_EMPTY_PATH (the fd itself, any type) and AT_SYMLINK_NOFOLLOW. */
int at_resolve(int dirfd, const char __user *upath, int atflags, struct vnode **out);

/* Checked transfers: EBADF for the wrong access mode, EISDIR for a
 * directory, EINVAL without the operation; len clamped to MAX_RW_COUNT.
 * buf is the caller's user memory (iob_user) or a kernel buffer (iob_kernel:
 * sendfile, splice, copy_file_range). */
ssize_t vfs_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off);
/* A read-like (or write-like) call of the current thread and the bytes it
 * moved (negative: none), for /proc/<pid>/io (kernel/syscall/sys_fs_rw.c). */
void io_account(bool write, ssize_t moved);
ssize_t vfs_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off);

#endif
