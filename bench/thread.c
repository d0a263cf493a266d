/*
 * thread: the cost of threads and of the hand-offs between them.
 *
 *   thread_create_join     pthread_create of a thread that returns at once,
 *                          then pthread_join; per pair.  With musl this is
 *                          mmap of the stack, clone, the thread's exit with
 *                          its CLONE_CHILD_CLEARTID futex wake, and munmap.
 *   futex_wake_xcpu        one way, across CPUs: a waiter pinned to CPU 1
 *                          sleeps in FUTEX_WAIT; the waker, pinned to CPU 0,
 *                          reads CLOCK_MONOTONIC, stores the word and calls
 *                          FUTEX_WAKE; the waiter reads the clock as soon as
 *                          FUTEX_WAIT returns.  One sample is one wake: the
 *                          store to the waiter running, including the idle
 *                          CPU's wake-up and one clock read.  A round in
 *                          which the waiter was not yet asleep (FUTEX_WAIT
 *                          said EAGAIN) is not counted, and the waker waits
 *                          longer before the next store.  Needs 2 CPUs:
 *                          with one it prints SKIP.
 *   futex_pingpong_pinned  two threads pinned to CPU 0 hand a futex word to
 *                          each other (store, FUTEX_WAKE, FUTEX_WAIT until
 *                          it comes back); per hand-off, i.e. half a round
 *                          trip: one wake plus one switch, the futex twin of
 *                          ctxsw_pipe_pinned.  This is the figure for one CPU.
 *   mutex_pingpong         two threads, placed by the scheduler, hand a turn
 *                          back and forth under a pthread mutex with a
 *                          condition variable; per round trip (two
 *                          hand-offs).
 *
 * Each measurement runs in a child process of its own with a time limit
 * (bench_in_child), so a hang prints ERROR and the others still run.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* from <linux/futex.h>, which a musl toolchain need not have */
#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)

/* per measurement: a loaded host can make a cross-CPU hand-off under TCG
 * cost milliseconds, and the harness gives up after 60 s of silence */
#define TIMEOUT_S 50
#define SPIN_LIMIT_NS 10000000000ull   /* a partner silent for 10 s is lost */

static long futex_wait(atomic_int *w, int val)
{
	return syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static long futex_wake(atomic_int *w, int n)
{
	return syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

/* Waits while *w == val; 0, or a negative errno other than EAGAIN/EINTR. */
static int wait_while(atomic_int *w, int val)
{
	while (atomic_load(w) == val)
		if (futex_wait(w, val) < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
	return 0;
}

/* SKIP (returns 1) when this kernel has no futex at all. */
static int no_futex(const char *name)
{
	atomic_int w = 0;
	if (futex_wake(&w, 1) < 0 && bench_is_unavailable(errno)) {
		char why[96];
		snprintf(why, sizeof why, "futex: %s", strerror(errno));
		bench_skip(name, why);
		return 1;
	}
	return 0;
}

/* pthread_create's error as SKIP or ERROR. */
static void create_failed(const char *name, int err)
{
	char why[96];
	snprintf(why, sizeof why, "pthread_create: %s", strerror(err));
	if (bench_is_unavailable(err))
		bench_skip(name, why);
	else
		bench_error(name, "pthread_create", err);
}

/* ---------------------------------------------------- create + join */

static void *trivial(void *arg)
{
	return arg;
}

static int op_create_join(void *arg, long count)
{
	(void)arg;
	for (long i = 0; i < count; i++) {
		pthread_t t;
		int r = pthread_create(&t, NULL, trivial, NULL);
		if (r)
			return -r;
		r = pthread_join(t, NULL);
		if (r)
			return -r;
	}
	return 0;
}

static void create_join(void *unused)
{
	(void)unused;
	static const struct bench_spec spec = {
		"thread_create_join", "pthread_create+pthread_join, trivial thread",
		5, 101, 3};
	bench_run(&spec, op_create_join, NULL);
}

/* ------------------------------------------- futex wake across CPUs */

struct xwake {
	atomic_int word;        /* the futex: 0 wait, 1 go */
	atomic_int ready;       /* last round the waiter announced */
	atomic_int done;        /* last round the waiter finished */
	atomic_int slept;       /* did that round's FUTEX_WAIT block */
	atomic_int stop;
	atomic_int err;         /* the waiter's failure, as a negative errno */
	_Atomic uint64_t t_store, lat;
	int on_cpu;             /* CPU the waiter found itself on, or -1 */
};

static void *xwake_waiter(void *arg)
{
	struct xwake *x = arg;
	int r = bench_pin(1);
	if (r < 0) {
		atomic_store(&x->err, r);
		atomic_store(&x->ready, -1);
		return NULL;
	}
	x->on_cpu = sched_getcpu();
	for (int round = 1;; round++) {
		int slept = 0;
		atomic_store(&x->ready, round);
		while (atomic_load(&x->word) == 0) {
			if (futex_wait(&x->word, 0) == 0)
				slept = 1;
			else if (errno == EAGAIN)
				slept = 0;
			else if (errno != EINTR) {
				atomic_store(&x->err, -errno);
				atomic_store(&x->done, round);
				return NULL;
			}
		}
		uint64_t t = bench_now_ns();
		if (atomic_load(&x->stop))
			return NULL;
		atomic_store(&x->lat, t - atomic_load(&x->t_store));
		atomic_store(&x->slept, slept);
		atomic_store(&x->word, 0);
		atomic_store(&x->done, round);
	}
}

/* Spins until *v == want; 0, or -1 after SPIN_LIMIT_NS or on *v < 0. */
static int spin_until(atomic_int *v, int want)
{
	uint64_t t0 = bench_now_ns();
	for (unsigned i = 0;; i++) {
		int cur = atomic_load(v);
		if (cur == want)
			return 0;
		if (cur < 0)
			return -1;
		if ((i & 1023) == 0 && bench_now_ns() - t0 > SPIN_LIMIT_NS)
			return -1;
	}
}

static void xwake(void *unused)
{
	(void)unused;
	const char *name = "futex_wake_xcpu";
	int ncpus = bench_ncpus();
	if (ncpus < 2) {
		bench_skip(name, "needs 2 CPUs, this machine has 1");
		return;
	}
	if (no_futex(name))
		return;
	int r = bench_pin(0);
	if (r < 0) {
		char why[96];
		snprintf(why, sizeof why, "sched_setaffinity: %s", strerror(-r));
		bench_skip(name, why);
		return;
	}
	static struct xwake x;
	pthread_t t;
	r = pthread_create(&t, NULL, xwake_waiter, &x);
	if (r) {
		create_failed(name, r);
		return;
	}
	int warmup = 20, samples = (int)bench_scaled(201, 5), got = 0, missed = 0;
	double *ns = calloc((size_t)samples, sizeof *ns);
	uint64_t delay = 20000;          /* ns the waiter gets to fall asleep */
	int round;
	for (round = 1; got < warmup + samples; round++) {
		if (spin_until(&x.ready, round) < 0)
			goto lost;
		if (round == 1) {
			int me = sched_getcpu();
			if (me >= 0 && x.on_cpu >= 0 && me == x.on_cpu) {
				char why[96];
				snprintf(why, sizeof why, "pinned threads share CPU %d",
					 me);
				bench_error(name, why, EINVAL);
				_exit(1);
			}
		}
		uint64_t t0 = bench_now_ns();
		while (bench_now_ns() - t0 < delay)
			;
		atomic_store(&x.t_store, bench_now_ns());
		atomic_store(&x.word, 1);
		if (futex_wake(&x.word, 1) < 0) {
			bench_error(name, "FUTEX_WAKE", errno);
			_exit(1);
		}
		if (spin_until(&x.done, round) < 0)
			goto lost;
		if (atomic_load(&x.err))
			goto lost;
		if (!atomic_load(&x.slept)) {
			/* the store beat the waiter to sleep: wait longer */
			if (got >= warmup)
				missed++;
			if (delay < 10000000)
				delay *= 2;
			if (missed > samples)
				break;
			continue;
		}
		if (got >= warmup)
			ns[got - warmup] = (double)atomic_load(&x.lat);
		got++;
	}
	if (got < warmup + samples) {
		bench_error(name, "the waiter was rarely asleep at the store", EAGAIN);
		_exit(1);
	}
	char extra[64];
	snprintf(extra, sizeof extra, "not_asleep=%d delay_ns=%llu", missed,
		 (unsigned long long)delay);
	bench_report(name, "store+FUTEX_WAKE on CPU 0 to waiter running on CPU 1",
		     ns, samples, extra);
	atomic_store(&x.stop, 1);
	spin_until(&x.ready, round);
	atomic_store(&x.word, 1);
	futex_wake(&x.word, 1);
	pthread_join(t, NULL);
	free(ns);
	return;
lost:
	r = atomic_load(&x.err);
	if (r < 0 && bench_is_unavailable(-r)) {
		char why[96];
		snprintf(why, sizeof why, "waiter: %s", strerror(-r));
		bench_skip(name, why);
	} else if (r < 0) {
		bench_error(name, "waiter", -r);
	} else {
		bench_error(name, "waiter silent for 10 s", ETIMEDOUT);
	}
	_exit(1);   /* the waiter may be stuck: exit_group ends it */
}

/* ------------------------------------------- futex ping-pong, 1 CPU */

struct pingpong {
	atomic_int word;        /* 1: the partner's turn, 0: the main thread's */
	atomic_int stop;
	atomic_int err;
};

static void *pp_partner(void *arg)
{
	struct pingpong *p = arg;
	for (;;) {
		int r = wait_while(&p->word, 0);
		if (r < 0) {
			atomic_store(&p->err, r);
			return NULL;
		}
		if (atomic_load(&p->stop))
			return NULL;
		atomic_store(&p->word, 0);
		futex_wake(&p->word, 1);
	}
}

/* count hand-offs = count/2 round trips */
static int op_pingpong(void *arg, long count)
{
	struct pingpong *p = arg;
	for (long i = 0; i < count / 2; i++) {
		atomic_store(&p->word, 1);
		if (futex_wake(&p->word, 1) < 0)
			return -errno;
		int r = wait_while(&p->word, 1);
		if (r < 0)
			return r;
		if (atomic_load(&p->err))
			return atomic_load(&p->err);
	}
	return 0;
}

static void pingpong(void *unused)
{
	(void)unused;
	const char *name = "futex_pingpong_pinned";
	if (no_futex(name))
		return;
	int r = bench_pin(0);        /* the partner inherits it */
	if (r < 0) {
		char why[96];
		snprintf(why, sizeof why, "sched_setaffinity: %s", strerror(-r));
		bench_skip(name, why);
		return;
	}
	static struct pingpong p;
	pthread_t t;
	r = pthread_create(&t, NULL, pp_partner, &p);
	if (r) {
		create_failed(name, r);
		return;
	}
	static const struct bench_spec spec = {
		"futex_pingpong_pinned",
		"futex hand-off between 2 threads on CPU 0, per hand-off",
		200, 101, 5};
	if (bench_run(&spec, op_pingpong, &p) != 0)
		_exit(1);   /* the partner may be stuck: exit_group ends it */
	atomic_store(&p.stop, 1);
	atomic_store(&p.word, 1);
	futex_wake(&p.word, 1);
	pthread_join(t, NULL);
}

/* ---------------------------------------- mutex + condvar ping-pong */

struct mutexpp {
	pthread_mutex_t m;
	pthread_cond_t c;
	int turn;               /* 1: the partner's turn */
	int stop;
};

static void *mp_partner(void *arg)
{
	struct mutexpp *p = arg;
	pthread_mutex_lock(&p->m);
	for (;;) {
		while (p->turn == 0 && !p->stop)
			pthread_cond_wait(&p->c, &p->m);
		if (p->stop)
			break;
		p->turn = 0;
		pthread_cond_signal(&p->c);
	}
	pthread_mutex_unlock(&p->m);
	return NULL;
}

static int op_mutex(void *arg, long count)
{
	struct mutexpp *p = arg;
	pthread_mutex_lock(&p->m);
	for (long i = 0; i < count; i++) {
		p->turn = 1;
		pthread_cond_signal(&p->c);
		while (p->turn == 1)
			pthread_cond_wait(&p->c, &p->m);
	}
	pthread_mutex_unlock(&p->m);
	return 0;
}

static void mutex_pingpong(void *unused)
{
	(void)unused;
	const char *name = "mutex_pingpong";
	static struct mutexpp p = {PTHREAD_MUTEX_INITIALIZER,
				   PTHREAD_COND_INITIALIZER, 0, 0};
	pthread_t t;
	int r = pthread_create(&t, NULL, mp_partner, &p);
	if (r) {
		create_failed(name, r);
		return;
	}
	char what[96];
	snprintf(what, sizeof what,
		 "mutex+condvar hand-off, 2 threads, %d CPUs, per round trip",
		 bench_ncpus());
	struct bench_spec spec = {name, what, 50, 101, 5};
	bench_run(&spec, op_mutex, &p);
	pthread_mutex_lock(&p.m);
	p.stop = 1;
	pthread_cond_signal(&p.c);
	pthread_mutex_unlock(&p.m);
	pthread_join(t, NULL);
}

int main(void)
{
	bench_in_child("thread_create_join", create_join, NULL, TIMEOUT_S);
	bench_in_child("futex_wake_xcpu", xwake, NULL, TIMEOUT_S);
	bench_in_child("futex_pingpong_pinned", pingpong, NULL, TIMEOUT_S);
	bench_in_child("mutex_pingpong", mutex_pingpong, NULL, TIMEOUT_S);
	return 0;
}
