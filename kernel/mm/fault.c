/*
 * Page-fault resolution: demand paging and copy-on-write.
 *
 *  - No VMA covers the address: -EFAULT ("no mapping").  A fault just below
 *    the stack VMA grows the stack (down to USER_STACK_MAX).
 *  - The access is not allowed by the VMA: -EACCES with the violated
 *    permission ("write to read-only page", "execute of non-executable page").
 *  - Not present: anonymous memory gets a zeroed frame; a private file
 *    mapping maps the page-cache frame read-only (shared), or copies it when
 *    the page is written or straddles the end of the file data (bss); a
 *    MAP_SHARED file mapping (shared anonymous memory is an unnamed file)
 *    maps the file's own frame, writable if the mapping is, so every
 *    process and read()/write() see one copy.  A shared page past the end
 *    of the file is -EIO ("access beyond end of file": SIGBUS).
 *  - Not present in a mapping of kernel frames (the vDSO, <mm/vm.h>): the
 *    frame itself, read-only and copy-on-write.
 *  - Present but write-protected copy-on-write: if this is the last
 *    reference the frame is simply made writable again, otherwise copied.
 *
 * New private frames are placed by the NUMA memory policy in force at the
 * address (mpol_alloc_page: the VMA's, else the thread's, else local).
 *
 * Counted in the task's minflt (every resolved fault; there is no disk, so
 * none is major).  A fault the page-fault exception raised (VM_FAULT_TRAP)
 * is also a perf page-fault when it is taken and a minor-fault once
 * resolved, as on Linux (kernel/perf_event.c).
 */
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/pagetable.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <proc/signal.h>


/* Fill a fresh frame for page `va` of VMA v. 0 on exhaustion (*beyond_eof
 * set instead for a shared page past the end of its file). */
static phys_t fill_page(struct vma *v, uint64_t va, bool *shared_ro, bool want_write, bool *beyond_eof)
{
    *shared_ro = false;
    *beyond_eof = false;
    if (v->file && (v->flags & VMA_SHARED)) {
        phys_t p = 0;
        int err = vnode_get_page_shared(v->file, (v->file_off + (va - v->start)) / PAGE_SIZE, &p);
        *beyond_eof = err == -ENXIO;
        return err ? 0 : p;
    }
    if (!v->file || va >= v->file_end)
        return mpol_alloc_page(v, va, true);
    uint64_t off = v->file_off + (va - v->start);
    bool whole = va + PAGE_SIZE <= v->file_end;
    if (whole && !want_write && !(v->flags & VMA_SHARED)) {
        phys_t p = vnode_get_page(v->file, off / PAGE_SIZE);
        if (p) {                        /* map the page-cache frame itself */
            *shared_ro = true;
            return p;
        }
    }
    phys_t p = mpol_alloc_page(v, va, true);
    if (!p)
        return 0;
    size_t n = whole ? PAGE_SIZE : v->file_end - va;
    ssize_t got = vnode_read_kernel(v->file, off, P2V(p), n);
    if (got < 0)
        got = 0;                        /* past EOF reads as zeros (frame is zeroed) */
    return p;
}

/* Perf event `id` for a fault the exception raised (one branch while no
 * such event exists). */
static inline void perf_fault(unsigned id, unsigned flags)
{
    if (unlikely(READ_ONCE(perf_sw_events[id])) && (flags & VM_FAULT_TRAP))
        __perf_sw_event(id, 1, flags & VM_FAULT_USER);
}

/* A resolved fault: the task's minflt, and perf's minor-faults. */
static void count_resolved(struct task *t, unsigned flags)
{
    if (t)
        t->stats.minflt++;
    perf_fault(PERF_COUNT_SW_PAGE_FAULTS_MIN, flags);
}

int vm_fault(struct mm *mm, uint64_t addr, unsigned flags, const char **reason)
{
    /* each reads as "<reason> at address X" in signal_fault's log line */
    static const char *r_nomap = "no mapping", *r_ro = "write to read-only page",
                      *r_nx = "execute of non-executable page", *r_none = "access to PROT_NONE page",
                      *r_oom = "out of memory", *r_kern = "access to kernel memory",
                      *r_eof = "access beyond end of file";
    perf_fault(PERF_COUNT_SW_PAGE_FAULTS, flags);
    if (!mm) {
        *reason = r_kern;
        return -EFAULT;
    }
    uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE);
    spin_lock(&mm->lock);
    struct vma *v = vm_find(mm, addr);
    if (!v) {
        /* grow the stack downwards */
        list_for_each(n, &mm->vmas) {
            struct vma *s = container_of(n, struct vma, node);
            if ((s->flags & VMA_STACK) && addr < s->start && addr + 65536 + 256 >= s->start - 0 &&
                mm->stack_top - va <= USER_STACK_MAX) {
                s->start = va;
                v = s;
                break;
            }
        }
    }
    if (!v) {
        spin_unlock(&mm->lock);
        *reason = r_nomap;
        return -EFAULT;
    }
    if (!(v->prot & (VM_READ | VM_WRITE | VM_EXEC))) {
        spin_unlock(&mm->lock);
        *reason = r_none;
        return -EACCES;
    }
    if ((flags & VM_FAULT_WRITE) && !(v->prot & VM_WRITE)) {
        spin_unlock(&mm->lock);
        *reason = r_ro;
        return -EACCES;
    }
    if ((flags & VM_FAULT_EXEC) && !(v->prot & VM_EXEC)) {
        spin_unlock(&mm->lock);
        *reason = r_nx;
        return -EACCES;
    }
    pte_t *pte = mm_pte(mm, va, true);
    if (!pte) {
        spin_unlock(&mm->lock);
        *reason = r_oom;
        return -ENOMEM;
    }
    pte_t prot = vm_pte_prot(v->prot);
    struct task *t = current;
    if (!pte_present(*pte)) {
        bool shared_ro = false, beyond_eof = false;
        phys_t p;
        if (v->file && va < v->file_end) {
            /* Reading the file may sleep: drop the lock, then re-check. */
            struct vma copy = *v;
            vnode_get(copy.file);
            spin_unlock(&mm->lock);
            p = fill_page(&copy, va, &shared_ro, flags & VM_FAULT_WRITE, &beyond_eof);
            vnode_put(copy.file);
            spin_lock(&mm->lock);
            v = vm_find(mm, addr);
            pte = v ? mm_pte(mm, va, true) : NULL;
            if (!v || !pte || pte_present(*pte) || v->file != copy.file) {
                spin_unlock(&mm->lock);
                if (p)
                    pmm_put(p);
                return v && pte ? 0 : -EFAULT;  /* raced with another change: retry or fail */
            }
            prot = vm_pte_prot(v->prot);
        } else if (v->special) {
            /* the kernel's frame, shared by every process: copied on write */
            uint64_t idx = (v->file_off + (va - v->start)) / PAGE_SIZE;
            p = idx < v->special->npages ? v->special->pages[idx] : 0;
            if (p)
                pmm_get(p);
            shared_ro = true;
            beyond_eof = !p;
        } else {
            p = mpol_alloc_page(v, va, true);
        }
        if (!p) {
            spin_unlock(&mm->lock);
            *reason = beyond_eof ? r_eof : r_oom;
            return beyond_eof ? -EIO : -ENOMEM;
        }
        if (shared_ro)
            prot = pte_mkcache(pte_mkcow(prot));    /* never written in place */
        *pte = mk_pte(p, prot);
        mm->rss_pages++;
    } else if ((flags & VM_FAULT_WRITE) && pte_cow(*pte)) {
        phys_t old = pte_frame(*pte);
        if (pmm_refcount(old) == 1) {
            *pte = pte_mkwrite(pte_clear_cache(pte_clear_cow(*pte)));     /* the only reference left */
        } else {
            phys_t p = mpol_alloc_page(v, va, false);
            if (!p) {
                spin_unlock(&mm->lock);
                *reason = r_oom;
                return -ENOMEM;
            }
            memcpy(P2V(p), P2V(old), PAGE_SIZE);
            *pte = mk_pte(p, prot);
            arch_tlb_flush_page(va);
            /* other threads may still read the old frame through their
             * TLBs: it is released only after they drop that entry */
            spin_unlock(&mm->lock);
            mm_flush_others(mm);
            pmm_put(old);
            count_resolved(t, flags);
            return 0;
        }
        arch_tlb_flush_page(va);
    } else {
        /* present and allowed: a stale TLB entry (another CPU changed it) or
         * PROT_NONE restored; refresh the permissions */
        pte_t e = mk_pte(pte_frame(*pte), prot);
        if (pte_cache(*pte))
            e = pte_mkcache(e);
        if (pte_cow(*pte))
            e = pte_mkcow(e);
        *pte = e;
        arch_tlb_flush_page(va);
    }
    spin_unlock(&mm->lock);
    count_resolved(t, flags);
    return 0;
}

int vm_fault_current(uint64_t addr, unsigned flags, const char **reason)
{
    struct task *t = current;
    int r = vm_fault(t->mm, addr, flags | VM_FAULT_TRAP, reason);
    if (r == -ENOMEM) {
        /* no frame left for this process: stop it rather than the system */
        kprintf(KERN_ERR "out of memory: killing pid %d (%s), %lu pages resident\n", t->pid, t->comm,
                (unsigned long)mm_rss_pages(t->mm));
        signal_send(t, SIGKILL, NULL);
    }
    return r;
}

int vm_populate(struct mm *mm, uint64_t addr, uint64_t len, bool write)
{
    const char *reason;
    for (uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE); va < addr + len; va += PAGE_SIZE) {
        spin_lock(&mm->lock);
        pte_t *pte = mm_pte(mm, va, false);
        bool ok = pte && pte_present(*pte) && (!write || pte_writable(*pte));
        spin_unlock(&mm->lock);
        if (ok)
            continue;
        int r = vm_fault(mm, va, write ? VM_FAULT_WRITE | VM_FAULT_USER : VM_FAULT_USER, &reason);
        if (r)
            return r;
    }
    return 0;
}
