/*
 * Copying to and from user space: range checks here, the faulting copy
 * itself in arch/x86_64/uaccess.S.  A range that is not entirely below
 * USER_TOP (or wraps) is refused before any access.  Another process's
 * memory is reached through its page tables (access_remote).
 */
#include <arch/entry.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/pagetable.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>

static inline bool user_range_ok(const void *p, size_t n)
{
    uint64_t a = (uint64_t)p;
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

long strnlen_user(const char __user *s, size_t max)
{
    uint64_t a = (uint64_t)s;
    if (a < 4096 || a >= USER_TOP)
        return -EFAULT;
    size_t lim = MIN(max, USER_TOP - a);
    long len = uaccess_strnlen(s, lim);
    if (len >= 0 && (size_t)len == lim && lim < max)
        return -EFAULT;                 /* ran into the end of user space */
    return len;
}

int cmpxchg_user32(uint32_t __user *p, uint32_t old, uint32_t new, uint32_t *seen)
{
    if (((uint64_t)p & 3) || !user_range_ok(p, 4))
        return -EFAULT;
    return (int)uaccess_cmpxchg32(p, old, new, seen);
}

/* The frame behind page va of mm, faulted in as an access of that process
 * would be (a write breaks copy-on-write); a write to a read-only private
 * mapping (a debugger's breakpoint in program text) gets a private copy of
 * the page, its old frame in *old (to put once other CPUs dropped it).  0
 * if it cannot be had.  On success mm->lock is held, which keeps the frame
 * mapped until the caller has copied and unlocks. */
static phys_t remote_page_locked(struct mm *mm, uint64_t va, bool write, phys_t *old)
{
    *old = 0;
    for (int tries = 0; tries < 3; tries++) {
        spin_lock(&mm->lock);
        pte_t *pte = mm_pte(mm, va, false);
        if (pte && pte_present(*pte) && pte_user(*pte) && (!write || pte_writable(*pte)))
            return pte_frame(*pte);
        if (write && pte && pte_present(*pte) && pte_user(*pte)) {
            struct vma *v = vm_find(mm, va);
            if (v && !(v->prot & VM_WRITE)) {
                phys_t p = vm_force_copy_locked(mm, va, old);
                if (p)
                    return p;
                spin_unlock(&mm->lock);
                return 0;
            }
        }
        spin_unlock(&mm->lock);
        const char *why;
        if (vm_fault(mm, va, VM_FAULT_USER | (write ? VM_FAULT_WRITE : 0), &why) &&
            vm_fault(mm, va, VM_FAULT_USER, &why))     /* a read-only page: fault it in, then copy it */
            return 0;
    }
    return 0;
}

size_t access_remote(struct mm *mm, uint64_t addr, void *kbuf, size_t len, bool write)
{
    size_t done = 0;
    if (!mm || addr >= USER_TOP || len > USER_TOP - addr)
        return 0;
    while (done < len) {
        uint64_t a = addr + done, va = ALIGN_DOWN(a, PAGE_SIZE);
        size_t n = MIN(len - done, (size_t)(va + PAGE_SIZE - a));
        phys_t old;
        phys_t frame = remote_page_locked(mm, va, write, &old);
        if (!frame)
            break;
        uint8_t *p = (uint8_t *)P2V(frame) + (a - va);
        if (write)
            memcpy(p, (uint8_t *)kbuf + done, n);
        else
            memcpy((uint8_t *)kbuf + done, p, n);
        spin_unlock(&mm->lock);
        if (old) {
            mm_flush_others(mm);        /* no CPU may still read the old frame */
            pmm_put(old);
        }
        done += n;
    }
    return done;
}
