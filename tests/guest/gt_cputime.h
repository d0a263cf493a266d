/* Helpers shared by the CPU-time guest tests (on top of gt.h): a clock
 * read in nanoseconds, a user-mode spin measured by the process's own CPU
 * clock, and the utime and stime fields of a /proc stat file. */
#ifndef GT_CPUTIME_H
#define GT_CPUTIME_H

#include "gt.h"
#include <time.h>

GT_FN long long ns_of(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spins in user mode until the process has used `ms` more of CPU time
 * (reading its clock every few milliseconds of work). */
GT_FN void spin_cpu_ms(long ms)
{
    long long end = ns_of(CLOCK_PROCESS_CPUTIME_ID) + ms * 1000000LL;
    volatile unsigned long x = 0;
    do {
        for (int i = 0; i < 200000; i++)
            x += i;
    } while (ns_of(CLOCK_PROCESS_CPUTIME_ID) < end);
}

/* Fields 14 and 15 (utime, stime, in clock ticks) of a stat file; 0, or
 * -1 if it cannot be read. */
GT_FN int stat_times(const char *path, long *ut, long *st)
{
    char buf[1024];
    if (read_file(path, buf, sizeof buf) <= 0)
        return -1;
    char *p = strrchr(buf, ')');        /* the end of comm */
    if (!p)
        return -1;
    p += 2;                             /* field 3, the state */
    for (int f = 3; f < 14; f++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    return sscanf(p, "%ld %ld", ut, st) == 2 ? 0 : -1;
}

#endif
