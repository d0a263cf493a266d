/*
 * syscall: the cost of entering and leaving the kernel.
 *
 *   null_syscall     getppid(): the classic "null" call, real but trivial work
 *   unknown_syscall  syscall number 500, which no kernel implements: the bare
 *                    entry, table bounds check and exit, answered with ENOSYS
 *   sched_yield      sched_yield() with nothing else runnable on this CPU
 *
 * Every call goes through syscall(2) so no C library can cache or shortcut it.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UNKNOWN_NR 500

static int op_getppid(void *arg, long count)
{
	(void)arg;
	for (long i = 0; i < count; i++)
		if (syscall(SYS_getppid) < 0)
			return -errno;
	return 0;
}

/* ENOSYS is the expected answer here; any answer at all is a round trip. */
static int op_unknown(void *arg, long count)
{
	(void)arg;
	for (long i = 0; i < count; i++)
		syscall(UNKNOWN_NR);
	return 0;
}

static int op_yield(void *arg, long count)
{
	(void)arg;
	for (long i = 0; i < count; i++)
		if (syscall(SYS_sched_yield) < 0)
			return -errno;
	return 0;
}

int main(void)
{
	static const struct bench_spec null_spec = {
		"null_syscall", "getppid()", 1000, 101, 5};
	static const struct bench_spec unknown_spec = {
		"unknown_syscall", "syscall(500) -> ENOSYS", 1000, 101, 5};
	static const struct bench_spec yield_spec = {
		"sched_yield", "sched_yield(), nothing else runnable", 1000, 101, 5};

	bench_run(&null_spec, op_getppid, NULL);
	bench_run(&unknown_spec, op_unknown, NULL);
	bench_run(&yield_spec, op_yield, NULL);
	return 0;
}
