/*
 * The scheduling-class layer (include/sched/class.h): the order in which a
 * scheduler core calls the policy hooks, written once for the kernel, the
 * simulator and the host tests.  Two policy instances per queue, the
 * real-time class served before the system policy; the running entity is
 * in neither queue.  Nothing here locks, sleeps or reads a clock: the
 * caller passes `now` and holds the queue's lock.
 */
#include <sched/class.h>

void sched_class_init(struct sched_rq *r, const struct sched_policy *p, const struct sched_tunables *tun,
                      uint64_t now)
{
    __builtin_memset(r, 0, sizeof *r);
    r->policy = p;
    r->tun = tun;
    r->now_ns = now;
    if (p)
        p->init(r);
}

void sched_class_rq_init(struct sched_class_rq *q, const struct sched_policy *sys, const struct sched_policy *rt,
                         const struct sched_tunables *tun, uint64_t now)
{
    sched_class_init(&q->rt, rt, tun, now);
    sched_class_init(&q->sys, sys, tun, now);
}

struct sched_rq *sched_class_of(struct sched_class_rq *q, const struct sched_entity *se)
{
    return se->rt_policy && q->rt.policy ? &q->rt : &q->sys;
}


void sched_class_task_new(struct sched_class_rq *q, struct sched_entity *se, const struct sched_entity *parent,
                          uint64_t now)
{
    struct sched_rq *r = sched_class_of(q, se);
    r->now_ns = now;
    __builtin_memset(se->policy_data, 0, sizeof se->policy_data);
    if (r->policy->task_new)
        r->policy->task_new(r, se, parent);
}

void sched_class_enqueue(struct sched_class_rq *q, struct sched_entity *se, enum sched_enq_reason why,
                         uint64_t now)
{
    struct sched_rq *r = sched_class_of(q, se);
    r->now_ns = now;
    se->enqueued_ns = now;
    r->policy->enqueue(r, se, why);
    se->on_rq = true;
}

void sched_class_dequeue(struct sched_class_rq *q, struct sched_entity *se, uint64_t now)
{
    struct sched_rq *r = sched_class_of(q, se);
    r->now_ns = now;
    r->policy->dequeue(r, se);
    se->on_rq = false;
}

bool sched_class_tick(struct sched_class_rq *q, struct sched_entity *se, uint64_t now, uint64_t ran_ns, bool rt_held)
{
    struct sched_rq *r = sched_class_of(q, se);
    se->sum_exec_ns += ran_ns;
    r->now_ns = now;
    bool resched = r->policy->tick(r, se, now, ran_ns);
    /* a queued real-time entity always wins over the system policy */
    if (r == &q->sys && q->rt.nr_queued && !rt_held)
        resched = true;
    return resched;
}

void sched_class_put_prev(struct sched_class_rq *q, struct sched_entity *se, uint64_t now, uint64_t ran_ns,
                          enum sched_enq_reason why)
{
    struct sched_rq *r = sched_class_of(q, se);
    se->sum_exec_ns += ran_ns;
    if (why)
        sched_class_enqueue(q, se, why, now);
    r->now_ns = now;
    if (r->policy->put_prev)
        r->policy->put_prev(r, se, ran_ns, why == 0);
}

bool sched_class_check_preempt(struct sched_class_rq *q, struct sched_entity *curr, struct sched_entity *woken,
                               bool rt_held)
{
    struct sched_rq *rw = sched_class_of(q, woken);
    if (rw == &q->rt && rt_held)
        return false;                   /* held back until its next period */
    if (!curr)
        return true;
    struct sched_rq *rc = sched_class_of(q, curr);
    if (rc != rw)
        return rw == &q->rt;            /* the higher class wins */
    return rw->policy->check_preempt && rw->policy->check_preempt(rw, curr, woken);
}

/* The next entity of instance `r` that `allowed` accepts.  Those passed
 * over are given back (ENQ_RESTORE) once the pick is made, in reverse
 * order, so every policy has them exactly where they were: an idle CPU
 * that looks for work it may steal, every few milliseconds, must not
 * reorder a queue of tasks pinned elsewhere. */
static struct sched_entity *class_pick_one(struct sched_rq *r, sched_class_allowed_fn allowed, void *ctx)
{
    struct sched_entity *se = r->policy->pick_next(r);
    if (!allowed)
        return se;
    struct sched_entity *passed[SCHED_PICK_SKIP_MAX];
    int n = 0;
    while (se && !allowed(se, ctx)) {
        if (n == SCHED_PICK_SKIP_MAX) {
            r->policy->enqueue(r, se, ENQ_RESTORE);
            se = NULL;
            break;
        }
        passed[n++] = se;
        se = r->policy->pick_next(r);
    }
    while (n > 0)
        r->policy->enqueue(r, passed[--n], ENQ_RESTORE);     /* on_rq, enqueued_ns unchanged */
    return se;
}

struct sched_entity *sched_class_pick(struct sched_class_rq *q, uint64_t now, bool rt_held,
                                      sched_class_allowed_fn allowed, void *ctx)
{
    struct sched_entity *se = NULL;
    q->rt.now_ns = q->sys.now_ns = now;
    if (q->rt.policy && !rt_held && q->rt.nr_queued)
        se = class_pick_one(&q->rt, allowed, ctx);
    if (!se)
        se = class_pick_one(&q->sys, allowed, ctx);
    if (se) {
        se->on_rq = false;
        se->slice_start_ns = now;
    }
    return se;
}

struct sched_entity *sched_class_steal(struct sched_class_rq *q, uint64_t now, sched_class_allowed_fn allowed,
                                       void *ctx)
{
    struct sched_rq *order[2] = { &q->sys, &q->rt };
    q->rt.now_ns = q->sys.now_ns = now;
    for (int i = 0; i < 2; i++) {
        struct sched_rq *r = order[i];
        if (!r->policy || !r->nr_queued)
            continue;
        struct sched_entity *se = class_pick_one(r, allowed, ctx);
        if (!se)
            continue;
        /* back in its place, then out as a migrating entity leaves */
        r->policy->enqueue(r, se, ENQ_PREEMPTED);
        r->policy->dequeue(r, se);
        se->on_rq = false;
        return se;
    }
    return NULL;
}

struct sched_entity *sched_class_take(struct sched_rq *r, uint64_t now)
{
    r->now_ns = now;
    struct sched_entity *se = r->policy->pick_next(r);
    if (se)
        se->on_rq = false;
    return se;
}

bool sched_class_yield(struct sched_class_rq *q, struct sched_entity *se, uint64_t now)
{
    if (sched_class_nr_queued(q))
        return true;
    struct sched_rq *r = sched_class_of(q, se);
    r->now_ns = now;
    if (r->policy->yield) {
        r->policy->yield(r, se);
    } else {
        r->policy->enqueue(r, se, ENQ_YIELD);
        r->policy->pick_next(r);        /* se: the only one queued */
    }
    return false;
}

void sched_class_reweight(struct sched_class_rq *q, struct sched_entity *se)
{
    struct sched_rq *r = sched_class_of(q, se);
    if (r->policy->reweight)
        r->policy->reweight(r, se);
}

void sched_class_retune(struct sched_class_rq *q, const struct sched_tunables *old)
{
    if (q->rt.policy && q->rt.policy->retune)
        q->rt.policy->retune(&q->rt, old);
    if (q->sys.policy->retune)
        q->sys.policy->retune(&q->sys, old);
}
