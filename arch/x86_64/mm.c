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

/* The targets are served a word (64 CPUs) at a time: the IPIs of a word
 * go out together, then the requester waits for each of them, so the
 * counts seen before asking take 512 bytes of stack, whatever NR_CPUS.
 * Only the targets' bits are visited: the cost grows with the CPUs the mm
 * ran on, not with the CPUs there are. */
void arch_tlb_flush_cpus(const struct cpuset *cpus)
{
    int me = this_cpu_id();
    uint64_t flags = read_rflags();
    bool enabled = false;
    for (int w = 0; w < CPUSET_WORDS; w++) {
        uint64_t word = cpus->bits[w];
        if (me / 64 == w)
            word &= ~cpuset_bit(me);
        uint64_t seen[64], sent = 0;
        for (uint64_t m = word; m; m &= m - 1) {
            int b = __builtin_ctzll(m), c = w * 64 + b;
            if (c >= ncpus || !percpu_area[c].online)
                continue;
            seen[b] = __atomic_load_n(&percpu_area[c].tlb_flushes, __ATOMIC_ACQUIRE);
            lapic_send_ipi(percpu_area[c].apic_id, VEC_IPI_TLB);
            sent |= 1ULL << b;
        }
        if (!sent)
            continue;
        if (!enabled) {
            irq_enable();               /* this CPU answers others' requests meanwhile */
            enabled = true;
        }
        for (uint64_t m = sent; m; m &= m - 1) {
            int b = __builtin_ctzll(m), c = w * 64 + b;
            while (__atomic_load_n(&percpu_area[c].tlb_flushes, __ATOMIC_ACQUIRE) == seen[b])
                cpu_relax();
        }
    }
    if (enabled)
        write_rflags(flags);
}
