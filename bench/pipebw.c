/*
 * pipebw: pipe bandwidth between two processes.
 *
 * The parent writes 64 KiB chunks into a pipe; a child reads and discards
 * them.  A sample is the time to push 8 MiB through and have the child
 * acknowledge it (one byte on a second pipe), so data still buffered in the
 * pipe is never counted as delivered.  Reported per 64 KiB chunk, with the
 * median bandwidth in MiB/s on the RESULT line.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (64u << 10)
#define TOTAL (8u << 20)
#define CHUNKS (TOTAL / CHUNK)

static char buf[CHUNK];

/* Child: read TOTAL bytes, acknowledge, repeat until EOF. */
static void sink(int in, int ack)
{
	size_t got = 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n <= 0)
			_exit(n < 0);
		got += (size_t)n;
		if (got >= TOTAL) {
			got -= TOTAL;
			if (write(ack, "k", 1) != 1)
				_exit(1);
		}
	}
}

/* Writes all of buf, looping over short writes.  0 or -errno. */
static int write_all(int fd)
{
	size_t done = 0;
	while (done < CHUNK) {
		ssize_t n = write(fd, buf + done, CHUNK - done);
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

int main(void)
{
	int data[2], ack[2];
	const char *name = "pipe_bw";
	if (pipe(data) < 0 || pipe(ack) < 0) {
		if (bench_is_unavailable(errno))
			bench_skip(name, strerror(errno));
		else
			bench_error(name, "pipe", errno);
		return 0;
	}
	memset(buf, 'b', sizeof buf);
	pid_t pid = fork();
	if (pid < 0) {
		bench_skip(name, strerror(errno));
		return 0;
	}
	if (pid == 0) {
		close(data[1]);
		close(ack[0]);
		sink(data[0], ack[1]);
	}
	close(data[0]);
	close(ack[1]);

	int samples = (int)bench_scaled(21, 5), warmup = 2;
	double *ns = calloc((size_t)samples, sizeof *ns);
	for (int i = 0; ns && i < warmup + samples; i++) {
		uint64_t t0 = bench_now_ns();
		for (unsigned c = 0; c < CHUNKS; c++) {
			int r = write_all(data[1]);
			if (r < 0) {
				bench_error(name, "write", -r);
				return 1;
			}
		}
		char k;
		if (read(ack[0], &k, 1) != 1) {
			bench_error(name, "read ack", errno ? errno : EPIPE);
			return 1;
		}
		if (i >= warmup)
			ns[i - warmup] = (double)(bench_now_ns() - t0) / CHUNKS;
	}
	close(data[1]);
	waitpid(pid, NULL, 0);
	if (!ns)
		return 1;
	bench_sort(ns, samples);
	char extra[64];
	double med = bench_percentile(ns, samples, 50);
	snprintf(extra, sizeof extra, "mib_per_s=%.1f",
		 (CHUNK / 1048576.0) / (med / 1e9));
	printf("  %-24s median bandwidth %s MiB/s\n", name, extra + 10);
	bench_report(name, "pipe write+read of 64 KiB, 2 processes", ns, samples,
		     extra);
	return 0;
}
