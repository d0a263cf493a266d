/* The program break: brk(0) reports the current break; growing it returns
 * exactly the requested (unaligned) address and the new memory reads as
 * zero and is writable; shrinking works; an absurd request fails by
 * returning the old break (the raw syscall never returns -errno).  musl's
 * sbrk() refuses to grow, so the raw system call is used. */
#include "gt.h"
#include <sys/syscall.h>

static char *sys_brk(void *addr)
{
    return (char *)syscall(SYS_brk, addr);
}

int main(void)
{
    char *start = sys_brk(0);
    expect(start != NULL && start != (char *)-1, "brk(0) gives the current break");
    expect((unsigned long)start > (unsigned long)&main, "break lies above the program text");
    char *want = start + 3 * 4096 + 123;
    char *got = sys_brk(want);
    expect(got == want, "growing returns exactly the requested break");
    int zero = 1;
    for (char *p = start; p < want; p++)
        zero &= *p == 0;
    expect(zero, "new heap memory reads as zero");
    memset(start, 0xab, want - start);
    expect((unsigned char)want[-1] == 0xab, "new heap memory is writable");
    expect(sys_brk(0) == want, "brk(0) reports the new break");
    char *less = sys_brk(start + 4096);
    expect(less == start + 4096, "shrinking returns the requested break");
    expect((unsigned char)start[100] == 0xab, "memory below the shrunk break is kept");
    char *huge = sys_brk(start + (1UL << 46));
    expect(huge == start + 4096, "an impossible request returns the old break");
    /* Regrowing: the released part comes back zeroed. */
    got = sys_brk(start + 3 * 4096);
    expect(got == start + 3 * 4096, "regrow");
    expect(start[2 * 4096 + 5] == 0, "released then regrown page is zero");
    gt_exit();
}
