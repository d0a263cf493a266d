/*
 * The scheduling-policy interface: the boundary between mechanism and policy.
 *
 * The scheduler core (kernel/sched/core.c) owns run queues, locking, the
 * context switch, the timer tick and wake-ups; it calls the hooks only
 * through the scheduling-class layer (include/sched/class.h), as the
 * simulator and the host tests do.  A policy decides only *which*
 * runnable entity goes next and *when* the running one should give way.  Each
 * policy is one file exporting one `const struct sched_policy`; the same file
 * compiles into the kernel, into the host unit tests and into tools/schedsim,
 * so this header must not depend on anything but freestanding C.
 *
 * Locking contract (stated once, holds for every hook): the core calls every
 * hook with the run queue's lock held and interrupts off.  Hooks never sleep,
 * never allocate, never switch, and touch nothing but the run queue's policy
 * state and the entities handed to them.
 *
 * Queue contract: the running entity is NOT in the policy's queue.  The core
 * calls pick_next(), which removes the chosen entity from the queue; when the
 * running entity stops running but stays runnable (slice expired, preempted,
 * yielded) the core gives it back with enqueue(ENQ_PREEMPTED or ENQ_YIELD).
 * An entity that blocks is simply not enqueued again until it wakes
 * (enqueue(ENQ_WAKEUP)).  Time is in nanoseconds of the core's clock.
 */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lib/list.h>
#include <lib/rbtree.h>

/* Why an entity is being enqueued. */
enum sched_enq_reason {
    ENQ_NEW = 1,       /* first time runnable (fork/clone, or policy change) */
    ENQ_WAKEUP = 2,    /* was blocked, is runnable again */
    ENQ_PREEMPTED = 3, /* was running; slice expired or a better entity woke */
    ENQ_YIELD = 4,     /* was running; gave the CPU up voluntarily (sched_yield) */
    ENQ_RESTORE = 5,   /* just taken by pick_next and not run: a pick that may not
                        * run it passed over it; it returns exactly where it was */
};

#define SCHED_MLFQ_MAX_LEVELS 16
#define SCHED_RT_PRIO_MAX 99     /* rt_priority 1..99, as Linux */
#define SCHED_RT_FIFO 1          /* Linux SCHED_FIFO */
#define SCHED_RT_RR 2            /* Linux SCHED_RR */
#define SCHED_DEFAULT_TICKETS 100

/*
 * Policy-private state.  Each policy lays a struct of its own over the
 * opaque area of every entity it holds and of its run-queue instance
 * (SCHED_SE_PRIV / SCHED_RQ_PRIV), declared in its own file (its .c, or
 * include/sched/policy_<name>.h when tests or the simulator read it) and
 * checked to fit with SCHED_PRIV_FITS; so a new policy touches no shared
 * header.  An entity's area is cleared when it joins a policy (task_new,
 * kernel/sched/class.c); a queue's when the instance is initialised.
 */
#define SCHED_SE_PRIV_WORDS 8       /* 64 bytes */
#define SCHED_RQ_PRIV_WORDS 208     /* 1,664 bytes: the real-time policy's 100 lists */
#define SCHED_SE_PRIV(se, type) ((type *)(void *)(se)->policy_data)
#define SCHED_RQ_PRIV(rq, type) ((type *)(void *)(rq)->policy_data)
#define SCHED_PRIV_FITS(se_type, rq_type)                                                                  \
    _Static_assert(sizeof(se_type) <= SCHED_SE_PRIV_WORDS * 8 && sizeof(rq_type) <= SCHED_RQ_PRIV_WORDS * 8, \
                   "policy-private state larger than its area")

/*
 * Per-task scheduling state.  The common part is maintained by the core
 * (through kernel/sched/class.c); the policy part is owned by whichever
 * policy currently holds the entity.
 */
struct sched_entity {
    /* --- common, written by the core (under the rq lock) --- */
    uint64_t id;            /* pid/tid, for tie-breaking and traces */
    uint64_t sum_exec_ns;   /* total CPU time consumed */
    uint64_t slice_start_ns;/* when its running time was last charged */
    uint64_t enqueued_ns;   /* when it last became ready (for wait time) */
    bool on_rq;             /* queued in the policy (not running, not blocked) */
    int cpu;                /* CPU whose run queue it belongs to */

    /* --- per-task parameters, set through syscalls / schedctl --- */
    int nice;               /* -20..19, as Linux */
    uint32_t tickets;       /* lottery / stride share (default 100) */
    uint64_t expected_ns;   /* declared expected run time (SJF/STCF); 0 = undeclared */
    int rt_priority;        /* 1..99 for SCHED_FIFO/SCHED_RR, 0 otherwise */
    int rt_policy;          /* SCHED_RT_FIFO or SCHED_RT_RR when rt_priority > 0 */
    uint32_t lent_tickets;  /* lottery: tickets lent to this entity by waiters
                             * (ticket transfer); they count toward its draws */

    /* --- its place in the queue of the policy holding it --- */
    struct list_node node;  /* queue link for list-based policies */
    struct rb_node rb;      /* link for tree-based policies */
    uint64_t key;           /* tree order (policy_util.h), then: */
    uint64_t seq;           /* tie-break: arrival order */

    /* --- policy-private (SCHED_SE_PRIV) --- */
    uint64_t policy_data[SCHED_SE_PRIV_WORDS];
};

struct sched_rq;
struct sched_tunables;

struct sched_policy {
    const char *name;       /* as written to /proc/sys/kernel/sched_policy */
    /* Shares the CPU by tickets (lottery, stride): a task that sleeps
     * waiting for another lends it its own (kernel/sched/lend.c). */
    bool by_tickets;

    /* Required hooks. */
    /* Reset the policy's part of `rq` (empty queue).  rq->tun is set. */
    void (*init)(struct sched_rq *rq);
    /* Make `se` (not running, not queued) runnable.  rq->now_ns is current. */
    void (*enqueue)(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why);
    /* Remove a queued `se` (it blocked in the queue, migrates, changes
     * policy or exits).  Calling it for an entity not queued is a bug. */
    void (*dequeue)(struct sched_rq *rq, struct sched_entity *se);
    /* Remove and return the entity to run next, or NULL if none is queued. */
    struct sched_entity *(*pick_next)(struct sched_rq *rq);
    /* Called on every timer tick for the running entity, after the core has
     * charged `delta_ns` (time since the previous tick or since it was
     * picked) to se->sum_exec_ns.  Return true to ask the core to preempt
     * it (it will then be given back with put_prev and ENQ_PREEMPTED). */
    bool (*tick)(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns);

    /* Optional hooks (NULL = not applicable). */
    /* Should `woken` (just enqueued) preempt `curr`? */
    bool (*check_preempt)(struct sched_rq *rq, struct sched_entity *curr, struct sched_entity *woken);
    /* A new entity is created from `parent` (parent may be NULL). */
    void (*task_new)(struct sched_rq *rq, struct sched_entity *se, const struct sched_entity *parent);
    /* Called when `curr` stops running, with `ran_ns` = the time it ran
     * since the last tick() (or since it was picked): the part tick() has
     * not charged yet.  `blocking` says it will not be enqueued here again
     * until it wakes (it blocks, exits or moves to another queue).  A
     * runnable `curr` has already been given back with enqueue() (se->on_rq
     * set: class.c); a policy whose queue order depends on the charge
     * re-positions it. */
    void (*put_prev)(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking);
    /* `curr` yields while nothing else is queued: it keeps running, and the
     * policy does to it what enqueue(ENQ_YIELD) then pick_next() would (a
     * fresh slice, MLFQ's rule 4b) without the queue work.  NULL: the core
     * performs exactly that enqueue and pick. */
    void (*yield)(struct sched_rq *rq, struct sched_entity *curr);
    /* The level (queue) `se` is at, for a policy of ranked queues (MLFQ:
     * 0 = highest), shown in /proc/<pid>/sched; read without the lock. */
    int (*level)(const struct sched_entity *se);
    /* The tunables changed (rq->tun holds the new ones, `old` the previous);
     * adjust what init() derived from them (the lottery's generator). */
    void (*retune)(struct sched_rq *rq, const struct sched_tunables *old);
    /* Per-entity parameters changed (nice, tickets, lent_tickets, expected
     * time, rt_priority); `se` may be queued or running. */
    void (*reweight)(struct sched_rq *rq, struct sched_entity *se);
};

/* Tunables shared by all policies, read and written under /proc/sys/kernel.
 * Defaults and limits: sched_tunables_default() / sched_tunables_check(). */
struct sched_tunables {
    uint64_t rr_slice_ns;                       /* RR slice */
    int mlfq_levels;                            /* number of queues */
    uint64_t mlfq_slice_ns[SCHED_MLFQ_MAX_LEVELS];
    uint64_t mlfq_allot_ns[SCHED_MLFQ_MAX_LEVELS];
    uint64_t mlfq_boost_ns;                     /* 0 = never boost */
    bool mlfq_antigaming;                       /* rule 4 (true) vs 4a/4b */
    bool mlfq_iobump;                           /* a waking job joins the front of its level */
    uint64_t lottery_seed;
    uint64_t lottery_slice_ns;
    uint64_t stride_slice_ns;
    uint64_t fair_latency_ns;
    uint64_t fair_min_granularity_ns;
    uint64_t fair_wakeup_granularity_ns;        /* wake-up preemption margin */
    uint64_t sjf_default_ns;                    /* expected time when undeclared */
    uint64_t rt_rr_slice_ns;                    /* SCHED_RR slice */
};

/*
 * A run queue's policy-visible part.  The core embeds one per policy
 * instance and CPU (the real-time one and the system one; the simulator one
 * per simulated CPU) and protects it with its run queue's lock.
 */
struct sched_rq {
    const struct sched_policy *policy;
    const struct sched_tunables *tun;
    uint64_t now_ns;            /* core clock at the last update */
    unsigned nr_queued;         /* entities currently enqueued */
    uint64_t seq;               /* monotonically increasing arrival counter */
    /* Random numbers in [0, n) for a policy that draws (the lottery): if
     * set, draws come from here instead of the policy's own generator (the
     * simulator installs Python's). */
    uint64_t (*rand_below)(struct sched_rq *rq, uint64_t n);
    void *rand_ctx;

    /* --- policy-private (SCHED_RQ_PRIV) --- */
    uint64_t policy_data[SCHED_RQ_PRIV_WORDS];
};

#endif
