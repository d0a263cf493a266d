/*
 * The scheduling-class layer: the one protocol by which a scheduler core
 * drives the policies (include/sched/policy.h).  The kernel's core
 * (kernel/sched/core.c), the simulator (tools/schedsim/sim.c) and the host
 * tests (tests/host/test_sched_harness.h) all call these functions and
 * never a policy hook directly, so the order of the hooks is written once
 * (kernel/sched/class.c) and tested once.
 *
 * A class run queue holds two policy instances: the real-time class
 * (SCHED_FIFO/SCHED_RR, always served first unless held back) and the
 * system policy.  An entity belongs to the real-time class while its
 * rt_policy is set.  A core that wants one policy only (the simulator, the
 * host tests) leaves the real-time class out (rt policy NULL): every entity
 * then belongs to the system policy, whichever it is.
 *
 * The protocol, for one CPU's view of a queue:
 *   - a new entity gets task_new(), then enqueue(ENQ_NEW);
 *   - a waking one enqueue(ENQ_WAKEUP); the core then asks
 *     check_preempt(running, woken) to decide whether to reschedule;
 *   - the running entity is charged by tick(), with the time it ran since
 *     its last charge; when it stops running it is, if still runnable,
 *     given back to its queue and then charged the rest by put_prev(), in
 *     the same call (enqueue first, then the put_prev hook: a slice that
 *     tick() found used up decides the place, not the few microseconds run
 *     since; a policy whose order depends on the charge re-positions the
 *     entity);
 *   - pick() takes the next entity, real-time class first;
 *   - yield() is put_prev(ENQ_YIELD) + pick(), except that an entity alone
 *     on its queue keeps the CPU and only its policy's accounting is done.
 * Every function is called with the queue's lock held (in the kernel) and
 * keeps se->on_rq, se->enqueued_ns and se->sum_exec_ns.  Host-compilable:
 * freestanding C only.
 */
#ifndef SCHED_CLASS_H
#define SCHED_CLASS_H

#include <sched/policy.h>

struct sched_class_rq {
    struct sched_rq rt;     /* real-time class; rt.policy NULL = none */
    struct sched_rq sys;    /* the system policy */
};

/* (Re)initialise one policy instance `r` (empty) for policy `p`. */
void sched_class_init(struct sched_rq *r, const struct sched_policy *p, const struct sched_tunables *tun,
                      uint64_t now);
/* Both instances of `q`; `rt` may be NULL (no real-time class). */
void sched_class_rq_init(struct sched_class_rq *q, const struct sched_policy *sys, const struct sched_policy *rt,
                         const struct sched_tunables *tun, uint64_t now);

/* The policy instance `se` belongs to. */
struct sched_rq *sched_class_of(struct sched_class_rq *q, const struct sched_entity *se);
/* Entities queued in both classes. */
static inline unsigned sched_class_nr_queued(const struct sched_class_rq *q) { return q->rt.nr_queued + q->sys.nr_queued; }

/* A new entity (or one that changes class or policy): its policy-private
 * state is cleared and task_new() places it.  `parent` may be NULL. */
void sched_class_task_new(struct sched_class_rq *q, struct sched_entity *se, const struct sched_entity *parent,
                          uint64_t now);
/* `se` (not running, not queued) becomes runnable. */
void sched_class_enqueue(struct sched_class_rq *q, struct sched_entity *se, enum sched_enq_reason why,
                         uint64_t now);
/* A queued `se` leaves the queue (blocks there, migrates, changes class). */
void sched_class_dequeue(struct sched_class_rq *q, struct sched_entity *se, uint64_t now);

/* The running `se` ran `ran_ns` since its last charge: charge it and ask
 * its policy whether it should give way.  Also true when a real-time
 * entity waits and `se` is not one, unless the class is held back
 * (`rt_held`: real-time throttling). */
bool sched_class_tick(struct sched_class_rq *q, struct sched_entity *se, uint64_t now, uint64_t ran_ns, bool rt_held);

/* The running `se` stops running, `ran_ns` after its last charge: given
 * back to its queue if `why` is an enqueue reason, then charged (put_prev
 * hook); why == 0: it blocks, exits or leaves for another queue. */
void sched_class_put_prev(struct sched_class_rq *q, struct sched_entity *se, uint64_t now, uint64_t ran_ns,
                          enum sched_enq_reason why);

/* Should `woken` (just enqueued) take the CPU from `curr` (NULL: the CPU
 * idles)?  A higher class always wins, a lower one never; within a class
 * the policy's check_preempt decides.  A held-back real-time class never
 * preempts. */
bool sched_class_check_preempt(struct sched_class_rq *q, struct sched_entity *curr, struct sched_entity *woken,
                               bool rt_held);

/* Whether an entity may run on the picking CPU (NULL: every one may). */
typedef bool (*sched_class_allowed_fn)(const struct sched_entity *se, void *ctx);

/*
 * Take the entity to run next, or NULL: the real-time class first (unless
 * `rt_held`), then the system policy.  Entities `allowed` refuses (a
 * shared queue's tasks pinned elsewhere) are passed over and given back
 * in place; at most SCHED_PICK_SKIP_MAX of them per class, after which
 * the pick gives up (NULL) rather than hold the lock longer.  The picked
 * entity's slice_start_ns is `now`.
 */
#define SCHED_PICK_SKIP_MAX 32
struct sched_entity *sched_class_pick(struct sched_class_rq *q, uint64_t now, bool rt_held,
                                      sched_class_allowed_fn allowed, void *ctx);

/*
 * Take a queued entity that `allowed` accepts out of `q` for another CPU's
 * queue (work stealing), or NULL: the system policy's first, then the
 * real-time class's, each in the order its policy would run them.  A
 * bounded search: at most SCHED_PICK_SKIP_MAX refused entities per class
 * are looked at (and given back in place, as sched_class_pick does), so
 * the cost does not grow with the tasks queued.  The entity leaves through
 * its policy's dequeue hook, as a migrating one does; the caller enqueues
 * it on its new queue.
 */
struct sched_entity *sched_class_steal(struct sched_class_rq *q, uint64_t now, sched_class_allowed_fn allowed,
                                       void *ctx);

/* Take any entity of one instance, in the order its policy would run them
 * (draining a queue for a policy or queue-mode switch); NULL when empty. */
struct sched_entity *sched_class_take(struct sched_rq *r, uint64_t now);

/* The running `se` yields.  False if nothing else is queued: it keeps the
 * CPU, and its policy has done what a yield means for it (a fresh slice,
 * MLFQ's rule 4b...).  True: others wait, and the caller gives `se` back
 * with sched_class_put_prev(ENQ_YIELD) and picks. */
bool sched_class_yield(struct sched_class_rq *q, struct sched_entity *se, uint64_t now);

/* The tunables changed from `old` to q's (every queue locked). */
void sched_class_retune(struct sched_class_rq *q, const struct sched_tunables *old);

/* Per-entity parameters changed (nice, tickets, expected time, priority). */
void sched_class_reweight(struct sched_class_rq *q, struct sched_entity *se);

/* The time `se` ran since its last charge at slice_start_ns; restarts the
 * count at `now` (a core that keeps the clock in se does this). */
static inline uint64_t sched_class_ran(struct sched_entity *se, uint64_t now)
{
    uint64_t ran = now - se->slice_start_ns;
    se->slice_start_ns = now;
    return ran;
}

#endif
