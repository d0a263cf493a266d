/*
 * The extended-attribute calls: setxattr, getxattr, listxattr and
 * removexattr, each on a path (following a final symlink), an l* path (not
 * following it) and an f* descriptor (EBADF for an O_PATH one).
 *
 * As Linux (6.13 on) does, the arguments are taken in before the file is
 * looked up: unknown flags are EINVAL, a name that is empty or longer than
 * XATTR_NAME_MAX is ERANGE, a value longer than XATTR_SIZE_MAX is E2BIG, an
 * unreadable name or value EFAULT.  The rules and the store are
 * kernel/fs/xattr.c's; user memory is copied here only, never under a lock.
 * A buffer larger than XATTR_SIZE_MAX (XATTR_LIST_MAX) is used as if it had
 * that size; a result that still does not fit is then E2BIG, not ERANGE.
 */
#include <fs/fsyscall.h>
#include <fs/xattr.h>
#include <kernel/syscall.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>

/* The attribute name from user space into name[XATTR_NAME_MAX + 1]. */
static long xattr_name_in(char *name, const char __user *uname)
{
    long n = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);
    if (n == -ENAMETOOLONG || n == 0)
        return -ERANGE;
    return n < 0 ? n : 0;
}

/* The file a call names: a path (fd ignored) or, without one, the open
 * file fd.  *out is referenced. */
static int xattr_target(long fd, const char __user *path, int atflags, struct vnode **out)
{
    if (path)
        return at_resolve(AT_FDCWD, path, atflags, out);
    struct file *f = fd_get_io((int)fd);     /* O_PATH: EBADF, as Linux */
    if (!f)
        return -EBADF;
    *out = f->vnode;
    vnode_get(*out);
    file_put(f);
    return 0;
}

/* The name into name[XATTR_NAME_MAX + 1], then the file (*out, referenced). */
static long xattr_name_and_target(long fd, const char __user *path, int atflags, const char __user *uname,
                                  char *name, struct vnode **out)
{
    long r = xattr_name_in(name, uname);
    return r ? r : xattr_target(fd, path, atflags, out);
}

static long do_setxattr(long fd, const char __user *path, int atflags, const char __user *uname,
                        const void __user *uvalue, size_t size, long flags)
{
    if (flags & ~(long)(XATTR_CREATE | XATTR_REPLACE))
        return -EINVAL;
    char name[XATTR_NAME_MAX + 1];
    long err = xattr_name_in(name, uname);
    if (err)
        return err;
    if (size > XATTR_SIZE_MAX)
        return -E2BIG;
    char *value = kmalloc(size ? size : 1);      /* an empty value is a value, not a removal */
    if (!value)
        return -ENOMEM;
    struct vnode *v;
    if (!(err = copy_from_user(value, uvalue, size)) && !(err = xattr_target(fd, path, atflags, &v))) {
        err = vfs_setxattr(v, name, value, size, (int)flags);
        vnode_put(v);
    }
    kfree(value);
    return err;
}

/* Reads v's value of `name`, or the list of its names (name NULL), into
 * the caller's buffer of `size` bytes (at most `max` of them: a bigger
 * answer is E2BIG, as Linux); size 0 asks only for the size.  Drops v
 * before copying out. */
static long xattr_copy_out(struct vnode *v, const char *name, void __user *ubuf, size_t size, size_t max)
{
    size = MIN(size, max);
    char *buf = size ? kmalloc(size) : NULL;
    long r;
    if (size && !buf)
        r = -ENOMEM;
    else
        r = name ? vfs_getxattr(v, name, buf, size) : vfs_listxattr(v, buf, size);
    vnode_put(v);
    if (r > 0 && size && copy_to_user(ubuf, buf, (size_t)r))
        r = -EFAULT;
    if (r == -ERANGE && size >= max)
        r = -E2BIG;
    kfree(buf);
    return r;
}

static long do_getxattr(long fd, const char __user *path, int atflags, const char __user *uname,
                        void __user *uvalue, size_t size)
{
    char name[XATTR_NAME_MAX + 1];
    struct vnode *v;
    long r = xattr_name_and_target(fd, path, atflags, uname, name, &v);
    return r ? r : xattr_copy_out(v, name, uvalue, size, XATTR_SIZE_MAX);
}

static long do_listxattr(long fd, const char __user *path, int atflags, char __user *ulist, size_t size)
{
    struct vnode *v;
    long r = xattr_target(fd, path, atflags, &v);
    return r ? r : xattr_copy_out(v, NULL, ulist, size, XATTR_LIST_MAX);
}

static long do_removexattr(long fd, const char __user *path, int atflags, const char __user *uname)
{
    char name[XATTR_NAME_MAX + 1];
    struct vnode *v;
    long r = xattr_name_and_target(fd, path, atflags, uname, name, &v);
    if (r)
        return r;
    r = vfs_setxattr(v, name, NULL, 0, XATTR_REPLACE);
    vnode_put(v);
    return r;
}

static long sys_setxattr(const char __user *p, const char __user *n, const void __user *v, size_t s, long fl)
{
    return do_setxattr(-1, p, 0, n, v, s, fl);
}
static long sys_lsetxattr(const char __user *p, const char __user *n, const void __user *v, size_t s, long fl)
{
    return do_setxattr(-1, p, AT_SYMLINK_NOFOLLOW, n, v, s, fl);
}
static long sys_fsetxattr(long fd, const char __user *n, const void __user *v, size_t s, long fl)
{
    return do_setxattr(fd, NULL, 0, n, v, s, fl);
}
static long sys_getxattr(const char __user *p, const char __user *n, void __user *v, size_t s)
{
    return do_getxattr(-1, p, 0, n, v, s);
}
static long sys_lgetxattr(const char __user *p, const char __user *n, void __user *v, size_t s)
{
    return do_getxattr(-1, p, AT_SYMLINK_NOFOLLOW, n, v, s);
}
static long sys_fgetxattr(long fd, const char __user *n, void __user *v, size_t s)
{
    return do_getxattr(fd, NULL, 0, n, v, s);
}
static long sys_listxattr(const char __user *p, char __user *l, size_t s) { return do_listxattr(-1, p, 0, l, s); }
static long sys_llistxattr(const char __user *p, char __user *l, size_t s)
{
    return do_listxattr(-1, p, AT_SYMLINK_NOFOLLOW, l, s);
}
static long sys_flistxattr(long fd, char __user *l, size_t s) { return do_listxattr(fd, NULL, 0, l, s); }
static long sys_removexattr(const char __user *p, const char __user *n) { return do_removexattr(-1, p, 0, n); }
static long sys_lremovexattr(const char __user *p, const char __user *n)
{
    return do_removexattr(-1, p, AT_SYMLINK_NOFOLLOW, n);
}
static long sys_fremovexattr(long fd, const char __user *n) { return do_removexattr(fd, NULL, 0, n); }

SYSCALL_DEFINE(188, setxattr);
SYSCALL_DEFINE(189, lsetxattr);
SYSCALL_DEFINE(190, fsetxattr);
SYSCALL_DEFINE(191, getxattr);
SYSCALL_DEFINE(192, lgetxattr);
SYSCALL_DEFINE(193, fgetxattr);
SYSCALL_DEFINE(194, listxattr);
SYSCALL_DEFINE(195, llistxattr);
SYSCALL_DEFINE(196, flistxattr);
SYSCALL_DEFINE(197, removexattr);
SYSCALL_DEFINE(198, lremovexattr);
SYSCALL_DEFINE(199, fremovexattr);
