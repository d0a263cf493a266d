/* gt-side: guest-only.  Writing gigabytes on the shared host would take
 * its memory from everything else; the figures it checks (MemTotal against
 * the memory QEMU was given) are Tessera's.
 *
 * All of the machine's RAM is used: MemTotal is about the memory the
 * machine has, RAM above 4 GiB included, and one process can write more
 * memory than there is below 4 GiB and read it back.  The process maps
 * SIZE bytes of private anonymous memory, writes two words into every
 * page (its index at the start, the complement at the end), then reads
 * every page back: each word must hold what was written there, and the
 * words in between the zeros of a fresh page, so no two pages share a
 * frame.  MemFree must fall by about SIZE while the pages are held and
 * come back once they are unmapped.  /proc/meminfo's DirectMap lines must
 * add up to at least MemTotal: the kernel reaches all of it.
 *
 * `make test-scale` boots a 16 GiB guest with "scale.mem=16" on the kernel
 * command line: MemTotal must be between 15.5 and 16 GiB, and SIZE is
 * 4.5 GiB.  In the ordinary guest run (no scale.mem), SIZE is 64 MiB and
 * MemTotal is only checked to be what sysinfo says. */
#include "gt.h"
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <time.h>

#define KB 1024L
#define MB (1024 * KB)
#define GB (1024 * MB)

/* A /proc/meminfo figure in bytes, -1 if absent. */
static long meminfo(const char *key)
{
    long kb = meminfo_kb(key);
    return kb < 0 ? -1 : kb * KB;
}

int main(void)
{
    long gib = cmdline_long("scale.mem=", 0);
    long total = meminfo("MemTotal:");
    struct sysinfo si;
    expect(sysinfo(&si) == 0 && (long)(si.totalram * si.mem_unit) == total, "sysinfo's totalram is MemTotal");
    long gb_pages = meminfo("DirectMap1G:");          /* absent without 1 GiB pages */
    long direct = meminfo("DirectMap4k:") + meminfo("DirectMap2M:") + (gb_pages > 0 ? gb_pages : 0);
    expect(direct >= total, "the kernel's direct map (DirectMap4k, 2M, 1G) spans MemTotal");
    long size = 64 * MB;
    if (gib) {
        say("machine: %ld GiB, MemTotal %ld MiB\n", gib, total / MB);
        expect(total > 4 * GB, "MemTotal above 4 GiB");
        expect(total >= gib * GB - GB / 2 && total <= gib * GB, "MemTotal within half a GiB below the machine's");
        size = 4 * GB + GB / 2;
    }
    long pages = size / 4096;
    long free_before = meminfo("MemFree:");

    double t0 = gt_now_s();
    unsigned long *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect(m != MAP_FAILED, "mmap of the whole size");
    if (m == MAP_FAILED)
        gt_exit();
    for (long i = 0; i < pages; i++) {
        m[i * 512] = i;
        m[i * 512 + 511] = ~i;
    }
    double t1 = gt_now_s();
    long free_held = meminfo("MemFree:");
    long bad = 0;
    for (long i = 0; i < pages; i++)
        if (m[i * 512] != (unsigned long)i || m[i * 512 + 511] != ~(unsigned long)i || m[i * 512 + 256] != 0)
            bad++;
    double t2 = gt_now_s();
    expect(bad == 0, "every page holds what was written to it");
    say("pages written: %ld, wrong: %ld\n", pages, bad);
    /* the pages and a page table per 2 MiB; a sixteenth either way for
     * what the kernel frees or takes meanwhile (a previous test's remains) */
    long fell = free_before - free_held;
    expect(fell >= size - size / 16 && fell <= size + size / 16 + 8 * MB, "MemFree fell by the memory written");
    expect(munmap(m, size) == 0, "munmap");
    long free_after = meminfo("MemFree:");
    expect(free_after >= free_before - size / 64 - 4 * MB, "MemFree back after munmap");
    say("wrote %ld MiB in %.1f s, read it back in %.1f s; MemFree %ld MiB before, %ld MiB held, %ld MiB after\n",
        size / MB, t1 - t0, t2 - t1, free_before / MB, free_held / MB, free_after / MB);
    gt_exit();
}
