/*
 * The architecture's half of ptrace (arch/x86_64/ptrace.c): the general
 * registers as a debugger reads and writes them (PTRACE_GETREGS, the
 * NT_PRSTATUS regset, PEEKUSER), and the numbers that name the
 * architecture and its regsets.  Generic code (kernel/proc/ptrace.c)
 * handles them as opaque buffers of the sizes given here.
 */
#ifndef ARCH_PTRACE_H
#define ARCH_PTRACE_H

#include <arch/trapframe.h>

#define ARCH_AUDIT_ARCH 0xc000003eU     /* AUDIT_ARCH_X86_64: ptrace_syscall_info.arch */
#define ARCH_NT_XSTATE 0x202            /* NT_X86_XSTATE: the whole FPU image (arch_fpu_get_xstate) */

/* struct user_regs_struct (sys/user.h), what GETREGS copies. */
#define ARCH_USER_REGS_SIZE 216
/* struct user, the area PEEKUSER and POKEUSER address: the registers come
 * first; past them, only the debug registers may be written (with 0). */
#define ARCH_USER_AREA_SIZE 912
#define ARCH_USER_DEBUGREG_OFF 848

/* The registers of a stopped thread into out (ARCH_USER_REGS_SIZE bytes):
 * its frame, the number of the system call it is in (reported only while
 * tf_is_syscall) and its TLS base. */
void arch_ptrace_get_regs(const struct trap_frame *tf, uint64_t syscall_nr, uint64_t tls, void *out);
/* Writes them back from in: -EIO for a set that would not return to user
 * space (other segments, an instruction pointer or TLS base outside the
 * user half), leaving everything as it was.  Otherwise updates tf, the
 * system call's number (*syscall_nr, while tf_is_syscall) and *tls; flags
 * a user may not change keep their values. */
long arch_ptrace_set_regs(struct trap_frame *tf, uint64_t *syscall_nr, uint64_t *tls, const void *in);

#endif
