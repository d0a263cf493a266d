/*
 * The fair policy's private state (kernel/sched/policy_fair.c), laid over
 * the opaque areas of include/sched/policy.h; here so that the host tests
 * can look at it.
 */
#ifndef SCHED_POLICY_FAIR_H
#define SCHED_POLICY_FAIR_H

#include <sched/policy.h>

struct fair_rq {
    struct rb_root tree;        /* by (vruntime, arrival), wrap-safe */
    uint64_t min_vruntime;      /* follows the least vruntime, never goes back */
    uint64_t total_weight;      /* of the queued jobs */
    uint64_t serial;            /* this instance (sched_rq_serial_next) */
};

struct fair_entity {
    uint64_t vruntime;          /* weighted virtual runtime */
    uint64_t carry;             /* remainder of the weighting division */
    uint64_t slice_used_ns;     /* of the current slice (0 = fresh) */
    uint64_t rq_serial;         /* serial of the queue it was last on */
    uint64_t vbase;             /* that queue's min_vruntime when it left */
    uint32_t weight;            /* what it adds to total_weight while queued */
};

SCHED_PRIV_FITS(struct fair_entity, struct fair_rq);

static inline struct fair_rq *fair_rq(struct sched_rq *rq) { return SCHED_RQ_PRIV(rq, struct fair_rq); }
static inline struct fair_entity *fair_se(const struct sched_entity *se)
{
    return SCHED_SE_PRIV(se, struct fair_entity);
}

#endif
