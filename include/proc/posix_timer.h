/* POSIX per-process timers (kernel/proc/posix_timer.c): timer_create and
 * friends, and what the rest of the kernel calls. */
#ifndef PROC_POSIX_TIMER_H
#define PROC_POSIX_TIMER_H

#include <kernel/task.h>

/* A new process's empty timer list (group creation). */
void posix_timers_init(struct thread_group *g);
/* exec and process exit: every timer of the process is deleted. */
void posix_timers_exit(struct thread_group *g);
/* The scheduler tick of a CPU running `cur`: expires its process's and
 * its own CPU-time timers that are due.  No lock held. */
void posix_cpu_timers_tick(struct task *cur);
/* Does t's process have an armed CPU-time timer (the tick must run)? */
static inline bool posix_cpu_timers_armed(const struct task *t)
{
    return __atomic_load_n(&t->group->cpu_timers_armed, __ATOMIC_RELAXED) > 0;
}
/* setitimer/getitimer for ITIMER_VIRTUAL (1: the process's user time,
 * SIGVTALRM) and ITIMER_PROF (2: user and system time, SIGPROF): the
 * current value and interval in ns into *old_*, then (if set) the new
 * ones (value 0 disarms).  Checked by the same tick as CPU-time timers. */
void cpu_itimer(int which, bool set, uint64_t value_ns, uint64_t interval_ns, uint64_t *old_value,
                uint64_t *old_interval);
/* A timer's signal (si_code SI_TIMER) is being taken from the pending
 * set: fills in si_overrun and lets the timer queue its next signal.
 * Caller holds the group's sig_lock. */
void posix_timer_taken(struct thread_group *g, siginfo_t *info);

#endif
