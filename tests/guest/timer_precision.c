/* gt-side: guest-only.  Reads Tessera's /proc/interrupts and judges timing
 * against its own virtual clock.
 *
 * Timers fire at their deadline, and idle CPUs take no tick.  Every kind of
 * timed wait a program has (nanosleep as a real-time and as a normal task,
 * clock_nanosleep with TIMER_ABSTIME on the monotonic and the wall clock, a
 * timerfd, a POSIX timer, setitimer) must end at or after its deadline and
 * within a tolerance of it; a CPU with nothing to run must take almost no
 * timer interrupts (/proc/interrupts LOC) while the program sleeps.
 *
 * `make test-timers` boots it under QEMU's -icount shift=0,sleep=off with
 * "timers.strict" on the command line: time is then the guest's own
 * instruction count, and the tolerance is 20 us.  In the ordinary guest run
 * (host-driven time on a shared machine) the tolerance is 50 ms: only gross
 * errors (a tick-granular timer, a deadline missed by a period) show. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

static uint64_t tol_ns;

static uint64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static struct timespec ts_of(uint64_t ns) { return (struct timespec){ (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) }; }

/* Late by `late` ns: at or after the deadline, within tolerance (+ slack). */
static void judge(const char *what, int64_t late, uint64_t slack)
{
    bool ok = late >= 0 && (uint64_t)late <= tol_ns + slack;
    if (!expect(ok, what))
        say("  (late by %lld ns, tolerance %llu)\n", (long long)late, (unsigned long long)(tol_ns + slack));
}

static int ncpu;
static long loc[64];

static void read_loc(void)
{
    char buf[8192];
    if (read_file("/proc/interrupts", buf, sizeof buf) <= 0)
        return;
    char *p = strstr(buf, "LOC:");
    if (!p)
        return;
    p += 4;
    for (int c = 0; c < ncpu && c < 64; c++)
        loc[c] = strtol(p, &p, 10);
}

static void tickless_idle(void)
{
    long before[64];
    read_loc();
    memcpy(before, loc, sizeof loc);
    struct timespec s = { 1, 0 };
    nanosleep(&s, NULL);
    read_loc();
    long most = 0;
    for (int c = 0; c < ncpu; c++)
        most = loc[c] - before[c] > most ? loc[c] - before[c] : most;
    if (!expect(most < 100, "idle CPUs take almost no timer interrupts over 1 s (HZ would be 1000)"))
        say("  (most on one CPU: %ld)\n", most);
}

static void sleeps(void)
{
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec d = { 0, 1000000 };
    nanosleep(&d, NULL);
    judge("nanosleep(1 ms), normal task: within its 50 us slack", (int64_t)(now_ns(CLOCK_MONOTONIC) - t0 - 1000000),
          50000);

    struct sched_param sp = { .sched_priority = 50 };
    expect(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == 0, "SCHED_FIFO");
    t0 = now_ns(CLOCK_MONOTONIC);
    nanosleep(&d, NULL);
    judge("nanosleep(1 ms), SCHED_FIFO: on time", (int64_t)(now_ns(CLOCK_MONOTONIC) - t0 - 1000000), 0);
    d.tv_nsec = 1000;
    t0 = now_ns(CLOCK_MONOTONIC);
    nanosleep(&d, NULL);
    judge("nanosleep(1 us), SCHED_FIFO: on time", (int64_t)(now_ns(CLOCK_MONOTONIC) - t0 - 1000), 0);

    uint64_t at = now_ns(CLOCK_MONOTONIC) + 1500000;
    struct timespec ta = ts_of(at);
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ta, NULL);
    judge("clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)", (int64_t)(now_ns(CLOCK_MONOTONIC) - at), 0);
    at = now_ns(CLOCK_REALTIME) + 1500000;
    ta = ts_of(at);
    clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ta, NULL);
    judge("clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME)", (int64_t)(now_ns(CLOCK_REALTIME) - at), 0);
}

static void timers(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    uint64_t at = now_ns(CLOCK_MONOTONIC) + 2000000;
    struct itimerspec its = { { 0, 0 }, ts_of(at) };
    timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
    uint64_t n;
    expect(read(fd, &n, sizeof n) == sizeof n && n == 1, "timerfd expires once");
    judge("timerfd read returns at its expiry", (int64_t)(now_ns(CLOCK_MONOTONIC) - at), 0);
    close(fd);

    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGALRM);
    sigprocmask(SIG_BLOCK, &s, NULL);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    timer_t t;
    expect(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create");
    at = now_ns(CLOCK_MONOTONIC) + 2000000;
    its = (struct itimerspec){ { 0, 0 }, ts_of(at) };
    timer_settime(t, TIMER_ABSTIME, &its, NULL);
    siginfo_t si;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, SIGUSR1);
    sigwaitinfo(&one, &si);
    judge("POSIX timer's signal taken at its expiry", (int64_t)(now_ns(CLOCK_MONOTONIC) - at), 0);
    timer_delete(t);

    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    struct itimerval iv = { { 0, 0 }, { 0, 2000 } };
    setitimer(ITIMER_REAL, &iv, NULL);
    sigemptyset(&one);
    sigaddset(&one, SIGALRM);
    sigwaitinfo(&one, &si);
    judge("setitimer(ITIMER_REAL, 2 ms): SIGALRM at its expiry", (int64_t)(now_ns(CLOCK_MONOTONIC) - t0 - 2000000), 0);
}

int main(void)
{
    char cmd[1024] = "";
    read_file("/proc/cmdline", cmd, sizeof cmd);
    bool strict = strstr(cmd, "timers.strict") != NULL;
    tol_ns = strict ? 20000 : 50000000;
    ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
    say("tolerance: %s\n", strict ? "20 us (icount)" : "50 ms");
    tickless_idle();
    sleeps();
    timers();
    gt_exit();
}
