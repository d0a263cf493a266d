/*
 * shmfault: first-touch write faults on MAP_SHARED memory.
 *
 *   shared_file_fault       a 4 MiB file in /tmp (the initramfs's in-memory
 *                           file system in the guest: ramfs on Tessera,
 *                           tmpfs on Linux) whose pages all exist (written
 *                           with write() first), mapped MAP_SHARED afresh
 *                           for every sample; a write to each of its 1024
 *                           pages takes a fault that maps the file's own
 *                           page.  Per fault (the walk / 1024).
 *   shared_file_hole_fault  the same, but the file is truncated to 0 and
 *                           extended to 4 MiB again before every sample, so
 *                           each fault also gives the file a new zeroed page.
 *   shared_anon_fault       a fresh 4 MiB MAP_SHARED|MAP_ANONYMOUS mapping,
 *                           a write to each page: the shared twin of
 *                           page_fault (bench-pagefault).
 *
 * The RESULT line also gives faults_per_page: the minor faults the kernel
 * counted (getrusage ru_minflt) during the timed walks per page walked, 1.00
 * when every page took its own fault; a kernel that maps several pages per
 * fault would show less, and its figure is then per page, not per fault.
 *
 * mmap, munmap and the truncation are outside the timed walk.  Huge pages
 * are declined with MADV_NOHUGEPAGE where that means anything.  $TMPDIR, if
 * set, replaces /tmp (the host check runs there).  Each measurement runs in
 * a child process of its own with a time limit (bench_in_child).
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define REGION (4u << 20)
#define PAGE 4096u
#define PAGES (REGION / PAGE)
#define TIMEOUT_S 50

enum kind { FILE_PRESENT, FILE_HOLE, ANON };

struct measurement {
	const char *name, *what;
	enum kind kind;
};

/* Minor faults counted for this process so far, or -1. */
static long minflt(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt : -1;
}

static void fail(const char *name, const char *what, int err)
{
	char why[128];
	snprintf(why, sizeof why, "%s: %s", what, strerror(err));
	if (bench_is_unavailable(err))
		bench_skip(name, why);
	else
		bench_error(name, what, err);
}

/* Creates the 4 MiB file, every page written; returns its fd or -1. */
static int make_file(const char *name, char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, len, "%s/bench-shmfault-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		fail(name, "mkstemp", errno);
		return -1;
	}
	static char chunk[64 << 10];
	memset(chunk, 1, sizeof chunk);
	for (size_t off = 0; off < REGION; off += sizeof chunk) {
		if (pwrite(fd, chunk, sizeof chunk, (off_t)off) != (ssize_t)sizeof chunk) {
			fail(name, "pwrite", errno ? errno : EIO);
			close(fd);
			unlink(path);
			return -1;
		}
	}
	return fd;
}

static void measure(void *arg)
{
	const struct measurement *m = arg;
	int samples = (int)bench_scaled(51, 5), warmup = 3, fd = -1;
	long faults = 0;
	char path[256] = "";
	double *ns = calloc((size_t)samples, sizeof *ns);
	if (!ns) {
		bench_error(m->name, "calloc", ENOMEM);
		return;
	}
	if (m->kind != ANON && (fd = make_file(m->name, path, sizeof path)) < 0)
		return;
	for (int i = 0; i < warmup + samples; i++) {
		if (m->kind == FILE_HOLE &&
		    (ftruncate(fd, 0) < 0 || ftruncate(fd, REGION) < 0)) {
			fail(m->name, "ftruncate", errno);
			goto out;
		}
		char *p = m->kind == ANON
			? mmap(NULL, REGION, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0)
			: mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);
		if (p == MAP_FAILED) {
			fail(m->name, "mmap MAP_SHARED", errno);
			goto out;
		}
		madvise(p, REGION, MADV_NOHUGEPAGE);
		long f0 = minflt();
		uint64_t t0 = bench_now_ns();
		for (unsigned off = 0; off < REGION; off += PAGE)
			((volatile char *)p)[off] = 2;
		uint64_t t1 = bench_now_ns();
		long f1 = minflt();
		if (i >= warmup && faults >= 0)
			faults = f0 < 0 || f1 < 0 ? -1 : faults + (f1 - f0);
		if (munmap(p, REGION) < 0) {
			fail(m->name, "munmap", errno);
			goto out;
		}
		if (i >= warmup)
			ns[i - warmup] = (double)(t1 - t0) / PAGES;
	}
	/* the stores must have reached the file itself */
	if (fd >= 0) {
		char c = 0;
		if (pread(fd, &c, 1, REGION - PAGE) != 1 || c != 2) {
			bench_error(m->name, "a store through the mapping is not in "
				    "the file", EIO);
			goto out;
		}
	}
	char extra[48] = "";
	if (faults >= 0)
		snprintf(extra, sizeof extra, "faults_per_page=%.2f",
			 (double)faults / ((double)samples * PAGES));
	bench_report(m->name, m->what, ns, samples, faults >= 0 ? extra : NULL);
out:
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	free(ns);
}

int main(void)
{
	static const struct measurement ms[] = {
		{"shared_file_fault",
		 "first write to a 4 KiB page of a MAP_SHARED file, page in memory",
		 FILE_PRESENT},
		{"shared_file_hole_fault",
		 "first write to a 4 KiB page of a MAP_SHARED file, hole filled",
		 FILE_HOLE},
		{"shared_anon_fault",
		 "first write to a fresh 4 KiB MAP_SHARED anonymous page", ANON},
	};
	for (unsigned i = 0; i < sizeof ms / sizeof ms[0]; i++)
		bench_in_child(ms[i].name, measure, (void *)&ms[i], TIMEOUT_S);
	return 0;
}
