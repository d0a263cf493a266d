/* gt-clock: icount (run in a boot of its own on one CPU under -icount, where
 * CPU time is the instructions retired: the host's load cannot skew it). */
/* User and system time measured where they are spent.
 *  - a pure user-mode spinner (0.5 s of CPU, a clock read every few
 *    milliseconds) is charged almost only user time: in getrusage,
 *    times(), /proc/self/stat and /proc/self/task/<tid>/stat, system time
 *    stays under 5 % of user time;
 *  - a loop of cheap system calls (getppid) accumulates system time;
 *  - user + system time is the CPU-time clock (CLOCK_PROCESS_CPUTIME_ID,
 *    CLOCK_THREAD_CPUTIME_ID), to within a couple of milliseconds;
 *  - a reaped child's user and system time reach RUSAGE_CHILDREN and
 *    times()' children fields split the same way.
 * Guards against: user time sampled by the tick with the rest of the run
 * counted as system time (a spinner showing a third of its time as
 * system), and clocks that disagree with the split. */
#include "gt_cputime.h"
#include <sys/syscall.h>
#include <sys/times.h>

static long long tv_us(struct timeval tv) { return tv.tv_sec * 1000000LL + tv.tv_usec; }

static int child_spin(void)
{
    spin_cpu_ms(300);
    return 0;
}

int main(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    struct rusage r0, r1;
    struct tms t0, t1;

    /* a pure user-mode spinner */
    getrusage(RUSAGE_SELF, &r0);
    times(&t0);
    spin_cpu_ms(500);
    getrusage(RUSAGE_SELF, &r1);
    times(&t1);
    long long ut = tv_us(r1.ru_utime) - tv_us(r0.ru_utime), st = tv_us(r1.ru_stime) - tv_us(r0.ru_stime);
    if (!expect(ut >= 400000, "spinner: getrusage user time covers the spin"))
        say("  (user %lld us, system %lld us)\n", ut, st);
    if (!expect(st * 20 < ut, "spinner: system time < 5% of user time (getrusage)"))
        say("  (user %lld us, system %lld us)\n", ut, st);
    long tut = t1.tms_utime - t0.tms_utime, tst = t1.tms_stime - t0.tms_stime;
    if (!expect(tut * 1000 / hz >= 400 && tst * 20 <= tut + 20, "spinner: times() splits the same way"))
        say("  (user %ld ticks, system %ld ticks)\n", tut, tst);
    long pu, ps, tu, ts;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
    int ok = stat_times("/proc/self/stat", &pu, &ps) == 0;
    if (!expect(ok && pu * 1000 / hz >= 400 && ps * 20 <= pu + 20, "spinner: /proc/self/stat splits the same way"))
        say("  (user %ld ticks, system %ld ticks)\n", pu, ps);
    ok = stat_times(path, &tu, &ts) == 0;
    if (!expect(ok && tu * 1000 / hz >= 400 && ts * 20 <= tu + 20,
                "spinner: /proc/self/task/<tid>/stat splits the same way"))
        say("  (user %ld ticks, system %ld ticks)\n", tu, ts);

    /* cheap system calls: their time is system time */
    getrusage(RUSAGE_SELF, &r0);
    long long end = ns_of(CLOCK_MONOTONIC) + 300000000LL;
    long calls = 0;
    while (ns_of(CLOCK_MONOTONIC) < end)
        for (int i = 0; i < 1000; i++, calls++)
            syscall(SYS_getppid);
    getrusage(RUSAGE_SELF, &r1);
    st = tv_us(r1.ru_stime) - tv_us(r0.ru_stime);
    if (!expect(st > 0, "getppid loop: system time accumulates"))
        say("  (%ld calls, system %lld us)\n", calls, st);

    /* user + system = the CPU-time clocks */
    for (int which = 0; which < 2; which++) {
        int ok2 = 0;
        long long c0 = 0, c1 = 0, ru = 0;
        for (int tries = 0; tries < 5 && !ok2; tries++) {
            c0 = ns_of(which ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID);
            getrusage(which ? RUSAGE_THREAD : RUSAGE_SELF, &r1);
            c1 = ns_of(which ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID);
            ru = (tv_us(r1.ru_utime) + tv_us(r1.ru_stime)) * 1000;
            ok2 = ru >= c0 - 2000000 && ru <= c1 + 2000000;
        }
        if (!expect(ok2, which ? "RUSAGE_THREAD user + system = CLOCK_THREAD_CPUTIME_ID"
                               : "RUSAGE_SELF user + system = CLOCK_PROCESS_CPUTIME_ID"))
            say("  (clock %lld..%lld ns, rusage %lld ns)\n", c0, c1, ru);
    }

    /* a child's split reaches its parent */
    struct rusage cu;
    times(&t0);
    pid_t c = fork();
    if (c == 0)
        _exit(child_spin());
    wait4(c, NULL, 0, &cu);
    times(&t1);
    ut = tv_us(cu.ru_utime);
    st = tv_us(cu.ru_stime);
    if (!expect(ut >= 250000 && st * 20 < ut, "child spinner: wait4 reports user time, little system time"))
        say("  (user %lld us, system %lld us)\n", ut, st);
    getrusage(RUSAGE_CHILDREN, &r1);
    expect(tv_us(r1.ru_utime) >= ut && tv_us(r1.ru_stime) >= st, "RUSAGE_CHILDREN includes that split");
    tut = t1.tms_cutime - t0.tms_cutime;
    tst = t1.tms_cstime - t0.tms_cstime;
    if (!expect(tut * 1000 / hz >= 250 && tst * 20 <= tut + 20, "times() children fields split the same way"))
        say("  (user %ld ticks, system %ld ticks)\n", tut, tst);
    gt_exit();
}
