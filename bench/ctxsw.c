/*
 * ctxsw: context-switch cost by pipe ping-pong between two processes.
 *
 * The parent writes one byte into pipe A; the child, blocked reading A,
 * wakes, reads it and writes one byte into pipe B; the parent, blocked
 * reading B, wakes.  One round trip is two switches (plus four pipe calls),
 * so the figure reported is half a round trip, as lmbench's lat_ctx does.
 *
 *   ctxsw_pipe_pinned    both processes pinned to CPU 0 (sched_setaffinity):
 *                        every hand-off is a real switch on one CPU
 *   ctxsw_pipe_unpinned  the scheduler places them; on several CPUs this
 *                        measures a cross-CPU wake-up instead of a switch
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct pingpong {
	int to_child;   /* write end of pipe A */
	int from_child; /* read end of pipe B */
	pid_t child;
};

/* The child echoes every byte until its input pipe closes. */
static void child_loop(int in, int out)
{
	char c;
	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

/* count switches = count/2 round trips (count is even). */
static int op_pingpong(void *arg, long count)
{
	struct pingpong *pp = arg;
	char c = 'x';
	for (long i = 0; i < count / 2; i++) {
		if (write(pp->to_child, &c, 1) != 1)
			return -errno;
		if (read(pp->from_child, &c, 1) != 1)
			return errno ? -errno : -EPIPE;
	}
	return 0;
}

/*
 * Starts the echoing child.  Returns 0, or a negative errno with nothing
 * left behind.
 */
static int start(struct pingpong *pp)
{
	int a[2], b[2];
	if (pipe(a) < 0)
		return -errno;
	if (pipe(b) < 0) {
		int e = errno;
		close(a[0]);
		close(a[1]);
		return -e;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(a[0]); close(a[1]); close(b[0]); close(b[1]);
		return -e;
	}
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		child_loop(a[0], b[1]);
	}
	close(a[0]);
	close(b[1]);
	pp->to_child = a[1];
	pp->from_child = b[0];
	pp->child = pid;
	return 0;
}

static void stop(struct pingpong *pp)
{
	close(pp->to_child);
	close(pp->from_child);
	waitpid(pp->child, NULL, 0);
}

static void measure(const char *name, const char *what)
{
	struct bench_spec spec = {name, what, 200, 101, 5};
	struct pingpong pp;
	int r = start(&pp);
	if (r < 0) {
		if (bench_is_unavailable(-r))
			bench_skip(name, strerror(-r));
		else
			bench_error(name, "pipe/fork", -r);
		return;
	}
	bench_run(&spec, op_pingpong, &pp);
	stop(&pp);
}

int main(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		/* pinned in a child of our own so the unpinned run stays free */
		int r = bench_pin(0);
		if (r < 0) {
			char why[96];
			snprintf(why, sizeof why, "sched_setaffinity: %s", strerror(-r));
			bench_skip("ctxsw_pipe_pinned", why);
			_exit(0);
		}
		measure("ctxsw_pipe_pinned", "pipe ping-pong, 1 CPU, per switch");
		_exit(0);
	}
	if (pid < 0) {
		bench_skip("ctxsw_pipe_pinned", strerror(errno));
		bench_skip("ctxsw_pipe_unpinned", strerror(errno));
		return 0;
	}
	waitpid(pid, NULL, 0);
	char what[64];
	snprintf(what, sizeof what, "pipe ping-pong, %d CPUs, per switch",
		 bench_ncpus());
	measure("ctxsw_pipe_unpinned", what);
	return 0;
}
