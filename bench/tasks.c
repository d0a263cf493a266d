/*
 * tasks: what process-management and scheduling calls cost as the number
 * of processes grows, at N = 10, 1,000 and 30,000.
 *
 * First with N processes asleep (in sigsuspend; one process group of its
 * children):
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
 * Then with N of them runnable on the same CPU as the measuring tasks
 * (everything is pinned to CPU 0): the first N sleepers are woken and spin
 * in user mode for good, at SCHED_IDLE and nice 19, the least CPU each
 * kernel lets a fair task ask for (Linux weighs SCHED_IDLE at 3; Tessera
 * has no separate idle weight and gives them nice 19's, 15).  They sit in
 * the fair class's run queue, so every insertion into it and every pick
 * from it is made among N tasks.  The measuring tasks run at nice -20
 * (weight 88,761), made before any crowd task is woken:
 *
 *   ctxsw_run_N        pipe ping-pong between two nice -20 processes, per
 *                      switch (half a round trip): the pipe calls, the
 *                      wakee's insertion into the fair queue of N + 1 and
 *                      the pick of the next task from it
 *   wakeup_run_N       one way of that ping-pong, timed by the reader
 *   wakeup_rt_N        a SCHED_FIFO 80 reader woken through a pipe by a
 *                      SCHED_FIFO 10 writer: the real-time path alone,
 *                      whose pick never looks at the fair queue, so it must
 *                      not grow with N
 *   wakeup_rt_fair_N   the same reader woken by the nice -20 fair writer,
 *                      which it preempts: the figure includes putting the
 *                      writer back into the fair queue of N, what a
 *                      real-time wake-up on a CPU busy with fair work costs
 *
 * Each runnable figure is one round trip timed on its own (201 after 20 of
 * warm-up), so the rare sample during which the crowd had the CPU (a crowd
 * task runs when the pair's virtual time passes its own, until the next
 * tick) lands in the tail and not in the median.  Before measuring, the
 * woken crowd is let settle: a woken task is placed a little behind the
 * queue's virtual time (the credit both kernels give a sleeper), so each
 * must run once before the pair leads again; the program sleeps 20 us at a
 * time meanwhile, and each wake-up of it preempts the crowd task running,
 * until every crowd task has counted itself in.  The asleep figures come
 * first for every N, so the runnable ones at N = 10 and 1,000 are taken
 * with the rest of the 30,000 still asleep (which, the asleep figures
 * show, costs nothing).
 *
 * A kernel whose costs do not grow with N shows the same figures in the
 * three columns; a linear scan shows up as figures 100 and 3,000 times
 * the first (the listing is naturally linear in N).
 *
 * A population that does not fit is SKIP with the reason: threads-max too
 * low (run.sh raises it in the guest), too little memory (96 KiB a process
 * is asked for: 30,000 need a 4 GiB guest, which `make bench-tasks`
 * boots), or above BENCH_TASKS_LIMIT when that is set (the host check sets
 * 1000).  The runnable rows are SKIP too where nice -20 or SCHED_FIFO is
 * refused.  Progress lines go to the console while the sleepers are made
 * and the crowd settles, so the harness sees output.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TASKS 30000
static const long populations[] = {10, 1000, MAX_TASKS};
#define NPOP (sizeof populations / sizeof *populations)

static pid_t *sleepers;
static long nsleepers;
static pid_t group;
/* Why population i was skipped ("" if it was not): the runnable rows
 * repeat the reason. */
static char skipped[NPOP][128];
/* Sleepers woken to spin so far (the first nrunning), and how many have
 * run since (each counts itself in, in a shared page). */
static long nrunning;
static volatile long *counted;
/* Why CPU 0 could not be had for every task ("" when it was). */
static char pin_failed[96];

static void on_usr1(int sig)
{
	(void)sig;
}

/* sched_setscheduler as a system call (musl's is a stub). */
static int set_sched(pid_t pid, int policy, int prio)
{
	struct sched_param sp = {.sched_priority = prio};
	return syscall(SYS_sched_setscheduler, pid, policy, &sp) ? -errno : 0;
}

/* A sleeper: asleep until SIGUSR1 (blocked but while it waits, so no
 * wake-up is lost), then runnable for good, spinning in user mode. */
static void sleeper(void)
{
	set_sched(0, SCHED_IDLE, 0);
	setpriority(PRIO_PROCESS, 0, 19);
	sigset_t open;
	sigemptyset(&open);
	sigsuspend(&open);
	__atomic_add_fetch(counted, 1, __ATOMIC_RELAXED);
	/* long straight runs: an emulator runs these far faster than a
	 * one-instruction loop, so the crowd costs less wall time */
	for (unsigned long x = 0;;)
		__asm__ volatile(".rept 512\n\tadd $1, %0\n\t.endr" : "+r"(x));
}

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
		if (c == 0)
			sleeper();
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

static int pp_start(struct pingpong *pp, int fifo_prio)
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
	int r = fifo_prio ? set_sched(c, SCHED_FIFO, fifo_prio) : 0;
	if (r < 0) {
		close(pp->to), close(pp->from);
		waitpid(c, NULL, 0);
	}
	return r;
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
	int r = pp_start(&pp, 0);
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

/* The measurements with population pop asleep. */
static void measure(unsigned pop)
{
	long n = populations[pop];
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
		snprintf(skipped[pop], sizeof skipped[pop], "%s", why);
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

/* One way and the round trip of `count` ping-pongs, each timed on its
 * own; `wake` or `switch_ns` may be NULL.  0 or -EPIPE. */
static int pp_samples(struct pingpong *pp, int count, double *wake, double *switch_ns)
{
	for (int i = -20; i < count; i++) {             /* 20 to warm up */
		uint64_t t0 = bench_now_ns(), t = t0;
		if (write(pp->to, &t, sizeof t) != sizeof t || read(pp->from, &t, sizeof t) != sizeof t)
			return -EPIPE;
		uint64_t t1 = bench_now_ns();
		if (i < 0)
			continue;
		if (wake)
			wake[i] = (double)t;
		if (switch_ns)
			switch_ns[i] = (double)(t1 - t0) / 2;
	}
	return 0;
}

/* Wakes sleepers up to n and waits, asleep 20 us at a time, until every
 * one has run; 0, or a negative errno. */
static int make_runnable(long n)
{
	for (; nrunning < n; nrunning++)
		if (kill(sleepers[nrunning], SIGUSR1) < 0)
			return -errno;
	struct timespec step = {0, 20000};
	uint64_t start = bench_now_ns(), said = start;
	while (*counted < n) {
		nanosleep(&step, NULL);
		uint64_t now = bench_now_ns();
		if (now - start > 600 * 1000000000ull)
			return -ETIMEDOUT;
		if (now - said > 1000000000ull) {
			printf("tasks: %ld of %ld runnable processes have run\n", *counted, n);
			fflush(stdout);
			said = now;
		}
	}
	for (int i = 0; i < 100; i++)           /* the last ones' turns */
		nanosleep(&step, NULL);
	return 0;
}

/* The measurements with population pop runnable; fair: the nice -20
 * echo, rt: the FIFO 80 one (child 0 where it could not be made). */
static void measure_runnable(unsigned pop, struct pingpong *fair, struct pingpong *rt, const char *rt_why)
{
	long n = populations[pop];
	enum { CTX, WAKE, RT, RTF, ROWS };
	char name[ROWS][48], what[ROWS][112];
	snprintf(name[CTX], sizeof name[CTX], "ctxsw_run_%ld", n);
	snprintf(name[WAKE], sizeof name[WAKE], "wakeup_run_%ld", n);
	snprintf(name[RT], sizeof name[RT], "wakeup_rt_%ld", n);
	snprintf(name[RTF], sizeof name[RTF], "wakeup_rt_fair_%ld", n);
	snprintf(what[CTX], sizeof what[CTX], "context switch, nice -20 pipe ping-pong, %ld runnable", n);
	snprintf(what[WAKE], sizeof what[WAKE], "pipe wake-up to run, nice -20, %ld runnable", n);
	snprintf(what[RT], sizeof what[RT], "pipe wake-up, FIFO 80 by FIFO 10, %ld runnable", n);
	snprintf(what[RTF], sizeof what[RTF], "pipe wake-up, FIFO 80 by nice -20, %ld runnable", n);

	const char *only = getenv("BENCH_TASKS_RUNNABLE");
	const char *why = skipped[pop][0] ? skipped[pop] : pin_failed[0] ? pin_failed
			  : !fair->child ? "nice -20 or its echo refused"
			  : !(only && *only == '1') ? "runnable_phase_only_in_make_bench-tasks" : NULL;
	char buf[96];
	int r = why ? 0 : make_runnable(n);
	if (r < 0) {
		snprintf(buf, sizeof buf, "making %ld processes runnable: %s", n, strerror(-r));
		why = buf;
	}
	if (why) {
		for (int i = 0; i < ROWS; i++)
			bench_skip(name[i], why);
		return;
	}
	int count = (int)bench_scaled(201, 21);
	double *v[ROWS];
	for (int i = 0; i < ROWS; i++)
		v[i] = calloc((size_t)count, sizeof *v[i]);
	if (!v[0] || !v[1] || !v[2] || !v[3]) {
		for (int i = 0; i < ROWS; i++) {
			bench_error(name[i], "calloc", ENOMEM);
			free(v[i]);
		}
		return;
	}
	if (pp_samples(fair, count, v[WAKE], v[CTX]) < 0) {
		bench_error(name[CTX], "pipe", EPIPE);
		bench_error(name[WAKE], "pipe", EPIPE);
	} else {
		bench_report(name[CTX], what[CTX], v[CTX], count, NULL);
		bench_report(name[WAKE], what[WAKE], v[WAKE], count, NULL);
	}
	if (!rt->child) {
		bench_skip(name[RTF], rt_why);
		bench_skip(name[RT], rt_why);
	} else {
		if (pp_samples(rt, count, v[RTF], NULL) < 0)
			bench_error(name[RTF], "pipe", EPIPE);
		else
			bench_report(name[RTF], what[RTF], v[RTF], count, NULL);
		/* the writer real-time for a moment, then back to nice -20 */
		r = set_sched(0, SCHED_FIFO, 10);
		if (r < 0)
			bench_skip(name[RT], "no_SCHED_FIFO");
		else if (pp_samples(rt, count, v[RT], NULL) < 0)
			bench_error(name[RT], "pipe", EPIPE);
		set_sched(0, SCHED_OTHER, 0);
		setpriority(PRIO_PROCESS, 0, -20);
		if (r == 0)
			bench_report(name[RT], what[RT], v[RT], count, NULL);
	}
	for (int i = 0; i < ROWS; i++)
		free(v[i]);
}

/* The runnable phase: the measuring tasks at nice -20, made before any
 * sleeper is woken (a task made later would be placed behind the crowd). */
static void runnable_phase(void)
{
	struct pingpong fair = {0}, rt = {0};
	char rt_why[96] = "no_SCHED_FIFO";
	if (setpriority(PRIO_PROCESS, 0, -20) < 0 || pp_start(&fair, 0) < 0)
		fair.child = 0;
	int r = fair.child ? pp_start(&rt, 80) : -EPERM;
	if (r < 0) {
		rt.child = 0;
		if (r != -EPERM)
			snprintf(rt_why, sizeof rt_why, "echo: %s", strerror(-r));
	}
	for (unsigned i = 0; i < NPOP; i++)
		measure_runnable(i, &fair, &rt, rt_why);
	if (rt.child)
		pp_stop(&rt);
	if (fair.child)
		pp_stop(&fair);
}

int main(void)
{
	sleepers = calloc(MAX_TASKS, sizeof *sleepers);
	counted = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!sleepers || counted == MAP_FAILED) {
		bench_error("tasks", "calloc", ENOMEM);
		return 1;
	}
	/* SIGUSR1 wakes a sleeper; blocked in every task but while it waits */
	struct sigaction sa = {.sa_handler = on_usr1};
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	/* one CPU's queue holds every task measured and the crowd */
	if (bench_ncpus() > 1) {
		int r = bench_pin(0);
		if (r < 0)
			snprintf(pin_failed, sizeof pin_failed, "sched_setaffinity: %s", strerror(-r));
	}
	for (unsigned i = 0; i < NPOP; i++)
		measure(i);
	runnable_phase();
	if (group)
		kill(-group, SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}
