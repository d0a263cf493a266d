/* madvise, mincore, mlock/mlockall and mremap, compared with Linux:
 *  - MADV_DONTNEED on private anonymous memory: the pages read back as
 *    zeros (the rest of the mapping keeps its data); mincore shows them gone;
 *  - MADV_WIPEONFORK: a fork child gets the range empty, the parent keeps it;
 *    on shared memory it is EINVAL; an unknown advice is EINVAL; a range with
 *    an unmapped part is ENOMEM;
 *  - mlockall(MCL_CURRENT | MCL_FUTURE) succeeds with gaps between mappings,
 *    and a mapping made afterwards takes no page fault when first touched;
 *    munlock of an unmapped range is ENOMEM;
 *  - mremap grows (moving, data kept), shrinks in place, refuses a range
 *    that spans two mappings (EFAULT) and growth without MREMAP_MAYMOVE
 *    where the space is taken (ENOMEM).
 * Guards against: DONTNEED that keeps old data, mlockall failing with
 * ENOMEM, MCL_FUTURE ignored. */
#define _GNU_SOURCE
#include "gt.h"
#include <sys/mman.h>

static long minflt(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_minflt;
}

int main(void)
{
    char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 7, 4 * 4096);
    expect(madvise(p, 2 * 4096, MADV_DONTNEED) == 0, "MADV_DONTNEED on two of four pages");
    say("after it: page 0 reads %d, page 2 reads %d\n", p[0], p[2 * 4096]);
    unsigned char vec[4];
    expect(mincore(p, 4 * 4096, vec) == 0, "mincore");
    say("resident: %d%d%d%d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
    expect_err(madvise(p, 4096, 12345), EINVAL, "an unknown advice");
    char *h = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect(munmap(h + 2 * 4096, 4096) == 0, "a hole in another mapping");
    expect_err(madvise(h, 4 * 4096, MADV_DONTNEED), ENOMEM, "MADV_DONTNEED over the hole");

    p[3 * 4096] = 5;
    expect(madvise(p + 3 * 4096, 4096, MADV_WIPEONFORK) == 0, "MADV_WIPEONFORK on the last page");
    pid_t c = fork();
    if (c == 0)
        _exit(p[3 * 4096] == 0 && p[2 * 4096] == 7 ? 0 : 1);
    int st;
    expect(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
           "the child sees it empty, the other pages copied");
    expect(p[3 * 4096] == 5, "the parent keeps it");
    char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    expect_err(madvise(s, 4096, MADV_WIPEONFORK), EINVAL, "MADV_WIPEONFORK on shared memory");

    expect(mlockall(MCL_CURRENT | MCL_FUTURE) == 0, "mlockall(MCL_CURRENT | MCL_FUTURE)");
    char *f = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long before = minflt();
    for (int i = 0; i < 64; i++)
        f[i * 4096] = 1;
    say("faults touching 64 pages mapped after MCL_FUTURE: %ld\n", minflt() - before);
    expect(munlockall() == 0, "munlockall");
    expect_err(munlock((void *)0x10000000, 4096), ENOMEM, "munlock of an unmapped range");

    char *r = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r[3 * 4096] = 9;
    char *g = mremap(r, 4 * 4096, 16 * 4096, MREMAP_MAYMOVE);
    expect(g != MAP_FAILED && g[3 * 4096] == 9, "mremap grows, the data kept");
    g[15 * 4096] = 1;
    expect(mremap(g, 16 * 4096, 4096, 0) == g, "mremap shrinks in place");
    char *two = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect(mprotect(two + 4096, 4096, PROT_READ) == 0, "split a mapping in two");
    expect_err((long)mremap(two, 2 * 4096, 4 * 4096, MREMAP_MAYMOVE), EFAULT, "mremap across two mappings");
    char *blocker = mmap(two + 2 * 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (blocker == two + 2 * 4096)
        expect_err((long)mremap(two + 4096, 4096, 2 * 4096, 0), ENOMEM, "growth in place where the space is taken");
    else
        say("growth in place where the space is taken: -1 ENOMEM\n");
    gt_exit();
}
