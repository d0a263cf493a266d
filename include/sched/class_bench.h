/*
 * The scheduling-decision benchmark (kernel/sched/class_bench.c), shared by
 * `make bench-sched`'s host program (tools/schedsim/schedbench.c) and the
 * kernel's own run of it at boot (sched_bench=, kernel/sched/bench.c), so
 * both time the same decisions through the same class layer.
 *
 * A decision is what a CPU does when a slice ends: the running task is
 * charged and given back (sched_class_put_prev, ENQ_PREEMPTED) and the
 * next one is picked (sched_class_pick).  SCHED_BENCH_CPUS CPUs decide in
 * turn; one task in SCHED_BENCH_PIN_EVERY is pinned to one of them.
 *   MQMS: one class queue per CPU, the tasks spread evenly (a pinned task
 *         on its CPU's queue); a CPU decides on its own queue.
 *   SQMS: one queue for every task; a pick passes over the tasks pinned to
 *         other CPUs, as the kernel's shared queue does.
 * No lock is taken: the figures are the decision's code and memory, not the
 * contention for a shared lock (which the kernel's counters measure).
 */
#ifndef SCHED_CLASS_BENCH_H
#define SCHED_CLASS_BENCH_H

#include <sched/class.h>

#define SCHED_BENCH_CPUS 4
#define SCHED_BENCH_PIN_EVERY 16

/* Where the benchmark gets memory and time. */
struct sched_bench_env {
    void *(*zalloc)(size_t size);   /* zeroed, or NULL */
    void (*release)(void *p);
    uint64_t (*clock_ns)(void);
};

/* Nanoseconds that `iters` decisions took with `ntasks` runnable tasks under
 * policy `p` ("rt": every task real-time), after iters/10 to warm up;
 * `single`: SQMS, else MQMS.  0 if the memory could not be had. */
uint64_t sched_bench_decisions(const struct sched_bench_env *env, const struct sched_policy *p, unsigned ntasks,
                               bool single, unsigned iters);

#endif
