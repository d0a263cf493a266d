/*
 * Starting the other processors: the generic half (kernel/smp.c).
 *
 * The architecture finds the processors and starts each one (smp_boot_aps,
 * arch/cpu.h) on a kernel stack it asks for here.  A started processor
 * sets up its own machine state (per-CPU block, descriptor tables, FPU,
 * interrupt controller, system-call entry) and then hands itself over with
 * smp_cpu_main; the starting CPU waits until the new one is online.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <kernel/kernel.h>

/* A kernel stack for a processor about to start (it becomes its idle
 * task's): KSTACK_SIZE bytes aligned to their size, or NULL when memory
 * is short.  A processor that did not start gives it back. */
void *smp_stack_alloc(void);
void smp_stack_free(void *stack);
/* The rest of a processor's start, on the stack from smp_stack_alloc:
 * loads the kernel's address space, gives the CPU its vDSO identity, idle
 * task and run queue, marks it online (releasing the starting CPU), starts
 * its timers and enters the scheduler.  Does not return. */
void smp_cpu_main(int cpu, void *stack) __noreturn;

#endif
