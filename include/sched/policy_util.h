/*
 * Small helpers shared by the policy files (kernel/sched/policy_*.c):
 * wrap-safe virtual-time comparison, the effective ticket count and the
 * (key, sequence) tree order.  Header-only so that several
 * policy files can be compiled into one host test program.
 */
#ifndef SCHED_POLICY_UTIL_H
#define SCHED_POLICY_UTIL_H

#include <sched/policy.h>

/* Entity recovery from the embedded links. */
#define se_of_node(n) container_of((n), struct sched_entity, node)
#define se_of_rb(n) container_of((n), struct sched_entity, rb)

/* A fresh identity for a run-queue instance (kernel/sched/policies.c); an
 * entity remembers the one it left, so a wake-up on another CPU, or after a
 * policy switch, is recognised and its virtual time translated. */
uint64_t sched_rq_serial_next(void);

/* pick_next() hands out `se`. */
static inline struct sched_entity *sched_picked(struct sched_entity *se) { return se; }

/* a < b for clocks that may wrap (vruntime, pass). */
static inline bool sched_vt_before(uint64_t a, uint64_t b) { return (int64_t)(a - b) < 0; }
static inline uint64_t sched_vt_max(uint64_t a, uint64_t b) { return sched_vt_before(a, b) ? b : a; }
static inline uint64_t sched_vt_min(uint64_t a, uint64_t b) { return sched_vt_before(a, b) ? a : b; }

/* Tickets that count for lottery and stride: own plus lent, at least 1 so
 * that no runnable entity can be starved forever by a zero share. */
static inline uint64_t sched_tickets(const struct sched_entity *se)
{
    uint64_t t = (uint64_t)se->tickets + se->lent_tickets;
    return t ? t : 1;
}

/* Tree order shared by the (key, seq) trees. */
static inline bool sched_key_less(const struct rb_node *a, const struct rb_node *b)
{
    const struct sched_entity *x = se_of_rb(a), *y = se_of_rb(b);
    if (x->key != y->key)
        return x->key < y->key;
    return x->seq < y->seq;
}

/* The same with a wrapping key (vruntime, pass). */
static inline bool sched_vkey_less(const struct rb_node *a, const struct rb_node *b)
{
    const struct sched_entity *x = se_of_rb(a), *y = se_of_rb(b);
    if (x->key != y->key)
        return sched_vt_before(x->key, y->key);
    return x->seq < y->seq;
}

#endif
