/*
 * Copying to and from user space: range checks here, the faulting copy
 * itself in arch/x86_64/uaccess.S.  A range that is not entirely below
 * USER_TOP (or wraps) is refused before any access.
 */
#include <kernel/kernel.h>
#include <mm/uaccess.h>
#include <proc/task.h>

long uaccess_copy(void *dst, const void *src, size_t n);
long uaccess_zero(void *dst, size_t n);
long uaccess_strnlen(const char *s, size_t max);
long uaccess_cmpxchg32(uint32_t *p, uint32_t old, uint32_t new, uint32_t *seen);

static inline bool user_range_ok(const void *p, size_t n)
{
    uint64_t a = (uint64_t)p;
    if (unlikely(current->uaccess_kernel))
        return a + n >= a;              /* sendfile's kernel bounce buffer */
    return a + n >= a && a + n <= USER_TOP && a >= 4096;
}

int copy_from_user(void *dst, const void __user *src, size_t n)
{
    if (n == 0)
        return 0;
    if (!user_range_ok(src, n))
        return -EFAULT;
    return (int)uaccess_copy(dst, src, n);
}

int copy_to_user(void __user *dst, const void *src, size_t n)
{
    if (n == 0)
        return 0;
    if (!user_range_ok(dst, n))
        return -EFAULT;
    return (int)uaccess_copy(dst, src, n);
}

int clear_user(void __user *dst, size_t n)
{
    if (n == 0)
        return 0;
    if (!user_range_ok(dst, n))
        return -EFAULT;
    return (int)uaccess_zero(dst, n);
}

long strncpy_from_user(char *dst, const char __user *src, size_t max)
{
    uint64_t a = (uint64_t)src;
    if (a < 4096 || a >= USER_TOP)
        return -EFAULT;
    size_t lim = MIN(max, USER_TOP - a);
    long len = uaccess_strnlen(src, lim);
    if (len < 0)
        return len;
    if ((size_t)len >= max)
        return -ENAMETOOLONG;
    if ((size_t)len == lim)
        return -EFAULT;                 /* ran into the end of user space */
    if (uaccess_copy(dst, src, len + 1))
        return -EFAULT;
    dst[len] = 0;
    return len;
}

int cmpxchg_user32(uint32_t __user *p, uint32_t old, uint32_t new, uint32_t *seen)
{
    if (((uint64_t)p & 3) || !user_range_ok(p, 4))
        return -EFAULT;
    return (int)uaccess_cmpxchg32(p, old, new, seen);
}
