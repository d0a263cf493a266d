/*
 * Multi-level feedback queue, with the book's five rules:
 *   1. a higher level runs before a lower one (level 0 is the highest);
 *   2. jobs in the same level take turns (round robin, per-level slice);
 *   3. a new job starts at the top;
 *   4. once a job has used its allotment at a level it moves down one level,
 *      however often it gave up the CPU on the way (anti-gaming accounting);
 *      with mlfq_antigaming off, the older rules 4a/4b apply instead: using
 *      a whole allotment demotes, but giving the CPU up (blocking or
 *      yielding) resets the job's slice and allotment, which a job can game;
 *   5. every mlfq_boost_ns all jobs move to the top.
 *
 * Levels are lists plus a bitmap of non-empty levels, so pick_next is O(1).
 * The boost cannot have its own timer (hooks run under the run-queue lock),
 * so every hook first checks rq->now_ns against the boost period.  A boost
 * splices the lower lists onto the top one (O(levels)) and bumps an epoch;
 * each entity is reset to the top lazily, the next time a hook sees it with
 * an old epoch, so a boost never walks the jobs (running and blocked ones
 * included).  A job preempted by a higher level before its slice ended goes
 * back to the front of its level and finishes that slice.
 */
#include <sched/policy.h>
#include <sched/policy_mlfq.h>
#include <sched/policy_util.h>

static int mlfq_nlevels(const struct sched_rq *rq)
{
    int n = rq->tun->mlfq_levels;
    return n < 1 ? 1 : n > SCHED_MLFQ_MAX_LEVELS ? SCHED_MLFQ_MAX_LEVELS : n;
}

static void mlfq_reset(struct sched_rq *rq, struct sched_entity *se, int level)
{
    struct mlfq_entity *e = mlfq_se(se);
    e->level = level;
    e->slice_used_ns = 0;
    e->allot_used_ns = 0;
    e->boost_epoch = mlfq_rq(rq)->boost_epoch;
}

static void mlfq_sync(struct sched_rq *rq, struct sched_entity *se)
{
    if (mlfq_se(se)->boost_epoch != mlfq_rq(rq)->boost_epoch)
        mlfq_reset(rq, se, 0);
}

static void mlfq_splice_tail(struct list_node *dst, struct list_node *src)
{
    if (list_empty(src))
        return;
    struct list_node *first = src->next, *last = src->prev;
    first->prev = dst->prev;
    dst->prev->next = first;
    last->next = dst;
    dst->prev = last;
    list_init(src);
}

static bool mlfq_maybe_boost(struct sched_rq *rq)
{
    struct mlfq_rq *q = mlfq_rq(rq);
    uint64_t period = rq->tun->mlfq_boost_ns;
    if (!period || rq->now_ns - q->last_boost_ns < period)
        return false;
    q->last_boost_ns += (rq->now_ns - q->last_boost_ns) / period * period;
    q->boost_epoch++;
    for (int i = SCHED_MLFQ_MAX_LEVELS - 1; i >= 1; i--)
        if (q->level_mask & (1u << i))
            mlfq_splice_tail(&q->levels[0], &q->levels[i]);
    q->level_mask = q->level_mask ? 1u : 0u;
    return true;
}

static bool mlfq_charge(struct sched_rq *rq, struct sched_entity *se, uint64_t ns)
{
    const struct sched_tunables *t = rq->tun;
    struct mlfq_entity *e = mlfq_se(se);
    e->slice_used_ns += ns;
    e->allot_used_ns += ns;
    if (e->allot_used_ns >= t->mlfq_allot_ns[e->level]) {
        int bottom = mlfq_nlevels(rq) - 1;
        mlfq_reset(rq, se, e->level < bottom ? e->level + 1 : bottom);
        return true;
    }
    if (e->slice_used_ns >= t->mlfq_slice_ns[e->level]) {
        e->slice_used_ns = 0;
        return true;
    }
    return false;
}

static void mlfq_init(struct sched_rq *rq)
{
    struct mlfq_rq *q = mlfq_rq(rq);
    for (int i = 0; i < SCHED_MLFQ_MAX_LEVELS; i++)
        list_init(&q->levels[i]);
    q->level_mask = 0;
    rq->nr_queued = 0;
    q->last_boost_ns = rq->now_ns;
    /* Epochs of different instances never match, so a job that comes from
     * another CPU or an earlier MLFQ starts afresh at the top. */
    q->boost_epoch = sched_rq_serial_next() << 32;
}

static void mlfq_task_new(struct sched_rq *rq, struct sched_entity *se, const struct sched_entity *parent)
{
    mlfq_reset(rq, se, 0); /* rule 3 */
}

/* What joining the queue means for `se`, before it is linked: a boost it
 * missed, the level it is at, and (rules 4a/4b) a yield's fresh allotment. */
static void mlfq_prepare(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    struct mlfq_entity *e = mlfq_se(se);
    mlfq_maybe_boost(rq);
    if (why == ENQ_NEW)
        mlfq_reset(rq, se, 0);
    else
        mlfq_sync(rq, se);
    if (e->level >= mlfq_nlevels(rq)) /* the number of levels shrank */
        mlfq_reset(rq, se, mlfq_nlevels(rq) - 1);
    if (why == ENQ_YIELD && !rq->tun->mlfq_antigaming)
        e->slice_used_ns = e->allot_used_ns = 0; /* rule 4b */
}

static void mlfq_enqueue(struct sched_rq *rq, struct sched_entity *se, enum sched_enq_reason why)
{
    struct mlfq_rq *q = mlfq_rq(rq);
    struct mlfq_entity *e = mlfq_se(se);
    mlfq_prepare(rq, se, why);
    struct list_node *l = &q->levels[e->level];
    se->seq = rq->seq++;
    if ((why == ENQ_PREEMPTED && e->slice_used_ns > 0) || why == ENQ_RESTORE ||
        (why == ENQ_WAKEUP && rq->tun->mlfq_iobump))
        list_push_front(l, &se->node);
    else
        list_push_back(l, &se->node);
    q->level_mask |= 1u << e->level;
    rq->nr_queued++;
}

static void mlfq_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
    struct mlfq_rq *q = mlfq_rq(rq);
    mlfq_sync(rq, se); /* a boosted entity sits in the top list */
    list_remove(&se->node);
    if (list_empty(&q->levels[mlfq_se(se)->level]))
        q->level_mask &= ~(1u << mlfq_se(se)->level);
    rq->nr_queued--;
}

static struct sched_entity *mlfq_pick_next(struct sched_rq *rq)
{
    struct mlfq_rq *q = mlfq_rq(rq);
    mlfq_maybe_boost(rq);
    if (!q->level_mask)
        return NULL;
    int level = __builtin_ctz(q->level_mask);
    struct sched_entity *se = se_of_node(list_pop_front(&q->levels[level]));
    if (list_empty(&q->levels[level]))
        q->level_mask &= ~(1u << level);
    rq->nr_queued--;
    mlfq_sync(rq, se);
    return sched_picked(se);
}

static bool mlfq_tick(struct sched_rq *rq, struct sched_entity *curr, uint64_t now_ns, uint64_t delta_ns)
{
    mlfq_sync(rq, curr);
    bool resched = mlfq_charge(rq, curr, delta_ns);
    if (mlfq_maybe_boost(rq)) {
        /* The running job is boosted too; if it was below the top it joins
         * the back of the top level. */
        if (mlfq_se(curr)->level > 0)
            resched = true;
        mlfq_reset(rq, curr, 0);
    }
    /* Rule 1 also holds if a boost or a tunable change put work above us. */
    if (mlfq_rq(rq)->level_mask & ((1u << mlfq_se(curr)->level) - 1))
        resched = true;
    return resched;
}

/* If the core already queued `curr` and the charge demotes it, it moves to
 * the tail of its new level. */
static void mlfq_put_prev(struct sched_rq *rq, struct sched_entity *curr, uint64_t ran_ns, bool blocking)
{
    struct mlfq_rq *q = mlfq_rq(rq);
    mlfq_sync(rq, curr);
    int old = mlfq_se(curr)->level;
    if (ran_ns)
        mlfq_charge(rq, curr, ran_ns);
    int level = mlfq_se(curr)->level;
    if (curr->on_rq && level != old) {
        list_remove(&curr->node);
        if (list_empty(&q->levels[old]))
            q->level_mask &= ~(1u << old);
        list_push_back(&q->levels[level], &curr->node);
        q->level_mask |= 1u << level;
    }
    if (blocking && !rq->tun->mlfq_antigaming)
        mlfq_se(curr)->slice_used_ns = mlfq_se(curr)->allot_used_ns = 0; /* rule 4b */
}

/* Alone on the queue: what joining it and being picked again would do. */
static void mlfq_yield(struct sched_rq *rq, struct sched_entity *curr) { mlfq_prepare(rq, curr, ENQ_YIELD); }

static int mlfq_level(const struct sched_entity *se) { return *(const volatile int *)&mlfq_se(se)->level; }

static bool mlfq_check_preempt(struct sched_rq *rq, struct sched_entity *curr, struct sched_entity *woken)
{
    mlfq_sync(rq, curr);
    mlfq_sync(rq, woken);
    return mlfq_se(woken)->level < mlfq_se(curr)->level;
}

const struct sched_policy sched_policy_mlfq = {
    .name = "mlfq",
    .init = mlfq_init,
    .enqueue = mlfq_enqueue,
    .dequeue = mlfq_dequeue,
    .pick_next = mlfq_pick_next,
    .tick = mlfq_tick,
    .check_preempt = mlfq_check_preempt,
    .task_new = mlfq_task_new,
    .put_prev = mlfq_put_prev,
    .yield = mlfq_yield,
    .level = mlfq_level,
};
