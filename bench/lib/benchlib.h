/*
 * benchlib: the measurement core shared by every benchmark program.
 *
 * A benchmark is a function that performs an operation `count` times; the
 * runner times whole batches with CLOCK_MONOTONIC, divides by the batch size,
 * and collects one per-operation figure per batch.  After a warm-up it
 * reports the median, the tail percentiles and the extremes in two forms:
 *
 *   RESULT <name> median_ns=.. p90_ns=.. p99_ns=.. min_ns=.. max_ns=.. n=..
 *   <name>: <description>: median 1.23 us  p90 ...   (human-readable)
 *
 * A measurement whose system call answers ENOSYS (or another "not here"
 * error) prints "SKIP <name> reason=..." instead of failing, so the same
 * binary runs on a kernel that is still growing its system-call table.
 */
#ifndef BENCHLIB_H
#define BENCHLIB_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds (clock_gettime(CLOCK_MONOTONIC)). */
uint64_t bench_now_ns(void);

/* The time-stamp counter; serialised with lfence so it is not hoisted. */
static inline uint64_t bench_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/*
 * TSC ticks per nanosecond, measured against CLOCK_MONOTONIC over about
 * `ms` milliseconds.  Returns 0 if the clock does not move (no usable clock).
 */
double bench_tsc_per_ns(unsigned ms);

/*
 * An operation under test: performs it `count` times and returns 0, or a
 * negative errno when the operation is unavailable or failed (the runner
 * turns -ENOSYS and friends into SKIP, anything else into an ERROR line).
 */
typedef int (*bench_op)(void *arg, long count);

struct bench_spec {
	const char *name;    /* machine name, e.g. "null_syscall" */
	const char *what;    /* human description of one operation */
	long batch;          /* operations per timed batch */
	int samples;         /* timed batches */
	int warmup;          /* untimed batches run first */
};

/*
 * Runs spec->warmup untimed batches, then spec->samples timed batches, and
 * reports per-operation nanoseconds.  Returns 0 on a result, 1 on SKIP,
 * -1 on a failure (already reported).
 */
int bench_run(const struct bench_spec *spec, bench_op op, void *arg);

/*
 * Reports `n` per-operation figures in nanoseconds (sorted in place).
 * `extra` (may be NULL) is appended to the RESULT line verbatim, e.g.
 * "mib_per_s=123.4".
 */
void bench_report(const char *name, const char *what, double *ns, int n,
		  const char *extra);

/* Prints "SKIP <name> reason=<reason>" and the human form. */
void bench_skip(const char *name, const char *reason);

/* Prints "ERROR <name> ..." for an unexpected failure. */
void bench_error(const char *name, const char *what, int err);

/* True for the errors that mean "this kernel does not offer that". */
int bench_is_unavailable(int err);

/*
 * A histogram of many small values (gaps between clock reads): exact below
 * 16, then 16 log-linear steps per power of two, so within 6%.
 */
#define BENCH_HIST_SUB 16
#define BENCH_HIST_BUCKETS (64 * BENCH_HIST_SUB)
struct bench_hist {
	uint64_t n, min, max;
	uint64_t count[BENCH_HIST_BUCKETS];
};

void bench_hist_init(struct bench_hist *h);

/* Bucket of a value: exact below SUB, then SUB steps per power of two. */
static inline unsigned bench_hist_bucket(uint64_t v)
{
	if (v < BENCH_HIST_SUB)
		return (unsigned)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);   /* >= 4 */
	unsigned step = (unsigned)(v >> (msb - 4)) & (BENCH_HIST_SUB - 1);
	return (msb - 3) * BENCH_HIST_SUB + step;
}

/* Inline: it runs in the measuring loops, between two clock reads. */
static inline void bench_hist_add(struct bench_hist *h, uint64_t v)
{
	h->count[bench_hist_bucket(v)]++;
	h->n++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}
/* The smallest value of the bucket holding the p-th percentile (0..100). */
double bench_hist_percentile(const struct bench_hist *h, double p);
/* How many values are at least `v` (to the bucket: within 6%). */
uint64_t bench_hist_at_least(const struct bench_hist *h, double v);
/*
 * Prints the RESULT line of a gap distribution, in ns (values divided by
 * `per_ns`): median_ns p90_ns p99_ns min_ns max_ns n p999_ns p9999_ns, the
 * counts over_1us and over_10us, and `extra` (may be NULL).
 */
void bench_hist_report(const char *name, const struct bench_hist *h,
		       double per_ns, uint64_t over_1us, uint64_t over_10us,
		       const char *extra);

/* Value of the p-th percentile (0..100) of sorted data, by nearest rank. */
double bench_percentile(const double *sorted, int n, double p);

/* Sorts doubles ascending. */
void bench_sort(double *v, int n);

/*
 * A bench_op: `count` times fork(), the child _exit(0)s, the parent
 * waitpid()s it.  0, a negative errno from fork or waitpid, or -ECHILD if
 * a child ended otherwise.  `arg` is unused.
 */
int bench_fork_exit_wait(void *arg, long count);

/*
 * Pins the calling process to `cpu` with sched_setaffinity.  Returns 0 or
 * a negative errno (-ENOSYS where affinity does not exist).
 */
int bench_pin(int cpu);

/* Number of online CPUs per sched_getaffinity, or 1 if unknown. */
int bench_ncpus(void);

/*
 * Scales sample counts: the environment variable BENCH_SCALE (a float,
 * default 1) multiplies every count so a quick run or a careful one uses
 * the same binaries.  Never returns less than 1 (or `min`).
 */
long bench_scaled(long n, long min);

/* Touches every page of [p, p+len) with a write, so it is populated. */
void bench_touch(void *p, size_t len);

/*
 * Runs fn(arg) in a child process of its own and waits at most `timeout_s`
 * seconds for it, so a measurement that hangs or crashes costs only its own
 * figure: the child is killed and "ERROR <name> ..." says what happened
 * (timed out, killed by a signal).  The child's own RESULT/SKIP/ERROR lines
 * are its business.  Call it from a single-threaded process; the child
 * inherits nothing of one measurement's threads or affinity from another.
 * Returns 0 when the child exited with status 0, -1 otherwise.
 */
int bench_in_child(const char *name, void (*fn)(void *), void *arg,
		   unsigned timeout_s);

#endif
