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

struct stride_rq {
    struct rb_root tree;        /* by (pass, arrival), wrap-safe */
    uint64_t min_pass;          /* global pass: the least pass, never going back */
    uint64_t total_tickets;     /* of the queued jobs */
    uint64_t serial;            /* this instance (sched_rq_serial_next) */
};
struct stride_entity {
    uint64_t pass;
    uint64_t carry;             /* remainder of the pass division */
    uint64_t slice_used_ns;
    uint64_t rq_serial;         /* serial of the queue it was last on */
    uint32_t tickets;           /* what it adds to total_tickets while queued */
};
SCHED_PRIV_FITS(struct stride_entity, struct stride_rq);

static struct stride_rq *stride_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct stride_rq); }
static struct stride_entity *stride_se(const struct sched_entity *se)
{
    return SCHED_SE_PRIV(se, struct stride_entity);
}

static uint64_t stride_of(const struct sched_entity *se)
{
    uint64_t t = sched_tickets(se);
    return t >= STRIDE1 ? 1 : STRIDE1 / t;
}

static void stride_charge(struct sched_rq *rq, struct sched_entity *se, uint64_t ns)
{
    struct stride_entity *e = stride_se(se);
    uint64_t slice = rq->tun->stride_slice_ns;
    uint64_t num = stride_of(se) * ns + e->carry;
    e->pass += num / slice;
    e->carry = num % slice;
}

/* The global pass follows the least pass of the queued jobs and `curr`. */
static void stride_update_min(struct sched_rq *rq, const struct sched_entity *curr)
{
    struct stride_rq *q = stride_rq(rq);
    struct rb_node *first = rb_first(&q->tree);
    uint64_t v;
    if (curr && first)
        v = sched_vt_min(stride_se(curr)->pass, stride_se(se_of_rb(first))->pass);
    else if (curr)
        v = stride_se(curr)->pass;
    else if (first)
        v = stride_se(se_of_rb(first))->pass;
    else
        return;
    q->min_pass = sched_vt_max(q->min_pass, v);
}

static void stride_init(struct sched_rq *rq)
{
    struct stride_rq *q = stride_rq(rq);
    rb_root_init(&q->tree);
    rq->nr_queued = 0;
    q->total_tickets = 0;
    q->min_pass = 0;
    q->serial = sched_rq_serial_next();
}

static void stride_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    struct stride_rq *q = stride_rq(rq);
    struct stride_entity *e = stride_se(se);
    if (why == ENQ_NEW || e->rq_serial != q->serial) {
        /* new, or from another CPU's queue (whose passes mean nothing here) */
        e->pass = q->min_pass;
        e->carry = 0;
        e->slice_used_ns = 0;
    } else if (why == ENQ_WAKEUP) {
        e->pass = sched_vt_max(e->pass, q->min_pass);
    }
    e->rq_serial = q->serial;
    se->seq = rq->seq++;
    se->key = e->pass;
    e->tickets = (uint32_t)sched_tickets(se);
    q->total_tickets += e->tickets;
    rb_add(&q->tree, &se->rb, sched_vkey_less, NULL);
    rq->nr_queued++;
}

static void stride_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    struct stride_rq *q = stride_rq(rq);
    rb_erase(&q->tree, &se->rb, NULL);
    q->total_tickets -= stride_se(se)->tickets;
    rq->nr_queued--;
}

static struct sched_entity *stride_pick_next(struct sched_rq *rq)
{
    struct rb_node *n = rb_first(&stride_rq(rq)->tree);
    if (!n)
        return NULL;
    struct sched_entity *se = se_of_rb(n);
    stride_dequeue(rq, se);
    stride_update_min(rq, se);
    return sched_picked(se);
}

static bool stride_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    struct stride_entity *e = stride_se(curr);
    stride_charge(rq, curr, delta_ns);
    stride_update_min(rq, curr);
    e->slice_used_ns += delta_ns;
    if (e->slice_used_ns < rq->tun->stride_slice_ns)
        return false;
    e->slice_used_ns = 0;
    return true;
}

static void stride_put_prev(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking)
{
    struct stride_entity *e = stride_se(curr);
    stride_charge(rq, curr, ran_ns);
    e->slice_used_ns += ran_ns;
    if (e->slice_used_ns >= rq->tun->stride_slice_ns)
        e->slice_used_ns = 0;
    if (curr->on_rq && curr->key != e->pass) {     /* queued already: follow the new pass */
        rb_erase(&stride_rq(rq)->tree, &curr->rb, NULL);
        curr->key = e->pass;
        rb_add(&stride_rq(rq)->tree, &curr->rb, sched_vkey_less, NULL);
    }
    stride_update_min(rq, curr->on_rq ? NULL : curr);
}

static void stride_reweight(struct sched_rq *rq, struct sched_entity *se)
{
    if (!se->on_rq)
        return;
    struct stride_entity *e = stride_se(se);
    uint32_t t = (uint32_t)sched_tickets(se);
    stride_rq(rq)->total_tickets = stride_rq(rq)->total_tickets - e->tickets + t;
    e->tickets = t;
}

/* Alone on the queue: the global pass catches up with it, as a pick would. */
static void stride_yield(struct sched_rq *rq, struct sched_entity *curr) { stride_update_min(rq, curr); }

const struct sched_policy sched_policy_stride = {
    .name = "stride",
    .by_tickets = true,
    .init = stride_init,
    .enqueue = stride_enqueue,
    .dequeue = stride_dequeue,
    .pick_next = stride_pick_next,
    .tick = stride_tick,
    .put_prev = stride_put_prev,
    .yield = stride_yield,
    .reweight = stride_reweight,
};
