/*
 * The MLFQ policy's private state (kernel/sched/policy_mlfq.c), laid over
 * the opaque areas of include/sched/policy.h; here so that the host tests
 * and the simulator's mlfq mode (which prints a job's standing as
 * mlfq.py does) can read it.
 */
#ifndef SCHED_POLICY_MLFQ_H
#define SCHED_POLICY_MLFQ_H

#include <sched/policy.h>

struct mlfq_rq {
    struct list_node levels[SCHED_MLFQ_MAX_LEVELS]; /* levels[0] = highest */
    uint32_t level_mask;        /* bit i = levels[i] non-empty */
    uint64_t last_boost_ns;
    uint64_t boost_epoch;       /* serial << 32 + boosts so far */
};

struct mlfq_entity {
    int level;                  /* its queue (0 = highest) */
    uint64_t slice_used_ns;     /* of the current slice (0 = fresh) */
    uint64_t allot_used_ns;     /* time used at the current level */
    uint64_t boost_epoch;       /* the queue's boost_epoch when last synced */
};

SCHED_PRIV_FITS(struct mlfq_entity, struct mlfq_rq);

static inline struct mlfq_rq *mlfq_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct mlfq_rq); }
static inline struct mlfq_entity *mlfq_se(const struct sched_entity *se)
{
    return SCHED_SE_PRIV(se, struct mlfq_entity);
}

#endif
