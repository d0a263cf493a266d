/*
 * noise: OS noise seen by a busy CPU (the fixed-work-quantum idea inverted:
 * a fixed time, and every interruption of it recorded).
 *
 * The process pins itself to the last CPU when affinity exists, then spins
 * for a fixed time reading the time-stamp counter.  Between two reads it
 * does nothing, so the gap between consecutive reads is the loop's own cost
 * unless something else ran: a timer tick, an interrupt, another task, an
 * emulator pause.  Every gap goes into benchlib's log-linear histogram (16
 * steps per power of two, so within 6%), and the report gives the
 * distribution of the gaps, the largest, how many exceeded 10 us and the
 * time they took in all.
 *
 * TSC ticks are turned into nanoseconds with a rate measured against
 * CLOCK_MONOTONIC first.  BENCH_NOISE_MS sets the duration (default 2000).
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct bench_hist hist;

int main(void)
{
	const char *name = "os_noise";
	const char *ms_env = getenv("BENCH_NOISE_MS");
	long ms = ms_env ? atol(ms_env) : 2000;
	int ncpu = bench_ncpus();
	int pin = bench_pin(ncpu - 1);

	double tpn = bench_tsc_per_ns(50);
	if (tpn <= 0) {
		bench_skip(name, "the TSC does not advance against CLOCK_MONOTONIC");
		return 0;
	}
	uint64_t limit = (uint64_t)((double)ms * 1e6 * tpn);
	uint64_t thr10 = (uint64_t)(10000.0 * tpn);
	uint64_t thr1 = (uint64_t)(1000.0 * tpn), over1 = 0;
	uint64_t over10 = 0, lost10 = 0;

	bench_hist_init(&hist);
	uint64_t start = bench_rdtsc(), prev = start;
	for (;;) {
		uint64_t now = bench_rdtsc();
		uint64_t gap = now - prev;
		prev = now;
		bench_hist_add(&hist, gap);
		if (gap > thr1)
			over1++;
		if (gap > thr10) {
			over10++;
			lost10 += gap;
		}
		if (now - start >= limit)
			break;
	}
	double span_ns = (double)(prev - start) / tpn;

	printf("  %-24s %ld ms busy loop on CPU %d%s, TSC %.3f ticks/ns, %llu reads\n",
	       name, ms, ncpu - 1, pin < 0 ? " (not pinned)" : "", tpn,
	       (unsigned long long)hist.n);
	char extra[48];
	snprintf(extra, sizeof extra, "lost_10us_ppm=%.1f",
		 (double)lost10 / tpn / span_ns * 1e6);
	bench_hist_report(name, &hist, tpn, over1, over10, extra);
	printf("  %-24s largest gap %.2f us; %llu gaps over 10 us took %.1f us "
	       "in all (%.1f ppm of the run)\n",
	       name, (double)hist.max / tpn / 1e3, (unsigned long long)over10,
	       (double)lost10 / tpn / 1e3,
	       (double)lost10 / tpn / span_ns * 1e6);
	/* The tail of the distribution, by decade of gap length */
	static const double edges[] = {1e3, 1e4, 1e5, 1e6, 1e7};
	for (unsigned e = 0; e < sizeof edges / sizeof edges[0]; e++)
		printf("  %-24s gaps >= %8.0f us: %llu\n", name, edges[e] / 1e3,
		       (unsigned long long)bench_hist_at_least(&hist, edges[e] * tpn));
	fflush(stdout);
	return 0;
}
