/*
 * Fair scheduling by weighted virtual runtime, in the manner of Linux's CFS.
 * Each job's weight comes from its nice value through Linux's table (nice 0
 * = 1024, each step about 1.25x); running for t ns advances its vruntime by
 * t * 1024 / weight, and the job with the least vruntime runs.  Within the
 * target latency (fair_latency_ns, stretched to nr * min_granularity when
 * there are too many jobs) each job gets a slice proportional to its weight,
 * never below fair_min_granularity_ns.
 *
 * Placement: rq->min_vruntime follows the smallest vruntime of the runnable
 * jobs and never goes back.  A new job starts at min_vruntime; a waking one
 * at its own vruntime or min_vruntime minus half the latency, whichever is
 * later (a bounded credit for sleeping, as CFS's gentle sleepers), so a long
 * sleep earns no monopoly.  A waking job preempts the running one if it is
 * behind by more than fair_wakeup_granularity_ns (in its own virtual time).
 * A job that last ran on another CPU's queue keeps its lag relative to that
 * queue's min_vruntime (bounded), since the two virtual clocks differ.
 * A yielding job goes behind every queued one.  Red-black tree keyed by
 * (vruntime, sequence), wrap-safe: O(log n).
 */
#include <sched/policies.h>
#include <sched/policy.h>
#include <sched/policy_fair.h>
#include <sched/policy_util.h>

#define NICE_0_WEIGHT 1024

/* Linux's sched_prio_to_weight[], nice -20 .. 19. */
static const uint32_t fair_nice_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

uint32_t sched_nice_to_weight(int nice)
{
    if (nice < -20)
        nice = -20;
    if (nice > 19)
        nice = 19;
    return fair_nice_weight[nice + 20];
}

/* vruntime += ns * 1024 / weight, with the remainder carried. */
static void fair_charge(struct sched_entity *se, uint64_t ns)
{
    struct fair_entity *e = fair_se(se);
    uint32_t w = sched_nice_to_weight(se->nice);
    uint64_t num = ns * NICE_0_WEIGHT + e->carry;
    e->vruntime += num / w;
    e->carry = num % w;
}

static void fair_update_min(struct sched_rq *rq, const struct sched_entity *curr)
{
    struct fair_rq *q = fair_rq(rq);
    struct rb_node *first = rb_first(&q->tree);
    uint64_t v;
    if (curr && first)
        v = sched_vt_min(fair_se(curr)->vruntime, fair_se(se_of_rb(first))->vruntime);
    else if (curr)
        v = fair_se(curr)->vruntime;
    else if (first)
        v = fair_se(se_of_rb(first))->vruntime;
    else
        return;
    q->min_vruntime = sched_vt_max(q->min_vruntime, v);
}

/* The wall-clock slice `curr` is entitled to in this latency period. */
static uint64_t fair_ideal_slice(struct sched_rq *rq, const struct sched_entity *curr)
{
    const struct sched_tunables *t = rq->tun;
    uint64_t nr = rq->nr_queued + 1, gran = t->fair_min_granularity_ns;
    uint64_t period = t->fair_latency_ns;
    if (gran && nr > period / gran)
        period = nr * gran;
    uint64_t w = sched_nice_to_weight(curr->nice);
    uint64_t slice = period * w / (fair_rq(rq)->total_weight + w);
    return slice > gran ? slice : gran;
}

static void fair_init(struct sched_rq *rq)
{
    struct fair_rq *q = fair_rq(rq);
    rb_root_init(&q->tree);
    rq->nr_queued = 0;
    q->total_weight = 0;
    q->min_vruntime = 0;
    q->serial = sched_rq_serial_next();
}

/* `se` leaves this queue (blocks, or is dequeued to move): remember where
 * it stood relative to the queue's virtual clock. */
static void fair_leave(struct sched_rq *rq, struct sched_entity *se)
{
    fair_se(se)->rq_serial = fair_rq(rq)->serial;
    fair_se(se)->vbase = fair_rq(rq)->min_vruntime;
}

/* An entity from another CPU's queue (or an earlier instance) keeps its lag
 * behind or ahead of that queue's min_vruntime, bounded to [-latency/2,
 * +latency], instead of an absolute vruntime from a different clock. */
static void fair_translate(struct sched_rq *rq, struct sched_entity *se)
{
    struct fair_entity *e = fair_se(se);
    int64_t lag = (int64_t)(e->vruntime - e->vbase);
    int64_t lo = -(int64_t)(rq->tun->fair_latency_ns / 2), hi = (int64_t)rq->tun->fair_latency_ns;
    lag = lag < lo ? lo : lag > hi ? hi : lag;
    e->vruntime = fair_rq(rq)->min_vruntime + (uint64_t)lag;
}

static void fair_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    struct fair_rq *q = fair_rq(rq);
    struct fair_entity *e = fair_se(se);
    if (why != ENQ_NEW && e->rq_serial != q->serial)
        fair_translate(rq, se);
    e->rq_serial = q->serial;
    if (why == ENQ_NEW) {
        e->vruntime = q->min_vruntime;
        e->carry = 0;
    } else if (why == ENQ_WAKEUP) {
        uint64_t credit = rq->tun->fair_latency_ns / 2;
        e->vruntime = sched_vt_max(e->vruntime, q->min_vruntime - credit);
    } else if (why == ENQ_YIELD) {
        struct rb_node *last = rb_last(&q->tree);
        if (last)
            e->vruntime = sched_vt_max(e->vruntime, fair_se(se_of_rb(last))->vruntime);
    }
    se->seq = rq->seq++;
    se->key = e->vruntime;
    e->weight = sched_nice_to_weight(se->nice);
    q->total_weight += e->weight;
    rb_add(&q->tree, &se->rb, sched_vkey_less, NULL);
    rq->nr_queued++;
}

static void fair_unqueue(struct sched_rq *rq, struct sched_entity *se)
{
    rb_erase(&fair_rq(rq)->tree, &se->rb, NULL);
    fair_rq(rq)->total_weight -= fair_se(se)->weight;
    rq->nr_queued--;
}

static void fair_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    fair_unqueue(rq, se);
    fair_leave(rq, se);
}

static struct sched_entity *fair_pick_next(struct sched_rq *rq)
{
    struct rb_node *n = rb_first(&fair_rq(rq)->tree);
    if (!n)
        return NULL;
    struct sched_entity *se = se_of_rb(n);
    fair_unqueue(rq, se);
    fair_update_min(rq, se);
    fair_se(se)->slice_used_ns = 0;
    return sched_picked(se);
}

/* Preempt when the slice is used, or when the leftmost waiter has fallen
 * behind the running job by more than a slice. */
static bool fair_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    struct fair_entity *e = fair_se(curr);
    fair_charge(curr, delta_ns);
    e->slice_used_ns += delta_ns;
    fair_update_min(rq, curr);
    if (!rq->nr_queued)
        return false;
    uint64_t ideal = fair_ideal_slice(rq, curr);
    if (e->slice_used_ns >= ideal)
        return true;
    if (e->slice_used_ns < rq->tun->fair_min_granularity_ns)
        return false;
    const struct sched_entity *first = se_of_rb(rb_first(&fair_rq(rq)->tree));
    return (int64_t)(e->vruntime - fair_se(first)->vruntime) > (int64_t)ideal;
}

/* If the core already queued `curr`, its place follows the new vruntime. */
static void fair_put_prev(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking)
{
    struct fair_entity *e = fair_se(curr);
    fair_charge(curr, ran_ns);
    e->slice_used_ns += ran_ns;
    if (curr->on_rq && curr->key != e->vruntime) {
        rb_erase(&fair_rq(rq)->tree, &curr->rb, NULL);
        curr->key = e->vruntime;
        rb_add(&fair_rq(rq)->tree, &curr->rb, sched_vkey_less, NULL);
    }
    fair_update_min(rq, curr->on_rq ? NULL : curr);
    if (blocking)
        fair_leave(rq, curr);
}

/* Alone on the queue: a fresh slice, as being picked again would give. */
static void fair_yield(struct sched_rq *rq, struct sched_entity *curr)
{
    fair_update_min(rq, curr);
    fair_se(curr)->slice_used_ns = 0;
}

static bool fair_check_preempt(struct sched_rq *rq, struct sched_entity *curr, struct sched_entity *woken)
{
    uint64_t gran = rq->tun->fair_wakeup_granularity_ns * NICE_0_WEIGHT / sched_nice_to_weight(woken->nice);
    return (int64_t)(fair_se(curr)->vruntime - fair_se(woken)->vruntime) > (int64_t)gran;
}

static void fair_task_new(struct sched_rq *rq, struct sched_entity *se, const struct sched_entity *parent)
{
    struct fair_entity *e = fair_se(se);
    e->vruntime = fair_rq(rq)->min_vruntime;
    e->carry = 0;
    /* no lag: should it wake on another CPU's queue, it joins at that one's clock */
    e->rq_serial = fair_rq(rq)->serial;
    e->vbase = e->vruntime;
}

/* nice changed: a queued job's share of the total changes now; a running
 * one is charged at the new weight from its next tick. */
static void fair_reweight(struct sched_rq *rq, struct sched_entity *se)
{
    if (!se->on_rq)
        return;
    struct fair_entity *e = fair_se(se);
    uint32_t w = sched_nice_to_weight(se->nice);
    fair_rq(rq)->total_weight = fair_rq(rq)->total_weight - e->weight + w;
    e->weight = w;
}

const struct sched_policy sched_policy_fair = {
    .name = "fair",
    .init = fair_init,
    .enqueue = fair_enqueue,
    .dequeue = fair_dequeue,
    .pick_next = fair_pick_next,
    .tick = fair_tick,
    .check_preempt = fair_check_preempt,
    .task_new = fair_task_new,
    .put_prev = fair_put_prev,
    .yield = fair_yield,
    .reweight = fair_reweight,
};
