/*
 * Address spaces and their VMAs: creation, fork's copy-on-write clone,
 * mapping, unmapping and protection changes.  Page faults are resolved in
 * kernel/mm/fault.c.
 *
 * Locking: mm->lock (a spinlock: nothing here sleeps) protects the VMA list,
 * the page tables and the counters.
 *
 * TLBs: the threads of a process may run on several CPUs at once, each
 * caching translations of the same page tables.  mm->cpus records which
 * CPUs have the mm loaded.  A change that removes or narrows a translation
 * flushes this CPU's entry at once and, after dropping the lock, asks the
 * others to flush (mm_flush_others: an IPI, waited for; it cannot be done
 * under the spinlock, since a CPU spinning for it could not answer).  A
 * frame whose mapping is removed is released only after that flush, so no
 * CPU can reach a frame that has been given to someone else.
 */
#include <arch/percpu.h>
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pagetable.h>
#include <mm/pmm.h>
#include <mm/vm.h>

/* Every address space, for the few changes that reach all of them (a file
 * truncated under shared mappings). */
static struct spinlock mm_list_lock = SPINLOCK_INIT("mm_list");
static struct list_node all_mms = LIST_INIT(all_mms);

struct mm *mm_new(void)
{
    struct mm *mm = kzalloc(sizeof *mm);
    if (!mm)
        return NULL;
    mm->pt_root = pt_new_root();
    if (!mm->pt_root) {
        kfree(mm);
        return NULL;
    }
    spin_init(&mm->lock, "mm");
    list_init(&mm->vmas);
    mm->refs = 1;
    mm->mmap_top = USER_MMAP_TOP;
    mm->dumpable = 1;
    spin_lock(&mm_list_lock);
    list_push_back(&all_mms, &mm->all_node);
    spin_unlock(&mm_list_lock);
    return mm;
}

void vm_file_truncated(struct vnode *file, uint64_t size) { vm_file_unmap(file, ALIGN_UP(size, PAGE_SIZE), UINT64_MAX); }

void vm_file_unmap(struct vnode *file, uint64_t from, uint64_t to)
{
    spin_assert_none_held();
    /* Take a reference to each address space (one that is being freed,
     * refs already 0, is skipped), then work on each without the list lock. */
    size_t n = 0, cap = 0;
    struct mm **mms = NULL;
    for (;;) {
        spin_lock(&mm_list_lock);
        size_t count = 0;
        list_for_each(node, &all_mms)
            count++;
        if (count <= cap) {
            list_for_each(node, &all_mms) {
                struct mm *mm = container_of(node, struct mm, all_node);
                int refs = __atomic_load_n(&mm->refs, __ATOMIC_ACQUIRE);
                while (refs > 0 && !__atomic_compare_exchange_n(&mm->refs, &refs, refs + 1, false,
                                                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                    ;
                if (refs > 0)
                    mms[n++] = mm;
            }
            spin_unlock(&mm_list_lock);
            break;
        }
        spin_unlock(&mm_list_lock);
        kfree(mms);
        cap = count + 16;
        mms = kmalloc(cap * sizeof *mms);
        if (!mms)
            return;                     /* out of memory: the pages stay mapped */
    }
    for (size_t i = 0; i < n; i++) {
        struct mm *mm = mms[i];
        /* the shared mappings of this file's bytes [from, to) */
        struct { uint64_t s, e; } cuts[16];
        int k = 0;
        spin_lock(&mm->lock);
        list_for_each(node, &mm->vmas) {
            struct vma *v = container_of(node, struct vma, node);
            if (v->file != file || !(v->flags & VMA_SHARED) || k == 16)
                continue;
            uint64_t end_off = v->file_off + (v->end - v->start);
            if (end_off <= from || v->file_off >= to)
                continue;
            cuts[k].s = from > v->file_off ? v->start + (from - v->file_off) : v->start;
            cuts[k].e = to < end_off ? v->start + (to - v->file_off) : v->end;
            k++;
        }
        spin_unlock(&mm->lock);
        for (int j = 0; j < k; j++)
            vm_zap(mm, cuts[j].s, cuts[j].e - cuts[j].s);
        mm_put(mm);
    }
    kfree(mms);
}

static void note_table(void *arg, phys_t table)
{
    struct mm *mm = arg;
    if (mm->pt_count == mm->pt_cap) {
        uint32_t cap = mm->pt_cap ? mm->pt_cap * 2 : 16;
        phys_t *n = kmalloc(cap * sizeof *n);
        if (!n) {
            mm->pt_overflow = true;
            return;
        }
        if (mm->pt_count)
            memcpy(n, mm->pt_pages, mm->pt_count * sizeof *n);
        kfree(mm->pt_pages);
        mm->pt_pages = n;
        mm->pt_cap = cap;
    }
    mm->pt_pages[mm->pt_count++] = table;
}

pte_t *mm_pte(struct mm *mm, uint64_t va, bool alloc) { return pt_walk_note(mm->pt_root, va, alloc, note_table, mm); }

static bool mm_is_current(struct mm *mm) { return arch_pt_current() == mm->pt_root; }

static void flush_page(struct mm *mm, uint64_t va)
{
    if (mm_is_current(mm))
        arch_tlb_flush_page(va);
}

void mm_activate(struct mm *mm)
{
    int cpu = this_cpu_id();
    struct mm *old = percpu_area[cpu].loaded_mm;
    if (old != mm) {
        if (mm)
            cpuset_set_atomic(&mm->cpus, cpu);
        if (old)
            cpuset_clear_atomic(&old->cpus, cpu);
        percpu_area[cpu].loaded_mm = mm;
    }
    arch_pt_load(mm ? mm->pt_root : kernel_pt_root);
}

void mm_get(struct mm *mm) { __atomic_add_fetch(&mm->refs, 1, __ATOMIC_RELAXED); }

bool mm_loaded_elsewhere(struct mm *mm)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* page-table stores before the read */
    struct cpuset others;
    cpuset_load_atomic(&others, &mm->cpus);
    cpuset_clear(&others, this_cpu_id());
    return !cpuset_empty(&others);
}

void mm_flush_others(struct mm *mm)
{
    spin_assert_none_held();
    if (mm_loaded_elsewhere(mm)) {
        struct cpuset targets;
        cpuset_load_atomic(&targets, &mm->cpus);
        arch_tlb_flush_cpus(&targets);
    }
}

static struct vma *vma_alloc(void) { return kzalloc(sizeof(struct vma)); }

static void vma_free(struct vma *v)
{
    if (v->file)
        vnode_unuse(v->file);
    kfree(v);
}

struct vma *vm_find(struct mm *mm, uint64_t addr)
{
    spin_assert_held(&mm->lock);
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (addr < v->start)
            return NULL;
        if (addr < v->end)
            return v;
    }
    return NULL;
}

static void vma_insert(struct mm *mm, struct vma *nv)
{
    mm->nr_vmas++;
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->start > nv->start) {
            list_insert_between(&nv->node, n->prev, n);
            return;
        }
    }
    list_push_back(&mm->vmas, &nv->node);
}

/* Split v at addr (strictly inside) so that v ends at addr; returns the
 * upper part, or NULL when out of memory or at the mapping-count limit. */
static struct vma *vma_split(struct mm *mm, struct vma *v, uint64_t addr)
{
    if (mm->nr_vmas >= VM_MAX_MAP_COUNT)
        return NULL;
    struct vma *hi = vma_alloc();
    if (!hi)
        return NULL;
    mm->nr_vmas++;
    *hi = *v;
    hi->start = addr;
    if (v->file || v->special)
        hi->file_off = v->file_off + (addr - v->start);
    if (v->file)
        vnode_use(v->file);
    v->end = addr;
    list_insert_between(&hi->node, &v->node, v->node.next);
    return hi;
}

/* Frames unmapped while another CPU may still translate to them: released
 * after the flush.  `frames` holds up to `cap` (sized from rss, which bounds
 * the pages present).  The VMAs taken out are freed after the lock too: a
 * file mapping's end may be the last use of an unmounted tmpfs, whose files
 * then go under vfs_ns_lock (vnode_unuse), which sleeps. */
struct unmap_ctx {
    struct mm *mm;
    phys_t *frames;
    size_t n, cap;
    struct list_node gone;      /* VMAs to free once mm->lock is dropped */
};

static void unmap_pte(uint64_t va, pte_t *pte, void *arg)
{
    struct unmap_ctx *c = arg;
    if (c->frames && c->n < c->cap)
        c->frames[c->n++] = pte_frame(*pte);
    else
        pmm_put(pte_frame(*pte));
    *pte = 0;
    c->mm->rss_pages--;
    flush_page(c->mm, va);
}

/* Removes [start,end) from the VMA list and the page tables; lock held.
 * With c->frames set, the frames are left for the caller to release. */
static int unmap_locked(struct mm *mm, uint64_t start, uint64_t end, struct unmap_ctx *c)
{
    list_for_each_safe(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end <= start || v->start >= end)
            continue;
        if (v->start < start) {
            struct vma *hi = vma_split(mm, v, start);
            if (!hi)
                return -ENOMEM;
            n_nx = hi->node.next;   /* the upper part is handled below */
            v = hi;
        }
        if (v->end > end) {
            if (!vma_split(mm, v, end))
                return -ENOMEM;
        }
        n_nx = v->node.next;
        if (v->flags & VMA_LOCKED)
            mm->locked_pages -= (v->end - v->start) / PAGE_SIZE;
        pt_for_each(mm->pt_root, v->start, v->end, unmap_pte, c);
        list_remove(&v->node);
        mm->nr_vmas--;
        list_push_back(&c->gone, &v->node);
    }
    return 0;
}

/* Anonymous neighbours with the same protection and name become one VMA
 * (a growing heap stays one line in /proc/<pid>/maps). */
static void try_merge(struct mm *mm, struct vma *v)
{
    if (v->file || v->special || v->node.prev == &mm->vmas)
        return;
    struct vma *p = container_of(v->node.prev, struct vma, node);
    if (p->file || p->special || p->end != v->start || p->prot != v->prot || p->flags != v->flags || strcmp(p->name, v->name))
        return;
    p->end = v->end;
    list_remove(&v->node);
    mm->nr_vmas--;
    vma_free(v);
}

/* Takes mm->lock, with room to defer frame releases if other tasks share
 * this mm (their CPUs may translate to the frames until flushed).  An mm
 * with one user is loaded only where that user runs, which is here, and
 * cannot gain a user meanwhile (only its user could add one).  The room is
 * sized from rss, which cannot grow while the lock is held; if it grew
 * before the lock was taken, try again. */
static int lock_for_unmap(struct mm *mm, struct unmap_ctx *c)
{
    c->mm = mm;
    c->frames = NULL;
    c->n = c->cap = 0;
    list_init(&c->gone);
    for (;;) {
        size_t want = READ_ONCE(mm->rss_pages) + 16;
        if (READ_ONCE(mm->refs) > 1 && want > c->cap) {
            kfree(c->frames);
            c->frames = kmalloc(want * sizeof(phys_t));
            if (!c->frames)
                return -ENOMEM;
            c->cap = want;
        }
        spin_lock(&mm->lock);
        if (!c->frames || mm->rss_pages <= c->cap)
            return 0;
        spin_unlock(&mm->lock);
    }
}

/* Drops mm->lock; then the other CPUs' flush, the deferred frames and the
 * VMAs taken out. */
static void unlock_after_unmap(struct mm *mm, struct unmap_ctx *c)
{
    spin_unlock(&mm->lock);
    if (c->frames) {
        mm_flush_others(mm);
        for (size_t i = 0; i < c->n; i++)
            pmm_put(c->frames[i]);
        kfree(c->frames);
    }
    for (struct list_node *n; (n = list_pop_front(&c->gone));)
        vma_free(container_of(n, struct vma, node));
}

int vm_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
    struct unmap_ctx c;
    int r = lock_for_unmap(mm, &c);
    if (r)
        return r;
    r = unmap_locked(mm, addr, addr + len, &c);
    unlock_after_unmap(mm, &c);
    return r;
}

static struct vma *vma_new(uint64_t start, uint64_t len, uint32_t prot, uint32_t flags, struct vnode *file,
                           uint64_t file_off, uint64_t file_end, const char *name)
{
    struct vma *v = vma_alloc();
    if (!v)
        return NULL;
    v->start = start;
    v->end = start + len;
    v->prot = prot;
    v->flags = flags;
    v->file = file;
    v->file_off = file_off;
    v->file_end = file_end;
    if (file)
        vnode_use(file);
    if (name)
        strlcpy(v->name, name, sizeof v->name);
    return v;
}

enum placement { PLACE_FIXED, PLACE_ANYWHERE, PLACE_NOREPLACE };

/* Inserts v: PLACE_FIXED replaces what was there; PLACE_ANYWHERE (v built
 * at 0) first places it in a free range; PLACE_NOREPLACE fails with EEXIST
 * if anything is there.  The choice and the check are made under the same
 * hold of the lock as the insertion, so two threads mapping at once never
 * get the same range.  The address, or -errno (v is then freed). */
static long insert_vma(struct mm *mm, struct vma *v, enum placement how)
{
    bool anywhere = how == PLACE_ANYWHERE;
    struct unmap_ctx c;
    int r = lock_for_unmap(mm, &c);
    if (r) {
        vma_free(v);
        return r;
    }
    if (anywhere) {
        uint64_t len = v->end - v->start, at = vm_find_free(mm, len);
        if (!at) {
            r = -ENOMEM;
        } else {
            v->start += at;
            v->end += at;
            if (v->file)
                v->file_end += at;
        }
    }
    uint64_t start = v->start;
    if (r == 0 && how == PLACE_NOREPLACE && !vm_range_free(mm, v->start, v->end - v->start))
        r = -EEXIST;
    if (r == 0)
        r = unmap_locked(mm, v->start, v->end, &c);
    if (r == 0 && mm->nr_vmas >= VM_MAX_MAP_COUNT)
        r = -ENOMEM;                    /* vm.max_map_count, as Linux */
    if (r == 0) {
        vma_insert(mm, v);
        try_merge(mm, v);
    }
    unlock_after_unmap(mm, &c);
    if (r)
        vma_free(v);
    return r ? r : (long)start;
}

int vm_map(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, struct vnode *file,
           uint64_t file_off, uint64_t file_end, const char *name)
{
    struct vma *v = vma_new(addr, len, prot, flags, file, file_off, file_end, name);
    if (!v)
        return -ENOMEM;
    long r = insert_vma(mm, v, PLACE_FIXED);
    return r < 0 ? (int)r : 0;
}

int vm_map_noreplace(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, struct vnode *file,
                     uint64_t file_off, uint64_t file_end, const char *name)
{
    struct vma *v = vma_new(addr, len, prot, flags, file, file_off, file_end, name);
    if (!v)
        return -ENOMEM;
    long r = insert_vma(mm, v, PLACE_NOREPLACE);
    return r < 0 ? (int)r : 0;
}

int vm_map_special(struct mm *mm, uint64_t addr, uint32_t prot, const struct vm_special *sp)
{
    struct vma *v = vma_new(addr, (uint64_t)sp->npages * PAGE_SIZE, prot, 0, NULL, 0, 0, sp->name);
    if (!v)
        return -ENOMEM;
    v->special = sp;
    long r = insert_vma(mm, v, PLACE_FIXED);
    return r < 0 ? (int)r : 0;
}

long vm_map_anywhere(struct mm *mm, uint64_t len, uint32_t prot, uint32_t flags, struct vnode *file,
                     uint64_t file_off, uint64_t file_len, const char *name)
{
    struct vma *v = vma_new(0, len, prot, flags, file, file_off, file ? MIN(len, file_len) : 0, name);
    if (!v)
        return -ENOMEM;
    return insert_vma(mm, v, PLACE_ANYWHERE);
}

struct prot_ctx {
    struct mm *mm;
    uint32_t prot;
};

static void protect_pte(uint64_t va, pte_t *pte, void *arg)
{
    struct prot_ctx *c = arg;
    /* PROT_NONE keeps the frame but denies user access; a copy-on-write
     * page stays read-only */
    *pte = pte_modify(*pte, c->prot & VM_READ, c->prot & VM_WRITE, c->prot & VM_EXEC);
    flush_page(c->mm, va);
}

int vm_protect(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot)
{
    uint64_t end = addr + len;
    spin_lock(&mm->lock);
    /* every page of the range must be mapped (Linux: ENOMEM otherwise) */
    uint64_t cover = addr;
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end <= cover || v->start >= end)
            continue;
        if (v->start > cover)
            break;
        cover = v->end;
    }
    if (cover < end) {
        spin_unlock(&mm->lock);
        return -ENOMEM;
    }
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->start < end && v->end > addr && ((v->special && (prot & ~v->special->max_prot)) ||
                                                ((v->flags & VMA_NOWRITE) && (prot & VM_WRITE)))) {
            spin_unlock(&mm->lock);
            return -EACCES;             /* [vvar] stays read-only, as on Linux; so does a read-only shared file */
        }
    }
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end <= addr || v->start >= end)
            continue;
        if (v->start < addr) {
            if (!vma_split(mm, v, addr))
                goto oom;
            continue;               /* the upper part is the next node */
        }
        if (v->end > end && !vma_split(mm, v, end))
            goto oom;
        v->prot = prot;
        struct prot_ctx c = { mm, prot };
        pt_for_each(mm->pt_root, v->start, v->end, protect_pte, &c);
    }
    spin_unlock(&mm->lock);
    mm_flush_others(mm);
    return 0;
oom:
    spin_unlock(&mm->lock);
    return -ENOMEM;
}

uint64_t vm_find_free(struct mm *mm, uint64_t len)
{
    /* top-down first fit below mmap_top: one walk down the sorted list,
     * each gap between neighbours tried once */
    uint64_t top = mm->mmap_top;
    if (len > top)
        return 0;
    for (struct list_node *n = mm->vmas.prev; n != &mm->vmas; n = n->prev) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->start >= top)
            continue;                   /* wholly above the candidate */
        if (v->end <= top - len)
            break;                      /* the gap above v fits */
        top = v->start;
        if (len > top)
            return 0;
    }
    uint64_t cand = top - len;
    return cand >= USER_MIN_ADDR ? cand : 0;
}

struct clone_ctx {
    struct mm *dst;
    int err;
    bool cow;
};

static void clone_pte(uint64_t va, pte_t *pte, void *arg)
{
    struct clone_ctx *c = arg;
    if (c->err)
        return;
    pte_t *d = mm_pte(c->dst, va, true);
    if (!d) {
        c->err = -ENOMEM;
        return;
    }
    pte_t e = *pte;
    if (c->cow && pte_writable(e)) {
        e = pte_mkcow(e);               /* both sides now copy on write */
        *pte = e;
    }
    pmm_get(pte_frame(e));
    *d = e;
    c->dst->rss_pages++;
}

struct mm *mm_clone(struct mm *src)
{
    struct mm *mm = mm_new();
    if (!mm)
        return NULL;
    spin_lock(&src->lock);
    mm->brk_start = src->brk_start;
    mm->brk = src->brk;
    mm->mmap_top = src->mmap_top;
    mm->stack_top = src->stack_top;
    mm->dumpable = src->dumpable;
    mm->membarrier = __atomic_load_n(&src->membarrier, __ATOMIC_RELAXED);   /* fork keeps them */
    /* the child runs the same program: one more denial, which cannot fail
     * while src holds its own */
    if (src->exe_file && vnode_deny_write_access(src->exe_file) == 0) {
        vnode_get(src->exe_file);
        mm->exe_file = src->exe_file;
    }
    int err = 0;
    list_for_each(n, &src->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        struct vma *c = vma_alloc();
        if (!c) {
            err = -ENOMEM;
            break;
        }
        *c = *v;
        c->flags &= ~(VMA_LOCKED | VMA_LOCKONFAULT);    /* locks are not inherited (mlock(2)) */
        if (c->file)
            vnode_use(c->file);
        list_push_back(&mm->vmas, &c->node);
        mm->nr_vmas++;
        if (v->flags & VMA_WIPEONFORK)
            continue;                   /* the child gets it empty */
        struct clone_ctx cc = { mm, 0, !(v->flags & VMA_SHARED) };
        pt_for_each(src->pt_root, v->start, v->end, clone_pte, &cc);
        if (cc.err) {
            err = cc.err;
            break;
        }
    }
    spin_unlock(&src->lock);
    if (mm_is_current(src))
        arch_tlb_flush_local();         /* drop the writable TLB entries */
    mm_flush_others(src);               /* and other threads' CPUs theirs */
    if (err) {
        mm_put(mm);
        return NULL;
    }
    return mm;
}

static void put_frame(uint64_t va, pte_t *pte, void *arg) { pmm_put(pte_frame(*pte)); }

void mm_put(struct mm *mm)
{
    if (!mm || __atomic_sub_fetch(&mm->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    spin_lock(&mm_list_lock);
    list_remove(&mm->all_node);
    spin_unlock(&mm_list_lock);
    if (this_cpu()->loaded_mm == mm)
        mm_activate(NULL);
    if (mm->pt_overflow) {
        pt_free_user(mm->pt_root);         /* frames and tables, by scanning */
    } else {
        /* frames through the VMAs, tables from the record: no 512-entry scans */
        list_for_each(n, &mm->vmas) {
            struct vma *v = container_of(n, struct vma, node);
            pt_for_each(mm->pt_root, v->start, v->end, put_frame, NULL);
        }
        for (uint32_t i = 0; i < mm->pt_count; i++)
            pmm_put(mm->pt_pages[i]);
        pmm_put(mm->pt_root);
    }
    list_for_each_safe(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        list_remove(&v->node);
        vma_free(v);
    }
    kfree(mm->pt_pages);
    if (mm->exe_file) {
        vnode_allow_write_access(mm->exe_file);
        vnode_put(mm->exe_file);
    }
    kfree(mm);
}

uint64_t mm_vsize(struct mm *mm)
{
    uint64_t s = 0;
    if (!mm)
        return 0;
    spin_lock(&mm->lock);
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        s += v->end - v->start;
    }
    spin_unlock(&mm->lock);
    return s;
}

uint64_t mm_rss_pages(struct mm *mm) { return mm ? mm->rss_pages : 0; }

phys_t vm_force_copy_locked(struct mm *mm, uint64_t va, phys_t *old_out)
{
    *old_out = 0;
    struct vma *v = vm_find(mm, va);
    pte_t *pte = mm_pte(mm, va, false);
    if (!v || (v->flags & VMA_SHARED) || (v->special && !(v->special->max_prot & VM_WRITE)) || !pte ||
        !pte_present(*pte))
        return 0;
    phys_t old = pte_frame(*pte);
    phys_t p = pmm_alloc_nozero();
    if (!p)
        return 0;
    memcpy(P2V(p), P2V(old), PAGE_SIZE);
    *pte = pte_clear_cache(pte_clear_cow(pte_set_frame(*pte, p)));
    flush_page(mm, va);
    *old_out = old;
    return p;
}

int vma_format_line(const struct vma *v, char *line, size_t n)
{
    int k = snprintf(line, n, "%08lx-%08lx %c%c%c%c %08lx %s %lu", v->start, v->end, v->prot & VM_READ ? 'r' : '-',
                     v->prot & VM_WRITE ? 'w' : '-', v->prot & VM_EXEC ? 'x' : '-', v->flags & VMA_SHARED ? 's' : 'p',
                     v->file ? v->file_off : 0UL, v->file ? "00:01" : "00:00",
                     (unsigned long)(v->file ? v->file->ino : 0));
    if (v->name[0]) {
        /* Linux aligns the path at column 73 */
        while (k < 73 && k < (int)n - 1)
            line[k++] = ' ';
        k += snprintf(line + k, n - k, "%s", v->name);
    }
    if (k > (int)n - 2)
        k = (int)n - 2;
    line[k++] = '\n';
    line[k] = 0;
    return k;
}

int mm_format_maps(struct mm *mm, char *buf, size_t n)
{
    size_t len = 0;
    if (!mm)
        return 0;
    spin_lock(&mm->lock);
    list_for_each(node, &mm->vmas) {
        struct vma *v = container_of(node, struct vma, node);
        char line[192];
        int k = vma_format_line(v, line, sizeof line);
        if (len + k <= n)
            memcpy(buf + len, line, k);
        len += k;
    }
    spin_unlock(&mm->lock);
    return (int)MIN(len, n);
}

struct usage_ctx {
    const struct vma *v;
    struct vma_usage *u;
};

/* One present page of a VMA: resident, and how many mappings share its
 * frame.  A frame of the file's page cache (a shared mapping's, or a
 * private file mapping's page not yet copied) holds one more reference,
 * the cache's own, and is not anonymous memory. */
static void usage_pte(uint64_t va, pte_t *pte, void *arg)
{
    struct usage_ctx *c = arg;
    pte_t e = *pte;
    if (!pte_present(e))
        return;
    /* the fault handler marks a frame it mapped straight from the page cache
     * (or the kernel's own, the vDSO's) with pte_mkcache */
    bool cache = (c->v->file && (c->v->flags & VMA_SHARED)) || pte_cache(e);
    unsigned refs = pmm_refcount(pte_frame(e));
    unsigned maps = refs > (cache ? 1u : 0u) ? refs - (cache ? 1u : 0u) : 1;
    bool dirty = pte_dirty(e);
    struct vma_usage *u = c->u;
    u->rss += PAGE_SIZE;
    u->pss_x += ((uint64_t)PAGE_SIZE << 12) / maps;
    if (dirty)
        u->pss_dirty_x += ((uint64_t)PAGE_SIZE << 12) / maps;
    if (maps > 1)
        *(dirty ? &u->shared_dirty : &u->shared_clean) += PAGE_SIZE;
    else
        *(dirty ? &u->private_dirty : &u->private_clean) += PAGE_SIZE;
    if (pte_young(e))
        u->referenced += PAGE_SIZE;
    uint64_t pss = ((uint64_t)PAGE_SIZE << 12) / maps;
    if (!cache) {
        u->anonymous += PAGE_SIZE;
        u->pss_anon_x += pss;
    } else if ((c->v->flags & (VMA_SHARED | VMA_SYSVSHM)) &&
               (c->v->flags & VMA_SYSVSHM || !strncmp(c->v->name, "/dev/zero", 9) || !strncmp(c->v->name, "/memfd:", 7))) {
        u->pss_shmem_x += pss;          /* shared anonymous memory */
    } else {
        u->pss_file_x += pss;
    }
    if (c->v->flags & (VMA_LOCKED | VMA_LOCKONFAULT))
        u->locked += PAGE_SIZE;
}

int mm_for_each_vma(struct mm *mm, void (*fn)(const struct vma *v, const struct vma_usage *u, void *arg), void *arg)
{
    if (!mm)
        return 0;
    spin_lock(&mm->lock);
    list_for_each(node, &mm->vmas) {
        struct vma *v = container_of(node, struct vma, node);
        struct vma_usage u;
        memset(&u, 0, sizeof u);
        struct usage_ctx c = { v, &u };
        pt_for_each(mm->pt_root, v->start, v->end, usage_pte, &c);
        fn(v, &u, arg);
    }
    spin_unlock(&mm->lock);
    return 0;
}

bool vm_covered(struct mm *mm, uint64_t addr, uint64_t len)
{
    spin_assert_held(&mm->lock);
    uint64_t cover = addr, end = addr + len;
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end <= cover || v->start >= end)
            continue;
        if (v->start > cover)
            return false;
        cover = v->end;
    }
    return cover >= end;
}

int vm_zap(struct mm *mm, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    struct unmap_ctx c;
    int r = lock_for_unmap(mm, &c);
    if (r)
        return r;
    bool covered = vm_covered(mm, addr, len);
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end <= addr || v->start >= end)
            continue;
        if (v->flags & VMA_LOCKED) {
            r = -EINVAL;
            break;
        }
    }
    if (!r) {
        list_for_each(n, &mm->vmas) {
            struct vma *v = container_of(n, struct vma, node);
            if (v->end <= addr || v->start >= end)
                continue;
            pt_for_each(mm->pt_root, MAX(v->start, addr), MIN(v->end, end), unmap_pte, &c);
        }
    }
    unlock_after_unmap(mm, &c);
    return r ? r : covered ? 0 : -ENOMEM;
}

/* Applies `change` to each VMA of [addr, end) that it does not already
 * describe (`same` says which), first splitting a VMA that reaches outside
 * the range.  Caller holds the lock.  0, or -ENOMEM when a split fails. */
static int change_vmas(struct mm *mm, uint64_t addr, uint64_t end, bool (*same)(const struct vma *, const void *),
                       void (*change)(struct mm *, struct vma *, const void *), const void *arg)
{
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end <= addr || v->start >= end || same(v, arg))
            continue;
        if (v->start < addr) {
            if (!vma_split(mm, v, addr))
                return -ENOMEM;
            continue;                   /* the upper part is the next node */
        }
        if (v->end > end && !vma_split(mm, v, end))
            return -ENOMEM;
        change(mm, v, arg);
    }
    return 0;
}

struct flag_change {
    uint32_t set, clear;
};

static bool flags_same(const struct vma *v, const void *arg)
{
    const struct flag_change *c = arg;
    return ((v->flags | c->set) & ~c->clear) == v->flags;
}

static void flags_change(struct mm *mm, struct vma *v, const void *arg)
{
    const struct flag_change *c = arg;
    uint32_t want = (v->flags | c->set) & ~c->clear;
    bool was = v->flags & VMA_LOCKED, now = want & VMA_LOCKED;
    if (was != now) {
        uint64_t pages = (v->end - v->start) / PAGE_SIZE;
        mm->locked_pages = now ? mm->locked_pages + pages : mm->locked_pages - pages;
    }
    v->flags = want;
}

int vm_set_flags(struct mm *mm, uint64_t addr, uint64_t len, uint32_t set, uint32_t clear)
{
    struct flag_change c = { set, clear };
    spin_lock(&mm->lock);
    int r = vm_covered(mm, addr, len) ? 0 : -ENOMEM;
    int err = change_vmas(mm, addr, addr + len, flags_same, flags_change, &c);
    spin_unlock(&mm->lock);
    return err ? err : r;
}

static bool policy_same(const struct vma *v, const void *arg)
{
    return !memcmp(&v->policy, arg, sizeof v->policy);
}

static void policy_change(struct mm *mm, struct vma *v, const void *arg) { v->policy = *(const struct mempolicy *)arg; }

int vm_set_policy(struct mm *mm, uint64_t addr, uint64_t len, const struct mempolicy *pol, bool whole)
{
    uint64_t end = addr + len;
    spin_lock(&mm->lock);
    bool any = false;
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        any |= v->start < end && v->end > addr;
    }
    int r = !any || (whole && !vm_covered(mm, addr, len)) ? -EFAULT
          : pol ? change_vmas(mm, addr, end, policy_same, policy_change, pol) : 0;
    spin_unlock(&mm->lock);
    return r;
}

int vm_page_node(struct mm *mm, uint64_t va)
{
    spin_lock(&mm->lock);
    struct vma *v = vm_find(mm, va);
    pte_t *pte = v ? mm_pte(mm, va, false) : NULL;
    int r = !v ? -EFAULT : pte && pte_present(*pte) ? pmm_node_of(pte_frame(*pte)) : -ENOENT;
    spin_unlock(&mm->lock);
    return r;
}

struct misplaced_ctx {
    uint64_t nodes, *vas, last;
    size_t n, max;
};

static void note_misplaced(uint64_t va, pte_t *pte, void *arg)
{
    struct misplaced_ctx *c = arg;
    int node = pmm_node_of(pte_frame(*pte));
    if (c->n == c->max || node < 0 || (c->nodes & (1ULL << node)))
        return;
    c->vas[c->n++] = va;
    c->last = va;
}

size_t vm_find_misplaced(struct mm *mm, uint64_t *from, uint64_t end, uint64_t nodes, uint64_t *vas, size_t max)
{
    struct misplaced_ctx c = { nodes, vas, 0, 0, max };
    spin_lock(&mm->lock);
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->end > *from && v->start < end && c.n < max && !v->special)
            pt_for_each(mm->pt_root, MAX(v->start, *from), MIN(v->end, end), note_misplaced, &c);
    }
    spin_unlock(&mm->lock);
    *from = c.n == max ? c.last + PAGE_SIZE : end;
    return c.n;
}

/*
 * Page migration.  While the copy is made, the page must not change: its
 * entry becomes read-only copy-on-write and holds an extra reference, so a
 * thread writing to it meanwhile (on any CPU, once the others have dropped
 * their writable TLB entries) takes an ordinary copy-on-write fault and
 * gets its own copy.  If the entry still maps the old frame afterwards, it
 * is pointed at the new one; the next write finds the only reference and
 * just makes it writable again.  If a write got there first, the page is
 * tried again (a few times, as Linux retries a busy page).
 */
#define MIGRATE_TRIES 10

static int migrate_once(struct mm *mm, uint64_t va, int node, uint64_t allowed, bool move_all)
{
    spin_lock(&mm->lock);
    struct vma *v = vm_find(mm, va);
    pte_t *pte = v ? mm_pte(mm, va, false) : NULL;
    int r = !v || v->special ? -EFAULT : !pte || !pte_present(*pte) ? -ENOENT : 0;
    phys_t old = r ? 0 : pte_frame(*pte);
    if (!r && pmm_node_of(old) == node)
        r = node;
    else if (!r && (v->flags & VMA_SHARED))
        r = -EBUSY;
    else if (!r && pmm_refcount(old) > 1 && !move_all)
        r = -EACCES;
    if (r) {
        spin_unlock(&mm->lock);
        return r;
    }
    pmm_get(old);
    *pte = pte_mkcow(*pte);
    flush_page(mm, va);
    spin_unlock(&mm->lock);
    mm_flush_others(mm);
    phys_t p = pmm_alloc_node(node, allowed, 0, 0);
    if (p)
        memcpy(P2V(p), P2V(old), PAGE_SIZE);
    spin_lock(&mm->lock);
    pte = mm_pte(mm, va, false);
    if (p && pte && pte_present(*pte) && pte_frame(*pte) == old) {
        *pte = pte_clear_cache(pte_set_frame(*pte, p));  /* a private copy now, wherever it came from */
        flush_page(mm, va);
        spin_unlock(&mm->lock);
        mm_flush_others(mm);
        pmm_put(old);                   /* the mapping's reference */
        r = pmm_node_of(p);
    } else {
        spin_unlock(&mm->lock);
        if (p)
            pmm_put(p);
        r = p ? -EAGAIN : -ENOMEM;
    }
    pmm_put(old);                       /* ours */
    return r;
}

int vm_migrate_page(struct mm *mm, uint64_t va, int node, uint64_t allowed, bool move_all)
{
    int r = -EAGAIN;
    for (int i = 0; i < MIGRATE_TRIES && r == -EAGAIN; i++)
        r = migrate_once(mm, ALIGN_DOWN(va, PAGE_SIZE), node, allowed, move_all);
    return r == -EAGAIN ? -EBUSY : r;
}

struct move_ctx {
    struct mm *mm;
    int64_t delta;              /* new address - old address */
    int err;
};

static void move_pte(uint64_t va, pte_t *pte, void *arg)
{
    struct move_ctx *c = arg;
    if (c->err)
        return;
    pte_t *d = mm_pte(c->mm, va + c->delta, true);
    if (!d) {
        c->err = -ENOMEM;
        return;
    }
    *d = *pte;
    *pte = 0;
    flush_page(c->mm, va);
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

bool vm_range_free(struct mm *mm, uint64_t a, uint64_t len)
{
    spin_assert_held(&mm->lock);
    list_for_each(n, &mm->vmas) {
        struct vma *v = container_of(n, struct vma, node);
        if (v->start < a + len && v->end > a)
            return false;
    }
    return true;
}

long vm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
    if ((old & (PAGE_SIZE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if (flags & MREMAP_DONTUNMAP)
        return -EINVAL;                 /* not provided */
    old_len = ALIGN_UP(old_len, PAGE_SIZE);
    new_len = ALIGN_UP(new_len, PAGE_SIZE);
    if (!new_len || old + old_len < old || old + old_len > USER_TOP)
        return -EINVAL;
    if (flags & MREMAP_FIXED) {
        if ((new_addr & (PAGE_SIZE - 1)) || new_addr < USER_MIN_ADDR || new_addr + new_len > USER_TOP ||
            (new_addr < old + old_len && new_addr + new_len > old))
            return -EINVAL;
    }
    if (old_len == 0)
        return -EINVAL;                 /* duplicating a shared mapping is not provided */
    spin_lock(&mm->lock);
    struct vma *v = vm_find(mm, old);
    if (!v || old + old_len > v->end) {
        spin_unlock(&mm->lock);
        return -EFAULT;                 /* the old range must be one mapping (Linux) */
    }
    bool locked = v->flags & VMA_LOCKED;
    if (v->special && ((flags & MREMAP_FIXED) || new_len > old_len)) {
        spin_unlock(&mm->lock);
        return -EINVAL;                 /* the vDSO and its data stay where they are */
    }
    /* shrinking or staying: cut the tail, in place */
    if (!(flags & MREMAP_FIXED) && new_len <= old_len) {
        spin_unlock(&mm->lock);
        if (new_len < old_len) {
            int r = vm_unmap(mm, old + new_len, old_len - new_len);
            if (r)
                return r;
        }
        return (long)old;
    }
    /* growing in place: the VMA must end at the old range's end, with room after it */
    if (!(flags & MREMAP_FIXED) && v->end == old + old_len && vm_range_free(mm, old + old_len, new_len - old_len) &&
        old + new_len <= USER_TOP) {
        uint64_t grow = new_len - old_len;
        v->end += grow;
        if (v->file && !(v->flags & VMA_SHARED))
            ;                           /* file data still ends at file_end */
        else if (v->file)
            v->file_end = v->end;
        if (locked)
            mm->locked_pages += grow / PAGE_SIZE;
        spin_unlock(&mm->lock);
        if (locked)
            vm_populate(mm, old + old_len, grow, v->prot & VM_WRITE);
        return (long)old;
    }
    if (!(flags & MREMAP_MAYMOVE)) {
        spin_unlock(&mm->lock);
        return -ENOMEM;
    }
    /* move: a new VMA like the old part, its pages carried over */
    struct vma copy = *v;
    spin_unlock(&mm->lock);
    uint64_t off = copy.file ? copy.file_off + (old - copy.start) : 0;
    uint64_t flen = copy.file ? (copy.flags & VMA_SHARED ? new_len : MIN(new_len, copy.file_end > old ? copy.file_end - old : 0)) : 0;
    uint64_t to = new_addr;
    long r;
    if (flags & MREMAP_FIXED)
        r = vm_map(mm, to, new_len, copy.prot, copy.flags & ~VMA_LOCKED, copy.file, off, to + flen, copy.name);
    else if ((r = vm_map_anywhere(mm, new_len, copy.prot, copy.flags & ~VMA_LOCKED, copy.file, off, flen, copy.name)) > 0)
        to = (uint64_t)r;
    if (r < 0)
        return r;
    if (copy.policy.mode)
        vm_set_policy(mm, to, new_len, &copy.policy, true);
    spin_lock(&mm->lock);
    struct move_ctx mc = { mm, (int64_t)(to - old), 0 };
    pt_for_each(mm->pt_root, old, old + MIN(old_len, new_len), move_pte, &mc);
    spin_unlock(&mm->lock);
    mm_flush_others(mm);
    if (mc.err)
        return mc.err;
    /* the old range's pages now live at the new place; drop the old VMA */
    r = vm_unmap(mm, old, old_len);
    if (r)
        return r;
    if (locked) {
        vm_set_flags(mm, to, new_len, VMA_LOCKED, 0);
        vm_populate(mm, to, new_len, copy.prot & VM_WRITE);
    }
    return (long)to;
}
