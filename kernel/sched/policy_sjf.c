/*
 * Shortest job first: run the queued job with the shortest expected run time
 * (se->expected_ns as declared by the process, or the tunable sjf_default_ns
 * when it declared none), to completion or until it blocks.  Non-preemptive:
 * a shorter job that arrives waits for the running one.  Ties go to the
 * earlier arrival.  The queue is a red-black tree keyed by (expected, arrival
 * sequence): O(log n) per enqueue, O(1) to find the minimum.
 */
#include <sched/policy.h>
#include <sched/policy_util.h>

struct sjf_rq {
    struct rb_root tree;        /* by (expected time, arrival) */
};
struct sjf_entity {
    char none;
};
SCHED_PRIV_FITS(struct sjf_entity, struct sjf_rq);

static struct sjf_rq *sjf_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct sjf_rq); }

static uint64_t sjf_expected(const struct sched_rq *rq, const struct sched_entity *se)
{
    return se->expected_ns ? se->expected_ns : rq->tun->sjf_default_ns;
}

static void sjf_init(struct sched_rq *rq)
{
    rb_root_init(&sjf_rq(rq)->tree);
    rq->nr_queued = 0;
}

static void sjf_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    /* A job the core preempted keeps its place among equals. */
    if (why != ENQ_PREEMPTED && why != ENQ_RESTORE)
        se->seq = rq->seq++;
    se->key = sjf_expected(rq, se);
    rb_add(&sjf_rq(rq)->tree, &se->rb, sched_key_less, NULL);
    rq->nr_queued++;
}

static void sjf_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    rb_erase(&sjf_rq(rq)->tree, &se->rb, NULL);
    rq->nr_queued--;
}

static struct sched_entity *sjf_pick_next(struct sched_rq *rq)
{
    struct rb_node *n = rb_first(&sjf_rq(rq)->tree);
    if (!n)
        return NULL;
    rb_erase(&sjf_rq(rq)->tree, n, NULL);
    rq->nr_queued--;
    return sched_picked(se_of_rb(n));
}

static bool sjf_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    return false;
}

/* The declared time changed: a queued job moves to its new place. */
static void sjf_reweight(struct sched_rq *rq, struct sched_entity *se)
{
    if (!se->on_rq)
        return;
    rb_erase(&sjf_rq(rq)->tree, &se->rb, NULL);
    se->key = sjf_expected(rq, se);
    rb_add(&sjf_rq(rq)->tree, &se->rb, sched_key_less, NULL);
}

/* Alone on the queue a yield changes nothing. */
static void sjf_yield(struct sched_rq *rq, struct sched_entity *curr) {}

const struct sched_policy sched_policy_sjf = {
    .name = "sjf",
    .init = sjf_init,
    .enqueue = sjf_enqueue,
    .dequeue = sjf_dequeue,
    .pick_next = sjf_pick_next,
    .tick = sjf_tick,
    .yield = sjf_yield,
    .reweight = sjf_reweight,
};
