/*
 * The scheduler core's private interface, shared by the files of
 * kernel/sched/ that make up the mechanism (core.c, tick.c, wakeup.c,
 * balance.c, queues.c) and by nothing else: the run queues and per-CPU
 * switch state, the helpers that find a CPU's or a task's queue, and the
 * functions one of those files calls in another.  What the rest of the
 * kernel may call is in include/sched/sched.h.
 */
#ifndef KERNEL_SCHED_INTERNAL_H
#define KERNEL_SCHED_INTERNAL_H

#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/task.h>
#include <sched/class.h>
#include <sched/sched.h>

/*
 * A run queue: the tasks waiting for a CPU, ordered by the two policy
 * instances, under one lock.  queues[c] is CPU c's own (MQMS); the shared
 * one (SQMS) is queues[nr_cpu_ids], the last, so that taking every queue's
 * lock in index order is taking them in address order (docs/locking.md).
 */
struct runqueue {
    struct spinlock lock;
    /* --- protected by lock --- */
    struct sched_class_rq cls;    /* the real-time class and the system policy */
    unsigned nr_running;          /* its tasks: queued + running, idle excluded */
};

/*
 * What each CPU keeps for itself, whichever queue it serves.  The switch
 * state, wake_pending and the real-time budget are protected by the lock of
 * the queue the CPU serves; the counters are written by this CPU alone
 * (migrations_out by the CPU a task moves to, atomically; run_ns also by a
 * CPU charging this one's task, under that queue lock) and read without a
 * lock.
 */
struct cpu_sched {
    struct task *idle;
    struct runqueue *locked;      /* the queue whose lock is held across the switch */
    struct task *prev;            /* the task switched away from (for finish_switch) */
    bool prev_dead;               /* prev was already reaped: free it once off its stack */
    bool prev_migrate;            /* prev may not run here (affinity): place it elsewhere */
    bool wake_pending;            /* SQMS: an enqueue kicked this idle CPU, which has not picked yet */
    /* real-time throttling: the real-time class's CPU time here in the
     * current period, and whether it is held back until the next */
    uint64_t rt_time_ns, rt_period_start_ns;
    bool rt_throttled;
    struct sched_cpu_stats stats; /* lock_wait_ns is kept in cycles below */
    uint64_t lock_wait_cycles;
    int kick_cursor;              /* kick_idle_cpu: where its last search ended (this CPU's) */
};

/* Allocated by sched_init for the CPUs that may start (nr_cpu_ids): the
 * queues (core.c) are nr_cpu_ids + 1, the shared one last. */
#define SHARED_Q nr_cpu_ids
extern struct runqueue *queues;
extern struct cpu_sched *cpus;
/* The system policy and the queue mode: written only with every queue
 * locked (queues.c, and sched_init); read freely. */
extern const struct sched_policy *system_policy;
extern enum sched_queue_mode queue_mode;

static inline bool single_queue(void) { return READ_ONCE(queue_mode) == SCHED_QUEUES_SINGLE; }
static inline bool is_shared(const struct runqueue *rq) { return rq == &queues[SHARED_Q]; }
static inline bool may_run_on(const struct task *t, int cpu) { return cpuset_test(&t->cpu_mask, cpu); }
/* The class layer's filter (sched_class_allowed_fn): may the task of `se`
 * run on CPU `cpu` (an int in the pointer)? */
static inline bool se_may_run_on(const struct sched_entity *se, void *cpu)
{
    return may_run_on(container_of(se, struct task, se), (int)(intptr_t)cpu);
}
static inline struct cpu_sched *this_cs(void) { return &cpus[this_cpu_id()]; }
static inline bool is_rt(const struct task *t) { return t->policy == SCHED_FIFO || t->policy == SCHED_RR; }

/* The queue CPU `cpu` serves, and the one task `t` belongs to. */
static inline struct runqueue *cpu_queue(int cpu) { return single_queue() ? &queues[SHARED_Q] : &queues[cpu]; }
static inline struct runqueue *task_rq(struct task *t) { return cpu_queue(t->se.cpu); }

/* core.c: run-queue locks (counted) and queueing */
void rq_lock(struct runqueue *rq);
void rq_unlock(struct runqueue *rq);
struct runqueue *this_rq_lock_irqsoff(void);
struct runqueue *task_rq_lock(struct task *t);
void lock_all_queues(void);
void unlock_all_queues(void);
void rq_enqueue(struct runqueue *rq, struct task *t, enum sched_enq_reason why);
void rq_dequeue(struct runqueue *rq, struct task *t);
bool should_preempt(struct runqueue *rq, int cpu, struct task *cur, struct task *t);

/* tick.c: the tick, tickless CPUs, charging */
void sched_tick_init(void);
void sched_tick_start(int cpu);
void tick_restart(void);
void tick_stop_idle(void);
void tick_switch_in(struct runqueue *rq, struct task *next, uint64_t now);
void rt_bandwidth_charge(struct cpu_sched *cs, struct runqueue *rq, struct task *cur, uint64_t now, uint64_t delta);
void charge_tickless(struct runqueue *rq, int only);

/* wakeup.c: making a task runnable */
void activate(struct task *t, enum sched_enq_reason why);

/* balance.c: CPU selection, kicking CPUs, work stealing */
int select_cpu(struct task *t);
int sqms_target(struct runqueue *rq, struct task *t, struct cpuset *tickless);
void notify_cpu(int cpu);
void kick_cpu(int cpu);
void kick_idle_cpu(int me);
bool idle_pull(int me);

#endif
