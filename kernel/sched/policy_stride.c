/*
 * Stride scheduling: the deterministic proportional share.  Each job has a
 * stride = STRIDE1 / tickets and a pass; the job with the lowest pass runs,
 * and for every full slice (stride_slice_ns) it runs its pass grows by its
 * stride (a partial slice by the same fraction of it, with the remainder
 * carried, so nothing is lost).  Ties go to the earlier arrival.  A new job,
 * and a waking one that fell behind, joins at the current minimum pass, so
 * neither can monopolise the CPU to "catch up"; so does one that comes from
 * another CPU's queue, whose passes are not comparable.  Tickets include
 * lent ones.
 * Red-black tree keyed by (pass, sequence): O(log n); pass compares are
 * wrap-safe.
 */
#include <sched/policy.h>
#include <sched/policy_util.h>

#define STRIDE1 (1u << 20)

static uint64_t stride_of(const struct sched_entity *se)
{
    uint64_t t = sched_tickets(se);
    return t >= STRIDE1 ? 1 : STRIDE1 / t;
}

static void stride_charge(struct sched_rq *rq, struct sched_entity *se, uint64_t ns)
{
    uint64_t slice = rq->tun->stride_slice_ns;
    uint64_t num = stride_of(se) * ns + se->key2;
    se->vruntime += num / slice;
    se->key2 = num % slice;
}

/* Keep rq->min_vruntime at the lowest pass among the runnable (never back). */
static void stride_update_min(struct sched_rq *rq, const struct sched_entity *curr)
{
    struct rb_node *first = rb_first(&rq->tree);
    uint64_t v;
    if (curr && first)
        v = sched_vt_min(curr->vruntime, se_of_rb(first)->vruntime);
    else if (curr)
        v = curr->vruntime;
    else if (first)
        v = se_of_rb(first)->vruntime;
    else
        return;
    rq->min_vruntime = sched_vt_max(rq->min_vruntime, v);
}

static void stride_init(struct sched_rq *rq)
{
    rb_root_init(&rq->tree);
    rq->nr_queued = 0;
    rq->total_weight = 0;
    rq->min_vruntime = 0;
    rq->serial = sched_rq_serial_next();
}

static void stride_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    if (why == ENQ_NEW || se->rq_serial != rq->serial) {
        /* new, or from another CPU's queue (whose passes mean nothing here) */
        se->vruntime = rq->min_vruntime;
        se->key2 = 0;
        se->slice_used_ns = 0;
    } else if (why == ENQ_WAKEUP) {
        se->vruntime = sched_vt_max(se->vruntime, rq->min_vruntime);
    }
    se->rq_serial = rq->serial;
    se->seq = rq->seq++;
    se->key = se->vruntime;
    se->weight = (uint32_t)sched_tickets(se);
    rq->total_weight += se->weight;
    rb_add(&rq->tree, &se->rb, sched_vkey_less, NULL);
    rq->nr_queued++;
}

static void stride_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    rb_erase(&rq->tree, &se->rb, NULL);
    rq->total_weight -= se->weight;
    rq->nr_queued--;
}

static struct sched_entity *stride_pick_next(struct sched_rq *rq)
{
    struct rb_node *n = rb_first(&rq->tree);
    if (!n)
        return NULL;
    struct sched_entity *se = se_of_rb(n);
    stride_dequeue(rq, se);
    stride_update_min(rq, se);
    return sched_picked(se);
}

static bool stride_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    stride_charge(rq, curr, delta_ns);
    stride_update_min(rq, curr);
    curr->slice_used_ns += delta_ns;
    if (curr->slice_used_ns < rq->tun->stride_slice_ns)
        return false;
    curr->slice_used_ns = 0;
    return true;
}

/* If the core already queued `curr`, its place follows the new pass. */
static void stride_put_prev(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking)
{
    stride_charge(rq, curr, ran_ns);
    curr->slice_used_ns += ran_ns;
    if (curr->slice_used_ns >= rq->tun->stride_slice_ns)
        curr->slice_used_ns = 0;
    if (curr->on_rq && curr->key != curr->vruntime) {
        rb_erase(&rq->tree, &curr->rb, NULL);
        curr->key = curr->vruntime;
        rb_add(&rq->tree, &curr->rb, sched_vkey_less, NULL);
    }
    stride_update_min(rq, curr->on_rq ? NULL : curr);
}

/* Tickets changed: the stride changes from now on; the pass stays. */
static void stride_reweight(struct sched_rq *rq, struct sched_entity *se)
{
    if (!se->on_rq)
        return;
    uint32_t w = (uint32_t)sched_tickets(se);
    rq->total_weight = rq->total_weight - se->weight + w;
    se->weight = w;
}

const struct sched_policy sched_policy_stride = {
    .name = "stride",
    .init = stride_init,
    .enqueue = stride_enqueue,
    .dequeue = stride_dequeue,
    .pick_next = stride_pick_next,
    .tick = stride_tick,
    .put_prev = stride_put_prev,
    .reweight = stride_reweight,
};
