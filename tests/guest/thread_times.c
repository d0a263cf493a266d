/* CPU time in a multi-threaded process: a process's CPU time is the sum of
 * its threads', a thread's is its own.
 *  - a thread spins until its own CPU clock (CLOCK_THREAD_CPUTIME_ID) has
 *    reached 300 ms; main, asleep meanwhile, then reads that thread's clock
 *    through pthread_getcpuclockid, and the process's clock
 *    (CLOCK_PROCESS_CPUTIME_ID), getrusage(RUSAGE_SELF) and times() all
 *    include it, while main's own (RUSAGE_THREAD, its thread clock) do not;
 *  - once the thread has been joined, the process's totals keep its time;
 *  - a child whose two threads each spin 200 ms: wait4's rusage,
 *    getrusage(RUSAGE_CHILDREN) and times()' children fields include both.
 * Thresholds leave room for tick-based accounting; nothing timed is
 * printed.
 * Guards against: process times that count only the main thread, time of
 * ended threads dropped, per-thread clocks that read the process's (or
 * the caller's) time. */
#include "gt_thread.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/times.h>
#include <time.h>

static uint64_t clock_ms(clockid_t c)
{
    struct timespec ts;
    if (clock_gettime(c, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t ru_ms(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) != 0)
        return 0;
    return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static pthread_barrier_t bar;

/* Spins until this thread has used ms of CPU time. */
static void burn(uint64_t ms)
{
    volatile unsigned long x = 0;
    while (clock_ms(CLOCK_THREAD_CPUTIME_ID) < ms)
        for (int i = 0; i < 10000; i++)
            x += i;
}

static void *spinner(void *arg)
{
    burn((uint64_t)(uintptr_t)arg);
    if (arg == (void *)300)
        pthread_barrier_wait(&bar);     /* main reads our clock while we live */
    pthread_barrier_wait(&bar);
    return NULL;
}

static void own_process(void)
{
    step = "own process";
    pthread_barrier_init(&bar, NULL, 2);
    uint64_t main0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
    pthread_t t;
    pthread_create(&t, NULL, spinner, (void *)300);
    pthread_barrier_wait(&bar);         /* it has burnt its 300 ms */
    clockid_t tc;
    int got = pthread_getcpuclockid(t, &tc) == 0;
    uint64_t its = got ? clock_ms(tc) : 0;
    uint64_t proc = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t self = ru_ms(RUSAGE_SELF), mine = ru_ms(RUSAGE_THREAD);
    uint64_t main_clock = clock_ms(CLOCK_THREAD_CPUTIME_ID) - main0;
    struct tms tm;
    times(&tm);
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t times_ms = (uint64_t)(tm.tms_utime + tm.tms_stime) * 1000 / (hz > 0 ? hz : 100);
    if (!expect(got && its >= 300, "pthread_getcpuclockid: the spinning thread's clock shows its 300 ms"))
        say("  (it read %llu ms)\n", (unsigned long long)its);
    if (!expect(proc >= 300, "CLOCK_PROCESS_CPUTIME_ID includes it"))
        say("  (it read %llu ms)\n", (unsigned long long)proc);
    if (!expect(self >= 250, "getrusage(RUSAGE_SELF) includes it"))
        say("  (it reported %llu ms)\n", (unsigned long long)self);
    if (!expect(times_ms >= 250, "times() includes it"))
        say("  (it reported %llu ms)\n", (unsigned long long)times_ms);
    if (!expect(mine < 150, "getrusage(RUSAGE_THREAD) in main: only main's own (little) time"))
        say("  (it reported %llu ms)\n", (unsigned long long)mine);
    if (!expect(main_clock < 150, "main's CLOCK_THREAD_CPUTIME_ID: only its own"))
        say("  (it read %llu ms)\n", (unsigned long long)main_clock);
    pthread_barrier_wait(&bar);
    pthread_join(t, NULL);
    msleep(20);
    expect(clock_ms(CLOCK_PROCESS_CPUTIME_ID) >= 300, "after the join, the process clock still includes it");
    expect(ru_ms(RUSAGE_SELF) >= 250, "and so does RUSAGE_SELF");
    pthread_barrier_destroy(&bar);
}

static void child_process(void)
{
    step = "child";
    struct tms before;
    times(&before);
    uint64_t ch0 = ru_ms(RUSAGE_CHILDREN);
    pid_t c = fork();
    if (c == 0) {
        pthread_barrier_init(&bar, NULL, 1);
        pthread_t a, b;
        pthread_create(&a, NULL, spinner, (void *)200);
        pthread_create(&b, NULL, spinner, (void *)200);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        _exit(0);
    }
    int st;
    struct rusage ru;
    pid_t w = wait4(c, &st, 0, &ru);
    uint64_t waited = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
                      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
    struct tms after;
    times(&after);
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t ct = (uint64_t)((after.tms_cutime + after.tms_cstime) - (before.tms_cutime + before.tms_cstime)) * 1000 /
                  (hz > 0 ? hz : 100);
    expect(w == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child with two spinning threads exited 0");
    uint64_t children = ru_ms(RUSAGE_CHILDREN) - ch0;
    if (!expect(waited >= 350, "wait4's rusage includes both threads' 200 ms"))
        say("  (it reported %llu ms)\n", (unsigned long long)waited);
    if (!expect(children >= 350, "getrusage(RUSAGE_CHILDREN) too"))
        say("  (it reported %llu ms)\n", (unsigned long long)children);
    if (!expect(ct >= 350, "times()' children fields too"))
        say("  (they reported %llu ms)\n", (unsigned long long)ct);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(60);
    own_process();
    child_process();
    gt_exit();
}
