/* Random bytes from the kernel: getrandom(2) with each flag Linux takes
 * (and EINVAL for the rest), a buffer that faults part way (the bytes
 * before the fault are returned), /dev/urandom and /dev/random, the
 * bytes' distribution (every byte value about equally often in 1 MiB),
 * no repeats between calls, and AT_RANDOM different in each process. */
#include "gt.h"
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>

static long gr(void *b, size_t n, unsigned f) { return syscall(SYS_getrandom, b, n, f); }

int main(int argc, char **argv)
{
    if (argc > 1) {                 /* exec'd: hand over AT_RANDOM */
        write(1, (void *)getauxval(AT_RANDOM), 16);
        return 0;
    }
    static unsigned char big[1 << 20];
    unsigned char a[64], b[64];
    expect(gr(a, sizeof a, 0) == 64 && gr(b, sizeof b, 0) == 64, "getrandom 64 bytes twice");
    expect(memcmp(a, b, 64) != 0, "the two differ");
    expect(gr(a, 16, GRND_NONBLOCK) == 16, "GRND_NONBLOCK");
    expect(gr(a, 16, GRND_RANDOM) == 16, "GRND_RANDOM");
    expect(gr(a, 16, 0x4) == 16, "GRND_INSECURE");
    expect(gr(a, 0, 0) == 0, "zero bytes");
    expect_err(gr(a, 16, 0x8), EINVAL, "unknown flag");
    expect_err(gr(a, 16, 0x4 | GRND_RANDOM), EINVAL, "GRND_INSECURE with GRND_RANDOM");
    expect_err(gr(BAD_PTR, 16, 0), EFAULT, "bad buffer");
    unsigned char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(pg + 4096, 4096);
    long n = gr(pg + 4096 - 100, 200, 0);
    say("a buffer that faults after 100 bytes: %s\n", n == 100 ? "100 returned" : n > 0 && n < 100 ? "fewer returned" : "other");
    size_t got = 0;
    while (got < sizeof big) {
        long r = gr(big + got, sizeof big - got, 0);
        if (r <= 0)
            break;
        got += r;
    }
    expect(got == sizeof big, "1 MiB read");
    unsigned count[256] = { 0 };
    for (size_t i = 0; i < sizeof big; i++)
        count[big[i]]++;
    unsigned lo = ~0u, hi = 0;
    for (int i = 0; i < 256; i++) {
        lo = count[i] < lo ? count[i] : lo;
        hi = count[i] > hi ? count[i] : hi;
    }
    /* 4096 expected per value; a fair source stays within a few hundred */
    expect(lo > 3600 && hi < 4600, "every byte value about 1/256 of the time");
    int fd = open("/dev/urandom", O_RDONLY);
    expect(fd >= 0 && read(fd, a, 64) == 64, "/dev/urandom reads");
    close(fd);
    fd = open("/dev/random", O_RDONLY | O_NONBLOCK);
    expect(fd >= 0 && read(fd, b, 64) == 64, "/dev/random reads without blocking");
    close(fd);
    expect(memcmp(a, b, 64) != 0, "and they differ");
    /* AT_RANDOM: set, and new for each program executed */
    unsigned char mine[16], theirs[16];
    static const unsigned char zeros[16];
    memcpy(mine, (void *)getauxval(AT_RANDOM), 16);
    expect(memcmp(mine, zeros, 16) != 0, "AT_RANDOM is set");
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        dup2(p[1], 1);
        execl("/proc/self/exe", "getrandom", "at", (char *)NULL);
        _exit(1);
    }
    close(p[1]);
    expect(read(p[0], theirs, 16) == 16, "a new program tells its AT_RANDOM");
    waitpid(c, NULL, 0);
    expect(memcmp(mine, theirs, 16) != 0, "and it is not this one's");
    gt_exit();
}
