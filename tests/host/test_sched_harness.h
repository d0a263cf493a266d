/*
 * A miniature scheduler core for the policy tests: one run queue, a clock,
 * the running entity kept out of the queue, ticks every `tick_ns`, and the
 * put_prev/enqueue/pick_next sequence the kernel's core performs.  It keeps
 * se->on_rq and the per-entity CPU time, so tests can check shares.  With
 * `late_put` set it gives a preempted entity back with enqueue() before
 * put_prev(), the order kernel/sched/core.c uses; policies must cope with
 * both.
 */
#ifndef TEST_SCHED_HARNESS_H
#define TEST_SCHED_HARNESS_H

#include <string.h>
#include <sched/policies.h>

struct h_core {
    struct sched_rq rq;
    struct sched_tunables tun;
    const struct sched_policy *pol;
    struct sched_entity *curr;
    uint64_t now, charged_at; /* charged_at: last tick or pick of curr */
    bool resched, late_put;
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
    h->rq.policy = pol;
    h->rq.tun = &h->tun;
    pol->init(&h->rq);
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
    h->rq.now_ns = h->now;
    if (why == ENQ_NEW && h->pol->task_new)
        h->pol->task_new(&h->rq, se, NULL);
    h->pol->enqueue(&h->rq, se, why);
    se->on_rq = true;
    if (h->curr && h->pol->check_preempt && h->pol->check_preempt(&h->rq, h->curr, se))
        h->resched = true;
}

static inline void h_remove(struct h_core *h, struct sched_entity *se)
{
    h->rq.now_ns = h->now;
    h->pol->dequeue(&h->rq, se);
    se->on_rq = false;
}

/* The running entity stops: back to the queue (why) or blocked (why 0). */
static inline void h_put(struct h_core *h, enum sched_enq_reason why)
{
    struct sched_entity *c = h->curr;
    if (!c)
        return;
    h->rq.now_ns = h->now;
    c->sum_exec_ns += h->now - h->charged_at;
    if (why && h->late_put) {
        h->pol->enqueue(&h->rq, c, why);
        c->on_rq = true;
    }
    if (h->pol->put_prev)
        h->pol->put_prev(&h->rq, c, h->now - h->charged_at, why == 0);
    h->curr = NULL;
    if (why && !h->late_put) {
        h->pol->enqueue(&h->rq, c, why);
        c->on_rq = true;
    }
}

static inline struct sched_entity *h_pick(struct h_core *h)
{
    h->rq.now_ns = h->now;
    h->resched = false;
    struct sched_entity *se = h->pol->pick_next(&h->rq);
    if (se) {
        se->on_rq = false;
        h->charged_at = h->now;
        h->switches++;
    }
    h->curr = se;
    return se;
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
        h->rq.now_ns = h->now;
        h->curr->sum_exec_ns += h->now - h->charged_at;
        uint64_t delta = h->now - h->charged_at;
        h->charged_at = h->now;
        if (h->pol->tick(&h->rq, h->curr, h->now, delta))
            h->resched = true;
    }
}

#endif
