/*
 * Address spaces on x86-64 (the interface is include/arch/pgtable.h): CR3
 * holds the root of the page table a CPU translates through; loading it
 * drops every non-global TLB entry, invlpg drops one.  Another CPU's
 * entries go with an IPI (VEC_IPI_TLB) that each target answers by
 * reloading its CR3.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/pgtable.h>
#include <arch/x86.h>
#include <kernel/kernel.h>

void arch_pt_load(phys_t root) { write_cr3(root); }

phys_t arch_pt_current(void) { return read_cr3() & PTE_ADDR; }

void arch_tlb_flush_page(uint64_t va) { invlpg(va); }

void arch_tlb_flush_local(void) { write_cr3(read_cr3()); }

/* Each CPU counts the flush requests it has served (its percpu
 * tlb_flushes); a requester waits for the count of every target to move
 * past the value it saw before asking. */

void arch_tlb_flush_ipi(void)
{
    arch_tlb_flush_local();
    __atomic_add_fetch(&this_cpu()->tlb_flushes, 1, __ATOMIC_RELEASE);
}

void arch_tlb_flush_cpus(uint64_t cpus)
{
    int me = this_cpu_id();
    cpus &= ~(1ULL << me);
    if (!cpus)
        return;
    /* only the target CPUs' bits are visited: the cost grows with the
     * CPUs the mm ran on, not with the CPUs there are */
    uint64_t seen[MAX_CPUS];
    for (uint64_t m = cpus; m; m &= m - 1) {
        int c = __builtin_ctzll(m);
        if (c >= ncpus || !percpu_area[c].online)
            continue;
        seen[c] = __atomic_load_n(&percpu_area[c].tlb_flushes, __ATOMIC_ACQUIRE);
        lapic_send_ipi(percpu_area[c].apic_id, VEC_IPI_TLB);
    }
    uint64_t flags = read_rflags();
    irq_enable();
    for (uint64_t m = cpus; m; m &= m - 1) {
        int c = __builtin_ctzll(m);
        if (c >= ncpus || !percpu_area[c].online)
            continue;
        while (__atomic_load_n(&percpu_area[c].tlb_flushes, __ATOMIC_ACQUIRE) == seen[c])
            cpu_relax();
    }
    write_rflags(flags);
}
