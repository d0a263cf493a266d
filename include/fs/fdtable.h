/*
 * The per-process descriptor table (kernel/fs/fdtable.c): small integers ->
 * open files, with a close-on-exec bit per descriptor.  Allocation always
 * takes the lowest free number >= a minimum (POSIX open/dup/F_DUPFD).  The
 * table grows by doubling up to NR_OPEN_MAX.  A spinlock protects the slots;
 * files are dropped (file_put) only after it is released, because release
 * hooks may sleep.
 */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include <fs/vfs.h>

struct fdtable {
    struct spinlock lock;
    int refs;                  /* atomic: tables shared by CLONE_FILES */
    int cap;                   /* slots; a multiple of 64 */
    struct file **files;
    uint64_t *used;            /* bitmap of cap bits */
    uint64_t *cloexec;         /* bitmap of cap bits */
};

/* Lowest free fd >= min for f (the table takes the reference on success);
 * -EMFILE if there is none below the caller's RLIMIT_NOFILE (fd_limit). */
int fdt_alloc(struct fdtable *t, struct file *f, int min, bool cloexec);
/* dup2/dup3: make newfd refer to f (reference taken over); the file that was
 * there is closed.  -EBADF if newfd is out of range (RLIMIT_NOFILE too). */
int fdt_replace(struct fdtable *t, int newfd, struct file *f, bool cloexec);
struct file *fdt_get(struct fdtable *t, int fd);             /* referenced, or NULL */
int fdt_close(struct fdtable *t, int fd);                    /* 0 or -EBADF */
int fdt_get_cloexec(struct fdtable *t, int fd);              /* 0/1 or -EBADF */
int fdt_set_cloexec(struct fdtable *t, int fd, bool on);     /* 0 or -EBADF */
int fdt_count(struct fdtable *t);                            /* open descriptors */
/* close_range(2): close the open descriptors in [first, last] (last may be
 * UINT_MAX), or with `cloexec` only mark them close-on-exec. */
void fdt_close_range(struct fdtable *t, unsigned first, unsigned last, bool cloexec);

#endif
