/* Anonymous mmap/munmap basics: a fresh mapping is page aligned and zero
 * filled; MAP_FIXED places a mapping at a chosen address; munmap of the
 * middle page of three leaves its neighbours usable while touching the hole
 * kills a child with SIGSEGV; a MAP_PRIVATE mapping is copied on fork (the
 * child's writes stay in the child) while a MAP_SHARED one is shared; bad
 * arguments give EINVAL. */
#include "gt.h"
#include <sys/mman.h>

static char *area;

static int touch_hole(void)
{
    area[4096 + 10] = 1;
    return 0;
}

int main(void)
{
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect(p != MAP_FAILED, "mmap 3 pages");
    expect(((unsigned long)p & 4095) == 0, "page aligned");
    int zero = 1;
    for (int i = 0; i < 3 * 4096; i++)
        zero &= p[i] == 0;
    expect(zero, "zero filled");
    memset(p, 'a', 3 * 4096);
    area = p;
    expect(munmap(p + 4096, 4096) == 0, "munmap the middle page");
    expect(p[0] == 'a' && p[2 * 4096 + 4095] == 'a', "neighbours intact");
    int st = run_child(touch_hole);
    say("touching the hole: %s\n", status_str(st));
    char *q = mmap(p + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    expect(q == p + 4096, "MAP_FIXED fills the hole at the requested address");
    expect(q[10] == 0, "refilled page is zero");
    munmap(p, 3 * 4096);

    char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    strcpy(priv, "parent");
    strcpy(shared, "parent");
    pid_t c = fork();
    if (c == 0) {
        strcpy(priv, "child");
        strcpy(shared, "child");
        _exit(0);
    }
    waitpid(c, NULL, 0);
    say("after child wrote: private=%s shared=%s\n", priv, shared);

    /* A large mapping is lazily backed: touch one byte per page. */
    size_t big = 64UL << 20;
    char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect(b != MAP_FAILED, "mmap 64 MiB");
    unsigned long sum = 0;
    for (size_t off = 0; off < big; off += 4096 * 16)
        sum += b[off]++;
    expect(sum == 0 && b[4096 * 16] == 1, "touching 64 MiB sparsely");
    expect(munmap(b, big) == 0, "munmap 64 MiB");

    errno = 0;
    expect(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
           "mmap of length 0 is EINVAL");
    expect_err(munmap((char *)priv + 1, 4096), EINVAL, "munmap of an unaligned address");
    gt_exit();
}
