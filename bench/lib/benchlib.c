/*
 * benchlib: timing, statistics and reporting for the benchmark programs.
 *
 * Statistics are order statistics only (median, nearest-rank percentiles,
 * min, max): they need no assumption about the distribution, which under
 * emulation is anything but normal.  Output goes through stdio with an
 * explicit flush per line so a serial console shows progress as it happens.
 */
#define _GNU_SOURCE
#include "benchlib.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double bench_tsc_per_ns(unsigned ms)
{
	uint64_t t0 = bench_now_ns(), c0 = bench_rdtsc();
	uint64_t t1, c1;
	do {
		t1 = bench_now_ns();
	} while (t1 - t0 < (uint64_t)ms * 1000000u);
	c1 = bench_rdtsc();
	if (t1 == t0 || c1 <= c0)
		return 0;
	return (double)(c1 - c0) / (double)(t1 - t0);
}

int bench_is_unavailable(int err)
{
	return err == ENOSYS || err == EOPNOTSUPP || err == ENOTSUP;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void bench_sort(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
}

double bench_percentile(const double *sorted, int n, double p)
{
	if (n <= 0)
		return 0;
	/* nearest rank: the smallest value with at least p% at or below it */
	long rank = (long)((p / 100.0) * n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

void bench_hist_init(struct bench_hist *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

/* Smallest value that lands in bucket b (inverse of bench_hist_bucket). */
static double hist_low(unsigned b)
{
	if (b < BENCH_HIST_SUB)
		return b;
	unsigned msb = b / BENCH_HIST_SUB + 3, step = b % BENCH_HIST_SUB;
	return (double)((uint64_t)(BENCH_HIST_SUB + step) << (msb - 4));
}

double bench_hist_percentile(const struct bench_hist *h, double p)
{
	uint64_t want = (uint64_t)(p / 100.0 * (double)h->n + 0.5), seen = 0;
	if (want < 1)
		want = 1;
	for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= want)
			return hist_low(b);
	}
	return hist_low(BENCH_HIST_BUCKETS - 1);
}

uint64_t bench_hist_at_least(const struct bench_hist *h, double v)
{
	uint64_t cnt = 0;
	for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++)
		if (hist_low(b) >= v)
			cnt += h->count[b];
	return cnt;
}

void bench_hist_report(const char *name, const struct bench_hist *h,
		       double per_ns, uint64_t over_1us, uint64_t over_10us,
		       const char *extra)
{
	printf("RESULT %s median_ns=%.1f p90_ns=%.1f p99_ns=%.1f min_ns=%.1f "
	       "max_ns=%.1f n=%llu p999_ns=%.1f p9999_ns=%.1f over_1us=%llu "
	       "over_10us=%llu%s%s\n",
	       name, bench_hist_percentile(h, 50) / per_ns,
	       bench_hist_percentile(h, 90) / per_ns,
	       bench_hist_percentile(h, 99) / per_ns, (double)h->min / per_ns,
	       (double)h->max / per_ns, (unsigned long long)h->n,
	       bench_hist_percentile(h, 99.9) / per_ns,
	       bench_hist_percentile(h, 99.99) / per_ns,
	       (unsigned long long)over_1us, (unsigned long long)over_10us,
	       extra ? " " : "", extra ? extra : "");
}

/* Formats nanoseconds with a unit a person reads at a glance. */
static const char *human_ns(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.1f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	return buf;
}

void bench_report(const char *name, const char *what, double *ns, int n,
		  const char *extra)
{
	char a[32], b[32], c[32], d[32], e[32];
	bench_sort(ns, n);
	double med = bench_percentile(ns, n, 50), p90 = bench_percentile(ns, n, 90);
	double p99 = bench_percentile(ns, n, 99);
	printf("RESULT %s median_ns=%.1f p90_ns=%.1f p99_ns=%.1f min_ns=%.1f "
	       "max_ns=%.1f n=%d%s%s\n",
	       name, med, p90, p99, ns[0], ns[n - 1], n, extra ? " " : "",
	       extra ? extra : "");
	printf("  %-24s %s: median %s  p90 %s  p99 %s  min %s  max %s  (n=%d)\n",
	       name, what, human_ns(med, a, sizeof a), human_ns(p90, b, sizeof b),
	       human_ns(p99, c, sizeof c), human_ns(ns[0], d, sizeof d),
	       human_ns(ns[n - 1], e, sizeof e), n);
	fflush(stdout);
}

void bench_skip(const char *name, const char *reason)
{
	printf("SKIP %s reason=%s\n  %-24s skipped: %s\n", name, reason, name,
	       reason);
	fflush(stdout);
}

void bench_error(const char *name, const char *what, int err)
{
	printf("ERROR %s %s: %s\n", name, what, strerror(err));
	fflush(stdout);
}

int bench_run(const struct bench_spec *spec, bench_op op, void *arg)
{
	int samples = (int)bench_scaled(spec->samples, 5);
	double *ns = calloc((size_t)samples, sizeof *ns);
	if (!ns) {
		bench_error(spec->name, "calloc", ENOMEM);
		return -1;
	}
	for (int i = 0; i < spec->warmup + samples; i++) {
		uint64_t t0 = bench_now_ns();
		int r = op(arg, spec->batch);
		uint64_t t1 = bench_now_ns();
		if (r < 0) {
			char why[96];
			free(ns);
			if (bench_is_unavailable(-r)) {
				snprintf(why, sizeof why, "%s", strerror(-r));
				bench_skip(spec->name, why);
				return 1;
			}
			bench_error(spec->name, spec->what, -r);
			return -1;
		}
		if (i >= spec->warmup)
			ns[i - spec->warmup] = (double)(t1 - t0) / (double)spec->batch;
	}
	bench_report(spec->name, spec->what, ns, samples, NULL);
	free(ns);
	return 0;
}

int bench_fork_exit_wait(void *arg, long count)
{
	(void)arg;
	for (long i = 0; i < count; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0)
			_exit(0);
		int status;
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return -errno;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return -ECHILD;
	}
	return 0;
}

int bench_pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) < 0)
		return -errno;
	return 0;
}

int bench_ncpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) < 0)
		return 1;
	int n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

long bench_scaled(long n, long min)
{
	const char *s = getenv("BENCH_SCALE");
	double f = s ? atof(s) : 1.0;
	if (f <= 0)
		f = 1.0;
	long v = (long)(n * f + 0.5);
	if (v < min)
		v = min;
	return v < 1 ? 1 : v;
}

void bench_touch(void *p, size_t len)
{
	volatile char *c = p;
	for (size_t off = 0; off < len; off += 4096)
		c[off] = 1;
}

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

/* waitpid for `pid`, given up when SIGALRM arrives; returns waitpid's result */
static pid_t wait_or_alarm(pid_t pid, int *status)
{
	pid_t r = -1;
	while (!alarm_fired) {
		r = waitpid(pid, status, 0);
		if (r >= 0 || errno != EINTR)
			break;
	}
	return alarm_fired && r != pid ? -1 : r;
}

int bench_in_child(const char *name, void (*fn)(void *), void *arg,
		   unsigned timeout_s)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (bench_is_unavailable(e))
			bench_skip(name, strerror(e));
		else
			bench_error(name, "fork", e);
		return -1;
	}
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;   /* no SA_RESTART: waitpid returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm_fired = 0;
	alarm(timeout_s);
	int status = 0, ret = -1;
	pid_t r = wait_or_alarm(pid, &status);
	alarm(0);
	if (r != pid) {
		printf("ERROR %s timed out after %u s; the measurement's process "
		       "was killed\n", name, timeout_s);
		fflush(stdout);
		kill(pid, SIGKILL);
		alarm_fired = 0;
		alarm(10);
		r = wait_or_alarm(pid, &status);
		alarm(0);
		if (r != pid) {
			printf("ERROR %s its process did not end within 10 s of "
			       "SIGKILL\n", name);
			fflush(stdout);
		}
	} else if (WIFSIGNALED(status)) {
		printf("ERROR %s the measurement's process was killed by signal "
		       "%d (%s)\n", name, WTERMSIG(status),
		       strsignal(WTERMSIG(status)));
		fflush(stdout);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ret = 0;
	}
	sigaction(SIGALRM, &old, NULL);
	return ret;
}
