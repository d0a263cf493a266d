/*
 * init: the first user program of a benchmark boot.
 *
 * Its first act, before the C library has done anything visible, is to
 * read CLOCK_MONOTONIC and the TSC: on Linux CLOCK_MONOTONIC starts near
 * zero when the kernel's timekeeping starts, and under QEMU the TSC starts
 * at zero at machine reset, so these are the boot time to the first user
 * instruction as seen by the kernel's clock and by the machine.  It prints
 * them (the TSC converted with a rate measured against CLOCK_MONOTONIC),
 * mounts /proc when it is pid 1, and replaces itself with the driver script.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec mono;
	uint64_t tsc = bench_rdtsc();
	clock_gettime(CLOCK_MONOTONIC, &mono);

	double tpn = bench_tsc_per_ns(20);
	printf("BOOT mono_ns=%llu tsc=%llu tsc_per_ns=%.4f since_reset_ns=%.0f\n",
	       (unsigned long long)mono.tv_sec * 1000000000ull +
		       (unsigned long long)mono.tv_nsec,
	       (unsigned long long)tsc, tpn, tpn > 0 ? (double)tsc / tpn : 0.0);
	fflush(stdout);

	/* only as pid 1: run anywhere else it would stack a second /proc */
	if (getpid() == 1 && mount("proc", "/proc", "proc", 0, NULL) < 0 &&
	    errno != EBUSY)
		printf("init: mount /proc: %s (continuing)\n", strerror(errno));
	const char *script = argc > 1 ? argv[1] : "/bench/run.sh";
	char *args[] = {"/bin/busybox", "sh", (char *)script, NULL};
	/* the tuning knobs pass through, nothing else of the boot environment */
	char *envp[5] = {"PATH=/bin:/bench", "HOME=/", NULL};
	int ne = 2;
	static const char *const keep[] = {"BENCH_SCALE", "BENCH_NOISE_MS"};
	for (unsigned i = 0; i < 2; i++)
		for (char **e = environ; *e; e++)
			if (!strncmp(*e, keep[i], strlen(keep[i])) &&
			    (*e)[strlen(keep[i])] == '=')
				envp[ne++] = *e;
	execve(args[0], args, envp);
	printf("init: execve %s: %s\n", args[0], strerror(errno));
	return 1;
}
