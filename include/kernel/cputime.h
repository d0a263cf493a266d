/*
 * CPU time, measured at the events where a CPU changes from one kind of
 * work to another (kernel/cputime.c): entry to the kernel from user mode
 * and the return to it, the context switch, and interrupt entry and exit.
 * Each CPU remembers the TSC at its last event and what it has been doing
 * since (struct cpu_acct); at the next event the cycles in between go to
 * the running task's user or system time and to the CPU's column of the
 * same kind, or to the CPU's idle or interrupt time.  Nothing is sampled.
 *
 * The hot path (a system call's entry and exit) is inline here: one rdtsc,
 * a subtraction and an addition to the task's count each way; the CPU's
 * columns catch up at the next interrupt or switch.  Cycles become
 * nanoseconds only when read.  While a CPU changes its figures its mode
 * reads ACCT_BUSY, and every change gives it a new stamp: a reader on
 * another CPU whose stamp and mode were the same before and after its
 * reads saw a consistent state (a sequence lock with nothing extra to
 * write).
 */
#ifndef KERNEL_CPUTIME_H
#define KERNEL_CPUTIME_H

#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <proc/task.h>

/* This CPU's accounting state, reached through %gs in one instruction. */
#define THIS_ACCT ((struct cpu_acct __seg_gs *)offsetof(struct percpu, acct))

/* The system call path's step, interrupts off: the cycles since the last
 * event go to *count, and the CPU enters `mode`. */
static inline void cputime_step(uint64_t *count, unsigned mode)
{
    struct cpu_acct __seg_gs *a = THIS_ACCT;
    uint64_t now = rdtsc();
    a->mode = ACCT_BUSY;
    barrier();
    uint64_t d = now - a->stamp;
    a->stamp = now;
    *count += d;
    barrier();
    a->mode = mode;
}

/* Entered the kernel from user mode (system call, exception): the time
 * since the return to user mode was t's user time. */
static inline void cputime_user_enter(struct task *t) { cputime_step(&t->utime_cyc, ACCT_SYS); }

/* The last step before returning to user mode: the time since the last
 * event was t's system time. */
static inline void cputime_user_exit(struct task *t) { cputime_step(&t->stime_cyc, ACCT_USER); }

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
