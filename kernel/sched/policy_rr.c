/*
 * Round robin: FIFO order with a time slice (tunable rr_slice_ns).  When the
 * running job has used a whole slice it goes to the back of the queue with a
 * fresh one.  A job preempted before its slice ran out (by the core, for a
 * real-time task) returns to the front and finishes that slice; a job that
 * wakes or yields joins the back with a fresh slice.  One list, O(1).
 */
#include <sched/policy.h>
#include <sched/policy_util.h>

struct rr_rq {
    struct list_node list;      /* in turn order */
};
struct rr_entity {
    uint64_t slice_used_ns;     /* of the current slice (0 = fresh) */
};
SCHED_PRIV_FITS(struct rr_entity, struct rr_rq);

static struct rr_rq *rr_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct rr_rq); }
static struct rr_entity *rr_se(struct sched_entity *se) { return SCHED_SE_PRIV(se, struct rr_entity); }

static void rr_init(struct sched_rq *rq)
{
    list_init(&rr_rq(rq)->list);
    rq->nr_queued = 0;
}

static void rr_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    se->seq = rq->seq++;
    if ((why == ENQ_PREEMPTED && rr_se(se)->slice_used_ns > 0) || why == ENQ_RESTORE) {
        list_push_front(&rr_rq(rq)->list, &se->node);
    } else {
        if (why != ENQ_PREEMPTED)
            rr_se(se)->slice_used_ns = 0;
        list_push_back(&rr_rq(rq)->list, &se->node);
    }
    rq->nr_queued++;
}

static void rr_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    list_remove(&se->node);
    rq->nr_queued--;
}

static struct sched_entity *rr_pick_next(struct sched_rq *rq)
{
    struct list_node *n = list_pop_front(&rr_rq(rq)->list);
    if (!n)
        return NULL;
    rq->nr_queued--;
    return sched_picked(se_of_node(n));
}

/* Charge `ns`; true when the slice is used up (and a fresh one starts). */
static bool rr_charge(struct sched_rq *rq, struct sched_entity *se, uint64_t ns)
{
    rr_se(se)->slice_used_ns += ns;
    if (rr_se(se)->slice_used_ns < rq->tun->rr_slice_ns)
        return false;
    rr_se(se)->slice_used_ns = 0;
    return true;
}

static bool rr_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    return rr_charge(rq, curr, delta_ns);
}

static void rr_put_prev(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking)
{
    rr_charge(rq, curr, ran_ns);
}

/* Alone on the queue: a fresh slice, as joining its tail would give. */
static void rr_yield(struct sched_rq *rq, struct sched_entity *curr) { rr_se(curr)->slice_used_ns = 0; }

const struct sched_policy sched_policy_rr = {
    .name = "rr",
    .init = rr_init,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
    .put_prev = rr_put_prev,
    .yield = rr_yield,
};
