/*
 * The memory views of /proc: /proc/<pid>/smaps, smaps_rollup and statm
 * (what pmap -x, ps and top read) and /proc/vmstat (what vmstat reads).
 * Every figure is counted from the page tables or the frame allocator when
 * the file is read: resident pages, the share of each frame among the
 * mappings that map it (Pss), dirty and referenced bits, locked pages.
 * A frame's mappings are its references, less the page cache's own for a
 * file page that is mapped as it is in the cache (not copied).
 */
#include <fs/procfs.h>
#include <fs/ramfs.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/vm.h>

static void put_kb(struct seqbuf *s, const char *name, uint64_t bytes) { procfs_kb_line(s, name, bytes >> 10); }

static void put_usage(struct seqbuf *s, uint64_t size, const struct vma_usage *u)
{
    if (size != ~0ULL) {
        put_kb(s, "Size:", size);
        put_kb(s, "KernelPageSize:", PAGE_SIZE);
        put_kb(s, "MMUPageSize:", PAGE_SIZE);
    }
    put_kb(s, "Rss:", u->rss);
    put_kb(s, "Pss:", u->pss_x >> 12);
    put_kb(s, "Pss_Dirty:", u->pss_dirty_x >> 12);
    if (size == ~0ULL) {                /* the rollup splits Pss as Linux's does */
        put_kb(s, "Pss_Anon:", u->pss_anon_x >> 12);
        put_kb(s, "Pss_File:", u->pss_file_x >> 12);
        put_kb(s, "Pss_Shmem:", u->pss_shmem_x >> 12);
    }
    put_kb(s, "Shared_Clean:", u->shared_clean);
    put_kb(s, "Shared_Dirty:", u->shared_dirty);
    put_kb(s, "Private_Clean:", u->private_clean);
    put_kb(s, "Private_Dirty:", u->private_dirty);
    put_kb(s, "Referenced:", u->referenced);
    put_kb(s, "Anonymous:", u->anonymous);
    put_kb(s, "LazyFree:", 0);
    put_kb(s, "AnonHugePages:", 0);
    put_kb(s, "ShmemPmdMapped:", 0);
    put_kb(s, "FilePmdMapped:", 0);
    put_kb(s, "Shared_Hugetlb:", 0);
    put_kb(s, "Private_Hugetlb:", 0);
    put_kb(s, "Swap:", 0);
    put_kb(s, "SwapPss:", 0);
    put_kb(s, "Locked:", u->locked);
}

struct smaps_ctx {
    struct seqbuf *s;
    struct vma_usage sum;
    uint64_t lo, hi;
};

static void smaps_vma(const struct vma *v, const struct vma_usage *u, void *arg)
{
    struct smaps_ctx *c = arg;
    char line[192];
    vma_format_line(v, line, sizeof line);
    seq_printf(c->s, "%s", line);
    put_usage(c->s, v->end - v->start, u);
    seq_printf(c->s, "THPeligible:    0\nVmFlags:%s%s%s%s mr mw me%s%s%s\n", v->prot & VM_READ ? " rd" : "",
               v->prot & VM_WRITE ? " wr" : "", v->prot & VM_EXEC ? " ex" : "", v->flags & VMA_SHARED ? " sh" : "",
               v->flags & VMA_SHARED ? " ms" : "", v->flags & VMA_STACK ? " gd" : "",
               v->flags & (VMA_LOCKED | VMA_LOCKONFAULT) ? " lo" : "");
}

static void rollup_vma(const struct vma *v, const struct vma_usage *u, void *arg)
{
    struct smaps_ctx *c = arg;
    const uint64_t *from = (const uint64_t *)u;
    uint64_t *to = (uint64_t *)&c->sum;
    for (size_t i = 0; i < sizeof *u / sizeof(uint64_t); i++)
        to[i] += from[i];
    if (v->start < c->lo)
        c->lo = v->start;
    if (v->end > c->hi)
        c->hi = v->end;
}

int procfs_show_smaps(struct seqbuf *s, struct task *t, bool process)
{
    struct smaps_ctx c = { .s = s };
    return mm_for_each_vma(process_mm(t), smaps_vma, &c);
}

int procfs_show_smaps_rollup(struct seqbuf *s, struct task *t, bool process)
{
    struct smaps_ctx c = { .s = s, .lo = ~0ULL };
    struct mm *mm = process_mm(t);
    if (!mm)
        return 0;
    mm_for_each_vma(mm, rollup_vma, &c);
    if (c.lo == ~0ULL)
        c.lo = c.hi = 0;
    seq_printf(s, "%08lx-%08lx ---p 00000000 00:00 0%*s[rollup]\n", (unsigned long)c.lo, (unsigned long)c.hi, 28,
               "");
    put_usage(s, ~0ULL, &c.sum);
    return 0;
}

struct statm_ctx {
    uint64_t size, resident, shared, text, data;
};

static void statm_vma(const struct vma *v, const struct vma_usage *u, void *arg)
{
    struct statm_ctx *c = arg;
    uint64_t pages = (v->end - v->start) / PAGE_SIZE;
    c->size += pages;
    c->resident += u->rss / PAGE_SIZE;
    c->shared += (u->rss - u->anonymous) / PAGE_SIZE;     /* file-backed resident pages, as Linux */
    if ((v->prot & VM_EXEC) && v->file)
        c->text += pages;
    else if ((v->prot & VM_WRITE) && !(v->flags & VMA_SHARED))
        c->data += pages;               /* private writable: data, heap, stack */
}

/* statm: size resident shared text lib data dt, in pages (lib and dt are 0 on Linux too). */
int procfs_show_statm(struct seqbuf *s, struct task *t, bool process)
{
    struct statm_ctx c = { 0 };
    mm_for_each_vma(process_mm(t), statm_vma, &c);
    seq_printf(s, "%lu %lu %lu %lu 0 %lu 0\n", (unsigned long)c.size, (unsigned long)c.resident,
               (unsigned long)c.shared, (unsigned long)c.text, (unsigned long)c.data);
    return 0;
}

/* Every page fault ever taken: the live tasks' own, plus what the ones that
 * ended left in their parents' children's totals or their process's
 * (each ended task's counts are in exactly one of those). */
static uint64_t faults_since_boot(void)
{
    uint64_t n = 0;
    spin_lock(&tasks_lock);
    list_for_each(node, &all_tasks) {
        struct task *t = container_of(node, struct task, all_node);
        if (t->state == TASK_DEAD)
            continue;
        n += t->stats.minflt + t->stats.cminflt;
        if (task_is_leader(t) && !t->group->ended)
            n += t->group->dead.minflt;
    }
    spin_unlock(&tasks_lock);
    return n;
}

/* /proc/vmstat: the counters vmstat and free read.  There is no disk and
 * no swap, so paging in and out and swapping are 0, as is every major
 * fault. */
int procfs_show_vmstat(struct seqbuf *s)
{
    uint64_t free = pmm_free_pages(), file = READ_ONCE(ramfs_pages_used);
    seq_printf(s, "nr_free_pages %lu\n", (unsigned long)free);
    seq_printf(s, "nr_file_pages %lu\nnr_shmem %lu\n", (unsigned long)file, (unsigned long)file);
    seq_printf(s, "nr_dirty 0\nnr_writeback 0\n");
    seq_printf(s, "pgpgin 0\npgpgout 0\npswpin 0\npswpout 0\n");
    seq_printf(s, "pgfault %lu\npgmajfault 0\n", (unsigned long)faults_since_boot());
    return 0;
}
