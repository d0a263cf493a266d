/*
 * Performance counters: perf_event_open(2) software events
 * (kernel/perf_event.c, docs/perf.md).
 *
 * Events count where things happen: a page fault where the fault handler
 * resolves it, a context switch and a migration in the scheduler core.
 * The hooks below cost one predictable branch while no event of their kind
 * exists anywhere; only then do they look for events of the current task
 * and of this CPU.  Clock events (task-clock, cpu-clock) need no hook: they
 * read the task's measured CPU time (kernel/cputime.c) or the clock.
 */
#ifndef KERNEL_PERF_EVENT_H
#define KERNEL_PERF_EVENT_H

#include <kernel/kernel.h>
#include <kernel/sysctl.h>
#include <uapi/perf_event.h>

struct task;

/* How many events of each software id exist (atomic): the hooks' gate. */
extern int perf_sw_events[PERF_COUNT_SW_MAX];

void __perf_sw_event(unsigned id, uint64_t n, bool user);
void __perf_sched_switch(struct task *prev, struct task *next);

/* n occurrences of software event `id` in the current task, on this CPU;
 * `user`: it happened in user mode (exclude_user/exclude_kernel). */
static inline void perf_sw_event(unsigned id, uint64_t n, bool user)
{
    if (unlikely(READ_ONCE(perf_sw_events[id])))
        __perf_sw_event(id, n, user);
}

/* The scheduler core: t is placed on `cpu` (a wake-up, a pull, an
 * affinity change).  A move to another CPU is counted as a migration when
 * t next starts running there, as Linux does. */
void perf_task_migrate_mark(struct task *t);
static inline void perf_sched_migrate(struct task *t, int from, int to)
{
    if (unlikely(READ_ONCE(perf_sw_events[PERF_COUNT_SW_CPU_MIGRATIONS])) && from != to)
        perf_task_migrate_mark(t);
}

/* The scheduler core, switching from prev (the current task) to next with
 * the run-queue lock held: a context switch of prev; a migration of next
 * if it moved since it last ran. */
static inline void perf_sched_switch(struct task *prev, struct task *next)
{
    if (unlikely(READ_ONCE(perf_sw_events[PERF_COUNT_SW_CONTEXT_SWITCHES]) |
                 READ_ONCE(perf_sw_events[PERF_COUNT_SW_CPU_MIGRATIONS])))
        __perf_sched_switch(prev, next);
}

/* Process lifecycle (no spinlock held).  fork: the child inherits the
 * parent thread's events that have `inherit` (0 or -ENOMEM).  exit: the
 * task's events stop; an inherited one's counts go to its original.  exec:
 * enable_on_exec events start, remove_on_exec ones end.  free: the task's
 * event context goes (and any event a failed fork left). */
/* The CPUs' event contexts, at boot for nr_cpu_ids CPUs (before any event). */
void perf_setup(void);
int perf_task_fork(struct task *child, struct task *parent, uint64_t clone_flags);
void perf_task_exit(struct task *t);
void perf_task_exec(struct task *t);
void perf_task_free(struct task *t);
/* /proc/sys/kernel/perf_event_paranoid (include/kernel/sysctl.h). */
extern const struct sysctl_entry perf_sysctls[];

#endif
