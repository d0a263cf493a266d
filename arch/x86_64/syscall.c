/*
 * The `syscall` instruction: its MSRs, set on every CPU, and the C half of
 * its entry (the assembly half is syscall_entry in entry.S).  Generic code
 * sees only syscall_dispatch and the register accessors of
 * include/arch/trapframe.h; whether the faster sysret may return is
 * decided here.
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

/*
 * sysret restores rip from rcx and rflags from r11, and faults in the
 * kernel (with the user's stack) on a non-canonical rip.  So it may be
 * used only while the frame still says what the CPU would do: rcx and r11
 * hold the return point and flags, and the return address is below the top
 * of the user half.  A frame that execve, a signal or a tracer changed
 * leaves through iretq instead.
 */
static bool sysret_ok(const struct trap_frame *tf)
{
    return tf->rcx == tf->rip && tf->r11 == tf->rflags && tf->rip < 0x00007ffffffff000UL;
}

uint64_t syscall_from_user(struct trap_frame *tf)
{
    syscall_dispatch(tf);
    return sysret_ok(tf);
}
