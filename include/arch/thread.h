/*
 * A thread's machine state besides its FPU area (arch/fpu.h) and signal
 * frames (arch/signal_frame.h), as generic code handles it
 * (arch/x86_64/thread.c).
 *
 * Each task owns a kernel stack whose top holds its trap frame (the user
 * registers while it is in the kernel), and keeps a thread pointer for TLS
 * (on x86-64 the FS base).  The scheduler loads the next task's TLS base
 * and kernel stack before each switch; exec starts a fresh user frame;
 * a new task's stack is laid out so that the first switch into it runs a
 * kernel function and then returns to user space.
 */
#ifndef ARCH_THREAD_H
#define ARCH_THREAD_H

#include <arch/trapframe.h>
#include <stdbool.h>

/* The frame exec gives a program: every register zero but the instruction
 * pointer (entry) and the stack pointer (sp), interrupts on, user mode,
 * marked as a system call's (tf_is_syscall) so execve returns 0 in it. */
void arch_tf_init_user(struct trap_frame *tf, uint64_t entry, uint64_t sp);
/* A kernel thread's frame, until an exec fills in a user one. */
void arch_tf_init_kernel(struct trap_frame *tf);
/* Lays out the kernel stack below tf so that the first switch into the
 * task calls fn(arg) (fn NULL: nothing) and then returns to user space
 * through tf.  Returns the stack pointer the switch resumes from. */
uint64_t arch_kstack_init(struct trap_frame *tf, void (*fn)(void *), void *arg);

/* The context switch (entry.S): saves the callee-saved registers on the
 * current kernel stack and its stack pointer in *prev_sp, and resumes the
 * kernel stack saved as next_sp; returns when something switches back. */
void arch_switch_to(uint64_t *prev_sp, uint64_t next_sp);

/* This CPU's user TLS base (on x86-64 the FS base); the scheduler loads
 * the next task's before switching, exec and arch_prctl their own. */
void arch_set_tls(uint64_t base);
/* The kernel stack top this CPU enters on from user space (an interrupt
 * or a system call), loaded for the next task before switching. */
void arch_set_kernel_stack(uint64_t top);
/* Sets or clears the trap after every user instruction (PTRACE_SINGLESTEP). */
void arch_single_step(struct trap_frame *tf, bool on);

#endif
