/*
 * Host stand-ins for the kernel services the fs layer uses, so the real
 * VFS, ramfs, devfs, file, fd-table and initramfs sources run under
 * ASan/UBSan: the heap is malloc, frames are counted 4 KiB heap blocks
 * (phys = address - KERNEL_DIRECT_BASE, so P2V() gives the pointer back),
 * user copies are memcpy, locks do nothing (one thread), and `current` is a
 * fake task whose working directory (fs context) and fd table the tests set.
 */
#ifndef TESTS_HOST_FS_SHIMS_H
#define TESTS_HOST_FS_SHIMS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The real struct task drags in the signal UAPI, which clashes with the C
 * library's; the fs code needs only these fields of it. */
#define KERNEL_TASK_H
#include <kernel/kernel.h>
struct fdtable;
struct vnode;
struct fs_context;
struct task {
    struct fdtable *files;
    struct fs_context *fs;
};
struct task *current_task(void);
#define current (current_task())

#include <kernel/mutex.h>
#include <kernel/timekeeping.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>

void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
void kfree(void *p) { free(p); }
char *strdup_k(const char *s) { return strdup(s); }
void spin_init(struct spinlock *l, const char *name) { (void)l; (void)name; }
void spin_lock(struct spinlock *l) { l->locked = 1; }
void spin_unlock(struct spinlock *l) { l->locked = 0; }
void mutex_init(struct mutex *m, const char *name) { (void)name; m->locked = false; }
void mutex_lock(struct mutex *m) { ck_assert(!m->locked); m->locked = true; }
void mutex_unlock(struct mutex *m) { ck_assert(m->locked); m->locked = false; }
bool mutex_held(struct mutex *m) { return m->locked; }
uint64_t time_realtime_ns(void) { return 1700000000ULL * 1000000000ULL; }
int kprintf(const char *fmt, ...) { (void)fmt; return 0; }
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

/* Frames: a header before each page keeps the reference count. */
static long frames_live, frame_fail_after = -1;
struct frame_hdr {
    unsigned refs;
    struct frame_hdr *next, *prev;   /* all live frames: keeps them visible to LeakSanitizer */
    char pad[4096 - 24];
};
static struct frame_hdr frames_head = {0, &frames_head, &frames_head, {0}};
phys_t pmm_alloc(void)
{
    if (frame_fail_after == 0)
        return 0;
    if (frame_fail_after > 0)
        frame_fail_after--;
    struct frame_hdr *h = aligned_alloc(4096, 8192);
    memset(h, 0, 8192);
    h->refs = 1;
    h->next = frames_head.next;
    h->prev = &frames_head;
    frames_head.next->prev = h;
    frames_head.next = h;
    frames_live++;
    return (phys_t)((uintptr_t)(h + 1) - KERNEL_DIRECT_BASE);
}
static struct frame_hdr *hdr_of(phys_t p) { return (struct frame_hdr *)P2V(p) - 1; }
void pmm_get(phys_t p) { hdr_of(p)->refs++; }
void pmm_put(phys_t p)
{
    struct frame_hdr *h = hdr_of(p);
    ck_assert_uint_gt(h->refs, 0);
    if (--h->refs == 0) {
        h->prev->next = h->next;
        h->next->prev = h->prev;
        free(h);
        frames_live--;
    }
}
uint64_t pmm_free_pages(void) { return 1000; }
uint64_t pmm_total_pages(void) { return 2000; }

int copy_to_user(void *dst, const void *src, size_t n) { if (!dst && n) return -EFAULT; memcpy(dst, src, n); return 0; }
int copy_from_user(void *dst, const void *src, size_t n) { if (!src && n) return -EFAULT; memcpy(dst, src, n); return 0; }
int clear_user(void *dst, size_t n) { memset(dst, 0, n); return 0; }

/* No address spaces on the host: nothing maps the files. */
void vm_file_truncated(struct vnode *file, uint64_t size) { (void)file; (void)size; }
void vm_file_unmap(struct vnode *file, uint64_t from, uint64_t to) { (void)file; (void)from; (void)to; }

static struct task fake_task;
struct task *current_task(void) { return &fake_task; }

/* Credentials (kernel/proc/cred.c needs the real task): the fake task is
 * root, whom the mode bits stop only from executing a file no one may;
 * the permission rules themselves are checked by the creds guest test
 * against Linux. */
#include <fs/vfs.h>
#include <proc/cred.h>
#include <fs/seqfile.h>
/* Named pipes open through the pipe code, which the host tests leave out:
 * a FIFO opened here gets a file with no operations. */
const struct file_ops fifo_fops = {0};
/* No epoll on the host: no file is ever watched, so a last close never
 * gets here (file_put calls it only for files an epoll has watched). */
#include <fs/eventpoll.h>
void eventpoll_release_file(struct file *f) { (void)f; ck_assert(0); }
bool capable(int cap) { (void)cap; return true; }
bool in_group(gid_t gid) { (void)gid; return true; }
/* root: anything but executing a file that has no execute bit */
int vnode_permission(const struct vnode *v, int mask)
{
    return (mask & MAY_EXEC) && v->type != VDIR && !(v->mode & 0111) ? -EACCES : 0;
}
int vnode_permission_real(const struct vnode *v, int mask) { return vnode_permission(v, mask); }
int sticky_check(const struct vnode *dir, const struct vnode *victim) { (void)dir; (void)victim; return 0; }
bool owner_or_capable(const struct vnode *v) { (void)v; return true; }
/* Resource limits: none is reached on the host (RLIMIT_NOFILE is the
 * descriptor table's own bound, test_fs_fdtable checks a lower one). */
#include <proc/rlimit.h>
uint64_t rlimit_cur(const struct task *t, int res) { (void)t; (void)res; return ~0ULL; }
void cred_init_new_file(struct vnode *v, const struct vnode *dir) { (void)v; (void)dir; }

/* Record locks (kernel/fs/locks.c) are tested on their own
 * (test_fs_locks); no file here is ever locked. */
#include <fs/locks.h>
void locks_remove_posix(struct file *f, const void *owner) { (void)f; (void)owner; }
void locks_remove_file(struct file *f) { (void)f; }

/* The mount table (kernel/fs/mount.c) is compiled for boot's mounts; its
 * system calls are checked by the mount guest tests against Linux, so the
 * path and user-memory helpers they use, and the single instances of the
 * pseudo file systems the host tests leave out, are stubs here. */
#include <fs/fsyscall.h>
#include <fs/mount.h>
#include <fs/mqueue.h>
#include <kernel/random.h>
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = 0;
    }
    return n;
}
long strncpy_from_user(char *dst, const char *src, size_t max) { (void)dst; (void)src; (void)max; return -EFAULT; }
int at_start(int dirfd, const char *path, struct vnode **start) { (void)dirfd; (void)path; (void)start; return -ENOSYS; }
int at_resolve(int dirfd, const char *upath, int atflags, struct vnode **out)
{
    (void)dirfd; (void)upath; (void)atflags; (void)out;
    return -ENOSYS;
}
struct vnode *procfs_root(void) { return NULL; }
struct vnode *sysfs_root(void) { return NULL; }
int devpts_mount(unsigned long sb_flags, char *opts, struct vnode **root)
{
    (void)sb_flags; (void)opts; (void)root;
    return -ENODEV;
}
int devpts_remount(struct superblock *sb, char *opts) { (void)sb; (void)opts; return -EINVAL; }
struct vnode *mqueue_root(void) { return NULL; }
void mqueue_init(void) {}
void devpts_show(struct superblock *sb, struct seqbuf *s) { (void)sb; (void)s; }
long random_to_user(void *buf, size_t len) { memset(buf, 0x5a, len); return (long)len; }
void random_bytes(void *buf, size_t n) { memset(buf, 0x5a, n); }

#endif
