/*
 * The generic half of starting a processor (include/kernel/smp.h): its
 * stack, and what a started processor does once its machine state is set
 * up, in order: the kernel's page table, the vDSO's CPU number, the idle
 * task and run queue, online, timers, scheduler.
 */
#include <arch/percpu.h>
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <kernel/smp.h>
#include <kernel/task.h>
#include <kernel/vdso.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <sched/sched.h>

#define KSTACK_ORDER 2                  /* 2^2 frames: KSTACK_SIZE */
_Static_assert((PAGE_SIZE << KSTACK_ORDER) == KSTACK_SIZE, "kernel stack size");

void *smp_stack_alloc(void)
{
    phys_t p = pmm_alloc_contig(KSTACK_ORDER);
    return p ? P2V(p) : NULL;
}

void smp_stack_free(void *stack) { pmm_free_contig(V2P(stack), KSTACK_ORDER); }

void smp_cpu_main(int cpu, void *stack)
{
    mm_activate(NULL);
    vdso_init_cpu(cpu);                 /* getcpu's CPU and node */
    sched_init_ap(cpu);
    current->kstack = stack;
    cpu_mark_online(&percpu_area[cpu]);
    hrtimer_init_cpu();
    sched_start();
}
