/*
 * The lottery policy's private state (kernel/sched/policy_lottery.c), laid
 * over the opaque areas of include/sched/policy.h; here so that the host
 * tests can look at it.
 */
#ifndef SCHED_POLICY_LOTTERY_H
#define SCHED_POLICY_LOTTERY_H

#include <sched/policy.h>

struct lottery_rq {
    struct rb_root tree;        /* in arrival order, augmented with ticket sums */
    uint64_t total_tickets;     /* of the queued jobs */
    uint64_t rng_state[4];      /* xoshiro256** */
};

struct lottery_entity {
    uint64_t slice_used_ns;
    uint64_t tree_sum;          /* tickets in this node's subtree */
    uint32_t tickets;           /* what it adds to total_tickets while queued */
};

SCHED_PRIV_FITS(struct lottery_entity, struct lottery_rq);

static inline struct lottery_rq *lottery_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct lottery_rq); }
static inline struct lottery_entity *lottery_se(const struct sched_entity *se)
{
    return SCHED_SE_PRIV(se, struct lottery_entity);
}

#endif
