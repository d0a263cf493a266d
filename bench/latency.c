/*
 * latency: how late a real-time task runs after the moment it asked for.
 *
 *   cyclic_200us         a SCHED_FIFO 80 process pinned to the last CPU
 *                        sleeps with clock_nanosleep(CLOCK_MONOTONIC,
 *                        TIMER_ABSTIME) to the next multiple of 200 us,
 *                        as cyclictest does; a sample is how long after
 *                        that moment it reads the clock
 *   cyclic_thread_200us  the same loop in a second thread (SCHED_FIFO 80),
 *                        the main thread blocked in join
 *   timerfd_200us        a periodic timerfd (200 us) read by a SCHED_FIFO
 *                        80 task: how long after each expiry the read
 *                        returns
 *   pipe_wake_rt         a SCHED_FIFO 80 reader blocked on a pipe and a
 *                        SCHED_FIFO 10 writer on the same CPU: from the
 *                        writer's clock read just before write() to the
 *                        reader's just after read() returns (the wake-up,
 *                        the preemption and the switch)
 *
 * Each takes BENCH_LAT_N samples (default 2000) after 20 unrecorded ones.
 * Real-time scheduling is set with the system call (musl's
 * sched_setscheduler is a stub); where it is refused every row is a SKIP.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_NS 200000u
#define WARM 20

static int nsamples;
static double *samples;

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int set_fifo(int prio)
{
	struct sched_param sp = {.sched_priority = prio};
	return syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) ? -errno : 0;
}

static void cyclic_loop(void)
{
	uint64_t next = (mono_ns() / PERIOD_NS + 2) * PERIOD_NS;
	for (int i = 0; i < nsamples + WARM; i++) {
		struct timespec ts = {(time_t)(next / 1000000000u), (long)(next % 1000000000u)};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		uint64_t now = mono_ns();
		if (i >= WARM)
			samples[i - WARM] = (double)(now - next);
		next += PERIOD_NS;
		if (next <= now)        /* overran a whole period: start again */
			next = (now / PERIOD_NS + 1) * PERIOD_NS;
	}
}

static void *cyclic_thread(void *arg)
{
	int *err = arg;
	*err = set_fifo(80);
	if (!*err)
		cyclic_loop();
	return NULL;
}

static void timerfd_loop(const char *name)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	if (fd < 0) {
		bench_error(name, "timerfd_create", errno);
		return;
	}
	uint64_t start = (mono_ns() / PERIOD_NS + 2) * PERIOD_NS;
	struct itimerspec its = {{0, PERIOD_NS}, {(time_t)(start / 1000000000u), (long)(start % 1000000000u)}};
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
	uint64_t expiries = 0;
	for (int i = 0; i < nsamples + WARM; i++) {
		uint64_t n;
		if (read(fd, &n, sizeof n) != sizeof n) {
			bench_error(name, "read", errno);
			close(fd);
			return;
		}
		uint64_t now = mono_ns();
		expiries += n;
		uint64_t due = start + (expiries - 1) * PERIOD_NS;
		if (i >= WARM)
			samples[i - WARM] = (double)(now - due);
	}
	close(fd);
	bench_report(name, "timerfd (200 us period): read returns after the expiry", samples, nsamples, NULL);
}

static void pipe_wake(const char *name)
{
	int to_reader[2], back[2];
	if (pipe(to_reader) || pipe(back)) {
		bench_error(name, "pipe", errno);
		return;
	}
	pid_t writer = fork();
	if (writer == 0) {
		set_fifo(10);
		for (int i = 0; i < nsamples + WARM; i++) {
			char c;
			if (read(back[0], &c, 1) != 1)      /* the reader is asleep again */
				_exit(1);
			uint64_t t = mono_ns();
			if (write(to_reader[1], &t, sizeof t) != sizeof t)
				_exit(1);
		}
		_exit(0);
	}
	for (int i = 0; i < nsamples + WARM; i++) {
		uint64_t t;
		if (write(back[1], "x", 1) != 1 || read(to_reader[0], &t, sizeof t) != sizeof t) {
			bench_error(name, "pipe round", errno);
			break;
		}
		uint64_t now = mono_ns();
		if (i >= WARM)
			samples[i - WARM] = (double)(now - t);
	}
	int st;
	waitpid(writer, &st, 0);
	bench_report(name, "SCHED_FIFO 80 reader woken by a FIFO 10 writer's pipe write (same CPU)", samples,
		     nsamples, NULL);
}

int main(void)
{
	const char *n_env = getenv("BENCH_LAT_N");
	nsamples = n_env ? atoi(n_env) : 2000;
	if (nsamples < 10)
		nsamples = 10;
	samples = calloc(nsamples, sizeof *samples);
	int cpu = bench_ncpus() - 1;
	bench_pin(cpu);
	int err = set_fifo(80);
	if (err) {
		const char *names[] = {"cyclic_200us", "cyclic_thread_200us", "timerfd_200us", "pipe_wake_rt"};
		for (int i = 0; i < 4; i++)
			bench_skip(names[i], "no_SCHED_FIFO");
		return 0;
	}
	cyclic_loop();
	bench_report("cyclic_200us", "clock_nanosleep(TIMER_ABSTIME) every 200 us, SCHED_FIFO 80: late by", samples,
		     nsamples, NULL);
	pthread_t th;
	int terr = 0;
	if (pthread_create(&th, NULL, cyclic_thread, &terr) == 0) {
		pthread_join(th, NULL);
		if (terr)
			bench_error("cyclic_thread_200us", "sched_setscheduler in the thread", -terr);
		else
			bench_report("cyclic_thread_200us", "the same loop in a SCHED_FIFO 80 thread: late by", samples,
				     nsamples, NULL);
	} else {
		bench_error("cyclic_thread_200us", "pthread_create", errno);
	}
	timerfd_loop("timerfd_200us");
	pipe_wake("pipe_wake_rt");
	return 0;
}
