/*
 * tasks: what process-management calls cost as the number of processes
 * grows.  The program keeps N processes asleep in pause() (one process
 * group of its children) and measures, at N = 10, 1,000 and 30,000:
 *
 *   fork_exit_wait_N   fork(); the child _exit(0)s; the parent waitpid()s
 *   pid_lookup_N       getpgid(pid) of one of the sleepers, a different
 *                      one each call: the kernel's lookup of a pid
 *   proc_list_N        one whole listing of /proc (opendir, readdir to the
 *                      end), the first thing ps and top do
 *   ctxsw_N            pipe ping-pong between two more processes, per
 *                      switch (half a round trip), as bench-ctxsw
 *   wakeup_N           one way of that ping-pong: from just before the
 *                      write to the sleeping reader's return from read(),
 *                      timed by the reader (the wake-up latency)
 *
 * A kernel whose costs do not grow with N shows the same figures in the
 * three columns; a linear scan shows up as figures 100 and 3,000 times
 * the first (the listing is naturally linear in N).
 *
 * The populations are 10, 1,000 and 30,000.  One that does not fit is
 * SKIP with the reason: threads-max too low (run.sh raises it in the
 * guest), too little memory (96 KiB a process is asked for: 30,000 need
 * a 4 GiB guest, which `make bench-tasks` boots), or above
 * BENCH_TASKS_LIMIT when that is set (the host check sets 1000).
 * Progress lines go to the console while the sleepers are made, so the
 * harness sees output.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t *sleepers;
static long nsleepers;
static pid_t group;

static long read_long(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[256];
	long v = -1;
	while (fgets(line, sizeof line, f))
		if (!key) {
			v = strtol(line, NULL, 10);
			break;
		} else if (!strncmp(line, key, strlen(key))) {
			v = strtol(line + strlen(key), NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Grows the sleepers to n; 0, or a negative errno from fork. */
static int grow(long n)
{
	while (nsleepers < n) {
		pid_t c = fork();
		if (c < 0)
			return -errno;
		if (c == 0) {
			for (;;)
				pause();
		}
		if (!group)
			group = c;
		setpgid(c, group);
		sleepers[nsleepers++] = c;
		if (nsleepers % 5000 == 0) {
			printf("tasks: %ld sleeping processes\n", nsleepers);
			fflush(stdout);
		}
	}
	return 0;
}

static int op_lookup(void *arg, long count)
{
	long *next = arg;
	for (long i = 0; i < count; i++) {
		/* a stride prime to any population: every sleeper in turn */
		*next = (*next + 7919) % nsleepers;
		if (getpgid(sleepers[*next]) != group)
			return -ESRCH;
	}
	return 0;
}

static int op_list(void *arg, long count)
{
	long *entries = arg;
	for (long i = 0; i < count; i++) {
		DIR *d = opendir("/proc");
		if (!d)
			return -errno;
		long n = 0;
		while (readdir(d))
			n++;
		closedir(d);
		*entries = n;
	}
	return 0;
}

/* The ping-pong pair: the parent writes its clock into one pipe; the
 * echoing child, asleep in read(), answers how long after that it woke. */
struct pingpong {
	int to, from;
	pid_t child;
};

static int pp_start(struct pingpong *pp)
{
	int a[2], b[2];
	if (pipe(a) < 0)
		return -errno;
	if (pipe(b) < 0) {
		int e = errno;
		close(a[0]), close(a[1]);
		return -e;
	}
	pid_t c = fork();
	if (c < 0) {
		int e = errno;
		close(a[0]), close(a[1]), close(b[0]), close(b[1]);
		return -e;
	}
	if (c == 0) {
		uint64_t t;
		close(a[1]), close(b[0]);
		while (read(a[0], &t, sizeof t) == sizeof t) {
			t = bench_now_ns() - t;
			if (write(b[1], &t, sizeof t) != sizeof t)
				break;
		}
		_exit(0);
	}
	close(a[0]), close(b[1]);
	pp->to = a[1], pp->from = b[0], pp->child = c;
	return 0;
}

static void pp_stop(struct pingpong *pp)
{
	close(pp->to), close(pp->from);
	waitpid(pp->child, NULL, 0);
}

/* count switches: count/2 round trips */
static int op_pingpong(void *arg, long count)
{
	struct pingpong *pp = arg;
	for (long i = 0; i < count / 2; i++) {
		uint64_t t = bench_now_ns();
		if (write(pp->to, &t, sizeof t) != sizeof t || read(pp->from, &t, sizeof t) != sizeof t)
			return -EPIPE;
	}
	return 0;
}

static void measure_pingpong(const char *ctx_name, const char *ctx_what, const char *wake_name,
			     const char *wake_what)
{
	struct pingpong pp;
	int r = pp_start(&pp);
	if (r < 0) {
		bench_error(ctx_name, "fork", -r);
		bench_error(wake_name, "fork", -r);
		return;
	}
	struct bench_spec cs = {ctx_name, ctx_what, 100, 21, 3};
	bench_run(&cs, op_pingpong, &pp);
	enum { WAKES = 201 };
	double ns[WAKES];
	int n = 0;
	for (int i = 0; i < WAKES + 20; i++) {
		uint64_t t = bench_now_ns();
		if (write(pp.to, &t, sizeof t) != sizeof t || read(pp.from, &t, sizeof t) != sizeof t)
			break;
		if (i >= 20)                    /* the first ones warm up */
			ns[n++] = (double)t;
	}
	if (n == WAKES)
		bench_report(wake_name, wake_what, ns, n, NULL);
	else
		bench_error(wake_name, "pipe", EPIPE);
	pp_stop(&pp);
}

/* The measurements at population n. */
static void measure(long n)
{
	char name[5][48], what[5][96];
	snprintf(name[0], sizeof name[0], "fork_exit_wait_%ld", n);
	snprintf(name[1], sizeof name[1], "pid_lookup_%ld", n);
	snprintf(name[2], sizeof name[2], "proc_list_%ld", n);
	snprintf(what[0], sizeof what[0], "fork+_exit+waitpid, %ld processes asleep", n);
	snprintf(what[1], sizeof what[1], "getpgid(pid) of one of %ld processes", n);
	snprintf(what[2], sizeof what[2], "readdir of all /proc, %ld processes", n);
	snprintf(name[3], sizeof name[3], "ctxsw_%ld", n);
	snprintf(name[4], sizeof name[4], "wakeup_%ld", n);
	snprintf(what[3], sizeof what[3], "context switch, pipe ping-pong, %ld processes asleep", n);
	snprintf(what[4], sizeof what[4], "pipe wake-up to run, %ld processes asleep", n);

	const char *limit = getenv("BENCH_TASKS_LIMIT");
	long threads_max = read_long("/proc/sys/kernel/threads-max", NULL);
	long mem_kb = read_long("/proc/meminfo", "MemAvailable:");
	if (mem_kb < 0)
		mem_kb = read_long("/proc/meminfo", "MemFree:");
	char why[128] = "";
	if (limit && *limit && n > strtol(limit, NULL, 10))
		snprintf(why, sizeof why, "above BENCH_TASKS_LIMIT=%s", limit);
	else if (threads_max >= 0 && threads_max < n + 500)
		snprintf(why, sizeof why, "threads-max %ld is below %ld processes", threads_max, n);
	else if (mem_kb >= 0 && mem_kb / 96 < n - nsleepers)
		snprintf(why, sizeof why, "%ld MiB free is too little for %ld processes", mem_kb >> 10, n);
	int r = why[0] ? 0 : grow(n);
	if (r < 0)
		snprintf(why, sizeof why, "fork failed at %ld processes: %s", nsleepers, strerror(-r));
	if (why[0]) {
		for (int i = 0; i < 5; i++)
			bench_skip(name[i], why);
		return;
	}
	struct bench_spec fe = {name[0], what[0], 1, 31, 3};
	struct bench_spec lk = {name[1], what[1], 1000, 21, 2};
	struct bench_spec ls = {name[2], what[2], 1, 7, 1};
	long next = 0, entries = 0;
	bench_run(&fe, bench_fork_exit_wait, NULL);
	bench_run(&lk, op_lookup, &next);
	bench_run(&ls, op_list, &entries);
	measure_pingpong(name[3], what[3], name[4], what[4]);
}

int main(void)
{
	static const long populations[] = {10, 1000, 30000};
	sleepers = calloc(30000, sizeof *sleepers);
	if (!sleepers) {
		bench_error("tasks", "calloc", ENOMEM);
		return 1;
	}
	for (unsigned i = 0; i < sizeof populations / sizeof *populations; i++)
		measure(populations[i]);
	if (group)
		kill(-group, SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}
