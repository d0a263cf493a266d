/*
 * The seam between the assembly (the .S files of arch/x86_64) and C, declared once so the
 * compiler checks both sides: the symbols the assembly defines for C, and the
 * C functions the assembly calls, each under the file that defines it.
 * The assembly includes it for the constants (__ASSEMBLY__).
 */
#ifndef ARCH_ENTRY_H
#define ARCH_ENTRY_H

/* Where the application processors' real-mode start (trampoline.S) is
 * copied: below 1 MiB, on a page boundary (the STARTUP IPI names its page). */
#define TRAMP_BASE 0x8000

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#include <arch/trapframe.h>

/* boot.S: the boot page tables and the boot CPU's stack. */
extern char boot_pml4[];
extern char boot_kstack[];

/* entry.S: the IDT's 256 stubs (16 bytes each), the `syscall` entry, and
 * where a new task first runs (r12 = kernel function or 0, r13 = argument). */
extern char vector_table_start[];
extern char syscall_entry[];
void task_first_return(void);

/* trampoline.S: the application processors' real-mode start, copied below
 * 1 MiB; the tramp_* slots are filled in before each start. */
extern char trampoline_start[], trampoline_end[], tramp_stack[], tramp_entry[], tramp_cr3[];

/* uaccess.S: the copies that may fault (a fault between uaccess_start and
 * uaccess_end resumes at uaccess_fixup, which returns -EFAULT). */
extern char uaccess_start[], uaccess_end[], uaccess_fixup[];
long uaccess_copy(void *dst, const void *src, size_t n);           /* 0 or -EFAULT */
long uaccess_zero(void *dst, size_t n);                             /* 0 or -EFAULT */
long uaccess_strnlen(const char *s, size_t max);  /* length (max if no NUL) or -EFAULT */
long uaccess_cmpxchg32(uint32_t *p, uint32_t old, uint32_t new, uint32_t *seen);

/* Called from the assembly. */
void kmain(uint32_t start_info_phys);                /* kernel/main.c, from boot.S */
void trap_dispatch(struct trap_frame *tf);          /* arch/x86_64/trap.c, every trap */
void exit_to_user_trap(struct trap_frame *tf);      /* arch/x86_64/trap.c, task_first_return */
void schedule_tail(void);                           /* kernel/sched/core.c, task_first_return */

#endif /* __ASSEMBLY__ */

#endif
