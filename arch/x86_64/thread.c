/*
 * A thread's machine state on x86-64 (the interface is
 * include/arch/thread.h): the user frame exec starts with, the layout a new
 * kernel stack needs for arch_switch_to (entry.S), the FS base and the trap
 * flag.  The kernel stack the CPU enters on is set in gdt.c, with the TSS.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/gdt.h>
#include <arch/thread.h>
#include <arch/x86.h>
#include <kernel/kernel.h>
#include <lib/string.h>

#define RFLAGS_TF (1UL << 8)
#define RFLAGS_IF (1UL << 9)

void arch_tf_init_user(struct trap_frame *tf, uint64_t entry, uint64_t sp)
{
    memset(tf, 0, sizeof *tf);
    tf->rip = entry;
    tf->rsp = sp;
    tf->rflags = RFLAGS_IF | 0x2;       /* bit 1 always reads as one */
    tf->cs = GDT_UCODE;
    tf->ss = GDT_UDATA;
    tf->vector = TRAP_SYSCALL;
}

void arch_tf_init_kernel(struct trap_frame *tf)
{
    memset(tf, 0, sizeof *tf);
    tf->cs = GDT_KCODE;
}

/* arch_switch_to pops r15, r14, r13, r12, rbx, rbp and returns: the new task
 * starts in task_first_return with r12 = fn and r13 = arg. */
uint64_t arch_kstack_init(struct trap_frame *tf, void (*fn)(void *), void *arg)
{
    uint64_t *sp = (uint64_t *)tf;
    *--sp = (uint64_t)task_first_return;
    *--sp = 0;                          /* rbp */
    *--sp = 0;                          /* rbx */
    *--sp = (uint64_t)fn;               /* r12 */
    *--sp = (uint64_t)arg;              /* r13 */
    *--sp = 0;                          /* r14 */
    *--sp = 0;                          /* r15 */
    return (uint64_t)sp;
}

void arch_set_tls(uint64_t base) { wrmsr(MSR_FS_BASE, base); }

void arch_single_step(struct trap_frame *tf, bool on)
{
    if (on)
        tf->rflags |= RFLAGS_TF;
    else
        tf->rflags &= ~RFLAGS_TF;
}
