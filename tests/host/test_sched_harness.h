/*
 * A miniature scheduler core for the policy tests: one run queue, a clock,
 * ticks every `tick_ns`, and the running entity kept out of the queue.  It
 * calls the policies only through the kernel's scheduling-class layer
 * (kernel/sched/class.c), the code kernel/sched/core.c and tools/schedsim
 * call, so the hook order tested here is the kernel's.
 *
 * With `shared` set the queue stands for SQMS's shared queue served by two
 * CPUs: each pick is made by CPU 0 or CPU 1 (a fixed pseudo-random
 * sequence: strict alternation would starve a pinned entity whose turn
 * always fell to the other CPU), and entities whose id is a
 * multiple of 4 are pinned to CPU 0, so the class layer passes over them
 * when CPU 1 picks (sched_class_pick's affinity filter).
 */
#ifndef TEST_SCHED_HARNESS_H
#define TEST_SCHED_HARNESS_H

#include <string.h>
#include <sched/class.h>
#include <sched/policies.h>

struct h_core {
    struct sched_class_rq q;  /* q.sys: the policy under test; no real-time class */
    struct sched_tunables tun;
    const struct sched_policy *pol;
    struct sched_entity *curr;
    uint64_t now, charged_at; /* charged_at: last tick or pick of curr */
    bool resched, shared;
    int picker;               /* shared: the CPU that made the last pick */
    uint64_t lcg;             /* shared: chooses it */
    unsigned switches;
};

static inline void h_init(struct h_core *h, const struct sched_policy *pol, const struct sched_tunables *tun)
{
    memset(h, 0, sizeof(*h));
    if (tun)
        h->tun = *tun;
    else
        sched_tunables_default(&h->tun);
    h->pol = pol;
    sched_class_rq_init(&h->q, pol, NULL, &h->tun, 0);
}

static inline void h_entity(struct sched_entity *se, uint64_t id)
{
    memset(se, 0, sizeof(*se));
    se->id = id;
    se->tickets = SCHED_DEFAULT_TICKETS;
    list_init(&se->node);
}

/* Make `se` runnable (new or waking) and ask whether it preempts curr. */
static inline void h_add(struct h_core *h, struct sched_entity *se, enum sched_enq_reason why)
{
    if (why == ENQ_NEW)
        sched_class_task_new(&h->q, se, NULL, h->now);
    sched_class_enqueue(&h->q, se, why, h->now);
    if (h->curr && sched_class_check_preempt(&h->q, h->curr, se, false))
        h->resched = true;
}

static inline void h_remove(struct h_core *h, struct sched_entity *se) { sched_class_dequeue(&h->q, se, h->now); }

/* Per-entity parameters of `se` changed. */
static inline void h_reweight(struct h_core *h, struct sched_entity *se) { sched_class_reweight(&h->q, se); }

/* The running entity stops: back to the queue (why) or blocked (why 0). */
static inline void h_put(struct h_core *h, enum sched_enq_reason why)
{
    struct sched_entity *c = h->curr;
    if (!c)
        return;
    sched_class_put_prev(&h->q, c, h->now, h->now - h->charged_at, why);
    h->curr = NULL;
}

static inline bool h_allowed(const struct sched_entity *se, void *cpu)
{
    return (int)(intptr_t)cpu == 0 || se->id % 4 != 0;
}

static inline struct sched_entity *h_pick(struct h_core *h)
{
    h->resched = false;
    int cpu = 0;
    if (h->shared) {
        h->lcg = h->lcg * 6364136223846793005ull + 1442695040888963407ull;
        cpu = (int)(h->lcg >> 63);
    }
    h->picker = cpu;
    struct sched_entity *se =
        sched_class_pick(&h->q, h->now, false, h->shared ? h_allowed : NULL, (void *)(intptr_t)cpu);
    if (se) {
        h->charged_at = h->now;
        h->switches++;
    }
    h->curr = se;
    return se;
}

/* The running entity is charged up to now, as by a timer tick; returns
 * whether it should give way (also noted in h->resched). */
static inline bool h_tick(struct h_core *h)
{
    uint64_t delta = h->now - h->charged_at;
    h->charged_at = h->now;
    bool give_way = sched_class_tick(&h->q, h->curr, h->now, delta, false);
    if (give_way)
        h->resched = true;
    return give_way;
}

/* Run for `ns` in ticks of `tick_ns`, switching as the policy asks. */
static inline void h_run(struct h_core *h, uint64_t ns, uint64_t tick_ns)
{
    for (uint64_t t = 0; t < ns; t += tick_ns) {
        if (h->resched && h->curr)
            h_put(h, ENQ_PREEMPTED);
        if (!h->curr && !h_pick(h)) {
            h->now += tick_ns;
            continue;
        }
        h->now += tick_ns;
        h_tick(h);
    }
}

#endif
