/*
 * Per-CPU processor set-up: the GS-based per-CPU block, and the
 * reschedule and TLB-flush IPIs (the FPU's is arch/x86_64/fpu.c).
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/percpu.h>
#include <arch/trapframe.h>
#include <kernel/kernel.h>
#include <stddef.h>

struct percpu percpu_area[MAX_CPUS];
int ncpus = 1;
int cpus_present = 1;

_Static_assert(offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "asm offset");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "asm offset");
_Static_assert(offsetof(struct percpu, cur_task) == PERCPU_CURRENT, "asm offset");
_Static_assert(offsetof(struct percpu, cpu_id) == 32, "this_cpu_id() reads gs:32");
_Static_assert(offsetof(struct percpu, fast_enosys) == PERCPU_FAST_ENOSYS, "asm offset");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");

void percpu_init(int cpu)
{
    struct percpu *p = &percpu_area[cpu];
    p->self = p;
    p->cpu_id = cpu;
    wrmsr(MSR_GS_BASE, (uint64_t)p);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void arch_send_resched_ipi(int cpu)
{
    if (cpu != this_cpu_id() && percpu_area[cpu].online)
        lapic_send_ipi(percpu_area[cpu].apic_id, VEC_IPI_RESCHED);
}

/* Each CPU counts the flush requests it has served; a requester waits for
 * the count of every target to move past the value it saw before asking. */
static volatile uint64_t tlb_flushes[MAX_CPUS];

void arch_tlb_flush_ipi(void)
{
    write_cr3(read_cr3());
    __atomic_add_fetch(&tlb_flushes[this_cpu_id()], 1, __ATOMIC_RELEASE);
}

void arch_tlb_flush_cpus(uint64_t cpus)
{
    int me = this_cpu_id();
    cpus &= ~(1ULL << me);
    if (!cpus)
        return;
    uint64_t seen[MAX_CPUS];
    for (int c = 0; c < ncpus; c++) {
        if (!(cpus & (1ULL << c)) || !percpu_area[c].online)
            continue;
        seen[c] = __atomic_load_n(&tlb_flushes[c], __ATOMIC_ACQUIRE);
        lapic_send_ipi(percpu_area[c].apic_id, VEC_IPI_TLB);
    }
    uint64_t flags = read_rflags();
    irq_enable();
    for (int c = 0; c < ncpus; c++) {
        if (!(cpus & (1ULL << c)) || !percpu_area[c].online)
            continue;
        while (__atomic_load_n(&tlb_flushes[c], __ATOMIC_ACQUIRE) == seen[c])
            cpu_relax();
    }
    write_rflags(flags);
}


/* QEMU's isa-debug-exit device at port 0xf4 ends the emulator with status
 * (code << 1) | 1. */
void machine_exit(int code)
{
    irq_disable();
    outl(0xf4, (uint32_t)code);
    for (;;)
        cpu_halt();
}
