/*
 * Real-time scheduling with Linux's SCHED_FIFO / SCHED_RR semantics.
 * rt_priority runs from 1 to 99; the highest queued priority always runs
 * first, and a waking task of higher priority preempts a lower one (or any
 * task of the system policy, rt_priority 0).  Within one priority:
 *   SCHED_FIFO: a task runs until it blocks, yields or is preempted; when
 *               preempted it stays at the head of its priority's list;
 *   SCHED_RR:   the same, plus a slice (rt_rr_slice_ns): when it is used and
 *               others of the same priority are waiting, the task goes to the
 *               tail with a fresh slice.
 * A yielding or waking task joins the tail of its list.  One list per
 * priority plus a 100-bit bitmap of non-empty lists: every decision is O(1).
 * The core consults this policy before the system policy, each with its own
 * sched_rq.
 */
#include <sched/policy.h>
#include <sched/policy_util.h>

struct rt_rq {
    uint64_t mask[2];                               /* bit p = queues[p] non-empty */
    struct list_node queues[SCHED_RT_PRIO_MAX + 1];
};
struct rt_entity {
    uint64_t slice_used_ns;     /* SCHED_RR: of the current slice */
    int prio;                   /* the list it is on, should rt_priority change meanwhile */
};
SCHED_PRIV_FITS(struct rt_entity, struct rt_rq);

static struct rt_rq *rt_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct rt_rq); }
static struct rt_entity *rt_se(struct sched_entity *se) { return SCHED_SE_PRIV(se, struct rt_entity); }

static int rt_prio(const struct sched_entity *se)
{
    int p = se->rt_priority;
    return p < 1 ? 1 : p > SCHED_RT_PRIO_MAX ? SCHED_RT_PRIO_MAX : p;
}

static void rt_mark(struct sched_rq *rq, int p, bool nonempty)
{
    uint64_t bit = 1ull << (p & 63);
    if (nonempty)
        rt_rq(rq)->mask[p >> 6] |= bit;
    else
        rt_rq(rq)->mask[p >> 6] &= ~bit;
}

static void rt_init(struct sched_rq *rq)
{
    struct rt_rq *q = rt_rq(rq);
    for (int p = 0; p <= SCHED_RT_PRIO_MAX; p++)
        list_init(&q->queues[p]);
    q->mask[0] = q->mask[1] = 0;
    rq->nr_queued = 0;
}

static void rt_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    struct rt_entity *e = rt_se(se);
    int p = rt_prio(se);
    if (why == ENQ_NEW)
        e->slice_used_ns = 0;
    bool head = (why == ENQ_PREEMPTED && (se->rt_policy != SCHED_RT_RR || e->slice_used_ns > 0)) ||
                why == ENQ_RESTORE;
    se->seq = rq->seq++;
    e->prio = p;
    if (head)
        list_push_front(&rt_rq(rq)->queues[p], &se->node);
    else
        list_push_back(&rt_rq(rq)->queues[p], &se->node);
    rt_mark(rq, p, true);
    rq->nr_queued++;
}

static void rt_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    int p = rt_se(se)->prio;
    list_remove(&se->node);
    if (list_empty(&rt_rq(rq)->queues[p]))
        rt_mark(rq, p, false);
    rq->nr_queued--;
}

static struct sched_entity *rt_pick_next(struct sched_rq *rq)
{
    struct rt_rq *q = rt_rq(rq);
    int p;
    if (q->mask[1])
        p = 64 + 63 - __builtin_clzll(q->mask[1]);
    else if (q->mask[0])
        p = 63 - __builtin_clzll(q->mask[0]);
    else
        return NULL;
    struct sched_entity *se = se_of_node(list_pop_front(&q->queues[p]));
    if (list_empty(&q->queues[p]))
        rt_mark(rq, p, false);
    rq->nr_queued--;
    return sched_picked(se);
}

static bool rt_charge(struct sched_rq *rq, struct sched_entity *se, uint64_t ns)
{
    struct rt_entity *e = rt_se(se);
    if (se->rt_policy != SCHED_RT_RR)
        return false;
    e->slice_used_ns += ns;
    if (e->slice_used_ns < rq->tun->rt_rr_slice_ns)
        return false;
    e->slice_used_ns = 0;
    /* Only give way to a peer; alone at its priority it just refills. */
    return !list_empty(&rt_rq(rq)->queues[rt_prio(se)]);
}

static bool rt_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    return rt_charge(rq, curr, delta_ns);
}

static void rt_put_prev(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking)
{
    rt_charge(rq, curr, ran_ns);
}

static bool rt_check_preempt(struct sched_rq *rq, struct sched_entity *curr, struct sched_entity *woken)
{
    return curr->rt_priority <= 0 || rt_prio(woken) > rt_prio(curr);
}

/* Alone on the queue, a yield changes nothing: the task keeps its slice
 * (a yield puts it at the tail of its list, which it has to itself). */
static void rt_yield(struct sched_rq *rq, struct sched_entity *curr) {}

/* Priority changed: a queued task moves to the tail of its new list. */
static void rt_reweight(struct sched_rq *rq, struct sched_entity *se)
{
    if (!se->on_rq || rt_se(se)->prio == rt_prio(se))
        return;
    rt_dequeue(rq, se);
    rt_enqueue(rq, se, ENQ_WAKEUP);
}

const struct sched_policy sched_policy_rt = {
    .name = "rt",
    .init = rt_init,
    .enqueue = rt_enqueue,
    .dequeue = rt_dequeue,
    .pick_next = rt_pick_next,
    .tick = rt_tick,
    .check_preempt = rt_check_preempt,
    .put_prev = rt_put_prev,
    .yield = rt_yield,
    .reweight = rt_reweight,
};
