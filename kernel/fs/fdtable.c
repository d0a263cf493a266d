/*
 * Descriptor tables (see <fs/fdtable.h>).  The lowest free descriptor is
 * found by scanning the `used` bitmap a 64-bit word at a time, so even a
 * table full of descriptors costs 16 word tests.  Growing allocates the
 * bigger arrays with the lock dropped, then retries.
 */
#include <fs/fdtable.h>
#include <fs/locks.h>
#include <lib/string.h>
#include <mm/kheap.h>

#define FDT_MIN_CAP 64

static void set_bit(uint64_t *bm, int i, bool on)
{
    if (on)
        bm[i / 64] |= 1ULL << (i % 64);
    else
        bm[i / 64] &= ~(1ULL << (i % 64));
}

static bool test_bit(const uint64_t *bm, int i) { return bm[i / 64] >> (i % 64) & 1; }

/* A descriptor of table t closed: t's record locks on the file go (POSIX:
 * any close of a file drops the process's locks on it), the file hears of
 * it (->flush), then its reference goes. */
static void file_flush_put(struct fdtable *t, struct file *f)
{
    if (!f)
        return;
    locks_remove_posix(f, t);
    if (f->ops && f->ops->flush)
        f->ops->flush(f);
    file_put(f);
}

static struct fdtable *fdt_alloc_table(int cap)
{
    struct fdtable *t = kzalloc(sizeof(*t));
    struct file **files = kzalloc(cap * sizeof(*files));
    uint64_t *used = kzalloc(cap / 8), *cloexec = kzalloc(cap / 8);
    if (!t || !files || !used || !cloexec) {
        kfree(t);
        kfree(files);
        kfree(used);
        kfree(cloexec);
        return NULL;
    }
    spin_init(&t->lock, "fdtable");
    t->refs = 1;
    t->cap = cap;
    t->files = files;
    t->used = used;
    t->cloexec = cloexec;
    return t;
}

struct fdtable *fdtable_new(void) { return fdt_alloc_table(FDT_MIN_CAP); }

/* Grow t to at least `need` slots.  Called without the lock. */
static int fdt_grow(struct fdtable *t, int need)
{
    if (need > NR_OPEN_MAX)
        return -EMFILE;
    int cap = t->cap;
    while (cap < need)
        cap *= 2;
    cap = MIN(cap, NR_OPEN_MAX);
    struct file **files = kzalloc(cap * sizeof(*files));
    uint64_t *used = kzalloc(cap / 8), *cloexec = kzalloc(cap / 8);
    if (!files || !used || !cloexec) {
        kfree(files);
        kfree(used);
        kfree(cloexec);
        return -ENOMEM;
    }
    spin_lock(&t->lock);
    if (t->cap >= cap) {                 /* someone else grew it meanwhile */
        spin_unlock(&t->lock);
        kfree(files);
        kfree(used);
        kfree(cloexec);
        return 0;
    }
    memcpy(files, t->files, t->cap * sizeof(*files));
    memcpy(used, t->used, t->cap / 8);
    memcpy(cloexec, t->cloexec, t->cap / 8);
    struct file **of = t->files;
    uint64_t *ou = t->used, *oc = t->cloexec;
    t->files = files;
    t->used = used;
    t->cloexec = cloexec;
    t->cap = cap;
    spin_unlock(&t->lock);
    kfree(of);
    kfree(ou);
    kfree(oc);
    return 0;
}

/* Lowest clear bit >= min in the used bitmap, or -1.  Lock held. */
static int find_free(struct fdtable *t, int min)
{
    for (int w = min / 64; w < t->cap / 64; w++) {
        uint64_t free = ~t->used[w];
        if (w == min / 64)
            free &= ~0ULL << (min % 64);
        if (free)
            return w * 64 + __builtin_ctzll(free);
    }
    return -1;
}

int fdt_alloc(struct fdtable *t, struct file *f, int min, bool cloexec)
{
    int limit = fd_limit();             /* the caller's RLIMIT_NOFILE */
    if (min < 0 || min >= limit)
        return min < 0 ? -EINVAL : -EMFILE;
    for (;;) {
        spin_lock(&t->lock);
        int fd = min < t->cap ? find_free(t, min) : -1;
        if (fd >= limit || (fd < 0 && t->cap >= limit)) {
            spin_unlock(&t->lock);
            return -EMFILE;
        }
        if (fd >= 0) {
            t->files[fd] = f;
            set_bit(t->used, fd, true);
            set_bit(t->cloexec, fd, cloexec);
            spin_unlock(&t->lock);
            return fd;
        }
        int need = MAX(t->cap, min) + 1;
        spin_unlock(&t->lock);
        int err = fdt_grow(t, need);
        if (err)
            return err;
    }
}

int fdt_replace(struct fdtable *t, int newfd, struct file *f, bool cloexec)
{
    if (newfd < 0 || newfd >= fd_limit())
        return -EBADF;
    while (newfd >= READ_ONCE(t->cap)) {
        int err = fdt_grow(t, newfd + 1);
        if (err)
            return err == -EMFILE ? -EBADF : err;
    }
    spin_lock(&t->lock);
    struct file *old = t->files[newfd];
    t->files[newfd] = f;
    set_bit(t->used, newfd, true);
    set_bit(t->cloexec, newfd, cloexec);
    spin_unlock(&t->lock);
    file_flush_put(t, old);
    return newfd;
}

struct file *fdt_get(struct fdtable *t, int fd)
{
    struct file *f = NULL;
    spin_lock(&t->lock);
    if (fd >= 0 && fd < t->cap && (f = t->files[fd]))
        file_get(f);
    spin_unlock(&t->lock);
    return f;
}

int fdt_close(struct fdtable *t, int fd)
{
    struct file *f = NULL;
    spin_lock(&t->lock);
    if (fd >= 0 && fd < t->cap && (f = t->files[fd])) {
        t->files[fd] = NULL;
        set_bit(t->used, fd, false);
        set_bit(t->cloexec, fd, false);
    }
    spin_unlock(&t->lock);
    if (!f)
        return -EBADF;
    file_flush_put(t, f);
    return 0;
}

int fdt_get_cloexec(struct fdtable *t, int fd)
{
    int r = -EBADF;
    spin_lock(&t->lock);
    if (fd >= 0 && fd < t->cap && t->files[fd])
        r = test_bit(t->cloexec, fd);
    spin_unlock(&t->lock);
    return r;
}

int fdt_set_cloexec(struct fdtable *t, int fd, bool on)
{
    int r = -EBADF;
    spin_lock(&t->lock);
    if (fd >= 0 && fd < t->cap && t->files[fd]) {
        set_bit(t->cloexec, fd, on);
        r = 0;
    }
    spin_unlock(&t->lock);
    return r;
}

int fdt_count(struct fdtable *t)
{
    int n = 0;
    spin_lock(&t->lock);
    for (int w = 0; w < t->cap / 64; w++)
        n += __builtin_popcountll(t->used[w]);
    spin_unlock(&t->lock);
    return n;
}

struct fdtable *fdtable_clone(struct fdtable *t)
{
    for (;;) {
        int cap = READ_ONCE(t->cap);
        struct fdtable *n = fdt_alloc_table(cap);
        if (!n)
            return NULL;
        spin_lock(&t->lock);
        if (t->cap != cap) {             /* grew while we allocated: retry */
            spin_unlock(&t->lock);
            fdtable_put(n);
            continue;
        }
        for (int i = 0; i < cap; i++)
            if ((n->files[i] = t->files[i]))
                file_get(n->files[i]);
        memcpy(n->used, t->used, cap / 8);
        memcpy(n->cloexec, t->cloexec, cap / 8);
        spin_unlock(&t->lock);
        return n;
    }
}

/* Close every descriptor whose bit is set in `which` (NULL: all). */
static void close_matching(struct fdtable *t, bool only_cloexec)
{
    for (int fd = 0; fd < READ_ONCE(t->cap); fd++) {
        struct file *f = NULL;
        spin_lock(&t->lock);
        if (t->files[fd] && (!only_cloexec || test_bit(t->cloexec, fd))) {
            f = t->files[fd];
            t->files[fd] = NULL;
            set_bit(t->used, fd, false);
            set_bit(t->cloexec, fd, false);
        }
        spin_unlock(&t->lock);
        file_flush_put(t, f);
    }
}

void fdtable_exec(struct fdtable *t) { close_matching(t, true); }

void fdt_close_range(struct fdtable *t, unsigned first, unsigned last, bool cloexec)
{
    for (unsigned fd = first; fd <= last && fd < (unsigned)READ_ONCE(t->cap); fd++) {
        struct file *f = NULL;
        spin_lock(&t->lock);
        if (fd < (unsigned)t->cap && t->files[fd]) {
            if (cloexec) {
                set_bit(t->cloexec, (int)fd, true);
            } else {
                f = t->files[fd];
                t->files[fd] = NULL;
                set_bit(t->used, (int)fd, false);
                set_bit(t->cloexec, (int)fd, false);
            }
        }
        spin_unlock(&t->lock);
        file_flush_put(t, f);
        if (fd == last)
            break;                      /* last may be UINT_MAX */
    }
}

void fdtable_get(struct fdtable *t) { __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED); }
bool fdtable_shared(struct fdtable *t) { return __atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) > 1; }

void fdtable_put(struct fdtable *t)
{
    if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    close_matching(t, false);
    kfree(t->files);
    kfree(t->used);
    kfree(t->cloexec);
    kfree(t);
}
