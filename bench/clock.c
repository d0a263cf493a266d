/*
 * clock: what reading the clock costs, and how evenly the reads come.
 *
 *   clock_gettime          clock_gettime(CLOCK_MONOTONIC) through libc: musl
 *                          calls the vDSO where the kernel maps one, the
 *                          system call otherwise; batches of 1000
 *   clock_gettime_syscall  the same clock through syscall(2), always the
 *                          kernel's path; batches of 1000
 *   clock_gap              a busy loop of libc clock_gettime(CLOCK_MONOTONIC)
 *                          reads on the last CPU (pinned where possible) for
 *                          BENCH_CLOCK_MS (default 1000 ms); every difference
 *                          between two consecutive readings goes into
 *                          benchlib's histogram: its median is the cost of a
 *                          read as the clock itself sees it, the tail what
 *                          interrupted the loop (as bench-noise, but through
 *                          the clock a program would use)
 *   nanosleep_<N>us        how late nanosleep(N us) returns (elapsed minus N,
 *                          measured with CLOCK_MONOTONIC) for N = 1, 50, 200:
 *                          a normal task, whose sleeps may end up to its timer
 *                          slack late (50 us by default on Linux and Tessera)
 *   nanosleep_<N>us_fifo   the same as SCHED_FIFO 50, which sleeps without
 *                          slack: the timer's own precision (skipped where
 *                          real-time scheduling is refused)
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct bench_hist hist;

static int op_libc(void *arg, long count)
{
	(void)arg;
	struct timespec ts;
	for (long i = 0; i < count; i++)
		if (clock_gettime(CLOCK_MONOTONIC, &ts))
			return -errno;
	return 0;
}

static int op_syscall(void *arg, long count)
{
	(void)arg;
	struct timespec ts;
	for (long i = 0; i < count; i++)
		if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts))
			return -errno;
	return 0;
}

static uint64_t read_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void gaps(void)
{
	const char *name = "clock_gap";
	const char *ms_env = getenv("BENCH_CLOCK_MS");
	long ms = ms_env ? atol(ms_env) : 1000;
	int ncpu = bench_ncpus();
	int pin = bench_pin(ncpu - 1);
	uint64_t over1 = 0, over10 = 0;

	bench_hist_init(&hist);
	uint64_t start = read_ns(), prev = start, limit = (uint64_t)ms * 1000000u;
	for (;;) {
		uint64_t now = read_ns();
		uint64_t gap = now - prev;
		prev = now;
		bench_hist_add(&hist, gap);
		over1 += gap > 1000;
		over10 += gap > 10000;
		if (now - start >= limit)
			break;
	}
	printf("  %-24s %ld ms of clock_gettime(CLOCK_MONOTONIC) on CPU %d%s, %llu reads\n",
	       name, ms, ncpu - 1, pin < 0 ? " (not pinned)" : "", (unsigned long long)hist.n);
	bench_hist_report(name, &hist, 1.0, over1, over10, NULL);
	printf("  %-24s gap between reads: median %.0f ns  p99 %.0f ns  p99.99 %.0f ns  largest %.2f us  "
	       "over 1 us: %llu  over 10 us: %llu\n",
	       name, bench_hist_percentile(&hist, 50), bench_hist_percentile(&hist, 99),
	       bench_hist_percentile(&hist, 99.99), (double)hist.max / 1e3, (unsigned long long)over1,
	       (unsigned long long)over10);
	fflush(stdout);
}

static void sleeps(const char *suffix)
{
	static const long us[] = {1, 50, 200};
	enum { N = 200 };
	static double late[N];
	for (unsigned k = 0; k < sizeof us / sizeof us[0]; k++) {
		char name[48], what[96];
		snprintf(name, sizeof name, "nanosleep_%ldus%s", us[k], suffix);
		snprintf(what, sizeof what, "how late nanosleep(%ld us) returns%s", us[k],
			 *suffix ? " (SCHED_FIFO)" : "");
		struct timespec req = {0, us[k] * 1000};
		for (int i = 0; i < N + 5; i++) {
			uint64_t t0 = read_ns();
			if (nanosleep(&req, NULL)) {
				bench_error(name, "nanosleep", errno);
				return;
			}
			uint64_t d = read_ns() - t0;
			if (i >= 5)             /* the first few warm up */
				late[i - 5] = (double)(d - (uint64_t)us[k] * 1000);
		}
		bench_report(name, what, late, N, NULL);
	}
}

int main(void)
{
	static const struct bench_spec libc_spec = {
		"clock_gettime", "clock_gettime(CLOCK_MONOTONIC) via libc", 1000, 101, 5};
	static const struct bench_spec sys_spec = {
		"clock_gettime_syscall", "syscall(SYS_clock_gettime, CLOCK_MONOTONIC)", 1000, 101, 5};

	bench_run(&libc_spec, op_libc, NULL);
	bench_run(&sys_spec, op_syscall, NULL);
	gaps();
	sleeps("");
	struct sched_param sp = {.sched_priority = 50};
	/* the system call: musl's sched_setscheduler is a stub (ENOSYS) */
	if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == 0) {
		sleeps("_fifo");
	} else {
		bench_skip("nanosleep_1us_fifo", "no_SCHED_FIFO");
		bench_skip("nanosleep_50us_fifo", "no_SCHED_FIFO");
		bench_skip("nanosleep_200us_fifo", "no_SCHED_FIFO");
	}
	return 0;
}
