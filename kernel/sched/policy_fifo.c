/*
 * FIFO (first come, first served): jobs run in arrival order, each to
 * completion or until it blocks.  The queue is one list; every decision is
 * O(1).  The policy never asks for preemption itself; if the core preempts
 * the running job anyway (a real-time task woke), it goes back to the front,
 * since it arrived before everyone still waiting.
 */
#include <sched/policy.h>
#include <sched/policy_util.h>

/* The queue: one list, in arrival order. */
struct fifo_rq {
    struct list_node list;
};
struct fifo_entity {
    char none;
};
SCHED_PRIV_FITS(struct fifo_entity, struct fifo_rq);

static struct fifo_rq *fifo_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct fifo_rq); }

static void fifo_init(struct sched_rq *rq)
{
    list_init(&fifo_rq(rq)->list);
    rq->nr_queued = 0;
}

static void fifo_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    se->seq = rq->seq++;
    if (why == ENQ_PREEMPTED || why == ENQ_RESTORE)
        list_push_front(&fifo_rq(rq)->list, &se->node);
    else
        list_push_back(&fifo_rq(rq)->list, &se->node);
    rq->nr_queued++;
}

static void fifo_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    list_remove(&se->node);
    rq->nr_queued--;
}

static struct sched_entity *fifo_pick_next(struct sched_rq *rq)
{
    struct list_node *n = list_pop_front(&fifo_rq(rq)->list);
    if (!n)
        return NULL;
    rq->nr_queued--;
    return sched_picked(se_of_node(n));
}

static bool fifo_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    return false;
}

/* Alone on the queue a yield changes nothing. */
static void fifo_yield(struct sched_rq *rq, struct sched_entity *curr) {}

const struct sched_policy sched_policy_fifo = {
    .name = "fifo",
    .init = fifo_init,
    .enqueue = fifo_enqueue,
    .dequeue = fifo_dequeue,
    .pick_next = fifo_pick_next,
    .tick = fifo_tick,
    .yield = fifo_yield,
};
