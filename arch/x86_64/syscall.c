/*
 * The `syscall` instruction: its MSRs, set on every CPU (the entry itself
 * is syscall_entry in entry.S, which calls syscall_dispatch).  Generic code
 * sees only syscall_dispatch and the register accessors of
 * include/arch/trapframe.h; whether the faster sysret may return is
 * decided by the entry code after the call.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/gdt.h>
#include <arch/trapframe.h>
#include <arch/x86.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>

void arch_syscall_init_cpu(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);                  /* SCE */
    /* SYSCALL: CS = 0x08, SS = 0x10.  SYSRET: SS = 0x10+8 | 3, CS = 0x10+16 | 3 */
    wrmsr(MSR_STAR, ((uint64_t)(GDT_KDATA | 3) << 48) | ((uint64_t)GDT_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, 0x47700);                              /* clear IF, DF, TF, AC, NT */
}
