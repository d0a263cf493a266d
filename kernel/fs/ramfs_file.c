/*
 * ramfs regular files: the data lives in an array of page frames indexed by
 * page number.  A missing frame is a hole and reads as zeros, so a sparse or
 * a large file (busybox, ~2 MB) costs only the pages actually written, and
 * exec/page faults can map the very frames (vnode_get_page) copy-on-write.
 *
 * Locking: the page array and v->size are protected by the vnode spinlock,
 * so readers (including the fault path, which holds an mm spinlock) never
 * sleep; a reader pins a frame with pmm_get, drops the lock, then copies to
 * user space.  Writers and truncate are serialised by the per-file sleeping
 * wlock, under which the array may grow and frames be added.
 *
 * Invariant: every byte of an allocated frame beyond EOF is zero (truncate
 * clears the tail of the page it cuts, a failed copy clears what it left),
 * so extending a file never exposes stale data.
 *
 * fallocate (tmpfs's rules) allocates frames that stay "unwritten" until
 * written or faulted in: they count in st_blocks and read as zeros, but
 * SEEK_DATA sees them as a hole, as Linux does on tmpfs.  Punching a hole
 * frees whole pages (their shared mappings are zapped, so a later store
 * faults a fresh page in) and zeroes the partial ones.
 */
#include <fs/ramfs.h>
#include <kernel/mutex.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>

struct rfile {
    struct mutex wlock;      /* writers, truncate and fallocate */
    phys_t *pages;              /* slots; protected by v->lock */
    uint64_t *unwritten;        /* a bit per slot: allocated by fallocate, never written (v->lock) */
    size_t cap;                 /* number of slots */
};

static bool bit_get(const uint64_t *bm, size_t i) { return bm[i / 64] >> (i % 64) & 1; }

static void bit_set(uint64_t *bm, size_t i, bool on)
{
    if (on)
        bm[i / 64] |= 1ULL << (i % 64);
    else
        bm[i / 64] &= ~(1ULL << (i % 64));
}

uint64_t ramfs_pages_used;

static struct rfile *RF(struct vnode *v) { return v->priv; }

/* Frames a file write never takes: what is left for page tables, stacks
 * and the heap when files fill memory, so that the writer gets ENOSPC and
 * nothing is killed for want of memory (1/32 of RAM, at least 1 MiB). */
static uint64_t reserve_pages(void)
{
    return MAX(pmm_total_pages() / 32, (uint64_t)(1 << 20) / PAGE_SIZE);
}

/* Count one more page of file data against v's file system: false (the
 * write gets ENOSPC) past its size limit or, for write(2), into the
 * reserve.  A shared mapping's fault is not held to the reserve: it fails
 * (SIGBUS) only when memory itself runs out, as it did before. */
bool ramfs_charge_page(struct vnode *v, bool reserve)
{
    struct superblock *sb = v->sb;
    uint64_t n = __atomic_add_fetch(&sb->pages_used, 1, __ATOMIC_RELAXED);
    if ((sb->max_pages && n > sb->max_pages) || (reserve && pmm_free_pages() <= reserve_pages())) {
        __atomic_sub_fetch(&sb->pages_used, 1, __ATOMIC_RELAXED);
        return false;
    }
    __atomic_add_fetch(&ramfs_pages_used, 1, __ATOMIC_RELAXED);
    return true;
}

void ramfs_uncharge_page(struct vnode *v)
{
    __atomic_sub_fetch(&v->sb->pages_used, 1, __ATOMIC_RELAXED);
    __atomic_sub_fetch(&ramfs_pages_used, 1, __ATOMIC_RELAXED);
}

int ramfs_file_init(struct vnode *v)
{
    struct rfile *rf = kzalloc(sizeof(*rf));
    if (!rf)
        return -ENOMEM;
    mutex_init(&rf->wlock, "ramfs-write");
    v->priv = rf;
    v->fops = &ramfs_file_fops;
    return 0;
}

static void ramfs_file_destroy(struct vnode *v)
{
    struct rfile *rf = RF(v);
    if (!rf)
        return;
    for (size_t i = 0; i < rf->cap; i++)
        if (rf->pages[i]) {
            pmm_put(rf->pages[i]);
            ramfs_uncharge_page(v);
        }
    kfree(rf->pages);
    kfree(rf->unwritten);
    kfree(rf);
}

/* Make room for `need` slots.  wlock held. */
static int ensure_cap(struct vnode *v, struct rfile *rf, size_t need)
{
    if (need <= rf->cap)
        return 0;
    if (need > RAMFS_MAX_PAGES)
        return -EFBIG;
    size_t ncap = rf->cap ? rf->cap : 16;
    while (ncap < need)
        ncap *= 2;
    ncap = MIN(ncap, RAMFS_MAX_PAGES);
    phys_t *np = kzalloc(ncap * sizeof(phys_t));
    uint64_t *nu = kzalloc(ALIGN_UP(ncap, 64) / 8);
    if (!np || !nu) {
        kfree(np);
        kfree(nu);
        return -ENOMEM;
    }
    spin_lock(&v->lock);
    if (rf->cap) {
        memcpy(np, rf->pages, rf->cap * sizeof(phys_t));
        memcpy(nu, rf->unwritten, ALIGN_UP(rf->cap, 64) / 8);
    }
    phys_t *old = rf->pages;
    uint64_t *oldu = rf->unwritten;
    rf->pages = np;
    rf->unwritten = nu;
    rf->cap = ncap;
    spin_unlock(&v->lock);
    kfree(old);
    kfree(oldu);
    return 0;
}

/* The frame for page idx, allocating a zeroed one if there is none: for a
 * write (it then holds data) or for fallocate (a new one stays unwritten).
 * 0 when memory is exhausted or the file system full (ramfs_charge_page says
 * what `reserve` means).  wlock held. */
static phys_t page_alloc_at(struct vnode *v, struct rfile *rf, size_t idx, bool write, bool reserve)
{
    spin_lock(&v->lock);
    phys_t p = rf->pages[idx];
    if (write)
        bit_set(rf->unwritten, idx, false);
    spin_unlock(&v->lock);
    if (p)
        return p;
    if (!ramfs_charge_page(v, reserve))
        return 0;
    p = pmm_alloc();
    if (!p) {
        ramfs_uncharge_page(v);
        return 0;
    }
    spin_lock(&v->lock);
    rf->pages[idx] = p;
    bit_set(rf->unwritten, idx, !write);
    v->blocks += PAGE_SIZE / 512;
    spin_unlock(&v->lock);
    return p;
}

static phys_t page_for_write(struct vnode *v, struct rfile *rf, size_t idx, bool reserve)
{
    return page_alloc_at(v, rf, idx, true, reserve);
}

/* Frees the frames of pages [first, last).  wlock held. */
static void free_pages(struct vnode *v, struct rfile *rf, size_t first, size_t last)
{
    for (size_t i = first; i < last && i < rf->cap; i++) {
        spin_lock(&v->lock);
        phys_t p = rf->pages[i];
        rf->pages[i] = 0;
        bit_set(rf->unwritten, i, false);
        if (p)
            v->blocks -= PAGE_SIZE / 512;
        spin_unlock(&v->lock);
        if (p) {
            pmm_put(p);
            ramfs_uncharge_page(v);
        }
    }
}

static ssize_t ramfs_read_kernel(struct vnode *v, uint64_t off, void *kbuf, size_t len)
{
    struct rfile *rf = RF(v);
    size_t done = 0;
    spin_lock(&v->lock);
    while (done < len && off + done < v->size) {
        uint64_t pos = off + done;
        size_t idx = pos / PAGE_SIZE, poff = pos % PAGE_SIZE;
        size_t n = MIN(len - done, PAGE_SIZE - poff);
        n = MIN(n, v->size - pos);
        phys_t p = idx < rf->cap ? rf->pages[idx] : 0;
        if (p)
            memcpy((char *)kbuf + done, (char *)P2V(p) + poff, n);
        else
            memset((char *)kbuf + done, 0, n);
        done += n;
    }
    spin_unlock(&v->lock);
    return (ssize_t)done;
}

static phys_t ramfs_get_page(struct vnode *v, uint64_t index)
{
    struct rfile *rf = RF(v);
    phys_t p = 0;
    spin_lock(&v->lock);
    if (index < rf->cap && index * PAGE_SIZE < v->size) {
        p = rf->pages[index];
        if (p)
            pmm_get(p);
        bit_set(rf->unwritten, index, false);  /* a fault makes it data (tmpfs) */
    }
    spin_unlock(&v->lock);
    return p;
}

/* A shared mapping's page: the file's own frame (a hole gets one), so a
 * store through the mapping is what read() sees and the other way round. */
static int ramfs_get_page_shared(struct vnode *v, uint64_t index, phys_t *out)
{
    struct rfile *rf = RF(v);
    mutex_lock(&rf->wlock);
    int err = 0;
    phys_t p = 0;
    if (index * PAGE_SIZE >= READ_ONCE(v->size))
        err = -ENXIO;
    else if ((err = ensure_cap(v, rf, index + 1)) == 0 && !(p = page_for_write(v, rf, index, false)))
        err = -ENOMEM;
    if (p)
        pmm_get(p);
    mutex_unlock(&rf->wlock);
    *out = p;
    return err;
}

struct vnode *vfs_anon_file(uint64_t size)
{
    if (size > RAMFS_MAX_PAGES * PAGE_SIZE)
        return NULL;
    struct vnode *v = vnode_alloc(&ramfs_sb, &ramfs_file_vops, S_IFREG | 0600);
    if (!v)
        return NULL;
    if (ramfs_file_init(v)) {
        vnode_put(v);
        return NULL;
    }
    v->nlink = 0;                       /* in no directory: gone with its last user */
    v->size = size;
    return v;
}

static ssize_t ramfs_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct vnode *v = f->vnode;
    struct rfile *rf = RF(v);
    size_t done = 0;
    while (done < len) {
        uint64_t pos = *off + done;
        spin_lock(&v->lock);
        if (pos >= v->size) {
            spin_unlock(&v->lock);
            break;
        }
        size_t idx = pos / PAGE_SIZE, poff = pos % PAGE_SIZE;
        size_t n = MIN(len - done, PAGE_SIZE - poff);
        n = MIN(n, v->size - pos);
        phys_t p = idx < rf->cap ? rf->pages[idx] : 0;
        if (p)
            pmm_get(p);           /* pinned: a racing truncate cannot free it under us */
        spin_unlock(&v->lock);
        int r = p ? iob_copy_to(buf, done, (char *)P2V(p) + poff, n) : iob_clear(buf, done, n);
        if (p)
            pmm_put(p);
        if (r) {
            if (!done)
                return -EFAULT;
            break;
        }
        done += n;
    }
    *off += done;
    vnode_touch(v, true, false, false);
    return (ssize_t)done;
}

static ssize_t ramfs_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct vnode *v = f->vnode;
    struct rfile *rf = RF(v);
    const uint64_t max = RAMFS_MAX_PAGES * PAGE_SIZE;
    ssize_t err = 0;
    size_t done = 0;

    mutex_lock(&rf->wlock);
    if (f->flags & O_APPEND)
        *off = READ_ONCE(v->size);
    uint64_t pos = *off;
    if (pos >= max) {
        mutex_unlock(&rf->wlock);
        return len ? -EFBIG : 0;
    }
    len = MIN(len, max - pos);
    while (done < len) {
        uint64_t at = pos + done;
        size_t idx = at / PAGE_SIZE, poff = at % PAGE_SIZE;
        size_t n = MIN(len - done, PAGE_SIZE - poff);
        if ((err = ensure_cap(v, rf, idx + 1)) < 0)
            break;
        phys_t p = page_for_write(v, rf, idx, true);
        if (!p) {
            err = -ENOSPC;
            break;
        }
        char *dst = (char *)P2V(p) + poff;
        if (iob_copy_from(dst, buf, done, n)) {
            /* keep the zero-beyond-EOF invariant for what the copy left */
            uint64_t size = READ_ONCE(v->size);
            if (at >= size)
                memset(dst, 0, n);
            else if (at + n > size)
                memset(dst + (size - at), 0, at + n - size);
            err = -EFAULT;
            break;
        }
        done += n;
        spin_lock(&v->lock);
        if (pos + done > v->size)
            v->size = pos + done;
        spin_unlock(&v->lock);
    }
    if (done)
        vnode_touch(v, false, true, true);
    mutex_unlock(&rf->wlock);
    *off = pos + done;
    return done ? (ssize_t)done : err;
}

/* Set the size; shrinking frees whole pages past the end and zeroes the tail
 * of the page the new end falls in.  Growing leaves a hole. */
static int ramfs_truncate(struct vnode *v, uint64_t size)
{
    struct rfile *rf = RF(v);
    if (size > RAMFS_MAX_PAGES * PAGE_SIZE)
        return -EFBIG;
    mutex_lock(&rf->wlock);
    spin_lock(&v->lock);
    uint64_t old = v->size;
    if (size < old) {
        size_t idx = size / PAGE_SIZE, poff = size % PAGE_SIZE;
        if (poff && idx < rf->cap && rf->pages[idx])
            memset((char *)P2V(rf->pages[idx]) + poff, 0, PAGE_SIZE - poff);
    }
    v->size = size;
    spin_unlock(&v->lock);
    if (size < old)
        free_pages(v, rf, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE, rf->cap);
    mutex_unlock(&rf->wlock);
    vnode_touch(v, false, true, true);
    return 0;
}

/* A hole from off to end: whole pages go (their shared mappings first, so
 * a store through one faults a fresh page in, which waits for wlock), the
 * partial pages at either end are cleared where they exist. */
static void punch_hole(struct vnode *v, struct rfile *rf, uint64_t off, uint64_t end)
{
    uint64_t first = ALIGN_UP(off, PAGE_SIZE), last = ALIGN_DOWN(end, PAGE_SIZE);
    if (first < last) {
        vm_file_unmap(v, first, last);
        free_pages(v, rf, first / PAGE_SIZE, last / PAGE_SIZE);
    }
    for (uint64_t at = off; at < end;) {
        uint64_t stop = MIN(end, ALIGN_DOWN(at, PAGE_SIZE) + PAGE_SIZE);
        if (at < first || at >= last) {
            size_t idx = at / PAGE_SIZE;
            spin_lock(&v->lock);
            phys_t p = idx < rf->cap ? rf->pages[idx] : 0;
            if (p)
                memset((char *)P2V(p) + at % PAGE_SIZE, 0, stop - at);
            spin_unlock(&v->lock);
        } else {
            stop = last;
        }
        at = stop;
    }
}

/* fallocate as tmpfs does it: FALLOC_FL_PUNCH_HOLE (always with
 * KEEP_SIZE: the VFS checked) or allocation, the size growing to the end
 * of the range unless FALLOC_FL_KEEP_SIZE.  Out of memory is ENOSPC; the
 * pages allocated so far stay (unwritten). */
static int ramfs_fallocate(struct vnode *v, int mode, uint64_t off, uint64_t len)
{
    struct rfile *rf = RF(v);
    if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
        return -EOPNOTSUPP;
    uint64_t end = off + len;
    int err = 0;
    mutex_lock(&rf->wlock);
    if (mode & FALLOC_FL_PUNCH_HOLE) {
        punch_hole(v, rf, off, MIN(end, (uint64_t)rf->cap * PAGE_SIZE));
    } else if (end > RAMFS_MAX_PAGES * PAGE_SIZE) {
        err = -EFBIG;
    } else if ((err = ensure_cap(v, rf, ALIGN_UP(end, PAGE_SIZE) / PAGE_SIZE)) == 0) {
        for (size_t i = off / PAGE_SIZE; i < ALIGN_UP(end, PAGE_SIZE) / PAGE_SIZE && !err; i++)
            if (!page_alloc_at(v, rf, i, false, true))
                err = -ENOSPC;
        spin_lock(&v->lock);
        if (!err && !(mode & FALLOC_FL_KEEP_SIZE) && end > v->size)
            v->size = end;
        spin_unlock(&v->lock);
    }
    mutex_unlock(&rf->wlock);
    if (!err)
        vnode_touch(v, false, true, true);
    return err;
}

/* lseek: SEEK_DATA and SEEK_HOLE look at the pages (a missing or unwritten
 * one is a hole, the end of the file is one too), the rest is generic. */
static off_t ramfs_lseek(struct file *f, off_t off, int whence)
{
    if (whence != SEEK_DATA && whence != SEEK_HOLE)
        return generic_file_lseek(f, off, whence);
    struct vnode *v = f->vnode;
    struct rfile *rf = RF(v);
    spin_lock(&v->lock);
    uint64_t size = v->size, pos = (uint64_t)off;
    if (off < 0 || pos >= size) {
        spin_unlock(&v->lock);
        return -ENXIO;
    }
    for (;;) {
        size_t idx = pos / PAGE_SIZE;
        bool data = idx < rf->cap && rf->pages[idx] && !bit_get(rf->unwritten, idx);
        if (data == (whence == SEEK_DATA))
            break;
        pos = (idx + 1) * PAGE_SIZE;
        if (pos >= size)
            break;
    }
    spin_unlock(&v->lock);
    if (pos >= size) {
        if (whence == SEEK_DATA)
            return -ENXIO;
        pos = size;
    }
    f->offset = pos;
    return (off_t)pos;
}

int ramfs_file_fill(struct vnode *v, const void *data, size_t len)
{
    struct rfile *rf = RF(v);
    int err = 0;
    mutex_lock(&rf->wlock);
    uint64_t pos = v->size;
    size_t done = 0;
    if (pos + len > RAMFS_MAX_PAGES * PAGE_SIZE)
        err = -EFBIG;
    while (!err && done < len) {
        uint64_t at = pos + done;
        size_t idx = at / PAGE_SIZE, poff = at % PAGE_SIZE;
        size_t n = MIN(len - done, PAGE_SIZE - poff);
        if ((err = ensure_cap(v, rf, idx + 1)) < 0)
            break;
        phys_t p = page_for_write(v, rf, idx, true);
        if (!p) {
            err = -ENOSPC;
            break;
        }
        memcpy((char *)P2V(p) + poff, (const char *)data + done, n);
        done += n;
        spin_lock(&v->lock);
        v->size = pos + done;
        spin_unlock(&v->lock);
    }
    mutex_unlock(&rf->wlock);
    return err;
}

const struct vnode_ops ramfs_file_vops = {
    .truncate = ramfs_truncate,
    .read_kernel = ramfs_read_kernel,
    .get_page = ramfs_get_page,
    .get_page_shared = ramfs_get_page_shared,
    .fallocate = ramfs_fallocate,
    .destroy = ramfs_file_destroy,
};

const struct file_ops ramfs_file_fops = {
    .read = ramfs_read,
    .write = ramfs_write,
    .lseek = ramfs_lseek,
};
