/*
 * The table of scheduling policies, lookup by name, and the tunables'
 * defaults and validation.  The defaults (also in docs/scheduling.md):
 *
 *   rr_slice_ns              10 ms
 *   mlfq_levels              3
 *   mlfq_slice_ns            10, 20, 40 ms (level 0 = highest); deeper
 *                            levels, if mlfq_levels is raised, double again
 *   mlfq_allot_ns            two slices per level: 20, 40, 80 ms
 *   mlfq_boost_ns            1 s
 *   mlfq_antigaming          on (rule 4; off = the gameable rules 4a/4b)
 *   mlfq_iobump              off
 *   lottery_seed             1
 *   lottery_slice_ns         10 ms
 *   stride_slice_ns          10 ms
 *   fair_latency_ns          6 ms    (Linux's sched_latency)
 *   fair_min_granularity_ns  0.75 ms (Linux's sched_min_granularity)
 *   fair_wakeup_granularity_ns 1 ms  (Linux's sched_wakeup_granularity)
 *   sjf_default_ns           100 ms
 *   rt_rr_slice_ns           100 ms  (Linux's sched_rr_timeslice)
 */
#include <sched/policies.h>
#include <sched/policy_util.h>

#define EINVAL_ 22
#define SCHED_TUNABLE_MAX (1ull << 40) /* ~18 min: keeps products in 64 bits */

const struct sched_policy *const sched_policies[] = {
    &sched_policy_fifo,    &sched_policy_sjf,    &sched_policy_stcf,
    &sched_policy_rr,      &sched_policy_mlfq,   &sched_policy_lottery,
    &sched_policy_stride,  &sched_policy_fair,   NULL,
};
const unsigned sched_policies_count = sizeof(sched_policies) / sizeof(sched_policies[0]) - 1;

uint64_t sched_rq_serial_next(void)
{
    static uint64_t serial;
    return __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED);
}

static bool sched_name_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

const struct sched_policy *sched_policy_find(const char *name)
{
    if (!name)
        return NULL;
    for (unsigned i = 0; i < sched_policies_count; i++)
        if (sched_name_eq(name, sched_policies[i]->name))
            return sched_policies[i];
    if (sched_name_eq(name, sched_policy_rt.name))
        return &sched_policy_rt;
    return NULL;
}

void sched_tunables_default(struct sched_tunables *t)
{
    *t = (struct sched_tunables){0};
    t->rr_slice_ns = SCHED_MS(10);
    t->mlfq_levels = 3;
    for (int i = 0; i < SCHED_MLFQ_MAX_LEVELS; i++) {
        t->mlfq_slice_ns[i] = SCHED_MS(10) << (i < 6 ? i : 6);
        t->mlfq_allot_ns[i] = 2 * t->mlfq_slice_ns[i];
    }
    t->mlfq_boost_ns = SCHED_MS(1000);
    t->mlfq_antigaming = true;
    t->mlfq_iobump = false;
    t->lottery_seed = 1;
    t->lottery_slice_ns = SCHED_MS(10);
    t->stride_slice_ns = SCHED_MS(10);
    t->fair_latency_ns = SCHED_MS(6);
    t->fair_min_granularity_ns = SCHED_US(750);
    t->fair_wakeup_granularity_ns = SCHED_MS(1);
    t->sjf_default_ns = SCHED_MS(100);
    t->rt_rr_slice_ns = SCHED_MS(100);
}

static bool sched_in_range(uint64_t v) { return v > 0 && v <= SCHED_TUNABLE_MAX; }

int sched_tunables_check(const struct sched_tunables *t)
{
    if (!sched_in_range(t->rr_slice_ns) || !sched_in_range(t->lottery_slice_ns) ||
        !sched_in_range(t->stride_slice_ns) || !sched_in_range(t->sjf_default_ns) ||
        !sched_in_range(t->rt_rr_slice_ns))
        return -EINVAL_;
    if (t->mlfq_levels < 1 || t->mlfq_levels > SCHED_MLFQ_MAX_LEVELS)
        return -EINVAL_;
    for (int i = 0; i < t->mlfq_levels; i++)
        if (!sched_in_range(t->mlfq_slice_ns[i]) || !sched_in_range(t->mlfq_allot_ns[i]))
            return -EINVAL_;
    if (t->mlfq_boost_ns > SCHED_TUNABLE_MAX)
        return -EINVAL_;
    if (!sched_in_range(t->fair_latency_ns) || !sched_in_range(t->fair_min_granularity_ns) ||
        t->fair_min_granularity_ns > t->fair_latency_ns ||
        t->fair_wakeup_granularity_ns > t->fair_latency_ns)
        return -EINVAL_;
    return 0;
}
