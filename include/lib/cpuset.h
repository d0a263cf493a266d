/*
 * CPU sets: one bit per CPU, in NR_CPUS / 64 words (Linux's cpumask_t).
 * Every set of CPUs the kernel keeps is one: a task's affinity, the
 * isolated and tickless CPUs, the CPUs an address space is loaded on (TLB
 * shootdown targets), the online CPUs.  NR_CPUS is the compile-time upper
 * bound only; the per-CPU data is sized at boot for the CPUs the firmware
 * lists (percpu_setup).  256: QEMU's pc machine offers at most 255 CPUs,
 * and without x2APIC an APIC id is 8 bits with 255 the broadcast
 * (docs/kernel.md, "CPUs").
 *
 * A CPU number outside 0 .. NR_CPUS-1 is never in a set: testing it gives
 * false and setting or clearing it does nothing.  Iteration:
 *     for_each_cpu(c, &set) { ... }
 * visits the members in increasing order; cpuset_next() skips whole empty
 * words, so the cost grows with the words, not with the CPUs.
 * Host-compilable: freestanding C only.  The list parser and the printers
 * are in kernel/lib/cpuset.c.
 */
#ifndef LIB_CPUSET_H
#define LIB_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NR_CPUS 256
#define CPUSET_WORDS (NR_CPUS / 64)

struct cpuset {
    uint64_t bits[CPUSET_WORDS];
};

static inline bool cpuset_valid_cpu(int cpu) { return cpu >= 0 && cpu < NR_CPUS; }
static inline uint64_t cpuset_bit(int cpu) { return 1ULL << (cpu % 64); }

static inline void cpuset_zero(struct cpuset *s)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        s->bits[i] = 0;
}

/* CPUs 0 .. n-1 (n clamped to 0 .. NR_CPUS). */
static inline void cpuset_upto(struct cpuset *s, int n)
{
    for (int i = 0; i < CPUSET_WORDS; i++) {
        int lo = i * 64;
        s->bits[i] = n >= lo + 64 ? ~0ULL : n > lo ? (1ULL << (n - lo)) - 1 : 0;
    }
}

static inline void cpuset_fill(struct cpuset *s) { cpuset_upto(s, NR_CPUS); }

static inline bool cpuset_test(const struct cpuset *s, int cpu)
{
    return cpuset_valid_cpu(cpu) && (s->bits[cpu / 64] & cpuset_bit(cpu));
}

static inline void cpuset_set(struct cpuset *s, int cpu)
{
    if (cpuset_valid_cpu(cpu))
        s->bits[cpu / 64] |= cpuset_bit(cpu);
}

static inline void cpuset_clear(struct cpuset *s, int cpu)
{
    if (cpuset_valid_cpu(cpu))
        s->bits[cpu / 64] &= ~cpuset_bit(cpu);
}

/* Atomic forms, for a set other CPUs read and change at the same time
 * (an address space's loaded-on set): each word is changed atomically,
 * sequentially consistent as the TLB shootdown protocol needs. */
static inline void cpuset_set_atomic(struct cpuset *s, int cpu)
{
    if (cpuset_valid_cpu(cpu))
        __atomic_or_fetch(&s->bits[cpu / 64], cpuset_bit(cpu), __ATOMIC_SEQ_CST);
}

static inline void cpuset_clear_atomic(struct cpuset *s, int cpu)
{
    if (cpuset_valid_cpu(cpu))
        __atomic_and_fetch(&s->bits[cpu / 64], ~cpuset_bit(cpu), __ATOMIC_SEQ_CST);
}

/* A copy of a set other CPUs change, word by word. */
static inline void cpuset_load_atomic(struct cpuset *dst, const struct cpuset *src)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        dst->bits[i] = __atomic_load_n(&src->bits[i], __ATOMIC_SEQ_CST);
}

/* The first member at or after `cpu`, or NR_CPUS if there is none. */
static inline int cpuset_next_from(const struct cpuset *s, int cpu)
{
    if (cpu < 0)
        cpu = 0;
    for (int i = cpu / 64; i < CPUSET_WORDS; i++) {
        uint64_t w = s->bits[i];
        if (i == cpu / 64)
            w &= ~0ULL << (cpu % 64);
        if (w)
            return i * 64 + __builtin_ctzll(w);
    }
    return NR_CPUS;
}

/* The first member, or NR_CPUS if the set is empty. */
static inline int cpuset_first(const struct cpuset *s) { return cpuset_next_from(s, 0); }

/* The first member after `cpu`, or NR_CPUS. */
static inline int cpuset_next(const struct cpuset *s, int cpu)
{
    return cpu + 1 >= NR_CPUS ? NR_CPUS : cpuset_next_from(s, cpu + 1);
}

/* The first member at or after `cpu` going round: after the last member
 * comes the first; NR_CPUS if the set is empty. */
static inline int cpuset_next_wrap(const struct cpuset *s, int cpu)
{
    int c = cpuset_next_from(s, cpu);
    return c < NR_CPUS ? c : cpuset_first(s);
}

#define for_each_cpu(c, s) for (int c = cpuset_first(s); c < NR_CPUS; c = cpuset_next((s), c))

static inline int cpuset_weight(const struct cpuset *s)
{
    int n = 0;
    for (int i = 0; i < CPUSET_WORDS; i++)
        n += __builtin_popcountll(s->bits[i]);
    return n;
}

static inline bool cpuset_empty(const struct cpuset *s)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        if (s->bits[i])
            return false;
    return true;
}

static inline bool cpuset_equal(const struct cpuset *a, const struct cpuset *b)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        if (a->bits[i] != b->bits[i])
            return false;
    return true;
}

/* Whether a and b have a member in common. */
static inline bool cpuset_intersects(const struct cpuset *a, const struct cpuset *b)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        if (a->bits[i] & b->bits[i])
            return true;
    return false;
}

/* dst = a & b, a | b, a & ~b (dst may be a or b). */
static inline void cpuset_and(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        dst->bits[i] = a->bits[i] & b->bits[i];
}

static inline void cpuset_or(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        dst->bits[i] = a->bits[i] | b->bits[i];
}

static inline void cpuset_andnot(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b)
{
    for (int i = 0; i < CPUSET_WORDS; i++)
        dst->bits[i] = a->bits[i] & ~b->bits[i];
}

/* Bit sets of any width as the kernel prints them to user space (CPU sets,
 * NUMA node sets), `nbits` bits of `bits`; each writes at most `cap` bytes
 * including a terminating NUL and returns the length the whole text needs
 * (as snprintf).  The list: "0-3,70,72-80" (empty: ""); the mask: hex in
 * 32-bit groups separated by commas, most significant first, the first
 * group only as wide as the bits left ("3", "ff,ffffffff"), as Linux. */
size_t bitmap_print_list(char *buf, size_t cap, const uint64_t *bits, unsigned nbits);
size_t bitmap_print_mask(char *buf, size_t cap, const uint64_t *bits, unsigned nbits);

/* "1-3,70-80" into *s (Linux's stride form "0-15:2" is not taken): 0, or
 * -1 for text that is not such a list (a range backwards, a stray
 * character), leaving *s empty.  CPUs at or beyond `limit` (NR_CPUS at
 * most) are left out: a list may name more CPUs than this machine has.
 * "" is the empty set. */
int cpuset_parse_list(struct cpuset *s, const char *text, int limit);

#endif
