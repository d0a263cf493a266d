/*
 * Shortest time-to-completion first (preemptive SJF): run the job with the
 * least remaining time, where remaining = expected run time (declared, or
 * sjf_default_ns) minus the CPU time it has had since it was declared.  A
 * job that arrives or wakes with less remaining time than the running job
 * preempts it (check_preempt).  A job that outlives its declaration has 0
 * remaining and is treated as nearly done.  Red-black tree keyed by
 * (remaining, arrival sequence): O(log n).
 */
#include <sched/policy.h>
#include <sched/policy_util.h>

struct stcf_rq {
    struct rb_root tree;        /* by (time remaining, arrival) */
};
struct stcf_entity {
    uint64_t expected_ns;       /* the expected time remaining_ns counts from */
    uint64_t remaining_ns;      /* expected_ns - run so far (saturates at 0) */
};
SCHED_PRIV_FITS(struct stcf_entity, struct stcf_rq);

static struct stcf_rq *stcf_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct stcf_rq); }
static struct stcf_entity *stcf_se(struct sched_entity *se) { return SCHED_SE_PRIV(se, struct stcf_entity); }

static uint64_t stcf_expected(const struct sched_rq *rq, const struct sched_entity *se)
{
    return se->expected_ns ? se->expected_ns : rq->tun->sjf_default_ns;
}

static void stcf_charge(struct sched_entity *se, uint64_t ns)
{
    struct stcf_entity *e = stcf_se(se);
    e->remaining_ns = e->remaining_ns > ns ? e->remaining_ns - ns : 0;
}

static void stcf_init(struct sched_rq *rq)
{
    rb_root_init(&stcf_rq(rq)->tree);
    rq->nr_queued = 0;
}

static void stcf_task_new(struct sched_rq *rq, struct sched_entity *se, const struct sched_entity *parent)
{
    struct stcf_entity *e = stcf_se(se);
    e->expected_ns = stcf_expected(rq, se);
    e->remaining_ns = e->expected_ns;
}

static void stcf_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    if (why == ENQ_NEW)
        stcf_task_new(rq, se, NULL);
    if (why != ENQ_PREEMPTED && why != ENQ_RESTORE)
        se->seq = rq->seq++;
    se->key = stcf_se(se)->remaining_ns;
    rb_add(&stcf_rq(rq)->tree, &se->rb, sched_key_less, NULL);
    rq->nr_queued++;
}

static void stcf_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    rb_erase(&stcf_rq(rq)->tree, &se->rb, NULL);
    rq->nr_queued--;
}

static struct sched_entity *stcf_pick_next(struct sched_rq *rq)
{
    struct rb_node *n = rb_first(&stcf_rq(rq)->tree);
    if (!n)
        return NULL;
    rb_erase(&stcf_rq(rq)->tree, n, NULL);
    rq->nr_queued--;
    return sched_picked(se_of_rb(n));
}

static bool stcf_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    stcf_charge(curr, delta_ns);
    return false;
}

/* If the core already queued `curr`, its place follows the new remaining time. */
static void stcf_put_prev(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking)
{
    stcf_charge(curr, ran_ns);
    uint64_t left = stcf_se(curr)->remaining_ns;
    if (curr->on_rq && curr->key != left) {
        rb_erase(&stcf_rq(rq)->tree, &curr->rb, NULL);
        curr->key = left;
        rb_add(&stcf_rq(rq)->tree, &curr->rb, sched_key_less, NULL);
    }
}

static bool stcf_check_preempt(struct sched_rq *rq, struct sched_entity *curr, struct sched_entity *woken)
{
    return stcf_se(woken)->remaining_ns < stcf_se(curr)->remaining_ns;
}

/* A new declaration: keep the time already used, change the total. */
static void stcf_reweight(struct sched_rq *rq, struct sched_entity *se)
{
    struct stcf_entity *e = stcf_se(se);
    uint64_t used = e->expected_ns > e->remaining_ns ? e->expected_ns - e->remaining_ns : 0;
    e->expected_ns = stcf_expected(rq, se);
    e->remaining_ns = e->expected_ns > used ? e->expected_ns - used : 0;
    if (!se->on_rq)
        return;
    rb_erase(&stcf_rq(rq)->tree, &se->rb, NULL);
    se->key = e->remaining_ns;
    rb_add(&stcf_rq(rq)->tree, &se->rb, sched_key_less, NULL);
}

/* Alone on the queue a yield changes nothing. */
static void stcf_yield(struct sched_rq *rq, struct sched_entity *curr) {}

const struct sched_policy sched_policy_stcf = {
    .name = "stcf",
    .init = stcf_init,
    .enqueue = stcf_enqueue,
    .dequeue = stcf_dequeue,
    .pick_next = stcf_pick_next,
    .tick = stcf_tick,
    .check_preempt = stcf_check_preempt,
    .task_new = stcf_task_new,
    .put_prev = stcf_put_prev,
    .yield = stcf_yield,
    .reweight = stcf_reweight,
};
