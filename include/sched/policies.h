/*
 * The policies the scheduler core can choose from, and the tunables every
 * policy reads.  Each policy is one file, kernel/sched/policy_<name>.c; the
 * table in kernel/sched/policies.c lists them.
 */
#ifndef SCHED_POLICIES_H
#define SCHED_POLICIES_H

#include <sched/policy.h>

extern const struct sched_policy sched_policy_fifo;
extern const struct sched_policy sched_policy_sjf;
extern const struct sched_policy sched_policy_stcf;
extern const struct sched_policy sched_policy_rr;
extern const struct sched_policy sched_policy_mlfq;
extern const struct sched_policy sched_policy_lottery;
extern const struct sched_policy sched_policy_stride;
extern const struct sched_policy sched_policy_fair;
extern const struct sched_policy sched_policy_rt;

/* Every system policy (rt is not one: it is consulted before them), in a
 * fixed order; NULL-terminated. */
extern const struct sched_policy *const sched_policies[];
extern const unsigned sched_policies_count;

/* The policy called `name` (exactly as its .name, or "rt"), or NULL. */
const struct sched_policy *sched_policy_find(const char *name);

/* Fill `t` with the documented defaults (see docs/scheduling.md). */
void sched_tunables_default(struct sched_tunables *t);

/* 0 if every tunable is in range, else -22 (EINVAL). */
int sched_tunables_check(const struct sched_tunables *t);

/* Linux's nice-to-weight table (nice 0 = 1024); nice is clamped to -20..19. */
uint32_t sched_nice_to_weight(int nice);

#define SCHED_MS(x) ((uint64_t)(x) * 1000000ull)
#define SCHED_US(x) ((uint64_t)(x) * 1000ull)

#endif
