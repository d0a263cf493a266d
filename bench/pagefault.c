/*
 * pagefault: demand paging of fresh anonymous memory, and its teardown.
 *
 *   page_fault  mmap a 4 MiB anonymous region (huge pages declined), then
 *               write one byte into each of its 1024 pages: each write takes
 *               a fault that allocates and zeroes a frame and maps it.  The
 *               figure is the time of the whole walk divided by 1024.
 *   munmap_4m   munmap of that region once populated: unmapping 1024 pages,
 *               freeing their frames and invalidating the TLB.  Per call.
 *
 * mmap itself is outside both timed regions.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define REGION (4u << 20)
#define PAGE 4096u
#define PAGES (REGION / PAGE)

int main(void)
{
	int samples = (int)bench_scaled(101, 5), warmup = 3, unmap_err = 0;
	double *fault = calloc((size_t)samples, sizeof *fault);
	double *unmap = calloc((size_t)samples, sizeof *unmap);
	if (!fault || !unmap) {
		bench_error("page_fault", "calloc", ENOMEM);
		return 1;
	}
	for (int i = 0; i < warmup + samples; i++) {
		char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			int e = errno;
			if (bench_is_unavailable(e)) {
				bench_skip("page_fault", strerror(e));
				bench_skip("munmap_4m", strerror(e));
			} else {
				bench_error("page_fault", "mmap", e);
			}
			return 0;
		}
		madvise(p, REGION, MADV_NOHUGEPAGE);
		uint64_t t0 = bench_now_ns();
		for (unsigned off = 0; off < REGION; off += PAGE)
			((volatile char *)p)[off] = 1;
		uint64_t t1 = bench_now_ns();
		int r = munmap(p, REGION);
		uint64_t t2 = bench_now_ns();
		if (r < 0 && !unmap_err)
			unmap_err = errno;
		if (i >= warmup) {
			fault[i - warmup] = (double)(t1 - t0) / PAGES;
			unmap[i - warmup] = (double)(t2 - t1);
		}
	}
	bench_report("page_fault", "first write to a fresh 4 KiB anonymous page",
		     fault, samples, NULL);
	if (bench_is_unavailable(unmap_err))
		bench_skip("munmap_4m", strerror(unmap_err));
	else if (unmap_err)
		bench_error("munmap_4m", "munmap", unmap_err);
	else
		bench_report("munmap_4m", "munmap of 4 MiB, 1024 pages populated",
			     unmap, samples, NULL);
	return 0;
}
