/* CPU accounting: after spinning for ~300 ms of CPU, getrusage(SELF)
 * reports user+system time of at least 100 ms; RUSAGE_CHILDREN is zero
 * before any child was reaped and covers a spinning child afterwards;
 * times() returns a clock that advances and per-process ticks that agree;
 * sleeping costs (almost) no CPU time. */
#include "gt.h"
#include <sys/times.h>
#include <time.h>

static long ms(struct timeval tv) { return tv.tv_sec * 1000L + tv.tv_usec / 1000; }

static void spin(long msec)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    volatile unsigned long x = 0;
    do {
        for (int i = 0; i < 100000; i++)
            x++;
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < msec);
}

int main(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    expect(ms(ru.ru_utime) + ms(ru.ru_stime) == 0, "no child CPU time before any child");

    struct tms t0, t1;
    clock_t c0 = times(&t0);
    spin(300);
    getrusage(RUSAGE_SELF, &ru);
    long self = ms(ru.ru_utime) + ms(ru.ru_stime);
    expect(self >= 100, "self CPU time >= 100 ms after spinning 300 ms");
    expect(ms(ru.ru_utime) >= ms(ru.ru_stime), "mostly user time");
    clock_t c1 = times(&t1);
    long hz = sysconf(_SC_CLK_TCK);
    expect(hz > 0, "_SC_CLK_TCK > 0");
    expect(c1 > c0, "times() clock advanced");
    expect((t1.tms_utime + t1.tms_stime - t0.tms_utime - t0.tms_stime) * 1000 / hz >= 100,
           "times() ticks agree: >= 100 ms");

    pid_t c = fork();
    if (c == 0) {
        spin(300);
        _exit(0);
    }
    struct rusage cu;
    wait4(c, NULL, 0, &cu);
    expect(ms(cu.ru_utime) + ms(cu.ru_stime) >= 100, "wait4 reports the child's CPU time");
    getrusage(RUSAGE_CHILDREN, &ru);
    expect(ms(ru.ru_utime) + ms(ru.ru_stime) >= 100, "RUSAGE_CHILDREN covers the reaped child");
    times(&t1);
    expect((t1.tms_cutime + t1.tms_cstime) * 1000 / hz >= 100, "times() child ticks cover it");

    getrusage(RUSAGE_SELF, &ru);
    long before = ms(ru.ru_utime) + ms(ru.ru_stime);
    usleep(300000);
    getrusage(RUSAGE_SELF, &ru);
    expect(ms(ru.ru_utime) + ms(ru.ru_stime) - before < 100, "sleeping 300 ms costs < 100 ms CPU");
    expect_err(getrusage(42, &ru), EINVAL, "getrusage with a bad who");
    gt_exit();
}
