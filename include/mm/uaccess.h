/*
 * The only place user pointers are dereferenced.  Each helper checks that the
 * range lies in user space and is mapped with the needed permission (faulting
 * in demand-paged and copy-on-write pages as the hardware would), and returns
 * -EFAULT instead of faulting the kernel.
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include <arch/memlayout.h>
#include <kernel/kernel.h>

int copy_from_user(void *dst, const void __user *src, size_t n);   /* 0 or -EFAULT */
int copy_to_user(void __user *dst, const void *src, size_t n);     /* 0 or -EFAULT */
int clear_user(void __user *dst, size_t n);                        /* 0 or -EFAULT */
/* Copies a NUL-terminated string of at most max-1 chars; returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL is found within max bytes. */
long strncpy_from_user(char *dst, const char __user *src, size_t max);
/* The length of a user string (without its NUL), max if it has no NUL in
 * its first max bytes, or -EFAULT. */
long strnlen_user(const char __user *s, size_t max);

/* Atomically: if *p == old, *p = new.  *seen gets the value found (so the
 * exchange happened iff *seen == old).  0, or -EFAULT (also if misaligned). */
int cmpxchg_user32(uint32_t __user *p, uint32_t old, uint32_t new, uint32_t *seen);

struct mm;
/* Another process's memory (ptrace's PEEK/POKE, process_vm_readv/writev):
 * copies up to len bytes between kbuf and [addr, addr+len) of mm, taking
 * the page faults that process's own access would.  Returns the bytes
 * copied: fewer than len if an inaccessible page was reached. */
size_t access_remote(struct mm *mm, uint64_t addr, void *kbuf, size_t len, bool write);

/*
 * The buffer of a file read or write: user memory (every read(2) and
 * write(2)) or a kernel buffer (sendfile, splice and copy_file_range move
 * data between two files through one; kernel_read, kernel_write in
 * include/fs/fsyscall.h).  File operations move data only through the
 * iob_* helpers, which go through the user-copy helpers above for user
 * memory (a bad pointer is -EFAULT) and copy directly for a kernel buffer,
 * so no task is ever told that "user" pointers may point into the kernel.
 */
struct iobuf {
    union {
        char __user *user;
        char *kernel;
    };
    bool is_kernel;
};
static inline struct iobuf iob_user(const void __user *p) { return (struct iobuf){ .user = (char __user *)p }; }
/* For a read, the buffer must be writable. */
static inline struct iobuf iob_kernel(const void *p) { return (struct iobuf){ .kernel = (char *)p, .is_kernel = true }; }
/* The same buffer from its byte `off` on. */
static inline struct iobuf iob_skip(struct iobuf b, size_t off)
{
    if (b.is_kernel)
        b.kernel += off;
    else
        b.user += off;
    return b;
}
/* Copy n bytes to / from b at byte off: 0 or -EFAULT. */
static inline int iob_copy_to(struct iobuf b, size_t off, const void *src, size_t n)
{
    if (!b.is_kernel)
        return copy_to_user(b.user + off, src, n);
    __builtin_memcpy(b.kernel + off, src, n);
    return 0;
}
static inline int iob_copy_from(void *dst, struct iobuf b, size_t off, size_t n)
{
    if (!b.is_kernel)
        return copy_from_user(dst, b.user + off, n);
    __builtin_memcpy(dst, b.kernel + off, n);
    return 0;
}
static inline int iob_clear(struct iobuf b, size_t off, size_t n)
{
    if (!b.is_kernel)
        return clear_user(b.user + off, n);
    __builtin_memset(b.kernel + off, 0, n);
    return 0;
}

#define get_user(kvar, uptr) copy_from_user(&(kvar), (uptr), sizeof(kvar))
#define put_user(kval, uptr) ({ __typeof__(*(uptr)) __v = (kval); copy_to_user((uptr), &__v, sizeof(__v)); })

#endif
