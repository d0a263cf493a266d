/*
 * CPU time, measured at the events where a CPU changes from one kind of
 * work to another (kernel/cputime.c): entry to the kernel from user mode
 * and the return to it, the context switch, and interrupt entry and exit.
 * Nothing is sampled.
 *
 * The system call path is one rdtsc and one addition each way (inline
 * here): the entry adds the TSC to the CPU's user_acc, the return to user
 * mode subtracts it, so user_acc alone tells the current task's user time
 * since the CPU's last slow event (an interrupt or a switch) and whether
 * it is in user mode now; the rest of the time since then is its system
 * time.  Slow events settle that into the task's counts and the CPU's
 * columns.  Cycles become nanoseconds only when read.
 */
#ifndef KERNEL_CPUTIME_H
#define KERNEL_CPUTIME_H

#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/task.h>

/* This CPU's accounting state, reached through %gs in one instruction. */
#define THIS_ACCT ((struct cpu_acct __seg_gs *)offsetof(struct percpu, acct))

/* Entered the kernel from user mode (system call, exception), interrupts
 * off: the user stretch ends now. */
static inline void cputime_user_enter(void) { THIS_ACCT->user_acc += (int64_t)arch_cycles(); }

/* The last step before returning to user mode, interrupts off: a user
 * stretch starts now. */
static inline void cputime_user_exit(void) { THIS_ACCT->user_acc -= (int64_t)arch_cycles(); }

void cputime_cpu_start(void);           /* this CPU starts accounting (in the kernel) */
void cputime_idle_start(void);          /* this CPU's idle loop starts */
/* Interrupt entry and exit (interrupts off): the handler's time is the
 * CPU's interrupt time, no task's.  enter returns what to pass to exit. */
unsigned cputime_irq_enter(void);
void cputime_irq_exit(unsigned prev);
/* Context switch (run-queue lock held): charges the CPU's time so far to
 * the task leaving it, then makes `next` this CPU's current task. */
void cputime_switch(struct task *next, bool next_is_idle);

/* t's user and system time in ns, including the stretch it is in now.
 * A task that has exited keeps its final figures in t->stats.  Callers
 * other than t itself hold tasks_lock (t stays valid). */
void task_cputime(struct task *t, uint64_t *utime_ns, uint64_t *stime_ns);
/* A CPU's time by kind, in ns (NR_CPUTIME values), up to now. */
void cpu_cputime(int cpu, uint64_t ns[NR_CPUTIME]);

#endif
