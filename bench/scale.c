/*
 * scale: fork+exit+wait throughput with 1, 2, 4, ... concurrent forkers, up
 * to the number of CPUs, for `make bench-scale` (bench/scale.py boots it on
 * 1 to 64 CPUs).
 *
 *   fork_forkers_K   K processes, each forking a child that _exit(0)s and
 *                    waiting for it, over and over, for a fixed time; the
 *                    figure is the wall time per fork+exit+wait of all K
 *                    together (total time / total forks), with
 *                    forks_per_s=... on the RESULT line
 *
 * A kernel whose fork path scales shows the time per fork falling as K
 * grows, down to a floor set by the CPUs QEMU really has (TCG runs the
 * virtual CPUs on the host's cores); one serialised by a global lock keeps
 * it flat from K = 1.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAMPLES 5

/* One forker: fork+exit+wait until the deadline, at least one batch of 8
 * even if it started late (a virtual CPU descheduled for the whole round:
 * the round then lasts longer, and the figure is still time over forks);
 * returns how many, or a negative errno. */
static long forker(uint64_t deadline)
{
	long n = 0;
	do {
		int r = bench_fork_exit_wait(NULL, 8);
		if (r < 0)
			return r;
		n += 8;
	} while (bench_now_ns() < deadline);
	return n;
}

/* K forkers for ms milliseconds: wall ns per fork, or a negative errno.
 * counts[0 .. k-1] are the forkers' counts; counts[MAXK] the start time,
 * set once all are forked, so that all start together however long the
 * forks took. */
#define MAXK 255
static double round_of(int k, unsigned ms, long *counts)
{
	pid_t pids[MAXK];
	volatile long *go = &counts[MAXK];
	*go = 0;
	for (int i = 0; i < k; i++) {
		counts[i] = 0;
		pids[i] = fork();
		if (pids[i] < 0)
			return -errno;
		if (pids[i] == 0) {
			while (!*go)
				sched_yield();
			uint64_t start = (uint64_t)*go;
			while (bench_now_ns() < start)
				;
			long n = forker(start + (uint64_t)ms * 1000000ull);
			counts[i] = n;
			_exit(n < 0 ? (int)(-n & 0x7f) : 0);   /* the errno */
		}
	}
	uint64_t start = bench_now_ns() + 5000000ull;
	*go = (long)start;
	int bad = 0;
	for (int i = 0; i < k; i++) {
		int st;
		if (waitpid(pids[i], &st, 0) < 0) {
			printf("fork_forkers_%d: waitpid of forker %d: %s\n", k, i, strerror(errno));
			bad = 1;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			if (WIFSIGNALED(st))
				printf("fork_forkers_%d: forker %d killed by signal %d\n", k, i, WTERMSIG(st));
			else
				printf("fork_forkers_%d: forker %d: %s\n", k, i, strerror(WEXITSTATUS(st)));
			bad = 1;
		}
	}
	uint64_t took = bench_now_ns() - start;
	long total = 0;
	for (int i = 0; i < k; i++)
		total += counts[i];
	if (!bad && total <= 0)
		printf("fork_forkers_%d: no fork completed in %u ms\n", k, ms);
	if (bad || total <= 0)
		return -EIO;
	return (double)took / (double)total;
}

int main(void)
{
	int ncpus = bench_ncpus();
	/* the children's counts, in memory they share with this process */
	long *counts = mmap(NULL, 256 * sizeof(long), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		bench_error("fork_forkers", "mmap", errno);
		return 1;
	}
	unsigned ms = (unsigned)bench_scaled(300, 100);
	for (int k = 1; k <= ncpus && k <= MAXK; k *= 2) {
		char name[48], what[96], extra[64];
		snprintf(name, sizeof name, "fork_forkers_%d", k);
		snprintf(what, sizeof what, "fork+exit+wait, %d concurrent forkers, wall time per fork", k);
		double ns[SAMPLES];
		int n = 0, err = 0;
		for (int s = 0; s < SAMPLES + 1; s++) {
			double r = round_of(k, ms, counts);
			if (r < 0) {
				err = (int)-r;
				break;
			}
			if (s > 0)              /* the first round warms up */
				ns[n++] = r;
		}
		if (err) {
			bench_error(name, "fork", err);
			continue;
		}
		bench_sort(ns, n);
		snprintf(extra, sizeof extra, "forks_per_s=%.0f", 1e9 / ns[n / 2]);
		bench_report(name, what, ns, n, extra);
	}
	return 0;
}
